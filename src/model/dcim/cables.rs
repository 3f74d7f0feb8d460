//! Cables and their ends.

use super::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::decode::{scalar_text, wrong_type};
use crate::model::read::*;

/// One end of a cable.
#[derive(Debug, Clone)]
pub enum CableEnd {
    Interface(InterfaceRef),
    Circuit { circuit: Text, provider: Option<Text>, side: Spanned<TermSide>, span: Span, id: Option<Id<Circuit>> },
}

impl CableEnd {
    pub fn span(&self) -> Span {
        match self {
            CableEnd::Interface(r) => r.span,
            CableEnd::Circuit { span, .. } => *span,
        }
    }

    pub fn display(&self) -> String {
        match self {
            CableEnd::Interface(r) => r.display(),
            CableEnd::Circuit { circuit, side, .. } => {
                format!("circuit {} term {}", circuit.value, side.value.as_str())
            }
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Cable {
    pub a: CableEnd,
    pub b: CableEnd,
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

pub fn lower_cable(o: &mut Obj<'_, '_>) -> Option<Cable> {
    let a = o.required("a").and_then(|n| read_cable_end(n, o.diags));
    let b = o.required("b").and_then(|n| read_cable_end(n, o.diags));
    let cable_type = o.str("type");
    let status = o.str("status");
    let label = o.str("label");
    let color = o.str("color");
    let length = o.number("length", 0.0, 1e9);
    let length_unit = o.str("length_unit");
    let description = o.str("description");
    let tags = tags(o);
    Some(Cable {
        a: a?,
        b: b?,
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
                        .help("write the end as `device:interface`, `{device: D, interface: I}` or `{circuit: CID, term: A}`"),
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
    let circuit = m.str("circuit");
    let provider = m.str("provider");
    let term = m.str("term");
    let span = m.span();
    let out = match (device, interface, circuit) {
        (Some(device), Some(interface), None) => {
            Some(CableEnd::Interface(InterfaceRef { device, interface, span, id: None }))
        }
        (None, None, Some(circuit)) => {
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
                Diagnostic::new(Code::InvalidValue, span, "a cable end is `{device, interface}` or `{circuit, term}`")
                    .label("neither an interface nor a circuit end"),
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
