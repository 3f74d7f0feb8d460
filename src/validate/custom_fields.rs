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

use super::Rule;
use crate::diagnostic::{Code, Diagnostic, Span, did_you_mean};
use crate::model::{CustomField, CustomValue, INTERFACE, Inventory, KINDS, KindInfo, KindVisitor, each_kind};
use crate::resolve::Index;
use crate::yaml::{Node, Typed, Value};

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

impl Rule for CustomFields {
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

/// "the string `x`", "the integer `12`", "a list"...
fn describe(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Scalar(s) => {
            let what = match s.typed() {
                Typed::Str(_) => "the string",
                Typed::Int(_) => "the integer",
                Typed::Float(_) => "the number",
                Typed::Bool(_) => "the boolean",
            };
            format!("{what} `{}`", s.text)
        }
        Value::Seq(_) => "a list".into(),
        Value::Map(_) => "a mapping".into(),
    }
}

fn num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

/// Report one problem with a value (or default) of field `f`.
fn report(
    out: &mut Vec<Diagnostic>,
    f: &Field<'_>,
    ctx: Ctx,
    span: Span,
    what: String,
    label: &str,
    help: Option<String>,
) {
    let name = &f.def.name.value;
    let message = match ctx {
        Ctx::Value => format!("custom field `{name}` {what}"),
        Ctx::Default => format!("the default of custom field `{name}` {what}"),
    };
    let mut d = Diagnostic::new(Code::CustomFieldValue, span, message).label(label).help_opt(help);
    if let Ctx::Value = ctx {
        d = d.related(f.def.name.span, "the field is defined here");
    }
    out.push(d);
}

/// A string scalar's text.
fn string<'a>(n: &'a Node<'_>) -> Option<&'a str> {
    match n.as_scalar()?.typed() {
        Typed::Str(s) => Some(s),
        _ => None,
    }
}

/// The help for a scalar of the wrong YAML type where a string was wanted.
fn quote_help(n: &Node) -> Option<String> {
    n.as_scalar().map(|s| format!("quote it to make it a string: `\"{}\"`", s.text))
}

