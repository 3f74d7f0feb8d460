//! Reading typed fields out of spanned YAML mappings, reporting every problem.
//!
//! [`Obj`] wraps one mapping. Each accessor records the field name as known,
//! checks the value's type and reports a located diagnostic when it is wrong;
//! [`Obj::finish`] then reports every key nobody asked for as an unknown field,
//! with a suggestion among the known ones. An accessor never stops the object:
//! a wrong value reads as absent so that the remaining fields are still checked.

use crate::diagnostic::{Code, Diagnostic, Span, did_you_mean};
use crate::yaml::{Node, Scalar, Typed, Value};

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A spanned value serialises as the value alone.
impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A string value with its location.
pub type Text = Spanned<Str>;

/// An immutable string: a boxed `str`, eight bytes smaller than a `String` (it has no
/// spare capacity to track). Half a million interfaces hold four each at 10,000 devices.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Str(Box<str>);

impl Str {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Str {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Str(s.into())
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Str(s.into_boxed_str())
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, o: &&str) -> bool {
        *self.0 == **o
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, o: &Str) -> bool {
        **self == *o.0
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, o: &Str) -> bool {
        **self == *o.0
    }
}

impl Text {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// What a field holds, as its accessor reads it (for `sot schema`).
#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    Any,
    String,
    Bool,
    Int { min: i64, max: i64 },
    Number { min: f64, max: f64 },
    List,
    StrList,
    Map,
}

/// A field an object reads: name, type, whether it is required.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
}

pub struct Obj<'a, 'd> {
    node: &'a Node<'a>,
    entries: &'a [(Node<'a>, Node<'a>)],
    what: &'static str,
    known: Vec<&'static str>,
    /// Bit `n % 64` set: some key is `n` bytes long. Most fields an object is asked for are
    /// absent, and a key length no key has is answered without scanning the keys.
    lengths: u64,
    /// Bit `i` set: entry `i` was asked for (the first 64 entries; [`Obj::finish`] falls
    /// back to the names asked for beyond them, and for repeated keys).
    used: u64,
    /// Every field asked for, with its type: the schema of this kind of object (recorded
    /// only by [`describe`]: lowering a fleet asks millions of times).
    pub fields: Vec<FieldSpec>,
    describing: bool,
    /// NetBox's limits on this kind's fields, checked as they are read.
    limits: Option<&'static super::limit::Model>,
    pub diags: &'d mut Vec<Diagnostic>,
    /// Set when a required field is missing or unusable.
    pub incomplete: bool,
}

/// Report that `node` is not of the `expected` kind.
pub fn wrong_type(node: &Node, expected: &str, context: &str) -> Diagnostic {
    Diagnostic::new(Code::WrongType, node.span, format!("{context}: expected {expected}, found {}", node.kind_name()))
        .label(format!("expected {expected}"))
}

impl<'a, 'd> Obj<'a, 'd> {
    /// Start reading `node` as one `what` (e.g. "device"). `None` (and a diagnostic) if it is not a mapping.
    pub fn new(node: &'a Node<'a>, what: &'static str, diags: &'d mut Vec<Diagnostic>) -> Option<Self> {
        match &node.value {
            Value::Map(entries) => Some(Obj {
                node,
                entries,
                lengths: entries.iter().fold(0, |m, (k, _)| m | 1 << (k.key_text().len() % 64)),
                used: 0,
                what,
                known: Vec::with_capacity(16),
                fields: Vec::new(),
                describing: false,
                limits: None,
                diags,
                incomplete: false,
            }),
            _ => {
                diags.push(wrong_type(node, &format!("a mapping (one {what})"), what));
                None
            }
        }
    }

    /// Check the fields read against NetBox's `limits` for this kind.
    pub fn with_limits(mut self, limits: Option<&'static super::limit::Model>) -> Self {
        self.limits = limits;
        self
    }

    pub fn span(&self) -> Span {
        self.node.span
    }

