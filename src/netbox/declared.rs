//! What the registry cannot derive for the kinds only it declares ([`Model::Declared`]):
//! payload fields that are generic references (a service's parent, a contact
//! assignment's object, an FHRP assignment's interface), references linked within a
//! scope (a power panel's location, a feed's rack, a VM interface's VLANs), fields sent
//! in the second pass (a VM interface's parent and bridge, a virtual chassis' master,
//! which must already be a member), and the natural keys of such objects as NetBox
//! returns them.

use std::any::Any;

use serde_json::Value;

use super::bundle::Val;
use super::model::{KeyOf, Model};
use crate::model::*;

/// The model of a NetBox object type sot knows.
fn model(name: &str) -> Model {
    Model::from_name(name).expect("the registry declares the model")
}

fn site_key(inv: &Inventory, r: &Ref<Site>) -> String {
    r.id.map_or_else(|| r.key.value.to_string(), |id| inv.sites[id.index()].slug.value.to_string())
}

fn location_key(inv: &Inventory, r: &Ref<Location>) -> String {
    r.id.map_or_else(
        || r.key.value.to_string(),
        |id| {
            let l = &inv.locations[id.index()];
            format!("{}/{}", site_key(inv, &l.site), l.slug.value)
        },
    )
}

fn rack_key(inv: &Inventory, r: &Ref<Rack>) -> String {
    r.id.map_or_else(
        || r.key.value.to_string(),
        |id| {
            let x = &inv.racks[id.index()];
            format!("{}/{}", site_key(inv, &x.site), x.name.value)
        },
    )
}

/// A VLAN's key as the bundle names it (`site lon1/10`, `group users/100`, `global/5`).
fn vlan_key(inv: &Inventory, r: &VlanRef) -> Option<String> {
    let v = &inv.vlans[r.id?.index()];
    Some(match (&v.group, &v.site) {
        (Some(g), _) => {
            let g =
                g.id.map_or_else(|| g.key.value.to_string(), |id| inv.vlan_groups[id.index()].slug.value.to_string());
            format!("group {g}/{}", v.vid.value)
        }
        (None, Some(s)) => format!("site {}/{}", site_key(inv, s), v.vid.value),
        (None, None) => format!("global/{}", v.vid.value),
    })
}

