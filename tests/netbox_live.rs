//! `sot netbox push` against a real NetBox.
//!
//! Needs a running NetBox: `scripts/netbox-up.sh` starts one on 127.0.0.1 and
//! prints the variables this test reads (`SOT_NETBOX_URL`, `SOT_NETBOX_TOKEN_V1`,
//! `SOT_NETBOX_TOKEN_V2`). `.ci/run` does that and runs this target; without
//! them the test says so and does nothing.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

struct NetBox {
    url: String,
    v1: String,
    v2: String,
}

fn netbox() -> Option<NetBox> {
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (get("SOT_NETBOX_URL"), get("SOT_NETBOX_TOKEN_V1"), get("SOT_NETBOX_TOKEN_V2")) {
        (Some(url), Some(v1), Some(v2)) => Some(NetBox { url, v1, v2 }),
        _ => {
            eprintln!("no NetBox: set SOT_NETBOX_URL and SOT_NETBOX_TOKEN_V1/V2 (scripts/netbox-up.sh)");
            None
        }
    }
}

impl NetBox {
    fn api(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/api/{path}", self.url.trim_end_matches('/'));
        let auth = format!("Token {}", self.v1);
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut resp = match (method, body) {
            ("GET", _) => agent.get(&url).header("Authorization", &auth).call(),
            ("POST", Some(b)) => agent.post(&url).header("Authorization", &auth).send_json(b),
            ("PATCH", Some(b)) => agent.patch(&url).header("Authorization", &auth).send_json(b),
            ("DELETE", _) => agent.delete(&url).header("Authorization", &auth).call(),
            _ => unreachable!(),
        }
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    fn one(&self, path: &str) -> Option<Value> {
        let v = self.api("GET", path, None);
        assert!(v.get("results").is_some(), "GET {path}: {v}");
        v["results"].as_array().and_then(|r| r.first().cloned())
    }

    fn count(&self, path: &str) -> u64 {
        self.api("GET", path, None)["count"].as_u64().unwrap_or_else(|| panic!("GET {path}"))
    }
}

/// The tests share one NetBox: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn push(dir: &Path, url: &str, token: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["netbox", "push", "-C"])
        .arg(dir)
        .args(["--url", url, "--format", "json"])
        .args(extra)
        .env("NETBOX_TOKEN", token)
        .env_remove("NETBOX_URL")
        .output()
        .expect("sot runs")
}

