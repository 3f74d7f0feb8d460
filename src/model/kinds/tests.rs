//! The registry enumerated: every kind it declares is lowered, indexed, linked, queryable,
//! diffable, pushable and covered by the tag and custom-field checks, on the example
//! inventory with `tests/fixtures/registry/` (objects of the kinds the example does not
//! use): together they hold at least one object of every kind.

use std::path::Path;

use super::*;
use crate::hash::HashSet;

/// The example's files, and the registry fixtures of `dirs` as data files of its inventory.
fn files(dirs: &[&str]) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(rel)).expect("readable").flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = format!("{rel}/{}", e.file_name().to_string_lossy());
            if e.file_type().expect("a file type").is_dir() {
                walk(root, &name, out);
            } else {
                out.push((name, std::fs::read(e.path()).expect("readable")));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![("sot.yaml".to_string(), std::fs::read(root.join("sot.yaml")).expect("the example's sot.yaml"))];
    for dir in ["inventory", "device-types", "templates", "schemas"] {
        walk(root, dir, &mut out);
    }
    for dir in dirs {
        let mut fixtures = Vec::new();
        walk(root, &format!("tests/fixtures/registry/{dir}"), &mut fixtures);
        for (name, text) in fixtures.into_iter().filter(|(n, _)| n.ends_with(".yaml")) {
            out.push((name.replace("tests/fixtures/registry/", "inventory/zz-registry/"), text));
        }
    }
    out
}

fn compile(dirs: &[&str]) -> crate::compile::Compilation {
    let loaded = crate::load::load_files(&files(dirs)).expect("the example loads");
    crate::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics)
}

fn example() -> crate::compile::Compilation {
    compile(&["kinds"])
}

/// Every kind, with what the example compiled to.
struct Enumerate<'a> {
    comp: &'a crate::compile::Compilation,
    snapshot: HashSet<(&'static str, String)>,
    pushed: HashSet<(&'static str, String)>,
    seen: Vec<&'static str>,
    failures: Vec<String>,
}

impl KindVisitor for Enumerate<'_> {
    fn visit<K: Kind>(&mut self) {
        let info = K::INFO;
        let c = info.collection;
        self.seen.push(c);
        let w = &self.comp.world;
        let inv = &w.inventory;
        let mut fail = |what: String| self.failures.push(format!("{c}: {what}"));
        let objects = K::all(inv);
        // Lowered: the example holds some, and the declaration names fields the lowering reads.
        if objects.is_empty() {
            fail("the example inventory holds none (add one to tests/fixtures/registry/, so that this test covers the kind)".into());
        }
        let mut fields: Vec<&str> = Inventory::describe(c).unwrap_or_default().iter().map(|f| f.name).collect();
        if c == "ip_addresses" {
            // Its lowering stops without an address; the rest is described apart (as `sot schema` does).
            let rest = super::decode::describe(|o| {
                super::ipam::describe_ip_fields(o);
            });
            fields.extend(rest.iter().map(|f| f.name));
        }
        if !fields.contains(&info.key) {
            fail(format!("its key field `{}` is not read by its lowering", info.key));
        }
        // Config contexts read `tags` as an assignment (accounted for by the unused-tag rule).
        if fields.contains(&"tags") != info.tags && c != "config_contexts" {
            fail(format!("declares tags: {}, but its lowering reads `tags`: {}", info.tags, !info.tags));
        }
        if fields.contains(&"custom_fields") != info.custom_fields {
            fail(format!("declares custom_fields: {}, but its lowering disagrees", info.custom_fields));
        }
        // Tags and custom fields: the accessors return the object's own (the checks visit them).
        for x in objects {
            let v = serde_json::to_value(x).unwrap_or_default();
            let n = |k: &str| v.get(k).and_then(|a| a.as_array()).map_or(0, Vec::len);
            if info.tags && n("tags") != x.tags().len() {
                fail("`tags()` is not the object's tags".into());
            }
            if info.custom_fields && n("custom_fields") != x.custom_fields().len() {
                fail("`custom_fields()` is not the object's custom fields".into());
            }
        }
        // Indexed: every object of a globally keyed kind is found by its key; duplicates
        // are reported by the same pass.
        if info.scope == Scope::Global {
            for x in objects {
                let key = x.key_text().map(|k| k.value.to_string()).unwrap_or_default();
                if !K::keys(&w.index.keys).contains_key(&key) {
                    fail(format!("`{key}` is not in its key map"));
                }
            }
        }
        // Linked: no reference of the example is left unresolved (it checks cleanly), so
        // every reference each kind declares was linked.
        // Queryable: templates and `sot query` list every object.
        if !crate::view::QUERYABLE.contains(&c) {
            fail("not queryable".into());
        } else if w.objects(c).len() != objects.len() {
            fail(format!("queries list {} of {} objects", w.objects(c).len(), objects.len()));
        }
        // Diffable: each object has its (model, natural key) in `diff`'s snapshot.
        for x in objects {
            if !self.snapshot.contains(&(info.netbox, x.natural_key())) {
                fail(format!("`{}` is not in diff's snapshot", x.natural_key()));
            }
        }
        // Pushable: each object of a NetBox model is a record of the NetBox bundle.
        if !info.netbox.starts_with("sot.") {
            if crate::netbox::model::Model::from_name(info.netbox).is_none() {
                fail(format!("`{}` is not a model `netbox push` writes", info.netbox));
            }
            if info.scope == Scope::Ends {
                // The bundle names a circuit end `circuit provider/cid/term`, diff `circuit cid
                // term A`: a cable is found by its model's count.
                let records = self.pushed.iter().filter(|(m, _)| *m == info.netbox).count();
                if records != objects.len() {
                    fail(format!("{records} records in the NetBox bundle for {} objects", objects.len()));
                }
            } else {
                for x in objects {
                    let key = x.natural_key();
                    if !self.pushed.contains(&(info.netbox, key.clone())) {
                        fail(format!("`{key}` has no record in the NetBox bundle"));
                    }
                }
            }
        }
        // Rules name the object by the registry's word.
        if let Some(var) = crate::rules::singular(c)
            && var != info.variable()
        {
            fail(format!("rules bind `{var}`, the registry says `{}`", info.variable()));
        }
        // Custom fields may name it if NetBox lets them.
        if info.is_object_type() != object_types().contains(&info.netbox) {
            fail("object types of custom fields disagree with the registry".into());
        }
    }
}

