//! Device roles, platforms, devices and their interfaces.

use ipnet::IpNet;

use super::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::read::*;

#[derive(Debug, Clone, serde::Serialize)]
pub struct DeviceRole {
    pub name: Text,
    pub slug: Text,
    pub color: Option<Text>,
    pub config_template: Option<Text>,
    pub description: Option<Text>,
}

pub fn lower_device_role(o: &mut Obj<'_, '_>) -> Option<DeviceRole> {
    let ns = name_slug(o);
    let color = o.str("color");
    let config_template = o.str("config_template");
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(DeviceRole { name, slug, color, config_template, description })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Platform {
    pub name: Text,
    pub slug: Text,
    pub manufacturer: Option<Ref<Manufacturer>>,
    pub config_template: Option<Text>,
    pub description: Option<Text>,
}

pub fn lower_platform(o: &mut Obj<'_, '_>) -> Option<Platform> {
    let ns = name_slug(o);
    let manufacturer = opt_ref(o, "manufacturer");
    let config_template = o.str("config_template");
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(Platform { name, slug, manufacturer, config_template, description })
}

/// An interface of a device: `(device, position in the device's interface list)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InterfaceId {
    pub device: Id<Device>,
    pub index: u32,
}

/// A reference to an interface written `device:interface` or `{device, interface}`.
#[derive(Debug, Clone)]
pub struct InterfaceRef {
    pub device: Text,
    pub interface: Text,
    pub span: Span,
    pub id: Option<InterfaceId>,
}

impl InterfaceRef {
    /// Split `device:interface` at the first `:`; `None` without a `:`.
    pub fn parse_str(s: &str, span: Span) -> Option<InterfaceRef> {
        let (d, i) = s.split_once(':')?;
        Some(InterfaceRef {
            device: Spanned::new(d.into(), span),
            interface: Spanned::new(i.into(), span),
            span,
            id: None,
        })
    }

    pub fn display(&self) -> String {
        format!("{}:{}", self.device.value, self.interface.value)
    }
}

/// A VLAN as written on an interface or prefix.
#[derive(Debug, Clone)]
pub struct VlanRef {
    /// Boxed: most references are a bare vid.
    pub group: Option<Box<Text>>,
    pub vid: Spanned<i64>,
    pub span: Span,
    pub id: Option<Id<Vlan>>,
}

impl VlanRef {
    pub fn display(&self) -> String {
        match &self.group {
            Some(g) => format!("VLAN {} in group `{}`", self.vid.value, g.value),
            None => format!("VLAN {}", self.vid.value),
        }
    }
}

/// Read a VLAN reference: a vid, or `{group: SLUG, vid: N}`.
pub fn read_vlan_ref(n: &Node, key: &str, diags: &mut Vec<Diagnostic>) -> Option<VlanRef> {
    if n.as_map().is_some() {
        let mut m = Obj::new(n, "VLAN reference", diags)?;
        let group = m.str("group").map(Box::new);
        let vid = m.req_int("vid", i64::MIN, i64::MAX);
        m.finish();
        return Some(VlanRef { group, vid: vid?, span: n.span, id: None });
    }
    let vid = decode::read_int(n, key, i64::MIN, i64::MAX, diags)?;
    Some(VlanRef { group: None, vid, span: n.span, id: None })
}

/// An interface of a device.
///
/// A fleet holds hundreds of thousands of interfaces, most copied from their device type
/// with a field or two set, so the struct keeps inline only what most interfaces use; the
/// fields most leave unset live in [`InterfaceExtra`], boxed and allocated only when one
/// of them is set. They read as fields of the interface (`iface.mtu`, `iface.vrf`) through
/// `Deref`: an interface without the box reads them as unset. Write them through
/// [`Interface::extra_mut`].
#[derive(Debug, Clone)]
pub struct Interface {
    pub name: Text,
    /// Position in the device type's components, for interfaces the type defines.
    pub template: Option<u32>,
    /// Written inside the device (possibly refining a template interface).
    pub inline: bool,
    pub interface_type: Option<Text>,
    /// No diagnostic points at these two, so they keep no span.
    pub enabled: Option<bool>,
    pub mgmt_only: Option<bool>,
    pub description: Option<Text>,
    pub mode: Option<Text>,
    /// Boxed: most interfaces have none.
    pub untagged_vlan: Option<Box<VlanRef>>,
    pub tagged_vlans: Vec<VlanRef>,
    pub lag_id: Option<u32>,
    pub parent_id: Option<u32>,
    pub tags: Vec<Ref<Tag>>,
    /// The addresses assigned to this interface (after resolve).
    pub ip_addresses: Vec<Id<IpAddress>>,
    /// The fields most interfaces leave unset; `None` when all are.
    pub extra: Option<Box<InterfaceExtra>>,
}

