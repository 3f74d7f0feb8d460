//! `sot build`: the article's templates render as printed, builds are
//! deterministic and atomic, and exports are written.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sot() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sot"))
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walk(dir) {
        out.insert(e.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(&e).unwrap());
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { v.extend(walk(&p)) } else { v.push(p) }
    }
    v
}

#[test]
fn the_articles_templates_render_as_printed() {
    let out = tempfile::tempdir().unwrap();
    let dir = manifest_dir().join("tests/fixtures/article");
    let status = sot().arg("build").arg(&dir).arg("--out").arg(out.path().join("b")).status().unwrap();
    assert!(status.success());
    for device in ["r-pub", "r-ospf", "r-edge", "r-spine"] {
        let got = std::fs::read_to_string(out.path().join(format!("b/configs/{device}.cfg"))).unwrap();
        let want = std::fs::read_to_string(dir.join(format!("expected/{device}.cfg"))).unwrap();
        assert_eq!(got, want, "{device}");
    }
}

#[test]
fn the_example_builds_every_device_identically_twice() {
    let out = tempfile::tempdir().unwrap();
    let build = |name: &str| {
        let o = sot()
            .args(["build", "--target", "ansible", "--target", "nornir", "--out"])
            .arg(out.path().join(name))
            .current_dir(manifest_dir())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
        tree(&out.path().join(name))
    };
    let a = build("a");
    let b = build("b");
    assert_eq!(a, b, "two builds of the same input differ");
    let configs = a.keys().filter(|k| k.starts_with("configs/")).count();
    assert_eq!(configs, 14);
    let manifest: serde_json::Value = serde_json::from_slice(&a["manifest.json"]).unwrap();
    assert_eq!(manifest["source"]["revision"], "working tree");
    for art in manifest["artifacts"].as_array().unwrap() {
        let path = art["path"].as_str().unwrap();
        assert_eq!(art["sha256"].as_str().unwrap(), sot::emit::sha256_hex(&a[path]), "{path}");
    }
    let inventory = String::from_utf8(a["ansible/inventory.yaml"].clone()).unwrap();
    assert!(inventory.contains("ansible_host: 10.1.255.1\n"), "{inventory}");
    assert!(inventory.contains("site_london_dc1:"));
    assert!(a.contains_key("nornir/hosts.yaml") && a.contains_key("nornir/groups.yaml"));
}

#[test]
fn a_failing_build_leaves_the_previous_output() {
    let fx = common::materialise_str(
        "--- sot.yaml\n--- templates/t.j2\nhostname {{ device.name }}\n--- inventory/a.yaml\nsites: [{name: L}]\nmanufacturers: [{name: M}]\ndevice_types: [{manufacturer: M, model: T, slug: t, u_height: 1, is_full_depth: false}]\ndevice_roles: [{name: R, config_template: t}]\ndevices: [{name: r1, site: l, role: r, device_type: t}]\n",
    );
    let ok = sot().arg("build").current_dir(fx.root()).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    let before = tree(&fx.root().join("build"));
    assert_eq!(before["configs/r1.cfg"], b"hostname r1\n");
    // An undefined variable now fails the render: nothing is written.
    std::fs::write(fx.root().join("templates/t.j2"), "hostname {{ device.name }}\nntp {{ ntp_servers[0] }}\n").unwrap();
    let bad = sot().arg("build").current_dir(fx.root()).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("E0503"), "{}", String::from_utf8_lossy(&bad.stdout));
    assert_eq!(tree(&fx.root().join("build")), before);
    let names: Vec<String> =
        std::fs::read_dir(fx.root()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains("staging")), "{names:?}");
}

/// NetBox's natural names: a device named with `/` or `..` builds to a file name derived
/// from its name (inside `configs/`, never beside it), an ordinary name keeps its own,
/// and a device type without `is_full_depth` is full depth, as NetBox defaults it.
#[test]
fn any_device_name_gets_a_safe_config_file() {
    let fx = common::materialise_str(
        "--- sot.yaml\n--- templates/t.j2\nhostname {{ device.name }}\n--- inventory/a.yaml\nsites: [{name: L}]\nmanufacturers: [{name: M}]\ndevice_types: [{manufacturer: M, model: T, slug: t, u_height: 1}]\ndevice_roles: [{name: R, config_template: t}]\ndevices: [{name: core/sw1, site: l, role: r, device_type: t}, {name: ../up, site: l, role: r, device_type: t}, {name: core-sw1, site: l, role: r, device_type: t, rack: A, position: 1, face: rear}]\nracks: [{name: A, site: l}]\n",
    );
    let ok = sot().arg("build").current_dir(fx.root()).output().unwrap();
    assert!(ok.status.success(), "{}{}", String::from_utf8_lossy(&ok.stdout), String::from_utf8_lossy(&ok.stderr));
    let built = tree(&fx.root().join("build"));
    let configs: Vec<&String> = built.keys().filter(|k| k.starts_with("configs/")).collect();
    assert_eq!(configs, ["configs/core-sw1.cfg", "configs/core-sw1~f787a991.cfg", "configs/up~8c722b8a.cfg"]);
    assert_eq!(built["configs/core-sw1~f787a991.cfg"], b"hostname core/sw1\n");
    assert!(!fx.root().join("up.cfg").exists() && !fx.root().join("build/up.cfg").exists());
    // Full depth by default: a device on the front of the same unit collides with it.
    let front = "devices: [{name: r2, site: l, role: r, device_type: t, rack: A, position: 1, face: front}]\n";
    std::fs::write(fx.root().join("inventory/b.yaml"), front).unwrap();
    let bad = sot().arg("check").current_dir(fx.root()).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("E0303"), "{}", String::from_utf8_lossy(&bad.stdout));
}

