//! Custom-field values fit their field's definition; required fields are set.
//!
//! Each value is checked against its field's type (text, integer, date...),
//! bounds (`validation_minimum`/`validation_maximum`), `validation_regex` and
//! `choices`, as NetBox's `CustomField.validate` does; a field's `default` is
//! checked the same way. A field with `required: true` and no default must be
//! set on every object of its `object_types`. Values of unknown fields, or of
//! fields not defined for the object's type, were reported by resolve
//! (`E0207`) and are skipped here.

use regex::Regex;

use super::Check;
use crate::diagnostic::{Code, Diagnostic, Span, did_you_mean};
use crate::model::{CustomField, CustomValue, INTERFACE, Inventory, KINDS, KindInfo, KindVisitor, each_kind};
use crate::resolve::Index;
use crate::yaml::{Node, Typed, Value};

mod parse;
mod required;
mod values;

use parse::*;
use required::*;
use values::*;

pub struct CustomFields;

/// The kinds of objects that carry `custom_fields`: the registry's, then interfaces. A
/// field's object types are kept as bits of their positions here.
fn targets() -> &'static [&'static KindInfo] {
    static TARGETS: std::sync::LazyLock<Vec<&'static KindInfo>> = std::sync::LazyLock::new(|| {
        let v: Vec<&KindInfo> = KINDS.iter().copied().filter(|k| k.custom_fields).chain([&INTERFACE]).collect();
        assert!(v.len() <= 64, "custom-field targets are bits of a u64");
        v
    });
    &TARGETS
}

/// The position of a kind among [`targets`].
fn target(info: &KindInfo) -> usize {
    targets().iter().position(|k| k.netbox == info.netbox).expect("a kind with custom fields")
}

fn bit(t: usize) -> u64 {
    1 << t
}

/// A custom field's type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    LongText,
    Integer,
    Decimal,
    Boolean,
    Date,
    DateTime,
    Url,
    Json,
    Select,
    MultiSelect,
    Object,
    MultiObject,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "text" => Kind::Text,
            "longtext" => Kind::LongText,
            "integer" => Kind::Integer,
            "decimal" => Kind::Decimal,
            "boolean" => Kind::Boolean,
            "date" => Kind::Date,
            "datetime" => Kind::DateTime,
            "url" => Kind::Url,
            "json" => Kind::Json,
            "select" => Kind::Select,
            "multiselect" => Kind::MultiSelect,
            "object" => Kind::Object,
            "multiobject" => Kind::MultiObject,
            _ => return None,
        })
    }
}

/// A field definition made ready for checking: its type parsed, its regex compiled once.
struct Field<'a> {
    def: &'a CustomField,
    /// `None` for a type NetBox does not have (reported by the choices rule).
    kind: Option<Kind>,
    regex: Option<Regex>,
    /// The [`targets`] in its `object_types`, as bits.
    targets: u64,
}

/// What is being checked: an object's value, or the field's own default.
#[derive(Clone, Copy)]
enum Ctx {
    Value,
    Default,
}

impl Check for CustomFields {
    fn name(&self) -> &'static str {
        "custom-fields"
    }

    fn check(&self, inv: &Inventory, ix: &Index, out: &mut Vec<Diagnostic>) {
        if inv.custom_fields.is_empty() {
            return;
        }
        let fields = prepare(inv, ix, out);
        let live = || fields.iter().flatten();

        for f in live() {
            if let Some(d) = &f.def.default {
                check_value(out, f, d, Ctx::Default);
            }
        }

        // Values, by kind of object; a kind no field applies to holds only unknown fields.
        let any = live().fold(0u64, |m, f| m | f.targets);
        each_kind(&mut Values { inv, ix, fields: &fields, any, out: &mut *out });

        required(inv, live().collect(), out);
    }
}

/// Check the custom-field values of every kind some field applies to.
struct Values<'a, 'f> {
    inv: &'a Inventory,
    ix: &'a Index,
    fields: &'a [Option<Field<'f>>],
    any: u64,
    out: &'a mut Vec<Diagnostic>,
}

