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

/// Two racked devices; `a` and `b` are their units, `extra` more of the file.
fn racked(a: u32, b: u32, extra: &str) -> String {
    format!(
        "devices:\n  - {{name: d1, device_type: box-1, role: leaf, site: lab, rack: R1, position: {a}, face: front}}\n  \
         - {{name: d2, device_type: box-1, role: leaf, site: lab, rack: R1, position: {b}, face: front}}\n{extra}"
    )
}

#[test]
fn two_devices_swap_rack_units_in_one_push() {
    let nb = Fake::new();
    let out = converge(&nb, &racked(10, 11, ""), &racked(11, 10, ""), &Options::default());
    assert_eq!(device(&nb, "d1")["position"], json!(11.0));
    assert_eq!(device(&nb, "d2")["position"], json!(10.0));
    let updated: Vec<&str> =
        out.changes.iter().filter(|c| c.action == Action::Update).map(|c| c.key.as_str()).collect();
    assert_eq!(updated, ["d1", "d2"]);
    // Shown as the move it is, once per device: not the intermediate step.
    assert_eq!(out.changes[0].fields, vec![("position".to_string(), json!(10.0), json!(11.0))]);
}

/// A device in block style, with more fields.
fn dev(name: &str, place: &str, more: &str) -> String {
    format!("  - name: {name}\n    device_type: box-1\n    role: leaf\n    site: lab\n{place}{more}")
}

const ADDRESSED: &str = "    interfaces:\n      - name: eth0\n        ip_addresses: [{address: 10.0.0.1/32}]\n    primary_ip4: 10.0.0.1/32\n";

#[test]
fn a_racked_device_renamed_is_updated_in_place_and_keeps_what_it_has() {
    let nb = Fake::new();
    let a = format!("devices:\n{}", dev("old", "    rack: R1\n    position: 35\n    face: front\n", ADDRESSED));
    let b = a.replace("name: old", "name: new");
    let id = {
        run(&nb, &a, &Options::default());
        device(&nb, "old")["id"].clone()
    };
    let out = converge(&nb, &a, &b, &Options { prune: true, ..Options::default() });
    let new = device(&nb, "new");
    assert_eq!(new["id"], id, "renamed in place, not deleted and created");
    assert!(nb.find("dcim/devices/", "name", &json!("old")).is_none());
    let ip = nb.find("ipam/ip-addresses/", "address", &json!("10.0.0.1/32")).expect("the address is kept");
    assert_eq!(new["primary_ip4"], ip["id"]);
    assert!(!out.changes.iter().any(|c| c.action == Action::Delete), "{:?}", out.changes);
    let rename = out.changes.iter().find(|c| c.key == "new").expect("the rename is reported");
    assert_eq!(rename.fields, vec![("name".to_string(), json!("old"), json!("new"))]);
}

#[test]
fn a_primary_ip_moves_to_another_device_in_one_push() {
    let nb = Fake::new();
    let a = format!("devices:\n{}{}", dev("d1", "", ADDRESSED), dev("d2", "", ""));
    let b = format!("devices:\n{}{}", dev("d1", "", ""), dev("d2", "", ADDRESSED));
    let out = converge(&nb, &a, &b, &Options::default());
    let ip = nb.find("ipam/ip-addresses/", "address", &json!("10.0.0.1/32")).expect("kept");
    assert_eq!(device(&nb, "d2")["primary_ip4"], ip["id"]);
    assert_eq!(device(&nb, "d1")["primary_ip4"], Value::Null);
    let d1 = out.changes.iter().find(|c| c.key == "d1").expect("d1 loses its primary IP");
    assert_eq!(d1.fields, vec![("primary_ip4".to_string(), json!("global/10.0.0.1/32"), Value::Null)]);
}

#[test]
fn a_cable_end_moves_in_place() {
    let nb = Fake::new();
    let two = "devices:\n  - {name: d1, device_type: box-1, role: leaf, site: lab}\n  - {name: d2, device_type: box-1, role: leaf, site: lab}\n";
    let a = format!("{two}cables:\n  - {{a: 'd1:eth0', b: 'd2:eth0', label: C1}}\n");
    let b = format!("{two}cables:\n  - {{a: 'd1:eth0', b: 'd2:eth1', label: C1}}\n");
    let before = {
        run(&nb, &a, &Options::default());
        nb.objects("dcim/cables/")
    };
    converge(&nb, &a, &b, &Options::default());
    let after = nb.objects("dcim/cables/");
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0]["id"], before[0]["id"]);
}

