//! Planning a model's objects: name what NetBox holds by natural key, resolve
//! the records' references to ids, and sort each record into create, update,
//! unchanged or waiting (for a parent of its own model); then the second pass
//! for fields that point at objects created later.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::compare::differences;
use super::{Action, Pusher, Update};
use crate::netbox::bundle::{Bundle, Record, Val, generic_fields};
use crate::netbox::client::Error;
use crate::netbox::model::{KeyOf, Marker, Model, key_of_existing};

/// What NetBox holds, as far as the push has seen it.
#[derive(Default)]
pub(super) struct State {
    pub(super) ids: HashMap<(Model, String), u64>,
    pub(super) keys: HashMap<(Model, u64), String>,
    pub(super) existing: HashMap<(Model, u64), Value>,
    pub(super) managed: HashSet<(Model, u64)>,
    /// Objects this push created.
    pub(super) created: HashSet<(Model, u64)>,
    pub(super) next_fake: u64,
}

impl KeyOf for State {
    fn key_of(&self, model: Model, id: u64) -> Option<&str> {
        self.keys.get(&(model, id)).map(String::as_str)
    }
}

impl State {
    pub(super) fn register(&mut self, model: Model, key: String, id: u64) {
        self.keys.insert((model, id), key.clone());
        self.ids.insert((model, key), id);
    }

    pub(super) fn id(&self, model: Model, key: &str) -> Option<u64> {
        self.ids.get(&(model, key.to_string())).copied()
    }

    /// An id for an object a dry run would create (never a real NetBox id).
    pub(super) fn fake(&mut self) -> u64 {
        self.next_fake += 1;
        (1 << 52) + self.next_fake
    }
}

/// A reference that cannot be resolved to an id.
pub struct Missing(pub Model, pub String);

