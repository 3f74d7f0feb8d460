//! What `sot show` prints: one device with its merged context, and for each
//! merged value the context that set it and the ones it overrode; a site, a prefix, a
//! VLAN or an interface with what refers to it.

use serde::Serialize;
use serde_json::{Value, json};

use crate::context::{Contexts, Entry, Source, weight};
use crate::diagnostic::Span;
use crate::model::*;
use crate::source::SourceSet;
use crate::view::World;

fn t(x: &Option<Text>) -> Value {
    x.as_ref().map_or(Value::Null, |x| json!(x.value))
}

fn k<T>(r: &Option<Ref<T>>) -> Value {
    r.as_ref().map_or(Value::Null, |r| json!(r.key.value))
}

fn tags(refs: &[Ref<Tag>]) -> Value {
    json!(refs.iter().map(|r| r.key.value.clone()).collect::<Vec<_>>())
}

/// A device as `sot show device` prints it (the shape is documented in docs/cli.md).
pub fn device_json(w: &World, id: Id<Device>) -> Value {
    let inv = &w.inventory;
    let d = &inv.devices[id.index()];
    let ip = |i: Option<Id<IpAddress>>| {
        i.map_or(Value::Null, |i| json!(inv.ip_addresses[i.index()].address.value.to_string()))
    };
    let interfaces: Vec<Value> = d
        .interfaces
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let peer = match w.peer(InterfaceId { device: id, index: n as u32 }) {
                Some(crate::view::Peer::Interface { other, .. }) => {
                    let od = &inv.devices[other.device.index()];
                    json!({"device": od.name.value, "interface": od.interfaces[other.index as usize].name.value})
                }
                Some(crate::view::Peer::Circuit { circuit, side, .. }) => {
                    json!({"circuit": inv.circuits[circuit.index()].cid.value, "term": side.as_str()})
                }
                Some(crate::view::Peer::Port { other, .. }) => {
                    let od = &inv.devices[other.device.index()];
                    let p = &od.components[other.index as usize];
                    json!({"device": od.name.value, p.kind.info().variable(): p.name.value})
                }
                None => Value::Null,
            };
            let vlan = |v: &VlanRef| json!(v.vid.value);
            let mut m = serde_json::Map::new();
            m.insert("name".into(), json!(i.name.value));
            m.insert("type".into(), t(&i.interface_type));
            for (key, val) in [
                ("enabled", i.enabled.map_or(Value::Null, |b| json!(b))),
                ("mgmt_only", i.mgmt_only.filter(|&b| b).map_or(Value::Null, |b| json!(b))),
                ("description", t(&i.description)),
                ("mtu", i.mtu.as_ref().map_or(Value::Null, |x| json!(x.value))),
                ("mode", t(&i.mode)),
                ("untagged_vlan", i.untagged_vlan.as_deref().map_or(Value::Null, vlan)),
                (
                    "tagged_vlans",
                    if i.tagged_vlans.is_empty() {
                        Value::Null
                    } else {
                        json!(i.tagged_vlans.iter().map(vlan).collect::<Vec<_>>())
                    },
                ),
                ("lag", t(&i.lag)),
                ("parent", t(&i.parent)),
                ("vrf", k(&i.vrf)),
                ("tags", if i.tags.is_empty() { Value::Null } else { tags(&i.tags) }),
                (
                    "ip_addresses",
                    if i.ip_addresses.is_empty() {
                        Value::Null
                    } else {
                        json!(
                            i.ip_addresses
                                .iter()
                                .map(|&a| inv.ip_addresses[a.index()].address.value.to_string())
                                .collect::<Vec<_>>()
                        )
                    },
                ),
                ("peer", peer),
                // Through patch panels: where the connection ends.
                (
                    "connected",
                    match w.peer(InterfaceId { device: id, index: n as u32 }) {
                        Some(crate::view::Peer::Port { .. }) => {
                            let t = crate::view::Term::Interface(InterfaceId { device: id, index: n as u32 });
                            json!(w.connected(t).into_iter().map(|t| term_name(inv, t)).collect::<Vec<_>>())
                        }
                        _ => Value::Null,
                    },
                ),
            ] {
                if !val.is_null() {
                    m.insert(key.into(), val);
                }
            }
            Value::Object(m)
        })
        .collect();
    let matcher = &w.matcher;
    let merged = Contexts::new(inv, matcher).merged(d).to_json();
    let mut out = json!({
        "name": d.name.value,
        "device_type": d.device_type.key.value,
        "role": d.role.key.value,
        "platform": k(&d.platform),
        "site": d.site.key.value,
        "location": k(&d.location),
        "rack": k(&d.rack),
        "position": d.position.as_ref().map(|p| p.value),
        "face": t(&d.face),
        "status": d.status.as_ref().map_or("active", |s| s.as_str()),
        "tenant": k(&d.tenant),
        "serial": t(&d.serial),
        "primary_ip4": ip(d.primary_ip4_id),
        "primary_ip6": ip(d.primary_ip6_id),
        "tags": tags(&d.tags),
        "custom_fields": Value::Object(d.custom_fields.iter().map(|c| (c.name.value.to_string(), c.value.to_json())).collect()),
        "config_context": merged,
        "interfaces": interfaces,
    });
    // Its other components, kind by kind (only the kinds it has), each with its cable's
    // other end and, through patch panels, where the connection ends.
    for kind in ComponentKind::PORTS {
        let list: Vec<Value> = d
            .components_of(kind)
            .map(|(i, p)| {
                let mut m = match serde_json::to_value(p) {
                    Ok(Value::Object(m)) => m,
                    _ => serde_json::Map::new(),
                };
                m.remove("kind");
                m.retain(|_, v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
                let term = crate::view::Term::Port(PortId { device: id, index: i });
                let name = |t: crate::view::Term| term_name(inv, t);
                if let Some((_, peers)) = w.link_peers(term) {
                    m.insert("peer".into(), json!(peers.into_iter().map(name).collect::<Vec<_>>()));
                    let ends = w.connected(term);
                    if !ends.is_empty() {
                        m.insert("connected".into(), json!(ends.into_iter().map(name).collect::<Vec<_>>()));
                    }
                }
                Value::Object(m)
            })
            .collect();
        if !list.is_empty() {
            out[kind.device_key()] = Value::Array(list);
        }
    }
    out
}

