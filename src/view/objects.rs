//! Views of each kind of object.

use crate::hash::HashMap;
use std::sync::{Arc, Mutex};

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};

use super::address::Address;
use super::related::{Related, inet_cmp, model};
use super::tags::{TagList, TagValue};
use super::{Peer, Term, World, blank, key, text};
use crate::model::*;

fn none() -> Value {
    Value::from(())
}

/// An empty related manager, without allocating one: most interfaces have no addresses, and
/// templates ask each interface for them. One per thread, so that cloning it does not
/// contend on a shared reference count.
fn empty_list() -> Value {
    thread_local! {
        static EMPTY: Value = Related::value(Vec::new());
    }
    EMPTY.with(Value::clone)
}

fn opt_id<T>(r: &Option<Ref<T>>) -> Option<Id<T>> {
    r.as_ref().and_then(|r| r.id)
}

fn pick<T>(list: &[Value], id: Option<Id<T>>) -> Value {
    id.map_or_else(none, |i| list[i.index()].clone())
}

fn tags(w: &World, refs: &[Ref<Tag>]) -> Value {
    let all = &w.shared.get().expect("shared values are built before tags are read").tags;
    TagList::value(refs.iter().filter_map(|r| r.id).map(|t| all[t.index()].clone()).collect())
}

fn num<T: Copy + Into<Value>>(v: &Option<Spanned<T>>) -> Value {
    v.as_ref().map_or_else(none, |v| v.value.into())
}

