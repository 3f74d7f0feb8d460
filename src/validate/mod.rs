//! Validate: rules over the linked inventory, one rule per file.
//!
//! A rule sees the resolved [`Inventory`] and [`Index`] read-only and returns
//! its findings; rules run in parallel and their output is sorted by the driver.
//! NetBox's data rules (VLAN ranges, cables, racks, IPAM) are added here as
//! further files, each listed in [`RULES`].

mod file_names;
mod unused_tags;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
use crate::resolve::Index;

/// One check over the linked inventory.
pub trait Rule: Sync {
    /// A short name, for profiling and docs.
    fn name(&self) -> &'static str;
    fn check(&self, inv: &Inventory, ix: &Index, out: &mut Vec<Diagnostic>);
}

/// Every rule, in a fixed order.
pub static RULES: &[&dyn Rule] = &[&file_names::FileNames, &unused_tags::UnusedTags];

pub fn run(inv: &Inventory, ix: &Index) -> Vec<Diagnostic> {
    RULES
        .par_iter()
        .map(|r| {
            let mut out = Vec::new();
            r.check(inv, ix, &mut out);
            out
        })
        .flatten()
        .collect()
}
