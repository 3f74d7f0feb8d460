//! IPAM: VRFs, roles, RIRs, prefixes, IP addresses, VLAN groups and VLANs.

use ipnet::IpNet;

use super::read::*;
use super::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::decode::{scalar_text, wrong_type};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Vrf {
    pub name: Text,
    pub rd: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    pub enforce_unique: bool,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    /// Route targets the VRF imports and exports, by name (left out of the serialised
    /// VRF when empty, as before they existed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub import_targets: Vec<Ref<RouteTarget>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub export_targets: Vec<Ref<RouteTarget>>,
}

pub fn lower_vrf(o: &mut Obj<'_, '_>) -> Option<Vrf> {
    let name = o.req_str("name");
    let rd = o.str("rd");
    let tenant = opt_ref(o, "tenant");
    let enforce_unique = o.bool("enforce_unique").is_none_or(|b| b.value);
    let description = o.str("description");
    let tags = tags(o);
    let import_targets = refs(o, "import_targets");
    let export_targets = refs(o, "export_targets");
    Some(Vrf { name: name?, rd, tenant, enforce_unique, description, tags, import_targets, export_targets })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IpamRole {
    pub name: Text,
    pub slug: Text,
    pub weight: Option<Spanned<i64>>,
    pub description: Option<Text>,
}

pub fn lower_ipam_role(o: &mut Obj<'_, '_>) -> Option<IpamRole> {
    let ns = name_slug(o);
    let weight = o.int("weight", 0, 32767);
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(IpamRole { name, slug, weight, description })
}

/// A Regional Internet Registry, or a private address space (`is_private`): where
/// aggregates and AS numbers are allocated from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Rir {
    pub name: Text,
    pub slug: Text,
    pub is_private: Option<Spanned<bool>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_rir(o: &mut Obj<'_, '_>) -> Option<Rir> {
    let ns = name_slug(o);
    let is_private = o.bool("is_private");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(Rir { name, slug, is_private, description, comments, tags, custom_fields })
}

/// Whether a CIDR value is a network (no host bits) or an address with its mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CidrKind {
    Prefix,
    Address,
}

/// Read `10.0.0.0/24` (a prefix) or `10.0.0.1/24` (an address with its mask).
pub fn read_ipnet(n: &Node, key: &str, kind: CidrKind, diags: &mut Vec<Diagnostic>) -> Option<Spanned<IpNet>> {
    let Some(text) = scalar_text(n) else {
        diags.push(wrong_type(n, "a CIDR string", &format!("`{key}`")));
        return None;
    };
    let net: IpNet = match text.parse() {
        Ok(net) => net,
        Err(_) => {
            let help = if text.parse::<std::net::IpAddr>().is_ok() {
                format!("write the address with its mask, e.g. `{text}/{}`", if text.contains(':') { 128 } else { 32 })
            } else {
                "write it as CIDR, e.g. `10.0.0.0/24` or `2001:db8::/64`".to_string()
            };
            diags.push(
                Diagnostic::new(Code::InvalidValue, n.span, format!("`{text}` is not a valid {}", kind.what()))
                    .label("not CIDR")
                    .help(help),
            );
            return None;
        }
    };
    if kind == CidrKind::Prefix && net.trunc() != net {
        diags.push(
            Diagnostic::new(Code::InvalidValue, n.span, format!("prefix `{text}` has host bits set"))
                .label("not a network address")
                .help(format!("the network is `{}`", net.trunc())),
        );
        return None;
    }
    Some(Spanned::new(net, n.span))
}

