//! NetBox as the oracle: what `sot` merges and renders is what NetBox merges and renders.
//!
//! Needs a running NetBox, as tests/netbox_live.rs does (`SOT_NETBOX_URL`,
//! `SOT_NETBOX_TOKEN_V1`, `SOT_NETBOX_TOKEN_V2`; `scripts/netbox-up.sh` starts one and
//! `.ci/run` runs this target); without them the test says so and does nothing.
//!
//! The repository is the example with the context-stress fixture
//! (`tests/fixtures/context-stress`) added: its contexts select only its own devices, so the
//! example's devices render and merge as in the example alone (checked too). The test pushes
//! it with `sot netbox push`, which creates in NetBox one config template per template file
//! the inventory names (includes inlined; `environment_params` from sot.yaml's `render:`) and
//! assigns devices, roles and platforms as the inventory says; then for every device the test
//! checks NetBox picks the template `sot` picks, and compares NetBox's
//! `render-config` with `sot build`'s configuration byte for byte, and NetBox's
//! `config_context` with `sot show --format json`'s, key order included.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

struct NetBox {
    url: String,
    token: String,
}

fn netbox() -> Option<NetBox> {
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (get("SOT_NETBOX_URL"), get("SOT_NETBOX_TOKEN_V1"), get("SOT_NETBOX_TOKEN_V2")) {
        (Some(url), Some(token), Some(_)) => Some(NetBox { url, token }),
        _ => {
            eprintln!("no NetBox: set SOT_NETBOX_URL and SOT_NETBOX_TOKEN_V1/V2 (scripts/netbox-up.sh)");
            None
        }
    }
}

impl NetBox {
    /// The response's status and body text.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, String) {
        let url = format!("{}/api/{path}", self.url.trim_end_matches('/'));
        let auth = format!("Token {}", self.token);
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut resp = match method {
            "GET" => agent.get(&url).header("Authorization", &auth).call(),
            "POST" => agent.post(&url).header("Authorization", &auth).send_json(body.unwrap_or(json!({}))),
            "PATCH" => agent.patch(&url).header("Authorization", &auth).send_json(body.unwrap_or(json!({}))),
            _ => unreachable!(),
        }
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap_or_default())
    }

    fn api(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, text) = self.call(method, path, body);
        assert!(status < 300, "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"))
    }

    fn first(&self, path: &str) -> Option<Value> {
        self.api("GET", path, None)["results"].as_array().and_then(|r| r.first().cloned())
    }
}

/// The template file a template name of the inventory means (`eos` or `eos.j2`).
fn template_file(templates: &Path, name: &str) -> String {
    if templates.join(name).is_file() { name.to_string() } else { format!("{name}.j2") }
}