fn check_value(out: &mut Vec<Diagnostic>, f: &Field<'_>, n: &Node, ctx: Ctx) {
    let Some(kind) = f.kind else { return };
    if is_unset(n) {
        return;
    }
    let wrong = |out: &mut Vec<Diagnostic>, expected: &str, help: Option<String>| {
        let label = format!("not {expected}");
        report(out, f, ctx, n.span, format!("must be {expected}, not {}", describe(n)), &label, help);
    };
    match kind {
        Kind::Text | Kind::LongText => {
            // NetBox turns a text field's default into a string before checking it.
            let text = match ctx {
                Ctx::Default => n.as_scalar().map(|s| &*s.text),
                Ctx::Value => string(n),
            };
            match text {
                Some(t) => check_regex(out, f, ctx, n, t),
                None => wrong(out, "a string", quote_help(n)),
            }
        }
        Kind::Url => match string(n) {
            None => wrong(out, "a URL", None),
            Some(t) => {
                if let Err(why) = url(t) {
                    report(
                        out,
                        f,
                        ctx,
                        n.span,
                        format!("must be a URL, not `{t}`"),
                        &why,
                        Some("write the scheme too, e.g. `https://example.com/`".into()),
                    );
                } else {
                    check_regex(out, f, ctx, n, t);
                }
            }
        },
        Kind::Integer => match n.as_scalar().map(|s| s.typed()) {
            Some(Typed::Int(i)) => check_bounds(out, f, ctx, n, i as f64),
            Some(Typed::Str(s)) if s.trim().parse::<i64>().is_ok() => {
                wrong(out, "an integer", Some("remove the quotes".into()))
            }
            _ => wrong(out, "an integer", None),
        },
        Kind::Decimal => match n.as_scalar().map(|s| s.typed()) {
            Some(Typed::Int(i)) => check_bounds(out, f, ctx, n, i as f64),
            Some(Typed::Float(x)) if x.is_finite() => check_bounds(out, f, ctx, n, x),
            Some(Typed::Str(s)) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                wrong(out, "a decimal number", Some("remove the quotes".into()))
            }
            _ => wrong(out, "a decimal number", None),
        },
        Kind::Boolean => match n.as_scalar().map(|s| s.typed()) {
            // NetBox also takes 1 and 0.
            Some(Typed::Bool(_) | Typed::Int(0 | 1)) => {}
            _ => wrong(out, "a boolean", Some("write `true` or `false` (unquoted)".into())),
        },
        Kind::Date => match string(n) {
            None => wrong(out, "a date (YYYY-MM-DD)", None),
            Some(t) => {
                if let Err(why) = date(t) {
                    let help = "write the date as YYYY-MM-DD, e.g. `2027-03-15`".to_string();
                    report(out, f, ctx, n.span, format!("must be a date, not `{t}`"), &why, Some(help));
                }
            }
        },
        Kind::DateTime => match string(n) {
            None => wrong(out, "a date and time (YYYY-MM-DD HH:MM:SS)", None),
            Some(t) => {
                if let Err(why) = datetime(t) {
                    let help = "write it as YYYY-MM-DD HH:MM[:SS], optionally with `T` for the space and a \
                                time zone (`Z`, `+02:00`), e.g. `2027-03-15 14:30:00`"
                        .to_string();
                    report(out, f, ctx, n.span, format!("must be a date and time, not `{t}`"), &why, Some(help));
                }
            }
        },
        Kind::Json => {}
        Kind::Select => match string(n) {
            Some(t) => check_choice(out, f, ctx, n, t),
            None => wrong(out, "one of the field's choices", quote_help(n)),
        },
        Kind::MultiSelect => match n.as_seq() {
            Some(items) => {
                for item in items {
                    match string(item) {
                        Some(t) => check_choice(out, f, ctx, item, t),
                        None => report(
                            out,
                            f,
                            ctx,
                            item.span,
                            format!("takes a list of choices, not {}", describe(item)),
                            "not one of the field's choices",
                            quote_help(item),
                        ),
                    }
                }
            }
            None => wrong(out, "a list of choices", Some("write a list, e.g. `[a, b]`".into())),
        },
        Kind::Object => {
            if string(n).is_none() {
                wrong(out, "a reference to an object", None);
            }
        }
        Kind::MultiObject => match n.as_seq() {
            Some(items) => {
                for item in items.iter().filter(|i| string(i).is_none()) {
                    report(
                        out,
                        f,
                        ctx,
                        item.span,
                        format!("takes a list of object references, not {}", describe(item)),
                        "not a reference to an object",
                        None,
                    );
                }
            }
            None => wrong(out, "a list of object references", Some("write a list, e.g. `[a, b]`".into())),
        },
    }
}

fn check_bounds(out: &mut Vec<Diagnostic>, f: &Field<'_>, ctx: Ctx, n: &Node, x: f64) {
    let shown = n.as_scalar().map_or_else(|| num(x), |s| s.text.to_string());
    if let Some(min) = &f.def.validation_minimum
        && x < min.value
    {
        let what = format!("must be at least {}, not {shown}", num(min.value));
        report(out, f, ctx, n.span, what, &format!("less than {}", num(min.value)), None);
    }
    if let Some(max) = &f.def.validation_maximum
        && x > max.value
    {
        let what = format!("must be at most {}, not {shown}", num(max.value));
        report(out, f, ctx, n.span, what, &format!("more than {}", num(max.value)), None);
    }
}

fn check_regex(out: &mut Vec<Diagnostic>, f: &Field<'_>, ctx: Ctx, n: &Node, t: &str) {
    let (Some(re), Some(src)) = (&f.regex, &f.def.validation_regex) else { return };
    if !re.is_match(t) {
        let help = if src.value.ends_with('$') {
            None
        } else {
            Some("the regex is matched from the start of the value, as NetBox does".into())
        };
        report(out, f, ctx, n.span, format!("must match `{}`, not `{t}`", src.value), "does not match", help);
    }
}

