//! `sot diff`: what a change does to the network.
//!
//! Both sides are compiled fully; the report lists objects created, updated
//! (field by field) and deleted by natural key, shaped like NetBox's webhook
//! events; per device, the merged-context values that changed and which
//! context did it, and the unified diff of its rendered configuration; and the
//! diagnostics the change introduces or fixes.

mod objects;
pub mod report;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::compile::Compilation;
use crate::source::SourceSet;

pub use objects::{Snapshot, snapshot};

/// One compiled side of the comparison.
pub struct Side<'a> {
    /// A commit id, or `working tree`.
    pub label: String,
    pub comp: &'a Compilation,
    pub sources: &'a SourceSet,
}

#[derive(Debug, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// An object change, shaped like a NetBox webhook payload.
#[derive(Debug, Serialize)]
pub struct Event {
    /// `created`, `updated` or `deleted`.
    pub event: &'static str,
    /// NetBox's model name, e.g. `dcim.device`.
    pub model: &'static str,
    /// The natural key.
    pub key: String,
    pub prechange: Option<Value>,
    pub postchange: Option<Value>,
    /// For `updated`: the fields that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Serialize)]
pub struct ContextChange {
    /// Dotted key path in the merged context.
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// The context that set the new value (or set the old one, for a removal).
    pub by: String,
}

#[derive(Debug, Serialize)]
pub struct DeviceChange {
    pub device: String,
    pub context: Vec<ContextChange>,
    /// Unified diff of `configs/<device>.cfg`; empty when the config is unchanged.
    pub config_diff: String,
    pub lines_added: usize,
    pub lines_removed: usize,
}

#[derive(Debug, Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiagnosticRef {
    pub code: &'static str,
    pub severity: &'static str,
    pub file: String,
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Serialize, Default)]
pub struct Summary {
    pub objects_created: usize,
    pub objects_updated: usize,
    pub objects_deleted: usize,
    pub devices_affected: usize,
    pub config_lines_added: usize,
    pub config_lines_removed: usize,
    pub diagnostics_introduced: usize,
    pub diagnostics_fixed: usize,
}

#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub base: String,
    pub head: String,
    pub summary: Summary,
    pub events: Vec<Event>,
    pub devices: Vec<DeviceChange>,
    pub introduced: Vec<DiagnosticRef>,
    pub fixed: Vec<DiagnosticRef>,
}

fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let (Value::Object(o), Value::Object(n)) = (old, new) else {
        return vec![FieldChange { field: String::new(), old: old.clone(), new: new.clone() }];
    };
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (o.get(k).cloned().unwrap_or(Value::Null), n.get(k).cloned().unwrap_or(Value::Null));
            (a != b).then(|| FieldChange { field: k.clone(), old: a, new: b })
        })
        .collect()
}

fn events(base: &Snapshot<'_>, head: &Snapshot<'_>) -> Vec<Event> {
    let mut out = Vec::new();
    for (k, (old_digest, old)) in base {
        match head.get(k) {
            None => out.push(Event {
                event: "deleted",
                model: k.0,
                key: k.1.clone(),
                prechange: Some(old.json()),
                postchange: None,
                changes: vec![],
            }),
            Some((new_digest, new)) if new_digest != old_digest => {
                let (old, new) = (old.json(), new.json());
                let changes = field_changes(&old, &new);
                if !changes.is_empty() {
                    out.push(Event {
                        event: "updated",
                        model: k.0,
                        key: k.1.clone(),
                        prechange: Some(old),
                        postchange: Some(new),
                        changes,
                    });
                }
            }
            Some(_) => {}
        }
    }
    for (k, (_, new)) in head {
        if !base.contains_key(k) {
            out.push(Event {
                event: "created",
                model: k.0,
                key: k.1.clone(),
                prechange: None,
                postchange: Some(new.json()),
                changes: vec![],
            });
        }
    }
    out.sort_by(|a, b| (a.model, &a.key).cmp(&(b.model, &b.key)));
    out
}

fn diagnostics(side: &Side<'_>) -> BTreeSet<DiagnosticRef> {
    side.comp
        .diagnostics
        .iter()
        .map(|d| DiagnosticRef {
            code: d.code.as_str(),
            severity: d.severity.as_str(),
            file: side.sources.path(d.primary.span.file).to_string(),
            line: d.primary.span.start.line,
            message: d.message.clone(),
        })
        .collect()
}

/// Diagnostics compared without their line, so that an edit above a finding does not "fix" it.
fn without_line(d: &DiagnosticRef) -> (&'static str, &str, &str) {
    (d.code, &d.file, &d.message)
}

