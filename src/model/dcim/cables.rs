//! Cables and their ends.

use super::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::decode::{scalar_text, wrong_type};
use crate::model::read::*;

/// A component of a device other than an interface: `(device, position in the device's
/// components)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortId {
    pub device: Id<Device>,
    pub index: u32,
}

/// A cable end on a component other than an interface: `{device: D, front_port: N}`
/// (`kind` given), or `D:N` naming no interface of `D` (resolve finds the component).
#[derive(Debug, Clone)]
pub struct PortRef {
    pub device: Text,
    pub name: Text,
    pub kind: Option<ComponentKind>,
    pub span: Span,
    pub id: Option<PortId>,
}

/// One termination of a cable.
#[derive(Debug, Clone)]
pub enum CableEnd {
    Interface(InterfaceRef),
    Circuit { circuit: Text, provider: Option<Text>, side: Spanned<TermSide>, span: Span, id: Option<Id<Circuit>> },
    Port(PortRef),
}

/// The keys a cable end names a component of a device with (besides `interface`).
pub const PORT_END_KEYS: [(&str, ComponentKind); 6] = [
    ("console_port", ComponentKind::ConsolePort),
    ("console_server_port", ComponentKind::ConsoleServerPort),
    ("power_port", ComponentKind::PowerPort),
    ("power_outlet", ComponentKind::PowerOutlet),
    ("front_port", ComponentKind::FrontPort),
    ("rear_port", ComponentKind::RearPort),
];

impl CableEnd {
    pub fn span(&self) -> Span {
        match self {
            CableEnd::Interface(r) => r.span,
            CableEnd::Circuit { span, .. } => *span,
            CableEnd::Port(p) => p.span,
        }
    }

    pub fn display(&self) -> String {
        match self {
            CableEnd::Interface(r) => r.display(),
            CableEnd::Port(p) => format!("{}:{}", p.device.value, p.name.value),
            CableEnd::Circuit { circuit, side, .. } => {
                format!("circuit {} term {}", circuit.value, side.value.as_str())
            }
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Cable {
    /// The first termination of each end; further ones (NetBox's A and B lists) in
    /// `a_rest` and `b_rest`.
    pub a: CableEnd,
    pub b: CableEnd,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub a_rest: Vec<CableEnd>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub b_rest: Vec<CableEnd>,
    pub cable_type: Option<Text>,
    pub status: Option<Text>,
    pub label: Option<Text>,
    pub color: Option<Text>,
    pub length: Option<Spanned<f64>>,
    pub length_unit: Option<Text>,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    #[serde(skip)]
    pub span: Span,
}

impl Cable {
    /// Every termination of end A (`false`) or B (`true`).
    pub fn ends(&self, b: bool) -> impl Iterator<Item = &CableEnd> {
        let (first, rest) = if b { (&self.b, &self.b_rest) } else { (&self.a, &self.a_rest) };
        std::iter::once(first).chain(rest)
    }

    /// Every termination, with the end it is on (`false`: A).
    pub fn all_ends(&self) -> impl Iterator<Item = (bool, &CableEnd)> {
        self.ends(false).map(|e| (false, e)).chain(self.ends(true).map(|e| (true, e)))
    }

    /// Every termination, to link it.
    pub fn all_ends_mut(&mut self) -> impl Iterator<Item = &mut CableEnd> {
        std::iter::once(&mut self.a).chain(&mut self.a_rest).chain(std::iter::once(&mut self.b)).chain(&mut self.b_rest)
    }
}

/// One end of a cable: a termination, or a list of them (NetBox's A or B list).
fn read_cable_ends(n: &Node, diags: &mut Vec<Diagnostic>) -> Option<(CableEnd, Vec<CableEnd>)> {
    let Some(items) = n.as_seq() else {
        return read_cable_end(n, diags).map(|e| (e, Vec::new()));
    };
    let mut ends = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items {
        match read_cable_end(item, diags) {
            Some(e) => ends.push(e),
            None => ok = false,
        }
    }
    if items.is_empty() {
        diags.push(
            Diagnostic::new(Code::InvalidValue, n.span, "a cable end lists no termination")
                .label("empty list")
                .help("write one termination, or a list of terminations of one device"),
        );
        return None;
    }
    if !ok {
        return None;
    }
    let first = ends.remove(0);
    Some((first, ends))
}

pub fn lower_cable(o: &mut Obj<'_, '_>) -> Option<Cable> {
    let a = o.required("a").and_then(|n| read_cable_ends(n, o.diags));
    let b = o.required("b").and_then(|n| read_cable_ends(n, o.diags));
    let cable_type = o.str("type");
    let status = o.str("status");
    let label = o.str("label");
    let color = o.str("color");
    let length = o.number("length", 0.0, 1e9);
    let length_unit = o.str("length_unit");
    let description = o.str("description");
    let tags = tags(o);
    let ((a, a_rest), (b, b_rest)) = (a?, b?);
    Some(Cable {
        a,
        b,
        a_rest,
        b_rest,
        cable_type,
        status,
        label,
        color,
        length,
        length_unit,
        description,
        tags,
        span: o.span(),
    })
}

pub(super) fn read_cable_end(n: &Node, diags: &mut Vec<Diagnostic>) -> Option<CableEnd> {
    if let Some(s) = scalar_text(n) {
        return match InterfaceRef::parse_str(s, n.span) {
            Some(r) => Some(CableEnd::Interface(r)),
            None => {
                diags.push(
                    Diagnostic::new(Code::InvalidValue, n.span, format!("cable end `{s}` is not `device:interface`"))
                        .label("expected `device:interface`")
                        .help("write the end as `device:interface`, `{device: D, interface: I}`, `{device: D, front_port: P}` (or another port) or `{circuit: CID, term: A}`"),
                );
                None
            }
        };
    }
    if n.as_map().is_none() {
        diags.push(wrong_type(n, "`device:interface` or a mapping", "cable end"));
        return None;
    }
    let mut m = Obj::new(n, "cable end", diags)?;
    let device = m.str("device");
    let interface = m.str("interface");
    let mut port = None;
    for (key, kind) in PORT_END_KEYS {
        if let Some(name) = m.str(key) {
            port = Some((port.is_some(), name, kind));
        }
    }
    let circuit = m.str("circuit");
    let provider = m.str("provider");
    let term = m.str("term");
    let span = m.span();
    let out = match (device, interface, port, circuit) {
        (Some(device), Some(interface), None, None) => {
            Some(CableEnd::Interface(InterfaceRef { device, interface, span, id: None }))
        }
        (Some(device), None, Some((false, name, kind)), None) => {
            Some(CableEnd::Port(PortRef { device, name, kind: Some(kind), span, id: None }))
        }
        (None, None, None, Some(circuit)) => {
            let side = term.as_ref().and_then(|t| TermSide::parse(&t.value).map(|s| Spanned::new(s, t.span)));
            if side.is_none() {
                let at = term.as_ref().map_or(span, |t| t.span);
                m.diags.push(
                    Diagnostic::new(Code::InvalidValue, at, "a circuit cable end needs `term: A` or `term: Z`")
                        .label("expected `A` or `Z`"),
                );
            }
            side.map(|side| CableEnd::Circuit { circuit, provider, side, span, id: None })
        }
        _ => {
            m.diags.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    span,
                    "a cable end is `{device, interface}`, `{device, front_port}` (or `rear_port`, `console_port`, `console_server_port`, `power_port`, `power_outlet`) or `{circuit, term}`",
                )
                .label("not one termination"),
            );
            None
        }
    };
    m.finish();
    out
}

impl serde::Serialize for CableEnd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.display())
    }
}
