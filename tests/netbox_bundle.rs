//! The NetBox bundle: every payload `sot` would send is checked against the
//! REST schema of a real NetBox (vendored: `tests/fixtures/netbox/`), so that a
//! misspelled field (which NetBox silently ignores) or a wrong value fails here;
//! and `sot build --target netbox` writes the files the docs describe.

mod common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Map, Value, json};
use sot::netbox::Model;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn openapi() -> Value {
    common::netbox_openapi()
}

/// OpenAPI 3.0's `nullable` as JSON Schema.
fn to_json_schema(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out: Map<String, Value> = m.iter().map(|(k, v)| (k.clone(), to_json_schema(v))).collect();
            // 3.0's boolean exclusive bounds.
            for (ex, bound) in [("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")] {
                if let Some(Value::Bool(b)) = out.get(ex).cloned() {
                    out.remove(ex);
                    if b && let Some(v) = out.remove(bound) {
                        out.insert(ex.into(), v);
                    }
                }
            }
            // The server takes a nested object (tags) by id as well as by attributes;
            // the schema only says the latter.
            if let Some(Value::String(r)) = out.get("$ref")
                && r.starts_with("#/components/schemas/Nested")
            {
                return json!({"anyOf": [Value::Object(out), {"type": "integer"}]});
            }
            if out.remove("nullable") == Some(Value::Bool(true)) {
                return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(to_json_schema).collect()),
        v => v.clone(),
    }
}

/// A schema document for `target`: only the components it reaches (compiling all
/// of NetBox's for each model is slow).
fn document(components: &Value, target: Value) -> Value {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.trim_start_matches("#/components/schemas/").to_string());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut schemas = Map::new();
    let mut todo = Vec::new();
    refs(&target, &mut todo);
    while let Some(name) = todo.pop() {
        if schemas.contains_key(&name) {
            continue;
        }
        let s = components["schemas"][&name].clone();
        refs(&s, &mut todo);
        schemas.insert(name, s);
    }
    schemas.insert("__target".into(), target);
    json!({"$ref": "#/components/schemas/__target", "components": {"schemas": schemas}})
}

/// The name of the schema NetBox takes for a POST to `endpoint`.
fn request_schema(api: &Value, endpoint: &str) -> String {
    let op = &api["paths"][format!("/api/{endpoint}")]["post"];
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    fn first_ref(v: &Value) -> Option<String> {
        match v {
            Value::Object(m) => {
                m.get("$ref").and_then(Value::as_str).map(str::to_string).or_else(|| m.values().find_map(first_ref))
            }
            Value::Array(a) => a.iter().find_map(first_ref),
            _ => None,
        }
    }
    let r = first_ref(schema).unwrap_or_else(|| panic!("no request schema for POST /api/{endpoint}"));
    r.trim_start_matches("#/components/schemas/").to_string()
}

fn example_bundle() -> sot::netbox::Bundle {
    let loaded = sot::load::load_workdir(&root()).expect("the example loads");
    let comp = sot::compile::compile(&loaded.sources, loaded.config.clone(), loaded.diagnostics);
    assert_eq!(comp.count(sot::diagnostic::Severity::Error), 0, "the example checks clean");
    sot::netbox::records(&comp.inventory)
}