pub(super) fn resolve(fields: &[(&'static str, Val)], st: &State) -> Result<Map<String, Value>, Missing> {
    resolve_with(fields, &|m, k| st.id(m, k))
}

/// A record's fields as the REST payload, references resolved to ids by `ids`.
pub fn resolve_with(
    fields: &[(&'static str, Val)],
    ids: &dyn Fn(Model, &str) -> Option<u64>,
) -> Result<Map<String, Value>, Missing> {
    let id = |m: Model, k: &str| ids(m, k).ok_or_else(|| Missing(m, k.to_string()));
    let mut out = Map::new();
    for (name, v) in fields {
        match v {
            Val::Json(j) => {
                out.insert((*name).into(), j.clone());
            }
            Val::Ref(m, k) => {
                let v = match k {
                    Some(k) => json!(id(*m, k)?),
                    None => Value::Null,
                };
                out.insert((*name).into(), v);
            }
            Val::Refs(m, ks) => {
                let ids = ks.iter().map(|k| id(*m, k)).collect::<Result<Vec<_>, _>>()?;
                out.insert((*name).into(), json!(ids));
            }
            Val::Generic(g) => {
                let (t, i) = generic_fields(name);
                match g {
                    Some((m, k)) => {
                        out.insert(t.into(), json!(m.name()));
                        out.insert(i.into(), json!(id(*m, k)?));
                    }
                    None => {
                        out.insert(t.into(), Value::Null);
                        out.insert(i.into(), Value::Null);
                    }
                }
            }
            Val::Terms(ts) => {
                let terms = ts
                    .iter()
                    .map(|(m, k)| Ok(json!({"object_type": m.name(), "object_id": id(*m, k)?})))
                    .collect::<Result<Vec<_>, _>>()?;
                out.insert((*name).into(), Value::Array(terms));
            }
            Val::Mappings(ms) => {
                let maps = ms
                    .iter()
                    .map(|(p, rp, rpp)| {
                        Ok(json!({"position": p, "rear_port": id(Model::RearPortTemplate, rp)?, "rear_port_position": rpp}))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                out.insert((*name).into(), Value::Array(maps));
            }
        }
    }
    Ok(out)
}

pub(super) fn query(model: Model) -> &'static str {
    match model {
        // A device list with config contexts makes NetBox merge every device's.
        Model::Device => "exclude=config_context",
        _ => "",
    }
}

impl Pusher<'_> {
    pub(super) fn stage(&mut self, model: Model, records: &[&Record]) -> Result<(), Error> {
        let existing = self.api.list(model.endpoint(), query(model))?;
        let mut seen_keys: HashSet<String> = HashSet::new();
        let mut unnamed = Vec::new();
        let mut named: Vec<(u64, String)> = Vec::new();
        for obj in existing {
            let Some(id) = obj.get("id").and_then(Value::as_u64) else { continue };
            match key_of_existing(model, &obj, &self.st) {
                Some(key) => {
                    if self.is_managed(model, &obj) {
                        self.st.managed.insert((model, id));
                    }
                    named.push((id, key.clone()));
                    self.st.register(model, key, id);
                }
                None => unnamed.push(id),
            }
            self.st.existing.insert((model, id), obj);
        }
        for r in records {
            seen_keys.insert(r.key.clone());
        }
        // Waves: a record whose parent is of its own model (regions, locations, …) waits
        // until the parent exists.
        let mut pending: Vec<&Record> = records.to_vec();
        loop {
            let mut creates: Vec<(&Record, Map<String, Value>)> = Vec::new();
            let mut updates: Vec<Update<'_>> = Vec::new();
            // Interfaces NetBox made from the templates of a device this push created:
            // part of the device's creation, so reported as created.
            let mut completes: Vec<Update<'_>> = Vec::new();
            let mut waiting: Vec<&Record> = Vec::new();
            for r in std::mem::take(&mut pending) {
                let mut want = match resolve(&r.fields, &self.st) {
                    Ok(w) => w,
                    Err(Missing(m, k)) if m == model && seen_keys.contains(&k) => {
                        waiting.push(r);
                        continue;
                    }
                    Err(m) => {
                        self.missing(r, m);
                        continue;
                    }
                };
                match self.st.id(model, &r.key) {
                    None => {
                        if model.marker() == Marker::Owner
                            && let Some(o) = self.owner
                        {
                            want.insert("owner".into(), json!(o));
                        }
                        creates.push((r, want));
                    }
                    Some(id) => {
                        let have = &self.st.existing[&(model, id)];
                        // An object sot did not create stays unmarked: prune must never take it.
                        if model.marker() == Marker::Tag
                            && !self.st.managed.contains(&(model, id))
                            && let (Some(tag), Some(Value::Array(tags))) = (self.tag_id, want.get_mut("tags"))
                        {
                            tags.retain(|t| t.as_u64() != Some(tag));
                        }
                        // A cable's ends are its name; which end NetBox calls A is not a change.
                        let skip: &[&str] =
                            if model == Model::Cable { &["a_terminations", "b_terminations"] } else { &[] };
                        let diff = differences(&want, have, skip);
                        let from_template = model == Model::Interface
                            && have
                                .pointer("/device/id")
                                .and_then(Value::as_u64)
                                .is_some_and(|d| self.st.created.contains(&(Model::Device, d)));
                        if from_template {
                            completes.push((r, id, diff));
                        } else if diff.is_empty() {
                            self.out.unchanged += 1;
                        } else {
                            updates.push((r, id, diff));
                        }
                    }
                }
            }
            let progress = !creates.is_empty() || !updates.is_empty() || !completes.is_empty();
            self.create(model, creates)?;
            self.update(model, updates)?;
            for (r, id, _) in &completes {
                self.st.created.insert((model, *id));
                self.note(Action::Create, r, Vec::new());
            }
            completes.retain(|(_, _, d)| !d.is_empty());
            self.send_updates(model, &completes, false)?;
            if waiting.is_empty() {
                break;
            }
            if !progress {
                // The parents were refused (or form a cycle NetBox would refuse too).
                for r in waiting {
                    if let Err(m) = resolve(&r.fields, &self.st) {
                        self.missing(r, m);
                    }
                }
                break;
            }
            pending = waiting;
        }
        // Managed objects the inventory no longer has.
        let mut stale: Vec<(Model, u64, String)> = named
            .into_iter()
            .filter(|(id, key)| self.st.managed.contains(&(model, *id)) && !seen_keys.contains(key))
            .map(|(id, key)| (model, id, key))
            .collect();
        stale.extend(
            unnamed
                .into_iter()
                .filter(|id| self.st.managed.contains(&(model, *id)))
                .map(|id| (model, id, format!("#{id}"))),
        );
        stale.sort_by_key(|s| s.1);
        self.stale.extend(stale);
        Ok(())
    }

    /// The second pass: fields that refer to objects created after their owner.
    pub(super) fn late(&mut self, bundle: &Bundle) -> Result<(), Error> {
        let mut by_model: Vec<(Model, Vec<Update<'_>>)> = Vec::new();
        for r in bundle.records.iter().filter(|r| !r.late.is_empty()) {
            let Some(id) = self.st.id(r.model, &r.key) else { continue };
            let want = match resolve(&r.late, &self.st) {
                Ok(w) => w,
                Err(m) => {
                    self.missing(r, m);
                    continue;
                }
            };
            let null = Value::Null;
            let have = self.st.existing.get(&(r.model, id)).unwrap_or(&null);
            let diff = differences(&want, have, &[]);
            if diff.is_empty() {
                continue;
            }
            match by_model.last_mut() {
                Some((m, v)) if *m == r.model => v.push((r, id, diff)),
                _ => by_model.push((r.model, vec![(r, id, diff)])),
            }
        }
        for (model, updates) in by_model {
            // A created object's late fields are part of its creation, not an update.
            let (fresh, old): (Vec<_>, Vec<_>) =
                updates.into_iter().partition(|(_, id, _)| self.st.created.contains(&(model, *id)));
            self.send_updates(model, &fresh, false)?;
            self.update(model, old)?;
        }
        Ok(())
    }
}