/// Build the shared values of small collections, in dependency order.
pub(super) fn build_shared(w: &Arc<World>) -> super::Shared {
    let inv = &w.inventory;
    let tag_values: Vec<Value> = inv
        .tags
        .iter()
        .map(|t| {
            Value::from_object(TagValue {
                name: t.name.value.to_string(),
                slug: t.slug.value.to_string(),
                color: t.color.as_ref().map(|c| c.value.to_string()),
                description: t.description.as_ref().map(|c| c.value.to_string()),
            })
        })
        .collect();
    let tag_list = |refs: &[Ref<Tag>]| -> Value {
        TagList::value(refs.iter().filter_map(|r| r.id).map(|t| tag_values[t.index()].clone()).collect())
    };
    // Regions and groups: parents before children is not guaranteed, so resolve lazily by recursion with memo.
    fn tree<T>(items: &[T], parent: impl Fn(&T) -> Option<Id<T>>, make: impl Fn(&T, Value) -> Value) -> Vec<Value> {
        let mut memo: Vec<Option<Value>> = vec![None; items.len()];
        fn get<T>(
            i: usize,
            items: &[T],
            memo: &mut Vec<Option<Value>>,
            parent: &dyn Fn(&T) -> Option<Id<T>>,
            make: &dyn Fn(&T, Value) -> Value,
            depth: usize,
        ) -> Value {
            if let Some(v) = &memo[i] {
                return v.clone();
            }
            // Cycles were reported by resolve; stop following them.
            let p = match parent(&items[i]) {
                Some(p) if depth < 64 => get(p.index(), items, memo, parent, make, depth + 1),
                _ => Value::from(()),
            };
            let v = make(&items[i], p);
            memo[i] = Some(v.clone());
            v
        }
        (0..items.len()).map(|i| get(i, items, &mut memo, &parent, &make, 0)).collect()
    }
    let regions = tree(
        &inv.regions,
        |r| opt_id(&r.parent),
        |r, parent| {
            model(
                r.name.as_str(),
                [
                    ("name", Value::from(r.name.as_str())),
                    ("slug", Value::from(r.slug.as_str())),
                    ("parent", parent),
                    ("description", blank(&r.description)),
                ],
            )
        },
    );
    let site_groups = tree(
        &inv.site_groups,
        |r| opt_id(&r.parent),
        |r, parent| {
            model(
                r.name.as_str(),
                [
                    ("name", Value::from(r.name.as_str())),
                    ("slug", Value::from(r.slug.as_str())),
                    ("parent", parent),
                    ("description", blank(&r.description)),
                ],
            )
        },
    );
    let tenant_groups = tree(
        &inv.tenant_groups,
        |r| opt_id(&r.parent),
        |r, parent| {
            model(
                r.name.as_str(),
                [("name", Value::from(r.name.as_str())), ("slug", Value::from(r.slug.as_str())), ("parent", parent)],
            )
        },
    );
    let tenants: Vec<Value> = inv
        .tenants
        .iter()
        .map(|t| {
            model(
                t.name.as_str(),
                [
                    ("name", Value::from(t.name.as_str())),
                    ("slug", Value::from(t.slug.as_str())),
                    ("group", pick(&tenant_groups, opt_id(&t.group))),
                    ("description", blank(&t.description)),
                    ("tags", tag_list(&t.tags)),
                    ("custom_fields", w.custom_fields("tenancy.tenant", &t.custom_fields)),
                ],
            )
        })
        .collect();
    let sites: Vec<Value> = inv
        .sites
        .iter()
        .map(|s| {
            model(
                s.name.as_str(),
                [
                    ("name", Value::from(s.name.as_str())),
                    ("slug", Value::from(s.slug.as_str())),
                    ("status", Value::from(s.status.as_ref().map_or("active", |x| x.as_str()))),
                    ("region", pick(&regions, opt_id(&s.region))),
                    ("group", pick(&site_groups, opt_id(&s.group))),
                    ("tenant", pick(&tenants, opt_id(&s.tenant))),
                    ("facility", blank(&s.facility)),
                    ("time_zone", text(&s.time_zone)),
                    ("description", blank(&s.description)),
                    ("asns", s.asns.iter().map(|a| Value::from(a.value)).collect()),
                    ("tags", tag_list(&s.tags)),
                    ("custom_fields", w.custom_fields("dcim.site", &s.custom_fields)),
                ],
            )
        })
        .collect();
    let locations = tree(
        &inv.locations,
        |l| opt_id(&l.parent),
        |l, parent| {
            model(
                l.name.as_str(),
                [
                    ("name", Value::from(l.name.as_str())),
                    ("slug", Value::from(l.slug.as_str())),
                    ("site", Value::from(l.site.key.as_str())),
                    ("parent", parent),
                    ("status", text(&l.status)),
                    ("description", blank(&l.description)),
                ],
            )
        },
    );
    let racks: Vec<Value> = inv
        .racks
        .iter()
        .map(|r| {
            model(
                r.name.as_str(),
                [
                    ("name", Value::from(r.name.as_str())),
                    ("site", pick(&sites, r.site.id)),
                    ("location", pick(&locations, opt_id(&r.location))),
                    ("status", Value::from(r.status.as_ref().map_or("active", |x| x.as_str()))),
                    ("role", key(&r.role)),
                    ("tenant", pick(&tenants, opt_id(&r.tenant))),
                    ("u_height", Value::from(r.u_height.as_ref().map_or(Rack::DEFAULT_U_HEIGHT, |u| u.value))),
                    ("starting_unit", Value::from(r.starting_unit.as_ref().map_or(1, |u| u.value))),
                    ("desc_units", Value::from(r.desc_units)),
                    ("description", blank(&r.description)),
                    ("tags", tag_list(&r.tags)),
                    ("custom_fields", w.custom_fields("dcim.rack", &r.custom_fields)),
                ],
            )
        })
        .collect();
    let manufacturers: Vec<Value> = inv
        .manufacturers
        .iter()
        .map(|m| {
            model(m.name.as_str(), [("name", Value::from(m.name.as_str())), ("slug", Value::from(m.slug.as_str()))])
        })
        .collect();
    let roles: Vec<Value> = inv
        .device_roles
        .iter()
        .map(|r| {
            model(
                r.name.as_str(),
                [
                    ("name", Value::from(r.name.as_str())),
                    ("slug", Value::from(r.slug.as_str())),
                    ("color", blank(&r.color)),
                    ("description", blank(&r.description)),
                ],
            )
        })
        .collect();
    let platforms: Vec<Value> = inv
        .platforms
        .iter()
        .map(|p| {
            model(
                p.name.as_str(),
                [
                    ("name", Value::from(p.name.as_str())),
                    ("slug", Value::from(p.slug.as_str())),
                    ("manufacturer", pick(&manufacturers, opt_id(&p.manufacturer))),
                    ("description", blank(&p.description)),
                ],
            )
        })
        .collect();
    let device_types: Vec<Value> = inv
        .device_types
        .iter()
        .map(|t| {
            model(
                t.model.as_str(),
                [
                    ("model", Value::from(t.model.as_str())),
                    ("slug", Value::from(t.slug.as_str())),
                    ("manufacturer", pick(&manufacturers, t.manufacturer.id)),
                    ("part_number", blank(&t.part_number)),
                    ("u_height", num(&t.u_height)),
                    ("is_full_depth", num(&t.is_full_depth)),
                    ("airflow", text(&t.airflow)),
                ],
            )
        })
        .collect();
    let vrfs: Vec<Value> = inv
        .vrfs
        .iter()
        .map(|v| {
            model(
                match &v.rd {
                    Some(rd) => format!("{} ({})", v.name.value, rd.value),
                    None => v.name.value.to_string(),
                },
                [
                    ("name", Value::from(v.name.as_str())),
                    ("rd", text(&v.rd)),
                    ("tenant", pick(&tenants, opt_id(&v.tenant))),
                    ("enforce_unique", Value::from(v.enforce_unique)),
                    ("description", blank(&v.description)),
                    ("tags", tag_list(&v.tags)),
                ],
            )
        })
        .collect();
    let vlan_groups: Vec<Value> = inv
        .vlan_groups
        .iter()
        .map(|g| {
            model(
                g.name.as_str(),
                [
                    ("name", Value::from(g.name.as_str())),
                    ("slug", Value::from(g.slug.as_str())),
                    ("site", pick(&sites, opt_id(&g.site))),
                    ("min_vid", Value::from(g.min_vid.as_ref().map_or(1, |v| v.value))),
                    ("max_vid", Value::from(g.max_vid.as_ref().map_or(4094, |v| v.value))),
                ],
            )
        })
        .collect();
    let vlans: Vec<Value> = inv
        .vlans
        .iter()
        .map(|v| {
            model(
                format!("{} ({})", v.name.value, v.vid.value),
                [
                    ("vid", Value::from(v.vid.value)),
                    ("name", Value::from(v.name.as_str())),
                    ("site", pick(&sites, opt_id(&v.site))),
                    ("group", pick(&vlan_groups, opt_id(&v.group))),
                    ("status", Value::from(v.status.as_ref().map_or("active", |x| x.as_str()))),
                    ("tenant", pick(&tenants, opt_id(&v.tenant))),
                    ("role", key(&v.role)),
                    ("description", blank(&v.description)),
                    ("tags", tag_list(&v.tags)),
                    ("custom_fields", w.custom_fields("ipam.vlan", &v.custom_fields)),
                ],
            )
        })
        .collect();
    super::Shared {
        sites,
        regions,
        site_groups,
        locations,
        racks,
        tenants,
        roles,
        platforms,
        device_types,
        manufacturers,
        vrfs,
        vlans,
        vlan_groups,
        tags: tag_values,
    }
}

