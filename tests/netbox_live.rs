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