#[test]
fn every_kind_is_lowered_indexed_linked_queryable_diffable_pushable_and_checked() {
    let comp = example();
    let errors: Vec<String> = comp
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "the example must check cleanly: {errors:?}");
    let inv = &comp.world.inventory;
    let objs = crate::diff::inputs::ObjectDigests::new(inv);
    let snapshot = crate::diff::objects::snapshot(inv, &objs, true).into_iter().map(|(k, _)| k).collect();
    let bundle = crate::netbox::bundle::records(inv);
    let pushed = bundle.records.iter().map(|r| (r.model.name(), r.key.clone())).collect();
    let mut e = Enumerate { comp: &comp, snapshot, pushed, seen: Vec::new(), failures: Vec::new() };
    each_kind(&mut e);
    assert_eq!(e.seen, COLLECTIONS, "each_kind visits every collection, in order");
    assert_eq!(KINDS.iter().map(|k| k.collection).collect::<Vec<_>>(), COLLECTIONS);
    // Interfaces, the kind held inside devices.
    let interfaces: usize = inv.devices.iter().map(|d| d.interfaces.len()).sum();
    if interfaces == 0 || comp.world.objects(INTERFACE.collection).len() != interfaces {
        e.failures.push("interfaces: not all queryable".into());
    }
    if !e.snapshot.iter().any(|(m, _)| *m == INTERFACE.netbox) || !e.pushed.iter().any(|(m, _)| *m == INTERFACE.netbox)
    {
        e.failures.push("interfaces: not diffed or not pushed".into());
    }
    // The other components of devices, each kind.
    for (kind, info) in ComponentKind::PORTS.iter().map(|&k| (k, k.info())) {
        let n: usize = inv.devices.iter().map(|d| d.components_of(kind).count()).sum();
        if n == 0 || comp.world.objects(info.collection).len() != n {
            e.failures.push(format!("{}: none, or not all queryable", info.collection));
        }
        if !e.snapshot.iter().any(|(m, _)| *m == info.netbox) || !e.pushed.iter().any(|(m, _)| *m == info.netbox) {
            e.failures.push(format!("{}: not diffed or not pushed", info.collection));
        }
    }
    assert!(e.failures.is_empty(), "{}", e.failures.join("\n"));
}