/// A device, read lazily from the world.
#[derive(Debug)]
pub struct DeviceView {
    pub world: Arc<World>,
    pub id: Id<Device>,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "World({} devices)", self.inventory.devices.len())
    }
}

const DEVICE_FIELDS: &[&str] = &[
    "name",
    "device_type",
    "role",
    "platform",
    "site",
    "location",
    "rack",
    "position",
    "face",
    "status",
    "tenant",
    "serial",
    "asset_tag",
    "airflow",
    "primary_ip",
    "primary_ip4",
    "primary_ip6",
    "description",
    "comments",
    "tags",
    "custom_fields",
    "config_context",
    "local_context_data",
    "interfaces",
    "console_ports",
    "console_server_ports",
    "power_ports",
    "power_outlets",
    "front_ports",
    "rear_ports",
    "module_bays",
    "device_bays",
    "inventory_items",
    "parent_device",
];

impl Object for DeviceView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    /// Templates read attributes by name: answered without making the name a value.
    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let w = &self.world;
        let s = w.shared();
        let d = &w.inventory.devices[self.id.index()];
        Some(match key {
            "name" => Value::from(d.name.as_str()),
            "device_type" => pick(&s.device_types, d.device_type.id),
            "role" => pick(&s.roles, d.role.id),
            "platform" => pick(&s.platforms, opt_id(&d.platform)),
            "site" => pick(&s.sites, d.site.id),
            "location" => pick(&s.locations, opt_id(&d.location)),
            "rack" => pick(&s.racks, opt_id(&d.rack)),
            // A decimal, as NetBox's: `{{ device.position }}` prints `38.0`.
            "position" => num(&d.position),
            "face" => blank(&d.face),
            "status" => Value::from(d.status.as_ref().map_or("active", |x| x.as_str())),
            "tenant" => pick(&s.tenants, opt_id(&d.tenant)),
            "serial" => blank(&d.serial),
            "asset_tag" => text(&d.asset_tag),
            // Inherited from the device type when the device does not say (as NetBox does).
            "airflow" => d
                .airflow
                .as_ref()
                .or_else(|| d.device_type.id.and_then(|t| w.inventory.device_types[t.index()].airflow.as_ref()))
                .map_or_else(none, |a| Value::from(a.as_str())),
            "primary_ip4" => d.primary_ip4_id.map_or_else(none, |i| ip_value(w, i)),
            "primary_ip6" => d.primary_ip6_id.map_or_else(none, |i| ip_value(w, i)),
            "primary_ip" => d.primary_ip6_id.or(d.primary_ip4_id).map_or_else(none, |i| ip_value(w, i)),
            "description" => blank(&d.description),
            "comments" => blank(&d.comments),
            "tags" => tags(w, &d.tags),
            "custom_fields" | "cf" | "custom_field_data" => w.custom_fields("dcim.device", &d.custom_fields),
            "config_context" => w.config_context(self.id),
            "local_context_data" => d
                .local_context_data
                .as_ref()
                .map_or_else(none, |n| Value::from(minijinja::value::Serde(crate::context::merge::node_jsonb(n)))),
            "console_ports"
            | "console_server_ports"
            | "power_ports"
            | "power_outlets"
            | "front_ports"
            | "rear_ports"
            | "module_bays"
            | "device_bays"
            | "inventory_items" => {
                let kind = ComponentKind::PORTS.into_iter().find(|k| k.device_key() == key)?;
                ports(w, self.id, kind)
            }
            // The device whose bay holds this one (NetBox's `parent_device`).
            "parent_device" => w.parent_bay(self.id).map_or_else(none, |bay| device_ref(w, bay.device)),
            "interfaces" => Related::value(
                w.interface_order(self.id)
                    .iter()
                    .map(|&i| {
                        Value::from_object(InterfaceView {
                            world: Arc::clone(w),
                            id: InterfaceId { device: self.id, index: i },
                        })
                    })
                    .collect(),
            ),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(DEVICE_FIELDS)
    }

    /// NetBox's `device.get_config_context()`.
    fn call_method(
        self: &Arc<Self>,
        _state: &mut minijinja::State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, minijinja::Error> {
        match method {
            "get_config_context" => {
                let () = minijinja::value::from_args(args)?;
                Ok(self.world.config_context(self.id))
            }
            _ => Err(minijinja::Error::new(
                minijinja::ErrorKind::UnknownMethod,
                format!("a device has no method `{method}`"),
            )),
        }
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.world.inventory.devices[self.id.index()].name.value)
    }
}

