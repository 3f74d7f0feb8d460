//! The spanned node tree and its YAML 1.2 core-schema reading of plain scalars.

use std::borrow::Cow;

use crate::diagnostic::Span;

/// A node of a parsed file. Its scalars borrow the file's text where they are written
/// as they read (most are); what outlives the parse (context data, custom-field values)
/// is copied out with [`Node::to_static`].
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    pub span: Span,
    pub value: Value<'a>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Scalar(Scalar<'a>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

/// A scalar as written. Plain scalars are typed on demand by the core schema
/// (`42` is an integer, `true` a boolean); quoted and block scalars are strings.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar<'a> {
    pub text: Cow<'a, str>,
    pub quoted: bool,
}

/// The value of a scalar under YAML 1.2's core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Typed<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A plain scalar's boolean value under the core schema.
fn plain_bool(t: &str) -> Option<bool> {
    match t {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

impl Scalar<'_> {
    /// Whether the core schema reads this scalar as a boolean (as [`Scalar::typed`] would
    /// say, without trying the number forms).
    pub fn is_bool(&self) -> bool {
        !self.quoted && plain_bool(&self.text).is_some()
    }

    pub fn typed(&self) -> Typed<'_> {
        if self.quoted {
            return Typed::Str(&self.text);
        }
        let t = &*self.text;
        if let Some(b) = plain_bool(t) {
            return Typed::Bool(b);
        }
        match t {
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Typed::Float(f64::INFINITY),
            "-.inf" | "-.Inf" | "-.INF" => return Typed::Float(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => return Typed::Float(f64::NAN),
            _ => {}
        }
        if let Some(i) = parse_int(t) {
            return Typed::Int(i);
        }
        if looks_float(t)
            && let Ok(f) = t.parse::<f64>()
        {
            return Typed::Float(f);
        }
        Typed::Str(t)
    }
}

fn parse_int(t: &str) -> Option<i64> {
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    if let Some(o) = t.strip_prefix("0o") {
        return i64::from_str_radix(o, 8).ok();
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn looks_float(t: &str) -> bool {
    let b = t.strip_prefix(['-', '+']).unwrap_or(t);
    !b.is_empty()
        && b.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
        && b.bytes().any(|c| c.is_ascii_digit())
        && (b.starts_with(|c: char| c.is_ascii_digit()) || b.starts_with('.'))
}

/// A node serialises as the JSON value it reads as.
impl serde::Serialize for Node<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'a> Node<'a> {
    /// A copy that owns its text, to keep after the file's tree is dropped.
    pub fn to_static(&self) -> Node<'static> {
        let value = match &self.value {
            Value::Null => Value::Null,
            Value::Scalar(s) => Value::Scalar(Scalar { text: Cow::Owned(s.text.to_string()), quoted: s.quoted }),
            Value::Seq(items) => Value::Seq(items.iter().map(Node::to_static).collect()),
            Value::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (k.to_static(), v.to_static())).collect()),
        };
        Node { span: self.span, value }
    }

    /// The text of a mapping key (keys are scalars; a null key reads as `""`).
    pub fn key_text(&self) -> &str {
        match &self.value {
            Value::Scalar(s) => &s.text,
            _ => "",
        }
    }

    pub fn is_quoted(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.quoted)
    }

    /// Nodes in this subtree (for the alias budget).
    pub fn count(&self) -> usize {
        1 + match &self.value {
            Value::Seq(items) => items.iter().map(Node::count).sum(),
            Value::Map(entries) => entries.iter().map(|(k, v)| k.count() + v.count()).sum(),
            _ => 0,
        }
    }

    /// What the value is, for "expected X, found Y" messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "nothing (null)",
            Value::Scalar(s) => match s.typed() {
                Typed::Str(_) => "a string",
                Typed::Int(_) => "an integer",
                Typed::Float(_) => "a number",
                Typed::Bool(_) => "a boolean",
            },
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_map(&self) -> Option<&[(Node<'a>, Node<'a>)]> {
        match &self.value {
            Value::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Seq(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// This node as JSON (for config-context data and custom-field values).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Scalar(s) => match s.typed() {
                Typed::Str(t) => J::String(t.to_string()),
                Typed::Int(i) => J::from(i),
                Typed::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
                Typed::Bool(b) => J::Bool(b),
            },
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                J::Object(entries.iter().map(|(k, v)| (k.key_text().to_string(), v.to_json())).collect())
            }
        }
    }
}
