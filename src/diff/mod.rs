//! `sot diff`: what a change does to the network.
//!
//! [`run`] compiles both sides up to rendering, digests every device's render inputs
//! ([`inputs`]) and renders only the devices whose inputs the other side does not have: a
//! device with the same inputs on both sides renders the same on both, so its
//! configuration is unchanged and its render failures, if any, are neither introduced nor
//! fixed. The report lists objects created, updated (field by field) and deleted by
//! natural key, shaped like NetBox's webhook events; per device, the merged-context
//! values that changed and which context did it, and the unified diff of its rendered
//! configuration; and the diagnostics the change introduces or fixes (render failures
//! device by device).

pub mod inputs;
pub(crate) mod objects;
pub mod output;

use std::collections::{BTreeMap, BTreeSet};

use crate::hash::{HashMap, HashSet};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::compile::Options;
use crate::diagnostic::Diagnostic;
use crate::model::{Device, Id};
use crate::project::Config;
use crate::source::SourceSet;
use crate::template::{RenderFailure, RenderResult, Templates};
use crate::view::World;

pub use inputs::ObjectDigests;
pub use objects::{Snapshot, snapshot};

#[derive(Debug, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// An object change, shaped like a NetBox webhook payload: `data` is the object as it is
/// after the change (as it was, for a deletion), `snapshots` the object before and after;
/// fields carry NetBox's names and shapes (see [`shape`]).
#[derive(Debug, Serialize)]
pub struct Event {
    /// `created`, `updated` or `deleted`.
    pub event: &'static str,
    /// NetBox's model name, e.g. `dcim.device`.
    pub model: &'static str,
    /// The natural key.
    pub key: String,
    pub data: Value,
    pub snapshots: Snapshots,
    /// For `updated`: the fields that differ, nested values by path (`data.bgp.peers[2].remote_as`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// For an interface created or deleted with its device's type: the type's slug
    /// (reports summarise these as "58 interfaces from TYPE").
    #[serde(skip)]
    pub from_type: Option<String>,
}

/// An object before and after a change, as NetBox's webhooks carry them.
#[derive(Debug, Serialize, Default)]
pub struct Snapshots {
    pub prechange: Option<Value>,
    pub postchange: Option<Value>,
}

/// A natural key that names more than one object on a side: such objects are not paired
/// (which of them would be which?), the report says so instead.
#[derive(Debug, Serialize)]
pub struct Duplicate {
    pub model: &'static str,
    pub key: String,
    /// How many objects have the key on each side.
    pub base: usize,
    pub head: usize,
}

#[derive(Debug, Serialize)]
pub struct ContextChange {
    /// Dotted key path in the merged context.
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// The context that set the new value (or set the old one, for a removal).
    pub by: String,
}

#[derive(Debug, Serialize)]
pub struct DeviceChange {
    pub device: String,
    pub context: Vec<ContextChange>,
    /// Unified diff of `configs/<device>.cfg`; empty when the config is unchanged.
    pub config_diff: String,
    pub lines_added: usize,
    pub lines_removed: usize,
}

#[derive(Debug, Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiagnosticRef {
    pub code: &'static str,
    /// The code's name (`unknown-reference`), as `check --format json` gives it.
    pub name: &'static str,
    pub severity: &'static str,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// The fix the finding suggests ("did you mean `leaf`?"), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

#[derive(Debug, Serialize, Default)]
pub struct Summary {
    pub objects_created: usize,
    pub objects_updated: usize,
    pub objects_deleted: usize,
    pub devices_affected: usize,
    pub config_lines_added: usize,
    pub config_lines_removed: usize,
    pub diagnostics_introduced: usize,
    pub diagnostics_fixed: usize,
}

#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub base: String,
    pub head: String,
    pub summary: Summary,
    pub events: Vec<Event>,
    pub devices: Vec<DeviceChange>,
    pub introduced: Vec<DiagnosticRef>,
    pub fixed: Vec<DiagnosticRef>,
    /// Keys written more than once on a side, whose objects the report does not pair.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<Duplicate>,
}