/// An interface of a device, read lazily.
#[derive(Debug)]
pub struct InterfaceView {
    pub world: Arc<World>,
    pub id: InterfaceId,
}

const INTERFACE_FIELDS: &[&str] = &[
    "name",
    "device",
    "type",
    "enabled",
    "mgmt_only",
    "label",
    "description",
    "mtu",
    "mac_address",
    "speed",
    "mode",
    "untagged_vlan",
    "tagged_vlans",
    "lag",
    "parent",
    "vrf",
    "tags",
    "custom_fields",
    "ip_addresses",
    "cable",
    "link_peer",
    "link_peers",
    "connected_endpoints",
];

impl Object for InterfaceView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    /// Templates read attributes by name: answered without making the name a value.
    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let w = &self.world;
        let s = w.shared();
        let d = &w.inventory.devices[self.id.device.index()];
        let i = &d.interfaces[self.id.index as usize];
        let sibling = |idx: Option<u32>| {
            idx.map_or_else(none, |index| interface_ref(w, InterfaceId { device: self.id.device, index }))
        };
        Some(match key {
            "name" => Value::from(i.name.as_str()),
            "device" => device_ref(w, self.id.device),
            "type" => text(&i.interface_type),
            "enabled" => Value::from(i.enabled.unwrap_or(true)),
            "mgmt_only" => Value::from(i.mgmt_only.unwrap_or(false)),
            "label" => blank(&i.label),
            "description" => blank(&i.description),
            "mtu" => num(&i.mtu),
            "mac_address" => text(&i.mac_address),
            "speed" => num(&i.speed),
            "mode" => text(&i.mode),
            "untagged_vlan" => pick(&s.vlans, i.untagged_vlan.as_ref().and_then(|v| v.id)),
            "tagged_vlans" => {
                Related::value(i.tagged_vlans.iter().filter_map(|v| v.id).map(|v| s.vlans[v.index()].clone()).collect())
            }
            "lag" => sibling(i.lag_id),
            "parent" => sibling(i.parent_id),
            "vrf" => pick(&s.vrfs, opt_id(&i.vrf)),
            "tags" => tags(w, &i.tags),
            "custom_fields" | "cf" | "custom_field_data" => w.custom_fields("dcim.interface", &i.custom_fields),
            "ip_addresses" if i.ip_addresses.is_empty() => empty_list(),
            "ip_addresses" => {
                // NetBox orders addresses as PostgreSQL orders `inet`.
                let mut ips: Vec<Id<IpAddress>> = i.ip_addresses.clone();
                let inv = &w.inventory;
                ips.sort_by(|a, b| {
                    inet_cmp(&inv.ip_addresses[a.index()].address.value, &inv.ip_addresses[b.index()].address.value)
                });
                Related::value(ips.into_iter().map(|ip| ip_value(w, ip)).collect())
            }
            "cable" => match w.peer(self.id) {
                Some(Peer::Interface { cable, .. })
                | Some(Peer::Circuit { cable: Some(cable), .. })
                | Some(Peer::Port { cable, .. }) => cable_value(w, cable),
                _ => none(),
            },
            "link_peer" | "peer" => match w.peer(self.id) {
                Some(Peer::Interface { other, .. }) => interface_ref(w, other),
                Some(Peer::Circuit { circuit, side, .. }) => termination_value(w, circuit, side),
                Some(Peer::Port { other, .. }) => port_ref(w, other),
                None => none(),
            },
            "link_peers" => terms(w, w.link_peers(Term::Interface(self.id)).map(|(_, t)| t).unwrap_or_default()),
            "connected_endpoints" => terms(w, w.connected(Term::Interface(self.id))),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(INTERFACE_FIELDS)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = &self.world.inventory.devices[self.id.device.index()];
        f.write_str(&d.interfaces[self.id.index as usize].name.value)
    }
}

