//! Rack types and rack reservations; provider accounts and provider networks; L2VPNs
//! and their terminations; wireless LAN groups, wireless LANs and wireless links.

use super::numbering::read_interface_ref;
use super::read::*;
use super::*;

/// A rack model of a manufacturer (form factor, width, height).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RackType {
    pub manufacturer: Ref<Manufacturer>,
    pub model: Text,
    pub slug: Text,
    pub form_factor: Text,
    pub width: Option<Spanned<i64>>,
    pub u_height: Option<Spanned<i64>>,
    pub starting_unit: Option<Spanned<i64>>,
    pub desc_units: Option<Spanned<bool>>,
    pub outer_width: Option<Spanned<i64>>,
    pub outer_height: Option<Spanned<i64>>,
    pub outer_depth: Option<Spanned<i64>>,
    pub outer_unit: Option<Text>,
    pub mounting_depth: Option<Spanned<i64>>,
    pub weight: Option<Spanned<f64>>,
    pub max_weight: Option<Spanned<i64>>,
    pub weight_unit: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_rack_type(o: &mut Obj<'_, '_>) -> Option<RackType> {
    let manufacturer = req_ref(o, "manufacturer");
    let model = o.req_str("model");
    let slug = o.str("slug");
    let form_factor = o.req_str("form_factor");
    let width = o.int("width", 0, 32767);
    let u_height = o.int("u_height", 1, 100);
    let starting_unit = o.int("starting_unit", 1, 32767);
    let desc_units = o.bool("desc_units");
    let outer_width = o.int("outer_width", 0, 32767);
    let outer_height = o.int("outer_height", 0, 32767);
    let outer_depth = o.int("outer_depth", 0, 32767);
    let outer_unit = o.str("outer_unit");
    let mounting_depth = o.int("mounting_depth", 0, 32767);
    let weight = o.number("weight", 0.0, 1_000_000.0);
    let max_weight = o.int("max_weight", 0, 2_147_483_647);
    let weight_unit = o.str("weight_unit");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let model = model?;
    let slug = super::slug::slug_or_derive(slug, &model, o.diags)?;
    Some(RackType {
        manufacturer: manufacturer?,
        model,
        slug,
        form_factor: form_factor?,
        width,
        u_height,
        starting_unit,
        desc_units,
        outer_width,
        outer_height,
        outer_depth,
        outer_unit,
        mounting_depth,
        weight,
        max_weight,
        weight_unit,
        description,
        comments,
        tags,
        custom_fields,
    })
}

/// Units of a rack reserved for someone (`user`, a NetBox user name).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RackReservation {
    /// The rack as `site/rack` (a rack's name is unique within its site).
    pub rack: Text,
    pub units: Vec<Spanned<i64>>,
    pub user: Text,
    pub description: Text,
    pub status: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
    /// The rack `rack` names (set by resolve).
    #[serde(skip)]
    pub rack_id: Option<Id<Rack>>,
}

pub fn lower_rack_reservation(o: &mut Obj<'_, '_>) -> Option<RackReservation> {
    let rack = o.req_str("rack");
    let items = o.list("units");
    let units = decode::each(items, |n| decode::read_int(n, "units", 0, 32767, o.diags));
    let user = o.req_str("user");
    let description = o.req_str("description");
    let status = o.str("status");
    let tenant = opt_ref(o, "tenant");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(RackReservation {
        rack: rack?,
        units,
        user: user?,
        description: description?,
        status,
        tenant,
        comments,
        tags,
        custom_fields,
        rack_id: None,
    })
}

impl RackReservation {
    /// `site/rack/units` (`lon1/R1/1-4` for units 1, 2, 3, 4; `lon1/R1/1,3`).
    pub fn key(&self) -> String {
        let mut u: Vec<i64> = self.units.iter().map(|u| u.value).collect();
        u.sort_unstable();
        u.dedup();
        let contiguous = u.windows(2).all(|w| w[1] == w[0] + 1);
        let units = match (u.first(), u.last()) {
            (Some(a), Some(b)) if contiguous && u.len() > 1 => format!("{a}-{b}"),
            _ => u.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        };
        format!("{}/{units}", self.rack.value)
    }
}

/// An account with a circuit provider.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProviderAccount {
    pub provider: Ref<Provider>,
    pub account: Text,
    pub name: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_provider_account(o: &mut Obj<'_, '_>) -> Option<ProviderAccount> {
    let provider = req_ref(o, "provider");
    let account = o.req_str("account");
    let name = o.str("name");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(ProviderAccount { provider: provider?, account: account?, name, description, comments, tags, custom_fields })
}

/// A provider's network a circuit can end on (an MPLS cloud, an internet exchange).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProviderNetwork {
    pub provider: Ref<Provider>,
    pub name: Text,
    pub service_id: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_provider_network(o: &mut Obj<'_, '_>) -> Option<ProviderNetwork> {
    let provider = req_ref(o, "provider");
    let name = o.req_str("name");
    let service_id = o.str("service_id");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(ProviderNetwork { provider: provider?, name: name?, service_id, description, comments, tags, custom_fields })
}