/// A termination as `device:name` (or `circuit CID term A`).
pub fn term_name(inv: &Inventory, t: crate::view::Term) -> String {
    match t {
        crate::view::Term::Interface(i) => {
            let d = &inv.devices[i.device.index()];
            format!("{}:{}", d.name.value, d.interfaces[i.index as usize].name.value)
        }
        crate::view::Term::Port(p) => {
            let d = &inv.devices[p.device.index()];
            format!("{}:{}", d.name.value, d.components[p.index as usize].name.value)
        }
        crate::view::Term::Circuit(c, side) => {
            format!("circuit {} term {}", inv.circuits[c.index()].cid.value, side.as_str())
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SourceRef {
    /// The context's name, or `local_context_data`.
    pub context: String,
    pub weight: Option<i64>,
    pub location: String,
}

/// One merged value and where it came from.
#[derive(Debug, Serialize)]
pub struct Explained {
    pub path: String,
    pub value: Value,
    pub set_by: SourceRef,
    pub overrode: Vec<SourceRef>,
}

fn source_ref(inv: &Inventory, sources: &SourceSet, s: Source, span: Span) -> SourceRef {
    match s {
        Source::Context(c) => {
            let c = &inv.config_contexts[c.index()];
            SourceRef { context: c.name.value.to_string(), weight: Some(weight(c)), location: sources.location(span) }
        }
        Source::Local => {
            SourceRef { context: "local_context_data".into(), weight: None, location: sources.location(span) }
        }
    }
}

/// Every leaf of the device's merged context with its provenance.
pub fn explain(w: &World, sources: &SourceSet, id: Id<Device>) -> Vec<Explained> {
    let inv = &w.inventory;
    let d = &inv.devices[id.index()];
    let merged = Contexts::new(inv, &w.matcher).merged(d);
    merged
        .leaves()
        .into_iter()
        .map(|(path, e): (String, &Entry<'_>)| {
            let value = match &e.value {
                crate::context::MValue::Leaf(n) => n.to_json(),
                crate::context::MValue::Map(_) => json!({}),
            };
            Explained {
                path,
                value,
                set_by: source_ref(inv, sources, e.source, e.key_span),
                overrode: e.overrode.iter().map(|&(s, span)| source_ref(inv, sources, s, span)).collect(),
            }
        })
        .collect()
}

/// An object's own fields as JSON (references by their key), without empty ones.
fn own<T: Serialize>(x: &T) -> serde_json::Map<String, Value> {
    let mut m = match serde_json::to_value(x) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    m.retain(|_, v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
    m
}

fn names_in_order(mut names: Vec<String>) -> Value {
    crate::natural::sort_by_key(&mut names, |n| n);
    json!(names)
}

/// A site as `sot show site` prints it: its fields, then its racks, devices, prefixes and
/// VLANs (names in natural order). `None` when no site has the slug.
pub fn site_json(w: &World, slug: &str) -> Option<Value> {
    let inv = &w.inventory;
    let site = inv.sites.iter().find(|s| s.slug.value.as_str() == slug)?;
    let at = |r: &Option<Ref<Site>>| r.as_ref().is_some_and(|r| r.key.value.as_str() == slug);
    let mut m = own(site);
    m.insert(
        "racks".into(),
        names_in_order(
            inv.racks.iter().filter(|r| r.site.key.value.as_str() == slug).map(|r| r.name.value.to_string()).collect(),
        ),
    );
    m.insert(
        "devices".into(),
        names_in_order(
            inv.devices
                .iter()
                .filter(|d| d.site.key.value.as_str() == slug)
                .map(|d| d.name.value.to_string())
                .collect(),
        ),
    );
    let mut prefixes: Vec<&Prefix> = inv.prefixes.iter().filter(|p| at(&p.site)).collect();
    prefixes.sort_by(|a, b| (vrf_name(&a.vrf), a.prefix.value).cmp(&(vrf_name(&b.vrf), b.prefix.value)));
    m.insert(
        "prefixes".into(),
        json!(prefixes.iter().map(|p| format!("{}/{}", vrf_name(&p.vrf), p.prefix.value)).collect::<Vec<_>>()),
    );
    let mut vlans: Vec<&Vlan> = inv.vlans.iter().filter(|v| at(&v.site)).collect();
    vlans.sort_by_key(|v| v.vid.value);
    m.insert(
        "vlans".into(),
        json!(vlans.iter().map(|v| json!({"vid": v.vid.value, "name": v.name.value})).collect::<Vec<_>>()),
    );
    Some(Value::Object(m))
}

fn vrf_name(v: &Option<Ref<Vrf>>) -> &str {
    v.as_ref().map_or("global", |v| v.key.value.as_str())
}

/// A prefix as `sot show prefix` prints it: its fields, its utilisation, the prefixes
/// directly inside it and the addresses in it (with the interface each is on). `vrf`:
/// `None` for the global table.
pub fn prefix_json(w: &World, prefix: ipnet::IpNet, vrf: Option<&str>) -> Option<Value> {
    let inv = &w.inventory;
    let in_vrf = |v: &Option<Ref<Vrf>>| v.as_ref().map(|v| v.key.value.as_str()) == vrf;
    let p = inv.prefixes.iter().find(|p| p.prefix.value == prefix && in_vrf(&p.vrf))?;
    let mut m = own(p);
    if let Some(u) =
        crate::allocation::usage(inv).into_iter().find(|u| u.prefix == prefix.to_string() && u.vrf.as_deref() == vrf)
    {
        m.insert(
            "utilisation".into(),
            json!({"measure": u.measure, "used": u.used, "size": u.size, "percent": u.percent}),
        );
    }
    let mut inner: Vec<ipnet::IpNet> = inv
        .prefixes
        .iter()
        .filter(|c| in_vrf(&c.vrf) && c.prefix.value != prefix && prefix.contains(&c.prefix.value))
        .map(|c| c.prefix.value)
        .collect();
    inner.sort();
    // Only those directly inside: not inside another child.
    let direct: Vec<String> =
        inner.iter().filter(|c| !inner.iter().any(|o| o != *c && o.contains(*c))).map(ToString::to_string).collect();
    m.insert("child_prefixes".into(), json!(direct));
    let mut addresses: Vec<(&IpAddress, Value)> = inv
        .ip_addresses
        .iter()
        .filter(|a| in_vrf(&a.vrf) && prefix.contains(&a.address.value.addr()))
        .map(|a| {
            let on = a.assigned.map_or(Value::Null, |x| {
                let d = &inv.devices[x.device.index()];
                json!(format!("{}:{}", d.name.value, d.interfaces[x.index as usize].name.value))
            });
            (a, on)
        })
        .collect();
    addresses.sort_by_key(|(a, _)| a.address.value.addr());
    m.insert(
        "ip_addresses".into(),
        json!(
            addresses
                .iter()
                .map(|(a, on)| json!({"address": a.address.value.to_string(), "interface": on}))
                .collect::<Vec<_>>()
        ),
    );
    Some(Value::Object(m))
}

/// The VLANs with id `vid` (at `site`, in `group`, when given), each as `sot show vlan` prints it: its
/// fields and the interfaces that carry it, untagged or tagged (in natural order).
pub fn vlans_json(w: &World, vid: i64, site: Option<&str>, group: Option<&str>) -> Vec<Value> {
    let inv = &w.inventory;
    inv.vlans
        .iter()
        .enumerate()
        .filter(|(_, v)| {
            v.vid.value == vid
                && site.is_none_or(|s| v.site.as_ref().is_some_and(|r| r.key.value.as_str() == s))
                && group.is_none_or(|g| v.group.as_ref().is_some_and(|r| r.key.value.as_str() == g))
        })
        .map(|(n, v)| {
            let id: Id<Vlan> = Id::new(n);
            let (mut untagged, mut tagged) = (Vec::new(), Vec::new());
            for d in &inv.devices {
                for i in &d.interfaces {
                    let name = format!("{}:{}", d.name.value, i.name.value);
                    if i.untagged_vlan.as_ref().is_some_and(|u| u.id == Some(id)) {
                        untagged.push(name.clone());
                    }
                    if i.tagged_vlans.iter().any(|t| t.id == Some(id)) {
                        tagged.push(name);
                    }
                }
            }
            let mut m = own(v);
            m.insert("untagged_on".into(), names_in_order(untagged));
            m.insert("tagged_on".into(), names_in_order(tagged));
            Value::Object(m)
        })
        .collect()
}

/// An interface (`device:interface`) as `sot show interface` prints it: the device's
/// name, then the interface as `sot show device` lists it (addresses, VLANs, peer).
pub fn interface_json(w: &World, device: Id<Device>, name: &str) -> Option<Value> {
    let d = device_json(w, device);
    let i = d["interfaces"].as_array()?.iter().find(|i| i["name"] == name)?.clone();
    let mut m = serde_json::Map::new();
    m.insert("device".into(), d["name"].clone());
    if let Value::Object(fields) = i {
        m.extend(fields);
    }
    Some(Value::Object(m))
}