/// A device reached from another object (an interface's `device`). It reads as the device
/// does (`interface.device.site.slug`) and renders as its name, but serialises as its name
/// alone (`tojson`, `query --format json`): the whole device would hold its interfaces,
/// each holding the device again, without end.
#[derive(Debug)]
pub struct DeviceRef(Arc<DeviceView>);

fn device_ref(w: &Arc<World>, id: Id<Device>) -> Value {
    Value::from_object(DeviceRef(Arc::new(DeviceView { world: Arc::clone(w), id })))
}

impl Object for DeviceRef {
    /// Plain: serialised as its rendering, the device's name.
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get_value(key)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.0.get_value_by_str(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.0.enumerate()
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.render(f)
    }
}

/// An interface reached from another one (`lag`, `parent`, `link_peer`). It reads as the
/// interface does and renders as its name, but lists and serialises only its natural key,
/// `{device, name}` (as NetBox nests a brief object): the whole interface would hold its
/// peer, whose peer is this interface again.
#[derive(Debug)]
pub struct InterfaceRef(Arc<InterfaceView>);

const INTERFACE_KEY: &[&str] = &["device", "name"];

fn interface_ref(w: &Arc<World>, id: InterfaceId) -> Value {
    Value::from_object(InterfaceRef(Arc::new(InterfaceView { world: Arc::clone(w), id })))
}

impl Object for InterfaceRef {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get_value(key)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.0.get_value_by_str(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(INTERFACE_KEY)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.render(f)
    }
}

fn cable_value(w: &World, c: Id<Cable>) -> Value {
    let c = &w.inventory.cables[c.index()];
    model(
        c.label.as_ref().map_or("", |l| l.as_str()),
        [
            ("a", Value::from(c.a.display())),
            ("b", Value::from(c.b.display())),
            ("type", blank(&c.cable_type)),
            ("status", Value::from(c.status.as_ref().map_or("connected", |x| x.as_str()))),
            ("label", blank(&c.label)),
            ("color", blank(&c.color)),
            ("length", num(&c.length)),
            ("length_unit", text(&c.length_unit)),
            ("description", blank(&c.description)),
        ],
    )
}

fn termination_value(w: &World, c: Id<Circuit>, side: TermSide) -> Value {
    let circuit = &w.inventory.circuits[c.index()];
    model(
        format!("{}: Termination {}", circuit.cid.value, side.as_str()),
        [
            ("circuit", Value::from(circuit.cid.as_str())),
            ("cid", Value::from(circuit.cid.as_str())),
            ("provider", Value::from(circuit.provider.key.as_str())),
            ("term_side", Value::from(side.as_str())),
            ("description", blank(&circuit.description)),
        ],
    )
}

/// An IP address as templates see it. Lazy, as interfaces are: a device's template reads two
/// or three fields of each of its addresses, and an address's whole map costs a dozen values.
pub(super) fn ip_value(w: &Arc<World>, id: Id<IpAddress>) -> Value {
    Value::from_object(IpView { world: Arc::clone(w), id })
}

