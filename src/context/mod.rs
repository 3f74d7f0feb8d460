//! Config contexts: which apply to a device, their merge exactly as NetBox
//! does it (with provenance), and the checks that weights mean what their
//! authors think.
//!
//! Entry points: [`Contexts::merged`] for one device (used by `show`, rules and
//! rendering) and [`check`], the context stage of `sot check`, which merges
//! every device once, in parallel, and reports ties, less-specific overrides,
//! weight bands, unused and shadowed contexts, and schema violations of merged
//! results.

mod checks;
mod matching;
pub mod merge;

pub use checks::check;
pub use matching::{Matcher, weight};
pub use merge::{Entry, MValue, Merged, Override, Source};

use crate::model::{ConfigContext, Device, Id, Inventory};

/// The contexts of one inventory, ready to merge devices.
pub struct Contexts<'a> {
    pub inv: &'a Inventory,
    pub matcher: &'a Matcher,
}

impl<'a> Contexts<'a> {
    /// `matcher` is [`Matcher::new`] of the same inventory.
    pub fn new(inv: &'a Inventory, matcher: &'a Matcher) -> Self {
        Contexts { inv, matcher }
    }

    /// The active data contexts that apply to `d`, in merge order.
    pub fn applicable(&self, d: &Device) -> Vec<Id<ConfigContext>> {
        self.matcher.for_device(self.inv, d)
    }

    /// `d`'s merged context: its contexts in (weight, name) order, then its local context data.
    pub fn merged(&self, d: &'a Device) -> Merged<'a> {
        self.merged_with_overrides(d, &self.applicable(d)).0
    }

    /// Merge `ctxs` (already in order) and `d`'s local data, noting every override.
    pub fn merged_with_overrides(&self, d: &'a Device, ctxs: &[Id<ConfigContext>]) -> (Merged<'a>, Vec<Override>) {
        let mut m = Merged::default();
        let mut overrides = Vec::new();
        for &c in ctxs {
            if let Some(data) = &self.inv.config_contexts[c.index()].data {
                m.merge(data, Source::Context(c), &mut overrides);
            }
        }
        if let Some(local) = &d.local_context_data {
            m.merge(local, Source::Local, &mut overrides);
        }
        (m, overrides)
    }
}

#[cfg(test)]
mod tests;