fn set(f: &mut Vec<(&'static str, Val)>, name: &'static str, v: Val) {
    match f.iter_mut().find(|(k, _)| *k == name) {
        Some(slot) => slot.1 = v,
        None => f.push((name, v)),
    }
}

fn take(f: &mut Vec<(&'static str, Val)>, name: &str) -> Option<Val> {
    let i = f.iter().position(|(k, _)| *k == name)?;
    Some(f.remove(i).1)
}

/// Adjust the fields built from the declaration of `x`'s kind; `late` is sent in the
/// second pass.
pub(super) fn adjust(
    x: &dyn Any,
    inv: &Inventory,
    f: &mut Vec<(&'static str, Val)>,
    late: &mut Vec<(&'static str, Val)>,
) {
    if let Some(x) = x.downcast_ref::<FhrpGroupAssignment>() {
        set(f, "interface", Val::Generic(Some((Model::Interface, x.interface.display()))));
    } else if let Some(x) = x.downcast_ref::<ContactAssignment>() {
        take(f, "object_type");
        let target = Model::from_name(&x.object_type.value).map(|m| (m, x.object.value.to_string()));
        set(f, "object", Val::Generic(target));
    } else if let Some(x) = x.downcast_ref::<Service>() {
        take(f, "device");
        take(f, "virtual_machine");
        let parent = match (&x.device, &x.virtual_machine) {
            (Some(d), _) => Some((Model::Device, d.key.value.to_string())),
            (None, Some(v)) => Some((model(VirtualMachine::INFO.netbox), v.key.value.to_string())),
            (None, None) => None,
        };
        set(f, "parent_object", Val::Generic(parent));
    } else if let Some(x) = x.downcast_ref::<Cluster>() {
        set(f, "type", Val::Ref(model(ClusterType::INFO.netbox), Some(x.cluster_type.key.value.to_string())));
        take(f, "site");
        set(f, "scope", Val::Generic(x.site.as_ref().map(|s| (Model::Site, site_key(inv, s)))));
    } else if let Some(x) = x.downcast_ref::<VirtualMachine>() {
        // Its addresses are assigned to its interfaces in the second pass: so are these.
        for (name, id) in [("primary_ip4", x.primary_ip4_id), ("primary_ip6", x.primary_ip6_id)] {
            take(f, name);
            let key = id.map(|id| {
                let ip = &inv.ip_addresses[id.index()];
                format!("{}/{}", ip.vrf.as_ref().map_or("global", |v| v.key.as_str()), ip.address.value)
            });
            late.push((name, Val::Ref(Model::IpAddress, key)));
        }
    } else if let Some(x) = x.downcast_ref::<VmInterface>() {
        set(f, "untagged_vlan", Val::Ref(Model::Vlan, x.untagged_vlan.as_ref().and_then(|v| vlan_key(inv, v))));
        let tagged = x.tagged_vlans.iter().filter_map(|v| vlan_key(inv, v)).collect();
        set(f, "tagged_vlans", Val::Refs(Model::Vlan, tagged));
        let this = model(VmInterface::INFO.netbox);
        for name in ["parent", "bridge"] {
            take(f, name);
        }
        let sibling = |t: &Option<Text>| t.as_ref().map(|t| format!("{}/{}", x.virtual_machine.key.value, t.value));
        late.push(("parent", Val::Ref(this, sibling(&x.parent))));
        late.push(("bridge", Val::Ref(this, sibling(&x.bridge))));
    } else if let Some(x) = x.downcast_ref::<PowerPanel>() {
        set(f, "location", Val::Ref(Model::Location, x.location.as_ref().map(|l| location_key(inv, l))));
    } else if let Some(x) = x.downcast_ref::<PowerFeed>() {
        set(f, "rack", Val::Ref(Model::Rack, x.rack.as_ref().map(|r| rack_key(inv, r))));
    } else if let Some(x) = x.downcast_ref::<RackReservation>() {
        let rack = x.rack_id.map(|id| {
            let r = &inv.racks[id.index()];
            format!("{}/{}", site_key(inv, &r.site), r.name.value)
        });
        set(f, "rack", Val::Ref(Model::Rack, rack.or_else(|| Some(x.rack.value.to_string()))));
        set(f, "user", Val::Json(serde_json::json!({"username": x.user.value.as_str()})));
    } else if let Some(x) = x.downcast_ref::<L2vpnTermination>() {
        take(f, "vlan");
        take(f, "interface");
        let target = match (&x.interface, &x.vlan) {
            (Some(i), _) => Some((Model::Interface, i.display())),
            (None, Some(v)) => vlan_key(inv, v).map(|k| (Model::Vlan, k)),
            (None, None) => None,
        };
        set(f, "assigned_object", Val::Generic(target));
    } else if let Some(x) = x.downcast_ref::<WirelessLan>() {
        set(f, "vlan", Val::Ref(Model::Vlan, x.vlan.as_ref().and_then(|v| vlan_key(inv, v))));
    } else if let Some(x) = x.downcast_ref::<WirelessLink>() {
        set(f, "interface_a", Val::Ref(Model::Interface, Some(x.interface_a.display())));
        set(f, "interface_b", Val::Ref(Model::Interface, Some(x.interface_b.display())));
    } else if x.downcast_ref::<VirtualChassis>().is_some()
        && let Some(master) = take(f, "master")
    {
        late.push(("master", master));
    }
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k)?.as_str()
}

/// A choice field's value: NetBox returns `{value, label}`, a payload holds the value.
fn choice<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    let c = v.get(k)?;
    c.as_str().or_else(|| c.get("value")?.as_str())
}

fn nested_id(v: &Value, k: &str) -> Option<u64> {
    v.get(k)?.get("id")?.as_u64()
}

/// The natural key of an object of a declared kind not keyed by one field, as NetBox
/// returns it (the form [`Kind::natural_key`] gives).
pub(super) fn key_of_existing(kind: &KindInfo, obj: &Value, keys: &dyn KeyOf) -> Option<String> {
    let parent = |field: &str, netbox: &str| nested_id(obj, field).and_then(|id| keys.key_of(model(netbox), id));
    let generic = |ty: &str, id: &str| {
        let m = Model::from_name(s(obj, ty)?)?;
        keys.key_of(m, obj.get(id)?.as_u64()?).map(|k| (m, k))
    };
    Some(match kind.netbox {
        "ipam.aggregate" => s(obj, "prefix")?.to_string(),
        "ipam.asn" => obj.get("asn")?.as_u64()?.to_string(),
        "ipam.iprange" => {
            let vrf = match nested_id(obj, "vrf") {
                Some(id) => keys.key_of(Model::Vrf, id)?.to_string(),
                None => "global".to_string(),
            };
            format!("{vrf}/{}-{}", s(obj, "start_address")?, s(obj, "end_address")?)
        }
        "ipam.fhrpgroup" => {
            let base = format!("{}/{}", choice(obj, "protocol")?, obj.get("group_id")?.as_u64()?);
            match s(obj, "name").filter(|n| !n.is_empty()) {
                Some(n) => format!("{base}/{n}"),
                None => base,
            }
        }
        "ipam.fhrpgroupassignment" => {
            let (_, iface) = generic("interface_type", "interface_id")?;
            format!("{}@{iface}", parent("group", "ipam.fhrpgroup")?)
        }
        "ipam.service" => {
            let (_, p) = generic("parent_object_type", "parent_object_id")?;
            format!("{p}/{}", s(obj, "name")?)
        }
        "virtualization.vminterface" | "virtualization.virtualdisk" => {
            format!("{}/{}", parent("virtual_machine", "virtualization.virtualmachine")?, s(obj, "name")?)
        }
        "dcim.powerpanel" => format!("{}/{}", parent("site", "dcim.site")?, s(obj, "name")?),
        "dcim.powerfeed" => format!("{}/{}", parent("power_panel", "dcim.powerpanel")?, s(obj, "name")?),
        "tenancy.contactassignment" => {
            let (m, object) = generic("object_type", "object_id")?;
            let mut k = format!("{} {object}/{}", m.name(), parent("contact", "tenancy.contact")?);
            if nested_id(obj, "role").is_some() {
                k.push('/');
                k.push_str(parent("role", "tenancy.contactrole")?);
            }
            k
        }
        "dcim.rackreservation" => {
            let mut u: Vec<u64> = obj.get("units")?.as_array()?.iter().filter_map(Value::as_u64).collect();
            u.sort_unstable();
            u.dedup();
            let contiguous = u.windows(2).all(|w| w[1] == w[0] + 1);
            let units = match (u.first(), u.last()) {
                (Some(a), Some(b)) if contiguous && u.len() > 1 => format!("{a}-{b}"),
                _ => u.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
            };
            format!("{}/{units}", parent("rack", "dcim.rack")?)
        }
        "circuits.provideraccount" => format!("{}/{}", parent("provider", "circuits.provider")?, s(obj, "account")?),
        "circuits.providernetwork" => format!("{}/{}", parent("provider", "circuits.provider")?, s(obj, "name")?),
        "vpn.l2vpntermination" => {
            let (m, target) = generic("assigned_object_type", "assigned_object_id")?;
            let target = match m {
                // A VLAN as the inventory writes it on a termination.
                Model::Vlan => format!("VLAN {}", obj.get("assigned_object")?.get("vid")?.as_u64()?),
                _ => target.to_string(),
            };
            format!("{}/{target}", parent("l2vpn", "vpn.l2vpn")?)
        }
        "wireless.wirelesslan" => match nested_id(obj, "group") {
            Some(g) => format!("{}/{}", keys.key_of(model("wireless.wirelesslangroup"), g)?, s(obj, "ssid")?),
            None => s(obj, "ssid")?.to_string(),
        },
        "wireless.wirelesslink" => {
            let a = parent("interface_a", "dcim.interface")?;
            let b = parent("interface_b", "dcim.interface")?;
            super::model::cable_key(a, b)
        }
        _ => return None,
    })
}

/// The endpoint of a declared model whose collection name is not NetBox's.
pub(super) fn endpoint(kind: &KindInfo) -> Option<&'static str> {
    match kind.netbox {
        "virtualization.vminterface" => Some("virtualization/interfaces/"),
        _ => None,
    }
}
