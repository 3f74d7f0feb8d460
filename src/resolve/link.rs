//! Linking references to the objects they name.

use crate::hash::HashMap;
use rayon::prelude::*;

use super::index::{Index, KeyMap};
use crate::diagnostic::{Code, Diagnostic, Span, did_you_mean, each_in_parallel};
use crate::model::*;
use crate::source::SourceSet;

/// Link one reference through `map`; report it when nothing has that key.
pub fn one<T>(diags: &mut Vec<Diagnostic>, r: &mut Ref<T>, map: &KeyMap<T>, what: &str) {
    match map.get(r.key.value.as_str()) {
        Some(&id) => r.id = Some(id),
        None => diags.push(unknown(r.key.span, what, &r.key.value, map.keys().map(String::as_str))),
    }
}

pub fn opt<T>(diags: &mut Vec<Diagnostic>, r: &mut Option<Ref<T>>, map: &KeyMap<T>, what: &str) {
    if let Some(r) = r {
        one(diags, r, map, what);
    }
}

pub fn all<T>(diags: &mut Vec<Diagnostic>, rs: &mut [Ref<T>], map: &KeyMap<T>, what: &str) {
    for r in rs {
        one(diags, r, map, what);
    }
}

pub fn unknown<'a>(span: Span, what: &str, key: &str, candidates: impl Iterator<Item = &'a str>) -> Diagnostic {
    Diagnostic::new(Code::UnknownReference, span, format!("no {what} `{key}` exists"))
        .label(format!("unknown {what}"))
        .help_opt(did_you_mean(key, candidates).or_else(|| Some(format!("define the {what} first, or fix the name"))))
}

/// Every key of `values` names a custom field defined for `object_type`.
pub fn custom_fields(
    diags: &mut Vec<Diagnostic>,
    values: &[CustomValue],
    object_type: &str,
    inv: &Inventory,
    ix: &Index,
) {
    for v in values {
        match ix.custom_fields.get(v.name.value.as_str()) {
            None => diags.push(
                Diagnostic::new(
                    Code::UnknownCustomField,
                    v.name.span,
                    format!("no custom field `{}` is defined", v.name.value),
                )
                .label("unknown custom field")
                .help_opt(
                    did_you_mean(&v.name.value, ix.custom_fields.keys().map(String::as_str))
                        .or_else(|| Some("define it in the `custom_fields` collection".into())),
                ),
            ),
            Some(&id) => {
                let cf = &inv.custom_fields[id.index()];
                if !cf.object_types.iter().any(|t| t.value == object_type) {
                    let types: Vec<&str> = cf.object_types.iter().map(|t| t.as_str()).collect();
                    diags.push(
                        Diagnostic::new(
                            Code::UnknownCustomField,
                            v.name.span,
                            format!("custom field `{}` is not defined for {object_type}", v.name.value),
                        )
                        .label(format!("not a custom field of {object_type}"))
                        .related(cf.name.span, format!("its object_types are: {}", types.join(", ")))
                        .help(format!("add `{object_type}` to the field's `object_types`")),
                    );
                }
            }
        }
    }
}

fn file_ref(
    diags: &mut Vec<Diagnostic>,
    t: &Option<Text>,
    found: impl Fn(&str) -> bool,
    what: &str,
    dir: &str,
    list: &[String],
) {
    let Some(t) = t else { return };
    if !found(&t.value) {
        diags.push(
            Diagnostic::new(Code::UnknownFile, t.span, format!("no {what} `{}` under {dir}/", t.value))
                .label(format!("unknown {what}"))
                .help_opt(
                    did_you_mean(&t.value, list.iter().map(String::as_str))
                        .or_else(|| Some(format!("{what}s are named by their path relative to {dir}/"))),
                ),
        );
    }
}

pub fn template_ref(diags: &mut Vec<Diagnostic>, t: &Option<Text>, sources: &SourceSet, dir: &str) {
    file_ref(diags, t, |n| sources.find_template(n).is_some(), "template", dir, &sources.templates);
}

