//! Planning a model's objects: name what NetBox holds by natural key, resolve
//! the records' references to ids, and sort each record into create, update,
//! unchanged or waiting (for a parent of its own model); then the second pass
//! for fields that point at objects created later.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::compare::{FieldChange, complete, differences, normalize};
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
        // The other unique constraints of what NetBox holds (a name, a rack unit, a cable end).
        let mut unique: HashMap<String, u64> = HashMap::new();
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
            for (k, _) in unique_keys(model, &|f| normalize(obj.get(f).unwrap_or(&Value::Null))) {
                unique.entry(k).or_insert(id);
            }
            self.st.existing.insert((model, id), obj);
        }
        for r in records {
            seen_keys.insert(r.key.clone());
        }
        // Objects NetBox has under another key that records take over (renamed in place).
        let mut claimed: HashSet<u64> = HashSet::new();
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
                let mut renamed = false;
                let target = match self.st.id(model, &r.key) {
                    Some(id) => Some(id),
                    None => match self.taken(model, &want, &unique, &seen_keys, &claimed) {
                        Taken::Free => None,
                        Taken::Ours(id) => {
                            // NetBox holds it under another key: the record takes it over.
                            claimed.insert(id);
                            if let Some(old) = self.st.keys.get(&(model, id)).cloned() {
                                self.st.ids.remove(&(model, old));
                            }
                            self.st.register(model, r.key.clone(), id);
                            renamed = true;
                            Some(id)
                        }
                        Taken::Theirs(id, what) => {
                            self.conflict(r, id, what);
                            continue;
                        }
                    },
                };
                match target {
                    None => {
                        if model.marker() == Marker::Owner
                            && let Some(o) = self.owner
                        {
                            want.insert("owner".into(), json!(o));
                        }
                        creates.push((r, want));
                    }
                    Some(id) => {
                        // What a field left out means, for an object NetBox has (a new one gets
                        // NetBox's defaults by leaving them out: an explicit `mode: null` is
                        // stored as a blank string, which templates print differently).
                        self.complete(model, r, &mut want);
                        let have = &self.st.existing[&(model, id)];
                        // An object sot did not create stays unmarked: prune must never take it.
                        if model.marker() == Marker::Tag
                            && !self.st.managed.contains(&(model, id))
                            && let (Some(tag), Some(Value::Array(tags))) = (self.tag_id, want.get_mut("tags"))
                        {
                            tags.retain(|t| t.as_u64() != Some(tag));
                        }
                        // A cable's ends are its name; which end NetBox calls A is not a change
                        // (unless the cable is moved: then its ends are the change).
                        let skip: &[&str] =
                            if model == Model::Cable && !renamed { &["a_terminations", "b_terminations"] } else { &[] };
                        let mut diff = differences(&want, have, skip);
                        if model == Model::Cable && renamed {
                            diff.retain(|(k, _, _)| !k.ends_with("_terminations"));
                            for k in ["a_terminations", "b_terminations"] {
                                let h = normalize(have.get(k).unwrap_or(&Value::Null));
                                diff.push((k.to_string(), h, want.get(k).cloned().unwrap_or(Value::Null)));
                            }
                        }
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
            // Free before take: what moves lets go of what it held, then the updates, then
            // the creates (which may take what the updates let go of).
            self.free(model, &updates)?;
            self.update(model, updates)?;
            self.create(model, creates)?;
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
        // Managed objects the inventory no longer has (and no record took over).
        let mut stale: Vec<(Model, u64, String)> = named
            .into_iter()
            .filter(|(id, key)| {
                self.st.managed.contains(&(model, *id)) && !seen_keys.contains(key) && !claimed.contains(id)
            })
            .map(|(id, key)| (model, id, key))
            .collect();
        stale.extend(
            unnamed
                .into_iter()
                .filter(|id| self.st.managed.contains(&(model, *id)) && !claimed.contains(id))
                .map(|id| (model, id, format!("#{id}"))),
        );
        stale.sort_by_key(|s| s.1);
        self.stale.extend(stale);
        Ok(())
    }

    /// `want` with what leaving a field out means in NetBox (see [`complete`]).
    fn complete(&self, model: Model, _r: &Record, want: &mut Map<String, Value>) {
        let cfs = self.custom_fields.get(model.name()).map(Vec::as_slice).unwrap_or_default();
        complete(model, want, cfs);
    }

    /// Whether an object NetBox holds under another key already has what `want`
    /// must have alone (a name, a rack unit, a cable end), and whose it is.
    fn taken(
        &self,
        model: Model,
        want: &Map<String, Value>,
        unique: &HashMap<String, u64>,
        seen_keys: &HashSet<String>,
        claimed: &HashSet<u64>,
    ) -> Taken {
        for (k, what) in unique_keys(model, &|f| want.get(f).cloned().unwrap_or(Value::Null)) {
            let Some(&id) = unique.get(&k) else { continue };
            // Another record's object: if it moves, it lets go first (free before take).
            if claimed.contains(&id) || self.st.key_of(model, id).is_some_and(|key| seen_keys.contains(key)) {
                continue;
            }
            // A tag is shared, never marked: one of the same name is the same tag.
            if self.st.managed.contains(&(model, id)) || self.opts.adopt || model.marker() == Marker::None {
                return Taken::Ours(id);
            }
            return Taken::Theirs(id, what);
        }
        Taken::Free
    }

    /// Report that `r` cannot be created: NetBox has `id`, which sot does not manage,
    /// with the same `what`.
    fn conflict(&mut self, r: &Record, id: u64, what: &str) {
        let have = &self.st.existing[&(r.model, id)];
        let name = ["display", "name", "slug"]
            .iter()
            .find_map(|k| have.get(*k).and_then(Value::as_str))
            .map_or_else(|| format!("#{id}"), |n| format!("`{n}` (#{id})"));
        let msg = format!(
            "NetBox already has {} {name} with the same {what}, which sot did not create: \
             rename one of them, or push with --adopt to take it over",
            r.model.name()
        );
        self.conflicts.insert((r.model, r.key.clone()));
        self.problem(r, msg);
    }

    /// Free before take: before `updates` are sent, a device that moves leaves its rack
    /// unit (so that two devices can swap units), and an address that moves stops being
    /// its device's primary IP (NetBox refuses to reassign a primary IP).
    fn free(&mut self, model: Model, updates: &[Update<'_>]) -> Result<(), Error> {
        let mut patches: Vec<(Model, u64, &'static str)> = Vec::new();
        match model {
            Model::Device => {
                for (_, id, diff) in updates {
                    let moves = diff.iter().any(|(k, _, _)| matches!(k.as_str(), "rack" | "position" | "face"));
                    let placed = self.st.existing[&(model, *id)].get("position").is_some_and(|p| !p.is_null());
                    if moves && placed {
                        patches.push((Model::Device, *id, "position"));
                    }
                }
            }
            Model::IpAddress => {
                for (_, ip, diff) in updates {
                    if !diff.iter().any(|(k, _, _)| k.starts_with("assigned_object")) {
                        continue;
                    }
                    for ((m, dev), obj) in &self.st.existing {
                        if *m != Model::Device {
                            continue;
                        }
                        for field in ["primary_ip4", "primary_ip6"] {
                            if obj.pointer(&format!("/{field}/id")).and_then(Value::as_u64) == Some(*ip) {
                                patches.push((Model::Device, *dev, field));
                            }
                        }
                    }
                }
            }
            _ => return Ok(()),
        }
        patches.sort_unstable_by_key(|p| (p.1, p.2));
        for (m, id, field) in patches {
            let was = self.st.existing.get(&(m, id)).and_then(|o| o.get(field)).map(normalize).unwrap_or_default();
            if !self.opts.dry_run {
                self.api.update(&format!("{}{id}/", m.endpoint()), &json!({ field: null }))?;
            }
            if let Some(obj) = self.st.existing.get_mut(&(m, id)) {
                obj[field] = Value::Null;
            }
            // An object the inventory no longer has keeps nothing: that is a change of its own.
            let key = self.st.key_of(m, id).map(str::to_string);
            if let Some(key) = key.filter(|k| !self.wanted.contains(&(m, k.clone()))) {
                self.out.changes.push(super::Change {
                    action: Action::Update,
                    model: m.name(),
                    key,
                    fields: vec![(field.to_string(), was.clone(), Value::Null)],
                    origin: None,
                    with: None,
                });
            }
            self.freed.push((m, id, field, was));
        }
        Ok(())
    }

    /// The second pass: fields that refer to objects created after their owner.
    pub(super) fn late<'a>(&mut self, bundle: &'a Bundle) -> Result<(), Error> {
        type Late<'a> = (&'a Record, u64, Vec<FieldChange>, bool);
        let mut by_model: Vec<(Model, Vec<Late<'a>>)> = Vec::new();
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
            let mut diff = differences(&want, have, &[]);
            // A field let go of before an update (free before take) was what it was: the
            // change to report is from that.
            let mut before = have.clone();
            for (m, i, f, was) in &self.freed {
                if *m == r.model && *i == id {
                    before[*f] = was.clone();
                }
            }
            let change = differences(&want, &before, &[]);
            if diff.is_empty() {
                if !change.is_empty() {
                    // Already done by letting go (the inventory wants it empty now).
                    self.note(Action::Update, r, change);
                }
                continue;
            }
            for (k, h, _) in &mut diff {
                if let Some((.., was)) = self.freed.iter().find(|(m, i, f, _)| *m == r.model && *i == id && f == k) {
                    *h = was.clone();
                }
            }
            // Only given back what it had: not a change.
            let restored = change.is_empty();
            match by_model.last_mut() {
                Some((m, v)) if *m == r.model => v.push((r, id, diff, restored)),
                _ => by_model.push((r.model, vec![(r, id, diff, restored)])),
            }
        }
        for (model, updates) in by_model {
            // A created object's late fields are part of its creation, not an update.
            let (fresh, old): (Vec<_>, Vec<_>) = updates
                .into_iter()
                .partition(|(_, id, _, restored)| *restored || self.st.created.contains(&(model, *id)));
            let strip = |v: Vec<(&'a Record, u64, Vec<FieldChange>, bool)>| -> Vec<Update<'a>> {
                v.into_iter().map(|(r, id, d, _)| (r, id, d)).collect()
            };
            self.send_updates(model, &strip(fresh), false)?;
            self.update(model, strip(old))?;
        }
        Ok(())
    }
}

/// Whether what a record must have alone is free.
enum Taken {
    Free,
    /// Held by an object sot manages that the inventory no longer has under its key
    /// (or, with `adopt`, by anyone's): the record takes it over in place.
    Ours(u64),
    /// Held by an object sot did not create: a conflict, `what` is the constraint.
    Theirs(u64, &'static str),
}

/// The unique constraints NetBox has on a `model`'s objects besides the natural key
/// `sot` names them by, as strings to compare (`get` reads a field as a payload holds
/// it: ids for references), each with what it is called.
pub(super) fn unique_keys(model: Model, get: &dyn Fn(&str) -> Value) -> Vec<(String, &'static str)> {
    let s = |f: &str| match get(f) {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s),
        v => Some(v.to_string()),
    };
    let scoped = |scope: &[&str], f: &str| {
        let v = s(f)?;
        let at: Vec<String> = scope.iter().map(|k| s(k).unwrap_or_default()).collect();
        Some(format!("{f}={}/{v}", at.join("/")))
    };
    let mut out: Vec<(Option<String>, &'static str)> = Vec::new();
    use Model::*;
    match model {
        Tag | Tenant | Site | RackRole | Manufacturer | DeviceRole | Platform | IpamRole | Provider | CircuitType
        | Declared(_) => out.push((scoped(&[], "name"), "name")),
        TenantGroup | Region | SiteGroup => out.push((scoped(&["parent"], "name"), "name")),
        Location => out.push((scoped(&["site", "parent"], "name"), "name")),
        DeviceType => out.push((scoped(&["manufacturer"], "model"), "model")),
        Vlan if s("group").is_some() => out.push((scoped(&["group"], "name"), "name in its VLAN group")),
        Device => {
            if s("rack").is_some() && s("position").is_some() {
                let pos = get("position").as_f64().map(|p| p.to_string()).unwrap_or_default();
                out.push((
                    Some(format!("unit={}/{pos}/{}", s("rack").unwrap_or_default(), s("face").unwrap_or_default())),
                    "rack unit",
                ));
            }
            out.push((s("asset_tag").map(|a| format!("asset_tag={a}")), "asset tag"));
        }
        Cable => {
            for f in ["a_terminations", "b_terminations"] {
                if let Value::Array(ts) = get(f) {
                    for t in ts {
                        let id = t.get("object_id").map(|i| normalize(i).to_string()).unwrap_or_default();
                        out.push((
                            Some(format!(
                                "end={}:{id}",
                                t.get("object_type").and_then(Value::as_str).unwrap_or_default()
                            )),
                            "cable end",
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    out.into_iter().filter_map(|(k, w)| Some((k?, w))).collect()
}