fn check_choice(out: &mut Vec<Diagnostic>, f: &Field<'_>, ctx: Ctx, n: &Node, t: &str) {
    let choices = &f.def.choices;
    if choices.iter().any(|c| c.value == t) {
        return;
    }
    let help = did_you_mean(t, choices.iter().map(|c| c.as_str())).unwrap_or_else(|| {
        if choices.is_empty() {
            "the field defines no `choices`".into()
        } else if choices.len() <= 12 {
            let all: Vec<&str> = choices.iter().map(|c| c.as_str()).collect();
            format!("one of: {}", all.join(", "))
        } else {
            format!("the field has {} choices; see its definition", choices.len())
        }
    });
    report(out, f, ctx, n.span, format!("has no choice `{t}`"), "not one of the field's choices", Some(help));
}

/// Whether `cfs` sets field `f`.
fn is_set(cfs: &[CustomValue], f: &Field<'_>) -> bool {
    cfs.iter().any(|v| v.name.value == f.def.name.value && !is_unset(&v.value))
}

/// Report `object`, at `span`, for leaving required field `f` unset.
fn missing(out: &mut Vec<Diagnostic>, f: &Field<'_>, span: Span, object: String) {
    let name = &f.def.name.value;
    out.push(
        Diagnostic::new(
            Code::CustomFieldRequired,
            span,
            format!("{object} does not set the required custom field `{name}`"),
        )
        .label(format!("no `{name}`"))
        .related(f.def.name.span, "the field is defined here, required and without a default")
        .help(format!("set `custom_fields: {{{name}: ...}}`, or give the field a `default`")),
    );
}

/// Report objects that leave a required field without a default unset.
fn required(inv: &Inventory, fields: Vec<&Field<'_>>, out: &mut Vec<Diagnostic>) {
    // The required fields of each kind of object, gathered once.
    let mut by: Vec<Vec<&Field<'_>>> = vec![Vec::new(); targets().len()];
    for f in fields {
        if f.def.required && f.def.default.as_ref().is_none_or(is_unset) {
            for (t, of) in by.iter_mut().enumerate() {
                if f.targets & bit(t) != 0 {
                    of.push(f);
                }
            }
        }
    }
    struct Required<'a, 'f> {
        inv: &'a Inventory,
        by: &'a [Vec<&'a Field<'f>>],
        out: &'a mut Vec<Diagnostic>,
    }
    impl KindVisitor for Required<'_, '_> {
        fn visit<K: crate::model::Kind>(&mut self) {
            if !K::INFO.custom_fields {
                return;
            }
            let required = &self.by[target(K::INFO)];
            if required.is_empty() {
                return;
            }
            for x in K::all(self.inv) {
                let cfs = x.custom_fields();
                for f in required.iter().filter(|f| !is_set(cfs, f)) {
                    missing(self.out, f, x.span(), x.label());
                }
            }
        }
    }
    each_kind(&mut Required { inv, by: &by, out: &mut *out });
    let iface = &by[target(&INTERFACE)];
    if !iface.is_empty() {
        for d in &inv.devices {
            // Interfaces only the device type defines carry no custom fields: one finding per
            // device and field, at the device, rather than one per interface in the type's file.
            let mut from_type: Vec<&str> = Vec::new();
            for i in &d.interfaces {
                if i.inline {
                    for f in iface.iter().filter(|f| !is_set(&i.custom_fields, f)) {
                        let what = format!("interface `{}` of device `{}`", i.name.value, d.name.value);
                        missing(out, f, i.name.span, what);
                    }
                } else {
                    from_type.push(&i.name.value);
                }
            }
            let (listed, verb, on) = match from_type.as_slice() {
                [one] => (format!("interface `{one}`"), "does", format!("interface `{one}`")),
                [a, b] => (format!("interfaces `{a}` and `{b}`"), "do", "2 interfaces".into()),
                [a, b, rest @ ..] => (
                    format!("interfaces `{a}`, `{b}` and {} more", rest.len()),
                    "do",
                    format!("{} interfaces", rest.len() + 2),
                ),
                [] => continue,
            };
            for f in iface {
                let name = &f.def.name.value;
                out.push(
                    Diagnostic::new(
                        Code::CustomFieldRequired,
                        d.name.span,
                        format!(
                            "{listed} of device `{}` (from its device type) {verb} not set the required custom field `{name}`",
                            d.name.value
                        ),
                    )
                    .label(format!("no `{name}` on {on}"))
                    .related(f.def.name.span, "the field is defined here, required and without a default")
                    .help(format!(
                        "list them under the device's `interfaces` with `custom_fields: {{{name}: ...}}`, or give the field a `default`"
                    )),
                );
            }
        }
    }
}