/// The fields of an [`Interface`] that most interfaces leave unset.
#[derive(Debug, Clone, Default)]
pub struct InterfaceExtra {
    pub label: Option<Text>,
    pub mtu: Option<Spanned<i64>>,
    pub mac_address: Option<Text>,
    pub speed: Option<Spanned<i64>>,
    pub lag: Option<Text>,
    pub parent: Option<Text>,
    pub vrf: Option<Ref<Vrf>>,
    pub custom_fields: Vec<CustomValue>,
    /// Addresses written inline; moved to [`Inventory::ip_addresses`] by resolve.
    pub inline_ips: Vec<IpAddress>,
}

/// What an interface without extra fields reads.
static NO_EXTRA: InterfaceExtra = InterfaceExtra {
    label: None,
    mtu: None,
    mac_address: None,
    speed: None,
    lag: None,
    parent: None,
    vrf: None,
    custom_fields: Vec::new(),
    inline_ips: Vec::new(),
};

impl InterfaceExtra {
    pub fn is_empty(&self) -> bool {
        self.label.is_none()
            && self.mtu.is_none()
            && self.mac_address.is_none()
            && self.speed.is_none()
            && self.lag.is_none()
            && self.parent.is_none()
            && self.vrf.is_none()
            && self.custom_fields.is_empty()
            && self.inline_ips.is_empty()
    }

    /// `Some(box)` unless every field is unset.
    fn boxed(self) -> Option<Box<InterfaceExtra>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

impl std::ops::Deref for Interface {
    type Target = InterfaceExtra;
    fn deref(&self) -> &InterfaceExtra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }
}

/// Serialised as if every field were inline, in the order NetBox's interface has them
/// (`sot diff` shows interfaces this way).
impl serde::Serialize for Interface {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Interface", 17)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("interface_type", &self.interface_type)?;
        st.serialize_field("enabled", &self.enabled)?;
        st.serialize_field("mgmt_only", &self.mgmt_only)?;
        st.serialize_field("label", &self.label)?;
        st.serialize_field("description", &self.description)?;
        st.serialize_field("mtu", &self.mtu)?;
        st.serialize_field("mac_address", &self.mac_address)?;
        st.serialize_field("speed", &self.speed)?;
        st.serialize_field("mode", &self.mode)?;
        st.serialize_field("untagged_vlan", &self.untagged_vlan)?;
        st.serialize_field("tagged_vlans", &self.tagged_vlans)?;
        st.serialize_field("lag", &self.lag)?;
        st.serialize_field("parent", &self.parent)?;
        st.serialize_field("vrf", &self.vrf)?;
        st.serialize_field("tags", &self.tags)?;
        st.serialize_field("custom_fields", &self.custom_fields)?;
        st.end()
    }
}

impl Interface {
    /// An interface created from a device-type template.
    pub fn from_template(c: &Component, index: u32) -> Interface {
        let mut i = Interface {
            name: c.name.clone(),
            template: None,
            inline: false,
            interface_type: None,
            enabled: None,
            mgmt_only: None,
            description: None,
            mode: None,
            untagged_vlan: None,
            tagged_vlans: Vec::new(),
            lag_id: None,
            parent_id: None,
            tags: Vec::new(),
            ip_addresses: Vec::new(),
            extra: None,
        };
        i.fill_from_template(c, index);
        i
    }

    /// The extra fields, to write them (allocated on first use).
    pub fn extra_mut(&mut self) -> &mut InterfaceExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Drop the extra fields' box if every one of them is unset.
    pub fn compact(&mut self) {
        if self.extra.as_ref().is_some_and(|e| e.is_empty()) {
            self.extra = None;
        }
    }

    /// An interface written inline over the device type's template `c` (at `index`):
    /// the fields it leaves unset come from the template. Only those are copied.
    pub fn over_template(&mut self, c: &Component, index: u32) {
        self.fill_from_template(c, index);
        self.inline = true;
    }

    /// Take the template `c` (at `index`), and each field a template carries that this
    /// interface leaves unset.
    fn fill_from_template(&mut self, c: &Component, index: u32) {
        self.template = Some(index);
        if self.interface_type.is_none() {
            self.interface_type = c.component_type.clone();
        }
        self.enabled = self.enabled.or(c.enabled);
        self.mgmt_only = self.mgmt_only.or(Some(c.mgmt_only));
        if self.description.is_none() {
            self.description = c.description.clone();
        }
        if self.label.is_none()
            && let Some(label) = &c.label
        {
            self.extra_mut().label = Some(label.clone());
        }
    }
}

