//! Which templates a template can load, and whether it may read beyond its device.
//!
//! Used to decide that a device's configuration cannot have changed (`sot diff`), so
//! every answer errs on the side of "more": a statement the scan does not understand
//! makes the template depend on every template; comments and `raw` blocks are scanned
//! like code.
//!
//! A template loads others only with `include`, `import`, `from … import` and `extends`
//! (no loader function is exposed). With names written as string literals (or a list of
//! them, for `include`), the scan follows them; any other expression (`"ntp-" ~ platform`)
//! is dynamic. A template reads beyond its device and its merged context when it names
//! `inventory` (every collection), or uses `debug()` or `pprint`, whose output shows
//! objects' internal identities.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hasher;

/// The templates a template file can load, and what it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closure {
    /// A digest of the names and texts of the file and every template it can load (all
    /// templates, if a name is computed), and of the names it loads that are no file.
    pub digest: u64,
    /// It, or a template it loads, may read the whole inventory.
    pub reads_world: bool,
}

/// What one template's text loads.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loads {
    /// Names written as literals.
    pub names: Vec<String>,
    /// A name that is not a literal: any template may be loaded.
    pub dynamic: bool,
}

/// Words that, anywhere in a template, mean it may read beyond its device.
const WORLD_WORDS: &[&str] = &["inventory", "debug", "pprint"];

fn reads_world(text: &str) -> bool {
    WORLD_WORDS.iter().any(|w| text.contains(w))
}

/// The templates `text` loads.
pub fn loads(text: &str) -> Loads {
    let mut out = Loads::default();
    let mut rest = text;
    while let Some(at) = rest.find("{%") {
        rest = &rest[at + 2..];
        let mut s = rest.strip_prefix(['-', '+']).unwrap_or(rest).trim_start();
        let word_end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
        let word = &s[..word_end];
        if !matches!(word, "include" | "import" | "from" | "extends") {
            continue;
        }
        s = s[word_end..].trim_start();
        match literals(s) {
            Some((names, after)) if ends_name(after) => out.names.extend(names),
            _ => out.dynamic = true,
        }
    }
    out
}

/// A string literal or a list of them at the start of `s`, and what follows.
fn literals(s: &str) -> Option<(Vec<String>, &str)> {
    if let Some(list) = s.strip_prefix('[') {
        let mut names = Vec::new();
        let mut s = list.trim_start();
        loop {
            if let Some(after) = s.strip_prefix(']') {
                return Some((names, after));
            }
            let (name, after) = literal(s)?;
            names.push(name);
            s = after.trim_start();
            s = s.strip_prefix(',').unwrap_or(s).trim_start();
        }
    }
    let (name, after) = literal(s)?;
    Some((vec![name], after))
}

/// A string literal without escapes at the start of `s`.
fn literal(s: &str) -> Option<(String, &str)> {
    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &s[1..];
    let end = body.find(quote)?;
    let name = &body[..end];
    if name.contains('\\') {
        return None;
    }
    Some((name.to_string(), &body[end + 1..]))
}

/// Whether what follows a loaded name ends the name: the end of the tag, or a word of the
/// statement (`ignore missing`, `with context`, `as m`, `import x`), not an operator.
fn ends_name(after: &str) -> bool {
    let s = after.trim_start();
    ["%}", "-%}", "+%}", "ignore", "with", "without", "as", "import"].iter().any(|w| {
        s.strip_prefix(w).is_some_and(|r| w.ends_with('}') || r.starts_with(|c: char| c.is_whitespace() || c == '%'))
    })
}

/// The closure of `file` in `texts` (template name → text); `resolve` maps a name as
/// written to a key of `texts`, as the template loader does.
pub fn closure<'t>(
    texts: &'t HashMap<String, String>,
    file: &str,
    resolve: impl Fn(&str) -> Option<&'t str>,
) -> Closure {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut missing: BTreeSet<String> = BTreeSet::new();
    let mut dynamic = false;
    let mut todo: Vec<&str> = texts.get_key_value(file).map(|(k, _)| k.as_str()).into_iter().collect();
    while let Some(f) = todo.pop() {
        if !seen.insert(f) {
            continue;
        }
        let l = loads(&texts[f]);
        dynamic |= l.dynamic;
        for n in l.names {
            match resolve(&n) {
                Some(k) => todo.push(k),
                None => {
                    missing.insert(n);
                }
            }
        }
    }
    let mut h = crate::digest::hasher();
    h.write(file.as_bytes());
    h.write_u8(0xff);
    let files: BTreeMap<&str, &str> = if dynamic {
        h.write_u8(1);
        texts.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    } else {
        h.write_u8(0);
        seen.iter().map(|k| (*k, texts[*k].as_str())).collect()
    };
    crate::digest::feed(&mut h, &files);
    crate::digest::feed(&mut h, &missing);
    Closure { digest: h.finish(), reads_world: files.values().any(|t| reads_world(t)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> (Vec<String>, bool) {
        let l = loads(t);
        (l.names, l.dynamic)
    }

    fn v(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn literal_names_are_followed_and_computed_ones_are_dynamic() {
        assert_eq!(names("{% include 'a.j2' %}{%- include \"b\" ignore missing -%}"), (v(&["a.j2", "b"]), false));
        assert_eq!(names("{% import 'm.j2' as m %}{% from \"n.j2\" import x %}"), (v(&["m.j2", "n.j2"]), false));
        assert_eq!(names("{%extends\"base.j2\"%}{% include ['x', \"y\"] %}"), (v(&["base.j2", "x", "y"]), false));
        assert!(names("{% include 'ntp-' ~ device.platform.slug %}").1);
        assert!(names("{% include name %}").1);
        assert!(names("{% include 'a' if x else 'b' %}").1);
        assert!(names("{% include ['a', b] %}").1);
        assert!(names("{% include 'a\\'b' %}").1);
        assert_eq!(names("{% if x %}{{ 'include' }}{% endif %}"), (v(&[]), false));
    }

    #[test]
    fn the_closure_covers_what_is_loaded_and_only_that() {
        let mut texts: HashMap<String, String> = [
            ("eos.j2", "{% include 'partials/ntp.j2' %}{% include 'nope.j2' ignore missing %}"),
            ("partials/ntp.j2", "{% import 'macros.j2' as m %}ntp"),
            ("macros.j2", "{% macro x() %}{% endmacro %}"),
            ("junos.j2", "{{ inventory.devices | length }}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let get = |t: &HashMap<String, String>, f: &str| {
            let keys: Vec<&str> = t.keys().map(String::as_str).collect();
            closure(t, f, |n| keys.iter().copied().find(|k| *k == n))
        };
        let eos = get(&texts, "eos.j2");
        assert!(!eos.reads_world);
        assert!(get(&texts, "junos.j2").reads_world);
        texts.insert("junos.j2".into(), "changed".into());
        assert_eq!(get(&texts, "eos.j2"), eos, "junos.j2 is not loaded by eos.j2");
        texts.insert("macros.j2".into(), "{% macro x() %}!{% endmacro %}".into());
        assert_ne!(get(&texts, "eos.j2"), eos, "a template loaded two levels down");
        let eos = get(&texts, "eos.j2");
        texts.insert("nope.j2".into(), String::new());
        assert_ne!(get(&texts, "eos.j2"), eos, "a missing name that now exists");
    }
}
