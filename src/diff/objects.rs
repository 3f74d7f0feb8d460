//! Every object of an inventory as (NetBox model, natural key) → a digest of its
//! fields, and the object's fields as JSON on demand.
//!
//! A snapshot holds only digests (a fleet has millions of interfaces); JSON is
//! built for the objects that differ.

use std::collections::BTreeMap;
use std::hash::Hasher;

use serde_json::{Map, Value};

use crate::model::*;

/// (model, natural key) → (digest of the fields, the fields as JSON when asked).
pub type Snapshot<'a> = BTreeMap<(&'static str, String), (u64, Lazy<'a>)>;

/// An object's fields, built when needed.
pub struct Lazy<'a>(Box<dyn Fn() -> Value + 'a>);

impl Lazy<'_> {
    pub fn json(&self) -> Value {
        (self.0)()
    }
}

/// Feeds serialised bytes into a hasher without building them.
struct HashWriter<'h>(&'h mut std::collections::hash_map::DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn digest<T: serde::Serialize>(x: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let _ = serde_json::to_writer(HashWriter(&mut h), x);
    h.finish()
}

fn entry<'a, T: serde::Serialize>(x: &'a T) -> (u64, Lazy<'a>) {
    (digest(x), Lazy(Box::new(move || fields(x))))
}

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
pub fn snapshot<'a>(inv: &'a Inventory) -> Snapshot<'a> {
    let mut s = Snapshot::new();
    let mut put = |model: &'static str, key: String, v: (u64, Lazy<'a>)| {
        s.insert((model, key), v);
    };
    inv.tags.iter().for_each(|x| put("extras.tag", x.slug.value.clone(), entry(x)));
    inv.tenant_groups.iter().for_each(|x| put("tenancy.tenantgroup", x.slug.value.clone(), entry(x)));
    inv.tenants.iter().for_each(|x| put("tenancy.tenant", x.slug.value.clone(), entry(x)));
    inv.regions.iter().for_each(|x| put("dcim.region", x.slug.value.clone(), entry(x)));
    inv.site_groups.iter().for_each(|x| put("dcim.sitegroup", x.slug.value.clone(), entry(x)));
    inv.sites.iter().for_each(|x| put("dcim.site", x.slug.value.clone(), entry(x)));
    inv.locations.iter().for_each(|x| put("dcim.location", format!("{}/{}", x.site.key.value, x.slug.value), entry(x)));
    inv.rack_roles.iter().for_each(|x| put("dcim.rackrole", x.slug.value.clone(), entry(x)));
    inv.racks.iter().for_each(|x| put("dcim.rack", format!("{}/{}", x.site.key.value, x.name.value), entry(x)));
    inv.manufacturers.iter().for_each(|x| put("dcim.manufacturer", x.slug.value.clone(), entry(x)));
    inv.device_types.iter().for_each(|x| put("dcim.devicetype", x.slug.value.clone(), entry(x)));
    inv.device_roles.iter().for_each(|x| put("dcim.devicerole", x.slug.value.clone(), entry(x)));
    inv.platforms.iter().for_each(|x| put("dcim.platform", x.slug.value.clone(), entry(x)));
    for d in &inv.devices {
        put("dcim.device", d.name.value.clone(), entry(d));
        for i in &d.interfaces {
            put("dcim.interface", format!("{}:{}", d.name.value, i.name.value), entry(i));
        }
    }
    for c in &inv.cables {
        let (a, b) = (c.a.display(), c.b.display());
        let key = if a <= b { format!("{a} <> {b}") } else { format!("{b} <> {a}") };
        put("dcim.cable", key, entry(c));
    }
    inv.vrfs.iter().for_each(|x| put("ipam.vrf", x.name.value.clone(), entry(x)));
    inv.ipam_roles.iter().for_each(|x| put("ipam.role", x.slug.value.clone(), entry(x)));
    inv.prefixes.iter().for_each(|x| put("ipam.prefix", format!("{}/{}", vrf_key(&x.vrf), x.prefix.value), entry(x)));
    for ip in &inv.ip_addresses {
        let assigned = ip.assigned.map(|a| {
            let d = &inv.devices[a.device.index()];
            format!("{}:{}", d.name.value, d.interfaces[a.index as usize].name.value)
        });
        let mut h = std::collections::hash_map::DefaultHasher::new();
        h.write_u64(digest(ip));
        h.write(assigned.as_deref().unwrap_or("").as_bytes());
        let json = Lazy(Box::new(move || {
            let mut v = fields(ip);
            if let Some(a) = &assigned {
                v["interface"] = Value::String(a.clone());
            }
            v
        }));
        put("ipam.ipaddress", format!("{}/{}", vrf_key(&ip.vrf), ip.address.value), (h.finish(), json));
    }
    inv.vlan_groups.iter().for_each(|x| put("ipam.vlangroup", x.slug.value.clone(), entry(x)));
    for v in &inv.vlans {
        let scope = match (&v.group, &v.site) {
            (Some(g), _) => format!("group {}", g.key.value),
            (None, Some(s)) => format!("site {}", s.key.value),
            (None, None) => "global".to_string(),
        };
        put("ipam.vlan", format!("{scope}/{}", v.vid.value), entry(v));
    }
    inv.providers.iter().for_each(|x| put("circuits.provider", x.slug.value.clone(), entry(x)));
    inv.circuit_types.iter().for_each(|x| put("circuits.circuittype", x.slug.value.clone(), entry(x)));
    inv.circuits
        .iter()
        .for_each(|x| put("circuits.circuit", format!("{}/{}", x.provider.key.value, x.cid.value), entry(x)));
    inv.config_contexts.iter().for_each(|x| put("extras.configcontext", x.name.value.clone(), entry(x)));
    inv.custom_fields.iter().for_each(|x| put("extras.customfield", x.name.value.clone(), entry(x)));
    inv.rules.iter().for_each(|x| put("sot.rule", x.name.value.clone(), entry(x)));
    s
}