#[test]
fn removed_values_return_to_netbox_defaults() {
    let nb = Fake::new();
    let cf = "custom_fields:\n  - {name: note, type: text, object_types: [dcim.device]}\n";
    let a = format!(
        "{cf}devices:\n  - name: d1\n    device_type: box-1\n    role: leaf\n    site: lab\n    status: planned\n    custom_fields: {{note: hi}}\n    interfaces:\n      - {{name: eth0, enabled: false, mode: access}}\n"
    );
    let b = format!("{cf}devices:\n  - {{name: d1, device_type: box-1, role: leaf, site: lab}}\n");
    converge(&nb, &a, &b, &Options::default());
    let d = device(&nb, "d1");
    assert_eq!(d["status"], json!("active"));
    assert_eq!(d["custom_fields"]["note"], Value::Null);
    let eth0 = nb.find("dcim/interfaces/", "name", &json!("eth0")).expect("eth0");
    assert_eq!((eth0["enabled"].clone(), eth0["mode"].clone()), (json!(true), Value::Null));
}

#[test]
fn an_object_of_someone_else_in_the_way_is_a_conflict_before_anything_is_written_or_adopted() {
    let nb = Fake::new();
    let theirs = nb.insert("dcim/regions/", json!({"name": "Netherlands", "slug": "nl"}));
    let inv = "regions:\n  - {name: Netherlands, slug: netherlands}\nsites:\n  - {name: Ams, slug: ams, region: netherlands}\n";
    let dry = run(&nb, inv, &Options { dry_run: true, ..Options::default() });
    let msgs: Vec<&str> = dry.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        msgs[0].contains("NetBox already has dcim.region `Netherlands`") && msgs[0].contains("--adopt"),
        "{msgs:?}"
    );
    assert_eq!(dry.problems[1].cause.as_deref(), Some("dcim.region netherlands"), "{:?}", dry.problems);
    assert_eq!(nb.writes(), Vec::<String>::new());
    let adopt = Options { adopt: true, ..Options::default() };
    let adopted = run(&nb, inv, &adopt);
    assert!(adopted.problems.is_empty(), "{:?}", adopted.problems);
    assert_eq!(run(&nb, inv, &adopt).changes.len(), 0);
    let region = nb.find("dcim/regions/", "id", &json!(theirs)).expect("the same region");
    assert_eq!(region["slug"], json!("netherlands"));
    assert_eq!(nb.objects("dcim/regions/").len(), 1);
}

#[test]
fn a_mac_address_is_pushed_as_an_object_made_the_interface_s_primary_and_converges() {
    let nb = Fake::new();
    let with = |mac: &str| {
        format!("devices:\n{}    interfaces:\n      - {{name: eth0, mac_address: \"{mac}\"}}\n", dev("d1", "", ""))
    };
    converge(&nb, &with("0011.2233.445c"), &with("00-11-22-33-44-5d"), &Options::default());
    let macs = nb.objects("dcim/mac-addresses/");
    assert_eq!(macs.len(), 1, "changed in place: {macs:?}");
    assert_eq!(macs[0]["mac_address"], json!("00:11:22:33:44:5D"));
    let eth0 = nb.find("dcim/interfaces/", "name", &json!("eth0")).expect("eth0");
    assert_eq!(eth0["primary_mac_address"], macs[0]["id"]);
    assert_eq!(macs[0]["assigned_object_id"], eth0["id"]);
}

#[test]
fn prune_reports_what_netbox_deletes_with_an_object() {
    let nb = Fake::new();
    let both = format!("devices:\n{}    interfaces:\n      - {{name: eth0}}\n{}", dev("d1", "", ""), dev("d2", "", ""));
    run(&nb, &both, &Options::default());
    let eth0 = nb.find("dcim/interfaces/", "name", &json!("eth0")).expect("eth0");
    // Someone else's address on sot's interface.
    nb.insert(
        "ipam/ip-addresses/",
        json!({"address": "192.0.2.9/32", "assigned_object_type": "dcim.interface", "assigned_object_id": eth0["id"]}),
    );
    let out = run(&nb, &format!("devices:\n{}", dev("d2", "", "")), &Options { prune: true, ..Options::default() });
    let by_netbox: Vec<(&str, &str, Option<&str>)> =
        out.changes.iter().filter(|c| c.with.is_some()).map(|c| (c.model, c.key.as_str(), c.with.as_deref())).collect();
    assert_eq!(by_netbox, [("ipam.ipaddress", "global/192.0.2.9/32", Some("dcim.interface d1:eth0"))]);
    assert!(nb.objects("ipam/ip-addresses/").is_empty(), "NetBox deleted it with the interface");
}