/// Every payload of `bundle` against the schema: the failures, and how many records of
/// each model were checked.
fn check_payloads(bundle: &sot::netbox::Bundle) -> (Vec<String>, std::collections::BTreeMap<&'static str, usize>) {
    let api = openapi();
    let components = to_json_schema(&api["components"]);
    let mut checked = std::collections::BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();
    for &model in Model::all() {
        let records: Vec<_> = bundle.of(model).collect();
        if records.is_empty() {
            continue;
        }
        let name = request_schema(&api, model.endpoint());
        let mut target = components["schemas"][&name].clone();
        assert!(target.is_object(), "{name} is in the schema");
        // NetBox ignores unknown fields; here they are errors.
        target["additionalProperties"] = json!(false);
        let validator = jsonschema::validator_for(&document(&components, target)).expect("the request schema compiles");
        for r in records {
            let mut payload =
                sot::netbox::push::resolve_with(&r.fields, &|_, _| Some(1)).unwrap_or_else(|_| panic!("ids"));
            let late = sot::netbox::push::resolve_with(&r.late, &|_, _| Some(1)).unwrap_or_else(|_| panic!("ids"));
            payload.extend(late);
            let value = Value::Object(payload);
            for e in validator.iter_errors(&value) {
                failures.push(format!("{} {} ({name}): {e} at {}", model.name(), r.key, e.instance_path()));
            }
            *checked.entry(model.name()).or_default() += 1;
        }
    }
    (failures, checked)
}

#[test]
fn every_payload_matches_netbox_rest_schema() {
    let (failures, checked) = check_payloads(&example_bundle());
    assert!(failures.is_empty(), "payloads NetBox would refuse or ignore:\n{}", failures.join("\n"));
    // The example exercises the models a fleet needs.
    for m in [
        "dcim.site",
        "dcim.device",
        "dcim.interface",
        "dcim.cable",
        "ipam.ipaddress",
        "ipam.prefix",
        "ipam.vlan",
        "extras.configcontext",
        "dcim.interfacetemplate",
        "circuits.circuittermination",
    ] {
        assert!(checked.get(m).copied().unwrap_or(0) > 0, "the example has no {m}: {checked:?}");
    }
}

