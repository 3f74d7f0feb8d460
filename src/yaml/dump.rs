//! Writing JSON values as block-style YAML (for `sot show` and `to_yaml`).

use serde_json::Value;

/// `v` as a YAML document (no `---`), ending in a newline.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => seq(&mut out, a, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn map(out: &mut String, m: &serde_json::Map<String, Value>, ind: usize) {
    for (k, v) in m {
        indent(out, ind);
        key(out, k, ind);
        child(out, v, ind);
    }
}

/// A key and its `:`. YAML reads an implicit key of at most 1024 characters, so a
/// longer one (as written, escapes included) becomes an explicit `? key` line.
fn key(out: &mut String, k: &str, ind: usize) {
    let k = string(k);
    if k.chars().count() > 1000 {
        out.push_str("? ");
        out.push_str(&k);
        out.push('\n');
        indent(out, ind);
    } else {
        out.push_str(&k);
    }
    out.push(':');
}

fn seq(out: &mut String, a: &[Value], ind: usize) {
    for v in a {
        indent(out, ind);
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                // The first key goes on the dash's line.
                let mut first = true;
                for (k, val) in m {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, ind + 2);
                    }
                    key(out, k, ind + 2);
                    child(out, val, ind + 2);
                }
            }
            _ => child(out, v, ind),
        }
    }
}

fn child(out: &mut String, v: &Value, ind: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            map(out, m, ind + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            seq(out, a, ind + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string, quoted when YAML would read it as something else or could not read it.
fn string(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && !s.starts_with(|c: char| c.is_whitespace() || "-?:,[]{}#&*!|>'\"%@`~".contains(c))
        && !s.ends_with(char::is_whitespace)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.chars().any(|c| c.is_control() || c == '\u{feff}')
        && reads_as_string(s)
        && !s.ends_with(':')
        && !s.starts_with("...")
        && s != "<<";
    if plain_ok {
        s.to_string()
    } else {
        // JSON's escapes are YAML's, but a byte-order mark may not appear raw in a document.
        serde_json::to_string(s).unwrap_or_default().replace('\u{feff}', "\\ufeff")
    }
}

/// Would the YAML 1.2 core schema read `s`, unquoted, as this string?
fn reads_as_string(s: &str) -> bool {
    let scalar = super::Scalar { text: s.into(), quoted: false };
    matches!(scalar.typed(), super::Typed::Str(_)) && !matches!(s, "null" | "Null" | "NULL" | "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn round_trips_through_the_parser() {
        let v = serde_json::json!({
            "name": "lon1-spine1",
            "asn": 65001,
            "quoted": ["true", "42", "10:20", "a: b", "", " x", "#c", "-"],
            "nested": {"list": [{"ip": "10.0.0.1", "as": 1}, [1, 2], {}], "empty": [], "none": null},
            "date": "2027-03-15",
            "float": 1.5
        });
        let text = to_yaml(&v);
        let mut diags = Vec::new();
        let node = crate::yaml::parse(FileId(0), &text, &crate::yaml::Limits::default(), &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}\n{text}");
        assert_eq!(node.to_json(), v, "{text}");
    }

    /// Found by fuzzing (fuzz/regressions/yaml/): keys longer than YAML's 1024-character
    /// limit for implicit keys, a key spelt `<<` (a merge key when plain) and a BOM.
    #[test]
    fn long_keys_merge_key_text_and_bom_round_trip() {
        let long = "\u{7}".repeat(200);
        let v = serde_json::json!({
            "<<": {"a": 1},
            long.clone(): {"b": [1, {long.clone(): 2}]},
            "k".repeat(1100): "\u{feff}x",
            "x\u{feff}": ["<<"],
        });
        let text = to_yaml(&v);
        let mut diags = Vec::new();
        let node = crate::yaml::parse(FileId(0), &text, &crate::yaml::Limits::default(), &mut diags);
        assert!(diags.is_empty(), "{diags:?}\n{text}");
        assert_eq!(node.unwrap().to_json(), v, "{text}");
    }

    #[test]
    fn a_string_that_looks_like_a_document_end_round_trips() {
        for v in [serde_json::json!("..."), serde_json::json!("... x"), serde_json::json!(["..."])] {
            let text = to_yaml(&v);
            let mut diags = Vec::new();
            let node = crate::yaml::parse(FileId(0), &text, &crate::yaml::Limits::default(), &mut diags);
            assert!(diags.is_empty(), "{diags:?}\n{text}");
            assert_eq!(node.unwrap().to_json(), v, "{text}");
        }
    }
}
