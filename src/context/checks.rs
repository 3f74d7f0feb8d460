//! The context stage of `sot check`: merge every device once and report what
//! the weights really do.

use std::sync::Arc;

use crate::hash::{HashMap, HashMapExt};

use rayon::prelude::*;

use super::merge::{Override, Source};
use super::{Contexts, weight};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::model::{ConfigContext, Device, Id, Inventory};
use crate::project::Config;
use crate::team_schemas::{SchemaSet, Violation, node_at};

/// Specificity order of assignment kinds when `weights:` sets no bands.
const DEFAULT_RANK: [(&str, u32); 11] = [
    ("global", 0),
    ("region", 1),
    ("site_group", 2),
    ("site", 3),
    ("location", 4),
    ("tenant_group", 5),
    ("tenant", 6),
    ("device_type", 7),
    ("role", 8),
    ("platform", 9),
    ("tag", 10),
];

/// The band-key names of a context's non-empty assignment kinds (`global` if none).
fn kinds(c: &ConfigContext) -> Vec<&'static str> {
    let a = &c.assign;
    let mut k = Vec::new();
    let lists: [(&str, bool); 10] = [
        ("region", a.regions.is_empty()),
        ("site_group", a.site_groups.is_empty()),
        ("site", a.sites.is_empty()),
        ("location", a.locations.is_empty()),
        ("tenant_group", a.tenant_groups.is_empty()),
        ("tenant", a.tenants.is_empty()),
        ("device_type", a.device_types.is_empty()),
        ("role", a.roles.is_empty()),
        ("platform", a.platforms.is_empty()),
        ("tag", a.tags.is_empty()),
    ];
    for (name, empty) in lists {
        if !empty {
            k.push(name);
        }
    }
    if k.is_empty() {
        k.push("global");
    }
    k
}

/// How specific a context is: with bands, the highest band among its kinds that
/// have one; without, the default order. `None`: not comparable (no banded kind).
fn specificity(c: &ConfigContext, config: &Config) -> Option<(i64, &'static str)> {
    let ks = kinds(c);
    if config.weights.is_empty() {
        return ks
            .iter()
            .filter_map(|k| DEFAULT_RANK.iter().find(|(n, _)| n == k))
            .map(|(n, r)| (i64::from(*r), *n))
            .max();
    }
    ks.iter().filter_map(|k| config.weights.iter().find(|b| b.kind.value == *k).map(|b| (b.min, *k))).max()
}

/// What one device's merge found.
struct DeviceFindings {
    applied: Vec<Id<ConfigContext>>,
    /// Shared by the devices without local context data that the same contexts apply to.
    merge: Arc<MergeFindings>,
    violations: Vec<(Id<ConfigContext>, Violation, Span)>,
}

/// What a merge found, whichever device it was for.
struct MergeFindings {
    /// Contexts that still own at least one value after the merge.
    effective: Vec<Id<ConfigContext>>,
    overrides: Vec<Override>,
}

/// Run every context check. `schemas` validates contexts' own data and `kind: schema` bindings.
pub fn check(inv: &Inventory, config: &Config, schemas: &SchemaSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    own_data_schemas(inv, schemas, &mut out);
    bands(inv, config, &mut out);
    let matcher = super::Matcher::new(inv);
    let ctx = Contexts::new(inv, &matcher);
    let bindings: Vec<Id<ConfigContext>> = (0..inv.config_contexts.len())
        .map(Id::new)
        .filter(|&c| inv.config_contexts[c.index()].is_schema() && inv.config_contexts[c.index()].is_active)
        .collect();
    let applied: Vec<Vec<Id<ConfigContext>>> = inv.devices.par_iter().map(|d| ctx.applicable(d)).collect();
    // A device without local context data merges as the first such device with the same
    // contexts did (the merge is a function of that list alone): a fleet's devices share a
    // few hundred lists, and each is merged once. Schema bindings are still checked on each
    // device's merge.
    let mut first: HashMap<&[Id<ConfigContext>], usize> = HashMap::new();
    let mut like: Vec<Option<usize>> = vec![None; inv.devices.len()];
    for (i, d) in inv.devices.iter().enumerate() {
        if d.local_context_data.is_none() {
            let f = *first.entry(applied[i].as_slice()).or_insert(i);
            like[i] = (f != i).then_some(f);
        }
    }
    let bound_to = |d: &Device| -> Vec<Id<ConfigContext>> {
        bindings.iter().copied().filter(|&b| ctx.matcher.matches(b, inv, d)).collect()
    };
    let merged: Vec<Option<DeviceFindings>> = inv
        .devices
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let bound = bound_to(d);
            if like[i].is_some() && bound.is_empty() {
                return None;
            }
            let (merged, overrides) = ctx.merged_with_overrides(d, &applied[i]);
            let mut effective: Vec<Id<ConfigContext>> = Vec::new();
            for e in merged.leaf_entries() {
                if let Source::Context(c) = e.source
                    && !effective.contains(&c)
                {
                    effective.push(c);
                }
            }
            let mut violations = Vec::new();
            if !bound.is_empty() {
                let json = merged.to_json();
                for b in bound {
                    let Some(schema) = &inv.config_contexts[b.index()].schema else { continue };
                    for v in schemas.violations(&schema.value, &json) {
                        let span = match merged.lookup(&v.path) {
                            Some((_, Some(node))) => node.span,
                            Some((entry, None)) => entry.key_span,
                            None => inv.config_contexts[b.index()].name.span,
                        };
                        violations.push((b, v, span));
                    }
                }
            }
            Some(DeviceFindings {
                applied: Vec::new(),
                merge: Arc::new(MergeFindings { effective, overrides }),
                violations,
            })
        })
        .collect();
    let mut per_device: Vec<DeviceFindings> = Vec::with_capacity(merged.len());
    for ((found, applied), like) in merged.into_iter().zip(applied).zip(like) {
        let mut f = found.unwrap_or_else(|| {
            let same = like.expect("only a device like an earlier one is left unmerged");
            DeviceFindings { applied: Vec::new(), merge: Arc::clone(&per_device[same].merge), violations: Vec::new() }
        });
        f.applied = applied;
        per_device.push(f);
    }
    report(inv, config, &per_device, &mut out);
    out
}

