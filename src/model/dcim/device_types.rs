//! Manufacturers and device types (devicetype-library format) with their component templates.

use super::*;
use crate::diagnostic::Diagnostic;
use crate::model::read::*;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Manufacturer {
    pub name: Text,
    pub slug: Text,
    pub description: Option<Text>,
}

pub fn lower_manufacturer(o: &mut Obj<'_, '_>) -> Option<Manufacturer> {
    let ns = name_slug(o);
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(Manufacturer { name, slug, description })
}

/// The kinds of device components of the devicetype-library format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    Interface,
    ConsolePort,
    ConsoleServerPort,
    PowerPort,
    PowerOutlet,
    FrontPort,
    RearPort,
    ModuleBay,
    DeviceBay,
    InventoryItem,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 10] = [
        ComponentKind::Interface,
        ComponentKind::ConsolePort,
        ComponentKind::ConsoleServerPort,
        ComponentKind::PowerPort,
        ComponentKind::PowerOutlet,
        ComponentKind::FrontPort,
        ComponentKind::RearPort,
        ComponentKind::ModuleBay,
        ComponentKind::DeviceBay,
        ComponentKind::InventoryItem,
    ];

    /// The list key in a device-type file.
    pub fn key(self) -> &'static str {
        match self {
            ComponentKind::Interface => "interfaces",
            ComponentKind::ConsolePort => "console-ports",
            ComponentKind::ConsoleServerPort => "console-server-ports",
            ComponentKind::PowerPort => "power-ports",
            ComponentKind::PowerOutlet => "power-outlets",
            ComponentKind::FrontPort => "front-ports",
            ComponentKind::RearPort => "rear-ports",
            ComponentKind::ModuleBay => "module-bays",
            ComponentKind::DeviceBay => "device-bays",
            ComponentKind::InventoryItem => "inventory-items",
        }
    }

    /// NetBox's model of this component on a device type.
    pub fn netbox_model(self) -> &'static str {
        match self {
            ComponentKind::Interface => "dcim.interfacetemplate",
            ComponentKind::ConsolePort => "dcim.consoleporttemplate",
            ComponentKind::ConsoleServerPort => "dcim.consoleserverporttemplate",
            ComponentKind::PowerPort => "dcim.powerporttemplate",
            ComponentKind::PowerOutlet => "dcim.poweroutlettemplate",
            ComponentKind::FrontPort => "dcim.frontporttemplate",
            ComponentKind::RearPort => "dcim.rearporttemplate",
            ComponentKind::ModuleBay => "dcim.modulebaytemplate",
            ComponentKind::DeviceBay => "dcim.devicebaytemplate",
            ComponentKind::InventoryItem => "dcim.inventoryitemtemplate",
        }
    }

    pub fn what(self) -> &'static str {
        match self {
            ComponentKind::Interface => "interface template",
            ComponentKind::ConsolePort => "console port",
            ComponentKind::ConsoleServerPort => "console server port",
            ComponentKind::PowerPort => "power port",
            ComponentKind::PowerOutlet => "power outlet",
            ComponentKind::FrontPort => "front port",
            ComponentKind::RearPort => "rear port",
            ComponentKind::ModuleBay => "module bay",
            ComponentKind::DeviceBay => "device bay",
            ComponentKind::InventoryItem => "inventory item",
        }
    }

    /// Fields besides `name`, `label`, `type`, `description` and the kind's
    /// [`PortFields`] that a template of the kind accepts, kept as written.
    pub(super) fn extra_fields(self) -> &'static [&'static str] {
        match self {
            ComponentKind::Interface => &["enabled", "mgmt_only", "bridge", "poe_mode", "poe_type", "rf_role"],
            ComponentKind::ConsolePort | ComponentKind::RearPort => &["_is_power_source"],
            ComponentKind::FrontPort => &["positions"],
            _ => &[],
        }
    }
}

/// One component template of a device type.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Component {
    pub kind: ComponentKind,
    pub name: Text,
    pub component_type: Option<Text>,
    pub label: Option<Text>,
    pub description: Option<Text>,
    pub mgmt_only: bool,
    pub enabled: Option<bool>,
    /// The fields of the kind (`rear_port`, `power_port`, `positions`...).
    pub fields: PortFields,
    /// Other fields of the kind, kept as written.
    pub extra: Vec<(&'static str, Node<'static>)>,
}

