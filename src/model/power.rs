//! Power panels and the feeds they supply; virtual chassis (devices managed as one).

use super::read::*;
use super::*;

/// A power panel (distribution board) at a site.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PowerPanel {
    pub name: Text,
    pub site: Ref<Site>,
    /// A location of the panel's site (linked by resolve, within the site).
    pub location: Option<Ref<Location>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_power_panel(o: &mut Obj<'_, '_>) -> Option<PowerPanel> {
    let name = o.req_str("name");
    let site = req_ref(o, "site");
    let location = opt_ref(o, "location");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(PowerPanel { name: name?, site: site?, location, description, comments, tags, custom_fields })
}

impl PowerPanel {
    /// `site/name`: a panel's name is unique within its site.
    pub fn key(&self) -> String {
        format!("{}/{}", self.site.key.value, self.name.value)
    }
}

/// A feed from a power panel, usually to a rack.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PowerFeed {
    pub name: Text,
    /// The panel, by its key `site/name`.
    pub power_panel: Ref<PowerPanel>,
    /// A rack of the panel's site (linked by resolve, within the site).
    pub rack: Option<Ref<Rack>>,
    pub status: Option<Text>,
    #[serde(rename = "type")]
    pub feed_type: Option<Text>,
    pub supply: Option<Text>,
    pub phase: Option<Text>,
    pub voltage: Option<Spanned<i64>>,
    pub amperage: Option<Spanned<i64>>,
    pub max_utilization: Option<Spanned<i64>>,
    pub mark_connected: Option<Spanned<bool>>,
    pub tenant: Option<Ref<Tenant>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_power_feed(o: &mut Obj<'_, '_>) -> Option<PowerFeed> {
    let name = o.req_str("name");
    let power_panel = req_ref(o, "power_panel");
    let rack = opt_ref(o, "rack");
    let status = o.str("status");
    let feed_type = o.str("type");
    let supply = o.str("supply");
    let phase = o.str("phase");
    let voltage = o.int("voltage", -32768, 32767);
    let amperage = o.int("amperage", 1, 32767);
    let max_utilization = o.int("max_utilization", 1, 100);
    let mark_connected = o.bool("mark_connected");
    let tenant = opt_ref(o, "tenant");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(PowerFeed {
        name: name?,
        power_panel: power_panel?,
        rack,
        status,
        feed_type,
        supply,
        phase,
        voltage,
        amperage,
        max_utilization,
        mark_connected,
        tenant,
        description,
        comments,
        tags,
        custom_fields,
    })
}

impl PowerFeed {
    /// `panel/name`, the panel by its own key (`lon1/PP-A/F1`).
    pub fn key(&self) -> String {
        format!("{}/{}", self.power_panel.key.value, self.name.value)
    }
}

/// Devices managed as one (a stack); members say `virtual_chassis`, `vc_position` and
/// `vc_priority` on the device.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VirtualChassis {
    pub name: Text,
    pub domain: Option<Text>,
    /// The member that manages the others.
    pub master: Option<Ref<Device>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_virtual_chassis(o: &mut Obj<'_, '_>) -> Option<VirtualChassis> {
    let name = o.req_str("name");
    let domain = o.str("domain");
    let master = opt_ref(o, "master");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(VirtualChassis { name: name?, domain, master, description, comments, tags, custom_fields })
}
