//! IPAM numbering: aggregates, AS numbers and ranges of them, IP ranges, route targets;
//! and what runs on addresses: services, FHRP groups and their interface assignments.

use ipnet::IpNet;

use super::ipam::{CidrKind, read_ipnet};
use super::read::*;
use super::*;

/// A required CIDR field (`prefix`, `start_address`).
fn cidr(o: &mut Obj<'_, '_>, key: &'static str, kind: CidrKind) -> Option<Spanned<IpNet>> {
    let n = o.required(key)?;
    let r = read_ipnet(n, key, kind, o.diags);
    if r.is_none() {
        o.incomplete = true;
    }
    r
}

/// A block of address space allocated from a RIR (`10.0.0.0/8` from RFC 1918).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Aggregate {
    pub prefix: Spanned<IpNet>,
    pub rir: Ref<Rir>,
    pub tenant: Option<Ref<Tenant>>,
    pub date_added: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_aggregate(o: &mut Obj<'_, '_>) -> Option<Aggregate> {
    let prefix = cidr(o, "prefix", CidrKind::Prefix);
    let rir = req_ref(o, "rir");
    let tenant = opt_ref(o, "tenant");
    let date_added = o.str("date_added");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Aggregate { prefix: prefix?, rir: rir?, tenant, date_added, description, comments, tags, custom_fields })
}

/// The largest AS number (32 bits).
pub const ASN_MAX: i64 = 4_294_967_295;

/// An autonomous system number, allocated from a RIR.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Asn {
    pub asn: Spanned<i64>,
    pub rir: Ref<Rir>,
    pub role: Option<Ref<IpamRole>>,
    pub tenant: Option<Ref<Tenant>>,
    pub sites: Vec<Ref<Site>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_asn(o: &mut Obj<'_, '_>) -> Option<Asn> {
    let asn = o.req_int("asn", 1, ASN_MAX);
    let rir = req_ref(o, "rir");
    let role = opt_ref(o, "role");
    let tenant = opt_ref(o, "tenant");
    let sites = refs(o, "sites");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Asn { asn: asn?, rir: rir?, role, tenant, sites, description, comments, tags, custom_fields })
}

/// A range of AS numbers of a RIR, from which ASNs are handed out.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AsnRange {
    pub name: Text,
    pub slug: Text,
    pub rir: Ref<Rir>,
    pub start: Spanned<i64>,
    pub end: Spanned<i64>,
    pub tenant: Option<Ref<Tenant>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_asn_range(o: &mut Obj<'_, '_>) -> Option<AsnRange> {
    let ns = name_slug(o);
    let rir = req_ref(o, "rir");
    let start = o.req_int("start", 1, ASN_MAX);
    let end = o.req_int("end", 1, ASN_MAX);
    let tenant = opt_ref(o, "tenant");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(AsnRange {
        name,
        slug,
        rir: rir?,
        start: start?,
        end: end?,
        tenant,
        description,
        comments,
        tags,
        custom_fields,
    })
}

/// A range of addresses in a VRF (or the global table), first and last with their mask.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IpRange {
    pub start_address: Spanned<IpNet>,
    pub end_address: Spanned<IpNet>,
    pub vrf: Option<Ref<Vrf>>,
    pub tenant: Option<Ref<Tenant>>,
    pub status: Option<Text>,
    pub role: Option<Ref<IpamRole>>,
    pub mark_populated: Option<Spanned<bool>>,
    pub mark_utilized: Option<Spanned<bool>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_ip_range(o: &mut Obj<'_, '_>) -> Option<IpRange> {
    let start_address = cidr(o, "start_address", CidrKind::Address);
    let end_address = cidr(o, "end_address", CidrKind::Address);
    let vrf = opt_ref(o, "vrf");
    let tenant = opt_ref(o, "tenant");
    let status = o.str("status");
    let role = opt_ref(o, "role");
    let mark_populated = o.bool("mark_populated");
    let mark_utilized = o.bool("mark_utilized");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(IpRange {
        start_address: start_address?,
        end_address: end_address?,
        vrf,
        tenant,
        status,
        role,
        mark_populated,
        mark_utilized,
        description,
        comments,
        tags,
        custom_fields,
    })
}

impl IpRange {
    /// `vrf/start-end`, the VRF `global` for the global table.
    pub fn key(&self) -> String {
        let vrf = self.vrf.as_ref().map_or("global", |v| v.key.as_str());
        format!("{vrf}/{}-{}", self.start_address.value, self.end_address.value)
    }
}