impl Values<'_, '_> {
    fn check(&mut self, t: usize, cfs: &[CustomValue]) {
        for v in cfs {
            let Some(&id) = self.ix.custom_fields.get(v.name.value.as_str()) else { continue };
            let Some(f) = &self.fields[id.index()] else { continue };
            if f.targets & bit(t) != 0 {
                check_value(self.out, f, &v.value, Ctx::Value);
            }
        }
    }
}

impl KindVisitor for Values<'_, '_> {
    fn visit<K: crate::model::Kind>(&mut self) {
        if !K::INFO.custom_fields {
            return;
        }
        let t = target(K::INFO);
        let on_kind = self.any & bit(t) != 0;
        let iface = target(&INTERFACE);
        let on_iface = K::INFO.collection == "devices" && self.any & bit(iface) != 0;
        if !on_kind && !on_iface {
            return;
        }
        let inv = self.inv;
        for x in K::all(inv) {
            self.check(t, x.custom_fields());
        }
        if on_iface {
            for d in &inv.devices {
                d.interfaces.iter().for_each(|i| self.check(iface, &i.custom_fields));
            }
        }
    }
}

/// One [`Field`] per definition, indexed like `inv.custom_fields`; `None` for a
/// definition that lost its name to an earlier one (reported as a duplicate).
fn prepare<'a>(inv: &'a Inventory, ix: &Index, out: &mut Vec<Diagnostic>) -> Vec<Option<Field<'a>>> {
    inv.custom_fields
        .iter()
        .enumerate()
        .map(|(i, def)| {
            if ix.custom_fields.get(def.name.value.as_str()).is_none_or(|id| id.index() != i) {
                return None;
            }
            let kind = Kind::parse(&def.field_type.value);
            let regex = def.validation_regex.as_ref().and_then(|re| match compile(&re.value) {
                Ok(r) => Some(r),
                Err(e) => {
                    out.push(
                        Diagnostic::new(
                            Code::CustomFieldValue,
                            re.span,
                            format!("the validation_regex of custom field `{}` is not a valid regular expression", def.name.value),
                        )
                        .label(e)
                        .help("fix the pattern (look-around and backreferences are not supported); until then values are not checked against it"),
                    );
                    None
                }
            });
            let targets = def
                .object_types
                .iter()
                .filter_map(|t| targets().iter().position(|k| k.netbox == t.value))
                .fold(0, |m, t| m | bit(t));
            Some(Field { def, kind, regex, targets })
        })
        .collect()
}

/// Compile a field's `validation_regex`, anchored at the start of the value as
/// NetBox's `re.match` is (a pattern ending in `$` matches the whole value).
fn compile(re: &str) -> Result<Regex, String> {
    // Check the pattern alone first: wrapping it could hide unbalanced parentheses.
    Regex::new(re).map_err(|e| first_line(&e.to_string()))?;
    Regex::new(&format!("^(?:{re})")).map_err(|e| first_line(&e.to_string()))
}

fn first_line(s: &str) -> String {
    // The regex crate's errors draw the pattern over several lines; the last one says what is wrong.
    let last = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(s);
    last.trim().trim_start_matches("error: ").to_string()
}

