//! CLI contract: every case under tests/cmd/ is a command, an input tree, the
//! expected stdout/stderr and exit code (`TRYCMD=overwrite` rewrites them).

mod common;

use std::process::Command;

#[test]
fn cli_cases() {
    trycmd::TestCases::new().register_bin("sot", trycmd::cargo::cargo_bin!("sot")).case("tests/cmd/*.toml");
}

fn sot() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sot"))
}

/// The human renderer's output, compared exactly (its `...` fold lines would be
/// wildcards in a trycmd case). `SNAPSHOTS=overwrite` rewrites the expected file.
#[test]
fn human_output_snapshot() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/many-faults.in");
    let out = sot().args(["check", "--color", "never"]).current_dir(dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let got = String::from_utf8(out.stdout).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/many-faults.human.txt");
    if std::env::var_os("SNAPSHOTS").is_some_and(|v| v == "overwrite") {
        std::fs::write(path, &got).unwrap();
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    assert!(got == want, "human output differs from {path}:\n{got}");
}

#[test]
fn the_example_inventory_checks_clean() {
    let out = sot().args(["check", "--color", "never"]).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("no problems found"), "{stdout}");
}

#[test]
fn no_project_file_is_a_usage_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = sot().arg("check").current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no sot.yaml found"), "{stderr}");
}

#[test]
fn a_missing_path_is_a_usage_failure() {
    let out = sot().args(["check", "/nonexistent/inventory"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/inventory"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let fx = common::materialise_str("--- sot.yaml\n--- inventory/a.yaml\nsites: [{name: L, region: nowhere}]\n");
    let run = |args: &[&str], no_color: bool| {
        let mut c = sot();
        c.args(args).current_dir(fx.root());
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    };
    assert!(run(&["check", "--color", "always"], false).contains('\u{1b}'));
    // Not a terminal: no escapes by default, and none with NO_COLOR either.
    assert!(!run(&["check"], false).contains('\u{1b}'));
    assert!(!run(&["check"], true).contains('\u{1b}'));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = sot().args(["explain", "--all"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn docs_list_every_code() {
    let out = sot().args(["explain", "--all", "--markdown"]).output().unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md")).unwrap();
    assert_eq!(
        docs, generated,
        "docs/diagnostics.md is stale: run `sot explain --all --markdown > docs/diagnostics.md`"
    );
}

/// README's query example: devices whose support contract ends before today. A device with
/// no date is not "before today" (a comparison with none is false).
#[test]
fn the_readme_query_example_lists_expired_contracts_only() {
    let out = sot()
        .args([
            "query",
            "devices",
            "--where",
            "device.custom_fields.support_contract_expiry < today",
            "--fields",
            "name,custom_fields.support_contract_expiry",
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let today = sot::jinja::today();
    for r in &rows {
        let date = r["custom_fields.support_contract_expiry"].as_str().unwrap_or_else(|| panic!("no date: {r}"));
        assert!(date < today.as_str(), "{r}");
    }
    // Every device with an earlier date is listed: the example has dates on six devices.
    let all = sot()
        .args(["query", "devices", "--fields", "name,custom_fields.support_contract_expiry", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let all: Vec<serde_json::Value> = serde_json::from_slice(&all.stdout).unwrap();
    let dated = all.iter().filter(|r| r["custom_fields.support_contract_expiry"].is_string()).count();
    assert_eq!(dated, 6);
    assert!(all.len() > dated, "some devices have no date");
    let earlier =
        all.iter().filter(|r| r["custom_fields.support_contract_expiry"].as_str().is_some_and(|d| d < today.as_str()));
    assert_eq!(rows.len(), earlier.count());
}

/// docs/format.md's BGP cross-reference rule: clean on the example, and a peer address no
/// interface has is found on every device whose context names it.
#[test]
fn the_documented_bgp_rule_finds_an_unknown_peer() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/format.md")).unwrap();
    let block = docs.split("<!-- bgp-rule -->\n```yaml\nrules:\n").nth(1).unwrap().split("```").next().unwrap();
    let fx = common::example_copy();
    let rules = fx.path().join("inventory/rules.yaml");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(&rules, format!("{text}\n{block}")).unwrap();
    let check = || {
        let o = sot().args(["check", "--format", "json"]).current_dir(fx.path()).output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    assert_eq!(check()["diagnostics"], serde_json::json!([]), "the example's peers are all known");
    let roles = fx.path().join("inventory/contexts/roles.yaml");
    let text = std::fs::read_to_string(&roles).unwrap();
    std::fs::write(&roles, text.replace("{ip: 10.1.255.12,", "{ip: 10.1.255.120,")).unwrap();
    let found = check();
    let messages: Vec<&str> =
        found["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(
        messages,
        [
            "lon1-spine1: lon1-spine1 peers with 10.1.255.120, which no interface in the inventory has",
            "lon1-spine2: lon1-spine2 peers with 10.1.255.120, which no interface in the inventory has"
        ]
    );
}
