//! Views: the compiled inventory as template values.
//!
//! Rules, queries, `show` and templates all see objects through these views.
//! Devices and interfaces are lazy objects over a shared [`World`] (nothing is
//! copied per device); small shared objects (sites, roles, VLANs...) are built
//! once per world. Field names follow NetBox's REST API, so a NetBox
//! ConfigTemplate's expressions carry over.

mod address;
mod objects;
pub mod related;
mod tags;

use crate::hash::{HashMap, HashMapExt};
use std::sync::{Arc, Mutex, OnceLock};

use minijinja::Value;

pub use address::Address;
pub use objects::{DeviceView, InterfaceView, QUERYABLE};
pub use tags::TagList;

use crate::context::{Contexts, Matcher};
use crate::model::*;
use crate::project::Config;
use crate::resolve::Index;

/// What the far end of an interface's connection is (the cable's other end, NetBox's
/// `link_peers`; through patch panels, [`World::connected`] goes further).
#[derive(Debug, Clone, Copy)]
pub enum Peer {
    Interface {
        cable: Id<Cable>,
        other: InterfaceId,
    },
    Circuit {
        cable: Option<Id<Cable>>,
        circuit: Id<Circuit>,
        side: TermSide,
    },
    /// Another component of a device (a patch panel's front port, say).
    Port {
        cable: Id<Cable>,
        other: PortId,
    },
}

/// Something a cable can end on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Term {
    Interface(InterfaceId),
    Port(PortId),
    Circuit(Id<Circuit>, TermSide),
}

impl Term {
    /// The termination a linked cable end is (none if it did not resolve).
    pub fn of(e: &CableEnd) -> Option<Term> {
        match e {
            CableEnd::Interface(r) => r.id.map(Term::Interface),
            CableEnd::Port(p) => p.id.map(Term::Port),
            CableEnd::Circuit { id, side, .. } => id.map(|c| Term::Circuit(c, side.value)),
        }
    }
}

/// A compiled inventory, shared by every view.
pub struct World {
    pub config: Config,
    pub inventory: Inventory,
    pub index: Index,
    pub matcher: Matcher,
    merged: Vec<OnceLock<Value>>,
    /// Merged contexts by the list of contexts that apply, for devices without local
    /// context data: their merged context is a function of that list alone, and a fleet's
    /// devices share a few hundred lists, so each is merged once.
    by_contexts: Mutex<HashMap<Vec<Id<ConfigContext>>, Value>>,
    peers: HashMap<InterfaceId, Peer>,
    /// Every cabled termination: its cable, and whether it is on the cable's B end.
    cabled: HashMap<Term, (Id<Cable>, bool)>,
    /// Child devices: the device bay holding each.
    bays: HashMap<Id<Device>, PortId>,
    shared: OnceLock<Shared>,
    /// Custom fields by NetBox object type, in definition order.
    cf_by_type: HashMap<String, Vec<Id<CustomField>>>,
    /// By device: its interfaces' indexes in NetBox's order (computed on first use).
    interface_order: Vec<OnceLock<Box<[u32]>>>,
}

/// Values built once per world for small, shared objects.
struct Shared {
    sites: Vec<Value>,
    regions: Vec<Value>,
    site_groups: Vec<Value>,
    locations: Vec<Value>,
    racks: Vec<Value>,
    tenants: Vec<Value>,
    roles: Vec<Value>,
    platforms: Vec<Value>,
    device_types: Vec<Value>,
    manufacturers: Vec<Value>,
    vrfs: Vec<Value>,
    vlans: Vec<Value>,
    vlan_groups: Vec<Value>,
    tags: Vec<Value>,
}

