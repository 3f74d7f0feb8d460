//! Device components other than interfaces: console ports, console server ports, power
//! ports, power outlets, front and rear ports, device bays, module bays and inventory
//! items, as templates of a device type and as components of a device.
//!
//! One struct, [`Port`], holds every kind: they share name, type, label, description and
//! tags, and each kind reads its own few fields ([`PortFields`]). A device holds them in
//! `Device::components`, its type's first (in the type's order, each refined by the one
//! written under its name), then its own, as its interfaces are.

use super::*;
use crate::diagnostic::Diagnostic;
use crate::model::read::*;

impl ComponentKind {
    /// The components a device holds besides its interfaces, in NetBox's order.
    pub const PORTS: [ComponentKind; 9] = [
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

    /// The list a device writes its components of this kind in, as NetBox's related
    /// manager on a device names it (`console_ports`).
    pub fn device_key(self) -> &'static str {
        self.info().collection
    }

    /// The registry's entry for components of this kind on a device.
    pub fn info(self) -> &'static KindInfo {
        match self {
            ComponentKind::Interface => &INTERFACE,
            ComponentKind::ConsolePort => &COMPONENT_KINDS[0],
            ComponentKind::ConsoleServerPort => &COMPONENT_KINDS[1],
            ComponentKind::PowerPort => &COMPONENT_KINDS[2],
            ComponentKind::PowerOutlet => &COMPONENT_KINDS[3],
            ComponentKind::FrontPort => &COMPONENT_KINDS[4],
            ComponentKind::RearPort => &COMPONENT_KINDS[5],
            ComponentKind::ModuleBay => &COMPONENT_KINDS[6],
            ComponentKind::DeviceBay => &COMPONENT_KINDS[7],
            ComponentKind::InventoryItem => &COMPONENT_KINDS[8],
        }
    }

    /// Whether a cable can end on a component of this kind.
    pub fn cablable(self) -> bool {
        !matches!(self, ComponentKind::ModuleBay | ComponentKind::DeviceBay | ComponentKind::InventoryItem)
    }
}

/// The fields of a component that only some kinds have. Names are read as text as
/// written (`rear_port: 08` is the port named "08", as NetBox's import reads it).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PortFields {
    /// Rear ports: how many front-port positions it carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positions: Option<Spanned<i64>>,
    /// Front ports: the rear port it maps to, and the position on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rear_port: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rear_port_position: Option<Spanned<i64>>,
    /// Power outlets: the power port feeding it, and the feed leg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_port: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_leg: Option<Text>,
    /// Power ports: the draws, in watts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_draw: Option<Spanned<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocated_draw: Option<Spanned<i64>>,
    /// Front and rear ports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Text>,
    /// Module bays: the position a module's `{module}` stands for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Text>,
    /// Inventory items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_id: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_tag: Option<Text>,
    /// Device bays (on a device): the child device installed in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installed_device: Option<Text>,
    /// Module bays (on a device): the module installed in it, by module type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<Text>,
    /// Cablable kinds (on a device): connected without a cable `sot` knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_connected: Option<bool>,
}

impl PortFields {
    /// Each field this one leaves unset, taken from `t`.
    fn fill_from(&mut self, t: &PortFields) {
        fn or<T: Clone>(a: &mut Option<T>, b: &Option<T>) {
            if a.is_none() {
                a.clone_from(b);
            }
        }
        or(&mut self.positions, &t.positions);
        or(&mut self.rear_port, &t.rear_port);
        or(&mut self.rear_port_position, &t.rear_port_position);
        or(&mut self.power_port, &t.power_port);
        or(&mut self.feed_leg, &t.feed_leg);
        or(&mut self.maximum_draw, &t.maximum_draw);
        or(&mut self.allocated_draw, &t.allocated_draw);
        or(&mut self.color, &t.color);
        or(&mut self.position, &t.position);
        or(&mut self.manufacturer, &t.manufacturer);
        or(&mut self.part_id, &t.part_id);
    }

    /// Each field this one leaves unset, taken from a module's component.
    pub fn fill_from_port(&mut self, t: &PortFields) {
        self.fill_from(t);
    }

    /// A rear port's positions (NetBox's default is 1).
    pub fn positions(&self) -> i64 {
        self.positions.as_ref().map_or(1, |p| p.value)
    }
}