    pub fn what(&self) -> &'static str {
        self.what
    }

    /// Record what `key` holds (the last accessor to ask decides).
    fn note(&mut self, key: &'static str, ty: FieldType, required: bool) {
        if !self.describing {
            return;
        }
        match self.fields.iter_mut().find(|f| f.name == key) {
            Some(f) => {
                if ty != FieldType::Any {
                    f.ty = ty;
                }
                f.required |= required;
            }
            None => self.fields.push(FieldSpec { name: key, ty, required }),
        }
    }

    /// The raw node of `key`, if present and not null.
    pub fn node(&mut self, key: &'static str) -> Option<&'a Node<'a>> {
        self.known.push(key);
        self.note(key, FieldType::Any, false);
        if self.lengths & 1 << (key.len() % 64) == 0 {
            return None;
        }
        let at = self.entries.iter().position(|(k, _)| k.key_text() == key)?;
        self.used |= 1u64.checked_shl(at as u32).unwrap_or(0);
        Some(&self.entries[at].1).filter(|v| v.value != Value::Null)
    }

    /// Like [`Obj::node`], but a missing field is an error.
    pub fn required(&mut self, key: &'static str) -> Option<&'a Node<'a>> {
        let n = self.node(key);
        self.note(key, FieldType::Any, true);
        if n.is_none() {
            self.incomplete = true;
            let what = self.what;
            self.diags.push(
                Diagnostic::new(
                    Code::MissingField,
                    self.key_span(),
                    format!("{what} is missing the required field `{key}`"),
                )
                .label(format!("this {what} has no `{key}`"))
                .help(format!("add `{key}:` to the {what}")),
            );
        }
        n
    }

    /// Where to point at the whole object: its first key, or the mapping itself.
    fn key_span(&self) -> Span {
        self.entries.first().map_or(self.node.span, |(k, _)| k.span)
    }

    pub fn str(&mut self, key: &'static str) -> Option<Text> {
        self.note(key, FieldType::String, false);
        let n = self.node(key)?;
        self.read_str(n, key)
    }

    pub fn req_str(&mut self, key: &'static str) -> Option<Text> {
        self.note(key, FieldType::String, true);
        let n = self.required(key)?;
        let r = self.read_str(n, key);
        if r.is_none() {
            self.incomplete = true;
        }
        r
    }

    fn read_str(&mut self, n: &Node, key: &str) -> Option<Text> {
        match scalar_text(n) {
            Some(s) => {
                if let Some(l) = self.limits {
                    l.check_str(key, s, n.span, self.diags);
                }
                Some(Spanned::new(s.into(), n.span))
            }
            None => {
                self.diags.push(wrong_type(n, "a string", &format!("`{key}`")));
                None
            }
        }
    }

    pub fn bool(&mut self, key: &'static str) -> Option<Spanned<bool>> {
        self.note(key, FieldType::Bool, false);
        let n = self.node(key)?;
        match n.as_scalar().map(Scalar::typed) {
            Some(Typed::Bool(b)) => Some(Spanned::new(b, n.span)),
            Some(Typed::Str(t)) if let Some(Yaml11::Bool(b)) = yaml11(n, t) => {
                self.diags.push(yaml11_warning(n, t, &b.to_string(), "a string", &b.to_string()));
                Some(Spanned::new(b, n.span))
            }
            _ => {
                self.diags.push(wrong_type(n, "true or false", &format!("`{key}`")));
                None
            }
        }
    }

    /// A whole number in `min..=max`.
    pub fn int(&mut self, key: &'static str, min: i64, max: i64) -> Option<Spanned<i64>> {
        self.note(key, FieldType::Int { min, max }, false);
        let n = self.node(key)?;
        let r = read_int(n, key, min, max, self.diags);
        self.check_number(key, n, r.as_ref().map(|v| v.value as f64));
        r
    }

    /// Check a number read against NetBox's bounds for `key`.
    fn check_number(&mut self, key: &str, n: &Node, v: Option<f64>) {
        if let (Some(l), Some(v)) = (self.limits, v) {
            l.check_number(key, v, n.as_scalar().map_or("", |s| &*s.text), n.span, self.diags);
        }
    }

    pub fn req_int(&mut self, key: &'static str, min: i64, max: i64) -> Option<Spanned<i64>> {
        self.note(key, FieldType::Int { min, max }, true);
        let n = self.required(key)?;
        let r = read_int(n, key, min, max, self.diags);
        if r.is_none() {
            self.incomplete = true;
        }
        self.check_number(key, n, r.as_ref().map(|v| v.value as f64));
        r
    }

    /// A number (whole or decimal) in `min..=max`.
    pub fn number(&mut self, key: &'static str, min: f64, max: f64) -> Option<Spanned<f64>> {
        self.note(key, FieldType::Number { min, max }, false);
        let n = self.node(key)?;
        let v = match n.as_scalar().map(Scalar::typed) {
            Some(Typed::Int(i)) => {
                yaml11_int(n, i, self.diags);
                i as f64
            }
            Some(Typed::Str(t)) if let Some(Yaml11::Int(i)) = yaml11(n, t) => {
                yaml11_int(n, i, self.diags);
                i as f64
            }
            Some(Typed::Float(f)) if f.is_finite() => f,
            _ => {
                self.diags.push(wrong_type(n, "a number", &format!("`{key}`")));
                return None;
            }
        };
        if v < min || v > max {
            self.diags.push(out_of_range(n, key, &min.to_string(), &max.to_string()));
            return None;
        }
        self.check_number(key, n, Some(v));
        Some(Spanned::new(v, n.span))
    }

    /// A list; a missing field is an empty list.
    pub fn list(&mut self, key: &'static str) -> &'a [Node<'a>] {
        self.note(key, FieldType::List, false);
        let Some(n) = self.node(key) else { return &[] };
        match &n.value {
            Value::Seq(items) => items,
            _ => {
                self.diags.push(wrong_type(n, "a list", &format!("`{key}`")));
                &[]
            }
        }
    }

    /// A list of strings.
    pub fn str_list(&mut self, key: &'static str) -> Vec<Text> {
        let items = self.list(key);
        self.note(key, FieldType::StrList, false);
        each(items, |item| self.read_str(item, key))
    }

    /// A mapping node (kept as YAML, e.g. context data).
    pub fn map(&mut self, key: &'static str) -> Option<&'a Node<'a>> {
        self.note(key, FieldType::Map, false);
        let n = self.node(key)?;
        if n.as_map().is_none() {
            self.diags.push(wrong_type(n, "a mapping", &format!("`{key}`")));
            return None;
        }
        Some(n)
    }

    /// Report every key that no accessor asked for.
    pub fn finish(self) {
        for (i, (k, _)) in self.entries.iter().enumerate() {
            let name = k.key_text();
            let asked = (i < 64 && self.used & 1 << i != 0) || self.known.contains(&name);
            if !asked {
                let what = self.what;
                self.diags.push(
                    Diagnostic::new(Code::UnknownField, k.span, format!("unknown field `{name}` on {what}"))
                        .label("not a field of this collection")
                        .help_opt(
                            did_you_mean(name, self.known.iter().copied())
                                .or_else(|| Some(format!("known fields: {}", self.known.join(", ")))),
                        ),
                );
            }
        }
    }
}

