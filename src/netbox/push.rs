//! `sot netbox push`: make a NetBox hold the inventory.
//!
//! Model by model in dependency order: fetch what NetBox has, name each object
//! by its natural key, resolve the records' references to ids, create what is
//! missing, PATCH the fields that differ, leave what is equal. A second pass
//! sets the fields that point at objects created later (primary IPs, LAGs and
//! parents). With `prune`, managed objects the inventory no longer has are
//! deleted, children first. Nothing is written in a dry run; the plan is the
//! same.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::bundle::{Bundle, MANAGED_TAG, Record, Val, generic_fields};
use super::client::{Client, Error};
use super::model::{KeyOf, Marker, Model, key_of_existing};
use crate::diagnostic::Span;

/// How to push.
#[derive(Debug, Clone)]
pub struct Options {
    pub dry_run: bool,
    pub prune: bool,
    /// Objects per bulk request.
    pub batch: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { dry_run: false, prune: false, batch: 200 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
}

/// One change the push makes (or, in a dry run, would make).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Change {
    pub action: Action,
    pub model: &'static str,
    pub key: String,
    /// Changed fields: (field, NetBox's value, the inventory's value). Empty for
    /// creates and deletes.
    pub fields: Vec<(String, Value, Value)>,
    #[serde(skip)]
    pub origin: Option<Span>,
}

/// NetBox refused something, or an object could not be sent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    pub model: &'static str,
    pub key: String,
    pub message: String,
    #[serde(skip)]
    pub origin: Option<Span>,
}

/// What a push did. In a real push, `changes` holds only what NetBox confirmed;
/// in a dry run, what the push would do.
#[derive(Debug, Default, serde::Serialize)]
pub struct Outcome {
    pub netbox_version: String,
    pub changes: Vec<Change>,
    pub unchanged: usize,
    pub problems: Vec<Problem>,
    /// Managed objects the inventory no longer has, left because `prune` was off.
    pub stale: usize,
}

impl Outcome {
    pub fn count(&self, a: Action) -> usize {
        self.changes.iter().filter(|c| c.action == a).count()
    }

    /// Per model, in the order models are pushed: how many objects were
    /// created, updated and deleted.
    pub fn by_model(&self) -> Vec<(&'static str, [usize; 3])> {
        let mut out: Vec<(&'static str, [usize; 3])> = Vec::new();
        for c in &self.changes {
            let i = match c.action {
                Action::Create => 0,
                Action::Update => 1,
                Action::Delete => 2,
            };
            match out.iter_mut().find(|(m, _)| *m == c.model) {
                Some((_, n)) => n[i] += 1,
                None => {
                    let mut n = [0; 3];
                    n[i] = 1;
                    out.push((c.model, n));
                }
            }
        }
        let rank = |m: &str| Model::all().iter().position(|x| x.name() == m).unwrap_or(usize::MAX);
        out.sort_by_key(|(m, _)| rank(m));
        out
    }
}

/// A push that stopped on an error: what it had done until then, and the error.
#[derive(Debug)]
pub struct Failed {
    /// What NetBox had confirmed before the error (and the refusals so far).
    pub outcome: Outcome,
    pub error: Error,
}

/// A field that differs: (field, NetBox's value, the inventory's value).
pub type FieldChange = (String, Value, Value);

/// An object to PATCH: its record, its id, the fields that differ.
type Update<'r> = (&'r Record, u64, Vec<FieldChange>);

/// What NetBox holds, as far as the push has seen it.
#[derive(Default)]
struct State {
    ids: HashMap<(Model, String), u64>,
    keys: HashMap<(Model, u64), String>,
    existing: HashMap<(Model, u64), Value>,
    managed: HashSet<(Model, u64)>,
    /// Objects this push created.
    created: HashSet<(Model, u64)>,
    next_fake: u64,
}

impl KeyOf for State {
    fn key_of(&self, model: Model, id: u64) -> Option<&str> {
        self.keys.get(&(model, id)).map(String::as_str)
    }
}