fn sot(repo: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_sot")).args(args).current_dir(repo).output().expect("sot runs");
    assert!(
        out.status.success(),
        "sot {args:?}: exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Where two texts first differ, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
    match line {
        Some(i) => format!(
            "line {}: netbox {:?} / sot {:?}",
            i + 1,
            a.lines().nth(i).unwrap_or_default(),
            b.lines().nth(i).unwrap_or_default()
        ),
        None => format!("lengths {} / {} (netbox / sot), the shorter one is a prefix", a.len(), b.len()),
    }
}

#[test]
fn netbox_renders_and_merges_every_device_as_sot_does() {
    let Some(nb) = netbox() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stress = root.join("tests/fixtures/context-stress");
    let repo = common::example_copy();
    common::copy_dir(&stress.join("inventory"), &repo.path().join("inventory/context-stress"));
    std::fs::copy(stress.join("templates/probe.j2"), repo.path().join("templates/probe.j2")).expect("copy probe.j2");
    let templates = repo.path().join("templates");

    // The example's devices are the same with the stress fixture as without it.
    let alone = common::example_copy();
    let alone_out = tempfile::tempdir().expect("tempdir");
    sot(alone.path(), &["build", "--out", alone_out.path().to_str().expect("utf-8 path")]);

    let url = nb.url.clone();
    let pushed = Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["netbox", "push", "--url", &url])
        .current_dir(repo.path())
        .env("NETBOX_TOKEN", &nb.token)
        .env_remove("NETBOX_URL")
        .output()
        .expect("sot runs");
    assert!(pushed.status.success(), "push: {}", String::from_utf8_lossy(&pushed.stderr));
    let out = tempfile::tempdir().expect("tempdir");
    sot(repo.path(), &["build", "--out", out.path().to_str().expect("utf-8 path")]);

    let comp = common::compile(repo.path());
    let inv = &comp.world.inventory;

    let mut failures = Vec::new();
    let (mut rendered, mut contexts) = (0, 0);
    for d in &inv.devices {
        let name = d.name.value.to_string();
        let chosen = d
            .config_template
            .as_ref()
            .or_else(|| d.role.id.and_then(|r| inv.device_roles[r.index()].config_template.as_ref()))
            .or_else(|| {
                d.platform.as_ref().and_then(|p| p.id).and_then(|p| inv.platforms[p.index()].config_template.as_ref())
            });
        let device = nb.first(&format!("dcim/devices/?name={name}")).unwrap_or_else(|| panic!("{name} is in NetBox"));
        let id = device["id"].as_u64().expect("an id");

        // NetBox's merged context against sot's, compared as text: the key order counts.
        let (_, text) = nb.call("GET", &format!("dcim/devices/{id}/?fields=config_context"), None);
        let theirs: Value = serde_json::from_str(&text).expect("json");
        let shown = sot(repo.path(), &["show", "device", &name, "--format", "json"]);
        let ours: Value = serde_json::from_slice(&shown.stdout).expect("sot show --format json");
        let (theirs, ours) = (theirs["config_context"].to_string(), ours["config_context"].to_string());
        if theirs != ours {
            failures.push(format!("{name}: config_context differs\n  netbox {theirs}\n  sot    {ours}"));
        }
        contexts += 1;

        let Some(chosen) = chosen else { continue };
        let file = template_file(&templates, &chosen.value);
        // The push created the config template from the file and assigned it as the
        // inventory says (to the device, its role or its platform): NetBox picks it itself.
        let assigned = nb
            .first(&format!("extras/config-templates/?name={file}"))
            .unwrap_or_else(|| panic!("{name}: the push created no config template {file}"));
        let template_ids: Vec<u64> = ["config_template", "role", "platform"]
            .iter()
            .filter_map(|k| match *k {
                "config_template" => device[*k]["id"].as_u64(),
                k => nb.api(
                    "GET",
                    &format!(
                        "dcim/{}/{}/",
                        if k == "role" { "device-roles" } else { "platforms" },
                        device[k]["id"].as_u64()?
                    ),
                    None,
                )["config_template"]["id"]
                    .as_u64(),
            })
            .collect();
        if template_ids.first() != assigned["id"].as_u64().as_ref() {
            failures.push(format!("{name}: NetBox would render {template_ids:?}, not {file} ({})", assigned["id"]));
            continue;
        }
        let (status, text) = nb.call("POST", &format!("dcim/devices/{id}/render-config/"), Some(json!({})));
        let ours = std::fs::read_to_string(out.path().join(format!("configs/{name}.cfg")))
            .unwrap_or_else(|e| panic!("{name}: sot build wrote no configuration: {e}"));
        if status != 200 {
            failures.push(format!("{name}: NetBox does not render {file}: {status} {text}"));
            continue;
        }
        let theirs: Value = serde_json::from_str(&text).expect("json");
        let theirs = theirs["content"].as_str().expect("content");
        if theirs != ours {
            failures.push(format!("{name}: {file} renders differently, {}", first_difference(theirs, &ours)));
        }
        rendered += 1;
        if let Ok(alone) = std::fs::read_to_string(alone_out.path().join(format!("configs/{name}.cfg"))) {
            assert_eq!(alone, ours, "{name}: the stress fixture changed an example device's configuration");
        }
    }
    eprintln!("{rendered} configurations and {contexts} merged contexts compared with NetBox's");
    assert!(failures.is_empty(), "{} differences:\n{}", failures.len(), failures.join("\n"));
    // Every device of both inventories was compared: 14 of the example, 3 of the fixture.
    assert_eq!((rendered, contexts), (17, 17));
}