/// Read the fields of `kind` (templates: `device` false; components of a device: true).
pub(super) fn port_fields(o: &mut Obj<'_, '_>, kind: ComponentKind, device: bool) -> PortFields {
    let mut f = PortFields::default();
    match kind {
        ComponentKind::RearPort => {
            f.positions = o.int("positions", 1, 1024);
            f.color = o.str("color");
        }
        ComponentKind::FrontPort => {
            f.rear_port = o.str("rear_port");
            f.rear_port_position = o.int("rear_port_position", 1, 1024);
            f.color = o.str("color");
        }
        ComponentKind::PowerPort => {
            // NetBox: at least 1 watt each.
            f.maximum_draw = o.int("maximum_draw", 1, i64::from(i32::MAX));
            f.allocated_draw = o.int("allocated_draw", 1, i64::from(i32::MAX));
        }
        ComponentKind::PowerOutlet => {
            f.power_port = o.str("power_port");
            f.feed_leg = o.str("feed_leg");
        }
        ComponentKind::ModuleBay => {
            f.position = o.str("position");
            if device {
                f.module = o.str("module");
            }
        }
        ComponentKind::InventoryItem => {
            f.manufacturer = o.str("manufacturer");
            f.part_id = o.str("part_id");
            if device {
                f.serial = o.str("serial");
                f.asset_tag = o.str("asset_tag");
            }
        }
        ComponentKind::DeviceBay => {
            if device {
                f.installed_device = o.str("installed_device");
            }
        }
        ComponentKind::ConsolePort | ComponentKind::ConsoleServerPort | ComponentKind::Interface => {}
    }
    if device && kind.cablable() {
        f.mark_connected = o.bool("mark_connected").map(|b| b.value);
    }
    f
}

/// A component of a device other than an interface.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Port {
    pub kind: ComponentKind,
    pub name: Text,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub component_type: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(flatten)]
    pub fields: PortFields,
    pub tags: Vec<Ref<Tag>>,
    /// Position in the device type's components, for components the type defines.
    #[serde(skip)]
    pub template: Option<u32>,
    /// Written inside the device (possibly refining a template component).
    #[serde(skip)]
    pub inline: bool,
    /// The component of the same device this one names (a front port's rear port, an
    /// outlet's power port), by position in `Device::components` (after resolve).
    #[serde(skip)]
    pub link: Option<u32>,
    /// Made by a module installed in one of the device's module bays.
    #[serde(skip)]
    pub from_module: bool,
}

impl Port {
    /// A component created from a device-type template.
    pub fn from_template(c: &Component, index: u32) -> Port {
        let mut p = Port {
            kind: c.kind,
            name: c.name.clone(),
            component_type: None,
            label: None,
            description: None,
            fields: PortFields::default(),
            tags: Vec::new(),
            template: None,
            inline: false,
            link: None,
            from_module: false,
        };
        p.fill_from_template(c, index);
        p
    }

    /// A component made by a module from its type's template `c`, named `name`.
    pub fn from_module(c: &Component, name: Text) -> Port {
        let mut p = Port::from_template(c, 0);
        p.name = name;
        p.template = None;
        p.from_module = true;
        p
    }

    /// Take the template `c` (at `index`), and each field it carries that this one
    /// leaves unset.
    pub fn fill_from_template(&mut self, c: &Component, index: u32) {
        self.template = Some(index);
        if self.component_type.is_none() {
            self.component_type.clone_from(&c.component_type);
        }
        if self.label.is_none() {
            self.label.clone_from(&c.label);
        }
        if self.description.is_none() {
            self.description.clone_from(&c.description);
        }
        self.fields.fill_from(&c.fields);
    }
}

/// Lower one component of `kind` written inside a device.
pub(super) fn lower_port(n: &Node, kind: ComponentKind, diags: &mut Vec<Diagnostic>) -> Option<Port> {
    let mut o = Obj::new(n, kind.what(), diags)?.with_limits(super::limit::of(kind.info().netbox));
    let p = port_body(&mut o, kind);
    let incomplete = o.incomplete;
    o.finish();
    p.filter(|_| !incomplete)
}

fn port_body(o: &mut Obj<'_, '_>, kind: ComponentKind) -> Option<Port> {
    let name = o.req_str("name");
    let component_type = o.str("type");
    let label = o.str("label");
    let description = o.str("description");
    let fields = port_fields(o, kind, true);
    let tags = tags(o);
    Some(Port {
        kind,
        name: name?,
        component_type,
        label,
        description,
        fields,
        tags,
        template: None,
        inline: true,
        link: None,
        from_module: false,
    })
}

/// The fields of a component of `kind` written inside a device (for `sot schema`).
pub fn describe_port(kind: ComponentKind) -> Vec<decode::FieldSpec> {
    decode::describe(|o| {
        let _ = port_body(o, kind);
    })
}
