//! What `sot` promises a security reviewer (docs/security.md), one test per class of
//! fault: it reads nothing outside the repository, replaces only an output directory it
//! wrote, writes secret-bearing files owner-only, and never prints a resolved secret.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn sot() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sot"))
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Run `cmd`, killing it and failing the test if it has not ended within 60 s.
fn bounded(cmd: &mut Command) -> Output {
    let child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let start = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("sot hung ({:?})", start.elapsed());
        }
    }
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

const SMALL: &str = "--- sot.yaml\n--- templates/t.j2\nhostname {{ device.name }}\n--- inventory/a.yaml\nsites: [{name: L}]\nmanufacturers: [{name: M}]\ndevice_types: [{manufacturer: M, model: T, slug: t, u_height: 1, is_full_depth: false}]\ndevice_roles: [{name: R, config_template: t}]\ndevices: [{name: r1, site: l, role: r, device_type: t}]\n";

fn git(root: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

// ---- reading outside the repository -------------------------------------------------

#[test]
fn a_symlinked_top_level_folder_is_reported_and_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("inv")).unwrap();
    std::fs::write(outside.path().join("inv/e.yaml"), "sites: [{name: Outside Site}]\n").unwrap();
    std::fs::create_dir_all(outside.path().join("tpl")).unwrap();
    std::fs::write(outside.path().join("tpl/t.j2"), "OUTSIDE-TEMPLATE-TEXT\n").unwrap();
    let fx = common::materialise_str(SMALL);
    let root = fx.root();
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("tpl"), root.join("templates")).unwrap();
    std::fs::create_dir_all(root.join("more")).unwrap();
    std::fs::write(root.join("sot.yaml"), "inventory: [inventory, linked]\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("inv"), root.join("linked")).unwrap();

    let query = sot().args(["query", "sites", "--format", "json"]).current_dir(root).output().unwrap();
    assert!(!text(&query).contains("Outside Site"), "{}", text(&query));
    let check = sot().args(["check", "--format", "json"]).current_dir(root).output().unwrap();
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let at: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0007")
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["message"].as_str().unwrap().to_string()))
        .collect();
    assert!(at.iter().any(|(f, m)| f == "templates" && m.contains("outside")), "{at:?}");
    assert!(at.iter().any(|(f, m)| f == "linked" && m.contains("outside")), "{at:?}");
    let build = sot().arg("build").current_dir(root).output().unwrap();
    assert!(!text(&build).contains("OUTSIDE-TEMPLATE-TEXT"));
    assert!(!root.join("build").exists(), "nothing is built from an inventory with errors");
}

#[test]
fn links_to_folders_fifos_and_submodules_are_reported_by_path_and_never_hang() {
    let fx = common::materialise_str(SMALL);
    let root = fx.root();
    std::fs::create_dir_all(root.join("inventory/real")).unwrap();
    std::fs::write(root.join("inventory/real/v.yaml"), "vlans: [{vid: 10, name: ten}]\n").unwrap();
    std::os::unix::fs::symlink("real", root.join("inventory/alias")).unwrap();
    mkfifo(&root.join("inventory/x.yaml"));
    let o = bounded(sot().args(["check", "--format", "json"]).current_dir(root));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {} {}", d["code"].as_str().unwrap(), d["file"].as_str().unwrap(), d["message"]))
        .collect();
    assert!(found.iter().any(|f| f.starts_with("E0007 inventory/alias ") && f.contains("directory")), "{found:?}");
    assert!(found.iter().any(|f| f.starts_with("E0007 inventory/x.yaml ") && f.contains("regular")), "{found:?}");
    // The real folder is read once, under its own name.
    let vlans = sot().args(["query", "vlans", "--format", "json"]).current_dir(root).output().unwrap();
    assert_eq!(text(&vlans).matches("\"ten\"").count(), 1, "{}", text(&vlans));
}