pub fn schema_ref(diags: &mut Vec<Diagnostic>, t: &Option<Text>, sources: &SourceSet, dir: &str) {
    file_ref(diags, t, |n| sources.find_schema(n).is_some(), "schema", dir, &sources.schemas);
}

/// Link an IP address's references that need no device.
pub fn ip_flat(diags: &mut Vec<Diagnostic>, ip: &mut IpAddress, ix: &Index) {
    ip.link(&ix.keys, diags);
    ip_extra(diags, ip, ix);
}

/// Link the references an IP address keeps out of line.
fn ip_extra(diags: &mut Vec<Diagnostic>, ip: &mut IpAddress, ix: &Index) {
    if let Some(extra) = ip.extra.as_deref_mut() {
        opt(diags, &mut extra.tenant, &ix.tenants, "tenant");
    }
}

/// Every reference that is a single key into a flat map: those each kind declares in
/// the registry (`refs` and tags), then template and schema files, the inline parts of
/// IP addresses, config-context assignments, custom-field object types and rules.
pub fn link_flat(inv: &mut Inventory, ix: &Index, sources: &SourceSet, diags: &mut Vec<Diagnostic>) {
    let cfg_dirs = ("templates", "schemas");
    each_kind(&mut Declared { inv: &mut *inv, keys: &ix.keys, diags: &mut *diags });
    for x in &mut inv.device_roles {
        template_ref(diags, &x.config_template, sources, cfg_dirs.0);
    }
    for x in &mut inv.platforms {
        template_ref(diags, &x.config_template, sources, cfg_dirs.0);
    }
    each_in_parallel(inv.devices.par_iter(), diags, |x, d| {
        template_ref(d, &x.config_template, sources, cfg_dirs.0);
    });
    for x in &mut inv.ip_addresses {
        ip_extra(diags, x, ix);
    }
    for x in &mut inv.config_contexts {
        let a = &mut x.assign;
        all(diags, &mut a.regions, &ix.regions, "region");
        all(diags, &mut a.site_groups, &ix.site_groups, "site group");
        all(diags, &mut a.sites, &ix.sites, "site");
        all(diags, &mut a.device_types, &ix.device_types, "device type");
        all(diags, &mut a.roles, &ix.device_roles, "device role");
        all(diags, &mut a.platforms, &ix.platforms, "platform");
        all(diags, &mut a.tenant_groups, &ix.tenant_groups, "tenant group");
        all(diags, &mut a.tenants, &ix.tenants, "tenant");
        all(diags, &mut a.tags, &ix.tags, "tag");
        schema_ref(diags, &x.schema, sources, cfg_dirs.1);
    }
    for x in &inv.custom_fields {
        for t in &x.object_types {
            choice(diags, t, crate::model::object_types(), "object type");
        }
        schema_ref(diags, &x.schema, sources, cfg_dirs.1);
    }
    for x in &inv.rules {
        let ok = crate::model::COLLECTIONS.contains(&x.applies_to.as_str()) || x.applies_to.value == "interfaces";
        if !ok {
            let cands = crate::model::COLLECTIONS.iter().copied().chain(["interfaces"]);
            diags.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    x.applies_to.span,
                    format!("no collection `{}` exists", x.applies_to.value),
                )
                .label("`applies_to` names a collection")
                .help_opt(did_you_mean(&x.applies_to.value, cands)),
            );
        }
    }
    let mut cf = CustomFieldValues { inv, ix, diags: Vec::new() };
    each_kind(&mut cf);
    diags.append(&mut cf.diags);
}

/// Each kind's declared references, linked (a fleet's objects in parallel).
struct Declared<'a> {
    inv: &'a mut Inventory,
    keys: &'a Keys,
    diags: &'a mut Vec<Diagnostic>,
}

impl KindVisitor for Declared<'_> {
    fn visit<K: Kind>(&mut self) {
        if K::INFO.refs.is_empty() && !K::INFO.tags {
            return;
        }
        let keys = self.keys;
        each_in_parallel(K::all_mut(self.inv).par_iter_mut(), self.diags, |x, d| x.link(keys, d));
    }
}