impl State {
    fn register(&mut self, model: Model, key: String, id: u64) {
        self.keys.insert((model, id), key.clone());
        self.ids.insert((model, key), id);
    }

    fn id(&self, model: Model, key: &str) -> Option<u64> {
        self.ids.get(&(model, key.to_string())).copied()
    }

    /// An id for an object a dry run would create (never a real NetBox id).
    fn fake(&mut self) -> u64 {
        self.next_fake += 1;
        (1 << 52) + self.next_fake
    }
}

/// A reference that cannot be resolved to an id.
pub struct Missing(pub Model, pub String);

fn resolve(fields: &[(&'static str, Val)], st: &State) -> Result<Map<String, Value>, Missing> {
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
            Val::Mappings(m, ms) => {
                let maps = ms
                    .iter()
                    .map(|(p, rp, rpp)| Ok(json!({"position": p, "rear_port": id(*m, rp)?, "rear_port_position": rpp})))
                    .collect::<Result<Vec<_>, _>>()?;
                out.insert((*name).into(), Value::Array(maps));
            }
        }
    }
    Ok(out)
}

/// NetBox's representation of a field reduced to what a payload sends: nested
/// objects to their id, choices to their value.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.contains_key("id") => m["id"].clone(),
        Value::Object(m) if m.contains_key("value") && m.contains_key("label") && m.len() <= 3 => m["value"].clone(),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        v => v.clone(),
    }
}

fn sorted(v: &Value) -> Value {
    match v {
        Value::Array(a) => {
            let mut a: Vec<Value> = a.clone();
            a.sort_by_key(|x| x.to_string());
            Value::Array(a)
        }
        v => v.clone(),
    }
}

/// Whether NetBox's value `have` already says what the inventory's `want` says.
fn same(field: &str, want: &Value, have: &Value) -> bool {
    let have = normalize(have);
    match (want, &have) {
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.is_empty(),
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Number(a), Value::String(b)) | (Value::String(b), Value::Number(a)) => {
            b.parse::<f64>().ok() == a.as_f64()
        }
        (Value::Object(w), Value::Object(h)) if field == "custom_fields" => {
            w.iter().all(|(k, v)| same(k, v, h.get(k).unwrap_or(&Value::Null)))
        }
        (Value::Array(_), Value::Array(_)) => sorted(want) == sorted(&have),
        (Value::Object(_), Value::Null) if field == "custom_fields" => want.as_object().is_some_and(Map::is_empty),
        _ => *want == have,
    }
}

/// The fields of `want` that differ from `have`, as (field, have, want).
fn differences(want: &Map<String, Value>, have: &Value, skip: &[&str]) -> Vec<(String, Value, Value)> {
    let changed = |k: &str| {
        let h = have.get(k).unwrap_or(&Value::Null);
        want.get(k).is_some_and(|w| !same(k, w, h))
    };
    want.iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .filter(|(k, _)| {
            // A generic reference (`scope_type` + `scope_id`) is sent whole.
            changed(k) || PAIRS.iter().any(|(t, i)| (k == t || k == i) && (changed(t) || changed(i)))
        })
        .map(|(k, w)| (k.clone(), normalize(have.get(k).unwrap_or(&Value::Null)), w.clone()))
        .collect()
}

const PAIRS: [(&str, &str); 3] = [
    ("scope_type", "scope_id"),
    ("assigned_object_type", "assigned_object_id"),
    ("termination_type", "termination_id"),
];

fn query(model: Model) -> &'static str {
    match model {
        // A device list with config contexts makes NetBox merge every device's.
        Model::Device => "exclude=config_context",
        _ => "",
    }
}

struct Pusher<'a> {
    client: &'a Client,
    opts: &'a Options,
    st: State,
    out: Outcome,
    owner: Option<u64>,
    tag_id: Option<u64>,
    /// Deletions found while fetching, done at the end (children first).
    stale: Vec<(Model, u64, String)>,
}

