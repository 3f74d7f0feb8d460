//! NetBox's deep merge, keeping where every value came from.
//!
//! Mappings merge key by key; lists and scalars are replaced whole; a later
//! empty mapping `{}` replaces what was there (NetBox merges only into a
//! non-empty mapping). Each entry remembers the source that set it and the
//! sources it replaced, so `--explain` can say why a device has a value and the
//! weight checks can see every override.
//!
//! Key order is NetBox's: it stores each context's data (and a device's local
//! context data) as PostgreSQL `jsonb`, whose objects come back with their keys
//! ordered by length, then bytes ([`jsonb_order`]); the merge then keeps the
//! position of a key already present and appends new keys in that order.

use indexmap::IndexMap;

use crate::diagnostic::Span;
use crate::model::{ConfigContext, Id};
use crate::yaml::{Node, Value};

/// Where a merged value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    Context(Id<ConfigContext>),
    /// The device's `local_context_data`.
    Local,
}

#[derive(Clone, Debug)]
pub enum MValue<'a> {
    Map(IndexMap<&'a str, Entry<'a>>),
    Leaf(&'a Node<'a>),
}

/// One key of a merged mapping.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub value: MValue<'a>,
    /// The source that set this value (for a mapping: the first that wrote it).
    pub source: Source,
    /// Where the key was written.
    pub key_span: Span,
    /// The sources whose values this one replaced, oldest first.
    pub overrode: Vec<(Source, Span)>,
}

/// Something a merge step noticed: `new` replaced `old` at `path` with a different value.
#[derive(Clone, Debug)]
pub struct Override {
    pub path: String,
    pub old: Source,
    pub old_span: Span,
    pub new: Source,
    pub new_span: Span,
}

/// A device's merged context.
#[derive(Clone, Debug, Default)]
pub struct Merged<'a> {
    pub root: IndexMap<&'a str, Entry<'a>>,
}

impl<'a> Merged<'a> {
    /// Merge `data` (a mapping node) from `source` on top; overrides of
    /// different values are appended to `overrides`.
    pub fn merge(&mut self, data: &'a Node, source: Source, overrides: &mut Vec<Override>) {
        if let Value::Map(entries) = &data.value {
            merge_map(&mut self.root, entries, source, "", overrides);
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        map_json(&self.root)
    }

    /// The entry at a JSON-pointer-like path of keys (list indexes descend into the leaf's node).
    pub fn lookup(&self, path: &[String]) -> Option<(&Entry<'a>, Option<&'a Node<'a>>)> {
        let (first, rest) = path.split_first()?;
        let mut entry = self.root.get(first.as_str())?;
        let mut rest = rest;
        while let Some((k, more)) = rest.split_first() {
            match &entry.value {
                MValue::Map(m) => match m.get(k.as_str()) {
                    Some(e) => entry = e,
                    None => return Some((entry, None)),
                },
                MValue::Leaf(node) => return Some((entry, descend(node, rest))),
            }
            rest = more;
        }
        let node = match &entry.value {
            MValue::Leaf(n) => Some(*n),
            MValue::Map(_) => None,
        };
        Some((entry, node))
    }

    /// Every leaf with its path, depth first in key order.
    pub fn leaves(&self) -> Vec<(String, &Entry<'a>)> {
        let mut out = Vec::new();
        visit(&self.root, &mut Vec::new(), &mut |keys, e| {
            out.push((keys.iter().fold(String::new(), |path, k| join(&path, k)), e));
        });
        out
    }

    /// Every leaf, in the order of [`Merged::leaves`], without building its path.
    pub fn leaf_entries(&self) -> Vec<&Entry<'a>> {
        let mut out = Vec::new();
        visit(&self.root, &mut Vec::new(), &mut |_, e| out.push(e));
        out
    }
}