/// The values that differ between `old` and `new`, by path: into mappings by key
/// (`bgp.asn`), into lists of the same length by index (`peers[2]`); a list whose length
/// changed, or a value whose type changed, is one change.
pub fn value_changes(path: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let keys = o.keys().chain(n.keys().filter(|k| !o.contains_key(*k)));
            for k in keys {
                let (a, b) = (o.get(k).unwrap_or(&Value::Null), n.get(k).unwrap_or(&Value::Null));
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                value_changes(&p, a, b, out);
            }
        }
        (Value::Array(o), Value::Array(n)) if o.len() == n.len() && o.iter().any(|x| x.is_object() || x.is_array()) => {
            for (i, (a, b)) in o.iter().zip(n).enumerate() {
                value_changes(&format!("{path}[{i}]"), a, b, out);
            }
        }
        _ if old != new => out.push(FieldChange { field: path.to_string(), old: old.clone(), new: new.clone() }),
        _ => {}
    }
}

fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    value_changes("", old, new, &mut out);
    out
}

/// A cable end (`device:interface`, `circuit CID term A`) as a NetBox termination.
fn termination(end: &str) -> Value {
    if let Some(rest) = end.strip_prefix("circuit ")
        && let Some((cid, side)) = rest.rsplit_once(" term ")
    {
        return serde_json::json!({
            "object_type": "circuits.circuittermination",
            "object": {"circuit": {"cid": cid}, "term_side": side},
        });
    }
    let (device, name) = end.split_once(':').unwrap_or(("", end));
    serde_json::json!({"object_type": "dcim.interface", "object": {"device": {"name": device}, "name": name}})
}

/// `v` (an object of `model` whose natural key is `key`) with NetBox's field names and
/// shapes: an interface's `type` and `device`, a cable's `type` and its ends as
/// `a_terminations` and `b_terminations`, an address's `assigned_object_type` and
/// `assigned_object`.
pub fn shape(model: &str, key: &str, v: Value) -> Value {
    let Value::Object(m) = v else { return v };
    let mut out = serde_json::Map::with_capacity(m.len() + 1);
    if model == "dcim.interface"
        && let Some((device, _)) = key.split_once(':')
    {
        out.insert("device".into(), serde_json::json!({"name": device}));
    }
    for (k, x) in m {
        match (model, k.as_str()) {
            ("dcim.interface", "interface_type") | ("dcim.cable", "cable_type") => {
                out.insert("type".into(), x);
            }
            ("dcim.cable", "a" | "b") => {
                let end = x.as_str().map(termination).unwrap_or(x);
                out.insert(format!("{k}_terminations"), Value::Array(vec![end]));
            }
            ("ipam.ipaddress", "interface") => {
                let end = x.as_str().map(termination).unwrap_or(x);
                out.insert("assigned_object_type".into(), end["object_type"].clone());
                out.insert("assigned_object".into(), end["object"].clone());
            }
            _ => {
                out.insert(k, x);
            }
        }
    }
    Value::Object(out)
}

/// The event of one object's change, if it changed.
fn event(change: objects::Change<'_>) -> Option<Event> {
    let (model, key, before, after) = change;
    let json = |x: &objects::Lazy<'_>| shape(model, &key, x.json());
    let (event, prechange, postchange, changes) = match (before, after) {
        (Some((_, old)), None) => ("deleted", Some(json(&old)), None, vec![]),
        (None, Some((_, new))) => ("created", None, Some(json(&new)), vec![]),
        (Some((old_digest, old)), Some((new_digest, new))) if new_digest != old_digest => {
            let (old, new) = (json(&old), json(&new));
            let changes = field_changes(&old, &new);
            if changes.is_empty() {
                return None;
            }
            ("updated", Some(old), Some(new), changes)
        }
        _ => return None,
    };
    let data = postchange.clone().or_else(|| prechange.clone()).unwrap_or(Value::Null);
    Some(Event { event, model, key, data, snapshots: Snapshots { prechange, postchange }, changes, from_type: None })
}