fn is_leap(y: u32) -> bool {
    y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `n` ASCII digits as a number.
fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `YYYY-MM-DD`, a real calendar date; `Err` says what is wrong.
fn date(s: &str) -> Result<(), String> {
    let shape = || "not in the form YYYY-MM-DD".to_string();
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(shape());
    }
    let (Some(y), Some(m), Some(d)) = (digits(&s[0..4]), digits(&s[5..7]), digits(&s[8..10])) else {
        return Err(shape());
    };
    if y == 0 {
        return Err("there is no year 0000".into());
    }
    if !(1..=12).contains(&m) {
        return Err(format!("there is no month {m}"));
    }
    let days = days_in_month(y, m);
    if d == 0 || d > days {
        return Err(format!("{} {y} has {days} days", MONTHS[m as usize - 1]));
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM[:SS[.ffffff]]`, `T` for the space allowed, with an optional
/// time zone `Z` or `±HH:MM`; `Err` says what is wrong.
fn datetime(s: &str) -> Result<(), String> {
    let shape = || "not in the form YYYY-MM-DD HH:MM:SS".to_string();
    if s.len() < 16 || !s.is_char_boundary(10) || !s.is_char_boundary(11) {
        return Err(shape());
    }
    date(&s[..10])?;
    if !matches!(s.as_bytes()[10], b' ' | b'T') {
        return Err(shape());
    }
    let mut rest = &s[11..];
    // The time zone: `Z`, or `+HH:MM` / `-HH:MM`.
    if let Some(r) = rest.strip_suffix('Z') {
        rest = r;
    } else if let Some(at) = rest.rfind(['+', '-']) {
        let tz = &rest[at + 1..];
        let tb = tz.as_bytes();
        if tb.len() != 5 || tb[2] != b':' {
            return Err("the time zone is not in the form +HH:MM".into());
        }
        let (Some(h), Some(m)) = (digits(&tz[..2]), digits(&tz[3..])) else {
            return Err("the time zone is not in the form +HH:MM".into());
        };
        if h > 23 || m > 59 {
            return Err(format!("the time zone offset {} is out of range", &rest[at..]));
        }
        rest = &rest[..at];
    }
    let mut parts = rest.splitn(3, ':');
    let (Some(hh), Some(mm)) = (parts.next(), parts.next()) else { return Err(shape()) };
    let ss = parts.next();
    let (Some(h), Some(m)) = (digits(hh).filter(|_| hh.len() == 2), digits(mm).filter(|_| mm.len() == 2)) else {
        return Err(shape());
    };
    if h > 23 {
        return Err(format!("there is no hour {h}"));
    }
    if m > 59 {
        return Err(format!("there is no minute {m}"));
    }
    if let Some(ss) = ss {
        let (sec, frac) = match ss.split_once('.') {
            Some((sec, frac)) => (sec, Some(frac)),
            None => (ss, None),
        };
        let Some(sv) = digits(sec).filter(|_| sec.len() == 2) else { return Err(shape()) };
        if sv > 59 {
            return Err(format!("there is no second {sv}"));
        }
        if let Some(frac) = frac
            && (frac.len() > 6 || digits(frac).is_none())
        {
            return Err("fractions of a second take 1 to 6 digits".into());
        }
    }
    Ok(())
}

/// A URL: `scheme://` followed by something, with no white space. NetBox accepts
/// any scheme of the form `[a-z][a-z0-9+.-]*` (case-insensitive).
fn url(s: &str) -> Result<(), String> {
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err("no scheme (`https://`...)".into());
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    if !scheme_ok {
        return Err(format!("`{scheme}` is not a URL scheme"));
    }
    if rest.is_empty() {
        return Err("nothing after the scheme".into());
    }
    if s.chars().any(char::is_whitespace) {
        return Err("a URL holds no white space".into());
    }
    Ok(())
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
