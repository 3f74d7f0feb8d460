//! Revisions and `sot diff`, on real git repositories made by the tests.

mod common;

use std::path::Path;
use std::process::Command;

fn sot(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_sot")).args(args).current_dir(dir).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(["-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

const BASE: &str = "--- sot.yaml
--- templates/t.j2
hostname {{ device.name }}
{% for s in ntp_servers %}
ntp server {{ s }}
{% endfor %}
{% for i in device.interfaces if i.link_peer %}
interface {{ i.name }} to {{ i.link_peer.device.name }} {{ i.link_peer.name }}
{% endfor %}
--- inventory/dcim/sites.yaml
sites: [{name: lon1}, {name: ams1}]
manufacturers: [{name: M}]
device_types: [{manufacturer: M, model: T, slug: t, u_height: 1, is_full_depth: false, interfaces: [{name: e1, type: 10gbase-x-sfpp}, {name: e2, type: 10gbase-x-sfpp}]}]
device_roles: [{name: R, config_template: t}]
--- inventory/dcim/devices.yaml
devices:
  - {name: lon1-r1, site: lon1, role: r, device_type: t}
  - {name: lon1-r2, site: lon1, role: r, device_type: t}
  - {name: ams1-r1, site: ams1, role: r, device_type: t}
cables:
  - {a: \"lon1-r1:e1\", b: \"lon1-r2:e1\"}
--- inventory/contexts.yaml
config_contexts:
  - {name: global, weight: 100, data: {ntp_servers: [10.0.0.1]}}
  - {name: lon1, weight: 300, sites: [lon1], data: {ntp_servers: [10.1.0.1]}}
";

fn repo() -> common::Fixture {
    let fx = common::materialise_str(BASE);
    git(fx.root(), &["init", "-q"]);
    git(fx.root(), &["add", "-A"]);
    git(fx.root(), &["commit", "-qm", "base"]);
    fx
}

fn commit(dir: &Path, msg: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", msg]);
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn check_and_build_read_a_revision_from_any_subdirectory() {
    let fx = repo();
    let first = git(fx.root(), &["rev-parse", "HEAD"]);
    // Break the working tree: the revision is still clean.
    std::fs::write(
        fx.root().join("inventory/dcim/devices.yaml"),
        "devices:\n  - {name: x, site: nowhere, role: r, device_type: t}\n",
    )
    .unwrap();
    let sub = fx.root().join("inventory/dcim");
    assert_eq!(sot(&sub, &["check"]).0, 1);
    let (code, out, _) = sot(&sub, &["check", "--rev", "HEAD"]);
    assert_eq!(code, 0, "{out}");
    let outdir = tempfile::tempdir().unwrap();
    let (code, out, err) = sot(&sub, &["build", "--rev", &first, "--out", outdir.path().join("b").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(outdir.path().join("b/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["source"]["revision"], first.as_str());
    assert!(outdir.path().join("b/configs/ams1-r1.cfg").exists());
    // The working tree build says it is a working tree that differs from HEAD.
    std::fs::write(fx.root().join("inventory/dcim/devices.yaml"), "devices: []\n").unwrap();
    let (code, _, err) = sot(&sub, &["build", "--out", outdir.path().join("c").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(outdir.path().join("c/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["source"], serde_json::json!({"revision": "working tree", "dirty": true}));
    // Reading a revision leaves the working tree alone.
    assert_eq!(std::fs::read_to_string(fx.root().join("inventory/dcim/devices.yaml")).unwrap(), "devices: []\n");
    let (code, _, err) = sot(&sub, &["check", "--rev", "no-such-rev"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-rev"), "{err}");
}

#[test]
fn a_context_change_shows_exactly_the_devices_and_lines_it_alters() {
    let fx = repo();
    let ctx = fx.root().join("inventory/contexts.yaml");
    let text = std::fs::read_to_string(&ctx).unwrap().replace("10.1.0.1", "10.1.0.9");
    std::fs::write(&ctx, text).unwrap();
    let (code, out, err) = sot(fx.root(), &["diff", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let devices: Vec<&str> = r["devices"].as_array().unwrap().iter().map(|d| d["device"].as_str().unwrap()).collect();
    assert_eq!(devices, ["lon1-r1", "lon1-r2"]);
    let d = &r["devices"][0];
    assert_eq!(d["context"][0]["path"], "ntp_servers");
    assert_eq!(d["context"][0]["new"], serde_json::json!(["10.1.0.9"]));
    assert!(d["context"][0]["by"].as_str().unwrap().starts_with("lon1 (inventory/contexts.yaml:"));
    let diff = d["config_diff"].as_str().unwrap();
    assert!(diff.contains("-ntp server 10.1.0.1\n+ntp server 10.1.0.9\n"), "{diff}");
    assert_eq!((d["lines_added"].as_u64(), d["lines_removed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(r["events"][0]["event"], "updated");
    assert_eq!(r["events"][0]["model"], "extras.configcontext");
    assert_eq!(r["events"][0]["key"], "lon1");
}

#[test]
fn a_rename_a_deletion_and_a_new_cable_are_the_right_events() {
    let fx = repo();
    let base = git(fx.root(), &["rev-parse", "HEAD"]);
    std::fs::write(
        fx.root().join("inventory/dcim/devices.yaml"),
        "devices:\n  - {name: lon1-core1, site: lon1, role: r, device_type: t}\n  - {name: lon1-r2, site: lon1, role: r, device_type: t}\ncables:\n  - {a: \"lon1-core1:e1\", b: \"lon1-r2:e1\"}\n  - {a: \"lon1-core1:e2\", b: \"lon1-r2:e2\"}\n",
    )
    .unwrap();
    let head = commit(fx.root(), "rename lon1-r1, remove ams1-r1, add a cable");
    let (code, out, err) = sot(fx.root(), &["diff", &base, &head, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let events: Vec<(String, String, String)> = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["model"] == "dcim.device" || e["model"] == "dcim.cable")
        .map(|e| {
            (
                e["event"].as_str().unwrap().into(),
                e["model"].as_str().unwrap().into(),
                e["key"].as_str().unwrap().into(),
            )
        })
        .collect();
    let has = |ev: &str, model: &str, key: &str| events.contains(&(ev.into(), model.into(), key.into()));
    assert!(has("deleted", "dcim.device", "lon1-r1"), "{events:?}");
    assert!(has("created", "dcim.device", "lon1-core1"), "{events:?}");
    assert!(has("deleted", "dcim.device", "ams1-r1"), "{events:?}");
    assert!(has("created", "dcim.cable", "lon1-core1:e2 <> lon1-r2:e2"), "{events:?}");
    let deleted = r["events"].as_array().unwrap().iter().find(|e| e["key"] == "ams1-r1").unwrap();
    assert_eq!(deleted["snapshots"]["prechange"]["site"], "ams1");
    assert!(deleted["snapshots"]["postchange"].is_null());
    assert_eq!(deleted["data"]["site"], "ams1");
    // lon1-r2's config changes: its peer was renamed and it gained a cable.
    let r2 = r["devices"].as_array().unwrap().iter().find(|d| d["device"] == "lon1-r2").unwrap();
    let diff = r2["config_diff"].as_str().unwrap();
    assert!(diff.contains("+interface e1 to lon1-core1 e1"), "{diff}");
    assert!(diff.contains("+interface e2 to lon1-core1 e2"), "{diff}");
    // Markdown fits a comment and folds each device.
    let (_, md, _) = sot(fx.root(), &["diff", &base, &head, "--format", "markdown"]);
    assert!(md.contains("| objects created |") && md.contains("<details><summary><code>lon1-r2</code>"), "{md}");
    let (_, md, _) = sot(fx.root(), &["diff", &base, &head, "--format", "markdown", "--limit", "900"]);
    assert!(md.chars().count() <= 900, "{md}");
    assert!(md.contains("_Left out to fit 900 characters: "), "{md}");
    for device in ["lon1-core1", "lon1-r1", "lon1-r2", "ams1-r1"] {
        assert!(md.contains(&format!("`{device}`")), "{device} is not named: {md}");
    }
}

#[test]
fn diagnostics_introduced_and_fixed() {
    let fx = repo();
    std::fs::write(fx.root().join("inventory/extra.yaml"), "sites: [{name: par1, regoin: eu}]\n").unwrap();
    let (_, out, _) = sot(fx.root(), &["diff", "HEAD", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["introduced"][0]["code"], "E0102");
    assert_eq!(r["summary"]["diagnostics_fixed"], 0);
}

#[test]
fn a_change_seen_only_through_a_cable_or_an_included_template_is_reported() {
    let fx = repo();
    // lon1-r1's config shows its peer's description, through a partial.
    std::fs::write(
        fx.root().join("templates/t.j2"),
        "hostname {{ device.name }}\n{% for i in device.interfaces if i.link_peer %}\n{% include 'peer.j2' %}\n{% endfor %}\n",
    )
    .unwrap();
    std::fs::write(fx.root().join("templates/peer.j2"), "interface {{ i.name }}: {{ i.link_peer.description }}\n")
        .unwrap();
    let devices = fx.root().join("inventory/dcim/devices.yaml");
    let text = std::fs::read_to_string(&devices).unwrap();
    let with = |d: &str| {
        text.replace(
            "{name: lon1-r2, site: lon1,",
            &format!("{{name: lon1-r2, interfaces: [{{name: e1, description: {d}}}], site: lon1,"),
        )
    };
    std::fs::write(&devices, with("old")).unwrap();
    commit(fx.root(), "peer descriptions");
    // Only lon1-r2's interface changes; lon1-r1's config changes through the cable.
    std::fs::write(&devices, with("new")).unwrap();
    let (code, out, err) = sot(fx.root(), &["diff", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changed: Vec<&str> = r["devices"].as_array().unwrap().iter().map(|d| d["device"].as_str().unwrap()).collect();
    assert_eq!(changed, ["lon1-r1"], "{out}");
    assert!(
        r["devices"][0]["config_diff"].as_str().unwrap().contains("-interface e1: old\n+interface e1: new\n"),
        "{out}"
    );
    commit(fx.root(), "new description");
    // Only the included template changes: every device with a cable is reported.
    std::fs::write(fx.root().join("templates/peer.j2"), "port {{ i.name }}: {{ i.link_peer.description }}\n").unwrap();
    let (_, out, _) = sot(fx.root(), &["diff", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changed: Vec<&str> = r["devices"].as_array().unwrap().iter().map(|d| d["device"].as_str().unwrap()).collect();
    assert_eq!(changed, ["lon1-r1", "lon1-r2"], "{out}");
}

#[test]
fn a_revision_follows_symlinks_inside_the_project_and_no_others() {
    let fx = repo();
    let root = fx.root();
    std::fs::create_dir_all(root.join("shared")).unwrap();
    std::fs::write(root.join("shared/vlans.yaml"), "vlans: [{vid: 5000, name: big}]\n").unwrap();
    std::os::unix::fs::symlink("../shared/vlans.yaml", root.join("inventory/vlans.yaml")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", root.join("inventory/evil.yaml")).unwrap();
    commit(root, "links");
    // The revision and the working tree read the same files, with the same findings.
    let (code, at_rev, _) = sot(root, &["check", "--rev", "HEAD"]);
    assert_eq!(code, 1, "{at_rev}");
    assert!(at_rev.contains("inventory/vlans.yaml:1:"), "the linked file is read through its link: {at_rev}");
    assert!(at_rev.contains("5000"), "{at_rev}");
    assert!(at_rev.contains("inventory/evil.yaml") && at_rev.contains("symlink"), "{at_rev}");
    let (_, in_tree, _) = sot(root, &["check"]);
    let codes = |s: &str| s.lines().filter(|l| l.contains("E0")).map(str::to_string).collect::<Vec<_>>();
    assert!(codes(&at_rev).len() >= 2, "{at_rev}");
    assert_eq!(codes(&at_rev), codes(&in_tree));
}

#[test]
fn render_failures_are_reported_for_the_devices_a_change_breaks() {
    let fx = repo();
    // ams1-r1 has no syslog server: it fails before and after the change.
    let contexts = fx.root().join("inventory/contexts.yaml");
    let text = std::fs::read_to_string(&contexts).unwrap();
    std::fs::write(&contexts, text.replace("{ntp_servers: [10.1.0.1]}", "{ntp_servers: [10.1.0.1], syslog: 10.1.0.9}"))
        .unwrap();
    let template = fx.root().join("templates/t.j2");
    let t = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, format!("{t}logging host {{{{ syslog }}}}\n")).unwrap();
    git(fx.root(), &["commit", "-qam", "syslog"]);
    let (_, out, _) = sot(fx.root(), &["check"]);
    assert!(out.contains("template fails for device `ams1-r1`"), "{out}");
    // London loses its syslog server: both its devices break; ams1-r1 is not news.
    std::fs::write(&contexts, text).unwrap();
    let (code, out, _) = sot(fx.root(), &["diff", "HEAD", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&r["summary"]["diagnostics_introduced"], &r["summary"]["diagnostics_fixed"]),
        (&1.into(), &0.into()),
        "{out}"
    );
    let message = r["introduced"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("template fails for device `lon1-r1`"), "{message}");
    assert!(message.ends_with("(and 1 other device)"), "{message}");
    assert_eq!(r["introduced"][0]["file"], "templates/t.j2");
}

#[test]
fn the_pull_request_that_adopts_sot_diffs_against_an_empty_inventory() {
    // The base branch has no sot.yaml yet; the pull request adds the whole project.
    let fx = common::materialise_str("--- README.md\nnetwork\n");
    git(fx.root(), &["init", "-q"]);
    let base = commit(fx.root(), "before sot");
    let project = common::materialise_str(BASE);
    common::copy_dir(project.root(), fx.root());
    let head = commit(fx.root(), "adopt sot");
    let (code, out, err) = sot(fx.root(), &["diff", &base, &head, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let events = r["events"].as_array().unwrap();
    assert!(events.iter().all(|e| e["event"] == "created"), "{out}");
    for device in ["lon1-r1", "lon1-r2", "ams1-r1"] {
        assert!(events.iter().any(|e| e["model"] == "dcim.device" && e["key"] == device), "{device} not created");
    }
    // Every device's configuration is new.
    assert_eq!(r["devices"].as_array().unwrap().len(), 3, "{out}");
    // A base that names no revision at all is still an error.
    let (code, _, err) = sot(fx.root(), &["diff", "no-such-rev", &head]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-rev"), "{err}");
}

/// The pull request of the issue that asked for a comment budget: 30 new leaves on the
/// example inventory (each with the interfaces of its device type, uplinks and a loopback)
/// and one BGP AS changed. The comment fits GitHub's limit, names every changed device,
/// summarises the interfaces made from the device type and shows the AS change by path,
/// once for the devices it changes alike.
#[test]
fn thirty_new_leaves_fit_a_pull_request_comment() {
    let fx = common::example_copy();
    let root = fx.path();
    git(root, &["init", "-q"]);
    let base = commit(root, "example");
    let mut leaves = String::from("devices:\n");
    let names: Vec<String> = (5..35).map(|n| format!("lon1-leaf{n}")).collect();
    for (n, name) in (5..35).zip(&names) {
        leaves.push_str(&format!(
            "  - name: {name}
    device_type: juniper-qfx5120-48y-8c
    role: leaf
    site: london-dc1
    status: active
    platform: junos
    primary_ip4: 10.1.254.{n}/32
    interfaces:
      - {{name: lo0, type: virtual, ip_addresses: [10.1.254.{n}/32]}}
      - {{name: et-0/0/48, mtu: 9216, ip_addresses: [10.1.100.{}/31]}}
      - {{name: et-0/0/49, mtu: 9216, ip_addresses: [10.1.101.{}/31]}}
",
            2 * n,
            2 * n
        ));
    }
    std::fs::write(root.join("inventory/new-leaves.yaml"), leaves).unwrap();
    let roles = root.join("inventory/contexts/roles.yaml");
    let text = std::fs::read_to_string(&roles).unwrap();
    let changed =
        text.replacen("remote_as: 65101, description: lon1-leaf1}", "remote_as: 65201, description: lon1-leaf1}", 1);
    assert_ne!(text, changed);
    std::fs::write(&roles, changed).unwrap();
    let head = commit(root, "30 leaves");
    let (code, _, err) = sot(root, &["check"]);
    assert_eq!(code, 0, "the change is clean: {err}");

    let (code, full, err) = sot(root, &["diff", &base, &head, "--format", "markdown", "--limit", "0"]);
    assert_eq!(code, 0, "{err}");
    let (_, md, _) = sot(root, &["diff", &base, &head, "--format", "markdown"]);
    let size = md.chars().count();
    assert!(size <= 60_000, "{size} characters: over the default budget (a GitHub comment holds 65,536)");
    let mut changed: Vec<String> = names.clone();
    changed.extend(["lon1-spine1".to_string(), "lon1-spine2".to_string()]);
    for name in &changed {
        assert!(md.contains(&format!("`{name}`")), "{name} is not named");
    }
    // Natural order: leaf9 before leaf10.
    assert!(md.find("`lon1-leaf9`").unwrap() < md.find("`lon1-leaf10`").unwrap());
    // The interfaces from the device type: one line per leaf, not 55.
    assert!(md.contains("+ dcim.interface lon1-leaf5:* (55 interfaces from juniper-qfx5120-48y-8c)\n"), "{md}");
    assert!(!md.contains("lon1-leaf5:et-0/0/10\n"), "{md}");
    // The AS change by path, once for both spines.
    assert!(md.contains("data.bgp.peers[0].remote_as: 65101 → 65201"), "{md}");
    assert!(md.contains("2 devices: <code>lon1-spine1</code>, <code>lon1-spine2</code>"), "{md}");
    assert_eq!(md.matches("+   neighbor 10.1.255.11 remote-as 65201").count(), 1, "{md}");
    // Within a smaller budget the same holds, and the report says what it left out.
    let (_, small, _) = sot(root, &["diff", &base, &head, "--format", "markdown", "--limit", "10000"]);
    assert!(small.chars().count() <= 10_000, "{}", small.chars().count());
    for name in &changed {
        assert!(small.contains(&format!("`{name}`")), "{name} is not named in the short report");
    }
    assert!(small.contains("_Left out to fit 10000 characters: ") && small.contains("--limit 0"), "{small}");
    // Without a limit nothing is left out.
    assert!(!full.contains("_Left out"), "{full}");
    assert!(full.chars().count() > 10_000);

    // JSON: every event, in an order that replays (devices before their interfaces,
    // interfaces before their addresses), with NetBox's field names.
    let (_, json, _) = sot(root, &["diff", &base, &head, "--format", "json"]);
    let r: serde_json::Value = serde_json::from_str(&json).unwrap();
    let events = r["events"].as_array().unwrap();
    assert_eq!(events.iter().filter(|e| e["model"] == "dcim.interface").count(), 30 * 58);
    let last_device = events.iter().rposition(|e| e["model"] == "dcim.device").unwrap();
    let first_interface = events.iter().position(|e| e["model"] == "dcim.interface").unwrap();
    let first_address = events.iter().position(|e| e["model"] == "ipam.ipaddress").unwrap();
    assert!(last_device < first_interface && first_interface < first_address);
    let uplink = events.iter().find(|e| e["key"] == "lon1-leaf5:et-0/0/48").unwrap();
    assert_eq!(uplink["data"]["type"], "100gbase-x-qsfp28", "{uplink}");
    let address = events.iter().find(|e| e["key"] == "global/10.1.100.10/31").unwrap();
    assert_eq!(address["data"]["assigned_object_type"], "dcim.interface", "{address}");
    assert_eq!(address["data"]["assigned_object"]["name"], "et-0/0/48", "{address}");
}