/// A submodule reads the same from the working tree and from a revision: reported by
/// path, its files never read, so a clean tree shows no phantom change.
#[test]
fn a_submodule_is_reported_alike_in_the_working_tree_and_at_a_revision() {
    let other = tempfile::tempdir().unwrap();
    git(other.path(), &["init", "-q"]);
    std::fs::write(other.path().join("s.yaml"), "sites: [{name: Submodule Site}]\n").unwrap();
    git(other.path(), &["add", "-A"]);
    git(other.path(), &["commit", "-qm", "sub"]);
    let fx = common::materialise_str(SMALL);
    let root = fx.root();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "init"]);
    git(root, &["submodule", "add", "-q", other.path().to_str().unwrap(), "inventory/sub"]);
    git(root, &["commit", "-qm", "submodule"]);
    let diags = |args: &[&str]| -> Vec<String> {
        let o = sot().args(["check", "--format", "json"]).args(args).current_dir(root).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {} {}", d["code"].as_str().unwrap(), d["file"].as_str().unwrap(), d["message"]))
            .collect()
    };
    let work = diags(&[]);
    assert!(work.iter().any(|d| d.starts_with("E0007 inventory/sub ") && d.contains("submodule")), "{work:?}");
    assert_eq!(diags(&["--rev", "HEAD"]), work);
    let diff = sot().args(["diff", "HEAD", "--format", "json"]).current_dir(root).output().unwrap();
    assert!(!text(&diff).contains("Submodule Site"), "{}", text(&diff));
    let events: serde_json::Value = serde_json::from_slice(&diff.stdout).unwrap();
    assert_eq!(events["events"].as_array().map_or(0, Vec::len), 0, "{}", text(&diff));
}

// ---- writing only what is ours --------------------------------------------------------

#[test]
fn build_refuses_a_directory_it_did_not_write_even_with_a_manifest() {
    let fx = common::materialise_str(SMALL);
    let w = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(w.path().join("src")).unwrap();
    std::fs::write(w.path().join("src/main.rs"), "keep me").unwrap();
    std::fs::write(w.path().join("manifest.json"), "{}").unwrap();
    let o = sot().args(["build", "--out"]).arg(w.path()).current_dir(fx.root()).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not written by sot build"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(w.path().join("src/main.rs")).unwrap(), "keep me");
    // An empty directory, or one sot wrote, is fine.
    let empty = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let o = sot().args(["build", "--out"]).arg(empty.path()).current_dir(fx.root()).output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    assert!(empty.path().join(".sot-build").is_file());
}

