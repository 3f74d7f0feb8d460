//! Circuits: providers, circuit types, circuits and their A/Z terminations.

use super::read::*;
use super::*;
use crate::diagnostic::{Code, Diagnostic};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Provider {
    pub name: Text,
    pub slug: Text,
    pub description: Option<Text>,
}

pub fn lower_provider(o: &mut Obj<'_, '_>) -> Option<Provider> {
    let ns = name_slug(o);
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(Provider { name, slug, description })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CircuitType {
    pub name: Text,
    pub slug: Text,
    pub description: Option<Text>,
}

pub fn lower_circuit_type(o: &mut Obj<'_, '_>) -> Option<CircuitType> {
    let ns = name_slug(o);
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(CircuitType { name, slug, description })
}

/// Which end of a circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum TermSide {
    A,
    Z,
}

impl TermSide {
    pub fn parse(s: &str) -> Option<TermSide> {
        match s {
            "A" | "a" => Some(TermSide::A),
            "Z" | "z" => Some(TermSide::Z),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            TermSide::A => "A",
            TermSide::Z => "Z",
        }
    }
}

/// What a circuit termination lands on.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(untagged)]
pub enum TermTarget {
    Site(Ref<Site>),
    Interface(InterfaceRef),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Termination {
    pub side: Spanned<TermSide>,
    pub target: TermTarget,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Circuit {
    pub cid: Text,
    pub provider: Ref<Provider>,
    pub circuit_type: Ref<CircuitType>,
    pub status: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    pub commit_rate: Option<Spanned<i64>>,
    pub description: Option<Text>,
    pub terminations: Vec<Termination>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_circuit(o: &mut Obj<'_, '_>) -> Option<Circuit> {
    let cid = o.req_str("cid");
    let provider = req_ref(o, "provider");
    let circuit_type = req_ref(o, "type");
    let status = o.str("status");
    let tenant = opt_ref(o, "tenant");
    let commit_rate = o.int("commit_rate", 0, i64::from(u32::MAX));
    let description = o.str("description");
    let terminations = o.map("terminations").map(|n| lower_terminations(n, o.diags)).unwrap_or_default();
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Circuit {
        cid: cid?,
        provider: provider?,
        circuit_type: circuit_type?,
        status,
        tenant,
        commit_rate,
        description,
        terminations,
        tags,
        custom_fields,
    })
}

fn lower_terminations(n: &Node, diags: &mut Vec<Diagnostic>) -> Vec<Termination> {
    let mut out = Vec::new();
    for (k, v) in n.as_map().unwrap_or_default() {
        let Some(side) = TermSide::parse(k.key_text()) else {
            diags.push(
                Diagnostic::new(Code::InvalidValue, k.span, format!("`{}` is not a circuit end", k.key_text()))
                    .label("expected `A` or `Z`"),
            );
            continue;
        };
        let Some(text) = decode::scalar_text(v) else {
            diags.push(decode::wrong_type(v, "a site slug or `device:interface`", "termination"));
            continue;
        };
        let target = match InterfaceRef::parse_str(text, v.span) {
            Some(iface) => TermTarget::Interface(iface),
            None => TermTarget::Site(Ref::new(Spanned::new(text.into(), v.span))),
        };
        out.push(Termination { side: Spanned::new(side, k.span), target });
    }
    out
}
