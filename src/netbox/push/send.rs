//! Sending the plan: bulk `POST`s and `PATCH`es; when NetBox refuses a bulk
//! request, the refused objects are reported and the others sent again. A
//! change is noted only once NetBox has confirmed it.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::{Action, Pusher, Update};
use crate::netbox::bundle::Record;
use crate::netbox::client::Error;
use crate::netbox::model::Model;

impl Pusher<'_> {
    /// What NetBox answered an update with (the objects as they now are) replaces what
    /// the push knew of them.
    fn refresh(&mut self, model: Model, done: Value) {
        let objs = match done {
            Value::Array(a) => a,
            o => vec![o],
        };
        for o in objs {
            if let Some(id) = o.get("id").and_then(Value::as_u64) {
                self.st.existing.insert((model, id), o);
            }
        }
    }

    pub(super) fn create(&mut self, model: Model, creates: Vec<(&Record, Map<String, Value>)>) -> Result<(), Error> {
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
            let body = match self.api.create(model.endpoint(), &body) {
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
            match self.api.create(model.endpoint(), &Value::Object(w)) {
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

    pub(super) fn update(&mut self, model: Model, updates: Vec<Update<'_>>) -> Result<(), Error> {
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
    pub(super) fn send_updates(&mut self, model: Model, updates: &[Update<'_>], note: bool) -> Result<(), Error> {
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
            match self.api.update(model.endpoint(), &body) {
                Ok(done) => {
                    self.refresh(model, done);
                    if note {
                        for (r, _, diff) in chunk {
                            self.note(Action::Update, r, diff.clone());
                        }
                    }
                }
                Err(Error::Status { status: 400, .. }) => {
                    for (r, id, diff) in chunk {
                        let one = payload(*id, diff);
                        match self.api.update(&format!("{}{id}/", model.endpoint()), &one) {
                            Ok(done) => {
                                self.refresh(model, done);
                                if note {
                                    self.note(Action::Update, r, diff.clone());
                                }
                            }
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