/// NetBox models in the order their objects can be created: each after those it refers to.
const CREATION_ORDER: &[&str] = &[
    "extras.customfield",
    "extras.tag",
    "tenancy.tenantgroup",
    "tenancy.tenant",
    "dcim.region",
    "dcim.sitegroup",
    "dcim.site",
    "dcim.location",
    "dcim.rackrole",
    "dcim.rack",
    "dcim.manufacturer",
    "dcim.devicetype",
    "dcim.moduletype",
    "dcim.devicerole",
    "dcim.platform",
    "ipam.vrf",
    "ipam.role",
    "ipam.vlangroup",
    "ipam.vlan",
    "ipam.prefix",
    "extras.configcontext",
    "dcim.device",
    "dcim.interface",
    "dcim.consoleport",
    "dcim.consoleserverport",
    "dcim.powerport",
    "dcim.poweroutlet",
    "dcim.rearport",
    "dcim.frontport",
    "dcim.modulebay",
    "dcim.devicebay",
    "dcim.inventoryitem",
    "ipam.ipaddress",
    "circuits.provider",
    "circuits.circuittype",
    "circuits.circuit",
    "dcim.cable",
];

/// Order events so that replaying them in order works: creations first, parents before
/// children (a LAG before its members); then updates in the same order; then deletions,
/// children before parents. Within a model, keys in natural order.
pub fn order_events(events: &mut [Event]) {
    fn rank(e: &Event) -> (u8, usize, u8) {
        let model = CREATION_ORDER.iter().position(|m| *m == e.model).unwrap_or(CREATION_ORDER.len());
        // An interface that is a LAG's member or a child comes after its LAG or parent.
        let member =
            u8::from(e.model == "dcim.interface" && (e.data.get("lag").is_some() || e.data.get("parent").is_some()));
        match e.event {
            "created" => (0, model, member),
            "updated" => (1, model, member),
            _ => (2, usize::MAX - model, 1 - member),
        }
    }
    events.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| crate::natural::cmp(&a.key, &b.key)));
}

/// The events between two snapshots, and those of `more` changes found otherwise; keys in
/// `skip` (written more than once on a side) are left out.
fn events<'a>(
    base: Snapshot<'a>,
    head: Snapshot<'a>,
    more: Vec<objects::Change<'a>>,
    skip: &HashSet<(&'static str, String)>,
) -> Vec<Event> {
    let mut changes = more;
    // Both are sorted by key: one pass over the two.
    let (mut b, mut h) = (base.into_iter().peekable(), head.into_iter().peekable());
    loop {
        let order = match (b.peek(), h.peek()) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => break,
        };
        match order {
            std::cmp::Ordering::Less => {
                let ((model, key), old) = b.next().expect("peeked");
                changes.push((model, key, Some(old), None));
            }
            std::cmp::Ordering::Greater => {
                let ((model, key), new) = h.next().expect("peeked");
                changes.push((model, key, None, Some(new)));
            }
            std::cmp::Ordering::Equal => {
                let (((model, key), old), (_, new)) = (b.next().expect("peeked"), h.next().expect("peeked"));
                if old.0 != new.0 {
                    changes.push((model, key, Some(old), Some(new)));
                }
            }
        }
    }
    if !skip.is_empty() {
        changes.retain(|c| !skip.contains(&(c.0, c.1.clone())));
    }
    let mut out: Vec<Event> = changes.into_par_iter().filter_map(event).collect();
    order_events(&mut out);
    out
}

/// The keys written more than once on either side whose objects differ between the sides
/// (in number or in content).
fn duplicates(base: (Vec<objects::Dup>, &Snapshot<'_>), head: (Vec<objects::Dup>, &Snapshot<'_>)) -> Vec<Duplicate> {
    /// The digests of a key's objects on each side, where it is written more than once.
    type Sides = (Option<Vec<u64>>, Option<Vec<u64>>);
    let mut by_key: BTreeMap<(&'static str, String), Sides> = BTreeMap::new();
    for (k, d) in base.0 {
        by_key.entry(k).or_default().0 = Some(d);
    }
    for (k, d) in head.0 {
        by_key.entry(k).or_default().1 = Some(d);
    }
    // The side where a key is not duplicated holds one object of it, or none.
    let one = |snap: &Snapshot<'_>, k: &(&'static str, String)| -> Vec<u64> {
        snap.binary_search_by(|x| x.0.cmp(k)).map(|i| vec![snap[i].1.0]).unwrap_or_default()
    };
    let by_key = by_key.into_iter().map(|(k, (b, h))| {
        let b = b.unwrap_or_else(|| one(base.1, &k));
        let h = h.unwrap_or_else(|| one(head.1, &k));
        (k, (b, h))
    });
    let mut out: Vec<Duplicate> = by_key
        .into_iter()
        .filter(|(_, (b, h))| b != h)
        .map(|((model, key), (b, h))| Duplicate { model, key, base: b.len(), head: h.len() })
        .collect();
    out.sort_by(|a, b| a.model.cmp(b.model).then_with(|| crate::natural::cmp(&a.key, &b.key)));
    out
}