/// The custom-field values of every kind that has them, checked against the fields
/// defined for its object type (a device's interfaces and their inline addresses with it).
struct CustomFieldValues<'a> {
    inv: &'a Inventory,
    ix: &'a Index,
    diags: Vec<Diagnostic>,
}

impl KindVisitor for CustomFieldValues<'_> {
    fn visit<K: Kind>(&mut self) {
        if !K::INFO.custom_fields {
            return;
        }
        let (inv, ix) = (self.inv, self.ix);
        let object_type = K::INFO.netbox;
        each_in_parallel(K::all(inv).par_iter(), &mut self.diags, |x, cf| {
            custom_fields(cf, x.custom_fields(), object_type, inv, ix);
        });
        if K::INFO.collection == "devices" {
            each_in_parallel(inv.devices.par_iter(), &mut self.diags, |x, cf| {
                for i in &x.interfaces {
                    custom_fields(cf, &i.custom_fields, INTERFACE.netbox, inv, ix);
                    for ip in &i.inline_ips {
                        custom_fields(cf, &ip.custom_fields, IpAddress::INFO.netbox, inv, ix);
                    }
                }
            });
        }
    }
}

/// A value that must be one of a fixed set.
pub fn choice(diags: &mut Vec<Diagnostic>, t: &Text, allowed: &[&str], what: &str) {
    if !allowed.contains(&t.as_str()) {
        diags.push(
            Diagnostic::new(Code::InvalidValue, t.span, format!("`{}` is not a valid {what}", t.value))
                .label(format!("unknown {what}"))
                .help_opt(
                    did_you_mean(&t.value, allowed.iter().copied())
                        .or_else(|| Some(format!("one of: {}", allowed.join(", ")))),
                ),
        );
    }
}

/// Link a site-scoped reference (a location or rack of `site`).
pub(super) fn in_site<T>(
    diags: &mut Vec<Diagnostic>,
    r: &mut Ref<T>,
    site: Option<Id<Site>>,
    map: &HashMap<(Id<Site>, String), Id<T>>,
    what: &str,
    inv: &Inventory,
) {
    let Some(site) = site else { return };
    match map.get(&(site, r.key.value.to_string())) {
        Some(&id) => r.id = Some(id),
        None => {
            let elsewhere: Vec<&str> = map
                .keys()
                .filter(|(_, k)| *k == r.key.value)
                .map(|(s, _)| inv.sites[s.index()].slug.as_str())
                .collect();
            let site_slug = &inv.sites[site.index()].slug.value;
            let mut d = Diagnostic::new(
                Code::UnknownReference,
                r.key.span,
                format!("site `{site_slug}` has no {what} `{}`", r.key.value),
            )
            .label(format!("unknown {what} at this site"));
            d = if elsewhere.is_empty() {
                d.help_opt(did_you_mean(&r.key.value, map.keys().filter(|(s, _)| *s == site).map(|(_, k)| k.as_str())))
            } else {
                d.help(format!(
                    "a {what} `{}` exists at site {}, not at `{site_slug}`",
                    r.key.value,
                    elsewhere.join(", ")
                ))
            };
            diags.push(d);
        }
    }
}

