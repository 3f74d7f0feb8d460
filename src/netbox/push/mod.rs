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

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde_json::{Value, json};

pub use api::NetboxApi;
pub use compare::FieldChange;
pub use plan::{Missing, resolve_with};
pub use send::refusal;

use super::bundle::{Bundle, MANAGED_TAG, Record};
use super::client::Error;
use super::model::{Marker, Model};
use crate::diagnostic::Span;
use plan::State;

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
    };
    match p.run(bundle) {
        Ok(()) => Ok(p.out),
        Err(error) => Err(Box::new(Failed { outcome: p.out, error })),
    }
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
        self.out.problems.push(Problem { model: r.model.name(), key: r.key.clone(), message, origin: r.origin });
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
        self.problem(r, msg);
    }

    /// Report a change to `r`.
    pub(super) fn note(&mut self, action: Action, r: &Record, fields: Vec<FieldChange>) {
        self.out.changes.push(Change { action, model: r.model.name(), key: r.key.clone(), fields, origin: r.origin });
    }
}