impl World {
    pub fn new(config: Config, inventory: Inventory, index: Index) -> Arc<World> {
        let matcher = Matcher::new(&inventory);
        let inventory_len = inventory.devices.len();
        let merged = (0..inventory.devices.len()).map(|_| OnceLock::new()).collect();
        let mut peers = HashMap::with_capacity(2 * inventory.cables.len());
        let mut cabled = HashMap::with_capacity(2 * inventory.cables.len());
        for (i, c) in inventory.cables.iter().enumerate() {
            let cable = Id::new(i);
            for (b, e) in c.all_ends() {
                if let Some(t) = Term::of(e) {
                    cabled.entry(t).or_insert((cable, b));
                }
            }
            // An interface's peer: the first termination of the cable's other end.
            for (b, e) in c.all_ends() {
                let (Some(Term::Interface(x)), Some(y)) = (Term::of(e), Term::of(if b { &c.a } else { &c.b })) else {
                    continue;
                };
                let peer = match y {
                    Term::Interface(other) => Peer::Interface { cable, other },
                    Term::Port(other) => Peer::Port { cable, other },
                    Term::Circuit(circuit, side) => Peer::Circuit { cable: Some(cable), circuit, side },
                };
                peers.insert(x, peer);
            }
        }
        for (ci, c) in inventory.circuits.iter().enumerate() {
            for t in &c.terminations {
                if let TermTarget::Interface(r) = &t.target
                    && let Some(id) = r.id
                {
                    peers.entry(id).or_insert(Peer::Circuit { cable: None, circuit: Id::new(ci), side: t.side.value });
                }
            }
        }
        let mut bays = HashMap::new();
        for (d, dev) in inventory.devices.iter().enumerate() {
            for (i, bay) in dev.components_of(ComponentKind::DeviceBay) {
                if let Some(&child) = bay.fields.installed_device.as_ref().and_then(|n| index.devices.get(n.as_str())) {
                    bays.entry(child).or_insert(PortId { device: Id::new(d), index: i });
                }
            }
        }
        let mut cf_by_type: HashMap<String, Vec<Id<CustomField>>> = HashMap::new();
        for (i, f) in inventory.custom_fields.iter().enumerate() {
            for t in &f.object_types {
                cf_by_type.entry(t.value.to_string()).or_default().push(Id::new(i));
            }
        }
        Arc::new(World {
            config,
            inventory,
            index,
            matcher,
            merged,
            by_contexts: Mutex::new(HashMap::new()),
            peers,
            cabled,
            bays,
            shared: OnceLock::new(),
            cf_by_type,
            interface_order: (0..inventory_len).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The merged config context of a device, as a template value (computed once).
    pub fn config_context(&self, d: Id<Device>) -> Value {
        self.merged[d.index()]
            .get_or_init(|| {
                let dev = &self.inventory.devices[d.index()];
                let ctx = Contexts::new(&self.inventory, &self.matcher);
                let applied = ctx.applicable(dev);
                let merge = |applied: &[Id<ConfigContext>]| {
                    let json = ctx.merged_with_overrides(dev, applied).0.to_json();
                    Value::from(minijinja::value::Serde(&json))
                };
                if dev.local_context_data.is_some() {
                    return merge(&applied);
                }
                let cache = || self.by_contexts.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(v) = cache().get(&applied) {
                    return v.clone();
                }
                // Merged outside the lock; another thread may merge the same list meanwhile
                // (the values are equal, the first one stored is kept).
                let v = merge(&applied);
                cache().entry(applied).or_insert(v).clone()
            })
            .clone()
    }

    /// A device's interfaces in NetBox's order (`device.interfaces.all()`): by the natural
    /// order of their names ([`related::interface_sort_key`]).
    pub fn interface_order(&self, d: Id<Device>) -> &[u32] {
        thread_local! {
            /// The names and order of the last device ordered on this thread: the order is a
            /// function of the names, and devices of one type (the same names) mostly come
            /// one after another.
            static LAST: std::cell::RefCell<NamedOrder> = Default::default();
        }
        self.interface_order[d.index()].get_or_init(|| {
            let ifaces = &self.inventory.devices[d.index()].interfaces;
            LAST.with_borrow_mut(|(names, order)| {
                let same =
                    names.len() == ifaces.len() && names.iter().zip(ifaces).all(|(n, x)| **n == *x.name.as_str());
                if !same {
                    *order = interface_order_of(ifaces);
                    *names = ifaces.iter().map(|x| Box::from(x.name.as_str())).collect();
                }
                order.clone()
            })
        })
    }

    pub fn peer(&self, i: InterfaceId) -> Option<Peer> {
        self.peers.get(&i).copied()
    }

    /// The device bay a child device is installed in.
    pub fn parent_bay(&self, d: Id<Device>) -> Option<PortId> {
        self.bays.get(&d).copied()
    }

    /// The cable on a termination, and the terminations of the cable's other end
    /// (NetBox's `cable` and `link_peers`).
    pub fn link_peers(&self, t: Term) -> Option<(Id<Cable>, Vec<Term>)> {
        let &(cable, b) = self.cabled.get(&t)?;
        let c = &self.inventory.cables[cable.index()];
        Some((cable, c.ends(!b).filter_map(Term::of).collect()))
    }

    /// Where a termination's connection ends (NetBox's `connected_endpoints`): the cable's
    /// other end, followed through patch panels (a front port to its rear port, the rear
    /// port's cable to the far rear port, and on to the front port on the same position).
    /// Empty when the path stops at a port with nothing beyond, or loops.
    pub fn connected(&self, t: Term) -> Vec<Term> {
        let inv = &self.inventory;
        let port = |p: PortId| &inv.devices[p.device.index()].components[p.index as usize];
        let Some((_, mut far)) = self.link_peers(t) else { return Vec::new() };
        // Positions taken on the rear ports passed, innermost last.
        let mut positions: Vec<i64> = Vec::new();
        for _ in 0..64 {
            let Some(&Term::Port(p)) = far.first() else { return far };
            let x = port(p);
            let next = match x.kind {
                ComponentKind::FrontPort => {
                    let Some(rear) = x.link else { return Vec::new() };
                    positions.push(x.fields.rear_port_position.as_ref().map_or(1, |p| p.value));
                    PortId { device: p.device, index: rear }
                }
                ComponentKind::RearPort => {
                    let pos = match positions.pop() {
                        Some(pos) => pos,
                        None if x.fields.positions() == 1 => 1,
                        None => return Vec::new(),
                    };
                    let d = &inv.devices[p.device.index()];
                    let front = d.components.iter().position(|f| {
                        f.kind == ComponentKind::FrontPort
                            && f.link == Some(p.index)
                            && f.fields.rear_port_position.as_ref().map_or(1, |q| q.value) == pos
                    });
                    let Some(front) = front else { return Vec::new() };
                    PortId { device: p.device, index: front as u32 }
                }
                _ => return far,
            };
            match self.link_peers(Term::Port(next)) {
                Some((_, f)) => far = f,
                None => return Vec::new(),
            }
        }
        Vec::new()
    }

    fn shared(self: &Arc<Self>) -> &Shared {
        self.shared.get_or_init(|| objects::build_shared(self))
    }

    /// Custom fields of an object: every field defined for `object_type`, with
    /// its value, else its default, else none (as NetBox returns them).
    pub fn custom_fields(&self, object_type: &str, values: &[CustomValue]) -> Value {
        let mut map = indexmap::IndexMap::<Value, Value>::new();
        for &f in self.cf_by_type.get(object_type).map_or(&[][..], Vec::as_slice) {
            let def = &self.inventory.custom_fields[f.index()];
            let v = values
                .iter()
                .find(|v| v.name.value == def.name.value)
                .map(|v| &v.value)
                .or(def.default.as_ref())
                .map_or(Value::from(()), |n| Value::from(minijinja::value::Serde(n.to_json())));
            map.insert(Value::from(def.name.as_str()), v);
        }
        Value::from_object(map)
    }

    /// A view of an object of `collection` (a collection name or `interfaces`), for rules and queries.
    pub fn objects(self: &Arc<Self>, collection: &str) -> Vec<Value> {
        objects::collection(self, collection)
    }

    /// The `inventory` variable of templates: every collection, built on first use.
    pub fn inventory_value(self: &Arc<Self>) -> Value {
        Value::from_object(objects::InventoryView { world: Arc::clone(self), cache: Default::default() })
    }
}

/// A device's interface names and their order ([`World::interface_order`]).
type NamedOrder = (Vec<Box<str>>, Box<[u32]>);

/// The indexes of `ifaces` in NetBox's order of their names.
fn interface_order_of(ifaces: &[Interface]) -> Box<[u32]> {
    // The keys in one buffer (a string each was a seventh of `sot check`), sorted stably:
    // equal keys keep the interfaces' order.
    let mut keys = String::with_capacity(48 * ifaces.len());
    let mut ends = Vec::with_capacity(ifaces.len() + 1);
    ends.push(0);
    for x in ifaces {
        related::push_interface_sort_key(&x.name.value, &mut keys);
        ends.push(keys.len());
    }
    let key = |i: u32| &keys.as_bytes()[ends[i as usize]..ends[i as usize + 1]];
    let mut order: Vec<u32> = (0..ifaces.len() as u32).collect();
    order.sort_by(|&a, &b| key(a).cmp(key(b)));
    order.into_boxed_slice()
}

/// A map value from pairs, keeping their order.
pub(crate) fn map(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let m: indexmap::IndexMap<Value, Value> = pairs.into_iter().map(|(k, v)| (Value::from(k), v)).collect();
    Value::from_object(m)
}

pub(crate) fn text(t: &Option<Text>) -> Value {
    t.as_ref().map_or(Value::from(()), |t| Value::from(t.as_str()))
}

/// A text field as NetBox stores it: blank, not null, when unset.
pub(crate) fn blank(t: &Option<Text>) -> Value {
    Value::from(t.as_ref().map_or("", |t| t.as_str()))
}

pub(crate) fn key<T>(r: &Option<Ref<T>>) -> Value {
    r.as_ref().map_or(Value::from(()), |r| Value::from(r.key.as_str()))
}

#[cfg(test)]
mod tests;