#[derive(Debug)]
struct IpView {
    world: Arc<World>,
    id: Id<IpAddress>,
}

const IP_FIELDS: &[&str] = &[
    "address",
    "vrf",
    "status",
    "role",
    "dns_name",
    "description",
    "tenant",
    "tags",
    "custom_fields",
    "device",
    "interface",
    "family",
];

impl Object for IpView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    /// Templates read attributes by name: answered without making the name a value.
    fn get_value_by_str(self: &Arc<Self>, field: &str) -> Option<Value> {
        let w = &self.world;
        let ip = &w.inventory.ip_addresses[self.id.index()];
        w.shared(); // tags and VRFs are read from the shared values
        let assigned = || ip.assigned.map(|a| (&w.inventory.devices[a.device.index()], a.index as usize));
        Some(match field {
            "address" => Value::from_object(Address(ip.address.value)),
            "vrf" => pick(&w.shared().vrfs, opt_id(&ip.vrf)),
            "status" => Value::from(ip.status.as_ref().map_or("active", |x| x.as_str())),
            "role" => blank(&ip.role),
            "dns_name" => blank(&ip.dns_name),
            "description" => blank(&ip.description),
            "tenant" => key(&ip.tenant),
            "tags" => tags(w, &ip.tags),
            "custom_fields" | "cf" | "custom_field_data" => w.custom_fields("ipam.ipaddress", &ip.custom_fields),
            "device" => assigned().map_or_else(none, |(d, _)| Value::from(d.name.as_str())),
            "interface" => assigned().map_or_else(none, |(d, i)| Value::from(d.interfaces[i].name.as_str())),
            "family" => Value::from(if ip.address.value.addr().is_ipv4() { 4 } else { 6 }),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(IP_FIELDS)
    }

    /// As NetBox prints an address: `10.1.255.1/32`.
    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.world.inventory.ip_addresses[self.id.index()].address.value)
    }
}

fn prefix_value(w: &Arc<World>, p: &Prefix) -> Value {
    let s = w.shared();
    model(
        p.prefix.value.to_string(),
        [
            ("prefix", Value::from_object(Address(p.prefix.value))),
            ("vrf", pick(&s.vrfs, opt_id(&p.vrf))),
            ("site", pick(&s.sites, opt_id(&p.site))),
            ("vlan", pick(&s.vlans, p.vlan.as_ref().and_then(|v| v.id))),
            ("status", Value::from(p.status.as_ref().map_or("active", |x| x.as_str()))),
            ("role", key(&p.role)),
            ("is_pool", Value::from(p.is_pool)),
            ("tenant", pick(&s.tenants, opt_id(&p.tenant))),
            ("description", blank(&p.description)),
            ("tags", tags(w, &p.tags)),
            ("custom_fields", w.custom_fields("ipam.prefix", &p.custom_fields)),
            ("family", Value::from(if p.prefix.value.addr().is_ipv4() { 4 } else { 6 })),
        ],
    )
}

fn circuit_value(w: &Arc<World>, c: &Circuit) -> Value {
    let s = w.shared();
    model(
        c.cid.as_str(),
        [
            ("cid", Value::from(c.cid.as_str())),
            ("provider", Value::from(c.provider.key.as_str())),
            ("type", Value::from(c.circuit_type.key.as_str())),
            ("status", Value::from(c.status.as_ref().map_or("active", |x| x.as_str()))),
            ("tenant", pick(&s.tenants, opt_id(&c.tenant))),
            ("commit_rate", num(&c.commit_rate)),
            ("description", blank(&c.description)),
            ("tags", tags(w, &c.tags)),
            ("custom_fields", w.custom_fields("circuits.circuit", &c.custom_fields)),
        ],
    )
}

