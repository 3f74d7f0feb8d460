//! `sot netbox push`: make a NetBox hold the inventory.
//!
//! Model by model in dependency order: fetch what NetBox has, name each object
//! by its natural key, resolve the records' references to ids, create what is
//! missing, PATCH the fields that differ, leave what is equal. A second pass
//! sets the fields that point at objects created later (primary IPs, LAGs and
//! parents). With `prune`, managed objects the inventory no longer has are
//! deleted, children first. Nothing is written in a dry run; the plan is the
//! same.

//!
//! The modules: `api` (the [`NetboxApi`] trait the push talks through),
//! `compare` (NetBox's normal form), `plan` (naming, resolving, sorting records
//! into creates and updates), `send` (bulk requests and refusals), `prune`.

mod api;
mod compare;
mod plan;
mod prune;
mod send;
mod templates;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

pub use api::NetboxApi;
pub use compare::FieldChange;
pub use plan::{Missing, resolve_with};
pub use send::refusal;
pub use templates::add_config_templates;

use super::bundle::{Bundle, MANAGED_TAG, Record, Val, generic_fields};
use super::client::Error;
use super::model::{KeyOf, Marker, Model};
use crate::diagnostic::Span;
use plan::State;

/// How to push.
#[derive(Debug, Clone)]
pub struct Options {
    pub dry_run: bool,
    pub prune: bool,
    /// Take over objects NetBox already has that sot did not create when they hold
    /// what a record needs alone (the same name, say): update them in place.
    pub adopt: bool,
    /// Objects per bulk request.
    pub batch: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { dry_run: false, prune: false, adopt: false, batch: 200 }
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
    /// For a deletion NetBox makes itself: the object whose deletion takes this one
    /// with it (`dcim.device r1`).
    pub with: Option<String>,
}

/// NetBox refused something, or an object could not be sent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    pub model: &'static str,
    pub key: String,
    pub message: String,
    #[serde(skip)]
    pub origin: Option<Span>,
    /// For an object not sent because it depends on one NetBox does not have: that
    /// object, the root cause (`dcim.device r1`), whatever chain led there.
    pub cause: Option<String>,
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

/// What NetBox deletes with an object: (model, id, its dependents by model and key).
type Cascade = (Model, u64, Vec<(Model, String)>);

/// An object to PATCH: its record, its id, the fields that differ.
type Update<'r> = (&'r Record, u64, Vec<FieldChange>);

struct Pusher<'a> {
    api: &'a dyn NetboxApi,
    opts: &'a Options,
    st: State,
    out: Outcome,
    owner: Option<u64>,
    tag_id: Option<u64>,
    /// Deletions found while fetching, done at the end (children first).
    stale: Vec<(Model, u64, String)>,
    /// Fields let go of before an update (free before take), with the value they had.
    freed: Vec<(Model, u64, &'static str, Value)>,
    /// Records refused because NetBox has an object sot does not manage in their way.
    conflicts: HashSet<(Model, String)>,
    /// What the inventory has: (model, key) of every record.
    wanted: HashSet<(Model, String)>,
    /// The custom fields the inventory defines, by the object type they apply to.
    custom_fields: HashMap<String, Vec<String>>,
    /// Records not sent, with the root cause (`dcim.device r1`).
    unsent: HashMap<(Model, String), String>,
    /// What NetBox deletes with a pruned object: (model, id, its dependents).
    cascades: Vec<Cascade>,
}

/// Push `bundle` to the NetBox `api` talks to (a [`Client`](super::client::Client)).
/// On an error, what was done until then comes with it.
pub fn push(api: &dyn NetboxApi, bundle: &Bundle, opts: &Options) -> Result<Outcome, Box<Failed>> {
    let mut p = Pusher {
        api,
        opts,
        st: State::default(),
        out: Outcome { netbox_version: "unknown".into(), ..Outcome::default() },
        owner: None,
        tag_id: None,
        stale: Vec::new(),
        freed: Vec::new(),
        conflicts: HashSet::new(),
        wanted: bundle.records.iter().map(|r| (r.model, r.key.clone())).collect(),
        custom_fields: custom_fields(bundle),
        cascades: Vec::new(),
        unsent: HashMap::new(),
    };
    match p.run(bundle) {
        Ok(()) => Ok(p.out),
        Err(error) => Err(Box::new(Failed { outcome: p.out, error })),
    }
}

/// The custom fields `bundle` defines, by the object type they apply to.
fn custom_fields(bundle: &Bundle) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for r in bundle.of(Model::CustomField) {
        let get = |k: &str| r.fields.iter().find(|(n, _)| *n == k).map(|(_, v)| v);
        let (Some(Val::Json(Value::String(name))), Some(Val::Json(Value::Array(types)))) =
            (get("name"), get("object_types"))
        else {
            continue;
        };
        for t in types.iter().filter_map(Value::as_str) {
            out.entry(t.to_string()).or_default().push(name.clone());
        }
    }
    out
}

