//! Choice fields hold NetBox's values (status, types, modes, faces, units, roles).

use std::sync::LazyLock;

use super::Check;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::hash::HashSet;
use crate::model::choices::*;
use crate::model::{ComponentKind, Inventory, Text, decode::scalar_text};
use crate::resolve::Index;

pub struct Choices;

/// Interface types as a set: the list has 216 values, and every interface written in a
/// device (one that refines its type's interface included) is checked against it.
static INTERFACE_TYPES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| INTERFACE_TYPE.iter().copied().collect());

/// Report `t` unless it is one of `allowed`.
pub fn check(out: &mut Vec<Diagnostic>, t: Option<&Text>, allowed: &[&str], what: &str) {
    let Some(t) = t else { return };
    if !allowed.contains(&t.as_str()) {
        report(out, t, allowed, what);
    }
}

/// Report that `t` is not one of `allowed`.
fn report(out: &mut Vec<Diagnostic>, t: &Text, allowed: &[&str], what: &str) {
    let help = did_you_mean(&t.value, allowed.iter().copied()).unwrap_or_else(|| {
        if allowed.len() <= 12 {
            format!("one of: {}", allowed.join(", "))
        } else {
            format!("NetBox offers {} values; see its API schema", allowed.len())
        }
    });
    out.push(
        Diagnostic::new(Code::InvalidChoice, t.span, format!("`{}` is not a valid {what}", t.value))
            .label(format!("not a {what}"))
            .help(help),
    );
}

impl Check for Choices {
    fn name(&self) -> &'static str {
        "choices"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for x in &inv.sites {
            check(out, x.status.as_ref(), SITE_STATUS, "site status");
        }
        for x in &inv.locations {
            check(out, x.status.as_ref(), LOCATION_STATUS, "location status");
        }
        for x in &inv.racks {
            check(out, x.status.as_ref(), RACK_STATUS, "rack status");
        }
        for dt in &inv.device_types {
            check(out, dt.airflow.as_ref(), DEVICE_TYPE_AIRFLOW, "airflow");
            check(out, dt.weight_unit.as_ref(), WEIGHT_UNIT, "weight unit");
            check(out, dt.subdevice_role.as_ref(), SUBDEVICE_ROLE, "subdevice role");
        }
        // Module types' templates are checked as device types' are.
        let templates =
            inv.device_types.iter().map(|t| &t.components).chain(inv.module_types.iter().map(|t| &t.components));
        for components in templates {
            for c in components {
                let types = component_types(c.kind);
                if !types.is_empty() {
                    check(out, c.component_type.as_ref(), types, &format!("{} type", c.kind.what()));
                }
                for (key, node) in &c.extra {
                    let allowed: &[&str] = match *key {
                        "poe_mode" => POE_MODE,
                        "poe_type" => POE_TYPE,
                        "rf_role" => RF_ROLE,
                        "feed_leg" => FEED_LEG,
                        _ => continue,
                    };
                    let text = scalar_text(node).map(|s| Text::new(s.into(), node.span));
                    check(out, text.as_ref(), allowed, &key.replace('_', " "));
                }
                check(out, c.fields.feed_leg.as_ref(), FEED_LEG, "feed leg");
            }
        }
        for d in &inv.devices {
            check(out, d.status.as_ref(), DEVICE_STATUS, "device status");
            check(out, d.face.as_ref(), DEVICE_FACE, "rack face");
            check(out, d.airflow.as_ref(), DEVICE_AIRFLOW, "airflow");
            for i in d.interfaces.iter().filter(|i| i.inline) {
                if let Some(t) = &i.interface_type
                    && !INTERFACE_TYPES.contains(t.as_str())
                {
                    report(out, t, INTERFACE_TYPE, "interface type");
                }
                check(out, i.mode.as_ref(), INTERFACE_MODE, "interface mode");
            }
            // The device's own (a refined one's type may be its template's, checked above).
            for p in d.components.iter().filter(|p| p.inline && p.template.is_none()) {
                let types = component_types(p.kind);
                if !types.is_empty() {
                    check(out, p.component_type.as_ref(), types, &format!("{} type", p.kind.what()));
                }
                check(out, p.fields.feed_leg.as_ref(), FEED_LEG, "feed leg");
            }
        }
        for c in &inv.cables {
            check(out, c.cable_type.as_ref(), CABLE_TYPE, "cable type");
            check(out, c.status.as_ref(), CABLE_STATUS, "cable status");
            check(out, c.length_unit.as_ref(), LENGTH_UNIT, "length unit");
        }
        for p in &inv.prefixes {
            check(out, p.status.as_ref(), PREFIX_STATUS, "prefix status");
        }
        for ip in &inv.ip_addresses {
            check(out, ip.status.as_ref(), IP_STATUS, "IP address status");
            check(out, ip.role.as_ref(), IP_ROLE, "IP address role");
        }
        for v in &inv.vlans {
            check(out, v.status.as_ref(), VLAN_STATUS, "VLAN status");
        }
        for c in &inv.circuits {
            check(out, c.status.as_ref(), CIRCUIT_STATUS, "circuit status");
        }
        for f in &inv.custom_fields {
            check(out, Some(&f.field_type), CUSTOM_FIELD_TYPE, "custom field type");
        }
    }
}

/// NetBox's types of a component of `kind` (none for bays and inventory items).
fn component_types(kind: ComponentKind) -> &'static [&'static str] {
    match kind {
        ComponentKind::Interface => INTERFACE_TYPE,
        ComponentKind::ConsolePort => CONSOLE_PORT_TYPE,
        ComponentKind::ConsoleServerPort => CONSOLE_SERVER_PORT_TYPE,
        ComponentKind::PowerPort => POWER_PORT_TYPE,
        ComponentKind::PowerOutlet => POWER_OUTLET_TYPE,
        ComponentKind::FrontPort => FRONT_PORT_TYPE,
        ComponentKind::RearPort => REAR_PORT_TYPE,
        ComponentKind::ModuleBay | ComponentKind::DeviceBay | ComponentKind::InventoryItem => &[],
    }
}