/// Call `f` with every leaf and the keys leading to it, depth first in key order (an empty
/// mapping is a leaf).
fn visit<'m, 'a>(
    m: &'m IndexMap<&'a str, Entry<'a>>,
    keys: &mut Vec<&'a str>,
    f: &mut dyn FnMut(&[&'a str], &'m Entry<'a>),
) {
    for (k, e) in m {
        keys.push(k);
        match &e.value {
            MValue::Map(inner) if !inner.is_empty() => visit(inner, keys, f),
            _ => f(keys, e),
        }
        keys.pop();
    }
}

/// Follow list indexes and keys into a YAML node.
fn descend<'a>(mut node: &'a Node<'a>, path: &[String]) -> Option<&'a Node<'a>> {
    for k in path {
        node = match &node.value {
            Value::Seq(items) => items.get(k.parse::<usize>().ok()?)?,
            Value::Map(entries) => &entries.iter().find(|(key, _)| key.key_text() == k)?.1,
            _ => return Some(node),
        };
    }
    Some(node)
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
}

/// `jsonb`'s order of object keys: shorter first, then by bytes.
pub fn jsonb_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// A mapping's entries in `jsonb` order; of duplicate keys the last one (as `jsonb` keeps).
fn jsonb_entries<'a>(entries: &'a [(Node<'a>, Node<'a>)]) -> Vec<&'a (Node<'a>, Node<'a>)> {
    let mut v: Vec<&(Node, Node)> = entries.iter().collect();
    // Stable: equal keys keep their written order, and the last of them is kept below.
    v.sort_by(|a, b| jsonb_order(a.0.key_text(), b.0.key_text()));
    v.dedup_by(|later, earlier| {
        let same = later.0.key_text() == earlier.0.key_text();
        if same {
            std::mem::swap(later, earlier);
        }
        same
    });
    v
}

/// A JSON value as `jsonb` gives it back: every object's keys in [`jsonb_order`].
pub fn to_jsonb(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| jsonb_order(&a.0, &b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, to_jsonb(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(to_jsonb).collect()),
        other => other,
    }
}

/// A YAML node's JSON as NetBox returns it once stored (`jsonb` key order).
pub fn node_jsonb(node: &Node<'_>) -> serde_json::Value {
    to_jsonb(node.to_json())
}

fn leaf_or_map<'a>(node: &'a Node<'a>, source: Source) -> MValue<'a> {
    match &node.value {
        Value::Map(entries) => {
            let mut m = IndexMap::with_capacity(entries.len());
            for (k, v) in jsonb_entries(entries) {
                m.insert(
                    k.key_text(),
                    Entry { value: leaf_or_map(v, source), source, key_span: k.span, overrode: Vec::new() },
                );
            }
            MValue::Map(m)
        }
        _ => MValue::Leaf(node),
    }
}

fn merge_map<'a>(
    into: &mut IndexMap<&'a str, Entry<'a>>,
    entries: &'a [(Node<'a>, Node<'a>)],
    source: Source,
    prefix: &str,
    overrides: &mut Vec<Override>,
) {
    for (k, v) in jsonb_entries(entries) {
        let key = k.key_text();
        match into.get_mut(key) {
            None => {
                into.insert(
                    key,
                    Entry { value: leaf_or_map(v, source), source, key_span: k.span, overrode: Vec::new() },
                );
            }
            Some(existing) => match (&mut existing.value, &v.value) {
                // An empty mapping replaces, as below.
                (MValue::Map(inner), Value::Map(more)) if !more.is_empty() => {
                    merge_map(inner, more, source, &join(prefix, key), overrides)
                }
                _ => {
                    let path = join(prefix, key);
                    if value_json(&existing.value) != v.to_json() {
                        // Report against every source the replaced subtree held.
                        let mut olds = Vec::new();
                        sources_of(existing, &mut olds);
                        for (old, old_span) in olds {
                            overrides.push(Override {
                                path: path.clone(),
                                old,
                                old_span,
                                new: source,
                                new_span: k.span,
                            });
                        }
                    }
                    let mut overrode = std::mem::take(&mut existing.overrode);
                    overrode.push((existing.source, existing.key_span));
                    *existing = Entry { value: leaf_or_map(v, source), source, key_span: k.span, overrode };
                }
            },
        }
    }
}

/// The distinct sources that set values in an entry's subtree.
fn sources_of(e: &Entry<'_>, out: &mut Vec<(Source, Span)>) {
    match &e.value {
        MValue::Map(m) if !m.is_empty() => m.values().for_each(|c| sources_of(c, out)),
        _ => {
            if !out.iter().any(|(s, _)| *s == e.source) {
                out.push((e.source, e.key_span));
            }
        }
    }
}

fn value_json(v: &MValue<'_>) -> serde_json::Value {
    match v {
        MValue::Leaf(n) => node_jsonb(n),
        MValue::Map(m) => map_json(m),
    }
}

fn map_json(m: &IndexMap<&str, Entry<'_>>) -> serde_json::Value {
    serde_json::Value::Object(m.iter().map(|(k, e)| (k.to_string(), value_json(&e.value))).collect())
}
