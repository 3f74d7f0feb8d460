//! What `sot show` prints: one device with its merged context, and for each
//! merged value the context that set it and the ones it overrode.

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
    json!({
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
    })
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
