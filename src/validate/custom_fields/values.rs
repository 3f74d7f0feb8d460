//! Custom-field values against their field's type, bounds, `validation_regex` and
//! `choices` (a field's `default` too).

use super::*;

/// "the string `x`", "the integer `12`", "a list"...
pub(super) fn describe(n: &Node) -> String {
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

pub(super) fn num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

/// Report one problem with a value (or default) of field `f`.
pub(super) fn report(
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
pub(super) fn string<'a>(n: &'a Node<'_>) -> Option<&'a str> {
    match n.as_scalar()?.typed() {
        Typed::Str(s) => Some(s),
        _ => None,
    }
}

/// The help for a scalar of the wrong YAML type where a string was wanted.
pub(super) fn quote_help(n: &Node) -> Option<String> {
    n.as_scalar().map(|s| format!("quote it to make it a string: `\"{}\"`", s.text))
}

pub(super) fn check_value(out: &mut Vec<Diagnostic>, f: &Field<'_>, n: &Node, ctx: Ctx) {
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

pub(super) fn check_bounds(out: &mut Vec<Diagnostic>, f: &Field<'_>, ctx: Ctx, n: &Node, x: f64) {
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

pub(super) fn check_regex(out: &mut Vec<Diagnostic>, f: &Field<'_>, ctx: Ctx, n: &Node, t: &str) {
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

pub(super) fn check_choice(out: &mut Vec<Diagnostic>, f: &Field<'_>, ctx: Ctx, n: &Node, t: &str) {
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
