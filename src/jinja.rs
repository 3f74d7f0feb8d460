//! The one Jinja environment of `sot`: rules, queries and templates share it.
//!
//! minijinja with Python-compatible string and dict methods (`startswith`,
//! `split`, `items`...), a fuel limit and a recursion limit so that no
//! expression or template in a pull request can hang the check, and no access
//! to the environment or the filesystem beyond what the caller's loader allows.

use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, Error, Output, State, UndefinedBehavior, Value};

use crate::project::{RenderOptions, Undefined};

/// Fuel one evaluation may spend by default (`render.fuel` in sot.yaml). minijinja charges
/// one fuel per instruction and one per 64 bytes of data produced (strings, lists, output),
/// so fuel also bounds what one render can allocate: 2,000,000 is 128 MB per render (per
/// rendering thread). The example's largest device config takes 8,000 (about two fuel per
/// byte of output, so this default renders configurations up to about a megabyte). It was
/// 5,000,000 (320 MB per render: two threads of a hostile template reached 1.35 GB).
pub const FUEL: u64 = 2_000_000;
/// Deepest nesting of includes, macros and calls.
pub const RECURSION_LIMIT: usize = 64;

/// A fresh environment with `sot`'s settings and helpers.
pub fn environment(opts: &RenderOptions) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    env.set_fuel(Some(opts.fuel));
    env.set_recursion_limit(RECURSION_LIMIT);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(opts.trim_blocks)
        .lstrip_blocks(opts.lstrip_blocks)
        .keep_trailing_newline(opts.keep_trailing_newline)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env.set_undefined_behavior(match opts.undefined {
        Undefined::Strict => UndefinedBehavior::Strict,
        Undefined::Lenient => UndefinedBehavior::Lenient,
    });
    env.set_formatter(format_value);
    // As in Python: `none` is not iterable (minijinja iterates it as an empty list).
    env.add_test("iterable", |v: Value| !v.is_none() && !v.is_undefined() && v.try_iter().is_ok());
    env
}

/// minijinja's formatter, with strings written as they are when nothing is escaped (as the
/// default does, without going through `Display`: templates print names and addresses by
/// the hundred per device, and the formatting machinery cost several times the copy).
///
/// `none`, `true` and `false` print as Python prints them (`None`, `True`, `False`), as in
/// NetBox's renderer: `{{ device.location }}` of a device without one is `None` in both.
fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if *state.auto_escape() == AutoEscape::None {
        if let Some(s) = value.as_str() {
            return out.write_str(s).map_err(Error::from);
        }
        match value.kind() {
            ValueKind::None => return out.write_str("None").map_err(Error::from),
            ValueKind::Bool => {
                return out.write_str(if value.is_true() { "True" } else { "False" }).map_err(Error::from);
            }
            // Integers and addresses, the other values configurations print most, written
            // without going through `Display` of the value.
            ValueKind::Number if value.is_integer() => {
                if let Ok(n) = i64::try_from(value.clone()) {
                    return out.write_str(itoa(n, &mut [0; 20])).map_err(Error::from);
                }
            }
            ValueKind::Plain => {
                if let Some(a) = value.downcast_object_ref::<crate::view::Address>() {
                    return a.write_to(out).map_err(Error::from);
                }
            }
            _ => {}
        }
    }
    minijinja::escape_formatter(out, state, value)
}

/// `n` in decimal, written at the end of `buf` (20 bytes hold `i64::MIN`).
fn itoa(n: i64, buf: &mut [u8; 20]) -> &str {
    let mut at = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    std::str::from_utf8(&buf[at..]).expect("ASCII digits")
}

/// Today's date as `YYYY-MM-DD` (UTC), for rules about expiry dates.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_print_as_display_prints_them() {
        for n in [0, 7, -7, 10, 65_000, 4_200_000_000, i64::MAX, i64::MIN, -1_000_000] {
            assert_eq!(itoa(n, &mut [0; 20]), n.to_string());
        }
        let env = environment(&RenderOptions::default());
        let out = env.render_str(
            "{{ a }} {{ b }} {{ c }} {{ d }} {{ e }}",
            minijinja::context! {
                a => 65_000, b => -3, c => u64::MAX, d => 1.5, e => 2.0,
            },
        );
        assert_eq!(out.unwrap(), "65000 -3 18446744073709551615 1.5 2.0");
    }

    #[test]
    fn today_is_an_iso_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.as_str() > "2025-01-01", "{t}");
    }

    #[test]
    fn python_string_methods_work() {
        let env = environment(&RenderOptions::default());
        let r = env
            .render_str("{{ 'ospf_cost=5'.startswith('ospf_') }} {{ 'a=b'.split('=')[1] }} {{ 'x'.upper() }}", ())
            .unwrap();
        assert_eq!(r, "True b X");
    }

    #[test]
    fn none_and_booleans_print_as_python_prints_them() {
        let env = environment(&RenderOptions::default());
        let r = env.render_str("{{ none }} {{ true }} {{ false }} {{ 1 == 1 }} {{ [none] | length }}", ()).unwrap();
        assert_eq!(r, "None True False True 1");
        let r = env
            .render_str("{{ none is iterable }} {{ [] is iterable }} {{ 'x' is iterable }} {{ {} is iterable }}", ());
        assert_eq!(r.unwrap(), "False True True True");
    }

    #[test]
    fn fuel_and_recursion_limits_are_set() {
        let env = environment(&RenderOptions::default());
        assert_eq!(env.fuel(), Some(FUEL));
        let err = env.render_str("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", ()).unwrap_err();
        assert!(err.to_string().contains("recursion"), "{err}");
    }
}