/// Views of every object of a collection (`interfaces` lists every device's interfaces).
pub(super) fn collection(w: &Arc<World>, name: &str) -> Vec<Value> {
    let s = w.shared();
    let inv = &w.inventory;
    match name {
        "devices" => (0..inv.devices.len())
            .map(|i| Value::from_object(DeviceView { world: Arc::clone(w), id: Id::new(i) }))
            .collect(),
        "interfaces" => inv
            .devices
            .iter()
            .enumerate()
            .flat_map(|(d, dev)| {
                (0..dev.interfaces.len()).map(move |i| InterfaceId { device: Id::new(d), index: i as u32 })
            })
            .map(|id| Value::from_object(InterfaceView { world: Arc::clone(w), id }))
            .collect(),
        name if let Some(kind) = ComponentKind::PORTS.into_iter().find(|k| k.device_key() == name) => inv
            .devices
            .iter()
            .enumerate()
            .flat_map(|(d, dev)| dev.components_of(kind).map(move |(i, _)| PortId { device: Id::new(d), index: i }))
            .map(|id| Value::from_object(PortView { world: Arc::clone(w), id }))
            .collect(),
        "prefixes" => inv.prefixes.iter().map(|p| prefix_value(w, p)).collect(),
        "ip_addresses" => (0..inv.ip_addresses.len()).map(|i| ip_value(w, Id::new(i))).collect(),
        "circuits" => inv.circuits.iter().map(|c| circuit_value(w, c)).collect(),
        "cables" => (0..inv.cables.len()).map(|c| cable_value(w, Id::new(c))).collect(),
        "sites" => s.sites.clone(),
        "regions" => s.regions.clone(),
        "site_groups" => s.site_groups.clone(),
        "locations" => s.locations.clone(),
        "racks" => s.racks.clone(),
        "tenants" => s.tenants.clone(),
        "device_roles" => s.roles.clone(),
        "platforms" => s.platforms.clone(),
        "device_types" => s.device_types.clone(),
        "manufacturers" => s.manufacturers.clone(),
        "vrfs" => s.vrfs.clone(),
        "vlans" => s.vlans.clone(),
        "vlan_groups" => s.vlan_groups.clone(),
        "tags" => s.tags.clone(),
        _ => {
            // Every other kind of the registry: its objects as they serialise (references
            // as the keys written).
            struct Plain<'a> {
                inv: &'a Inventory,
                name: &'a str,
                out: Vec<Value>,
            }
            impl KindVisitor for Plain<'_> {
                fn visit<K: Kind>(&mut self) {
                    if K::INFO.collection == self.name {
                        self.out = K::all(self.inv).iter().map(|x| Value::from(minijinja::value::Serde(x))).collect();
                    }
                }
            }
            let mut plain = Plain { inv, name, out: Vec::new() };
            each_kind(&mut plain);
            plain.out
        }
    }
}

/// Names usable with [`collection`]: those with views of their own, then every other
/// collection of the registry.
pub static QUERYABLE: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut v = VIEWED.to_vec();
    v.extend(KINDS.iter().map(|k| k.collection).filter(|c| !VIEWED.contains(c)));
    v
});

const VIEWED: &[&str] = &[
    "devices",
    "interfaces",
    "console_ports",
    "console_server_ports",
    "power_ports",
    "power_outlets",
    "front_ports",
    "rear_ports",
    "module_bays",
    "device_bays",
    "inventory_items",
    "prefixes",
    "ip_addresses",
    "circuits",
    "cables",
    "sites",
    "regions",
    "site_groups",
    "locations",
    "racks",
    "tenants",
    "device_roles",
    "platforms",
    "device_types",
    "manufacturers",
    "vrfs",
    "vlans",
    "vlan_groups",
    "tags",
];

/// The `inventory` template variable: every collection, each built on first use.
#[derive(Debug)]
pub struct InventoryView {
    pub world: Arc<World>,
    pub cache: Mutex<HashMap<String, Value>>,
}

impl Object for InventoryView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    /// Templates read attributes by name: answered without making the name a value.
    fn get_value_by_str(self: &Arc<Self>, name: &str) -> Option<Value> {
        if !QUERYABLE.contains(&name) {
            return None;
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        Some(cache.entry(name.to_string()).or_insert_with(|| Value::from(collection(&self.world, name))).clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&QUERYABLE)
    }
}

/// A device's components of `kind`, in NetBox's order (natural order of names).
fn ports(w: &Arc<World>, d: Id<Device>, kind: ComponentKind) -> Value {
    let dev = &w.inventory.devices[d.index()];
    let mut ids: Vec<(u32, &Port)> = dev.components_of(kind).collect();
    ids.sort_by(|a, b| crate::natural::cmp(&a.1.name.value, &b.1.name.value));
    Related::value(
        ids.into_iter()
            .map(|(i, _)| Value::from_object(PortView { world: Arc::clone(w), id: PortId { device: d, index: i } }))
            .collect(),
    )
}

/// Terminations as views (interfaces and ports as references, circuit terminations).
fn terms(w: &Arc<World>, ts: Vec<Term>) -> Value {
    Value::from(
        ts.into_iter()
            .map(|t| match t {
                Term::Interface(i) => interface_ref(w, i),
                Term::Port(p) => port_ref(w, p),
                Term::Circuit(c, side) => termination_value(w, c, side),
            })
            .collect::<Vec<_>>(),
    )
}