/// `lower` applied to each of `items`, keeping the successes. The vector is sized for the
/// list (a collected `filter_map` starts at four elements: an interface's one inline
/// address took four addresses' room).
pub fn each<'a, T>(items: &'a [Node<'a>], mut lower: impl FnMut(&'a Node<'a>) -> Option<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    out.extend(items.iter().filter_map(&mut lower));
    out
}

/// The text of a scalar usable as a string: strings and numbers as written; not booleans.
pub fn scalar_text<'a>(n: &'a Node<'_>) -> Option<&'a str> {
    match &n.value {
        Value::Scalar(s) if !s.is_bool() => Some(&s.text),
        _ => None,
    }
}

/// How NetBox's import (PyYAML, YAML 1.1) reads a plain scalar that YAML 1.2 reads otherwise.
enum Yaml11 {
    Bool(bool),
    Int(i64),
    /// A string (`08`: not octal, and YAML 1.1 has no decimal with a leading zero).
    Str,
}

/// How YAML 1.1 reads `n` (whose text is `t`), when that differs from YAML 1.2's reading:
/// `yes`/`no`/`on`/`off` (booleans), `010` (octal), `08` (a string), `1:20` (base 60).
fn yaml11(n: &Node, t: &str) -> Option<Yaml11> {
    if n.as_scalar().is_none_or(|s| s.quoted) {
        return None;
    }
    match t {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Some(Yaml11::Bool(true)),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Some(Yaml11::Bool(false)),
        _ => {}
    }
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let sign = |v: i64| if neg { -v } else { v };
    if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        if digits.bytes().any(|b| b > b'7') {
            return Some(Yaml11::Str);
        }
        let octal = i64::from_str_radix(digits, 8).ok()?;
        return (digits.parse::<i64>().ok()? != octal).then_some(Yaml11::Int(sign(octal)));
    }
    if !digits.contains(':') {
        return None;
    }
    // Base 60: `[1-9][0-9_]*(:[0-5]?[0-9])+`.
    let mut parts = digits.split(':');
    let head = parts.next()?;
    if !head.starts_with(|c: char| ('1'..='9').contains(&c)) || !head.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    let mut v: i64 = head.replace('_', "").parse().ok()?;
    let mut any = false;
    for p in parts {
        let ok = (1..=2).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || p.as_bytes()[0] <= b'5');
        if !ok {
            return None;
        }
        v = v.checked_mul(60)?.checked_add(p.parse().ok()?)?;
        any = true;
    }
    any.then_some(Yaml11::Int(sign(v)))
}

