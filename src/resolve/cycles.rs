//! Parent chains (regions, site groups, tenant groups, contact groups, wireless LAN
//! groups, locations) must be trees.

use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;

pub fn check(inv: &Inventory, diags: &mut Vec<Diagnostic>) {
    chains(&inv.regions, |x| x.parent.as_ref().and_then(|p| p.id), |x| &x.slug, "region", diags);
    chains(&inv.site_groups, |x| x.parent.as_ref().and_then(|p| p.id), |x| &x.slug, "site group", diags);
    chains(&inv.tenant_groups, |x| x.parent.as_ref().and_then(|p| p.id), |x| &x.slug, "tenant group", diags);
    chains(&inv.contact_groups, |x| x.parent.as_ref().and_then(|p| p.id), |x| &x.slug, "contact group", diags);
    let wlan_groups = &inv.wireless_lan_groups;
    chains(wlan_groups, |x| x.parent.as_ref().and_then(|p| p.id), |x| &x.slug, "wireless LAN group", diags);
}

/// Locations link their parents after sites are known; checked separately.
pub fn check_locations(inv: &Inventory, diags: &mut Vec<Diagnostic>) {
    chains(&inv.locations, |x| x.parent.as_ref().and_then(|p| p.id), |x| &x.slug, "location", diags);
}

/// Report each cycle once, at its member written last, with the others as related.
fn chains<T>(
    items: &[T],
    parent: impl Fn(&T) -> Option<Id<T>>,
    key: impl Fn(&T) -> &Text,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut g: DiGraphMap<u32, ()> = DiGraphMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(p) = parent(item) {
            g.add_edge(i as u32, p.index() as u32, ());
        }
    }
    for scc in tarjan_scc(&g) {
        let cyclic = scc.len() > 1 || g.contains_edge(scc[0], scc[0]);
        if !cyclic {
            continue;
        }
        let mut members: Vec<&Text> = scc.iter().map(|&i| key(&items[i as usize])).collect();
        members.sort_by_key(|t| t.span);
        let last = members.pop().expect("a cycle has a member");
        let chain: Vec<&str> = members.iter().map(|t| t.as_str()).chain([last.as_str()]).collect();
        let mut d =
            Diagnostic::new(Code::ReferenceCycle, last.span, format!("{what} `{}` is its own ancestor", last.value))
                .label(format!("the parent chain loops: {}", chain.join(" → ")))
                .help(format!("one {what} in the loop needs another parent, or none"));
        for m in members {
            d = d.related(m.span, format!("{what} `{}` is in the loop", m.value));
        }
        diags.push(d);
    }
}