#[test]
fn build_never_replaces_the_repository_through_a_symlink_or_writes_into_its_inputs() {
    let fx = common::materialise_str(SMALL);
    let root = fx.root();
    git(root, &["init", "-q"]);
    std::fs::create_dir_all(root.join("deep")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root.join("deep"), elsewhere.path().join("l")).unwrap();
    std::os::unix::fs::symlink(root, elsewhere.path().join("alias")).unwrap();
    for out in [elsewhere.path().join("l/.."), elsewhere.path().join("alias"), root.join("inventory/build")] {
        let o = sot().args(["build", "--out"]).arg(&out).current_dir(root).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}: {}", out.display(), text(&o));
        assert!(text(&o).contains("refusing"), "{}", text(&o));
    }
    assert!(root.join(".git").is_dir() && root.join("sot.yaml").is_file());
    assert!(!root.join("inventory/build").exists());
    let check = sot().arg("check").current_dir(root).output().unwrap();
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn a_symlink_as_the_output_is_refused_and_left_as_it_is() {
    let fx = common::materialise_str(SMALL);
    let real = tempfile::tempdir().unwrap();
    let built = sot().args(["build", "--out"]).arg(real.path().join("b")).current_dir(fx.root()).output().unwrap();
    assert!(built.status.success());
    let link = real.path().join("link");
    std::os::unix::fs::symlink(real.path().join("b"), &link).unwrap();
    let o = sot().args(["build", "--out"]).arg(&link).current_dir(fx.root()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("symbolic link"), "{}", text(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

/// A directory named like a staging directory, planted beside the output (or left by a
/// killed build whose pid is reused), is never written into or shipped.
#[test]
fn a_planted_staging_directory_is_never_used() {
    let fx = common::materialise_str(SMALL);
    let root = fx.root();
    let outside = tempfile::tempdir().unwrap();
    // Planted for a spread of process ids around ours.
    let me = std::process::id();
    for pid in me..me + 200 {
        let planted = root.join(format!(".build.staging-{pid}"));
        std::fs::create_dir_all(&planted).unwrap();
        std::fs::write(planted.join("stale.cfg"), "stale").unwrap();
        std::os::unix::fs::symlink(outside.path(), planted.join("configs")).unwrap();
    }
    let o = sot().arg("build").current_dir(root).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(common::entries(outside.path()).is_empty(), "written through a planted symlink");
    let mut built = common::entries(&root.join("build"));
    built.sort();
    assert_eq!(built, [".sot-build", "configs", "manifest.json"]);
    assert!(std::fs::symlink_metadata(root.join("build/configs")).unwrap().is_dir());
    // What is not ours is left where it was.
    assert!(root.join(format!(".build.staging-{me}/stale.cfg")).exists());
}

// ---- secrets --------------------------------------------------------------------------

const SECRET_FIXTURE: &str = "--- sot.yaml\n--- templates/t.j2\nhostname {{ device.name }}\nusername admin secret {{ secret('env:SOT_TEST_PW') }}\n--- templates/plain.j2\nhostname {{ device.name }}\n--- inventory/a.yaml\nsites: [{name: L}]\nmanufacturers: [{name: M}]\ndevice_types: [{manufacturer: M, model: T, slug: t, u_height: 1, is_full_depth: false}]\ndevice_roles: [{name: R, config_template: t}, {name: P, config_template: plain}]\ndevices: [{name: r1, site: l, role: r, device_type: t}, {name: r2, site: l, role: p, device_type: t}]\n";

#[test]
fn secret_bearing_configs_are_owner_only_and_have_no_digest_in_the_manifest() {
    use std::os::unix::fs::PermissionsExt;
    let fx = common::materialise_str(SECRET_FIXTURE);
    let root = fx.root();
    let o = sot().arg("build").current_dir(root).env("SOT_TEST_PW", "hunter2").output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let mode = |p: &str| std::fs::metadata(root.join("build").join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("configs/r1.cfg"), 0o600);
    assert_ne!(mode("configs/r2.cfg") & 0o044, 0, "a config without secrets keeps the usual mode");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("build/manifest.json")).unwrap()).unwrap();
    let entry = |p: &str| manifest["artifacts"].as_array().unwrap().iter().find(|a| a["path"] == p).unwrap().clone();
    assert_eq!(entry("configs/r1.cfg")["secret"], true);
    assert!(entry("configs/r1.cfg").get("sha256").is_none());
    assert!(entry("configs/r2.cfg")["sha256"].is_string());
    // A rebuild keeps it owner-only (a reused file would keep whatever mode it had).
    let again = sot().arg("build").current_dir(root).env("SOT_TEST_PW", "hunter2").output().unwrap();
    assert!(again.status.success());
    assert_eq!(mode("configs/r1.cfg"), 0o600);
}

#[test]
fn a_resolved_secret_never_reaches_a_diagnostic() {
    let secret = "hunter2-Sup3r";
    for template in [
        "{% include secret('env:SOT_TEST_PW') %}",
        "{{ secret('env:' ~ secret('env:SOT_TEST_PW')) }}",
        "{{ secret('env:SOT_TEST_PW') | ipmath(1) }}",
        "{{ secret('env:SOT_TEST_PW') | int + undefined_thing }}",
    ] {
        let fx = common::materialise_str(SECRET_FIXTURE);
        std::fs::write(fx.root().join("templates/t.j2"), template).unwrap();
        for format in ["human", "json", "github", "sarif"] {
            let o = sot()
                .args(["build", "--format", format])
                .current_dir(fx.root())
                .env("SOT_TEST_PW", secret)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(1), "{template}: {}", text(&o));
            assert!(!text(&o).contains(secret), "{template} ({format}) printed the secret: {}", text(&o));
        }
    }
}

#[test]
fn a_secret_file_that_is_a_fifo_is_refused_without_hanging() {
    let fx = common::materialise_str(SECRET_FIXTURE);
    std::fs::write(fx.root().join("templates/t.j2"), "x {{ secret('file:pw') }}\n").unwrap();
    let secrets = tempfile::tempdir().unwrap();
    mkfifo(&secrets.path().join("pw"));
    let o = bounded(sot().args(["build", "--secrets-dir"]).arg(secrets.path()).current_dir(fx.root()));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not a regular file"), "{}", text(&o));
}