/// The models the example does not use, from the registry's fixtures
/// (`tests/fixtures/registry/kinds/`, added to a copy of the example): every payload
/// matches NetBox's schema, and generic references, scoped references and second-pass
/// fields are written as NetBox takes them.
#[test]
fn payloads_of_every_registry_kind_match_netbox_rest_schema() {
    let tmp = common::example_copy();
    common::copy_dir(&root().join("tests/fixtures/registry/kinds"), &tmp.path().join("inventory/zz-registry"));
    std::fs::remove_file(tmp.path().join("inventory/zz-registry/README.md")).unwrap();
    let comp = common::compile(tmp.path());
    assert_eq!(comp.count(sot::diagnostic::Severity::Error), 0, "the fixtures check clean");
    let bundle = sot::netbox::records(&comp.inventory);
    let (failures, checked) = check_payloads(&bundle);
    assert!(failures.is_empty(), "payloads NetBox would refuse or ignore:\n{}", failures.join("\n"));
    for m in [
        "ipam.aggregate",
        "ipam.asn",
        "ipam.asnrange",
        "ipam.iprange",
        "ipam.routetarget",
        "ipam.service",
        "ipam.fhrpgroup",
        "ipam.fhrpgroupassignment",
        "tenancy.contactgroup",
        "tenancy.contactrole",
        "tenancy.contact",
        "tenancy.contactassignment",
        "virtualization.clustertype",
        "virtualization.clustergroup",
        "virtualization.cluster",
        "virtualization.virtualmachine",
        "virtualization.vminterface",
        "virtualization.virtualdisk",
        "dcim.powerpanel",
        "dcim.powerfeed",
        "dcim.virtualchassis",
        "dcim.racktype",
        "dcim.rackreservation",
        "circuits.provideraccount",
        "circuits.providernetwork",
        "vpn.l2vpn",
        "vpn.l2vpntermination",
        "wireless.wirelesslangroup",
        "wireless.wirelesslan",
        "wireless.wirelesslink",
    ] {
        assert!(checked.get(m).copied().unwrap_or(0) > 0, "no {m} checked: {checked:?}");
    }
    let record = |model: &str, key: &str| {
        let m = Model::from_name(model).unwrap();
        let r = bundle.of(m).find(|r| r.key == key).unwrap_or_else(|| panic!("no {model} {key}"));
        let mut p = sot::netbox::push::resolve_with(&r.fields, &|m, k| {
            Some(if m.name() == "dcim.device" { 7 } else { k.len() as u64 })
        })
        .unwrap_or_else(|_| panic!("ids"));
        p.extend(
            sot::netbox::push::resolve_with(&r.late, &|_, k| Some(k.len() as u64)).unwrap_or_else(|_| panic!("ids")),
        );
        Value::Object(p)
    };
    // Generic references: a service's parent, an assignment's object and interface.
    let ssh = record("ipam.service", "ams1-spine1/ssh");
    assert_eq!((ssh["parent_object_type"].as_str(), ssh["parent_object_id"].as_u64()), (Some("dcim.device"), Some(7)));
    let a = record("tenancy.contactassignment", "dcim.site amsterdam-dc1/Jane Doe/on-call");
    assert_eq!(a["object_type"], "dcim.site");
    assert_eq!(a["priority"], "primary");
    let f = record("ipam.fhrpgroupassignment", "vrrp3/10@ams1-spine1:Loopback0");
    assert_eq!((f["interface_type"].as_str(), f["priority"].as_u64()), (Some("dcim.interface"), Some(200)));
    // A cluster's site is its scope; a VM interface's parent comes in the second pass.
    let c = record("virtualization.cluster", "ams1-cluster1");
    assert_eq!(c["scope_type"], "dcim.site");
    let sub = record("virtualization.vminterface", "ams1-dns1/eth0.120");
    assert_eq!(sub["parent"].as_u64(), Some("ams1-dns1/eth0".len() as u64));
    // An address on a VM interface is assigned in the second pass, and the VM's primary
    // address after it.
    let ip = record("ipam.ipaddress", "global/192.168.10.53/24");
    assert_eq!(ip["assigned_object_type"], "virtualization.vminterface");
    let vm = record("virtualization.virtualmachine", "ams1-dns1");
    assert_eq!(vm["primary_ip4"].as_u64(), Some("global/192.168.10.53/24".len() as u64));
    // A VRF's route targets, set in the second pass (they are created after VRFs).
    let m = Model::from_name("ipam.vrf").unwrap();
    let vrf = bundle.of(m).find(|r| r.key == "customer-a").unwrap();
    assert!(vrf.late.iter().any(|(k, _)| *k == "import_targets"), "{:?}", vrf.late);
    // The bundle files: generic references as type and attribute dict, a CSV per model.
    let out = tmp.path().join("out");
    let st = sot().arg("build").arg(tmp.path()).arg("--out").arg(&out).args(["--target", "netbox"]).output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let services = std::fs::read_dir(out.join("netbox"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with("ipam.service.json"));
    let doc: Value =
        serde_json::from_slice(&std::fs::read(services.expect("a services file").path()).unwrap()).unwrap();
    let ssh = doc["records"].as_array().unwrap().iter().find(|r| r["key"] == "ams1-spine1/ssh").expect("ssh");
    assert_eq!(ssh["payload"]["parent_object_type"], "dcim.device");
    assert_eq!(ssh["payload"]["parent_object_id"]["name"], "ams1-spine1", "{ssh}");
    assert!(out.join("netbox/csv/services.csv").exists());
    // VM interfaces' endpoint ends like devices' interfaces': their CSV is named by app too.
    assert!(out.join("netbox/csv/interfaces.csv").exists());
    assert!(out.join("netbox/csv/virtualization-interfaces.csv").exists());
}

#[test]
fn a_payload_with_a_misspelled_field_is_caught_by_the_schema_check() {
    // The check above must be able to fail: a wrong field name is reported.
    let api = openapi();
    let components = to_json_schema(&api["components"]);
    let mut target = components["schemas"][request_schema(&api, "dcim/sites/")].clone();
    target["additionalProperties"] = json!(false);
    let validator = jsonschema::validator_for(&document(&components, target)).expect("compiles");
    assert!(validator.is_valid(&json!({"name": "x", "slug": "x", "status": "active"})));
    assert!(!validator.is_valid(&json!({"name": "x", "slug": "x", "stauts": "active"})));
    assert!(!validator.is_valid(&json!({"name": "x", "slug": "x", "status": "on fire"})));
}

#[test]
fn records_follow_dependency_order_and_name_their_source() {
    let bundle = example_bundle();
    let index = bundle.index();
    let pos: std::collections::HashMap<(Model, &str), usize> =
        bundle.records.iter().enumerate().map(|(i, r)| ((r.model, r.key.as_str()), i)).collect();
    for (i, r) in bundle.records.iter().enumerate() {
        // Every reference in `fields` points at an earlier record (`late` may point anywhere).
        let _ = sot::netbox::push::resolve_with(&r.fields, &|m, k| {
            let j = *pos
                .get(&(m, k))
                .unwrap_or_else(|| panic!("{} {} refers to missing {} {k}", r.model.name(), r.key, m.name()));
            assert!(j < i, "{} {} refers to {} {k}, which comes later", r.model.name(), r.key, m.name());
            Some(1)
        });
        let _ = sot::netbox::push::resolve_with(&r.late, &|m, k| {
            assert!(index.contains_key(&(m, k)), "{} {} refers to missing {} {k}", r.model.name(), r.key, m.name());
            Some(1)
        });
        if r.key != sot::netbox::MANAGED_TAG {
            assert!(r.origin.is_some(), "{} {} has no source location", r.model.name(), r.key);
        }
    }
}

fn sot() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sot"))
}