impl Pusher<'_> {
    fn run(&mut self, bundle: &Bundle) -> Result<(), Error> {
        let status = self.api.get("status/")?;
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
        let found = match self.api.get("users/owners/?name=sot") {
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
        let group = match self.api.get("users/owner-groups/?name=sot")?.pointer("/results/0/id").and_then(Value::as_u64)
        {
            Some(id) => id,
            None => {
                let g = self
                    .api
                    .create("users/owner-groups/", &json!({"name": "sot", "description": "Objects kept by sot"}));
                match g {
                    Ok(g) => g.get("id").and_then(Value::as_u64).unwrap_or_default(),
                    Err(Error::Status { status: 403, .. }) => return Ok(None),
                    Err(e) => return Err(e),
                }
            }
        };
        let o = self
            .api
            .create("users/owners/", &json!({"name": "sot", "group": group, "description": "Objects kept by sot"}))?;
        Ok(o.get("id").and_then(Value::as_u64))
    }

    pub(super) fn is_managed(&self, model: Model, obj: &Value) -> bool {
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

    pub(super) fn problem(&mut self, r: &Record, message: String) {
        self.out.problems.push(Problem {
            model: r.model.name(),
            key: r.key.clone(),
            message,
            origin: r.origin,
            cause: None,
        });
    }

    /// NetBox refused a change to `r`: report it. (A change is noted only once NetBox
    /// confirms it, so there is nothing to take back; other changes to `r` stand: an
    /// object whose late fields are refused was still created.)
    pub(super) fn refused(&mut self, r: &Record, message: String) {
        self.problem(r, message);
    }

    pub(super) fn missing(&mut self, r: &Record, m: Missing) {
        let msg =
            format!("not sent: it refers to {} `{}`, which NetBox does not have (it was refused)", m.0.name(), m.1);
        // The root cause: what the missing object itself was missing, if it was.
        let cause = self.unsent.get(&(m.0, m.1.clone())).cloned().unwrap_or_else(|| format!("{} {}", m.0.name(), m.1));
        self.unsent.insert((r.model, r.key.clone()), cause.clone());
        self.out.problems.push(Problem {
            model: r.model.name(),
            key: r.key.clone(),
            message: msg,
            origin: r.origin,
            cause: Some(cause),
        });
    }

    /// Report a change to `r`.
    pub(super) fn note(&mut self, action: Action, r: &Record, fields: Vec<FieldChange>) {
        let fields = fields
            .into_iter()
            .map(|(k, old, new)| {
                let (old, new) = (self.shown(r, &k, old), self.shown(r, &k, new));
                (k, old, new)
            })
            .filter(|(_, old, new)| old != new)
            .collect();
        self.out.changes.push(Change {
            action,
            model: r.model.name(),
            key: r.key.clone(),
            fields,
            origin: r.origin,
            with: None,
        });
    }

    /// A field's value as the plan shows it: a reference by its natural key rather
    /// than its id (which, for an object a dry run would create, NetBox has not given).
    fn shown(&self, r: &Record, field: &str, v: Value) -> Value {
        let val = r.fields.iter().chain(&r.late).find_map(|(k, val)| {
            let (t, i) = generic_fields(k);
            (*k == field || (matches!(val, Val::Generic(_)) && (t == field || i == field))).then_some(val)
        });
        let key = |m: Model, v: &Value| match v.as_u64() {
            Some(id) => self.st.key_of(m, id).map_or_else(|| json!(format!("#{id}")), |k| json!(k)),
            None => v.clone(),
        };
        match (val, v) {
            (Some(Val::Ref(m, _)), v) => key(*m, &v),
            (Some(Val::Refs(m, _)), Value::Array(a)) => {
                let mut keys: Vec<Value> = a.iter().map(|x| key(*m, x)).collect();
                keys.sort_by_key(|x| x.to_string());
                Value::Array(keys)
            }
            (Some(Val::Generic(Some((m, _)))), v) if field.ends_with("_id") => key(*m, &v),
            (Some(Val::Terms(_)), Value::Array(a)) => {
                let mut ends: Vec<Value> = a
                    .iter()
                    .map(|t| {
                        let m = t.get("object_type").and_then(Value::as_str).and_then(Model::from_name);
                        match (m, t.get("object_id")) {
                            (Some(m), Some(id)) => key(m, &compare::normalize(id)),
                            _ => t.clone(),
                        }
                    })
                    .collect();
                ends.sort_by_key(|x| x.to_string());
                Value::Array(ends)
            }
            (_, v) => v,
        }
    }
}