/// The fields of an interface written inside a device (for `sot schema`).
pub fn describe_interface() -> Vec<decode::FieldSpec> {
    decode::describe(|o| {
        let _ = interface_fields(o);
    })
}

/// The fields of a device-type component of `kind` (for `sot schema`).
pub fn describe_component(kind: ComponentKind) -> Vec<decode::FieldSpec> {
    decode::describe(|c| {
        let _ = c.req_str("name");
        let _ = if kind == ComponentKind::Interface { c.req_str("type") } else { c.str("type") };
        let _ = c.str("label");
        let _ = c.str("description");
        let _ = super::components::port_fields(c, kind, false);
        for &field in kind.extra_fields() {
            match field {
                "mgmt_only" | "enabled" | "_is_power_source" => {
                    let _ = c.bool(field);
                }
                _ => {
                    let _ = c.node(field);
                }
            }
        }
    })
}

pub(super) fn lower_interface(n: &Node, diags: &mut Vec<Diagnostic>) -> Option<Interface> {
    static LIMITS: std::sync::LazyLock<Option<&super::limit::Model>> =
        std::sync::LazyLock::new(|| super::limit::of(super::INTERFACE.netbox));
    let mut o = Obj::new(n, "interface", diags)?.with_limits(*LIMITS);
    let i = interface_fields(&mut o);
    let incomplete = o.incomplete;
    o.finish();
    if incomplete {
        return None;
    }
    i
}