/// `schema:` on a data context validates the context's own `data`.
fn own_data_schemas(inv: &Inventory, schemas: &SchemaSet, out: &mut Vec<Diagnostic>) {
    for c in &inv.config_contexts {
        let (Some(schema), Some(data), false) = (&c.schema, &c.data, c.is_schema()) else { continue };
        for v in schemas.violations(&schema.value, &data.to_json()) {
            let node = node_at(data, &v.path);
            out.push(
                Diagnostic::new(
                    Code::SchemaViolation,
                    node.span,
                    format!("context `{}` does not satisfy schema `{}`: {}", c.name.value, schema.value, v.message),
                )
                .label(if v.path.is_empty() { "here".to_string() } else { format!("at {}", v.path.join(".")) })
                .related(schema.span, "the schema is named here"),
            );
        }
    }
}

/// With `weights:` bands, each context's weight lies in its most specific kind's band.
fn bands(inv: &Inventory, config: &Config, out: &mut Vec<Diagnostic>) {
    if config.weights.is_empty() {
        return;
    }
    for c in inv.config_contexts.iter().filter(|c| !c.is_schema()) {
        let Some((_, kind)) = specificity(c, config) else { continue };
        let Some(band) = config.weights.iter().find(|b| b.kind.value == kind) else { continue };
        let w = weight(c);
        if w < band.min || w > band.max {
            let at = c.weight.as_ref().map_or(c.name.span, |w| w.span);
            out.push(
                Diagnostic::new(
                    Code::ContextWeightBand,
                    at,
                    format!(
                        "context `{}` has weight {w}, outside the `{kind}` band {}-{}",
                        c.name.value, band.min, band.max
                    ),
                )
                .label(format!("its most specific assignment is `{kind}`"))
                .related(band.kind.span, format!("the `{kind}` band is set here"))
                .help(format!("use a weight from {} to {}", band.min, band.max)),
            );
        }
    }
}

fn src_name(inv: &Inventory, s: Source) -> String {
    match s {
        Source::Context(c) => {
            let c = &inv.config_contexts[c.index()];
            format!("`{}` (weight {})", c.name.value, weight(c))
        }
        Source::Local => "local context data".to_string(),
    }
}

/// An override between two contexts at a key path.
type OverrideKey = (String, Id<ConfigContext>, Id<ConfigContext>);
/// First device, number of devices, and the two places.
type Tally = (usize, usize, Span, Span);

