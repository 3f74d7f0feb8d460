//! Every object of an inventory as (NetBox model, natural key) → its fields as JSON.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::*;

/// (model, natural key) → fields.
pub type Snapshot = BTreeMap<(&'static str, String), Value>;

fn fields<T: serde::Serialize>(x: &T) -> Value {
    let mut v = serde_json::to_value(x).unwrap_or(Value::Null);
    // Custom fields as a mapping, as NetBox shows them.
    if let Some(Value::Array(cfs)) = v.get("custom_fields").cloned() {
        let m: Map<String, Value> = cfs
            .into_iter()
            .filter_map(|c| {
                Some((c.get("name")?.as_str()?.to_string(), c.get("value").cloned().unwrap_or(Value::Null)))
            })
            .collect();
        v["custom_fields"] = Value::Object(m);
    }
    // Drop empty values so that writing `tags: []` and leaving it out read the same.
    if let Value::Object(m) = &mut v {
        m.retain(|_, x| {
            !(x.is_null() || x.as_array().is_some_and(Vec::is_empty) || x.as_object().is_some_and(Map::is_empty))
        });
    }
    v
}

fn vrf_key(v: &Option<Ref<Vrf>>) -> &str {
    v.as_ref().map_or("global", |v| v.key.as_str())
}

/// The snapshot of `inv`.
pub fn snapshot(inv: &Inventory) -> Snapshot {
    let mut s = Snapshot::new();
    let mut put = |model: &'static str, key: String, v: Value| {
        s.insert((model, key), v);
    };
    inv.tags.iter().for_each(|x| put("extras.tag", x.slug.value.clone(), fields(x)));
    inv.tenant_groups.iter().for_each(|x| put("tenancy.tenantgroup", x.slug.value.clone(), fields(x)));
    inv.tenants.iter().for_each(|x| put("tenancy.tenant", x.slug.value.clone(), fields(x)));
    inv.regions.iter().for_each(|x| put("dcim.region", x.slug.value.clone(), fields(x)));
    inv.site_groups.iter().for_each(|x| put("dcim.sitegroup", x.slug.value.clone(), fields(x)));
    inv.sites.iter().for_each(|x| put("dcim.site", x.slug.value.clone(), fields(x)));
    inv.locations
        .iter()
        .for_each(|x| put("dcim.location", format!("{}/{}", x.site.key.value, x.slug.value), fields(x)));
    inv.rack_roles.iter().for_each(|x| put("dcim.rackrole", x.slug.value.clone(), fields(x)));
    inv.racks.iter().for_each(|x| put("dcim.rack", format!("{}/{}", x.site.key.value, x.name.value), fields(x)));
    inv.manufacturers.iter().for_each(|x| put("dcim.manufacturer", x.slug.value.clone(), fields(x)));
    inv.device_types.iter().for_each(|x| put("dcim.devicetype", x.slug.value.clone(), fields(x)));
    inv.device_roles.iter().for_each(|x| put("dcim.devicerole", x.slug.value.clone(), fields(x)));
    inv.platforms.iter().for_each(|x| put("dcim.platform", x.slug.value.clone(), fields(x)));
    for d in &inv.devices {
        put("dcim.device", d.name.value.clone(), fields(d));
        for i in &d.interfaces {
            put("dcim.interface", format!("{}:{}", d.name.value, i.name.value), fields(i));
        }
    }
    for c in &inv.cables {
        let (a, b) = (c.a.display(), c.b.display());
        let key = if a <= b { format!("{a} <> {b}") } else { format!("{b} <> {a}") };
        put("dcim.cable", key, fields(c));
    }
    inv.vrfs.iter().for_each(|x| put("ipam.vrf", x.name.value.clone(), fields(x)));
    inv.ipam_roles.iter().for_each(|x| put("ipam.role", x.slug.value.clone(), fields(x)));
    inv.prefixes.iter().for_each(|x| put("ipam.prefix", format!("{}/{}", vrf_key(&x.vrf), x.prefix.value), fields(x)));
    for ip in &inv.ip_addresses {
        let mut v = fields(ip);
        if let Some(a) = ip.assigned {
            let d = &inv.devices[a.device.index()];
            v["interface"] = Value::String(format!("{}:{}", d.name.value, d.interfaces[a.index as usize].name.value));
        }
        put("ipam.ipaddress", format!("{}/{}", vrf_key(&ip.vrf), ip.address.value), v);
    }
    inv.vlan_groups.iter().for_each(|x| put("ipam.vlangroup", x.slug.value.clone(), fields(x)));
    for v in &inv.vlans {
        let scope = match (&v.group, &v.site) {
            (Some(g), _) => format!("group {}", g.key.value),
            (None, Some(s)) => format!("site {}", s.key.value),
            (None, None) => "global".to_string(),
        };
        put("ipam.vlan", format!("{scope}/{}", v.vid.value), fields(v));
    }
    inv.providers.iter().for_each(|x| put("circuits.provider", x.slug.value.clone(), fields(x)));
    inv.circuit_types.iter().for_each(|x| put("circuits.circuittype", x.slug.value.clone(), fields(x)));
    inv.circuits
        .iter()
        .for_each(|x| put("circuits.circuit", format!("{}/{}", x.provider.key.value, x.cid.value), fields(x)));
    inv.config_contexts.iter().for_each(|x| put("extras.configcontext", x.name.value.clone(), fields(x)));
    inv.custom_fields.iter().for_each(|x| put("extras.customfield", x.name.value.clone(), fields(x)));
    inv.rules.iter().for_each(|x| put("sot.rule", x.name.value.clone(), fields(x)));
    s
}
