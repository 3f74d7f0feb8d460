//! The JSON Schemas in docs/schema are generated (`sot schema --out docs/schema`),
//! current, and accept the example inventory while refusing what `sot check` refuses.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

#[test]
fn committed_schemas_are_current() {
    let inv = std::fs::read_to_string(root().join("docs/schema/inventory.schema.json")).unwrap();
    let dt = std::fs::read_to_string(root().join("docs/schema/device-type.schema.json")).unwrap();
    assert!(
        inv == pretty(&sot::model::editor_schema::inventory_schema()),
        "docs/schema is stale: run `sot schema --out docs/schema`"
    );
    assert!(
        dt == pretty(&sot::model::editor_schema::device_type_schema()),
        "docs/schema is stale: run `sot schema --out docs/schema`"
    );
}

fn yaml_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let mut diags = Vec::new();
    let node = sot::yaml::parse(sot::source::FileId(0), &text, &Default::default(), &mut diags).unwrap();
    node.to_json()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
}

#[test]
fn the_example_files_satisfy_their_schemas() {
    let inv = jsonschema::validator_for(&sot::model::editor_schema::inventory_schema()).unwrap();
    let dt = jsonschema::validator_for(&sot::model::editor_schema::device_type_schema()).unwrap();
    let mut paths = Vec::new();
    files(&root().join("inventory"), &mut paths);
    for p in &paths {
        let errors: Vec<String> =
            inv.iter_errors(&yaml_json(p)).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
    }
    let mut paths = Vec::new();
    files(&root().join("device-types"), &mut paths);
    for p in &paths {
        let errors: Vec<String> = dt.iter_errors(&yaml_json(p)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
    }
}

#[test]
fn the_schema_refuses_a_misspelt_field() {
    let inv = jsonschema::validator_for(&sot::model::editor_schema::inventory_schema()).unwrap();
    let bad = serde_json::json!({"devices": [{"name": "r1", "device_type": "t", "role": "r", "site": "s", "interfaces": [{"name": "e1", "mut": 9000}]}]});
    assert!(!inv.is_valid(&bad));
    let good = serde_json::json!({"devices": [{"name": "r1", "device_type": "t", "role": "r", "site": "s", "interfaces": [{"name": "e1", "mtu": 9000, "untagged_vlan": 10}]}]});
    assert!(inv.is_valid(&good), "{:?}", inv.iter_errors(&good).map(|e| e.to_string()).collect::<Vec<_>>());
}
