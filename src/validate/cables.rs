//! Cables: an end carries one connection, no end is cabled to itself, and
//! virtual, LAG and wireless interfaces are not cabled. A circuit termination
//! written on `device:interface` is that interface's connection.

use crate::hash::{HashMap, HashMapExt};

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::model::*;
use crate::resolve::Index;

pub struct Cables;

/// Something a cable can end on.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum End {
    Interface(InterfaceId),
    Term(Id<Circuit>, TermSide),
}

/// One connection: a cable, or a circuit termination on an interface.
struct Connection {
    span: Span,
    what: What,
    ends: Vec<(End, Span)>,
}

/// What a connection is, named only when a diagnostic needs it (a fleet has tens of
/// thousands of cables, and nearly every one is fine).
#[derive(Clone, Copy)]
enum What {
    Cable(usize),
    Term(usize, usize),
}

impl What {
    fn name(self, inv: &Inventory) -> String {
        match self {
            What::Cable(i) => {
                let c = &inv.cables[i];
                format!("cable {} — {}", c.a.display(), c.b.display())
            }
            What::Term(c, t) => {
                let (c, t) = (&inv.circuits[c], &inv.circuits[c].terminations[t]);
                format!("circuit {} term {}", c.cid.value, t.side.value.as_str())
            }
        }
    }
}

/// NetBox refuses cables on these interface types.
pub fn cablable(interface_type: &str) -> bool {
    !matches!(interface_type, "virtual" | "bridge" | "lag" | "other-wireless")
        && !interface_type.starts_with("ieee802.11")
        && !interface_type.starts_with("ieee802.15")
}

impl Rule for Cables {
    fn name(&self) -> &'static str {
        "cables"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        let mut conns: Vec<Connection> = Vec::with_capacity(inv.cables.len());
        for (ci, c) in inv.cables.iter().enumerate() {
            let ends: Vec<(End, Span)> =
                [&c.a, &c.b].into_iter().filter_map(|e| end(e).map(|x| (x, e.span()))).collect();
            if let [(a, _), (b, sb)] = ends.as_slice()
                && a == b
            {
                out.push(
                    Diagnostic::new(Code::CableLoop, *sb, format!("cable connects `{}` to itself", c.b.display()))
                        .label("same end as the other side")
                        .related(c.a.span(), "the other end"),
                );
                continue;
            }
            for e in [&c.a, &c.b] {
                if let CableEnd::Interface(r) = e {
                    not_cablable(inv, r, out);
                }
            }
            conns.push(Connection { span: c.span, what: What::Cable(ci), ends });
        }
        for (ci, c) in inv.circuits.iter().enumerate() {
            for (ti, t) in c.terminations.iter().enumerate() {
                if let TermTarget::Interface(r) = &t.target
                    && let Some(id) = r.id
                {
                    not_cablable(inv, r, out);
                    conns.push(Connection {
                        span: t.side.span,
                        what: What::Term(ci, ti),
                        ends: vec![(End::Interface(id), r.span), (End::Term(Id::new(ci), t.side.value), t.side.span)],
                    });
                }
            }
        }
        conns.sort_by_key(|c| c.span);
        let mut used: HashMap<End, usize> = HashMap::with_capacity(conns.len() * 2);
        for (i, c) in conns.iter().enumerate() {
            for (e, span) in &c.ends {
                match used.get(e) {
                    Some(&first) => {
                        let f = &conns[first];
                        out.push(
                            Diagnostic::new(
                                Code::CableEndInUse,
                                *span,
                                format!("{} is already connected", describe(inv, *e)),
                            )
                            .label(format!("{} uses it again", c.what.name(inv)))
                            .related(f.span, format!("{} uses it first", f.what.name(inv)))
                            .help("an interface or circuit termination takes one cable"),
                        );
                    }
                    None => {
                        used.insert(*e, i);
                    }
                }
            }
        }
    }
}

fn end(e: &CableEnd) -> Option<End> {
    match e {
        CableEnd::Interface(r) => r.id.map(End::Interface),
        CableEnd::Circuit { id, side, .. } => id.map(|c| End::Term(c, side.value)),
    }
}

fn describe(inv: &Inventory, e: End) -> String {
    match e {
        End::Interface(i) => {
            let d = &inv.devices[i.device.index()];
            format!("`{}:{}`", d.name.value, d.interfaces[i.index as usize].name.value)
        }
        End::Term(c, side) => format!("circuit `{}` term {}", inv.circuits[c.index()].cid.value, side.as_str()),
    }
}

fn not_cablable(inv: &Inventory, r: &InterfaceRef, out: &mut Vec<Diagnostic>) {
    let Some(id) = r.id else { return };
    let iface = &inv.devices[id.device.index()].interfaces[id.index as usize];
    let Some(t) = &iface.interface_type else { return };
    if !cablable(&t.value) {
        out.push(
            Diagnostic::new(
                Code::NotCablable,
                r.span,
                format!("`{}` is a `{}` interface and cannot be cabled", r.display(), t.value),
            )
            .label("no physical port")
            .related(t.span, "its type is set here")
            .help("cable a physical interface (for a LAG, its members)"),
        );
    }
}