/// A front-to-rear port mapping (the library's newer `port-mappings:` form).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PortMapping {
    pub front_port: Text,
    pub rear_port: Text,
    pub front_port_position: Option<Spanned<i64>>,
    pub rear_port_position: Option<Spanned<i64>>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DeviceType {
    pub manufacturer: Ref<Manufacturer>,
    pub model: Text,
    pub slug: Text,
    pub part_number: Option<Text>,
    pub u_height: Option<Spanned<f64>>,
    pub is_full_depth: Option<Spanned<bool>>,
    pub airflow: Option<Text>,
    pub weight: Option<Spanned<f64>>,
    pub weight_unit: Option<Text>,
    pub subdevice_role: Option<Text>,
    pub front_image: Option<Spanned<bool>>,
    pub rear_image: Option<Spanned<bool>>,
    pub is_powered: Option<Spanned<bool>>,
    pub exclude_from_utilization: Option<Spanned<bool>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub components: Vec<Component>,
    pub port_mappings: Vec<PortMapping>,
}

impl DeviceType {
    pub fn interfaces(&self) -> impl Iterator<Item = &Component> {
        self.components.iter().filter(|c| c.kind == ComponentKind::Interface)
    }
}

pub fn lower_device_type(o: &mut Obj<'_, '_>) -> Option<DeviceType> {
    let manufacturer = req_ref(o, "manufacturer");
    let model = o.req_str("model");
    let slug = o.req_str("slug");
    let part_number = o.str("part_number");
    if o.node("u_height").is_none() {
        o.required("u_height");
    }
    let u_height = half_units(o, "u_height", 0.0);
    // NetBox defaults it to true; the devicetype-library always writes it.
    let is_full_depth = o.bool("is_full_depth");
    let airflow = o.str("airflow");
    let weight = o.number("weight", 0.0, 1e6);
    let weight_unit = o.str("weight_unit");
    let subdevice_role = o.str("subdevice_role");
    let front_image = o.bool("front_image");
    let rear_image = o.bool("rear_image");
    let is_powered = o.bool("is_powered");
    let exclude_from_utilization = o.bool("exclude_from_utilization");
    let description = o.str("description");
    let comments = o.str("comments");
    let (components, port_mappings) = lower_templates(o);
    let model = model?;
    let slug = slug::slug_or_derive(Some(slug?), &model, o.diags)?;
    Some(DeviceType {
        manufacturer: manufacturer?,
        model,
        slug,
        part_number,
        u_height,
        is_full_depth,
        airflow,
        weight,
        weight_unit,
        subdevice_role,
        front_image,
        rear_image,
        is_powered,
        exclude_from_utilization,
        description,
        comments,
        components,
        port_mappings,
    })
}

/// The component templates of a device or module type, and its port mappings.
pub(super) fn lower_templates(o: &mut Obj<'_, '_>) -> (Vec<Component>, Vec<PortMapping>) {
    let mut components = Vec::new();
    for kind in ComponentKind::ALL {
        for item in o.list(kind.key()) {
            if let Some(c) = lower_component(item, kind, o.diags) {
                components.push(c);
            }
        }
    }
    let mut port_mappings = Vec::new();
    for item in o.list("port-mappings") {
        let Some(mut m) = Obj::new(item, "port mapping", o.diags) else { continue };
        let front_port = m.req_str("front_port");
        let rear_port = m.req_str("rear_port");
        let front_port_position = m.int("front_port_position", 1, 1024);
        let rear_port_position = m.int("rear_port_position", 1, 1024);
        m.finish();
        if let (Some(front_port), Some(rear_port)) = (front_port, rear_port) {
            port_mappings.push(PortMapping { front_port, rear_port, front_port_position, rear_port_position });
        }
    }
    (components, port_mappings)
}

pub(super) fn lower_component(item: &Node, kind: ComponentKind, diags: &mut Vec<Diagnostic>) -> Option<Component> {
    let mut c = Obj::new(item, kind.what(), diags)?.with_limits(super::limit::of(kind.netbox_model()));
    let name = c.req_str("name");
    // NetBox refuses an interface template without a type; the template is kept, so
    // that the rest of the file is still checked.
    let component_type = if kind == ComponentKind::Interface { c.req_str("type") } else { c.str("type") };
    let label = c.str("label");
    let description = c.str("description");
    let mut mgmt_only = false;
    let mut enabled = None;
    let fields = super::components::port_fields(&mut c, kind, false);
    let mut extra = Vec::new();
    for &field in kind.extra_fields() {
        match field {
            "mgmt_only" => mgmt_only = c.bool(field).is_some_and(|b| b.value),
            "enabled" => enabled = c.bool(field).map(|b| b.value),
            _ => {
                if let Some(n) = c.node(field) {
                    extra.push((field, n.to_static()));
                }
            }
        }
    }
    c.finish();
    Some(Component { kind, name: name?, component_type, label, description, mgmt_only, enabled, fields, extra })
}
