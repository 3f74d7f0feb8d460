//! Resolve: index natural keys, link every reference, check parent chains.
//!
//! Entry point: [`resolve`]. It fills the `id` of every [`Ref`] in the
//! inventory, materialises each device's interfaces from its device type,
//! gathers inline IP addresses into the inventory's address list, and returns
//! the [`Index`] of natural keys that later stages look objects up in.
//! Reported here: duplicate natural keys, unknown and ambiguous references,
//! parent-chain cycles, tag name clashes, unknown template and schema files,
//! and custom fields not defined for an object's type.

mod components;
mod cycles;
mod devices;
mod index;
mod link;
mod models;

pub use devices::{DeviceLookup, find_device};
pub use index::{Index, KeyMap, VlanScope};
pub(crate) use link::one as link_one;
pub use models::vm_site;

use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
use crate::source::SourceSet;

/// Link the inventory in place; report every problem into `diags`.
pub fn resolve(inv: &mut Inventory, sources: &SourceSet, diags: &mut Vec<Diagnostic>) -> Index {
    let mut index = index::build_flat(inv, diags);
    link::link_flat(inv, &index, sources, diags);
    index::build_scoped(inv, &mut index, diags);
    cycles::check(inv, diags);
    devices::link_devices(inv, &mut index, diags);
    link::link_scoped(inv, &index, diags);
    models::link(inv, &index, diags);
    cycles::check_locations(inv, diags);
    index
}