/// A BGP extended community naming what a VRF or L2VPN imports and exports (`65000:100`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RouteTarget {
    pub name: Text,
    pub tenant: Option<Ref<Tenant>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_route_target(o: &mut Obj<'_, '_>) -> Option<RouteTarget> {
    let name = o.req_str("name");
    let tenant = opt_ref(o, "tenant");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(RouteTarget { name: name?, tenant, description, comments, tags, custom_fields })
}

/// A layer-four service (SSH, HTTP...) on a device or a virtual machine.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Service {
    pub name: Text,
    pub device: Option<Ref<Device>>,
    pub virtual_machine: Option<Ref<VirtualMachine>>,
    pub protocol: Text,
    pub ports: Vec<Spanned<i64>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
    /// Where the object is written (its first key).
    #[serde(skip)]
    pub span: Span,
}

pub fn lower_service(o: &mut Obj<'_, '_>) -> Option<Service> {
    let span = o.span();
    let name = o.req_str("name");
    let device = opt_ref(o, "device");
    let virtual_machine = opt_ref(o, "virtual_machine");
    let protocol = o.req_str("protocol");
    let items = o.list("ports");
    let ports = decode::each(items, |n| decode::read_int(n, "ports", 1, 65535, o.diags));
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Service {
        name: name?,
        device,
        virtual_machine,
        protocol: protocol?,
        ports,
        description,
        comments,
        tags,
        custom_fields,
        span,
    })
}

impl Service {
    /// `parent/name`: the device's or virtual machine's name, then the service's.
    pub fn key(&self) -> String {
        let parent =
            self.device.as_ref().map(|d| d.key.as_str()).or(self.virtual_machine.as_ref().map(|v| v.key.as_str()));
        format!("{}/{}", parent.unwrap_or_default(), self.name.value)
    }
}

/// A first-hop redundancy group (VRRP, HSRP...): a virtual gateway shared by interfaces.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FhrpGroup {
    pub protocol: Text,
    pub group_id: Spanned<i64>,
    pub name: Option<Text>,
    pub auth_type: Option<Text>,
    pub auth_key: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_fhrp_group(o: &mut Obj<'_, '_>) -> Option<FhrpGroup> {
    let protocol = o.req_str("protocol");
    let group_id = o.req_int("group_id", 0, 32767);
    let name = o.str("name");
    let auth_type = o.str("auth_type");
    let auth_key = o.str("auth_key");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(FhrpGroup {
        protocol: protocol?,
        group_id: group_id?,
        name,
        auth_type,
        auth_key,
        description,
        comments,
        tags,
        custom_fields,
    })
}

impl FhrpGroup {
    /// `protocol/group_id`, and `/name` when it has one (the same group id recurs at
    /// every site; a name tells such groups apart).
    pub fn key(&self) -> String {
        match &self.name {
            Some(n) => format!("{}/{}/{}", self.protocol.value, self.group_id.value, n.value),
            None => format!("{}/{}", self.protocol.value, self.group_id.value),
        }
    }
}

/// An interface's membership of an FHRP group, with its priority.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FhrpGroupAssignment {
    pub group: Ref<FhrpGroup>,
    pub interface: InterfaceRef,
    pub priority: Spanned<i64>,
    #[serde(skip)]
    pub span: Span,
}

/// An interface reference: `device:interface`, or `{device, interface}`.
pub(crate) fn read_interface_ref(o: &mut Obj<'_, '_>, key: &'static str) -> Option<InterfaceRef> {
    let n = o.required(key)?;
    let r = if n.as_map().is_some() {
        let mut m = Obj::new(n, "interface reference", o.diags)?;
        let device = m.req_str("device");
        let interface = m.req_str("interface");
        m.finish();
        Some(InterfaceRef { device: device?, interface: interface?, span: n.span, id: None })
    } else {
        match decode::scalar_text(n).and_then(|t| InterfaceRef::parse_str(t, n.span)) {
            Some(r) => Some(r),
            None => {
                o.diags.push(decode::wrong_type(n, "`device:interface`", &format!("`{key}`")));
                None
            }
        }
    };
    if r.is_none() {
        o.incomplete = true;
    }
    r
}

pub fn lower_fhrp_group_assignment(o: &mut Obj<'_, '_>) -> Option<FhrpGroupAssignment> {
    let span = o.span();
    let group = req_ref(o, "group");
    let interface = read_interface_ref(o, "interface");
    let priority = o.req_int("priority", 0, 255);
    Some(FhrpGroupAssignment { group: group?, interface: interface?, priority: priority?, span })
}

impl FhrpGroupAssignment {
    /// `group@device:interface`.
    pub fn key(&self) -> String {
        format!("{}@{}", self.group.key.value, self.interface.display())
    }
}
