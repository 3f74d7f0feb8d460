//! Cables: an end carries one connection, no end is cabled to itself,
//! virtual, LAG and wireless interfaces are not cabled, the two ends are of kinds
//! NetBox lets meet (console to console server, power port to outlet...), and the
//! terminations of one end are of one kind on one device. A circuit termination
//! written on `device:interface` is that interface's connection.

use crate::hash::{HashMap, HashMapExt};

use super::Check;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::model::*;
use crate::resolve::Index;

pub struct Cables;

/// Something a cable can end on.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum End {
    Interface(InterfaceId),
    Port(PortId),
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

impl Check for Cables {
    fn name(&self) -> &'static str {
        "cables"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        let mut conns: Vec<Connection> = Vec::with_capacity(inv.cables.len());
        for (ci, c) in inv.cables.iter().enumerate() {
            let ends: Vec<(End, Span)> = c.all_ends().filter_map(|(_, e)| end(e).map(|x| (x, e.span()))).collect();
            if let (Some(a), Some(b)) = (end(&c.a), end(&c.b))
                && a == b
            {
                out.push(
                    Diagnostic::new(
                        Code::CableLoop,
                        c.b.span(),
                        format!("cable connects `{}` to itself", c.b.display()),
                    )
                    .label("same end as the other side")
                    .related(c.a.span(), "the other end"),
                );
                continue;
            }
            for (_, e) in c.all_ends() {
                if let CableEnd::Interface(r) = e {
                    not_cablable(inv, r, out);
                }
            }
            compatible(inv, c, out);
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
        CableEnd::Port(p) => p.id.map(End::Port),
        CableEnd::Circuit { id, side, .. } => id.map(|c| End::Term(c, side.value)),
    }
}

fn describe(inv: &Inventory, e: End) -> String {
    match e {
        End::Interface(i) => {
            let d = &inv.devices[i.device.index()];
            format!("`{}:{}`", d.name.value, d.interfaces[i.index as usize].name.value)
        }
        End::Port(p) => {
            let d = &inv.devices[p.device.index()];
            let x = &d.components[p.index as usize];
            format!("{} `{}:{}`", x.kind.info().singular, d.name.value, x.name.value)
        }
        End::Term(c, side) => format!("circuit `{}` term {}", inv.circuits[c.index()].cid.value, side.as_str()),
    }
}

/// What kind of termination a linked end is, and the device it is on (none for a circuit).
fn kind_of(inv: &Inventory, e: &CableEnd) -> Option<(&'static str, Option<Id<Device>>)> {
    match e {
        CableEnd::Interface(r) => r.id.map(|i| ("interface", Some(i.device))),
        CableEnd::Port(p) => {
            let id = p.id?;
            let kind = inv.devices[id.device.index()].components[id.index as usize].kind;
            Some((kind.info().singular, Some(id.device)))
        }
        CableEnd::Circuit { id, .. } => id.map(|_| ("circuit termination", None)),
    }
}

/// The kinds of termination NetBox lets a cable join to `kind`.
pub fn compatible_with(kind: &str) -> &'static [&'static str] {
    const DATA: &[&str] = &["interface", "front port", "rear port", "circuit termination"];
    match kind {
        "console port" => &["console server port", "front port", "rear port"],
        "console server port" => &["console port", "front port", "rear port"],
        "power port" => &["power outlet", "power feed"],
        "power outlet" | "power feed" => &["power port"],
        "front port" | "rear port" => {
            &["interface", "front port", "rear port", "circuit termination", "console port", "console server port"]
        }
        _ => DATA,
    }
}

/// The two ends meet as NetBox allows; each end's terminations are of one kind, on one device.
fn compatible(inv: &Inventory, c: &Cable, out: &mut Vec<Diagnostic>) {
    for b in [false, true] {
        let mut ends = c.ends(b);
        let Some(first) = ends.next() else { continue };
        let Some(k) = kind_of(inv, first) else { continue };
        for e in ends {
            let Some(x) = kind_of(inv, e) else { continue };
            if x != k {
                let why = if x.0 != k.0 {
                    format!("a {} among {}s", x.0, k.0)
                } else {
                    "on another device than the end's first termination".to_string()
                };
                out.push(
                    Diagnostic::new(
                        Code::CableCompatibility,
                        e.span(),
                        format!("`{}` cannot share a cable end with `{}`", e.display(), first.display()),
                    )
                    .label(why)
                    .related(first.span(), "the end's first termination")
                    .help("the terminations of one cable end are of one kind, on one device"),
                );
            }
        }
    }
    let (Some((a, _)), Some((b, _))) = (kind_of(inv, &c.a), kind_of(inv, &c.b)) else { return };
    if !compatible_with(a).contains(&b) {
        out.push(
            Diagnostic::new(Code::CableCompatibility, c.b.span(), format!("a {a} cannot be cabled to a {b}"))
                .label(format!("a {b}"))
                .related(c.a.span(), format!("a {a}"))
                .help(format!("a {a} is cabled to a {}", compatible_with(a).join(", a "))),
        );
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