fn plan(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: stdout {}\nstderr {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn ok(out: &Output) -> Value {
    assert!(out.status.success(), "exit {:?}\n{}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    plan(out)
}

const EXTRA: &str = "\
sites:
  - name: Push Test
    slug: push-test
    status: planned
devices:
  - name: push-test-r1
    device_type: arista-dcs-7050sx3-48yc8
    role: leaf
    site: push-test
    platform: eos
    status: planned
    local_context_data:
      mgmt_gateway: 192.0.2.1
    interfaces:
      - name: Loopback0
        type: virtual
        ip_addresses:
          - address: 192.0.2.201/32
    primary_ip4: 192.0.2.201/32
vlans:
  - vid: 3999
    name: push-test
    site: push-test
config_contexts:
  - name: push-test
    weight: 350
    sites: [push-test]
    data:
      push_test: {a: 1}
";

#[test]
fn push_loads_the_example_into_netbox_idempotently_and_prunes_only_its_own() {
    let Some(nb) = netbox() else { return };
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let repo = common::example_copy();
    std::fs::write(repo.path().join("inventory/push-test.yaml"), EXTRA).expect("write");

    // A dry run plans and changes nothing.
    let devices_before = nb.count("dcim/devices/?limit=1");
    let dry = ok(&push(repo.path(), &nb.url, &nb.v1, &["--dry-run"]));
    assert_eq!(dry["dry_run"], json!(true));
    assert_eq!(nb.count("dcim/devices/?limit=1"), devices_before, "a dry run wrote to NetBox");
    assert!(nb.one("dcim/devices/?name=push-test-r1").is_none(), "a dry run created a device");
    assert!(dry["summary"]["create"].as_u64().unwrap() > 0, "{}", dry["summary"]);

    // The push: everything is created; a device's template interfaces are refined, not duplicated.
    let first = ok(&push(repo.path(), &nb.url, &nb.v1, &[]));
    assert_eq!(first["problems"], json!([]), "{}", first["problems"]);

    // Nothing is lost: a second push, with the other kind of token, finds nothing to change.
    let again = ok(&push(repo.path(), &nb.url, &nb.v2, &[]));
    assert_eq!(again["summary"]["create"], json!(0), "{}", again["changes"]);
    assert_eq!(again["summary"]["update"], json!(0), "{}", again["changes"]);
    assert_eq!(again["summary"]["delete"], json!(0), "{}", again["changes"]);
    assert!(again["summary"]["unchanged"].as_u64().unwrap() > 500, "{}", again["summary"]);

    // What NetBox now holds, read back through its API.
    let dev = nb.one("dcim/devices/?name=ams1-leaf2").expect("the device exists");
    assert_eq!(dev["serial"], json!("WS38040042"));
    assert_eq!(dev["primary_ip4"]["address"], json!("10.2.255.12/32"));
    assert!(dev["tags"].as_array().unwrap().iter().any(|t| t["slug"] == "sot-managed"));
    let id = dev["id"].as_u64().unwrap();
    let ifaces = nb.count(&format!("dcim/interfaces/?device_id={id}&limit=1"));
    let template = nb.count(&format!("dcim/interface-templates/?device_type_id={}&limit=1", dev["device_type"]["id"]));
    assert!(ifaces >= template && template > 0, "{ifaces} interfaces, {template} in the type");
    let cables = nb.count("dcim/cables/?tag=sot-managed&limit=1");
    assert!(cables > 0);
    let ctx = nb.one("extras/config-contexts/?name=push-test").expect("the config context exists");
    assert_eq!(ctx["data"], json!({"push_test": {"a": 1}}));
    assert_eq!(ctx["weight"], json!(350));
    let test_dev = nb.one("dcim/devices/?name=push-test-r1").expect("pushed");
    assert_eq!(test_dev["primary_ip4"]["address"], json!("192.0.2.201/32"));

    // An object sot did not create, and one it did that leaves the inventory.
    let foreign = nb.api("POST", "dcim/sites/", Some(json!({"name": "Foreign", "slug": "foreign-site"})));
    if foreign.get("id").is_none() {
        assert!(nb.one("dcim/sites/?slug=foreign-site").is_some(), "{foreign}");
    }
    std::fs::remove_file(repo.path().join("inventory/push-test.yaml")).expect("rm");
    let kept = ok(&push(repo.path(), &nb.url, &nb.v1, &[]));
    assert!(kept["summary"]["stale"].as_u64().unwrap() >= 5, "{}", kept["summary"]);
    assert!(nb.one("dcim/devices/?name=push-test-r1").is_some(), "deleted without --prune");
    let pruned = ok(&push(repo.path(), &nb.url, &nb.v1, &["--prune"]));
    let deleted: Vec<(String, String)> = pruned["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] == "delete")
        .map(|c| (c["model"].as_str().unwrap().to_string(), c["key"].as_str().unwrap().to_string()))
        .collect();
    for want in [
        ("dcim.device", "push-test-r1"),
        ("dcim.site", "push-test"),
        ("ipam.ipaddress", "global/192.0.2.201/32"),
        ("ipam.vlan", "site push-test/3999"),
        ("extras.configcontext", "push-test"),
    ] {
        assert!(deleted.iter().any(|(m, k)| m == want.0 && k == want.1), "{want:?} not in {deleted:?}");
    }
    // Children before parents.
    let at = |m: &str| deleted.iter().position(|(x, _)| x == m).unwrap();
    assert!(at("ipam.ipaddress") < at("dcim.interface") && at("dcim.interface") < at("dcim.device"));
    assert!(at("dcim.device") < at("dcim.site"));
    assert!(nb.one("dcim/devices/?name=push-test-r1").is_none());
    assert!(nb.one("dcim/sites/?slug=push-test").is_none());
    assert!(nb.one("dcim/sites/?slug=foreign-site").is_some(), "prune deleted an object sot did not create");
    let after = ok(&push(repo.path(), &nb.url, &nb.v2, &["--prune", "--dry-run"]));
    assert_eq!(after["changes"], json!([]));
}

#[test]
fn a_netbox_refusal_names_the_yaml_that_caused_it() {
    let Some(nb) = netbox() else { return };
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let repo = common::example_copy();
    // NetBox accepts only IANA time zones; sot's own checks do not know that list.
    std::fs::write(
        repo.path().join("inventory/refused.yaml"),
        "sites:\n  - name: Refused Site\n    slug: refused-site\n    time_zone: Mars/Olympus_Mons\n",
    )
    .expect("write");
    let out = push(repo.path(), &nb.url, &nb.v1, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("dcim.site `refused-site`"), "{stderr}");
    assert!(stderr.contains("time_zone"), "{stderr}");
    assert!(stderr.contains("inventory/refused.yaml:2:"), "{stderr}");
    let plan = plan(&out);
    assert_eq!(plan["summary"]["problems"], json!(1), "{}", plan["problems"]);
    assert!(plan["problems"][0]["source"].as_str().unwrap().starts_with("inventory/refused.yaml:2:"));
    assert!(
        !plan["changes"].as_array().unwrap().iter().any(|c| c["key"] == "refused-site"),
        "a refused object is not reported as created"
    );
    // Everything else went in.
    assert!(nb.one("dcim/devices/?name=ams1-leaf2").is_some());
    assert!(nb.one("dcim/sites/?slug=refused-site").is_none());
}

#[test]
fn an_unreachable_netbox_is_an_error_not_a_panic() {
    let repo = common::example_copy();
    let out = Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["netbox", "push", "-C"])
        .arg(repo.path())
        .args(["--url", "http://127.0.0.1:9", "--token", "0123456789abcdef0123456789abcdef01234567", "--retries", "0"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: GET status/:"), "{stderr}");
}

#[test]
fn an_inventory_with_errors_is_not_pushed() {
    let repo = common::example_copy();
    std::fs::write(repo.path().join("inventory/broken.yaml"), "sites:\n  - name: Broken\n    region: nowhere\n")
        .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["netbox", "push", "--color", "never", "-C"])
        .arg(repo.path())
        .args(["--url", "http://127.0.0.1:9", "--token", "nbt_x.y", "--retries", "0"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("inventory/broken.yaml:3:13"), "{stderr}");
    assert!(stderr.contains("nothing was pushed"), "{stderr}");
}

/// A small repository for the convergence scenarios: a device type and `inventory`.
fn small_repo(inventory: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("inventory")).expect("mkdir");
    std::fs::create_dir_all(p.join("device-types")).expect("mkdir");
    std::fs::write(p.join("sot.yaml"), "inventory: [inventory]\ndevice_types: [device-types]\n").expect("write");
    std::fs::write(
        p.join("device-types/cv-box.yaml"),
        "manufacturer: CV Acme\nmodel: CV Box\nslug: cv-box\nu_height: 1\nis_full_depth: false\ninterfaces:\n  \
         - {name: eth0, type: 1000base-t}\n  - {name: eth1, type: 1000base-t}\n  - {name: eth2, type: 1000base-t}\n",
    )
    .expect("write");
    std::fs::write(p.join("inventory/cv.yaml"), inventory).expect("write");
    dir
}

const CV_BASE: &str = "\
custom_fields:
  - {name: cv_note, type: text, object_types: [dcim.device]}
manufacturers: [{name: CV Acme, slug: cv-acme}]
sites: [{name: CV Lab, slug: cv-lab}]
racks: [{name: CV-R1, site: cv-lab}]
device_roles: [{name: CV Leaf, slug: cv-leaf}]
";

/// A device of the scenarios, in rack CV-R1 at `unit`, with more lines.
fn cv_device(name: &str, unit: u32, more: &str) -> String {
    format!(
        "  - name: {name}\n    device_type: cv-box\n    role: cv-leaf\n    site: cv-lab\n    rack: CV-R1\n    \
         position: {unit}\n    face: front\n{more}"
    )
}

fn loopback(address: &str) -> String {
    format!(
        "    interfaces:\n      - name: lo0\n        type: virtual\n        ip_addresses: [{{address: {address}}}]\n    \
         primary_ip4: {address}\n"
    )
}

/// Inventory A of the scenarios: cv-d1 at U10 (planned, a custom field, eth0 disabled in
/// access mode, the primary IP .1), cv-d2 at U11 (eth0 with a MAC address), cv-old at U35, a cable cv-d1:eth1 to cv-d2:eth1.
fn cv_a() -> String {
    let d1 = "    status: planned\n    custom_fields: {cv_note: hi}\n    interfaces:\n      \
              - {name: eth0, enabled: false, mode: access}\n      - name: lo0\n        type: virtual\n        \
              ip_addresses: [{address: 198.51.100.1/32}]\n    primary_ip4: 198.51.100.1/32\n";
    let d2 = "    interfaces:\n      - {name: lo0, type: virtual}\n      - {name: eth0, mac_address: 0011.2233.4455}\n";
    format!(
        "{CV_BASE}devices:\n{}{}{}cables:\n  - {{a: 'cv-d1:eth1', b: 'cv-d2:eth1', label: CV-C1}}\n",
        cv_device("cv-d1", 10, d1),
        cv_device("cv-d2", 11, d2),
        cv_device("cv-old", 35, &loopback("198.51.100.35/32"))
    )
}

/// Inventory B: cv-d1 and cv-d2 swap units, cv-old is renamed cv-new, the cable's end
/// moves to cv-d2:eth2, the primary IP .1 moves to cv-d2, cv-d2:eth0's MAC address
/// changes, and cv-d1 loses its status, custom field and eth0 settings.
fn cv_b() -> String {
    let d1 = "    interfaces:\n      - {name: lo0, type: virtual}\n";
    format!(
        "{CV_BASE}devices:\n{}{}{}cables:\n  - {{a: 'cv-d1:eth1', b: 'cv-d2:eth2', label: CV-C1}}\n",
        cv_device("cv-d1", 11, d1),
        cv_device(
            "cv-d2",
            10,
            &loopback("198.51.100.1/32")
                .replace("    primary_ip4", "      - {name: eth0, mac_address: '00-11-22-33-44-66'}\n    primary_ip4")
        ),
        cv_device("cv-new", 35, &loopback("198.51.100.35/32"))
    )
}

#[test]
fn a_push_converges_in_one_go_when_devices_swap_units_are_renamed_and_addresses_and_cables_move() {
    let Some(nb) = netbox() else { return };
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // From a clean slate: the scenario's devices and cables of an earlier run are gone.
    for name in ["cv-d1", "cv-d2", "cv-old", "cv-new"] {
        if let Some(d) = nb.one(&format!("dcim/devices/?name={name}")) {
            nb.api("DELETE", &format!("dcim/devices/{}/", d["id"]), None);
        }
    }
    // (A cable whose interfaces were deleted stays in NetBox, without ends.)
    while let Some(c) = nb.one("dcim/cables/?label=CV-C1") {
        nb.api("DELETE", &format!("dcim/cables/{}/", c["id"]), None);
    }
    for address in ["198.51.100.1/32", "198.51.100.35/32"] {
        if let Some(ip) = nb.one(&format!("ipam/ip-addresses/?address={address}")) {
            nb.api("DELETE", &format!("ipam/ip-addresses/{}/", ip["id"]), None);
        }
    }
    let repo = small_repo(&cv_a());
    let a = ok(&push(repo.path(), &nb.url, &nb.v1, &[]));
    assert_eq!(a["problems"], json!([]));
    let old = nb.one("dcim/devices/?name=cv-old").expect("cv-old");
    let cable = nb.one("dcim/cables/?label=CV-C1").expect("the cable");

    std::fs::write(repo.path().join("inventory/cv.yaml"), cv_b()).expect("write");
    // The plan names references by key, never by an id NetBox has not given, and shows no
    // field that does not change.
    let dry = ok(&push(repo.path(), &nb.url, &nb.v1, &["--dry-run"]));
    for c in dry["changes"].as_array().unwrap() {
        for (field, v) in c["fields"].as_object().unwrap() {
            assert_ne!(v["netbox"], v["inventory"], "a no-op line: {c}");
            assert!(!v.to_string().contains("4503599627"), "{field}: a placeholder id: {c}");
        }
    }
    let b = ok(&push(repo.path(), &nb.url, &nb.v1, &[]));
    assert_eq!(b["problems"], json!([]), "{}", b["problems"]);
    assert!(!b["changes"].as_array().unwrap().iter().any(|c| c["action"] == "delete"), "{}", b["changes"]);

    // NetBox holds B.
    let d1 = nb.one("dcim/devices/?name=cv-d1").expect("cv-d1");
    let d2 = nb.one("dcim/devices/?name=cv-d2").expect("cv-d2");
    assert_eq!((d1["position"].clone(), d2["position"].clone()), (json!(11.0), json!(10.0)));
    let new = nb.one("dcim/devices/?name=cv-new").expect("cv-old was renamed");
    assert_eq!(new["id"], old["id"], "renamed in place");
    assert!(nb.one("dcim/devices/?name=cv-old").is_none());
    assert_eq!(new["primary_ip4"]["address"], json!("198.51.100.35/32"));
    assert_eq!(d2["primary_ip4"]["address"], json!("198.51.100.1/32"));
    assert_eq!(d1["primary_ip4"], Value::Null);
    assert_eq!(d1["status"]["value"], json!("active"));
    assert_eq!(d1["custom_fields"]["cv_note"], Value::Null);
    let eth0 = nb.one(&format!("dcim/interfaces/?device_id={}&name=eth0", d1["id"])).expect("eth0");
    assert_eq!((eth0["enabled"].clone(), eth0["mode"].clone()), (json!(true), Value::Null));
    let moved = nb.one("dcim/cables/?label=CV-C1").expect("the cable");
    assert_eq!(moved["id"], cable["id"], "the cable's end moved in place");
    let ends: Vec<String> = ["a_terminations", "b_terminations"]
        .iter()
        .flat_map(|k| moved[*k].as_array().unwrap().iter())
        .map(|t| {
            format!("{}:{}", t["object"]["device"]["name"].as_str().unwrap(), t["object"]["name"].as_str().unwrap())
        })
        .collect();
    assert!(ends.contains(&"cv-d2:eth2".to_string()) && ends.contains(&"cv-d1:eth1".to_string()), "{ends:?}");

    let d2_eth0 = nb.one(&format!("dcim/interfaces/?device_id={}&name=eth0", d2["id"])).expect("eth0");
    assert_eq!(d2_eth0["primary_mac_address"]["mac_address"], json!("00:11:22:33:44:66"));
    assert_eq!(nb.count(&format!("dcim/mac-addresses/?assigned_object_id={}", d2_eth0["id"])), 1);

    // A second push changes nothing.
    let again = ok(&push(repo.path(), &nb.url, &nb.v2, &[]));
    assert_eq!(again["changes"], json!([]));
}

#[test]
fn an_object_of_someone_else_in_the_way_is_shown_before_anything_is_written_and_can_be_adopted() {
    let Some(nb) = netbox() else { return };
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(site) = nb.one("dcim/sites/?slug=cv-ams") {
        nb.api("DELETE", &format!("dcim/sites/{}/", site["id"]), None);
    }
    // NetBox has a region `Netherlands` of another slug, which sot did not create (the
    // example's, if it is there, made someone else's: nothing is deleted with it).
    let theirs = match nb.one("dcim/regions/?name=Netherlands") {
        Some(r) => nb.api(
            "PATCH",
            &format!("dcim/regions/{}/", r["id"]),
            Some(json!({"slug": "nl-theirs", "parent": null, "tags": []})),
        ),
        None => nb.api("POST", "dcim/regions/", Some(json!({"name": "Netherlands", "slug": "nl-theirs"}))),
    };
    let id = theirs["id"].as_u64().unwrap_or_else(|| panic!("{theirs}"));
    let repo = small_repo(
        "regions:\n  - {name: Netherlands, slug: netherlands}\nsites:\n  - {name: CV Ams, slug: cv-ams, region: netherlands}\n\
         manufacturers: [{name: CV Acme, slug: cv-acme}]\n",
    );
    let dry = push(repo.path(), &nb.url, &nb.v1, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&dry.stderr);
    assert!(stderr.contains("NetBox already has dcim.region `Netherlands`"), "{stderr}");
    assert!(stderr.contains("--adopt") && stderr.contains("inventory/cv.yaml:2:"), "{stderr}");
    assert!(stderr.contains("1 object not sent: depends on dcim.region netherlands"), "{stderr}");
    assert!(nb.one("dcim/sites/?slug=cv-ams").is_none());
    let adopted = ok(&push(repo.path(), &nb.url, &nb.v1, &["--adopt"]));
    assert_eq!(adopted["problems"], json!([]));
    let region = nb.one("dcim/regions/?name=Netherlands").expect("the region");
    assert_eq!((region["id"].as_u64(), region["slug"].clone()), (Some(id), json!("netherlands")));
    assert_eq!(nb.one("dcim/sites/?slug=cv-ams").expect("the site")["region"]["id"].as_u64(), Some(id));
    let again = ok(&push(repo.path(), &nb.url, &nb.v1, &["--adopt"]));
    assert_eq!(again["changes"], json!([]));
}