/// A build is whole: `--device` is refused (it used to replace every other config), and
/// `sot render NAME` prints one device's configuration, writing nothing.
#[test]
fn one_device_is_rendered_not_built() {
    let out = tempfile::tempdir().unwrap();
    let o = sot()
        .args(["build", "--device", "lon1-spine1", "--out"])
        .arg(out.path().join("b"))
        .current_dir(manifest_dir())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`sot render lon1-spine1` prints one"));
    assert!(!out.path().join("b").exists());
    // The same configuration `build` writes, on standard output.
    let built = sot().args(["build", "--out"]).arg(out.path().join("c")).current_dir(manifest_dir()).output().unwrap();
    assert!(built.status.success());
    let want = std::fs::read_to_string(out.path().join("c/configs/lon1-spine1.cfg")).unwrap();
    let r = sot().args(["render", "lon1-spine1"]).current_dir(manifest_dir()).output().unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    // -C and a positional path both name the repository.
    let sub = manifest_dir().join("inventory");
    let c = sot().args(["render", "lon1-spine1", "-C"]).arg(&sub).current_dir("/").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&c.stdout), want);
    let p = sot().args(["render", "lon1-spine1"]).arg(&sub).current_dir("/").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&p.stdout), want);
    let unknown = sot().args(["render", "lon1-spine9"]).current_dir(manifest_dir()).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `lon1-spine2`"));
}

#[test]
fn refuses_to_overwrite_a_directory_that_is_not_a_build() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("notes.txt"), "keep").unwrap();
    let o = sot().args(["build", "--out"]).arg(out.path()).current_dir(manifest_dir()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(out.path().join("notes.txt").exists());
}

#[test]
fn secrets_resolve_only_in_build_and_never_reach_check_output() {
    let fx = common::materialise_str(
        "--- sot.yaml\n--- templates/t.j2\nhostname {{ device.name }}\nsnmp-server community {{ secret('env:SOT_TEST_SNMP') }} ro\nusername admin secret {{ secret('file:admin.pw') }}\n--- inventory/a.yaml\nsites: [{name: L}]\nmanufacturers: [{name: M}]\ndevice_types: [{manufacturer: M, model: T, slug: t, u_height: 1, is_full_depth: false}]\ndevice_roles: [{name: R, config_template: t}]\ndevices: [{name: r1, site: l, role: r, device_type: t}]\n",
    );
    let secrets = tempfile::tempdir().unwrap();
    std::fs::write(secrets.path().join("admin.pw"), "p4ssw0rd\n").unwrap();
    // check renders placeholders and passes.
    let check = sot().arg("check").current_dir(fx.root()).env("SOT_TEST_SNMP", "c0mmunity").output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    // build resolves them into the config, and only there.
    let ok = sot()
        .args(["build", "--secrets-dir"])
        .arg(secrets.path())
        .current_dir(fx.root())
        .env("SOT_TEST_SNMP", "c0mmunity")
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    let out = tree(&fx.root().join("build"));
    let cfg = String::from_utf8(out["configs/r1.cfg"].clone()).unwrap();
    assert_eq!(cfg, "hostname r1\nsnmp-server community c0mmunity ro\nusername admin secret p4ssw0rd\n");
    let manifest = String::from_utf8(out["manifest.json"].clone()).unwrap();
    assert!(!manifest.contains("c0mmunity") && !manifest.contains("p4ssw0rd"));
    // A missing secret fails the build without printing any secret.
    let bad = sot()
        .args(["build", "--secrets-dir"])
        .arg(secrets.path())
        .current_dir(fx.root())
        .env_remove("SOT_TEST_SNMP")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(text.contains("SOT_TEST_SNMP") && !text.contains("p4ssw0rd"), "{text}");
    assert_eq!(String::from_utf8(tree(&fx.root().join("build"))["configs/r1.cfg"].clone()).unwrap(), cfg);
}
