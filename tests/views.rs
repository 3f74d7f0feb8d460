//! Every object a template, a rule or a query can reach serialises finitely: every kind
//! `sot query` lists, with every one of its fields, through `tojson`, `query --format json`
//! and `--format csv`, and every device through `sot show`, on the example inventory.
//! (Objects that refer back to one another, a device and its interfaces, once overflowed
//! the stack and aborted the process.)

use std::path::PathBuf;
use std::process::Command;

use minijinja::Value;

fn sot() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sot"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Far more than the example inventory's whole serialised form: output past this is not finite
/// in any sense that matters.
const SANE: usize = 8 * 1024 * 1024;

/// Each queryable kind with the union of its objects' fields, and its objects.
fn kinds() -> Vec<(&'static str, Vec<String>, Vec<Value>)> {
    let loaded = sot::load::load_workdir(&root()).unwrap();
    let comp = sot::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
    sot::view::QUERYABLE
        .iter()
        .map(|&kind| {
            let objects = comp.world.objects(kind);
            let mut fields: Vec<String> = Vec::new();
            for o in &objects {
                // A tag is a plain object (it works as its name): its fields are known.
                let keys: Vec<Value> = match o.try_iter() {
                    Ok(keys) => keys.collect(),
                    Err(_) => ["name", "slug", "color", "description"].map(Value::from).to_vec(),
                };
                for k in keys {
                    let k = k.to_string();
                    if !fields.contains(&k) {
                        fields.push(k);
                    }
                }
            }
            (kind, fields, objects)
        })
        .collect()
}

#[test]
fn every_kind_and_field_serialises_through_tojson() {
    let kinds = kinds();
    let env = sot::jinja::environment(&Default::default());
    let mut seen = 0;
    for (kind, fields, objects) in &kinds {
        for o in objects {
            let json = env.render_str("{{ x|tojson }}", minijinja::context! { x => o.clone() }).unwrap();
            assert!(json.len() < SANE, "{kind}: {} bytes", json.len());
            let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{kind}: {e}: {json}"));
            for f in fields {
                let one = env
                    .render_str(&format!("{{{{ x[{f:?}]|tojson }}}}"), minijinja::context! { x => o.clone() })
                    .unwrap_or_else(|e| panic!("{kind}.{f}: {e}"));
                assert!(one.len() < SANE, "{kind}.{f}");
                seen += 1;
            }
            if *kind == "interfaces" {
                // A reference is its natural key, not the whole object.
                assert!(v["device"].is_string(), "{v}");
            }
        }
    }
    for kind in ["devices", "interfaces", "ip_addresses", "prefixes", "sites", "cables"] {
        assert!(kinds.iter().any(|(k, _, o)| *k == kind && !o.is_empty()), "the example has no {kind}");
    }
    assert!(seen > 1000, "{seen}");
}

#[test]
fn every_kind_and_field_serialises_through_query() {
    for (kind, fields, objects) in kinds() {
        if objects.is_empty() {
            continue;
        }
        let list = fields.join(",");
        for format in ["json", "csv", "table"] {
            let out = sot()
                .args(["query", kind, "--fields", &list, "--format", format])
                .current_dir(root())
                .output()
                .unwrap();
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert_eq!(out.status.code(), Some(0), "{kind} {format}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(stdout.len() < SANE, "{kind} {format}: {} bytes", stdout.len());
            match format {
                "json" => {
                    let rows: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&stdout).unwrap();
                    assert_eq!(rows.len(), objects.len(), "{kind}");
                    assert!(rows.iter().all(|r| r.len() == fields.len()), "{kind}");
                    if kind == "interfaces" {
                        assert!(rows.iter().all(|r| r["device"].is_string()), "{kind}");
                    }
                }
                "csv" => {
                    let mut r = csv::Reader::from_reader(stdout.as_bytes());
                    assert_eq!(r.headers().unwrap().len(), fields.len(), "{kind}");
                    assert_eq!(r.records().map(Result::unwrap).count(), objects.len(), "{kind}");
                }
                _ => assert_eq!(stdout.lines().count(), objects.len() + 2, "{kind}"),
            }
        }
    }
}

#[test]
fn the_reported_queries_print_names() {
    let run = |args: &[&str]| {
        let out = sot().args(args).current_dir(root()).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let csv =
        run(&["query", "interfaces", "--where", "interface.name=='lo0'", "--fields", "device", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("device"));
    assert!(lines.clone().count() > 1 && lines.all(|l| !l.contains('{') && !l.is_empty()), "{csv}");
    let json = run(&["query", "devices", "--fields", "name,interfaces", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    for r in rows {
        for i in r["interfaces"].as_array().unwrap() {
            assert_eq!(i["device"], r["name"]);
        }
    }
}

#[test]
fn every_device_shows() {
    let (_, _, devices) = kinds().into_iter().find(|(k, _, _)| *k == "devices").unwrap();
    for d in devices {
        let name = d.get_attr("name").unwrap().to_string();
        for format in ["json", "yaml"] {
            let out = sot().args(["show", "device", &name, "--format", format]).current_dir(root()).output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(!out.stdout.is_empty() && out.stdout.len() < SANE, "{name} {format}");
        }
    }
}
