//! An in-memory NetBox for the planning tests: objects by endpoint, bulk requests
//! all or nothing, and the rules of NetBox's that decide a push's order (checked
//! against NetBox 4.7.3 with `tests/netbox_live.rs`): a slug and a name are unique
//! per model, a rack unit holds one device, an interface one cable, and an address
//! that is a device's primary IP cannot be reassigned. Deleting a device deletes
//! its interfaces, and deleting an interface the addresses assigned to it.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::api::NetboxApi;
use crate::netbox::client::Error;
use crate::netbox::model::Model;

/// Fields that hold one object's id (shown by NetBox as a nested object).
const REFS: &[&str] = &[
    "site",
    "region",
    "group",
    "tenant",
    "parent",
    "location",
    "rack",
    "role",
    "manufacturer",
    "device_type",
    "platform",
    "vrf",
    "device",
    "untagged_vlan",
    "lag",
    "primary_ip4",
    "primary_ip6",
    "provider",
    "circuit",
    "vlan",
    "choice_set",
    "owner",
    "power_port",
];

#[derive(Default)]
pub struct Fake {
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    /// endpoint → id → the object as it was sent (ids for references).
    objects: BTreeMap<String, BTreeMap<u64, Map<String, Value>>>,
    next: u64,
    /// Every write, as `METHOD endpoint`.
    log: Vec<String>,
}

fn refused(method: &'static str, path: &str, body: Value) -> Error {
    Error::Status { method, path: path.to_string(), status: 400, body }
}

impl Fake {
    pub fn new() -> Fake {
        let f = Fake::default();
        f.inner.borrow_mut().next = 1;
        f
    }

    /// The writes so far (`POST dcim/devices/`), and forget them.
    pub fn writes(&self) -> Vec<String> {
        std::mem::take(&mut self.inner.borrow_mut().log)
    }

    /// The objects of `endpoint`, as stored (references as ids).
    pub fn objects(&self, endpoint: &str) -> Vec<Map<String, Value>> {
        self.inner.borrow().objects.get(endpoint).map(|m| m.values().cloned().collect()).unwrap_or_default()
    }

    /// One object of `endpoint` whose `field` is `value`.
    pub fn find(&self, endpoint: &str, field: &str, value: &Value) -> Option<Map<String, Value>> {
        self.objects(endpoint).into_iter().find(|o| o.get(field) == Some(value))
    }

    /// Put an object in, as another user of NetBox would.
    pub fn insert(&self, endpoint: &str, obj: Value) -> u64 {
        let mut i = self.inner.borrow_mut();
        let id = i.next;
        i.next += 1;
        let mut obj = obj.as_object().cloned().unwrap_or_default();
        obj.insert("id".into(), json!(id));
        i.objects.entry(endpoint.to_string()).or_default().insert(id, obj);
        id
    }
}

impl Inner {
    /// The object as NetBox lists it: references nested, tags with their slugs.
    fn show(&self, obj: &Map<String, Value>) -> Value {
        let mut out = Map::new();
        for (k, v) in obj {
            let v = match (k.as_str(), v) {
                ("tags", Value::Array(ids)) => Value::Array(
                    ids.iter()
                        .map(|t| {
                            let slug =
                                t.as_u64().and_then(|id| self.objects.get("extras/tags/")?.get(&id)?.get("slug"));
                            json!({"id": t, "slug": slug})
                        })
                        .collect(),
                ),
                ("tagged_vlans", Value::Array(ids)) => Value::Array(ids.iter().map(|t| json!({"id": t})).collect()),
                (k, Value::Number(n)) if REFS.contains(&k) || (k == "type" && n.is_u64()) => json!({"id": n}),
                (_, v) => v.clone(),
            };
            out.insert(k.clone(), v);
        }
        Value::Object(out)
    }