impl CidrKind {
    fn what(self) -> &'static str {
        match self {
            CidrKind::Prefix => "prefix",
            CidrKind::Address => "IP address with mask",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Prefix {
    pub prefix: Spanned<IpNet>,
    pub vrf: Option<Ref<Vrf>>,
    pub site: Option<Ref<Site>>,
    pub vlan: Option<VlanRef>,
    pub status: Option<Text>,
    pub role: Option<Ref<IpamRole>>,
    pub is_pool: bool,
    pub tenant: Option<Ref<Tenant>>,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_prefix(o: &mut Obj<'_, '_>) -> Option<Prefix> {
    let prefix = o.required("prefix").and_then(|n| read_ipnet(n, "prefix", CidrKind::Prefix, o.diags));
    if prefix.is_none() {
        o.incomplete = true;
    }
    let vrf = opt_ref(o, "vrf");
    let site = opt_ref(o, "site");
    let vlan = o.node("vlan").and_then(|n| read_vlan_ref(n, "vlan", o.diags));
    let status = o.str("status");
    let role = opt_ref(o, "role");
    let is_pool = o.bool("is_pool").is_some_and(|b| b.value);
    let tenant = opt_ref(o, "tenant");
    let description = o.str("description");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Prefix { prefix: prefix?, vrf, site, vlan, status, role, is_pool, tenant, description, tags, custom_fields })
}

#[derive(Debug, Clone)]
pub struct IpAddress {
    pub address: Spanned<IpNet>,
    pub vrf: Option<Ref<Vrf>>,
    /// The interface it is assigned to (after resolve; set for inline addresses too).
    pub assigned: Option<InterfaceId>,
    pub tags: Vec<Ref<Tag>>,
    /// The fields most addresses leave unset; `None` when all are. Reads go through
    /// `Deref` (`ip.status`); writes through [`IpAddress::extra_mut`].
    pub extra: Option<Box<IpAddressExtra>>,
}

/// The fields of an [`IpAddress`] that most addresses leave unset (an address written on
/// an interface is usually just the address: boxing these keeps each of the fleet's
/// addresses at a third of the size).
#[derive(Debug, Clone, Default)]
pub struct IpAddressExtra {
    /// `device:interface` as written in the `ip_addresses` collection.
    pub interface: Option<InterfaceRef>,
    /// `vm/interface`: an interface of a virtual machine, and the one it names (after
    /// resolve).
    pub vm_interface: Option<Text>,
    pub vm_interface_id: Option<Id<VmInterface>>,
    pub status: Option<Text>,
    pub role: Option<Text>,
    pub dns_name: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    pub description: Option<Text>,
    pub custom_fields: Vec<CustomValue>,
}

/// What an address without extra fields reads.
static NO_IP_EXTRA: IpAddressExtra = IpAddressExtra {
    interface: None,
    vm_interface: None,
    vm_interface_id: None,
    status: None,
    role: None,
    dns_name: None,
    tenant: None,
    description: None,
    custom_fields: Vec::new(),
};

impl IpAddressExtra {
    fn is_empty(&self) -> bool {
        self.interface.is_none()
            && self.vm_interface.is_none()
            && self.status.is_none()
            && self.role.is_none()
            && self.dns_name.is_none()
            && self.tenant.is_none()
            && self.description.is_none()
            && self.custom_fields.is_empty()
    }
}

impl std::ops::Deref for IpAddress {
    type Target = IpAddressExtra;
    fn deref(&self) -> &IpAddressExtra {
        self.extra.as_deref().unwrap_or(&NO_IP_EXTRA)
    }
}

impl IpAddress {
    /// An address with nothing but its address.
    pub fn new(address: Spanned<IpNet>) -> IpAddress {
        IpAddress { address, vrf: None, assigned: None, tags: Vec::new(), extra: None }
    }

    /// The extra fields, to write them (allocated on first use).
    pub fn extra_mut(&mut self) -> &mut IpAddressExtra {
        self.extra.get_or_insert_with(Box::default)
    }
}

/// Serialised as if every field were inline, in the order they are written (`sot diff`
/// and the exports show addresses this way); `assigned` is derived and left out, and so is
/// `vm_interface` when unset (as before it existed).
impl serde::Serialize for IpAddress {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("IpAddress", 11)?;
        st.serialize_field("address", &self.address)?;
        st.serialize_field("vrf", &self.vrf)?;
        st.serialize_field("interface", &self.interface)?;
        if let Some(v) = &self.vm_interface {
            st.serialize_field("vm_interface", v)?;
        }
        st.serialize_field("status", &self.status)?;
        st.serialize_field("role", &self.role)?;
        st.serialize_field("dns_name", &self.dns_name)?;
        st.serialize_field("tenant", &self.tenant)?;
        st.serialize_field("description", &self.description)?;
        st.serialize_field("tags", &self.tags)?;
        st.serialize_field("custom_fields", &self.custom_fields)?;
        st.end()
    }
}

pub fn lower_ip_address(o: &mut Obj<'_, '_>) -> Option<IpAddress> {
    let address = o.required("address").and_then(|n| read_ipnet(n, "address", CidrKind::Address, o.diags));
    if address.is_none() {
        o.incomplete = true;
    }
    let vrf = opt_ref(o, "vrf");
    let interface =
        o.node("interface").and_then(|n| match scalar_text(n).and_then(|s| InterfaceRef::parse_str(s, n.span)) {
            Some(r) => Some(r),
            None => {
                o.diags.push(
                    Diagnostic::new(Code::InvalidValue, n.span, "`interface` must be written `device:interface`")
                        .label("expected `device:interface`"),
                );
                None
            }
        });
    let vm_interface = o.str("vm_interface");
    if let (Some(_), Some(v)) = (&interface, &vm_interface) {
        o.diags.push(
            Diagnostic::new(
                Code::InvalidValue,
                v.span,
                "an address is assigned to one interface: `interface` or `vm_interface`",
            )
            .label("a second assignment")
            .help("remove `interface` or `vm_interface`"),
        );
    }
    let mut ip = ip_fields(o, address?);
    ip.vrf = vrf;
    if interface.is_some() {
        ip.extra_mut().interface = interface;
    } else if vm_interface.is_some() {
        ip.extra_mut().vm_interface = vm_interface;
    }
    Some(ip)
}

/// The fields of an inline address besides `address` and `vrf` (for `sot schema`).
pub fn describe_ip_fields(o: &mut Obj<'_, '_>) -> IpAddress {
    ip_fields(o, Spanned::new(IpNet::default(), o.span()))
}

fn ip_fields(o: &mut Obj<'_, '_>, address: Spanned<IpNet>) -> IpAddress {
    // Read in the order `sot schema` lists them.
    let status = o.str("status");
    let role = o.str("role");
    let dns_name = o.str("dns_name");
    let tenant = opt_ref(o, "tenant");
    let description = o.str("description");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let extra = IpAddressExtra {
        interface: None,
        vm_interface: None,
        vm_interface_id: None,
        status,
        role,
        dns_name,
        tenant,
        description,
        custom_fields,
    };
    IpAddress { tags, extra: (!extra.is_empty()).then(|| Box::new(extra)), ..IpAddress::new(address) }
}

/// An address written on an interface: a string, or `{address, role, status, ...}`.
pub fn lower_inline_ip(n: &Node, diags: &mut Vec<Diagnostic>) -> Option<IpAddress> {
    if n.as_map().is_none() {
        let address = read_ipnet(n, "ip_addresses", CidrKind::Address, diags)?;
        return Some(IpAddress::new(address));
    }
    static LIMITS: std::sync::LazyLock<Option<&super::limit::Model>> =
        std::sync::LazyLock::new(|| super::limit::of(super::IpAddress::INFO.netbox));
    let mut o = Obj::new(n, "IP address", diags)?.with_limits(*LIMITS);
    let address = o.required("address").and_then(|a| read_ipnet(a, "address", CidrKind::Address, o.diags));
    let vrf = opt_ref(&mut o, "vrf");
    let ip = address.map(|a| ip_fields(&mut o, a));
    if ip.is_none() {
        // Still ask for every field so that none is reported as unknown.
        let _ = ip_fields(&mut o, Spanned::new(IpNet::default(), n.span));
    }
    o.finish();
    let mut ip = ip?;
    ip.vrf = vrf;
    Some(ip)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct VlanGroup {
    pub name: Text,
    pub slug: Text,
    pub site: Option<Ref<Site>>,
    pub min_vid: Option<Spanned<i64>>,
    pub max_vid: Option<Spanned<i64>>,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
}

pub fn lower_vlan_group(o: &mut Obj<'_, '_>) -> Option<VlanGroup> {
    let ns = name_slug(o);
    let site = opt_ref(o, "site");
    let min_vid = o.int("min_vid", i64::MIN, i64::MAX);
    let max_vid = o.int("max_vid", i64::MIN, i64::MAX);
    let description = o.str("description");
    let tags = tags(o);
    let (name, slug) = ns?;
    Some(VlanGroup { name, slug, site, min_vid, max_vid, description, tags })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Vlan {
    pub vid: Spanned<i64>,
    pub name: Text,
    pub site: Option<Ref<Site>>,
    pub group: Option<Ref<VlanGroup>>,
    pub status: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    pub role: Option<Ref<IpamRole>>,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_vlan(o: &mut Obj<'_, '_>) -> Option<Vlan> {
    let vid = o.req_int("vid", i64::MIN, i64::MAX);
    let name = o.req_str("name");
    let site = opt_ref(o, "site");
    let group = opt_ref(o, "group");
    let status = o.str("status");
    let tenant = opt_ref(o, "tenant");
    let role = opt_ref(o, "role");
    let description = o.str("description");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Vlan { vid: vid?, name: name?, site, group, status, tenant, role, description, tags, custom_fields })
}