/// A layer-2 VPN (VXLAN, VPLS, EVPN...).
#[derive(Debug, Clone, serde::Serialize)]
pub struct L2vpn {
    pub name: Text,
    pub slug: Text,
    #[serde(rename = "type")]
    pub l2vpn_type: Text,
    pub identifier: Option<Spanned<i64>>,
    pub status: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    pub import_targets: Vec<Ref<RouteTarget>>,
    pub export_targets: Vec<Ref<RouteTarget>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_l2vpn(o: &mut Obj<'_, '_>) -> Option<L2vpn> {
    let ns = name_slug(o);
    let l2vpn_type = o.req_str("type");
    let identifier = o.int("identifier", i64::MIN, i64::MAX);
    let status = o.str("status");
    let tenant = opt_ref(o, "tenant");
    let import_targets = refs(o, "import_targets");
    let export_targets = refs(o, "export_targets");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(L2vpn {
        name,
        slug,
        l2vpn_type: l2vpn_type?,
        identifier,
        status,
        tenant,
        import_targets,
        export_targets,
        description,
        comments,
        tags,
        custom_fields,
    })
}

/// What an L2VPN terminates on: a VLAN, or an interface of a device.
#[derive(Debug, Clone, serde::Serialize)]
pub struct L2vpnTermination {
    pub l2vpn: Ref<L2vpn>,
    pub vlan: Option<VlanRef>,
    pub interface: Option<InterfaceRef>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
    #[serde(skip)]
    pub span: Span,
}

pub fn lower_l2vpn_termination(o: &mut Obj<'_, '_>) -> Option<L2vpnTermination> {
    let span = o.span();
    let l2vpn = req_ref(o, "l2vpn");
    let vlan = o.node("vlan").and_then(|v| read_vlan_ref(v, "vlan", o.diags));
    let interface = match o.node("interface") {
        Some(_) => read_interface_ref(o, "interface"),
        None => None,
    };
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(L2vpnTermination { l2vpn: l2vpn?, vlan, interface, tags, custom_fields, span })
}

impl L2vpnTermination {
    /// `l2vpn/device:interface` or `l2vpn/VLAN 100` (`VLAN 100 in group g`).
    pub fn key(&self) -> String {
        let target = match (&self.interface, &self.vlan) {
            (Some(i), _) => i.display(),
            (None, Some(v)) => v.display(),
            (None, None) => String::new(),
        };
        format!("{}/{target}", self.l2vpn.key.value)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct WirelessLanGroup {
    pub name: Text,
    pub slug: Text,
    pub parent: Option<Ref<WirelessLanGroup>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_wireless_lan_group(o: &mut Obj<'_, '_>) -> Option<WirelessLanGroup> {
    let ns = name_slug(o);
    let parent = opt_ref(o, "parent");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(WirelessLanGroup { name, slug, parent, description, comments, tags, custom_fields })
}

/// A wireless network (SSID).
#[derive(Debug, Clone, serde::Serialize)]
pub struct WirelessLan {
    pub ssid: Text,
    pub group: Option<Ref<WirelessLanGroup>>,
    pub status: Option<Text>,
    pub vlan: Option<VlanRef>,
    pub tenant: Option<Ref<Tenant>>,
    pub auth_type: Option<Text>,
    pub auth_cipher: Option<Text>,
    pub auth_psk: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_wireless_lan(o: &mut Obj<'_, '_>) -> Option<WirelessLan> {
    let ssid = o.req_str("ssid");
    let group = opt_ref(o, "group");
    let status = o.str("status");
    let vlan = o.node("vlan").and_then(|v| read_vlan_ref(v, "vlan", o.diags));
    let tenant = opt_ref(o, "tenant");
    let auth_type = o.str("auth_type");
    let auth_cipher = o.str("auth_cipher");
    let auth_psk = o.str("auth_psk");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(WirelessLan {
        ssid: ssid?,
        group,
        status,
        vlan,
        tenant,
        auth_type,
        auth_cipher,
        auth_psk,
        description,
        comments,
        tags,
        custom_fields,
    })
}

impl WirelessLan {
    /// `group/ssid`, or the SSID alone outside a group.
    pub fn key(&self) -> String {
        match &self.group {
            Some(g) => format!("{}/{}", g.key.value, self.ssid.value),
            None => self.ssid.value.to_string(),
        }
    }
}

/// A point-to-point wireless link between two wireless interfaces.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WirelessLink {
    pub interface_a: InterfaceRef,
    pub interface_b: InterfaceRef,
    pub ssid: Option<Text>,
    pub status: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    pub auth_type: Option<Text>,
    pub auth_cipher: Option<Text>,
    pub auth_psk: Option<Text>,
    pub distance: Option<Spanned<f64>>,
    pub distance_unit: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
    #[serde(skip)]
    pub span: Span,
}

pub fn lower_wireless_link(o: &mut Obj<'_, '_>) -> Option<WirelessLink> {
    let span = o.span();
    let interface_a = read_interface_ref(o, "interface_a");
    let interface_b = read_interface_ref(o, "interface_b");
    let ssid = o.str("ssid");
    let status = o.str("status");
    let tenant = opt_ref(o, "tenant");
    let auth_type = o.str("auth_type");
    let auth_cipher = o.str("auth_cipher");
    let auth_psk = o.str("auth_psk");
    let distance = o.number("distance", 0.0, 1_000_000.0);
    let distance_unit = o.str("distance_unit");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(WirelessLink {
        interface_a: interface_a?,
        interface_b: interface_b?,
        ssid,
        status,
        tenant,
        auth_type,
        auth_cipher,
        auth_psk,
        distance,
        distance_unit,
        description,
        comments,
        tags,
        custom_fields,
        span,
    })
}

impl WirelessLink {
    /// Its two interfaces, in sorted order (`a:wlan0 <> b:wlan0`).
    pub fn key(&self) -> String {
        let (a, b) = (self.interface_a.display(), self.interface_b.display());
        if a <= b { format!("{a} <> {b}") } else { format!("{b} <> {a}") }
    }
}
