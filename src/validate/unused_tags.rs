//! A tag that nothing carries is reported as a warning.

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Id, Inventory, Kind, KindVisitor, Ref, Tag, each_kind};
use crate::resolve::Index;

pub struct UnusedTags;

impl Check for UnusedTags {
    fn name(&self) -> &'static str {
        "unused-tags"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        let mut marks = Marks { inv, used: vec![false; inv.tags.len()] };
        each_kind(&mut marks);
        // Config contexts are assigned by tag: a tag they match on is used.
        inv.config_contexts.iter().for_each(|x| marks.mark(&x.assign.tags));
        let used = marks.used;
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

/// The tags every kind's objects carry (a device's interfaces and other components with it).
struct Marks<'a> {
    inv: &'a Inventory,
    used: Vec<bool>,
}

impl Marks<'_> {
    fn mark(&mut self, refs: &[Ref<Tag>]) {
        for r in refs {
            if let Some(id) = r.id {
                self.used[id.index()] = true;
            }
        }
    }
}

impl KindVisitor for Marks<'_> {
    fn visit<K: Kind>(&mut self) {
        if !K::INFO.tags {
            return;
        }
        let inv = self.inv;
        for x in K::all(inv) {
            self.mark(x.tags());
        }
        for d in if K::INFO.collection == "devices" { &inv.devices[..] } else { &[] } {
            for p in &d.components {
                self.mark(&p.tags);
            }
            for i in &d.interfaces {
                self.mark(&i.tags);
            }
        }
    }
}