#[test]
fn words_and_models_are_unique() {
    let all: Vec<&KindInfo> = KINDS.iter().copied().chain([&INTERFACE]).chain(COMPONENT_KINDS.iter()).collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a.collection, b.collection);
            assert_ne!(a.singular, b.singular);
            assert_ne!(a.plural, b.plural);
            assert_ne!(a.netbox, b.netbox);
        }
    }
}

#[test]
fn object_types_are_the_netbox_models_custom_fields_can_name() {
    let models = KINDS.iter().chain([&&INTERFACE]).filter(|k| !k.netbox.starts_with("sot.")).count();
    assert_eq!(object_types().len(), models - 1, "every NetBox model but custom fields themselves");
    assert!(object_types().is_sorted());
    assert!(object_types().contains(&"dcim.interface"));
    assert!(!object_types().contains(&"extras.customfield"));
}

/// Every kind with tags or custom fields has them checked: an object of each kind
/// (`tests/fixtures/registry/unknown/COLLECTION.yaml`) naming an unknown tag and an
/// unknown custom field gets both reported, in its file.
#[test]
fn every_kind_reports_unknown_tags_and_custom_fields() {
    let loaded = crate::load::load_files(&files(&["kinds", "unknown"])).expect("the example loads");
    let sources = &loaded.sources;
    let comp = crate::compile::compile(sources, loaded.config.clone(), loaded.diagnostics.clone());
    let found = |collection: &str, message: &str| {
        let file = format!("inventory/zz-registry/unknown/{collection}.yaml");
        comp.diagnostics
            .iter()
            .any(|d| d.message.contains(message) && sources.location(d.primary.span).starts_with(&file))
    };
    let mut failures = Vec::new();
    for k in KINDS.iter().filter(|k| k.tags || k.custom_fields) {
        if k.tags && !found(k.collection, "no tag `no-such-tag` exists") {
            failures.push(format!("{}: an unknown tag is not reported", k.collection));
        }
        if k.custom_fields && !found(k.collection, "no custom field `no_such_field` is defined") {
            failures.push(format!("{}: an unknown custom field is not reported", k.collection));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The defaults stages write out are declared, with the values the rest of `sot` assumes.
#[test]
fn declared_defaults_are_netbox_s() {
    assert_eq!(ConfigContext::INFO.default::<i64>("weight"), ConfigContext::DEFAULT_WEIGHT);
    assert_eq!(VlanGroup::INFO.default::<i64>("min_vid"), 1);
    assert_eq!(VlanGroup::INFO.default::<i64>("max_vid"), 4094);
    assert!(INTERFACE.default::<bool>("enabled"));
    for k in KINDS.iter().copied().chain([&INTERFACE]) {
        for (field, value) in k.defaults {
            assert!(serde_json::from_str::<serde_json::Value>(value).is_ok(), "{}.{field}: {value}", k.collection);
        }
    }
}

/// Every kind with tags is diffed on them: changing the tag of each kind's fixture object
/// (`tests/fixtures/registry/unknown/`) changes that object's digest in `sot diff`'s snapshot.
#[test]
fn every_kind_s_change_shows_in_diff() {
    let snapshot_of = |files: &[(String, Vec<u8>)]| {
        let loaded = crate::load::load_files(files).expect("the example loads");
        let comp = crate::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
        let inv = &comp.world.inventory;
        let objs = crate::diff::inputs::ObjectDigests::new(inv);
        let snap = crate::diff::objects::snapshot(inv, &objs, true);
        snap.into_iter().map(|((m, k), (digest, _))| ((m, k), digest)).collect::<std::collections::BTreeMap<_, _>>()
    };
    let before = files(&["kinds", "unknown"]);
    let after: Vec<(String, Vec<u8>)> = before
        .iter()
        .map(|(name, text)| {
            let text = String::from_utf8_lossy(text).replace("no-such-tag", "bgp-speaker").into_bytes();
            (name.clone(), text)
        })
        .collect();
    let (a, b) = (snapshot_of(&before), snapshot_of(&after));
    let mut failures = Vec::new();
    for k in KINDS.iter().filter(|k| k.tags) {
        let changed = a.iter().filter(|((m, key), d)| *m == k.netbox && b.get(&(*m, key.clone())) != Some(*d)).count();
        if changed == 0 {
            failures.push(format!("{}: a changed tag does not change the object's digest", k.collection));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
