//! Deleting what left the inventory (`--prune`): managed objects only,
//! children first.

use serde_json::{Value, json};

use super::send::refusal;
use super::{Action, Change, Problem, Pusher};
use crate::netbox::client::Error;
use crate::netbox::model::Model;

impl Pusher<'_> {
    pub(super) fn prune(&mut self) -> Result<(), Error> {
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

    /// Report the deletion of `model` `key`.
    pub(super) fn deleted(&mut self, model: Model, key: &str) {
        self.out.changes.push(Change {
            action: Action::Delete,
            model: model.name(),
            key: key.to_string(),
            fields: Vec::new(),
            origin: None,
        });
    }
}