/// Merged-context leaves of one device: path → (value, set by).
fn context_leaves(side: &Side<'_>, id: crate::model::Id<crate::model::Device>) -> BTreeMap<String, (Value, String)> {
    crate::show::explain(&side.comp.world, side.sources, id)
        .into_iter()
        .map(|e| (e.path, (e.value, format!("{} ({})", e.set_by.context, e.set_by.location))))
        .collect()
}

/// Each device's merged context as JSON, by name.
fn merged<'s>(side: &'s Side<'_>) -> BTreeMap<&'s str, (crate::model::Id<crate::model::Device>, Value)> {
    use rayon::prelude::*;
    let w = &side.comp.world;
    let ctx = crate::context::Contexts::new(&w.inventory, &w.matcher);
    w.inventory
        .devices
        .par_iter()
        .enumerate()
        .map(|(i, d)| (d.name.as_str(), (crate::model::Id::new(i), ctx.merged(d).to_json())))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

fn configs<'s>(side: &'s Side<'_>) -> BTreeMap<&'s str, &'s str> {
    let Some(cfgs) = &side.comp.configs else { return BTreeMap::new() };
    side.comp
        .world
        .inventory
        .devices
        .iter()
        .zip(cfgs)
        .filter_map(|(d, c)| c.as_ref().map(|c| (d.name.as_str(), c.as_str())))
        .collect()
}

/// Compare two compiled sides.
pub fn diff(base: &Side<'_>, head: &Side<'_>) -> DiffReport {
    let events = events(&snapshot(&base.comp.inventory), &snapshot(&head.comp.inventory));
    let (mb, mh) = (merged(base), merged(head));
    let (cb, ch) = (configs(base), configs(head));
    let names: BTreeSet<&str> = mb.keys().chain(mh.keys()).chain(cb.keys()).chain(ch.keys()).copied().collect();
    let mut devices = Vec::new();
    for name in names {
        let mut context = Vec::new();
        // Only devices on both sides whose merged context differs: explain those.
        // (A created or deleted device is an object event.)
        if let (Some((ib, jb)), Some((ih, jh))) = (mb.get(name), mh.get(name))
            && jb != jh
        {
            let (ob, oh) = (context_leaves(base, *ib), context_leaves(head, *ih));
            let paths: BTreeSet<&String> = ob.keys().chain(oh.keys()).collect();
            for p in paths {
                let (a, b) = (ob.get(p), oh.get(p));
                if a.map(|x| &x.0) != b.map(|x| &x.0) {
                    let by = b.or(a).map(|x| x.1.clone()).unwrap_or_default();
                    context.push(ContextChange {
                        path: p.clone(),
                        old: a.map(|x| x.0.clone()),
                        new: b.map(|x| x.0.clone()),
                        by,
                    });
                }
            }
        }
        let (old, new) = (cb.get(name).copied().unwrap_or(""), ch.get(name).copied().unwrap_or(""));
        let (mut config_diff, mut added, mut removed) = (String::new(), 0, 0);
        if old != new {
            let td = similar::TextDiff::from_lines(old, new);
            for change in td.iter_all_changes() {
                match change.tag() {
                    similar::ChangeTag::Insert => added += 1,
                    similar::ChangeTag::Delete => removed += 1,
                    similar::ChangeTag::Equal => {}
                }
            }
            config_diff = td
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/configs/{name}.cfg"), &format!("b/configs/{name}.cfg"))
                .to_string();
        }
        if !context.is_empty() || !config_diff.is_empty() {
            devices.push(DeviceChange {
                device: name.to_string(),
                context,
                config_diff,
                lines_added: added,
                lines_removed: removed,
            });
        }
    }
    let (db, dh) = (diagnostics(base), diagnostics(head));
    let kb: BTreeSet<_> = db.iter().map(without_line).collect();
    let kh: BTreeSet<_> = dh.iter().map(without_line).collect();
    let introduced: Vec<DiagnosticRef> = dh.iter().filter(|d| !kb.contains(&without_line(d))).cloned().collect();
    let fixed: Vec<DiagnosticRef> = db.iter().filter(|d| !kh.contains(&without_line(d))).cloned().collect();
    let summary = Summary {
        objects_created: events.iter().filter(|e| e.event == "created").count(),
        objects_updated: events.iter().filter(|e| e.event == "updated").count(),
        objects_deleted: events.iter().filter(|e| e.event == "deleted").count(),
        devices_affected: devices.len(),
        config_lines_added: devices.iter().map(|d| d.lines_added).sum(),
        config_lines_removed: devices.iter().map(|d| d.lines_removed).sum(),
        diagnostics_introduced: introduced.len(),
        diagnostics_fixed: fixed.len(),
    };
    DiffReport { base: base.label.clone(), head: head.label.clone(), summary, events, devices, introduced, fixed }
}