/// Null, or an empty string: NetBox treats both as "not set".
fn is_unset(n: &Node) -> bool {
    match &n.value {
        Value::Null => true,
        Value::Scalar(s) => s.text.is_empty() && matches!(s.typed(), Typed::Str(_)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years() {
        assert!(is_leap(2028));
        assert!(is_leap(2000));
        assert!(is_leap(2400));
        assert!(!is_leap(1900));
        assert!(!is_leap(2100));
        assert!(!is_leap(2027));
    }

    #[test]
    fn dates() {
        assert_eq!(date("2028-02-29"), Ok(()));
        assert_eq!(date("2000-02-29"), Ok(()));
        assert_eq!(date("2027-02-28"), Ok(()));
        assert_eq!(date("2027-12-31"), Ok(()));
        assert_eq!(date("2027-01-31"), Ok(()));
        assert_eq!(date("2027-04-30"), Ok(()));
        assert_eq!(date("0001-01-01"), Ok(()));
        assert_eq!(date("2027-02-29"), Err("February 2027 has 28 days".into()));
        assert_eq!(date("1900-02-29"), Err("February 1900 has 28 days".into()));
        assert_eq!(date("2027-02-30"), Err("February 2027 has 28 days".into()));
        assert_eq!(date("2028-02-30"), Err("February 2028 has 29 days".into()));
        assert_eq!(date("2027-04-31"), Err("April 2027 has 30 days".into()));
        assert_eq!(date("2027-06-31"), Err("June 2027 has 30 days".into()));
        assert_eq!(date("2027-09-31"), Err("September 2027 has 30 days".into()));
        assert_eq!(date("2027-11-31"), Err("November 2027 has 30 days".into()));
        assert_eq!(date("2027-01-00"), Err("January 2027 has 31 days".into()));
        assert_eq!(date("2027-13-01"), Err("there is no month 13".into()));
        assert_eq!(date("2027-00-01"), Err("there is no month 0".into()));
        assert_eq!(date("0000-01-01"), Err("there is no year 0000".into()));
        for bad in ["2027-3-15", "27-03-15", "2027/03/15", "2027-03-15 ", "20270315", "2027-03-1x", "", "2027-+3-15"] {
            assert!(date(bad).is_err(), "{bad}");
        }
        // Multi-byte text of the right byte length does not panic.
        assert!(date("2027-é-15").is_err());
    }

    #[test]
    fn datetimes() {
        for good in [
            "2027-03-15 14:30",
            "2027-03-15 14:30:00",
            "2027-03-15T14:30:59",
            "2027-03-15T00:00:00Z",
            "2027-03-15T23:59:59+02:00",
            "2027-03-15 14:30-05:30",
            "2027-03-15 14:30:00.123456",
            "2028-02-29 12:00:00",
        ] {
            assert_eq!(datetime(good), Ok(()), "{good}");
        }
        assert_eq!(datetime("2027-02-29 12:00:00"), Err("February 2027 has 28 days".into()));
        assert_eq!(datetime("2027-03-15 24:00:00"), Err("there is no hour 24".into()));
        assert_eq!(datetime("2027-03-15 12:60"), Err("there is no minute 60".into()));
        assert_eq!(datetime("2027-03-15 12:00:60"), Err("there is no second 60".into()));
        for bad in [
            "2027-03-15",
            "2027-03-15 14",
            "2027-03-15x14:30",
            "2027-03-15 1:30",
            "2027-03-15 14:30:0",
            "2027-03-15 14:30:00+2",
            "2027-03-15 14:30:00+24:00",
            "2027-03-15 14:30:00.",
            "2027-03-15 14:30:00.1234567",
            "2027-03-15 14:30:00:00",
            "2027-03-15 14:30 ",
            "2027-03-15 é:30",
            "2027-03-15é14:30",
        ] {
            assert!(datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for good in ["https://example.com", "http://x", "ftp://a/b", "git+ssh://host/repo", "HTTPS://EXAMPLE.COM/"] {
            assert_eq!(url(good), Ok(()), "{good}");
        }
        for bad in ["example.com", "https//example.com", "://x", "1http://x", "ht tp://x", "https://", "https://a b"] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regexes_match_from_the_start() {
        let r = compile("[A-Z]{3}").unwrap();
        assert!(r.is_match("LON"));
        assert!(r.is_match("LON1"));
        assert!(!r.is_match("xLON"));
        let r = compile("^[A-Z]{3}$").unwrap();
        assert!(!r.is_match("LON1"));
        let r = compile("a|b").unwrap();
        assert!(r.is_match("b"));
        assert!(!r.is_match("cb"));
        assert!(compile("a)(b").is_err());
        assert!(compile("(").is_err());
    }
}