/// Push `bundle` to the NetBox `client` talks to. On an error, what was done
/// until then comes with it.
pub fn push(client: &Client, bundle: &Bundle, opts: &Options) -> Result<Outcome, Box<Failed>> {
    let mut p = Pusher {
        client,
        opts,
        st: State::default(),
        out: Outcome { netbox_version: "unknown".into(), ..Outcome::default() },
        owner: None,
        tag_id: None,
        stale: Vec::new(),
    };
    match p.run(bundle) {
        Ok(()) => Ok(p.out),
        Err(error) => Err(Box::new(Failed { outcome: p.out, error })),
    }
}

impl Pusher<'_> {
    fn run(&mut self, bundle: &Bundle) -> Result<(), Error> {
        let status = self.client.get("status/")?;
        if let Some(v) = status.get("netbox-version").and_then(Value::as_str) {
            self.out.netbox_version = v.to_string();
        }
        self.owner = self.ensure_owner()?;
        let by_model: HashMap<Model, Vec<&Record>> = bundle.records.iter().fold(HashMap::new(), |mut m, r| {
            m.entry(r.model).or_insert_with(Vec::new).push(r);
            m
        });
        for &model in Model::all() {
            let records = by_model.get(&model).map(Vec::as_slice).unwrap_or_default();
            self.stage(model, records)?;
            if model == Model::Tag {
                self.tag_id = self.st.id(Model::Tag, MANAGED_TAG);
            }
        }
        self.late(bundle)?;
        self.prune()
    }

    /// The `sot` owner for models marked by owner (NetBox ≥ 4.5); `None` where
    /// NetBox has no owners or the token may not create one.
    fn ensure_owner(&mut self) -> Result<Option<u64>, Error> {
        let found = match self.client.get("users/owners/?name=sot") {
            Ok(v) => v,
            Err(Error::Status { status: 404 | 403, .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if let Some(id) = found.pointer("/results/0/id").and_then(Value::as_u64) {
            return Ok(Some(id));
        }
        if self.opts.dry_run {
            return Ok(Some(self.st.fake()));
        }
        let group =
            match self.client.get("users/owner-groups/?name=sot")?.pointer("/results/0/id").and_then(Value::as_u64) {
                Some(id) => id,
                None => {
                    let g = self
                        .client
                        .post("users/owner-groups/", &json!({"name": "sot", "description": "Objects kept by sot"}));
                    match g {
                        Ok(g) => g.get("id").and_then(Value::as_u64).unwrap_or_default(),
                        Err(Error::Status { status: 403, .. }) => return Ok(None),
                        Err(e) => return Err(e),
                    }
                }
            };
        let o = self
            .client
            .post("users/owners/", &json!({"name": "sot", "group": group, "description": "Objects kept by sot"}))?;
        Ok(o.get("id").and_then(Value::as_u64))
    }

    fn is_managed(&self, model: Model, obj: &Value) -> bool {
        match model.marker() {
            Marker::Tag => {
                let tagged = obj.get("tags").and_then(Value::as_array).is_some_and(|tags| {
                    tags.iter().any(|t| t.get("slug").and_then(Value::as_str) == Some(MANAGED_TAG))
                });
                // Interfaces NetBox made from the templates of a device sot created.
                tagged
                    || (model == Model::Interface
                        && obj
                            .pointer("/device/id")
                            .and_then(Value::as_u64)
                            .is_some_and(|d| self.st.managed.contains(&(Model::Device, d))))
            }
            Marker::Owner => self.owner.is_some() && obj.pointer("/owner/id").and_then(Value::as_u64) == self.owner,
            Marker::Parent => obj
                .pointer("/device_type/id")
                .and_then(Value::as_u64)
                .is_some_and(|d| self.st.managed.contains(&(Model::DeviceType, d))),
            Marker::None => false,
        }
    }

    fn problem(&mut self, r: &Record, message: String) {
        self.out.problems.push(Problem { model: r.model.name(), key: r.key.clone(), message, origin: r.origin });
    }

    /// NetBox refused a change to `r`: report it. (A change is noted only once NetBox
    /// confirms it, so there is nothing to take back; other changes to `r` stand: an
    /// object whose late fields are refused was still created.)
    fn refused(&mut self, r: &Record, message: String) {
        self.problem(r, message);
    }

    fn missing(&mut self, r: &Record, m: Missing) {
        let msg =
            format!("not sent: it refers to {} `{}`, which NetBox does not have (it was refused)", m.0.name(), m.1);
        self.problem(r, msg);
    }

    fn stage(&mut self, model: Model, records: &[&Record]) -> Result<(), Error> {
        let existing = self.client.list(model.endpoint(), query(model))?;
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

    /// Report the deletion of `model` `key`.
    fn deleted(&mut self, model: Model, key: &str) {
        self.out.changes.push(Change {
            action: Action::Delete,
            model: model.name(),
            key: key.to_string(),
            fields: Vec::new(),
            origin: None,
        });
    }

    /// Report a change to `r`.
    fn note(&mut self, action: Action, r: &Record, fields: Vec<FieldChange>) {
        self.out.changes.push(Change { action, model: r.model.name(), key: r.key.clone(), fields, origin: r.origin });
    }

    fn create(&mut self, model: Model, creates: Vec<(&Record, Map<String, Value>)>) -> Result<(), Error> {
        if self.opts.dry_run {
            for (r, _) in creates {
                self.note(Action::Create, r, Vec::new());
                let id = self.st.fake();
                self.st.register(model, r.key.clone(), id);
                self.st.managed.insert((model, id));
                self.st.created.insert((model, id));
            }
            return Ok(());
        }
        self.send_creates(model, &creates)
    }

    /// POST `items` in bulk. A bulk POST is all or nothing: when NetBox names the
    /// refused items, they are reported and the rest sent again; otherwise each
    /// item is sent alone so that only the refused ones fail.
    fn send_creates(&mut self, model: Model, items: &[(&Record, Map<String, Value>)]) -> Result<(), Error> {
        for chunk in items.chunks(self.opts.batch.max(1)) {
            let body = Value::Array(chunk.iter().map(|(_, w)| Value::Object(w.clone())).collect());
            let body = match self.client.post(model.endpoint(), &body) {
                Ok(Value::Array(created)) => {
                    self.created(model, chunk, &created);
                    continue;
                }
                Ok(other) => {
                    self.created(model, chunk, &[other]);
                    continue;
                }
                Err(Error::Status { status: 400, body, .. }) => body,
                Err(e) => return Err(e),
            };
            let refused = refused_items(&body, chunk.len());
            if refused.is_empty() {
                self.create_one_by_one(model, chunk.to_vec())?;
                continue;
            }
            let mut rest = Vec::new();
            for (i, (r, w)) in chunk.iter().enumerate() {
                match refused.get(&i) {
                    Some(e) => self.refused(r, format!("NetBox refused it: {}", refusal(e))),
                    None => rest.push((*r, w.clone())),
                }
            }
            self.send_creates(model, &rest)?;
        }
        Ok(())
    }

    fn create_one_by_one(&mut self, model: Model, items: Vec<(&Record, Map<String, Value>)>) -> Result<(), Error> {
        for (r, w) in items {
            match self.client.post(model.endpoint(), &Value::Object(w)) {
                Ok(obj) => self.created(model, &[(r, Map::new())], &[obj]),
                Err(Error::Status { status: 400, body, .. }) => {
                    self.refused(r, format!("NetBox refused it: {}", refusal(&body)))
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// NetBox created `chunk`'s objects as `created`.
    fn created(&mut self, model: Model, chunk: &[(&Record, Map<String, Value>)], created: &[Value]) {
        for ((r, _), obj) in chunk.iter().zip(created) {
            self.note(Action::Create, r, Vec::new());
            if let Some(id) = obj.get("id").and_then(Value::as_u64) {
                self.st.register(model, r.key.clone(), id);
                self.st.managed.insert((model, id));
                self.st.created.insert((model, id));
                self.st.existing.insert((model, id), obj.clone());
            }
        }
    }

    fn update(&mut self, model: Model, updates: Vec<Update<'_>>) -> Result<(), Error> {
        if self.opts.dry_run {
            for (r, _, diff) in &updates {
                self.note(Action::Update, r, diff.clone());
            }
            return Ok(());
        }
        self.send_updates(model, &updates, true)
    }

    /// PATCH the differing fields in bulk; when NetBox refuses, one object at a time.
    /// With `note`, each update NetBox confirms is reported as one.
    fn send_updates(&mut self, model: Model, updates: &[Update<'_>], note: bool) -> Result<(), Error> {
        if self.opts.dry_run {
            return Ok(());
        }
        let payload = |id: u64, diff: &[(String, Value, Value)]| {
            let mut m = Map::new();
            m.insert("id".into(), json!(id));
            for (k, _, w) in diff {
                m.insert(k.clone(), w.clone());
            }
            Value::Object(m)
        };
        for chunk in updates.chunks(self.opts.batch.max(1)) {
            let body = Value::Array(chunk.iter().map(|(_, id, diff)| payload(*id, diff)).collect());
            match self.client.patch(model.endpoint(), &body) {
                Ok(_) => {
                    if note {
                        for (r, _, diff) in chunk {
                            self.note(Action::Update, r, diff.clone());
                        }
                    }
                }
                Err(Error::Status { status: 400, .. }) => {
                    for (r, id, diff) in chunk {
                        let one = payload(*id, diff);
                        match self.client.patch(&format!("{}{id}/", model.endpoint()), &one) {
                            Ok(_) if note => self.note(Action::Update, r, diff.clone()),
                            Ok(_) => {}
                            Err(Error::Status { status: 400, body, .. }) => {
                                let msg = format!("NetBox refused the update: {}", refusal(&body));
                                self.refused(r, msg)
                            }
                            Err(e) => return Err(e),
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The second pass: fields that refer to objects created after their owner.
    fn late(&mut self, bundle: &Bundle) -> Result<(), Error> {
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

    fn prune(&mut self) -> Result<(), Error> {
        let mut stale = std::mem::take(&mut self.stale);
        if !self.opts.prune {
            self.out.stale = stale.len();
            return Ok(());
        }
        // Children first: the reverse of creation order.
        stale.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut i = 0;
        while i < stale.len() {
            let model = stale[i].0;
            let j = stale[i..].iter().position(|s| s.0 != model).map_or(stale.len(), |k| i + k);
            let group = &stale[i..j];
            if self.opts.dry_run {
                for (m, _, key) in group {
                    self.deleted(*m, key);
                }
            } else {
                for chunk in group.chunks(self.opts.batch.max(1)) {
                    let body = Value::Array(chunk.iter().map(|(_, id, _)| json!({"id": id})).collect());
                    match self.client.delete(model.endpoint(), &body) {
                        Ok(_) => {
                            for (m, _, key) in chunk {
                                self.deleted(*m, key);
                            }
                        }
                        // Gone already (deleted with its parent), or protected: one by one.
                        Err(Error::Status { status: 400 | 404 | 409, .. }) => {
                            for (m, id, key) in chunk {
                                match self.client.delete(&format!("{}{id}/", m.endpoint()), &Value::Null) {
                                    Ok(_) | Err(Error::Status { status: 404, .. }) => self.deleted(*m, key),
                                    Err(Error::Status { body, .. }) => self.out.problems.push(Problem {
                                        model: m.name(),
                                        key: key.clone(),
                                        message: format!("could not be deleted: {}", refusal(&body)),
                                        origin: None,
                                    }),
                                    Err(e) => return Err(e),
                                }
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
            i = j;
        }
        Ok(())
    }
}

/// The items of a refused bulk POST that NetBox names, by index: NetBox 4.7 says
/// `{"detail", "errors": [{"index", "errors"}]}`, older versions a list with one
/// (possibly empty) error per item.
fn refused_items(body: &Value, len: usize) -> HashMap<usize, Value> {
    match body {
        Value::Array(errors) if errors.len() == len => errors
            .iter()
            .enumerate()
            .filter(|(_, e)| e.as_object().is_some_and(|m| !m.is_empty()))
            .map(|(i, e)| (i, e.clone()))
            .collect(),
        _ => body
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| Some((e.get("index")?.as_u64()? as usize, e.get("errors")?.clone())))
            .filter(|(i, _)| *i < len)
            .collect(),
    }
}

/// NetBox's validation errors as one line: `field: message; field: message`.
pub fn refusal(body: &Value) -> String {
    match body {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| {
                let msg = match v {
                    Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(" "),
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                if k == "detail" || k == "non_field_errors" || k == "__all__" { msg } else { format!("{k}: {msg}") }
            })
            .collect::<Vec<_>>()
            .join("; "),
        Value::Array(a) => a.iter().map(refusal).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; "),
        Value::String(s) => s.chars().take(400).collect(),
        v => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_objects_and_choices_compare_by_id_and_value() {
        assert!(same("site", &json!(3), &json!({"id": 3, "url": "x", "display": "lon1", "slug": "lon1"})));
        assert!(!same("site", &json!(4), &json!({"id": 3, "slug": "lon1"})));
        assert!(same("status", &json!("active"), &json!({"value": "active", "label": "Active"})));
        assert!(!same("status", &json!("planned"), &json!({"value": "active", "label": "Active"})));
    }

    #[test]
    fn blank_strings_numbers_and_sets_compare_as_netbox_stores_them() {
        assert!(same("description", &json!(""), &Value::Null));
        assert!(same("position", &json!(1), &json!(1.0)));
        assert!(same("weight", &json!(1.5), &json!("1.50")));
        assert!(same("tags", &json!([2, 1]), &json!([{"id": 1, "slug": "a"}, {"id": 2, "slug": "b"}])));
        assert!(!same("tags", &json!([1]), &json!([{"id": 1}, {"id": 2}])));
    }

    #[test]
    fn custom_fields_compare_only_the_fields_the_inventory_sets() {
        assert!(same("custom_fields", &json!({"a": 1}), &json!({"a": 1, "b": null})));
        assert!(!same("custom_fields", &json!({"a": 2}), &json!({"a": 1})));
        assert!(same("custom_fields", &json!({}), &Value::Null));
    }

    #[test]
    fn differences_name_the_changed_fields_with_both_values() {
        let want: Map<String, Value> =
            serde_json::from_value(json!({"name": "r1", "status": "active", "serial": ""})).unwrap();
        let have = json!({"name": "r1", "status": {"value": "planned", "label": "Planned"}, "serial": ""});
        let d = differences(&want, &have, &[]);
        assert_eq!(d, vec![("status".to_string(), json!("planned"), json!("active"))]);
    }

    #[test]
    fn a_refused_bulk_post_names_its_items_in_either_form() {
        let new = json!({"detail": "1 of 3 objects could not be created.",
                         "errors": [{"index": 1, "errors": {"status": ["nope is not a valid choice."]}}]});
        let r = refused_items(&new, 3);
        assert_eq!(r.keys().copied().collect::<Vec<_>>(), vec![1]);
        assert_eq!(refusal(&r[&1]), "status: nope is not a valid choice.");
        let old = json!([{}, {"slug": ["exists"]}, {}]);
        assert_eq!(refused_items(&old, 3).keys().copied().collect::<Vec<_>>(), vec![1]);
        // An answer that names nothing (or an index out of range) leaves one-by-one sending.
        assert!(refused_items(&json!({"detail": "no"}), 3).is_empty());
        assert!(refused_items(&json!({"errors": [{"index": 7, "errors": {}}]}), 3).is_empty());
    }

    #[test]
    fn refusals_read_as_one_line_per_object() {
        let body = json!({"slug": ["site with this slug already exists."], "detail": "x"});
        assert_eq!(refusal(&body), "slug: site with this slug already exists.; x");
    }
}