/// One side, as the comparison reads it.
struct Compared<'a> {
    label: &'a str,
    world: &'a World,
    sources: &'a SourceSet,
    /// What compiling found (render failures are in `render`).
    diagnostics: &'a [Diagnostic],
    /// The render failures of devices the other side does not have failing alike.
    render: Vec<DiagnosticRef>,
    /// Each device's rendered configuration (`None`: not rendered, no template, or it failed).
    configs: Vec<Option<&'a str>>,
    /// Each device's merged-context digest.
    contexts: &'a [u64],
    objects: &'a ObjectDigests,
}

fn diagnostic_ref(d: &Diagnostic, sources: &SourceSet) -> DiagnosticRef {
    DiagnosticRef {
        code: d.code.as_str(),
        name: d.code.info().name,
        severity: d.severity.as_str(),
        file: sources.path(d.primary.span.file).to_string(),
        line: d.primary.span.start.line,
        column: d.primary.span.start.col,
        message: d.message.clone(),
        help: d.help.clone(),
    }
}

fn diagnostics(side: &Compared<'_>) -> BTreeSet<DiagnosticRef> {
    side.diagnostics.iter().map(|d| diagnostic_ref(d, side.sources)).collect()
}

/// Diagnostics compared without their line, so that an edit above a finding does not "fix" it.
fn without_line(d: &DiagnosticRef) -> (&'static str, &str, &str) {
    (d.code, &d.file, &d.message)
}

/// Merged-context leaves of one device: path → (value, set by).
fn context_leaves(side: &Compared<'_>, id: Id<Device>) -> BTreeMap<String, (Value, String)> {
    crate::show::explain(side.world, side.sources, id)
        .into_iter()
        .map(|e| (e.path, (e.value, format!("{} ({})", e.set_by.context, e.set_by.location))))
        .collect()
}

/// Each device name's last device.
fn by_name<'s>(side: &'s Compared<'_>) -> HashMap<&'s str, usize> {
    side.world.inventory.devices.iter().enumerate().map(|(i, d)| (d.name.value.as_str(), i)).collect()
}

/// Each device name's configuration: that of the last device of the name that has one (a
/// device that was not rendered, its inputs the same on both sides, has none).
fn configs<'s>(side: &'s Compared<'_>) -> HashMap<&'s str, &'s str> {
    side.world
        .inventory
        .devices
        .iter()
        .zip(&side.configs)
        .filter_map(|(d, c)| c.map(|c| (d.name.value.as_str(), c)))
        .collect()
}

/// One side to compile and compare.
pub struct Input<'a> {
    /// A commit id, or `working tree`.
    pub label: String,
    pub sources: &'a SourceSet,
    pub config: Config,
    /// What loading found.
    pub diagnostics: Vec<Diagnostic>,
}

/// A comparison and what it took.
pub struct Run {
    pub report: DiffReport,
    /// Each step and how long it took, in order.
    pub timings: Vec<crate::compile::Lap>,
    /// Devices on both sides, and how many were rendered (those whose inputs the other side lacks).
    pub devices: usize,
    pub rendered: usize,
    /// Both compiled sides and what was computed from them. Dropping them frees over a
    /// gigabyte piece by piece at fleet scale; a process about to exit may forget them instead.
    pub compiled: Box<dyn std::any::Any + Send>,
}

