//! Every object of an inventory as (NetBox model, natural key) → a digest of its
//! fields, and the object's fields as JSON on demand.
//!
//! A snapshot holds only digests (a fleet has millions of interfaces); JSON is
//! built for the objects that differ.

use crate::hash::{HashMap, HashMapExt};
use std::hash::Hasher;

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::hash::{digest, hasher};
use super::inputs::ObjectDigests;
use crate::model::*;

/// (model, natural key) → (digest of the fields, the fields as JSON when asked). A key
/// written twice holds the later object.
pub type Snapshot<'a> = HashMap<(&'static str, String), (u64, Lazy<'a>)>;

/// An object's fields, built when needed.
pub enum Lazy<'a> {
    Fields(&'a (dyn Fields + Sync)),
    /// An address and the interface it is assigned to (`device:interface`).
    Ip(&'a IpAddress, Option<String>),
}

impl Lazy<'_> {
    pub fn json(&self) -> Value {
        match self {
            Lazy::Fields(x) => x.fields(),
            Lazy::Ip(ip, assigned) => {
                let mut v = fields(*ip);
                if let Some(a) = assigned {
                    v["interface"] = Value::String(a.clone());
                }
                v
            }
        }
    }
}

/// An object whose fields can be shown.
pub trait Fields {
    fn fields(&self) -> Value;
}

impl<T: serde::Serialize> Fields for T {
    fn fields(&self) -> Value {
        fields(self)
    }
}

fn entry<T: serde::Serialize + Sync>(x: &T) -> (u64, Lazy<'_>) {
    (digest(x), Lazy::Fields(x))
}

fn fields<T: serde::Serialize + ?Sized>(x: &T) -> Value {
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

/// The snapshot of `inv`, whose devices, interfaces, addresses and cables are digested in
/// `objs`; without devices and interfaces unless `devices`.
pub fn snapshot<'a>(inv: &'a Inventory, objs: &ObjectDigests, devices: bool) -> Snapshot<'a> {
    type Item<'a> = ((&'static str, String), (u64, Lazy<'a>));
    // The large collections in parallel, in order (a later object wins its key).
    let devices: Vec<Vec<Item<'a>>> = inv.devices[..if devices { inv.devices.len() } else { 0 }]
        .par_iter()
        .enumerate()
        .map(|(n, d)| {
            let mut v = Vec::with_capacity(1 + d.interfaces.len());
            v.push((("dcim.device", d.name.value.clone()), (objs.devices[n], Lazy::Fields(d))));
            for (k, i) in d.interfaces.iter().enumerate() {
                let key = format!("{}:{}", d.name.value, i.name.value);
                v.push((("dcim.interface", key), (objs.interfaces[n][k], Lazy::Fields(i))));
            }
            v
        })
        .collect();
    let cables: Vec<Item<'a>> = inv
        .cables
        .par_iter()
        .zip(&objs.cables)
        .map(|(c, digest)| {
            let key = crate::netbox::model::cable_key(&c.a.display(), &c.b.display());
            (("dcim.cable", key), (*digest, Lazy::Fields(c)))
        })
        .collect();
    let ips: Vec<Item<'a>> = inv
        .ip_addresses
        .par_iter()
        .zip(&objs.ip_addresses)
        .map(|(ip, own)| {
            let assigned = ip.assigned.map(|a| {
                let d = &inv.devices[a.device.index()];
                format!("{}:{}", d.name.value, d.interfaces[a.index as usize].name.value)
            });
            let mut h = hasher();
            h.write_u64(*own);
            h.write(assigned.as_deref().unwrap_or("").as_bytes());
            h.write_u8(0xff);
            (
                ("ipam.ipaddress", format!("{}/{}", vrf_key(&ip.vrf), ip.address.value)),
                (h.finish(), Lazy::Ip(ip, assigned)),
            )
        })
        .collect();
    let mut s = Snapshot::with_capacity(devices.iter().map(Vec::len).sum::<usize>() + cables.len() + ips.len() + 1024);
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
    for ((model, key), v) in devices.into_iter().flatten().chain(cables) {
        put(model, key, v);
    }
    inv.vrfs.iter().for_each(|x| put("ipam.vrf", x.name.value.clone(), entry(x)));
    inv.ipam_roles.iter().for_each(|x| put("ipam.role", x.slug.value.clone(), entry(x)));
    inv.prefixes.iter().for_each(|x| put("ipam.prefix", format!("{}/{}", vrf_key(&x.vrf), x.prefix.value), entry(x)));
    for ((model, key), v) in ips {
        put(model, key, v);
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

/// A change to one object: `(model, key, before, after)`, each side as (digest, fields).
pub type Change<'a> = (&'static str, String, Option<(u64, Lazy<'a>)>, Option<(u64, Lazy<'a>)>);

/// The device and interface changes between `base` and `head`, found device by device
/// (a fleet's interfaces are most of its objects, and most devices are unchanged): the
/// same changes as comparing their snapshots, when every device name is unique on its
/// side and has no `:` (so that `device:interface` names one interface). `None` otherwise.
pub fn device_changes<'a>(
    base: &'a Inventory,
    bo: &ObjectDigests,
    head: &'a Inventory,
    ho: &ObjectDigests,
) -> Option<Vec<Change<'a>>> {
    fn names(inv: &Inventory) -> Option<HashMap<&str, usize>> {
        let mut m = HashMap::with_capacity(inv.devices.len());
        for (i, d) in inv.devices.iter().enumerate() {
            if d.name.value.contains(':') || m.insert(d.name.as_str(), i).is_some() {
                return None;
            }
        }
        Some(m)
    }
    let (nb, nh) = (names(base)?, names(head)?);
    // A device's interfaces by name (a later one wins, as in a snapshot).
    fn interfaces<'a>(d: &'a Device, digests: &[u64]) -> HashMap<&'a str, (u64, &'a Interface)> {
        d.interfaces.iter().zip(digests).map(|(i, g)| (i.name.as_str(), (*g, i))).collect()
    }
    let one_side = |d: &'a Device, digests: &[u64], device: u64, before: bool| -> Vec<Change<'a>> {
        let side = |x: (u64, Lazy<'a>)| if before { (Some(x), None) } else { (None, Some(x)) };
        let (b, h) = side((device, Lazy::Fields(d)));
        let mut out = vec![("dcim.device", d.name.value.clone(), b, h)];
        for (name, (g, i)) in interfaces(d, digests) {
            let (b, h) = side((g, Lazy::Fields(i)));
            out.push(("dcim.interface", format!("{}:{}", d.name.value, name), b, h));
        }
        out
    };
    let mut out: Vec<Change<'a>> = base
        .devices
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, d)| {
            let Some(&j) = nh.get(d.name.as_str()) else {
                return one_side(d, &bo.interfaces[i], bo.devices[i], true);
            };
            let e = &head.devices[j];
            let mut out = Vec::new();
            if bo.devices[i] != ho.devices[j] {
                out.push((
                    "dcim.device",
                    d.name.value.clone(),
                    Some((bo.devices[i], Lazy::Fields(d))),
                    Some((ho.devices[j], Lazy::Fields(e))),
                ));
            }
            let same = bo.interfaces[i] == ho.interfaces[j]
                && d.interfaces.iter().zip(&e.interfaces).all(|(x, y)| x.name.value == y.name.value);
            if !same {
                let (ib, ih) = (interfaces(d, &bo.interfaces[i]), interfaces(e, &ho.interfaces[j]));
                for (name, &(g, x)) in &ib {
                    let after = ih.get(name).map(|&(h, y)| (h, Lazy::Fields(y)));
                    if after.as_ref().is_none_or(|a| a.0 != g) {
                        out.push((
                            "dcim.interface",
                            format!("{}:{name}", d.name.value),
                            Some((g, Lazy::Fields(x))),
                            after,
                        ));
                    }
                }
                for (name, &(h, y)) in ih.iter().filter(|(n, _)| !ib.contains_key(*n)) {
                    out.push(("dcim.interface", format!("{}:{name}", e.name.value), None, Some((h, Lazy::Fields(y)))));
                }
            }
            out
        })
        .collect();
    out.par_extend(
        head.devices
            .par_iter()
            .enumerate()
            .filter(|(_, d)| !nb.contains_key(d.name.as_str()))
            .flat_map_iter(|(j, d)| one_side(d, &ho.interfaces[j], ho.devices[j], false)),
    );
    Some(out)
}