pub(super) fn interface_fields(o: &mut Obj<'_, '_>) -> Option<Interface> {
    let name = o.req_str("name");
    let interface_type = o.str("type");
    let enabled = o.bool("enabled").map(|b| b.value);
    let mgmt_only = o.bool("mgmt_only").map(|b| b.value);
    let label = o.str("label");
    let description = o.str("description");
    let mtu = o.int("mtu", 1, 65536);
    let mac_address = o.str("mac_address");
    let speed = o.int("speed", 0, i64::from(u32::MAX));
    let mode = o.str("mode");
    let untagged_vlan = o.node("untagged_vlan").and_then(|v| read_vlan_ref(v, "untagged_vlan", o.diags)).map(Box::new);
    let tagged_vlans = decode::each(o.list("tagged_vlans"), |v| read_vlan_ref(v, "tagged_vlans", o.diags));
    let lag = o.str("lag");
    let parent = o.str("parent");
    let vrf = opt_ref(o, "vrf");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let inline_ips = decode::each(o.list("ip_addresses"), |v| ipam::lower_inline_ip(v, o.diags));
    Some(Interface {
        name: name?,
        template: None,
        inline: true,
        interface_type,
        enabled,
        mgmt_only,
        description,
        mode,
        untagged_vlan,
        tagged_vlans,
        lag_id: None,
        parent_id: None,
        tags,
        ip_addresses: Vec::new(),
        extra: InterfaceExtra { label, mtu, mac_address, speed, lag, parent, vrf, custom_fields, inline_ips }.boxed(),
    })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Device {
    pub name: Text,
    pub device_type: Ref<DeviceType>,
    pub role: Ref<DeviceRole>,
    pub site: Ref<Site>,
    pub location: Option<Ref<Location>>,
    pub rack: Option<Ref<Rack>>,
    pub position: Option<Spanned<f64>>,
    pub face: Option<Text>,
    pub status: Option<Text>,
    pub platform: Option<Ref<Platform>>,
    pub tenant: Option<Ref<Tenant>>,
    pub serial: Option<Text>,
    pub asset_tag: Option<Text>,
    pub airflow: Option<Text>,
    pub primary_ip4: Option<Spanned<IpNet>>,
    pub primary_ip6: Option<Spanned<IpNet>>,
    #[serde(skip)]
    pub primary_ip4_id: Option<Id<IpAddress>>,
    #[serde(skip)]
    pub primary_ip6_id: Option<Id<IpAddress>>,
    pub config_template: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
    pub local_context_data: Option<Node<'static>>,
    /// Membership of a virtual chassis: which, the member's position and priority
    /// (left out of the serialised device when unset, as before they existed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_chassis: Option<Ref<VirtualChassis>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vc_position: Option<Spanned<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vc_priority: Option<Spanned<i64>>,
    /// The device's interfaces: its type's, refined or extended by those written inline.
    #[serde(skip)]
    pub interfaces: Vec<Interface>,
    /// Its other components (console, power, front and rear ports, bays, inventory
    /// items): its type's, refined or extended by those written inline, kind after kind.
    #[serde(skip)]
    pub components: Vec<Port>,
}

impl Device {
    pub fn interface(&self, name: &str) -> Option<u32> {
        self.interfaces.iter().position(|i| i.name.value == name).map(|i| i as u32)
    }

    /// The position of its component of `kind` named `name`.
    pub fn component(&self, kind: ComponentKind, name: &str) -> Option<u32> {
        self.components.iter().position(|c| c.kind == kind && c.name.value == name).map(|i| i as u32)
    }

    /// Its components of `kind`, with their positions.
    pub fn components_of(&self, kind: ComponentKind) -> impl Iterator<Item = (u32, &Port)> {
        self.components.iter().enumerate().filter(move |(_, c)| c.kind == kind).map(|(i, c)| (i as u32, c))
    }
}

pub fn lower_device(o: &mut Obj<'_, '_>) -> Option<Device> {
    let name = o.req_str("name");
    let device_type = req_ref(o, "device_type");
    let role = req_ref(o, "role");
    let site = req_ref(o, "site");
    let location = opt_ref(o, "location");
    let rack = opt_ref(o, "rack");
    let position = half_units(o, "position", 0.5);
    let face = o.str("face");
    let status = o.str("status");
    let platform = opt_ref(o, "platform");
    let tenant = opt_ref(o, "tenant");
    let serial = o.str("serial");
    let asset_tag = o.str("asset_tag");
    let airflow = o.str("airflow");
    let primary_ip4 =
        o.node("primary_ip4").and_then(|n| ipam::read_ipnet(n, "primary_ip4", ipam::CidrKind::Address, o.diags));
    let primary_ip6 =
        o.node("primary_ip6").and_then(|n| ipam::read_ipnet(n, "primary_ip6", ipam::CidrKind::Address, o.diags));
    let config_template = o.str("config_template");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let local_context_data = o.map("local_context_data").map(Node::to_static);
    let virtual_chassis = opt_ref(o, "virtual_chassis");
    let vc_position = o.int("vc_position", 0, 255);
    let vc_priority = o.int("vc_priority", 0, 255);
    let items = o.list("interfaces");
    let mut interfaces: Vec<Interface> = Vec::with_capacity(items.len());
    // The names' hashes: only a repeated hash (almost always a repeated name) is looked for
    // among the interfaces already read, so a device with hundreds of ports is not quadratic.
    let mut hashes: crate::hash::HashSet<u64> = crate::hash::HashSetExt::with_capacity(items.len());
    let hasher = foldhash::fast::FixedState::default();
    for item in items {
        if let Some(i) = lower_interface(item, o.diags) {
            if !hashes.insert(std::hash::BuildHasher::hash_one(&hasher, i.name.as_str()))
                && let Some(first) = interfaces.iter().find(|x| x.name.value == i.name.value)
            {
                o.diags.push(
                    Diagnostic::new(
                        Code::DuplicateObject,
                        i.name.span,
                        format!("interface `{}` is written twice", i.name.value),
                    )
                    .label("second definition")
                    .related(first.name.span, "first defined here"),
                );
                continue;
            }
            interfaces.push(i);
        }
    }
    let mut components: Vec<Port> = Vec::new();
    for kind in ComponentKind::PORTS {
        let from = components.len();
        for item in o.list(kind.device_key()) {
            let Some(p) = super::components::lower_port(item, kind, o.diags) else { continue };
            if let Some(first) = components[from..].iter().find(|x| x.name.value == p.name.value) {
                o.diags.push(
                    Diagnostic::new(
                        Code::DuplicateObject,
                        p.name.span,
                        format!("{} `{}` is written twice", kind.info().singular, p.name.value),
                    )
                    .label("second definition")
                    .related(first.name.span, "first defined here"),
                );
                continue;
            }
            components.push(p);
        }
    }
    Some(Device {
        name: name?,
        device_type: device_type?,
        role: role?,
        site: site?,
        location,
        rack,
        position,
        face,
        status,
        platform,
        tenant,
        serial,
        asset_tag,
        airflow,
        primary_ip4,
        primary_ip6,
        primary_ip4_id: None,
        primary_ip6_id: None,
        config_template,
        description,
        comments,
        tags,
        custom_fields,
        local_context_data,
        virtual_chassis,
        vc_position,
        vc_priority,
        interfaces,
        components,
    })
}

impl serde::Serialize for InterfaceRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.display())
    }
}

impl serde::Serialize for VlanRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.group {
            Some(g) => serde::Serialize::serialize(&serde_json::json!({"group": g.value, "vid": self.vid.value}), s),
            None => s.serialize_i64(self.vid.value),
        }
    }
}