/// Compile both sides (a file both hold unchanged is parsed once), render each device
/// whose inputs the other side does not have, and compare.
pub fn run(base: Input<'_>, head: Input<'_>) -> Run {
    run_rendering(base, head, false)
}

/// [`run`]; `every` renders every device on both sides, which must give the same report
/// (but for devices of one name, an error, whose configurations are compared as rendered).
fn run_rendering(base: Input<'_>, head: Input<'_>, every: bool) -> Run {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |what: String| {
        timings.push(crate::compile::Lap::new(what, clock.elapsed()));
        clock = Instant::now();
    };
    let ((mut bc, bt), (mut hc, ht)) = crate::compile::compile_pair_unrendered(
        (base.sources, base.config, base.diagnostics),
        (head.sources, head.config, head.diagnostics),
        &Options::default(),
    );
    lap("compile both sides (without rendering)".into());
    let (ob, oh) = rayon::join(|| ObjectDigests::new(&bc.inventory), || ObjectDigests::new(&hc.inventory));
    let (ib, ih) =
        rayon::join(|| inputs::render_inputs(&bc.world, &bt, &ob), || inputs::render_inputs(&hc.world, &ht, &oh));
    lap("digest objects and render inputs".into());
    // A device whose inputs the other side has too renders the same there: the same
    // configuration, the same failure if any. Render the others, base's first.
    let (db, dh): (HashSet<u64>, HashSet<u64>) =
        rayon::join(|| ib.devices.iter().copied().collect(), || ih.devices.iter().copied().collect());
    let jobs: Vec<(bool, usize)> = (ib.devices.iter().enumerate())
        .filter(|(_, d)| every || !dh.contains(d))
        .map(|(i, _)| (false, i))
        .chain(ih.devices.iter().enumerate().filter(|(_, d)| every || !db.contains(d)).map(|(i, _)| (true, i)))
        .collect();
    let results: Vec<RenderResult> = jobs
        .par_iter()
        .map(|&(on_head, i)| if on_head { ht.render(&hc.world, Id::new(i)) } else { bt.render(&bc.world, Id::new(i)) })
        .collect();
    let split = jobs.partition_point(|&(on_head, _)| !on_head);
    let rendered = |range: std::ops::Range<usize>| jobs[range.clone()].iter().map(|j| j.1).zip(&results[range]);
    let (rb, rh) = (rendered(0..split), rendered(split..jobs.len()));
    /// Each device's configuration, `None` where it was not rendered.
    fn by_device<'r>(n: usize, rendered: impl Iterator<Item = (usize, &'r RenderResult)>) -> Vec<Option<&'r str>> {
        let mut configs = vec![None; n];
        for (i, r) in rendered {
            configs[i] = r.as_ref().ok().and_then(|c| c.as_deref());
        }
        configs
    }
    let (cb, ch) =
        (by_device(bc.inventory.devices.len(), rb.clone()), by_device(hc.inventory.devices.len(), rh.clone()));
    let (render_fixed, render_introduced) = render_changes(
        RenderedSide {
            templates: &bt,
            world: &bc.world,
            sources: base.sources,
            failures: bt.failures(base.sources, rb),
        },
        RenderedSide {
            templates: &ht,
            world: &hc.world,
            sources: head.sources,
            failures: ht.failures(head.sources, rh),
        },
    );
    lap(format!("render {} of {} devices", results.len(), bc.inventory.devices.len() + hc.inventory.devices.len()));
    let (db, dh) = (std::mem::take(&mut bc.diagnostics), std::mem::take(&mut hc.diagnostics));
    let report = compare(
        &Compared {
            label: &base.label,
            world: &bc.world,
            sources: base.sources,
            diagnostics: &db,
            render: render_fixed,
            configs: cb,
            contexts: &ib.contexts,
            objects: &ob,
        },
        &Compared {
            label: &head.label,
            world: &hc.world,
            sources: head.sources,
            diagnostics: &dh,
            render: render_introduced,
            configs: ch,
            contexts: &ih.contexts,
            objects: &oh,
        },
    );
    lap("compare".into());
    let devices = bc.inventory.devices.len() + hc.inventory.devices.len();
    let rendered = results.len();
    let compiled = Box::new((bc, hc, bt, ht, ob, oh, ib, ih, results, db, dh));
    Run { report, timings, devices, rendered, compiled }
}

