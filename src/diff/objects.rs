//! Every object of an inventory as (NetBox model, natural key) → a digest of its
//! fields, and the object's fields as JSON on demand.
//!
//! A snapshot holds only digests (a fleet has millions of interfaces); JSON is
//! built for the objects that differ.

use crate::hash::{HashMap, HashMapExt};
use std::hash::Hasher;

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::inputs::ObjectDigests;
use crate::digest::{digest, hasher};
use crate::model::*;

/// Every object as ((model, natural key), (digest of the fields, the fields as JSON when
/// asked)), sorted by model and key. A key written twice holds the later object.
pub type Snapshot<'a> = Vec<Item<'a>>;

/// One object of a [`Snapshot`].
pub type Item<'a> = ((&'static str, String), (u64, Lazy<'a>));

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

/// The snapshot of `inv`, whose devices, interfaces, addresses and cables are digested in
/// `objs`; without devices and interfaces unless `devices`.
///
/// Each collection's items are built in parallel, then sorted by key (a stable sort, so
/// that of a key written twice the later object is kept): two snapshots compare in one
/// pass over both, without a map of hundreds of thousands of string keys.
pub fn snapshot<'a>(inv: &'a Inventory, objs: &ObjectDigests, devices: bool) -> Snapshot<'a> {
    snapshot_with_duplicates(inv, objs, devices).0
}

/// A key written more than once, and the digests of its objects in order.
pub type Dup = ((&'static str, String), Vec<u64>);

/// [`snapshot`], and the keys it holds more than one object of.
pub fn snapshot_with_duplicates<'a>(
    inv: &'a Inventory,
    objs: &ObjectDigests,
    devices: bool,
) -> (Snapshot<'a>, Vec<Dup>) {
    fn each<'a, T: serde::Serialize + Sync>(
        xs: &'a [T],
        model: &'static str,
        key: impl Fn(&T) -> String + Sync,
    ) -> Vec<Item<'a>> {
        xs.par_iter().map(|x| ((model, key(x)), entry(x))).collect()
    }
    let devices: Vec<Item<'a>> = inv.devices[..if devices { inv.devices.len() } else { 0 }]
        .par_iter()
        .enumerate()
        .flat_map_iter(|(n, d)| {
            let mut v = Vec::with_capacity(1 + d.interfaces.len());
            v.push(((Device::INFO.netbox, d.name.value.to_string()), (objs.devices[n], Lazy::Fields(d))));
            for (k, i) in d.interfaces.iter().enumerate() {
                let key = format!("{}:{}", d.name.value, i.name.value);
                v.push(((INTERFACE.netbox, key), (objs.interfaces[n][k], Lazy::Fields(i))));
            }
            for (k, p) in d.components.iter().enumerate() {
                let key = format!("{}:{}", d.name.value, p.name.value);
                v.push(((p.kind.info().netbox, key), (objs.components[n][k], Lazy::Fields(p))));
            }
            v
        })
        .collect();
    let cables: Vec<Item<'a>> = inv
        .cables
        .par_iter()
        .zip(&objs.cables)
        .map(|(c, digest)| ((Cable::INFO.netbox, c.natural_key()), (*digest, Lazy::Fields(c))))
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
            ((IpAddress::INFO.netbox, ip.natural_key()), (h.finish(), Lazy::Ip(ip, assigned)))
        })
        .collect();
    // Every other kind, keyed as the registry keys it.
    struct Parts<'a, 'i> {
        inv: &'a Inventory,
        parts: &'i mut Vec<Vec<Item<'a>>>,
    }
    impl<'a> KindVisitor for Parts<'a, '_> {
        fn visit<K: Kind>(&mut self) {
            if !matches!(K::INFO.collection, "devices" | "cables" | "ip_addresses") {
                self.parts.push(each(K::all(self.inv), K::INFO.netbox, K::natural_key));
            }
        }
    }
    let mut parts = vec![devices, cables, ips];
    each_kind(&mut Parts { inv, parts: &mut parts });
    let mut all: Vec<Item<'a>> = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        all.extend(part);
    }
    all.par_sort_by(|a, b| a.0.cmp(&b.0));
    // Of each run of one key, the last (the later object); a longer run is a duplicate.
    let mut out = Vec::with_capacity(all.len());
    let mut dups: Vec<Dup> = Vec::new();
    let mut run: Vec<u64> = Vec::new();
    let mut items = all.into_iter().peekable();
    while let Some(item) = items.next() {
        if items.peek().is_none_or(|next| next.0 != item.0) {
            if !run.is_empty() {
                run.push(item.1.0);
                dups.push((item.0.clone(), std::mem::take(&mut run)));
            }
            out.push(item);
        } else {
            run.push(item.1.0);
        }
    }
    (out, dups)
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
    // Its other components by model and name.
    fn ports<'a>(d: &'a Device, digests: &[u64]) -> HashMap<(&'static str, &'a str), (u64, &'a Port)> {
        d.components.iter().zip(digests).map(|(p, g)| ((p.kind.info().netbox, p.name.as_str()), (*g, p))).collect()
    }
    let one_side = |d: &'a Device, objs: &ObjectDigests, n: usize, before: bool| -> Vec<Change<'a>> {
        let side = |x: (u64, Lazy<'a>)| if before { (Some(x), None) } else { (None, Some(x)) };
        let (b, h) = side((objs.devices[n], Lazy::Fields(d)));
        let mut out = vec![("dcim.device", d.name.value.to_string(), b, h)];
        for (name, (g, i)) in interfaces(d, &objs.interfaces[n]) {
            let (b, h) = side((g, Lazy::Fields(i)));
            out.push(("dcim.interface", format!("{}:{}", d.name.value, name), b, h));
        }
        for ((model, name), (g, p)) in ports(d, &objs.components[n]) {
            let (b, h) = side((g, Lazy::Fields(p)));
            out.push((model, format!("{}:{}", d.name.value, name), b, h));
        }
        out
    };
    let mut out: Vec<Change<'a>> = base
        .devices
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, d)| {
            let Some(&j) = nh.get(d.name.as_str()) else {
                return one_side(d, bo, i, true);
            };
            let e = &head.devices[j];
            let mut out = Vec::new();
            if bo.devices[i] != ho.devices[j] {
                out.push((
                    "dcim.device",
                    d.name.value.to_string(),
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
            if bo.components[i] != ho.components[j] {
                let (pb, ph) = (ports(d, &bo.components[i]), ports(e, &ho.components[j]));
                for (&(model, name), &(g, x)) in &pb {
                    let after = ph.get(&(model, name)).map(|&(h, y)| (h, Lazy::Fields(y)));
                    if after.as_ref().is_none_or(|a| a.0 != g) {
                        out.push((model, format!("{}:{name}", d.name.value), Some((g, Lazy::Fields(x))), after));
                    }
                }
                for (&(model, name), &(h, y)) in ph.iter().filter(|(k, _)| !pb.contains_key(*k)) {
                    out.push((model, format!("{}:{name}", e.name.value), None, Some((h, Lazy::Fields(y)))));
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
            .flat_map_iter(|(j, d)| one_side(d, ho, j, false)),
    );
    Some(out)
}