#[test]
fn build_target_netbox_writes_model_files_csv_and_a_manifest() {
    let tmp = common::example_copy();
    let out = tmp.path().join("out");
    let st = sot().arg("build").arg(tmp.path()).arg("--out").arg(&out).args(["--target", "netbox"]).output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let nb = out.join("netbox");
    let manifest: Value = serde_json::from_slice(&std::fs::read(nb.join("manifest.json")).unwrap()).unwrap();
    let files = manifest["files"].as_array().expect("files");
    // Files are numbered in dependency order: sites before devices before interfaces before IPs.
    let order: Vec<&str> = files.iter().map(|f| f["model"].as_str().unwrap()).collect();
    let at = |m: &str| order.iter().position(|x| *x == m).unwrap_or_else(|| panic!("{m} in {order:?}"));
    assert!(at("dcim.site") < at("dcim.device"));
    assert!(at("dcim.device") < at("dcim.interface"));
    assert!(at("dcim.interface") < at("ipam.ipaddress"));
    assert!(at("extras.customfield") < at("dcim.site"));
    for f in files {
        let doc: Value = serde_json::from_slice(&std::fs::read(nb.join(f["file"].as_str().unwrap())).unwrap()).unwrap();
        assert_eq!(doc["records"].as_array().unwrap().len() as u64, f["count"].as_u64().unwrap());
    }
    // A device names its references by attribute dicts and says where it is written.
    let devices: Value =
        serde_json::from_slice(&std::fs::read(nb.join(files[at("dcim.device")]["file"].as_str().unwrap())).unwrap())
            .unwrap();
    let d = &devices["records"][0];
    assert!(d["payload"]["site"]["slug"].is_string(), "{d}");
    assert!(d["source"].as_str().unwrap().starts_with("inventory/"), "{d}");
    assert!(d["payload"]["tags"].as_array().unwrap().contains(&json!({"slug": "sot-managed"})));
    // CSV for people: a header row of NetBox import fields, a row per device.
    let csv = std::fs::read_to_string(nb.join("csv/devices.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("name,role,tenant,manufacturer,device_type,"));
    assert_eq!(lines.count(), devices["records"].as_array().unwrap().len());
    // The bundle is listed in the build manifest like every other artifact.
    let top: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert!(top["artifacts"].as_array().unwrap().iter().any(|a| a["path"] == "netbox/manifest.json"));
}
