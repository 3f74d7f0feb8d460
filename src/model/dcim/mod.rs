//! DCIM: regions, site groups, sites, locations, racks, manufacturers, device
//! types (devicetype-library format), roles, platforms, devices with their
//! interfaces, and cables.
//!
//! One file per family: `sites.rs` (regions, site groups, sites, locations), `racks.rs`,
//! `device_types.rs` (manufacturers, device types, component templates), `components.rs`
//! (console, power, front and rear ports, bays, inventory items: templates' fields and
//! devices' components), `devices.rs` (roles, platforms, devices, interfaces), `cables.rs`.

mod cables;
mod components;
mod device_types;
mod devices;
mod modules;
mod racks;
mod sites;

pub use cables::*;
pub use components::*;
pub use device_types::*;
pub use devices::*;
pub use modules::*;
pub use racks::*;
pub use sites::*;

use super::*;

/// A number of rack units: a multiple of 0.5, at least `min`.
fn half_units(o: &mut Obj<'_, '_>, key: &'static str, min: f64) -> Option<Spanned<f64>> {
    let n = o.number(key, min, 1000.0)?;
    if (n.value * 2.0).fract() != 0.0 {
        o.diags.push(
            Diagnostic::new(
                Code::InvalidValue,
                n.span,
                format!("`{key}` must be a whole or half unit, not {}", n.value),
            )
            .label("not a multiple of 0.5"),
        );
        return None;
    }
    Some(n)
}