/// References whose keys need a resolved site, circuit or device.
pub fn link_scoped(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    let mut locs: Vec<(usize, Option<Ref<Location>>)> =
        inv.locations.iter_mut().enumerate().map(|(i, l)| (i, l.parent.take())).collect();
    for (i, parent) in &mut locs {
        if let Some(p) = parent {
            in_site(diags, p, inv.locations[*i].site.id, &ix.locations, "location", inv);
        }
    }
    for (i, parent) in locs {
        inv.locations[i].parent = parent;
    }
    let sites_of_racks: Vec<_> = inv.racks.iter().map(|r| r.site.id).collect();
    let mut rack_locs: Vec<_> = inv.racks.iter_mut().map(|r| r.location.take()).collect();
    for (l, site) in rack_locs.iter_mut().zip(&sites_of_racks) {
        if let Some(l) = l {
            in_site(diags, l, *site, &ix.locations, "location", inv);
        }
    }
    for (r, l) in inv.racks.iter_mut().zip(rack_locs) {
        r.location = l;
    }
    let mut dev_refs: Vec<_> = inv.devices.iter_mut().map(|d| (d.site.id, d.location.take(), d.rack.take())).collect();
    let inv_ro: &Inventory = inv;
    each_in_parallel(dev_refs.par_iter_mut(), diags, |(site, loc, rack), d| {
        if let Some(l) = loc {
            in_site(d, l, *site, &ix.locations, "location", inv_ro);
        }
        if let Some(r) = rack {
            in_site(d, r, *site, &ix.racks, "rack", inv_ro);
        }
    });
    for (d, (_, loc, rack)) in inv.devices.iter_mut().zip(dev_refs) {
        d.location = loc;
        d.rack = rack;
    }
    for x in &mut inv.config_contexts {
        for r in &mut x.assign.locations {
            match ix.locations_by_slug.get(r.key.value.as_str()).map(Vec::as_slice) {
                Some([one]) => r.id = Some(*one),
                Some(many) => diags.push(
                    Diagnostic::new(
                        Code::AmbiguousReference,
                        r.key.span,
                        format!("location `{}` exists at {} sites", r.key.value, many.len()),
                    )
                    .label("ambiguous location")
                    .help("give the locations distinct slugs"),
                ),
                None => diags.push(unknown(
                    r.key.span,
                    "location",
                    &r.key.value,
                    ix.locations_by_slug.keys().map(String::as_str),
                )),
            }
        }
    }
    let prefix_sites: Vec<_> = inv.prefixes.iter().map(|p| p.site.as_ref().and_then(|s| s.id)).collect();
    for (p, site) in inv.prefixes.iter_mut().zip(prefix_sites) {
        if let Some(v) = &mut p.vlan {
            super::devices::link_vlan(diags, v, site, ix, site.map(|s| inv.sites[s.index()].slug.as_str()));
        }
    }
    for c in 0..inv.circuits.len() {
        let mut terms = std::mem::take(&mut inv.circuits[c].terminations);
        for t in &mut terms {
            match &mut t.target {
                TermTarget::Site(r) => one(diags, r, &ix.sites, "site"),
                TermTarget::Interface(r) => super::devices::link_interface(diags, r, inv, ix),
            }
        }
        inv.circuits[c].terminations = terms;
    }
    super::components::link_cable_ends(inv, ix, diags);
}

pub(super) fn link_circuit(
    diags: &mut Vec<Diagnostic>,
    cid: &Text,
    provider: Option<&Text>,
    span: Span,
    ix: &Index,
) -> Option<Id<Circuit>> {
    if let Some(p) = provider {
        let Some(&pid) = ix.providers.get(p.value.as_str()) else {
            diags.push(unknown(p.span, "provider", &p.value, ix.providers.keys().map(String::as_str)));
            return None;
        };
        let found = ix.circuits.get(&(pid, cid.value.to_string())).copied();
        if found.is_none() {
            diags.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    cid.span,
                    format!("provider `{}` has no circuit `{}`", p.value, cid.value),
                )
                .label("unknown circuit"),
            );
        }
        return found;
    }
    match ix.circuits_by_cid.get(cid.value.as_str()).map(Vec::as_slice) {
        Some([one]) => Some(*one),
        Some(_) => {
            diags.push(
                Diagnostic::new(
                    Code::AmbiguousReference,
                    span,
                    format!("circuit `{}` exists at several providers", cid.value),
                )
                .label("ambiguous circuit")
                .help("add `provider: SLUG` to the cable end"),
            );
            None
        }
        None => {
            diags.push(unknown(cid.span, "circuit", &cid.value, ix.circuits_by_cid.keys().map(String::as_str)));
            None
        }
    }
}