    /// NetBox's rules for `obj` (at `id`, if it exists) among `all`: the error, if any.
    fn check(
        endpoint: &str,
        id: u64,
        obj: &Map<String, Value>,
        all: &BTreeMap<String, BTreeMap<u64, Map<String, Value>>>,
    ) -> Option<Value> {
        let empty = BTreeMap::new();
        let others = all.get(endpoint).unwrap_or(&empty).iter().filter(|(i, _)| **i != id).map(|(_, o)| o);
        let set = |o: &Map<String, Value>, k: &str| o.get(k).filter(|v| !v.is_null() && **v != json!("")).cloned();
        for field in ["slug", "name"] {
            let scoped = endpoint == "dcim/interfaces/" || endpoint == "ipam/vlans/" || endpoint.contains("templates");
            if !scoped
                && let Some(v) = set(obj, field)
                && others
                    .clone()
                    .any(|o| set(o, field) == Some(v.clone()) && (field == "slug" || obj.contains_key("slug")))
            {
                return Some(json!({field: [format!("An object with this {field} already exists.")]}));
            }
        }
        match endpoint {
            "dcim/devices/" => {
                if let (Some(rack), Some(pos)) = (set(obj, "rack"), set(obj, "position"))
                    && others
                        .clone()
                        .any(|o| set(o, "rack") == Some(rack.clone()) && set(o, "position") == Some(pos.clone()))
                {
                    return Some(json!({"position": [format!("U{pos} is already occupied")]}));
                }
            }
            "dcim/cables/" => {
                let ends = |o: &Map<String, Value>| -> Vec<Value> {
                    ["a_terminations", "b_terminations"]
                        .iter()
                        .filter_map(|k| o.get(*k)?.as_array().cloned())
                        .flatten()
                        .collect()
                };
                let mine = ends(obj);
                if let Some(t) = others.clone().flat_map(ends).find(|t| mine.contains(t)) {
                    return Some(json!({"__all__": [format!("Duplicate termination found for {t}")]}));
                }
            }
            "ipam/ip-addresses/" => {
                let before = all.get(endpoint).and_then(|m| m.get(&id));
                let moved = before.is_some_and(|b| b.get("assigned_object_id") != obj.get("assigned_object_id"));
                let primary = all
                    .get("dcim/devices/")
                    .into_iter()
                    .flat_map(|m| m.values())
                    .any(|d| d.get("primary_ip4") == Some(&json!(id)) || d.get("primary_ip6") == Some(&json!(id)));
                if moved && primary {
                    return Some(
                        json!({"__all__": ["Cannot reassign IP address while it is designated as the primary IP for the parent object"]}),
                    );
                }
            }
            _ => {}
        }
        None
    }

    /// Delete `id` of `endpoint` and what NetBox deletes with it.
    fn remove(&mut self, endpoint: &str, id: u64) -> bool {
        let Some(_) = self.objects.get_mut(endpoint).and_then(|m| m.remove(&id)) else { return false };
        let children: Vec<(&str, u64)> = match endpoint {
            "dcim/devices/" => self.refs_to("dcim/interfaces/", "device", id),
            "dcim/interfaces/" => self.refs_to("ipam/ip-addresses/", "assigned_object_id", id),
            _ => Vec::new(),
        };
        for (e, c) in children {
            self.log.push(format!("CASCADE {e}{c}"));
            self.remove(e, c);
        }
        true
    }

    fn refs_to(&self, endpoint: &'static str, field: &str, id: u64) -> Vec<(&'static str, u64)> {
        self.objects
            .get(endpoint)
            .into_iter()
            .flat_map(|m| m.iter())
            .filter(|(_, o)| o.get(field) == Some(&json!(id)))
            .map(|(i, _)| (endpoint, *i))
            .collect()
    }