/// A component of a device other than an interface (console, power, front and rear
/// ports, bays, inventory items), read lazily. Fields are NetBox's for the kind.
#[derive(Debug)]
pub struct PortView {
    pub world: Arc<World>,
    pub id: PortId,
}

const PORT_FIELDS: &[&str] = &["name", "device", "type", "label", "description", "tags"];

impl PortView {
    fn port(&self) -> &Port {
        &self.world.inventory.devices[self.id.device.index()].components[self.id.index as usize]
    }

    /// The fields of this kind of component (beyond [`PORT_FIELDS`]).
    fn kind_fields(&self) -> &'static [&'static str] {
        match self.port().kind {
            ComponentKind::RearPort => {
                &["positions", "color", "mark_connected", "cable", "link_peers", "connected_endpoints"]
            }
            ComponentKind::FrontPort => &[
                "rear_port",
                "rear_port_position",
                "color",
                "mark_connected",
                "cable",
                "link_peers",
                "connected_endpoints",
            ],
            ComponentKind::PowerPort => {
                &["maximum_draw", "allocated_draw", "mark_connected", "cable", "link_peers", "connected_endpoints"]
            }
            ComponentKind::PowerOutlet => {
                &["power_port", "feed_leg", "mark_connected", "cable", "link_peers", "connected_endpoints"]
            }
            ComponentKind::ConsolePort | ComponentKind::ConsoleServerPort | ComponentKind::Interface => {
                &["mark_connected", "cable", "link_peers", "connected_endpoints"]
            }
            ComponentKind::ModuleBay => &["position"],
            ComponentKind::DeviceBay => &["installed_device"],
            ComponentKind::InventoryItem => &["manufacturer", "part_id", "serial", "asset_tag"],
        }
    }
}

impl Object for PortView {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let w = &self.world;
        let p = self.port();
        let f = &p.fields;
        let sibling =
            |idx: Option<u32>| idx.map_or_else(none, |index| port_ref(w, PortId { device: self.id.device, index }));
        if !PORT_FIELDS.contains(&key) && !self.kind_fields().contains(&key) {
            return None;
        }
        Some(match key {
            "name" => Value::from(p.name.as_str()),
            "device" => device_ref(w, self.id.device),
            "type" => text(&p.component_type),
            "label" => blank(&p.label),
            "description" => blank(&p.description),
            "tags" => tags(w, &p.tags),
            "positions" => Value::from(f.positions()),
            "rear_port" => sibling(p.link),
            "rear_port_position" => Value::from(f.rear_port_position.as_ref().map_or(1, |x| x.value)),
            "power_port" => sibling(p.link),
            "feed_leg" => text(&f.feed_leg),
            "maximum_draw" => num(&f.maximum_draw),
            "allocated_draw" => num(&f.allocated_draw),
            "color" => blank(&f.color),
            "position" => text(&f.position),
            "manufacturer" => text(&f.manufacturer),
            "part_id" => blank(&f.part_id),
            "serial" => blank(&f.serial),
            "asset_tag" => text(&f.asset_tag),
            "mark_connected" => Value::from(f.mark_connected.unwrap_or(false)),
            "installed_device" => match f.installed_device.as_ref().and_then(|n| w.index.devices.get(n.as_str())) {
                Some(&d) => device_ref(w, d),
                None => none(),
            },
            "cable" => w.link_peers(Term::Port(self.id)).map_or_else(none, |(c, _)| cable_value(w, c)),
            "link_peers" => terms(w, w.link_peers(Term::Port(self.id)).map(|(_, t)| t).unwrap_or_default()),
            "connected_endpoints" => terms(w, w.connected(Term::Port(self.id))),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(PORT_FIELDS.iter().chain(self.kind_fields()).map(|k| Value::from(*k)).collect())
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.port().name.value)
    }
}

/// A component reached from another object (a front port's `rear_port`, a cable's
/// peer): reads as the component, lists and serialises as `{device, name}`.
#[derive(Debug)]
pub struct PortRef(Arc<PortView>);

fn port_ref(w: &Arc<World>, id: PortId) -> Value {
    Value::from_object(PortRef(Arc::new(PortView { world: Arc::clone(w), id })))
}

impl Object for PortRef {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get_value(key)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.0.get_value_by_str(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(INTERFACE_KEY)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.render(f)
    }
}
