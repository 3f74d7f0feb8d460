//! Deleting what left the inventory (`--prune`): managed objects only,
//! children first.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::send::refusal;
use super::{Action, Cascade, Change, Problem, Pusher};
use crate::netbox::client::Error;
use crate::netbox::model::{KeyOf, Model};

impl Pusher<'_> {
    pub(super) fn prune(&mut self) -> Result<(), Error> {
        let mut stale = std::mem::take(&mut self.stale);
        if !self.opts.prune {
            self.out.stale = stale.len();
            return Ok(());
        }
        // Children first: the reverse of creation order.
        // (Config templates are created last but are parents of roles, platforms and
        // devices, which refer to them: they go after those.)
        let rank = |m: Model| if m == Model::ConfigTemplate { (Model::DeviceRole, 0) } else { (m, 1) };
        stale.sort_by(|a, b| rank(b.0).cmp(&rank(a.0)).then(a.1.cmp(&b.1)));
        // What NetBox deletes with each object: never what the inventory still has.
        let doomed: HashSet<(Model, u64)> = stale.iter().map(|(m, id, _)| (*m, *id)).collect();
        let mut blocked: HashSet<(Model, u64)> = HashSet::new();
        let mut cascades: Vec<Cascade> = Vec::new();
        // Each dependent is reported once, with the first object (children first) that takes it.
        let mut taken: HashSet<(Model, u64)> = HashSet::new();
        for (m, id, key) in &stale {
            let mut with = Vec::new();
            let mut kept = Vec::new();
            for (dm, did) in self.dependents(*m, *id) {
                if doomed.contains(&(dm, did)) || !taken.insert((dm, did)) {
                    continue;
                }
                let dkey = self.st.key_of(dm, did).map_or_else(|| format!("#{did}"), str::to_string);
                if self.wanted.contains(&(dm, dkey.clone())) {
                    kept.push(format!("{} `{dkey}`", dm.name()));
                } else {
                    with.push((dm, dkey));
                }
            }
            if !kept.is_empty() {
                blocked.insert((*m, *id));
                self.out.problems.push(Problem {
                    model: m.name(),
                    key: key.clone(),
                    message: format!(
                        "not deleted: NetBox would delete with it {}, which the inventory still has",
                        kept.join(", ")
                    ),
                    origin: None,
                    cause: None,
                });
            } else if !with.is_empty() {
                cascades.push((*m, *id, with));
            }
        }
        stale.retain(|(m, id, _)| !blocked.contains(&(*m, *id)));
        self.cascades = cascades;
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
                    match self.api.delete(model.endpoint(), &body) {
                        Ok(_) => {
                            for (m, _, key) in chunk {
                                self.deleted(*m, key);
                            }
                        }
                        // Gone already (deleted with its parent), or protected: one by one.
                        Err(Error::Status { status: 400 | 404 | 409, .. }) => {
                            for (m, id, key) in chunk {
                                match self.api.delete(&format!("{}{id}/", m.endpoint()), &Value::Null) {
                                    Ok(_) | Err(Error::Status { status: 404, .. }) => self.deleted(*m, key),
                                    Err(Error::Status { body, .. }) => self.out.problems.push(Problem {
                                        model: m.name(),
                                        key: key.clone(),
                                        message: format!("could not be deleted: {}", refusal(&body)),
                                        origin: None,
                                        cause: None,
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

    /// Report the deletion of `model` `key`, and of what NetBox deletes with it.
    pub(super) fn deleted(&mut self, model: Model, key: &str) {
        self.out.changes.push(Change {
            action: Action::Delete,
            model: model.name(),
            key: key.to_string(),
            fields: Vec::new(),
            origin: None,
            with: None,
        });
        let id = self.st.id(model, key);
        let Some(at) = self.cascades.iter().position(|(m, i, _)| *m == model && Some(*i) == id) else { return };
        let (_, _, with) = self.cascades.swap_remove(at);
        for (dm, dkey) in with {
            self.out.changes.push(Change {
                action: Action::Delete,
                model: dm.name(),
                key: dkey,
                fields: Vec::new(),
                origin: None,
                with: Some(format!("{} {key}", model.name())),
            });
        }
    }

    /// The objects NetBox deletes when it deletes `model` `id` (as far as the push
    /// has seen them): a device's interfaces, and the addresses assigned to an
    /// interface.
    fn dependents(&self, model: Model, id: u64) -> Vec<(Model, u64)> {
        let of = |m: Model, pick: &dyn Fn(&Value) -> bool| -> Vec<(Model, u64)> {
            let mut v: Vec<(Model, u64)> = self
                .st
                .existing
                .iter()
                .filter(|((em, _), o)| *em == m && pick(o))
                .map(|((em, i), _)| (*em, *i))
                .collect();
            v.sort_unstable();
            v
        };
        let assigned = |m: Model, iface: u64| {
            of(m, &|o| {
                o.get("assigned_object_type").and_then(Value::as_str) == Some("dcim.interface")
                    && o.get("assigned_object_id").and_then(Value::as_u64) == Some(iface)
            })
        };
        let addresses = |iface: u64| {
            let mut v = assigned(Model::IpAddress, iface);
            v.extend(assigned(Model::MacAddress, iface));
            v
        };
        match model {
            Model::Device => {
                let ifaces = of(Model::Interface, &|o| o.pointer("/device/id").and_then(Value::as_u64) == Some(id));
                let ips: Vec<(Model, u64)> = ifaces.iter().flat_map(|(_, i)| addresses(*i)).collect();
                ifaces.into_iter().chain(ips).collect()
            }
            Model::Interface => addresses(id),
            _ => Vec::new(),
        }
    }
}