/// The warning for a value of `n` (text `t`) that NetBox's import reads as `theirs` where
/// YAML 1.2 reads `ours`; `taken` is what sot takes.
fn yaml11_warning(n: &Node, t: &str, theirs: &str, ours: &str, taken: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Yaml11Value,
        n.span,
        format!("NetBox's import reads `{t}` as {theirs} (YAML 1.1); YAML 1.2 reads {ours}; this reads {taken}"),
    )
    .label(format!("{theirs} for NetBox's import"))
    .help(format!("write `{taken}` (or quote the text) so that every YAML reader agrees"))
}

/// Warns when NetBox's import reads the whole number `n` (read as `i`) differently.
fn yaml11_int(n: &Node, i: i64, diags: &mut Vec<Diagnostic>) {
    let Some(t) = n.as_scalar().map(|s| &*s.text) else { return };
    match yaml11(n, t) {
        Some(Yaml11::Int(v)) if v != i => {
            diags.push(yaml11_warning(n, t, &v.to_string(), &i.to_string(), &i.to_string()));
        }
        Some(Yaml11::Int(v)) => {
            diags.push(yaml11_warning(n, t, &v.to_string(), "a string", &v.to_string()));
        }
        Some(Yaml11::Str) => {
            diags.push(yaml11_warning(n, t, &format!("the string \"{t}\""), &i.to_string(), &i.to_string()))
        }
        Some(Yaml11::Bool(_)) | None => {}
    }
}

pub fn read_int(n: &Node, key: &str, min: i64, max: i64, diags: &mut Vec<Diagnostic>) -> Option<Spanned<i64>> {
    let typed = n.as_scalar().map(Scalar::typed);
    let typed = match typed {
        Some(Typed::Int(i)) => {
            yaml11_int(n, i, diags);
            typed
        }
        // `1:20`: a string in YAML 1.2, 80 for NetBox's import.
        Some(Typed::Str(t)) => match yaml11(n, t) {
            Some(Yaml11::Int(v)) => {
                yaml11_int(n, v, diags);
                Some(Typed::Int(v))
            }
            _ => typed,
        },
        _ => typed,
    };
    match typed {
        Some(Typed::Int(i)) if i < min || i > max => {
            diags.push(out_of_range(n, key, &min.to_string(), &max.to_string()));
            None
        }
        Some(Typed::Int(i)) => Some(Spanned::new(i, n.span)),
        _ => {
            diags.push(wrong_type(n, "a whole number", &format!("`{key}`")));
            None
        }
    }
}

fn out_of_range(n: &Node, key: &str, min: &str, max: &str) -> Diagnostic {
    let text = n.as_scalar().map_or("", |s| &*s.text);
    Diagnostic::new(Code::InvalidValue, n.span, format!("`{key}` must be between {min} and {max}, not {text}"))
        .label(format!("outside {min}..={max}"))
}

/// The fields a lowering function reads, found by running it on an empty mapping.
pub fn describe(lower: impl FnOnce(&mut Obj<'_, '_>)) -> Vec<FieldSpec> {
    let empty =
        Node { span: crate::diagnostic::Span::file_start(crate::source::FileId(0)), value: Value::Map(Vec::new()) };
    let mut diags = Vec::new();
    let mut o = Obj::new(&empty, "object", &mut diags).expect("an empty mapping is a mapping");
    o.describing = true;
    lower(&mut o);
    std::mem::take(&mut o.fields)
}
