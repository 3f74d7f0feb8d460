//! A tag that nothing carries is reported as a warning.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Id, Inventory, Ref, Tag};
use crate::resolve::Index;

pub struct UnusedTags;

impl Rule for UnusedTags {
    fn name(&self) -> &'static str {
        "unused-tags"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        let mut used = vec![false; inv.tags.len()];
        let mut mark = |refs: &[Ref<Tag>]| {
            for r in refs {
                if let Some(id) = r.id {
                    used[id.index()] = true;
                }
            }
        };
        inv.tenants.iter().for_each(|x| mark(&x.tags));
        inv.sites.iter().for_each(|x| mark(&x.tags));
        inv.locations.iter().for_each(|x| mark(&x.tags));
        inv.racks.iter().for_each(|x| mark(&x.tags));
        for d in &inv.devices {
            mark(&d.tags);
            d.interfaces.iter().for_each(|i| mark(&i.tags));
        }
        inv.cables.iter().for_each(|x| mark(&x.tags));
        inv.vrfs.iter().for_each(|x| mark(&x.tags));
        inv.prefixes.iter().for_each(|x| mark(&x.tags));
        inv.ip_addresses.iter().for_each(|x| mark(&x.tags));
        inv.vlan_groups.iter().for_each(|x| mark(&x.tags));
        inv.vlans.iter().for_each(|x| mark(&x.tags));
        inv.circuits.iter().for_each(|x| mark(&x.tags));
        inv.config_contexts.iter().for_each(|x| mark(&x.assign.tags));
        for (i, t) in inv.tags.iter().enumerate() {
            if !used[Id::<Tag>::new(i).index()] {
                out.push(
                    Diagnostic::new(Code::UnusedTag, t.name.span, format!("tag `{}` is never used", t.name.value))
                        .label("no object carries this tag")
                        .help("remove the tag, or tag the objects it was meant for"),
                );
            }
        }
    }
}
