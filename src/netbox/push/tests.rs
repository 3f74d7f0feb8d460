//! Planning against the in-memory NetBox (`fake.rs`): push A, change the
//! inventory to B, push once, and the fake holds B; a second push changes nothing.

use serde_json::{Value, json};

use super::fake::Fake;
use super::{Action, Options, Outcome, push};

const DEVICE_TYPE: &str = "\
manufacturer: Acme
model: Box 1
slug: box-1
u_height: 1
is_full_depth: false
interfaces:
  - name: eth0
    type: 1000base-t
  - name: eth1
    type: 1000base-t
";

const BASE: &str = "\
manufacturers:
  - name: Acme
    slug: acme
sites:
  - name: Lab
    slug: lab
racks:
  - name: R1
    site: lab
device_roles:
  - name: Leaf
    slug: leaf
";

/// The records of an inventory made of `BASE` and `extra`.
fn bundle(extra: &str) -> crate::netbox::Bundle {
    let files = vec![
        ("sot.yaml".to_string(), b"inventory: [inventory]\ndevice_types: [device-types]\n".to_vec()),
        ("device-types/box.yaml".to_string(), DEVICE_TYPE.as_bytes().to_vec()),
        ("inventory/base.yaml".to_string(), BASE.as_bytes().to_vec()),
        ("inventory/test.yaml".to_string(), extra.as_bytes().to_vec()),
    ];
    let loaded = crate::load::load_files(&files).expect("loads");
    let comp = crate::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
    let errors: Vec<String> = comp
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    crate::netbox::records(&comp.inventory)
}

fn run(nb: &Fake, extra: &str, opts: &Options) -> Outcome {
    match push(nb, &bundle(extra), opts) {
        Ok(o) => o,
        Err(f) => panic!("the push failed: {}", f.error),
    }
}

/// Push `a`, then `b` once: no problems, and a second push of `b` changes nothing.
fn converge(nb: &Fake, a: &str, b: &str, opts: &Options) -> Outcome {
    let first = run(nb, a, &Options::default());
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let second = run(nb, b, opts);
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    let third = run(nb, b, opts);
    let changes: Vec<String> = third.changes.iter().map(|c| format!("{:?} {} {}", c.action, c.model, c.key)).collect();
    assert!(changes.is_empty(), "a second push still changes {changes:?}");
    second
}

fn device(nb: &Fake, name: &str) -> serde_json::Map<String, Value> {
    nb.find("dcim/devices/", "name", &json!(name)).unwrap_or_else(|| panic!("{name} is in NetBox"))
}

#[test]
fn a_first_push_creates_and_a_second_changes_nothing() {
    let nb = Fake::new();
    let inv =
        "devices:\n  - {name: d1, device_type: box-1, role: leaf, site: lab, rack: R1, position: 10, face: front}\n";
    let first = run(&nb, inv, &Options::default());
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert!(first.count(Action::Create) > 5);
    assert_eq!(device(&nb, "d1")["position"], json!(10.0));
    let again = run(&nb, inv, &Options::default());
    assert_eq!(again.changes.len(), 0, "{:?}", again.changes);
}

#[test]
fn a_dry_run_plans_without_writing() {
    let nb = Fake::new();
    let inv = "devices:\n  - {name: d1, device_type: box-1, role: leaf, site: lab}\n";
    let dry = run(&nb, inv, &Options { dry_run: true, ..Options::default() });
    assert!(dry.count(Action::Create) > 5);
    assert_eq!(nb.writes(), Vec::<String>::new());
    assert!(nb.objects("dcim/devices/").is_empty());
}

#[test]
fn prune_deletes_what_sot_made_and_leaves_the_rest() {
    let nb = Fake::new();
    let foreign = nb.insert("dcim/sites/", json!({"name": "Theirs", "slug": "theirs"}));
    let two =
        "sites:\n  - {name: Gone, slug: gone}\ndevices:\n  - {name: d1, device_type: box-1, role: leaf, site: gone}\n";
    let one = "devices:\n  - {name: d2, device_type: box-1, role: leaf, site: lab}\n";
    run(&nb, two, &Options::default());
    let kept = run(&nb, one, &Options::default());
    assert!(kept.stale >= 2, "{}", kept.stale);
    let pruned = converge(&nb, one, one, &Options { prune: true, ..Options::default() });
    let deleted: Vec<&str> =
        pruned.changes.iter().filter(|c| c.action == Action::Delete).map(|c| c.key.as_str()).collect();
    assert!(deleted.contains(&"d1") && deleted.contains(&"gone"), "{deleted:?}");
    assert!(nb.find("dcim/sites/", "id", &json!(foreign)).is_some(), "an object sot did not make was deleted");
    assert!(nb.find("dcim/devices/", "name", &json!("d1")).is_none());
}
