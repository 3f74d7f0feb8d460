//! The inventory as NetBox REST payloads: one [`Record`] per NetBox object, in
//! dependency order, with references by natural key.
//!
//! The same records serve the bundle written by `sot build --target netbox`
//! (references rendered as attribute dicts) and `sot netbox push` (references
//! resolved to ids against the live NetBox).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::model::{Marker, Model, cable_end_key, cable_key};
use crate::diagnostic::Span;
use crate::model::*;

/// The tag every object `sot` creates carries.
pub const MANAGED_TAG: &str = "sot-managed";

/// A field value, with references kept as (model, natural key).
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Json(Value),
    /// One object (by id), or null.
    Ref(Model, Option<String>),
    /// A set of objects (by ids).
    Refs(Model, Vec<String>),
    /// A generic reference written as two fields: `<base>_type` and `<base>_id`
    /// (`scope`, `assigned_object`, `termination`), or both null.
    Generic(Option<(Model, String)>),
    /// Cable terminations: `[{object_type, object_id}]`.
    Terms(Vec<(Model, String)>),
    /// Front-port template mappings: `[{position, rear_port, rear_port_position}]`.
    Mappings(Model, Vec<(i64, String, i64)>),
}

/// One NetBox object.
#[derive(Debug, Clone)]
pub struct Record {
    pub model: Model,
    /// The natural key (`lon1`, `r1:eth0`, `global/10.0.0.1/32`).
    pub key: String,
    /// The attribute dict that names the object in NetBox's API.
    pub lookup: Value,
    /// Fields sent when the object is created or updated.
    pub fields: Vec<(&'static str, Val)>,
    /// Fields that refer to objects created later (a device's primary IPs, an
    /// interface's LAG and parent): sent in a second pass.
    pub late: Vec<(&'static str, Val)>,
    /// Where the object is written.
    pub origin: Option<Span>,
}

/// Every record of an inventory, in dependency order.
#[derive(Debug, Default)]
pub struct Bundle {
    pub records: Vec<Record>,
}

impl Bundle {
    /// The records of one model.
    pub fn of(&self, model: Model) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(move |r| r.model == model)
    }

    /// Records by (model, key).
    pub fn index(&self) -> HashMap<(Model, &str), &Record> {
        self.records.iter().map(|r| ((r.model, r.key.as_str()), r)).collect()
    }
}

fn text(t: &Option<Text>) -> Val {
    Val::Json(Value::String(t.as_ref().map_or(String::new(), |t| t.value.to_string())))
}

fn s(t: &Text) -> Val {
    Val::Json(Value::String(t.value.to_string()))
}

fn num<T: Into<serde_json::Number> + Copy>(v: &Option<Spanned<T>>) -> Val {
    Val::Json(v.as_ref().map_or(Value::Null, |v| Value::Number(v.value.into())))
}

fn float(v: &Option<Spanned<f64>>) -> Val {
    Val::Json(v.as_ref().and_then(|v| serde_json::Number::from_f64(v.value)).map_or(Value::Null, Value::Number))
}

fn custom_fields(cfs: &[CustomValue]) -> Val {
    Val::Json(Value::Object(cfs.iter().map(|c| (c.name.value.to_string(), c.value.to_json())).collect()))
}

/// Builds records from a resolved inventory.
struct Builder<'a> {
    inv: &'a Inventory,
    out: Vec<Record>,
}

macro_rules! key_fn {
    ($name:ident, $coll:ident, $ty:ty, $field:ident) => {
        fn $name(&self, r: &Ref<$ty>) -> String {
            r.id.map_or_else(|| r.key.value.to_string(), |id| self.inv.$coll[id.index()].$field.value.to_string())
        }
    };
}

impl<'a> Builder<'a> {
    key_fn!(tag, tags, Tag, slug);
    key_fn!(tenant_group, tenant_groups, TenantGroup, slug);
    key_fn!(tenant, tenants, Tenant, slug);
    key_fn!(region, regions, Region, slug);
    key_fn!(site_group, site_groups, SiteGroup, slug);
    key_fn!(site, sites, Site, slug);
    key_fn!(rack_role, rack_roles, RackRole, slug);
    key_fn!(manufacturer, manufacturers, Manufacturer, slug);
    key_fn!(device_type, device_types, DeviceType, slug);
    key_fn!(device_role, device_roles, DeviceRole, slug);
    key_fn!(platform, platforms, Platform, slug);
    key_fn!(vrf, vrfs, Vrf, name);
    key_fn!(ipam_role, ipam_roles, IpamRole, slug);
    key_fn!(vlan_group, vlan_groups, VlanGroup, slug);
    key_fn!(provider, providers, Provider, slug);
    key_fn!(circuit_type, circuit_types, CircuitType, slug);

    fn location(&self, r: &Ref<Location>) -> String {
        match r.id {
            Some(id) => {
                let l = &self.inv.locations[id.index()];
                format!("{}/{}", self.site(&l.site), l.slug.value)
            }
            None => r.key.value.to_string(),
        }
    }

    fn rack(&self, r: &Ref<Rack>) -> String {
        match r.id {
            Some(id) => {
                let x = &self.inv.racks[id.index()];
                format!("{}/{}", self.site(&x.site), x.name.value)
            }
            None => r.key.value.to_string(),
        }
    }

    fn vrf_part(&self, v: &Option<Ref<Vrf>>) -> String {
        v.as_ref().map_or_else(|| "global".to_string(), |v| self.vrf(v))
    }

    fn vlan_key(&self, v: &Vlan) -> String {
        match (&v.group, &v.site) {
            (Some(g), _) => format!("group {}/{}", self.vlan_group(g), v.vid.value),
            (None, Some(s)) => format!("site {}/{}", self.site(s), v.vid.value),
            (None, None) => format!("global/{}", v.vid.value),
        }
    }

    fn vlan_ref(&self, r: Option<&VlanRef>) -> Val {
        Val::Ref(Model::Vlan, r.and_then(|r| r.id).map(|id| self.vlan_key(&self.inv.vlans[id.index()])))
    }

