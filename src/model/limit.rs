//! NetBox's limits on field values (lengths, bounds, patterns), checked as fields are
//! read. The table is generated from NetBox's OpenAPI schema (`limits.rs`); a kind's
//! limits are found by its NetBox model name, which the registry (`kinds.rs`) declares.

use std::sync::LazyLock;

use crate::diagnostic::{Code, Diagnostic, Span};

/// The limits of one field. Absent limits are the widest (`0`, `u32::MAX`, infinities).
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    /// In characters (Unicode code points), as NetBox counts them.
    pub min_length: u32,
    pub max_length: u32,
    pub minimum: f64,
    pub maximum: f64,
    pub pattern: Option<&'static str>,
}

/// The limits of one NetBox model's fields.
#[derive(Debug)]
pub struct Model {
    /// `app_label.model`.
    pub name: &'static str,
    /// The request schema they were read from.
    pub schema: &'static str,
    /// The smallest `max_length` of its fields: a string no longer (in bytes) is within
    /// every maximum, and most values are answered without a lookup.
    pub shortest: u32,
    /// Whether some field has a pattern.
    pub patterned: bool,
    pub fields: &'static [Field],
}

/// The limits of NetBox model `name` (`dcim.site`), if it has any.
pub fn of(name: &str) -> Option<&'static Model> {
    let models = super::limits::MODELS;
    models.binary_search_by(|m| m.name.cmp(name)).ok().map(|i| &models[i])
}

impl Model {
    fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Report a string NetBox would refuse for `key`.
    #[inline]
    pub fn check_str(&'static self, key: &str, s: &str, span: Span, diags: &mut Vec<Diagnostic>) {
        if s.len() <= self.shortest as usize && !s.is_empty() && !self.patterned {
            return;
        }
        let Some(f) = self.field(key) else { return };
        let chars = s.chars().count();
        if chars > f.max_length as usize {
            diags.push(
                self.diagnostic(
                    span,
                    format!("`{key}` is {chars} characters long; NetBox accepts at most {}", f.max_length),
                )
                .label(format!("longer than {} characters", f.max_length))
                .help(format!("shorten it to {} characters or fewer", f.max_length)),
            );
        } else if chars < f.min_length as usize {
            diags.push(
                self.diagnostic(span, format!("`{key}` is empty; NetBox needs at least {} character", f.min_length))
                    .label("empty")
                    .help("give it a value, or leave the field out"),
            );
        } else if let Some(p) = f.pattern
            && !matches(p, s)
        {
            diags.push(
                self.diagnostic(span, format!("`{key}` `{s}` does not match NetBox's pattern `{p}`"))
                    .label(format!("must match `{p}`")),
            );
        }
    }

    /// Report a number NetBox would refuse for `key`.
    pub fn check_number(&'static self, key: &str, v: f64, text: &str, span: Span, diags: &mut Vec<Diagnostic>) {
        let Some(f) = self.field(key) else { return };
        if v < f.minimum || v > f.maximum {
            let (min, max) = (show(f.minimum), show(f.maximum));
            diags.push(
                self.diagnostic(span, format!("`{key}` must be between {min} and {max} in NetBox, not {text}"))
                    .label(format!("outside {min}..={max}")),
            );
        }
    }

    fn diagnostic(&self, span: Span, message: String) -> Diagnostic {
        Diagnostic::new(Code::NetboxLimit, span, message)
    }
}

fn show(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e18 { format!("{}", v as i64) } else { v.to_string() }
}

/// Whether `s` matches NetBox's `pattern` (compiled once per pattern).
fn matches(pattern: &str, s: &str) -> bool {
    static COMPILED: LazyLock<Vec<(&'static str, regex::Regex)>> = LazyLock::new(|| {
        let mut v: Vec<(&'static str, regex::Regex)> = Vec::new();
        for f in super::limits::MODELS.iter().flat_map(|m| m.fields) {
            if let Some(p) = f.pattern
                && !v.iter().any(|(q, _)| *q == p)
                && let Ok(r) = regex::Regex::new(p)
            {
                v.push((p, r));
            }
        }
        v
    });
    COMPILED.iter().find(|(p, _)| *p == pattern).is_none_or(|(_, r)| r.is_match(s))
}
