//! The cabled topology as Graphviz DOT or Mermaid, from the inventory's cables
//! (and circuit terminations), devices grouped by site.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::model::*;
use crate::view::{Peer, World};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

/// One drawn link: two endpoints (node id, port label).
struct Link {
    a: (String, String),
    b: (String, String),
}

fn node_of_end(inv: &Inventory, e: &CableEnd) -> Option<(String, String, Option<Id<Site>>)> {
    match e {
        CableEnd::Interface(r) => {
            let id = r.id?;
            let d = &inv.devices[id.device.index()];
            Some((d.name.value.to_string(), d.interfaces[id.index as usize].name.value.to_string(), d.site.id))
        }
        CableEnd::Port(p) => {
            let id = p.id?;
            let d = &inv.devices[id.device.index()];
            Some((d.name.value.to_string(), d.components[id.index as usize].name.value.to_string(), d.site.id))
        }
        CableEnd::Circuit { id, side, .. } => {
            let c = &inv.circuits[id.as_ref()?.index()];
            Some((format!("circuit {}", c.cid.value), format!("term {}", side.value.as_str()), None))
        }
    }
}

/// Draw the topology; with `site`, only links with an end at that site.
pub fn topology(w: &World, site: Option<Id<Site>>, format: GraphFormat) -> String {
    let inv = &w.inventory;
    let mut links = Vec::new();
    let mut nodes: BTreeSet<(Option<String>, String)> = BTreeSet::new();
    let site_name = |s: Option<Id<Site>>| s.map(|s| inv.sites[s.index()].slug.value.to_string());
    for c in &inv.cables {
        let (Some(a), Some(b)) = (node_of_end(inv, &c.a), node_of_end(inv, &c.b)) else { continue };
        if site.is_some() && a.2 != site && b.2 != site {
            continue;
        }
        nodes.insert((site_name(a.2), a.0.clone()));
        nodes.insert((site_name(b.2), b.0.clone()));
        links.push(Link { a: (a.0, a.1), b: (b.0, b.1) });
    }
    // Circuit terminations written on an interface are links too.
    for (i, d) in inv.devices.iter().enumerate() {
        if site.is_some() && d.site.id != site {
            continue;
        }
        for (n, iface) in d.interfaces.iter().enumerate() {
            if let Some(Peer::Circuit { cable: None, circuit, side }) =
                w.peer(InterfaceId { device: Id::new(i), index: n as u32 })
            {
                let cnode = format!("circuit {}", inv.circuits[circuit.index()].cid.value);
                nodes.insert((site_name(d.site.id), d.name.value.to_string()));
                nodes.insert((None, cnode.clone()));
                links.push(Link {
                    a: (d.name.value.to_string(), iface.name.value.to_string()),
                    b: (cnode, format!("term {}", side.as_str())),
                });
            }
        }
    }
    match format {
        GraphFormat::Dot => dot(&nodes, &links),
        GraphFormat::Mermaid => mermaid(&nodes, &links),
    }
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(nodes: &BTreeSet<(Option<String>, String)>, links: &[Link]) -> String {
    let mut s = String::from("graph topology {\n  node [shape=box];\n");
    let mut current: Option<&Option<String>> = None;
    for (site, name) in nodes {
        if current != Some(site) {
            if matches!(current, Some(Some(_))) {
                s.push_str("  }\n");
            }
            if let Some(site) = site {
                let _ = writeln!(s, "  subgraph {} {{\n    label={};", q(&format!("cluster_{site}")), q(site));
            }
            current = Some(site);
        }
        let indent = if site.is_some() { "    " } else { "  " };
        let _ = writeln!(s, "{indent}{};", q(name));
    }
    if matches!(current, Some(Some(_))) {
        s.push_str("  }\n");
    }
    for l in links {
        let _ = writeln!(s, "  {} -- {} [taillabel={}, headlabel={}];", q(&l.a.0), q(&l.b.0), q(&l.a.1), q(&l.b.1));
    }
    s.push_str("}\n");
    s
}

/// A Mermaid node id: letters, digits and `_` only.
fn mid(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn mermaid(nodes: &BTreeSet<(Option<String>, String)>, links: &[Link]) -> String {
    let mut s = String::from("graph LR\n");
    let mut current: Option<&Option<String>> = None;
    for (site, name) in nodes {
        if current != Some(site) {
            if matches!(current, Some(Some(_))) {
                s.push_str("  end\n");
            }
            if let Some(site) = site {
                let _ = writeln!(s, "  subgraph {}[\"{site}\"]", mid(&format!("site_{site}")));
            }
            current = Some(site);
        }
        let indent = if site.is_some() { "    " } else { "  " };
        let _ = writeln!(s, "{indent}{}[\"{name}\"]", mid(name));
    }
    if matches!(current, Some(Some(_))) {
        s.push_str("  end\n");
    }
    for l in links {
        let _ = writeln!(s, "  {} ---|\"{} — {}\"| {}", mid(&l.a.0), l.a.1, l.b.1, mid(&l.b.0));
    }
    s
}