fn report(inv: &Inventory, config: &Config, per_device: &[DeviceFindings], out: &mut Vec<Diagnostic>) {
    let mut applied_to = vec![0usize; inv.config_contexts.len()];
    let mut effective = vec![false; inv.config_contexts.len()];
    // (path, old, new) -> (first device, count, spans)
    let mut ties: HashMap<OverrideKey, Tally> = HashMap::new();
    let mut weaker: HashMap<OverrideKey, Tally> = HashMap::new();
    let mut violations: HashMap<(Span, String), (Id<ConfigContext>, usize, usize)> = HashMap::new();
    for (di, f) in per_device.iter().enumerate() {
        for c in &f.applied {
            applied_to[c.index()] += 1;
        }
        for c in &f.merge.effective {
            effective[c.index()] = true;
        }
        for o in &f.merge.overrides {
            let (Source::Context(old), Source::Context(new)) = (o.old, o.new) else { continue };
            let (co, cn) = (&inv.config_contexts[old.index()], &inv.config_contexts[new.index()]);
            let key = (o.path.clone(), old, new);
            let bump = |m: &mut HashMap<_, Tally>| {
                m.entry(key.clone()).or_insert((di, 0, o.old_span, o.new_span)).1 += 1;
            };
            if weight(co) == weight(cn) {
                bump(&mut ties);
            } else if let (Some((ro, ko)), Some((rn, kn))) = (specificity(co, config), specificity(cn, config))
                && rn < ro
                && ko != kn
            {
                bump(&mut weaker);
            }
        }
        for (b, v, span) in &f.violations {
            violations.entry((*span, v.message.clone())).or_insert((*b, di, 0)).2 += 1;
        }
    }
    let devices = |first: usize, count: usize| {
        let name = &inv.devices[first].name.value;
        if count > 1 {
            format!("`{name}` and {}", crate::diagnostic::other_devices(count - 1))
        } else {
            format!("`{name}`")
        }
    };
    for ((path, old, new), (first, count, old_span, new_span)) in ties {
        // Reported at the later of the two places in file order.
        let (at, other) = if new_span > old_span { (new_span, old_span) } else { (old_span, new_span) };
        out.push(
            Diagnostic::new(
                Code::ContextWeightTie,
                at,
                format!(
                    "contexts {} and {} both set `{path}` on {} with different values",
                    src_name(inv, Source::Context(old)),
                    src_name(inv, Source::Context(new)),
                    devices(first, count)
                ),
            )
            .label("equal weights: the value depends on the contexts' names")
            .related(other, "the other context sets it here")
            .help(format!(
                "give one context a higher weight; today `{}` wins because its name sorts later",
                inv.config_contexts[new.index()].name.value
            )),
        );
    }
    for ((path, old, new), (first, count, old_span, new_span)) in weaker {
        let (co, cn) = (&inv.config_contexts[old.index()], &inv.config_contexts[new.index()]);
        let ko = specificity(co, config).map_or("", |s| s.1);
        let kn = specificity(cn, config).map_or("", |s| s.1);
        out.push(
            Diagnostic::new(
                Code::ContextLessSpecificOverride,
                new_span,
                format!(
                    "{kn}-level context {} overrides {ko}-level context {} at `{path}` on {}",
                    src_name(inv, Source::Context(new)),
                    src_name(inv, Source::Context(old)),
                    devices(first, count)
                ),
            )
            .label("a less specific context wins here")
            .related(old_span, format!("the more specific `{}` sets it here", co.name.value))
            .help(format!(
                "lower `{}`'s weight below {}, or raise `{}`'s",
                cn.name.value,
                weight(co),
                co.name.value
            )),
        );
    }
    for ((span, message), (b, first, count)) in violations {
        let c = &inv.config_contexts[b.index()];
        let schema = c.schema.as_ref().map_or("", |s| s.as_str());
        out.push(
            Diagnostic::new(
                Code::SchemaViolation,
                span,
                format!("merged context of {} does not satisfy schema `{schema}`: {message}", devices(first, count)),
            )
            .label("this value is the device's merged value")
            .related(c.name.span, format!("`{}` binds the schema to these devices", c.name.value)),
        );
    }
    if inv.devices.is_empty() {
        return;
    }
    for (i, c) in inv.config_contexts.iter().enumerate() {
        if !c.is_active || c.is_schema() {
            continue;
        }
        if applied_to[i] == 0 {
            out.push(
                Diagnostic::new(
                    Code::ContextUnused,
                    c.name.span,
                    format!("context `{}` applies to no device", c.name.value),
                )
                .label("its assignment lists match nothing")
                .help("fix the assignment lists, or remove the context"),
            );
        } else if !effective[i] && c.data.as_ref().is_some_and(|d| d.as_map().is_some_and(|m| !m.is_empty())) {
            out.push(
                Diagnostic::new(
                    Code::ContextShadowed,
                    c.name.span,
                    format!(
                        "every value of context `{}` is overridden on all {} devices it applies to",
                        c.name.value, applied_to[i]
                    ),
                )
                .label("this context has no effect")
                .help("remove it, or raise its weight above the contexts that override it"),
            );
        }
    }
}