    /// Apply `items` (`(id or None for a new object, fields)`) all or nothing.
    fn write(
        &mut self,
        method: &'static str,
        endpoint: &str,
        items: Vec<(Option<u64>, Map<String, Value>)>,
    ) -> Result<Vec<Value>, Error> {
        let mut all = self.objects.clone();
        let mut next = self.next;
        let mut errors = Vec::new();
        let mut done = Vec::new();
        for (index, (id, fields)) in items.into_iter().enumerate() {
            let (id, mut obj) = match id {
                Some(id) => match all.get(endpoint).and_then(|m| m.get(&id)) {
                    Some(o) => (id, o.clone()),
                    None => {
                        return Err(Error::Status {
                            method,
                            path: endpoint.to_string(),
                            status: 404,
                            body: json!({"detail": "Not found."}),
                        });
                    }
                },
                None => {
                    next += 1;
                    // A new object gets NetBox's defaults for what it leaves out.
                    let mut fresh = Map::new();
                    if let Some(m) = Model::all().iter().find(|m| m.endpoint() == endpoint) {
                        super::compare::complete(*m, &mut fresh, &[]);
                    }
                    (next - 1, fresh)
                }
            };
            for (k, v) in fields {
                obj.insert(k, v);
            }
            obj.insert("id".into(), json!(id));
            match Inner::check(endpoint, id, &obj, &all) {
                Some(e) => errors.push(json!({"index": index, "id": id, "errors": e})),
                None => {
                    all.entry(endpoint.to_string()).or_default().insert(id, obj.clone());
                    done.push(obj);
                }
            }
        }
        if !errors.is_empty() {
            return Err(refused(
                method,
                endpoint,
                json!({"detail": "some objects could not be saved", "errors": errors}),
            ));
        }
        self.objects = all;
        self.next = next;
        self.log.push(format!("{method} {endpoint}"));
        Ok(done.iter().map(|o| self.show(o)).collect())
    }
}

/// `dcim/devices/7/` → (`dcim/devices/`, 7).
fn one(path: &str) -> Option<(String, u64)> {
    let t = path.trim_end_matches('/');
    let (endpoint, id) = t.rsplit_once('/')?;
    Some((format!("{endpoint}/"), id.parse().ok()?))
}

impl NetboxApi for Fake {
    fn get(&self, path: &str) -> Result<Value, Error> {
        match path {
            "status/" => Ok(json!({"netbox-version": "4.7.3"})),
            _ => Err(Error::Status {
                method: "GET",
                path: path.to_string(),
                status: 404,
                body: json!({"detail": "Not found."}),
            }),
        }
    }

    fn list(&self, endpoint: &str, _query: &str) -> Result<Vec<Value>, Error> {
        let i = self.inner.borrow();
        Ok(i.objects.get(endpoint).into_iter().flat_map(|m| m.values()).map(|o| i.show(o)).collect())
    }

    fn create(&self, endpoint: &str, body: &Value) -> Result<Value, Error> {
        let items: Vec<(Option<u64>, Map<String, Value>)> = match body {
            Value::Array(a) => a.iter().map(|o| (None, o.as_object().cloned().unwrap_or_default())).collect(),
            o => vec![(None, o.as_object().cloned().unwrap_or_default())],
        };
        let out = self.inner.borrow_mut().write("POST", endpoint, items)?;
        Ok(if body.is_array() { Value::Array(out) } else { out.into_iter().next().unwrap_or_default() })
    }

    fn update(&self, path: &str, body: &Value) -> Result<Value, Error> {
        let (endpoint, items) = match (one(path), body) {
            (Some((e, id)), o) => (e, vec![(Some(id), o.as_object().cloned().unwrap_or_default())]),
            (None, Value::Array(a)) => (
                path.to_string(),
                a.iter()
                    .map(|o| {
                        let mut m = o.as_object().cloned().unwrap_or_default();
                        let id = m.remove("id").and_then(|v| v.as_u64());
                        (id, m)
                    })
                    .collect(),
            ),
            (None, _) => return Err(refused("PATCH", path, json!({"detail": "a list is expected"}))),
        };
        let out = self.inner.borrow_mut().write("PATCH", &endpoint, items)?;
        Ok(Value::Array(out))
    }

    fn delete(&self, path: &str, body: &Value) -> Result<Value, Error> {
        let mut i = self.inner.borrow_mut();
        let (endpoint, ids): (String, Vec<u64>) = match one(path) {
            Some((e, id)) => (e, vec![id]),
            None => (
                path.to_string(),
                body.as_array().into_iter().flatten().filter_map(|o| o.get("id")?.as_u64()).collect(),
            ),
        };
        for id in &ids {
            if !i.objects.get(&endpoint).is_some_and(|m| m.contains_key(id)) {
                return Err(Error::Status {
                    method: "DELETE",
                    path: path.to_string(),
                    status: 404,
                    body: json!({"detail": "Not found."}),
                });
            }
        }
        for id in ids {
            i.remove(&endpoint, id);
        }
        i.log.push(format!("DELETE {endpoint}"));
        Ok(Value::Null)
    }
}