/// One side's rendered devices that failed, and what to report them with.
struct RenderedSide<'a> {
    templates: &'a Templates,
    world: &'a World,
    sources: &'a SourceSet,
    failures: Vec<RenderFailure<'a>>,
}

/// The render failures only one side has, as diagnostics: (fixed, introduced). Failures
/// compare device by device: one the other side has too (same device, template and error)
/// is neither. Each side's are grouped as `check` groups them.
fn render_changes(base: RenderedSide<'_>, head: RenderedSide<'_>) -> (Vec<DiagnosticRef>, Vec<DiagnosticRef>) {
    /// The device, the template by its name under the templates directory, and the error.
    fn key<'s>(side: &'s RenderedSide<'_>, f: &'s RenderFailure<'_>) -> (&'s str, Option<&'s str>, &'s str) {
        (&side.world.inventory.devices[f.device.index()].name.value, f.error.name(), &f.what)
    }
    fn only(side: &RenderedSide<'_>, other: &RenderedSide<'_>) -> Vec<DiagnosticRef> {
        // Counted, so that devices of one name (an error of its own) pair off one to one.
        let mut theirs: HashMap<_, usize> = HashMap::default();
        for f in &other.failures {
            *theirs.entry(key(other, f)).or_default() += 1;
        }
        let mine = side.failures.iter().filter(|f| match theirs.get_mut(&key(side, f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        (side.templates.failure_diagnostics(side.world, side.sources, mine).iter())
            .map(|d| diagnostic_ref(d, side.sources))
            .collect()
    }
    (only(&base, &head), only(&head, &base))
}

/// Compare two sides.
fn compare(base: &Compared<'_>, head: &Compared<'_>) -> DiffReport {
    let ((mut events, duplicates), (names_b, names_h)) = rayon::join(
        || {
            let (bi, hi) = (&base.world.inventory, &head.world.inventory);
            let devices = objects::device_changes(bi, base.objects, hi, head.objects);
            let all = devices.is_none();
            let ((sb, db), (sh, dh)) = rayon::join(
                || objects::snapshot_with_duplicates(bi, base.objects, all),
                || objects::snapshot_with_duplicates(hi, head.objects, all),
            );
            // A key written twice on a side: its objects are not paired, on either side.
            let skip: HashSet<(&'static str, String)> = db.iter().chain(&dh).map(|(k, _)| k.clone()).collect();
            let dups = duplicates((db, &sb), (dh, &sh));
            (events(sb, sh, devices.unwrap_or_default(), &skip), dups)
        },
        || rayon::join(|| by_name(base), || by_name(head)),
    );
    mark_from_type(&mut events, (base, &names_b), (head, &names_h));
    let (cb, ch) = (configs(base), configs(head));
    // Every device has a merged context, so every name is here.
    let mut names: Vec<&str> =
        names_b.keys().chain(names_h.keys().filter(|n| !names_b.contains_key(*n))).copied().collect();
    crate::natural::sort_by_key(&mut names, |n| n);
    let devices: Vec<DeviceChange> = names
        .into_par_iter()
        .filter_map(|name| {
            let mut context = Vec::new();
            // Only devices on both sides whose merged context differs: explain those.
            // (A created or deleted device is an object event.)
            if let (Some(&ib), Some(&ih)) = (names_b.get(name), names_h.get(name))
                && base.contexts[ib] != head.contexts[ih]
            {
                let (ob, oh) = (context_leaves(base, Id::new(ib)), context_leaves(head, Id::new(ih)));
                let paths: BTreeSet<&String> = ob.keys().chain(oh.keys()).collect();
                for p in paths {
                    let (a, b) = (ob.get(p), oh.get(p));
                    if a.map(|x| &x.0) != b.map(|x| &x.0) {
                        let by = b.or(a).map(|x| x.1.clone()).unwrap_or_default();
                        // A value on both sides: what differs inside it, by path.
                        if let (Some(a), Some(b)) = (a, b) {
                            let mut inner = Vec::new();
                            value_changes(p, &a.0, &b.0, &mut inner);
                            context.extend(inner.into_iter().map(|c| ContextChange {
                                path: c.field,
                                old: Some(c.old),
                                new: Some(c.new),
                                by: by.clone(),
                            }));
                            continue;
                        }
                        context.push(ContextChange {
                            path: p.clone(),
                            old: a.map(|x| x.0.clone()),
                            new: b.map(|x| x.0.clone()),
                            by,
                        });
                    }
                }
            }
            let (old, new) = (cb.get(name).copied().unwrap_or(""), ch.get(name).copied().unwrap_or(""));
            let (mut config_diff, mut added, mut removed) = (String::new(), 0, 0);
            if old != new {
                let td = similar::TextDiff::from_lines(old, new);
                for change in td.iter_all_changes() {
                    match change.tag() {
                        similar::ChangeTag::Insert => added += 1,
                        similar::ChangeTag::Delete => removed += 1,
                        similar::ChangeTag::Equal => {}
                    }
                }
                config_diff = td
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/configs/{name}.cfg"), &format!("b/configs/{name}.cfg"))
                    .to_string();
            }
            (!context.is_empty() || !config_diff.is_empty()).then(|| DeviceChange {
                device: name.to_string(),
                context,
                config_diff,
                lines_added: added,
                lines_removed: removed,
            })
        })
        .collect();
    let (db, dh) = (diagnostics(base), diagnostics(head));
    let kb: BTreeSet<_> = db.iter().map(without_line).collect();
    let kh: BTreeSet<_> = dh.iter().map(without_line).collect();
    let mut introduced: Vec<DiagnosticRef> =
        dh.iter().filter(|d| !kb.contains(&without_line(d))).cloned().chain(head.render.iter().cloned()).collect();
    let mut fixed: Vec<DiagnosticRef> =
        db.iter().filter(|d| !kh.contains(&without_line(d))).cloned().chain(base.render.iter().cloned()).collect();
    introduced.sort();
    introduced.dedup();
    fixed.sort();
    fixed.dedup();
    let summary = Summary {
        objects_created: events.iter().filter(|e| e.event == "created").count(),
        objects_updated: events.iter().filter(|e| e.event == "updated").count(),
        objects_deleted: events.iter().filter(|e| e.event == "deleted").count(),
        devices_affected: devices.len(),
        config_lines_added: devices.iter().map(|d| d.lines_added).sum(),
        config_lines_removed: devices.iter().map(|d| d.lines_removed).sum(),
        diagnostics_introduced: introduced.len(),
        diagnostics_fixed: fixed.len(),
    };
    DiffReport {
        base: base.label.to_string(),
        head: head.label.to_string(),
        summary,
        events,
        devices,
        introduced,
        fixed,
        duplicates,
    }
}

/// Mark each interface or other component created or deleted with its device's type (and
/// not written in the inventory) with the type's slug.
fn mark_from_type(
    events: &mut [Event],
    base: (&Compared<'_>, &HashMap<&str, usize>),
    head: (&Compared<'_>, &HashMap<&str, usize>),
) {
    let component = |m: &str| crate::model::COMPONENT_KINDS.iter().any(|k| k.netbox == m);
    for e in events.iter_mut().filter(|e| (e.model == "dcim.interface" || component(e.model)) && e.event != "updated") {
        let (side, names) = if e.event == "created" { head } else { base };
        let Some((device, interface)) = e.key.split_once(':') else { continue };
        let Some(&i) = names.get(device) else { continue };
        let d = &side.world.inventory.devices[i];
        let from_type = if e.model == "dcim.interface" {
            d.interfaces.iter().any(|x| x.name.value == interface && x.template.is_some() && !x.inline)
        } else {
            d.components.iter().any(|x| {
                x.kind.info().netbox == e.model && x.name.value == interface && x.template.is_some() && !x.inline
            })
        };
        if from_type {
            e.from_type = Some(d.device_type.key.value.to_string());
        }
    }
}

#[cfg(test)]
mod tests;
