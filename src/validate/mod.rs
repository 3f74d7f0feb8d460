//! Validate: rules over the linked inventory, one rule per file.
//!
//! A rule sees the resolved [`Inventory`] and [`Index`] read-only and returns
//! its findings; rules run in parallel and their output is sorted by the driver.
//! NetBox's data rules (VLAN ranges, cables, racks, IPAM) are added here as
//! further files, each listed in [`rules`].

mod addressing;
mod cable_subnets;
mod cables;
mod choice_values;
mod custom_fields;
pub(crate) mod file_names;
mod interfaces;
mod layer2;
pub mod mac;
mod numbering;
mod power;
mod racks;
mod secrets;
mod unused_tags;
mod virtualization;
mod vlans;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
use crate::project::Config;
use crate::resolve::Index;

/// One check over the linked inventory.
pub trait Check: Sync {
    /// A short name, for profiling and docs.
    fn name(&self) -> &'static str;
    fn check(&self, inv: &Inventory, ix: &Index, out: &mut Vec<Diagnostic>);
}

/// Every rule, in a fixed order.
pub fn rules(config: &Config) -> Vec<Box<dyn Check>> {
    vec![
        Box::new(file_names::FileNames),
        Box::new(unused_tags::UnusedTags),
        Box::new(choice_values::Choices),
        Box::new(racks::Racks),
        Box::new(interfaces::InterfaceLinks),
        Box::new(mac::MacAddresses),
        Box::new(cables::Cables),
        Box::new(cable_subnets::CableSubnets),
        Box::new(vlans::Vlans),
        Box::new(addressing::Ipam { enforce_global_unique: config.enforce_global_unique }),
        Box::new(numbering::Numbering),
        Box::new(virtualization::Virtualization),
        Box::new(power::Power),
        Box::new(layer2::Layer2),
        Box::new(custom_fields::CustomFields),
        Box::new(secrets::SecretLiterals { keys: config.secret_keys.clone() }),
    ]
}

/// Whether `name` is safe as a file name (`build/configs/<name>.cfg`).
pub fn safe_file_name(name: &str) -> bool {
    file_names::unsafe_file_name(name).is_none()
}

pub fn run(inv: &Inventory, ix: &Index, config: &Config) -> Vec<Diagnostic> {
    rules(config)
        .par_iter()
        .map(|r| {
            let mut out = Vec::new();
            r.check(inv, ix, &mut out);
            out
        })
        .flatten()
        .collect()
}
