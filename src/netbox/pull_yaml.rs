//! The YAML `sot netbox pull` writes: block mappings and sequences, short lists of
//! scalars in flow style, and a string left plain only where every YAML reader
//! (YAML 1.2 as `sot` reads it, and YAML 1.1 as PyYAML and NetBox's import read it)
//! takes it as the same string; every other string is double-quoted.

use serde_json::Value;

/// `doc` (a mapping) as a YAML document.
pub fn document(doc: &serde_json::Map<String, Value>) -> String {
    let mut out = String::new();
    for (i, (k, v)) in doc.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        entry(&mut out, 0, k, v);
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn entry(out: &mut String, ind: usize, k: &str, v: &Value) {
    out.push_str(&scalar_str(k));
    out.push(':');
    value_after_key(out, ind, v);
}

/// The value of a mapping entry whose `key:` is already written at `ind`.
fn value_after_key(out: &mut String, ind: usize, v: &Value) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            mapping(out, ind + 2, m);
        }
        Value::Array(a) if !a.is_empty() => match flow(a) {
            Some(f) if f.len() + ind < 100 => {
                out.push(' ');
                out.push_str(&f);
                out.push('\n');
            }
            _ => {
                out.push('\n');
                sequence(out, ind + 2, a);
            }
        },
        v => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn mapping(out: &mut String, ind: usize, m: &serde_json::Map<String, Value>) {
    for (k, v) in m {
        indent(out, ind);
        entry(out, ind, k, v);
    }
}

fn sequence(out: &mut String, ind: usize, a: &[Value]) {
    for v in a {
        indent(out, ind);
        out.push_str("- ");
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        indent(out, ind + 2);
                    }
                    entry(out, ind + 2, k, x);
                }
            }
            Value::Array(inner) if !inner.is_empty() => match flow(inner) {
                Some(f) => {
                    out.push_str(&f);
                    out.push('\n');
                }
                None => {
                    out.push('\n');
                    sequence(out, ind + 2, inner);
                }
            },
            v => {
                out.push_str(&scalar(v));
                out.push('\n');
            }
        }
    }
}

/// A list of scalars in flow style (`[a, b]`), if every item is a scalar.
fn flow(a: &[Value]) -> Option<String> {
    let items: Option<Vec<String>> = a
        .iter()
        .map(|v| match v {
            Value::Array(_) | Value::Object(_) => None,
            v => Some(scalar(v)),
        })
        .collect();
    Some(format!("[{}]", items?.join(", ")))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_str(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// Words that YAML 1.1 or 1.2 reads as something other than a string.
const RESERVED: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"];

/// A string as YAML: plain where that is unambiguous, else double-quoted.
pub fn scalar_str(s: &str) -> String {
    if plain_ok(s) { s.to_string() } else { serde_json::to_string(s).expect("a string serialises") }
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if RESERVED.contains(&s.to_ascii_lowercase().as_str()) || s.ends_with(' ') {
        return false;
    }
    let body_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' ');
    if first.is_ascii_alphabetic() {
        return s.chars().all(body_ok) && !s.contains("  ");
    }
    // An address or prefix (`10.0.0.1/24`, `2001:db8::/32`): the `/` keeps it from
    // reading as a number or a sexagesimal in any YAML.
    first.is_ascii_hexdigit()
        && s.contains('/')
        && s.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, '.' | ':' | '/'))
        && !s.contains(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_any_yaml_might_read_otherwise_are_quoted() {
        for s in
            ["yes", "No", "on", "08", "010", "1:20", "2027-03-15", "", " x", "x ", "a: b", "#x", "-x", "1e5", "null"]
        {
            assert!(scalar_str(s).starts_with('"'), "{s}");
        }
        for s in ["Ethernet1/1", "lon1-spine1", "10.0.0.1/24", "2001:db8::1/64", "Hall 1", "ge-0/0/0.100"] {
            assert_eq!(scalar_str(s), s);
        }
    }

    #[test]
    fn documents_nest_blocks_and_keep_short_scalar_lists_in_flow() {
        let doc = json!({"devices": [{"name": "r1", "tags": ["a", "b"], "interfaces": [{"name": "e1"}],
            "local_context_data": {"x": {"w": [1, {"z": null}]}}}], "empty": []});
        let text = document(doc.as_object().unwrap());
        assert_eq!(
            text,
            "devices:\n  - name: r1\n    tags: [a, b]\n    interfaces:\n      - name: e1\n    local_context_data:\n      x:\n        w:\n          - 1\n          - z: null\n\nempty: []\n"
        );
    }
}