    fn circuit_key(&self, c: &Circuit) -> String {
        format!("{}/{}", self.provider(&c.provider), c.cid.value)
    }

    fn interface_key(&self, id: InterfaceId) -> String {
        let d = &self.inv.devices[id.device.index()];
        format!("{}:{}", d.name.value, d.interfaces[id.index as usize].name.value)
    }

    fn ip_key(&self, ip: &IpAddress) -> String {
        format!("{}/{}", self.vrf_part(&ip.vrf), ip.address.value)
    }

    fn tags(&self, tags: &[Ref<Tag>], managed: bool) -> Val {
        let mut v: Vec<String> = tags.iter().map(|t| self.tag(t)).collect();
        if managed {
            v.push(MANAGED_TAG.to_string());
        }
        v.sort();
        v.dedup();
        Val::Refs(Model::Tag, v)
    }

    fn opt<T>(&self, r: &Option<Ref<T>>, model: Model, f: impl Fn(&Self, &Ref<T>) -> String) -> Val {
        Val::Ref(model, r.as_ref().map(|r| f(self, r)))
    }

    fn push(&mut self, model: Model, key: String, lookup: Value, fields: Vec<(&'static str, Val)>, origin: Span) {
        let mut fields = fields;
        if model.marker() == Marker::Tag && !fields.iter().any(|(k, _)| *k == "tags") {
            fields.push(("tags", Val::Refs(Model::Tag, vec![MANAGED_TAG.to_string()])));
        }
        self.out.push(Record { model, key, lookup, fields, late: Vec::new(), origin: Some(origin) });
    }

    fn build(mut self) -> Vec<Record> {
        let inv = self.inv;
        self.push(
            Model::Tag,
            MANAGED_TAG.into(),
            json!({"slug": MANAGED_TAG}),
            vec![
                ("name", Val::Json(json!(MANAGED_TAG))),
                ("slug", Val::Json(json!(MANAGED_TAG))),
                ("color", Val::Json(json!("607d8b"))),
                ("description", Val::Json(json!("Created and kept by sot; changes here are overwritten"))),
            ],
            Span::file_start(crate::source::FileId(0)),
        );
        self.out.last_mut().expect("just pushed").origin = None;
        self.extras_records();
        self.tenancy_records();
        self.dcim_records();
        self.module_type_records();
        self.ipam_records();
        for d in &inv.devices {
            self.device_records(d);
        }
        self.circuit_records();
        self.cable_and_address_records();
        self.config_context_records();
        each_kind(&mut Declared { b: &mut self });
        let mut out = self.out;
        // Stable: records keep inventory order within their model.
        out.sort_by_key(|r| r.model);
        out
    }

    /// Tags, and custom fields with their choice sets.
    fn extras_records(&mut self) {
        let inv = self.inv;
        for t in &inv.tags {
            let mut f = vec![("name", s(&t.name)), ("slug", s(&t.slug)), ("description", text(&t.description))];
            if let Some(c) = &t.color {
                f.push(("color", s(c)));
            }
            self.push(Model::Tag, t.slug.value.to_string(), json!({"slug": t.slug.value}), f, t.name.span);
        }
        for cf in &inv.custom_fields {
            let mut f = vec![
                ("name", s(&cf.name)),
                ("type", s(&cf.field_type)),
                ("object_types", Val::Json(json!(cf.object_types.iter().map(|t| &t.value).collect::<Vec<_>>()))),
                ("label", text(&cf.label)),
                ("description", text(&cf.description)),
                ("required", Val::Json(json!(cf.required))),
                ("default", Val::Json(cf.default.as_ref().map_or(Value::Null, |n| n.to_json()))),
                ("validation_minimum", float(&cf.validation_minimum)),
                ("validation_maximum", float(&cf.validation_maximum)),
                ("validation_regex", text(&cf.validation_regex)),
            ];
            if !cf.choices.is_empty() {
                let set = format!("{}-choices", cf.name.value);
                let choices: Vec<Value> = cf.choices.iter().map(|c| json!([c.value, c.value])).collect();
                self.push(
                    Model::ChoiceSet,
                    set.clone(),
                    json!({"name": set}),
                    vec![
                        ("name", Val::Json(json!(set))),
                        ("extra_choices", Val::Json(Value::Array(choices))),
                        ("order_alphabetically", Val::Json(json!(false))),
                    ],
                    cf.name.span,
                );
                f.push(("choice_set", Val::Ref(Model::ChoiceSet, Some(set))));
            }
            self.push(Model::CustomField, cf.name.value.to_string(), json!({"name": cf.name.value}), f, cf.name.span);
        }
    }

    /// Tenant groups and tenants.
    fn tenancy_records(&mut self) {
        let inv = self.inv;
        for x in &inv.tenant_groups {
            let f = vec![
                ("name", s(&x.name)),
                ("slug", s(&x.slug)),
                ("parent", self.opt(&x.parent, Model::TenantGroup, Self::tenant_group)),
                ("description", text(&x.description)),
            ];
            self.push(Model::TenantGroup, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.tenants {
            let f = vec![
                ("name", s(&x.name)),
                ("slug", s(&x.slug)),
                ("group", self.opt(&x.group, Model::TenantGroup, Self::tenant_group)),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
                ("custom_fields", custom_fields(&x.custom_fields)),
            ];
            self.push(Model::Tenant, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
    }

    /// Regions, site groups, sites, locations, rack roles, racks, manufacturers, device types (with their component templates), device roles and platforms.
    fn dcim_records(&mut self) {
        let inv = self.inv;
        for x in &inv.regions {
            let f = vec![
                ("name", s(&x.name)),
                ("slug", s(&x.slug)),
                ("parent", self.opt(&x.parent, Model::Region, Self::region)),
                ("description", text(&x.description)),
            ];
            self.push(Model::Region, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.site_groups {
            let f = vec![
                ("name", s(&x.name)),
                ("slug", s(&x.slug)),
                ("parent", self.opt(&x.parent, Model::SiteGroup, Self::site_group)),
                ("description", text(&x.description)),
            ];
            self.push(Model::SiteGroup, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.sites {
            let mut f = vec![
                ("name", s(&x.name)),
                ("slug", s(&x.slug)),
                ("region", self.opt(&x.region, Model::Region, Self::region)),
                ("group", self.opt(&x.group, Model::SiteGroup, Self::site_group)),
                ("tenant", self.opt(&x.tenant, Model::Tenant, Self::tenant)),
                ("facility", text(&x.facility)),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
                ("custom_fields", custom_fields(&x.custom_fields)),
            ];
            if let Some(st) = &x.status {
                f.push(("status", s(st)));
            }
            if let Some(tz) = &x.time_zone {
                f.push(("time_zone", s(tz)));
            }
            self.push(Model::Site, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.locations {
            let site = self.site(&x.site);
            let mut f = vec![
                ("name", s(&x.name)),
                ("slug", s(&x.slug)),
                ("site", Val::Ref(Model::Site, Some(site.clone()))),
                ("parent", self.opt(&x.parent, Model::Location, Self::location)),
                ("tenant", self.opt(&x.tenant, Model::Tenant, Self::tenant)),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
            ];
            if let Some(st) = &x.status {
                f.push(("status", s(st)));
            }
            let lookup = json!({"site": {"slug": site}, "slug": x.slug.value});
            self.push(Model::Location, format!("{site}/{}", x.slug.value), lookup, f, x.name.span);
        }
        for x in &inv.rack_roles {
            let mut f = vec![("name", s(&x.name)), ("slug", s(&x.slug)), ("description", text(&x.description))];
            if let Some(c) = &x.color {
                f.push(("color", s(c)));
            }
            self.push(Model::RackRole, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.racks {
            let site = self.site(&x.site);
            let mut f = vec![
                ("name", s(&x.name)),
                ("site", Val::Ref(Model::Site, Some(site.clone()))),
                ("location", self.opt(&x.location, Model::Location, Self::location)),
                ("role", self.opt(&x.role, Model::RackRole, Self::rack_role)),
                ("tenant", self.opt(&x.tenant, Model::Tenant, Self::tenant)),
                ("desc_units", Val::Json(json!(x.desc_units))),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
                ("custom_fields", custom_fields(&x.custom_fields)),
            ];
            if let Some(st) = &x.status {
                f.push(("status", s(st)));
            }
            if x.u_height.is_some() {
                f.push(("u_height", num(&x.u_height)));
            }
            if x.starting_unit.is_some() {
                f.push(("starting_unit", num(&x.starting_unit)));
            }
            let lookup = json!({"site": {"slug": site}, "name": x.name.value});
            self.push(Model::Rack, format!("{site}/{}", x.name.value), lookup, f, x.name.span);
        }
        for x in &inv.manufacturers {
            let f = vec![("name", s(&x.name)), ("slug", s(&x.slug)), ("description", text(&x.description))];
            self.push(Model::Manufacturer, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.device_types {
            self.device_type_records(x);
        }
        for x in &inv.device_roles {
            let mut f = vec![("name", s(&x.name)), ("slug", s(&x.slug)), ("description", text(&x.description))];
            if let Some(c) = &x.color {
                f.push(("color", s(c)));
            }
            self.push(Model::DeviceRole, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.platforms {
            let f = vec![
                ("name", s(&x.name)),
                ("slug", s(&x.slug)),
                ("manufacturer", self.opt(&x.manufacturer, Model::Manufacturer, Self::manufacturer)),
                ("description", text(&x.description)),
            ];
            self.push(Model::Platform, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
    }

    /// VRFs, IPAM roles, VLAN groups, VLANs and prefixes.
    fn ipam_records(&mut self) {
        let inv = self.inv;
        for x in &inv.vrfs {
            let f = vec![
                ("name", s(&x.name)),
                ("rd", Val::Json(x.rd.as_ref().map_or(Value::Null, |r| json!(r.value)))),
                ("tenant", self.opt(&x.tenant, Model::Tenant, Self::tenant)),
                ("enforce_unique", Val::Json(json!(x.enforce_unique))),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
            ];
            self.push(Model::Vrf, x.name.value.to_string(), json!({"name": x.name.value}), f, x.name.span);
            // Route targets are created after every listed model: set in the second pass.
            let rt = Model::from_name(RouteTarget::INFO.netbox).expect("the registry declares route targets");
            for (k, targets) in [("import_targets", &x.import_targets), ("export_targets", &x.export_targets)] {
                if !targets.is_empty() {
                    let names = targets.iter().map(|t| t.key.value.to_string()).collect();
                    self.out.last_mut().expect("just pushed").late.push((k, Val::Refs(rt, names)));
                }
            }
        }
        for x in &inv.ipam_roles {
            let mut f = vec![("name", s(&x.name)), ("slug", s(&x.slug)), ("description", text(&x.description))];
            if x.weight.is_some() {
                f.push(("weight", num(&x.weight)));
            }
            self.push(Model::IpamRole, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.vlan_groups {
            let lo = x.min_vid.as_ref().map_or_else(|| VlanGroup::INFO.default("min_vid"), |v| v.value);
            let hi = x.max_vid.as_ref().map_or_else(|| VlanGroup::INFO.default("max_vid"), |v| v.value);
            let f = vec![
                ("name", s(&x.name)),
                ("slug", s(&x.slug)),
                ("scope", Val::Generic(x.site.as_ref().map(|site| (Model::Site, self.site(site))))),
                ("vid_ranges", Val::Json(json!([[lo, hi]]))),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
            ];
            self.push(Model::VlanGroup, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.vlans {
            let key = self.vlan_key(x);
            let mut f = vec![
                ("vid", Val::Json(json!(x.vid.value))),
                ("name", s(&x.name)),
                ("site", self.opt(&x.site, Model::Site, Self::site)),
                ("group", self.opt(&x.group, Model::VlanGroup, Self::vlan_group)),
                ("tenant", self.opt(&x.tenant, Model::Tenant, Self::tenant)),
                ("role", self.opt(&x.role, Model::IpamRole, Self::ipam_role)),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
                ("custom_fields", custom_fields(&x.custom_fields)),
            ];
            if let Some(st) = &x.status {
                f.push(("status", s(st)));
            }
            let lookup = match (&x.group, &x.site) {
                (Some(g), _) => json!({"group": {"slug": self.vlan_group(g)}, "vid": x.vid.value}),
                (None, Some(site)) => json!({"site": {"slug": self.site(site)}, "vid": x.vid.value}),
                (None, None) => json!({"group": null, "site": null, "vid": x.vid.value}),
            };
            self.push(Model::Vlan, key, lookup, f, x.vid.span);
        }
        for x in &inv.prefixes {
            let vrf = self.vrf_part(&x.vrf);
            let mut f = vec![
                ("prefix", Val::Json(json!(x.prefix.value.to_string()))),
                ("vrf", self.opt(&x.vrf, Model::Vrf, Self::vrf)),
                ("scope", Val::Generic(x.site.as_ref().map(|site| (Model::Site, self.site(site))))),
                ("vlan", self.vlan_ref(x.vlan.as_ref())),
                ("role", self.opt(&x.role, Model::IpamRole, Self::ipam_role)),
                ("is_pool", Val::Json(json!(x.is_pool))),
                ("tenant", self.opt(&x.tenant, Model::Tenant, Self::tenant)),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
                ("custom_fields", custom_fields(&x.custom_fields)),
            ];
            if let Some(st) = &x.status {
                f.push(("status", s(st)));
            }
            let lookup = json!({"prefix": x.prefix.value.to_string(), "vrf": x.vrf.as_ref().map(|v| json!({"name": self.vrf(v)}))});
            self.push(Model::Prefix, format!("{vrf}/{}", x.prefix.value), lookup, f, x.prefix.span);
        }
    }

    /// Providers, circuit types, circuits and their terminations.
    fn circuit_records(&mut self) {
        let inv = self.inv;
        for x in &inv.providers {
            let f = vec![("name", s(&x.name)), ("slug", s(&x.slug)), ("description", text(&x.description))];
            self.push(Model::Provider, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.circuit_types {
            let f = vec![("name", s(&x.name)), ("slug", s(&x.slug)), ("description", text(&x.description))];
            self.push(Model::CircuitType, x.slug.value.to_string(), json!({"slug": x.slug.value}), f, x.name.span);
        }
        for x in &inv.circuits {
            let key = self.circuit_key(x);
            let lookup = json!({"provider": {"slug": self.provider(&x.provider)}, "cid": x.cid.value});
            let mut f = vec![
                ("cid", s(&x.cid)),
                ("provider", Val::Ref(Model::Provider, Some(self.provider(&x.provider)))),
                ("type", Val::Ref(Model::CircuitType, Some(self.circuit_type(&x.circuit_type)))),
                ("tenant", self.opt(&x.tenant, Model::Tenant, Self::tenant)),
                ("commit_rate", num(&x.commit_rate)),
                ("description", text(&x.description)),
                ("tags", self.tags(&x.tags, true)),
                ("custom_fields", custom_fields(&x.custom_fields)),
            ];
            if let Some(st) = &x.status {
                f.push(("status", s(st)));
            }
            self.push(Model::Circuit, key.clone(), lookup.clone(), f, x.cid.span);
            for t in &x.terminations {
                let site = match &t.target {
                    TermTarget::Site(site) => Some(self.site(site)),
                    TermTarget::Interface(r) => r.id.map(|id| self.site(&self.inv.devices[id.device.index()].site)),
                };
                let side = t.side.value.as_str();
                let f = vec![
                    ("circuit", Val::Ref(Model::Circuit, Some(key.clone()))),
                    ("term_side", Val::Json(json!(side))),
                    ("termination", Val::Generic(site.map(|s| (Model::Site, s)))),
                    ("tags", self.tags(&[], true)),
                ];
                let tl = json!({"circuit": lookup, "term_side": side});
                self.push(Model::CircuitTermination, format!("{key}/{side}"), tl, f, t.side.span);
            }
        }
    }

    /// Cables and IP addresses.
    fn cable_and_address_records(&mut self) {
        let inv = self.inv;
        for c in &inv.cables {
            self.cable_record(c);
        }
        for ip in &inv.ip_addresses {
            let key = self.ip_key(ip);
            let mut f = vec![
                ("address", Val::Json(json!(ip.address.value.to_string()))),
                ("vrf", self.opt(&ip.vrf, Model::Vrf, Self::vrf)),
                ("tenant", self.opt(&ip.tenant, Model::Tenant, Self::tenant)),
                ("assigned_object", Val::Generic(ip.assigned.map(|a| (Model::Interface, self.interface_key(a))))),
                ("dns_name", text(&ip.dns_name)),
                ("description", text(&ip.description)),
                ("tags", self.tags(&ip.tags, true)),
                ("custom_fields", custom_fields(&ip.custom_fields)),
            ];
            if let Some(st) = &ip.status {
                f.push(("status", s(st)));
            }
            f.push(("role", text(&ip.role)));
            let lookup = json!({"address": ip.address.value.to_string(), "vrf": ip.vrf.as_ref().map(|v| json!({"name": self.vrf(v)}))});
            // A VM interface is created after every listed model: assigned in the second pass.
            let on_vm = ip.vm_interface_id.map(|id| {
                let m = Model::from_name(VmInterface::INFO.netbox).expect("the registry declares VM interfaces");
                (m, inv.vm_interfaces[id.index()].key())
            });
            if on_vm.is_some() {
                f.retain(|(k, _)| *k != "assigned_object");
            }
            self.push(Model::IpAddress, key, lookup, f, ip.address.span);
            if let Some(target) = on_vm {
                self.out.last_mut().expect("just pushed").late.push(("assigned_object", Val::Generic(Some(target))));
            }
        }
    }

    /// Config contexts (`sot`'s own schema bindings left out).
    fn config_context_records(&mut self) {
        let inv = self.inv;
        for x in &inv.config_contexts {
            if x.kind.as_ref().is_some_and(|k| k.value == "schema") {
                continue; // sot's own: binds a schema, holds no data NetBox could use
            }
            let a = &x.assign;
            let refs = |m: Model, v: Vec<String>| Val::Refs(m, v);
            let f = vec![
                ("name", s(&x.name)),
                (
                    "weight",
                    Val::Json(json!(
                        x.weight.as_ref().map_or_else(|| ConfigContext::INFO.default("weight"), |w| w.value)
                    )),
                ),
                ("is_active", Val::Json(json!(x.is_active))),
                ("description", text(&x.description)),
                ("data", Val::Json(x.data.as_ref().map_or(json!({}), |d| d.to_json()))),
                ("regions", refs(Model::Region, a.regions.iter().map(|r| self.region(r)).collect())),
                ("site_groups", refs(Model::SiteGroup, a.site_groups.iter().map(|r| self.site_group(r)).collect())),
                ("sites", refs(Model::Site, a.sites.iter().map(|r| self.site(r)).collect())),
                ("locations", refs(Model::Location, a.locations.iter().map(|r| self.location(r)).collect())),
                ("device_types", refs(Model::DeviceType, a.device_types.iter().map(|r| self.device_type(r)).collect())),
                ("roles", refs(Model::DeviceRole, a.roles.iter().map(|r| self.device_role(r)).collect())),
                ("platforms", refs(Model::Platform, a.platforms.iter().map(|r| self.platform(r)).collect())),
                (
                    "tenant_groups",
                    refs(Model::TenantGroup, a.tenant_groups.iter().map(|r| self.tenant_group(r)).collect()),
                ),
                ("tenants", refs(Model::Tenant, a.tenants.iter().map(|r| self.tenant(r)).collect())),
                ("tags", Val::Json(json!(a.tags.iter().map(|t| self.tag(t)).collect::<Vec<_>>()))),
            ];
            self.push(Model::ConfigContext, x.name.value.to_string(), json!({"name": x.name.value}), f, x.name.span);
        }
    }

    fn device_type_records(&mut self, x: &DeviceType) {
        let dt = x.slug.value.clone();
        let mut f = vec![
            ("manufacturer", Val::Ref(Model::Manufacturer, Some(self.manufacturer(&x.manufacturer)))),
            ("model", s(&x.model)),
            ("slug", s(&x.slug)),
            ("part_number", text(&x.part_number)),
            ("description", text(&x.description)),
            ("comments", text(&x.comments)),
        ];
        if x.u_height.is_some() {
            f.push(("u_height", float(&x.u_height)));
        }
        if x.weight.is_some() {
            f.push(("weight", float(&x.weight)));
        }
        for (k, v) in [("is_full_depth", &x.is_full_depth), ("exclude_from_utilization", &x.exclude_from_utilization)] {
            if let Some(b) = v {
                f.push((k, Val::Json(json!(b.value))));
            }
        }
        for (k, v) in [("airflow", &x.airflow), ("weight_unit", &x.weight_unit), ("subdevice_role", &x.subdevice_role)]
        {
            if let Some(t) = v {
                f.push((k, s(t)));
            }
        }
        self.push(Model::DeviceType, dt.to_string(), json!({"slug": dt}), f, x.model.span);
        for c in &x.components {
            let model = match c.kind {
                ComponentKind::Interface => Model::InterfaceTemplate,
                ComponentKind::ConsolePort => Model::ConsolePortTemplate,
                ComponentKind::ConsoleServerPort => Model::ConsoleServerPortTemplate,
                ComponentKind::PowerPort => Model::PowerPortTemplate,
                ComponentKind::PowerOutlet => Model::PowerOutletTemplate,
                ComponentKind::RearPort => Model::RearPortTemplate,
                ComponentKind::FrontPort => Model::FrontPortTemplate,
                // Bays and inventory items: not written (see docs/netbox.md).
                _ => continue,
            };
            let mut f = vec![
                ("device_type", Val::Ref(Model::DeviceType, Some(dt.to_string()))),
                ("name", s(&c.name)),
                ("label", text(&c.label)),
                ("description", text(&c.description)),
            ];
            if let Some(t) = &c.component_type {
                f.push(("type", s(t)));
            }
            if c.kind == ComponentKind::Interface {
                f.push(("mgmt_only", Val::Json(json!(c.mgmt_only))));
                f.push(("enabled", Val::Json(json!(c.enabled.unwrap_or_else(|| INTERFACE.default("enabled"))))));
            }
            for (k, v) in &c.extra {
                if !k.starts_with('_') {
                    f.push((k, Val::Json(v.to_json())));
                }
            }
            port_fields(&mut f, &c.fields, false);
            if let Some(p) = &c.fields.power_port {
                f.push(("power_port", Val::Ref(Model::PowerPortTemplate, Some(format!("{dt}:{}", p.value)))));
            }
            if c.kind == ComponentKind::FrontPort {
                let mut maps: Vec<(i64, String, i64)> = Vec::new();
                if let Some(rp) = &c.fields.rear_port {
                    let pos = c.fields.rear_port_position.as_ref().map_or(1, |p| p.value);
                    maps.push((1, format!("{dt}:{}", rp.value), pos));
                }
                for m in x.port_mappings.iter().filter(|m| m.front_port.value == c.name.value) {
                    maps.push((
                        m.front_port_position.as_ref().map_or(1, |p| p.value),
                        format!("{dt}:{}", m.rear_port.value),
                        m.rear_port_position.as_ref().map_or(1, |p| p.value),
                    ));
                }
                f.push(("rear_ports", Val::Mappings(Model::RearPortTemplate, maps)));
            }
            let lookup = json!({"device_type": {"slug": dt}, "name": c.name.value});
            self.push(model, format!("{dt}:{}", c.name.value), lookup, f, c.name.span);
        }
    }

    fn device_records(&mut self, d: &Device) {
        let site = self.site(&d.site);
        let mut f = vec![
            ("name", s(&d.name)),
            ("device_type", Val::Ref(Model::DeviceType, Some(self.device_type(&d.device_type)))),
            ("role", Val::Ref(Model::DeviceRole, Some(self.device_role(&d.role)))),
            ("site", Val::Ref(Model::Site, Some(site.clone()))),
            ("location", self.opt(&d.location, Model::Location, Self::location)),
            ("rack", self.opt(&d.rack, Model::Rack, Self::rack)),
            ("position", float(&d.position)),
            ("platform", self.opt(&d.platform, Model::Platform, Self::platform)),
            ("tenant", self.opt(&d.tenant, Model::Tenant, Self::tenant)),
            ("serial", text(&d.serial)),
            ("asset_tag", Val::Json(d.asset_tag.as_ref().map_or(Value::Null, |t| json!(t.value)))),
            ("description", text(&d.description)),
            ("comments", text(&d.comments)),
            ("local_context_data", Val::Json(d.local_context_data.as_ref().map_or(Value::Null, |n| n.to_json()))),
            ("tags", self.tags(&d.tags, true)),
            ("custom_fields", custom_fields(&d.custom_fields)),
        ];
        for (k, v) in [("face", &d.face), ("status", &d.status), ("airflow", &d.airflow)] {
            if let Some(t) = v {
                f.push((k, s(t)));
            }
        }
        let primary = |id: Option<Id<IpAddress>>| {
            Val::Ref(Model::IpAddress, id.map(|id| self.ip_key(&self.inv.ip_addresses[id.index()])))
        };
        let mut late = vec![("primary_ip4", primary(d.primary_ip4_id)), ("primary_ip6", primary(d.primary_ip6_id))];
        // Virtual chassis are created after every listed model: membership in the second pass.
        if let Some(vc) = &d.virtual_chassis {
            let m = Model::from_name(VirtualChassis::INFO.netbox).expect("the registry declares virtual chassis");
            late.push(("virtual_chassis", Val::Ref(m, Some(vc.key.value.to_string()))));
            late.push(("vc_position", num(&d.vc_position)));
            late.push(("vc_priority", num(&d.vc_priority)));
        }
        let lookup = json!({"name": d.name.value, "site": {"slug": site}});
        self.push(Model::Device, d.name.value.to_string(), lookup.clone(), f, d.name.span);
        self.out.last_mut().expect("just pushed").late = late;
        // An interface neither from the type nor written inline is a module's: NetBox makes it.
        for i in d.interfaces.iter().filter(|i| i.template.is_some() || i.inline) {
            let mut f = vec![
                ("device", Val::Ref(Model::Device, Some(d.name.value.to_string()))),
                ("name", s(&i.name)),
                ("label", text(&i.label)),
                ("description", text(&i.description)),
                ("mtu", num(&i.mtu)),
                ("speed", num(&i.speed)),
                ("untagged_vlan", self.vlan_ref(i.untagged_vlan.as_deref())),
                (
                    "tagged_vlans",
                    Val::Refs(
                        Model::Vlan,
                        i.tagged_vlans
                            .iter()
                            .filter_map(|v| v.id)
                            .map(|id| self.vlan_key(&self.inv.vlans[id.index()]))
                            .collect(),
                    ),
                ),
                ("vrf", self.opt(&i.vrf, Model::Vrf, Self::vrf)),
                ("tags", self.tags(&i.tags, true)),
                ("custom_fields", custom_fields(&i.custom_fields)),
            ];
            if let Some(t) = &i.interface_type {
                f.push(("type", s(t)));
            }
            for (k, v) in [("enabled", &i.enabled), ("mgmt_only", &i.mgmt_only)] {
                if let Some(b) = v {
                    f.push((k, Val::Json(json!(b))));
                }
            }
            if let Some(m) = &i.mode {
                f.push(("mode", s(m)));
            }
            let sibling = |idx: Option<u32>| {
                Val::Ref(
                    Model::Interface,
                    idx.map(|k| format!("{}:{}", d.name.value, d.interfaces[k as usize].name.value)),
                )
            };
            let key = format!("{}:{}", d.name.value, i.name.value);
            let mac = i
                .mac_address
                .as_ref()
                .map(|m| crate::validate::mac::canonical(&m.value).unwrap_or_else(|| m.value.to_string()));
            let late = vec![
                ("lag", sibling(i.lag_id)),
                ("parent", sibling(i.parent_id)),
                ("primary_mac_address", Val::Ref(Model::MacAddress, mac.as_ref().map(|_| key.clone()))),
            ];
            let il = json!({"device": lookup, "name": i.name.value});
            // Interfaces from the device type point at the type's file; the device is where they are used.
            let origin = if i.template.is_some() && !i.inline { d.name.span } else { i.name.span };
            self.push(Model::Interface, key.clone(), il.clone(), f, origin);
            self.out.last_mut().expect("just pushed").late = late;
            // NetBox 4.7 keeps MAC addresses as objects assigned to the interface.
            if let (Some(mac), Some(span)) = (mac, i.mac_address.as_ref().map(|m| m.span)) {
                let f = vec![
                    ("mac_address", Val::Json(json!(mac))),
                    ("assigned_object", Val::Generic(Some((Model::Interface, key.clone())))),
                    ("tags", self.tags(&[], true)),
                ];
                let lookup = json!({"assigned_object_type": "dcim.interface", "assigned_object_id": il});
                self.push(Model::MacAddress, key, lookup, f, span);
            }
        }
        self.port_records(d, &lookup);
    }

    /// Module types (their component templates are not written: see docs/netbox.md).
    fn module_type_records(&mut self) {
        for m in &self.inv.module_types {
            let mut f = vec![
                ("manufacturer", Val::Ref(Model::Manufacturer, Some(self.manufacturer(&m.manufacturer)))),
                ("model", s(&m.model)),
                ("part_number", text(&m.part_number)),
                ("description", text(&m.description)),
                ("comments", text(&m.comments)),
            ];
            if m.weight.is_some() {
                f.push(("weight", float(&m.weight)));
            }
            for (k, v) in [("airflow", &m.airflow), ("weight_unit", &m.weight_unit)] {
                if let Some(t) = v {
                    f.push((k, s(t)));
                }
            }
            let key = m.model.value.to_string();
            self.push(Model::ModuleType, key, json!({"model": m.model.value}), f, m.model.span);
        }
    }

    /// A device's components other than interfaces (NetBox creates those of the type with
    /// the device, and those of a module with the module; these records set what the
    /// inventory says of the device's, and add its own), and its modules.
    fn port_records(&mut self, d: &Device, lookup: &Value) {
        for p in d.components.iter().filter(|p| p.kind == ComponentKind::ModuleBay && !p.from_module) {
            let Some(m) = &p.fields.module else { continue };
            let bay = format!("{}:{}", d.name.value, p.name.value);
            let f = vec![
                ("device", Val::Ref(Model::Device, Some(d.name.value.to_string()))),
                ("module_bay", Val::Ref(Model::ModuleBay, Some(bay.clone()))),
                ("module_type", Val::Ref(Model::ModuleType, Some(m.value.to_string()))),
                ("tags", self.tags(&[], true)),
            ];
            self.push(Model::Module, bay, json!({"device": lookup, "module_bay": {"name": p.name.value}}), f, m.span);
        }
        for p in d.components.iter().filter(|p| !p.from_module) {
            let model = port_model(p.kind);
            let mut f = vec![
                ("device", Val::Ref(Model::Device, Some(d.name.value.to_string()))),
                ("name", s(&p.name)),
                ("label", text(&p.label)),
                ("description", text(&p.description)),
                ("tags", self.tags(&p.tags, true)),
            ];
            if let Some(t) = &p.component_type {
                f.push(("type", s(t)));
            }
            port_fields(&mut f, &p.fields, true);
            let sibling = |m: Model, idx: Option<u32>| {
                Val::Ref(m, idx.map(|k| format!("{}:{}", d.name.value, d.components[k as usize].name.value)))
            };
            match p.kind {
                ComponentKind::PowerOutlet => f.push(("power_port", sibling(Model::PowerPort, p.link))),
                ComponentKind::FrontPort => {
                    let maps = p
                        .link
                        .map(|k| {
                            let pos = p.fields.rear_port_position.as_ref().map_or(1, |x| x.value);
                            (1, format!("{}:{}", d.name.value, d.components[k as usize].name.value), pos)
                        })
                        .into_iter()
                        .collect();
                    f.push(("rear_ports", Val::Mappings(Model::RearPort, maps)));
                }
                _ => {}
            }
            let late = match (p.kind, &p.fields.installed_device) {
                (ComponentKind::DeviceBay, Some(child)) => {
                    vec![("installed_device", Val::Ref(Model::Device, Some(child.value.to_string())))]
                }
                _ => Vec::new(),
            };
            let key = format!("{}:{}", d.name.value, p.name.value);
            let pl = json!({"device": lookup, "name": p.name.value});
            let origin = if p.template.is_some() && !p.inline { d.name.span } else { p.name.span };
            self.push(model, key, pl, f, origin);
            self.out.last_mut().expect("just pushed").late = late;
        }
    }

    fn cable_end(&self, e: &CableEnd) -> Option<(Model, String)> {
        match e {
            CableEnd::Interface(r) => Some((Model::Interface, self.interface_key(r.id?))),
            CableEnd::Port(p) => {
                let id = p.id?;
                let d = &self.inv.devices[id.device.index()];
                let x = &d.components[id.index as usize];
                Some((port_model(x.kind), format!("{}:{}", d.name.value, x.name.value)))
            }
            CableEnd::Circuit { side, id, .. } => {
                let c = &self.inv.circuits[id.as_ref()?.index()];
                Some((Model::CircuitTermination, format!("{}/{}", self.circuit_key(c), side.value.as_str())))
            }
        }
    }

    fn cable_record(&mut self, c: &Cable) {
        let (Some(a), Some(b)) = (self.cable_end(&c.a), self.cable_end(&c.b)) else { return };
        let key = cable_key(&cable_end_key(a.0, &a.1), &cable_end_key(b.0, &b.1));
        let mut a_terms = vec![a];
        a_terms.extend(c.a_rest.iter().filter_map(|e| self.cable_end(e)));
        let mut b_terms = vec![b];
        b_terms.extend(c.b_rest.iter().filter_map(|e| self.cable_end(e)));
        let mut f = vec![
            ("a_terminations", Val::Terms(a_terms)),
            ("b_terminations", Val::Terms(b_terms)),
            ("label", text(&c.label)),
            ("color", text(&c.color)),
            ("length", float(&c.length)),
            ("description", text(&c.description)),
            ("tags", self.tags(&c.tags, true)),
        ];
        for (k, v) in [("type", &c.cable_type), ("status", &c.status), ("length_unit", &c.length_unit)] {
            if let Some(t) = v {
                f.push((k, s(t)));
            }
        }
        self.push(Model::Cable, key, Value::Null, f, c.span);
    }
}

/// The records of the kinds whose NetBox model only the registry declares
/// ([`Model::Declared`]), built from the declaration: each field the kind's lowering
/// reads (NetBox's field names, in that order) as the object serialises it, the
/// declared references by natural key, tags (with the managed tag) and custom fields;
/// a field left unset is sent as NetBox's default when the registry declares one, and
/// left out otherwise.
struct Declared<'b, 'a> {
    b: &'b mut Builder<'a>,
}

impl KindVisitor for Declared<'_, '_> {
    fn visit<K: Kind>(&mut self) {
        let info = K::INFO;
        let Some(model) = Model::from_name(info.netbox).filter(|m| m.is_declared()) else { return };
        let fields: Vec<&'static str> =
            Inventory::describe(info.collection).unwrap_or_default().iter().map(|f| f.name).collect();
        let inv = self.b.inv;
        for x in K::all(inv) {
            let mut refs: Vec<(&'static str, Val)> = Vec::new();
            x.each_ref(&mut |name, r| {
                let Some(m) = Model::from_name(r.target().netbox) else { return };
                let keys = r.natural_keys(inv);
                refs.push((name, if r.many() { Val::Refs(m, keys) } else { Val::Ref(m, keys.into_iter().next()) }));
            });
            let obj = serde_json::to_value(x).unwrap_or_default();
            let mut f = Vec::with_capacity(fields.len());
            for &name in &fields {
                if name == "tags" && info.tags {
                    f.push((name, self.b.tags(x.tags(), true)));
                } else if name == "custom_fields" && info.custom_fields {
                    f.push((name, custom_fields(x.custom_fields())));
                } else if let Some(i) = refs.iter().position(|(n, _)| *n == name) {
                    f.push(refs.swap_remove(i));
                } else {
                    match obj.get(name).filter(|v| !v.is_null()) {
                        Some(v) => f.push((name, Val::Json(v.clone()))),
                        None => {
                            if let Some(d) = info.default_of(name).and_then(|d| serde_json::from_str(d).ok()) {
                                f.push((name, Val::Json(d)));
                            }
                        }
                    }
                }
            }
            let mut late = Vec::new();
            super::declared::adjust(x, inv, &mut f, &mut late);
            let key = x.natural_key();
            let mut lookup = Map::new();
            lookup.insert(info.key.to_string(), json!(key));
            self.b.push(model, key, Value::Object(lookup), f, x.span());
            self.b.out.last_mut().expect("just pushed").late = late;
        }
    }
}

/// The records of a resolved inventory (one that checked without errors).
pub fn records(inv: &Inventory) -> Bundle {
    Bundle { records: Builder { inv, out: Vec::new() }.build() }
}

/// A field value as the bundle writes it: references as attribute dicts.
pub fn render(v: &Val, index: &HashMap<(Model, &str), &Record>) -> Value {
    let lookup = |m: Model, k: &str| index.get(&(m, k)).map_or_else(|| json!({"key": k}), |r| r.lookup.clone());
    match v {
        Val::Json(j) => j.clone(),
        Val::Ref(m, k) => k.as_ref().map_or(Value::Null, |k| lookup(*m, k)),
        Val::Refs(m, ks) => Value::Array(ks.iter().map(|k| lookup(*m, k)).collect()),
        Val::Generic(_) => unreachable!("generic references are expanded by render_fields"),
        Val::Terms(ts) => {
            Value::Array(ts.iter().map(|(m, k)| json!({"object_type": m.name(), "object_id": lookup(*m, k)})).collect())
        }
        Val::Mappings(m, ms) => Value::Array(
            ms.iter()
                .map(|(p, rp, rpp)| json!({"position": p, "rear_port": lookup(*m, rp), "rear_port_position": rpp}))
                .collect(),
        ),
    }
}

/// A record's fields as a payload for the bundle.
pub fn render_fields(fields: &[(&'static str, Val)], index: &HashMap<(Model, &str), &Record>) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in fields {
        match v {
            Val::Generic(g) => {
                let (t, i) = generic_fields(k);
                match g {
                    Some((model, key)) => {
                        m.insert(t.into(), json!(model.name()));
                        m.insert(i.into(), render(&Val::Ref(*model, Some(key.clone())), index));
                    }
                    None => {
                        m.insert(t.into(), Value::Null);
                        m.insert(i.into(), Value::Null);
                    }
                }
            }
            v => {
                m.insert((*k).to_string(), render(v, index));
            }
        }
    }
    m
}

/// The two field names of a generic reference.
pub fn generic_fields(base: &str) -> (&'static str, &'static str) {
    match base {
        "scope" => ("scope_type", "scope_id"),
        "assigned_object" => ("assigned_object_type", "assigned_object_id"),
        "termination" => ("termination_type", "termination_id"),
        "interface" => ("interface_type", "interface_id"),
        "parent_object" => ("parent_object_type", "parent_object_id"),
        _ => ("object_type", "object_id"),
    }
}

/// The kind-specific fields of a component or template, as NetBox's REST API names them
/// (references to other components apart). `device`: a device's component (serial,
/// asset tag, mark_connected).
fn port_fields(f: &mut Vec<(&'static str, Val)>, p: &crate::model::PortFields, device: bool) {
    for (k, v) in
        [("positions", &p.positions), ("maximum_draw", &p.maximum_draw), ("allocated_draw", &p.allocated_draw)]
    {
        if let Some(v) = v {
            f.push((k, Val::Json(json!(v.value))));
        }
    }
    for (k, v) in [("color", &p.color), ("feed_leg", &p.feed_leg), ("position", &p.position), ("part_id", &p.part_id)] {
        if let Some(v) = v {
            f.push((k, Val::Json(json!(v.value.as_str()))));
        }
    }
    if device {
        for (k, v) in [("serial", &p.serial), ("asset_tag", &p.asset_tag)] {
            if let Some(v) = v {
                f.push((k, Val::Json(json!(v.value.as_str()))));
            }
        }
        if let Some(m) = p.mark_connected {
            f.push(("mark_connected", Val::Json(json!(m))));
        }
    }
}

/// NetBox's model of a device's component of `kind` (interfaces apart).
fn port_model(kind: ComponentKind) -> Model {
    match kind {
        ComponentKind::Interface => Model::Interface,
        ComponentKind::ConsolePort => Model::ConsolePort,
        ComponentKind::ConsoleServerPort => Model::ConsoleServerPort,
        ComponentKind::PowerPort => Model::PowerPort,
        ComponentKind::PowerOutlet => Model::PowerOutlet,
        ComponentKind::FrontPort => Model::FrontPort,
        ComponentKind::RearPort => Model::RearPort,
        ComponentKind::ModuleBay => Model::ModuleBay,
        ComponentKind::DeviceBay => Model::DeviceBay,
        ComponentKind::InventoryItem => Model::InventoryItem,
    }
}
