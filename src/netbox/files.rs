//! The bundle written by `sot build --target netbox`: under `netbox/`, one JSON
//! file per model in dependency order, CSV files in NetBox's bulk-import format
//! for the models its UI imports, and `netbox/manifest.json`.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::bundle::{Bundle, MANAGED_TAG, Record, Val, render_fields};
use super::model::Model;
use crate::emit::Artifact;
use crate::source::SourceSet;

/// Where a record is written, `path:line:column`.
pub fn origin(r: &Record, sources: &SourceSet) -> Option<String> {
    r.origin.map(|s| sources.location(s))
}

/// The files of the bundle, paths relative to the output directory.
pub fn artifacts(bundle: &Bundle, sources: &SourceSet) -> Vec<Artifact> {
    let index = bundle.index();
    let mut out = Vec::new();
    let mut order = Vec::new();
    for (n, &model) in Model::all().iter().enumerate() {
        let records: Vec<&Record> = bundle.of(model).collect();
        if records.is_empty() {
            continue;
        }
        let path = format!("netbox/{:02}-{}.json", n + 1, model.name());
        let items: Vec<Value> = records
            .iter()
            .map(|r| {
                let mut item = json!({
                    "key": r.key,
                    "source": origin(r, sources),
                    "payload": render_fields(&r.fields, &index),
                });
                if !r.late.is_empty() {
                    item["after"] = Value::Object(render_fields(&r.late, &index));
                }
                item
            })
            .collect();
        let doc = json!({
            "model": model.name(),
            "endpoint": format!("/api/{}", model.endpoint()),
            "records": items,
        });
        order.push(json!({"file": path.trim_start_matches("netbox/"), "model": model.name(), "count": records.len()}));
        out.push(Artifact::new(path, pretty(&doc)));
    }
    let mut csv_files = Vec::new();
    for spec in CSV {
        let records: Vec<&Record> = bundle.of(spec.model).collect();
        if records.is_empty() {
            continue;
        }
        let path = format!("netbox/csv/{}.csv", spec.file);
        csv_files.push(path.trim_start_matches("netbox/").to_string());
        out.push(Artifact::new(path, csv_file(spec.model, spec.columns, &records, bundle, &index)));
    }
    // The models only the registry declares: a column per payload field (custom fields apart).
    for &model in Model::all().iter().filter(|m| m.is_declared()) {
        let records: Vec<&Record> = bundle.of(model).collect();
        let Some(first) = records.first() else { continue };
        let columns: Vec<&str> = first.fields.iter().map(|(k, _)| *k).filter(|k| *k != "custom_fields").collect();
        let file = model.endpoint().trim_end_matches('/').rsplit('/').next().unwrap_or_default();
        let mut path = format!("netbox/csv/{file}.csv");
        if csv_files.iter().any(|f| format!("netbox/{f}") == path) {
            // Another app's model has that name (`virtualization/interfaces/`): the app first.
            path = format!("netbox/csv/{}.csv", model.endpoint().trim_end_matches('/').replace('/', "-"));
        }
        csv_files.push(path.trim_start_matches("netbox/").to_string());
        out.push(Artifact::new(path, csv_file(model, &columns, &records, bundle, &index)));
    }
    let manifest = json!({
        "format": 1,
        "netbox": "4.6",
        "managed_tag": MANAGED_TAG,
        "files": order,
        "csv": csv_files,
        "notes": [
            "Each record's payload is the REST body with every reference written as the attribute dict that names the object.",
            "Fields NetBox accepts only as integer ids (cable terminations, assigned_object_id, scope_id, termination_id, tagged_vlans, config-context assignments, rear_ports) hold the same attribute dicts here; `sot netbox push` resolves them to ids.",
            "`after` holds fields to set once every record exists (primary IPs, LAG and parent interfaces).",
        ],
    });
    out.push(Artifact::new("netbox/manifest.json", pretty(&manifest)));
    out
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).expect("JSON values serialise");
    b.push(b'\n');
    b
}

/// One CSV file: the model and its columns (NetBox's import field names).
struct CsvSpec {
    model: Model,
    file: &'static str,
    columns: &'static [&'static str],
}

const CSV: &[CsvSpec] = &[
    CsvSpec { model: Model::Tag, file: "tags", columns: &["name", "slug", "color", "description"] },
    CsvSpec { model: Model::TenantGroup, file: "tenant-groups", columns: &["name", "slug", "parent", "description"] },
    CsvSpec { model: Model::Tenant, file: "tenants", columns: &["name", "slug", "group", "description", "tags"] },
    CsvSpec { model: Model::Region, file: "regions", columns: &["name", "slug", "parent", "description"] },
    CsvSpec { model: Model::SiteGroup, file: "site-groups", columns: &["name", "slug", "parent", "description"] },
    CsvSpec {
        model: Model::Site,
        file: "sites",
        columns: &[
            "name",
            "slug",
            "status",
            "region",
            "group",
            "tenant",
            "facility",
            "time_zone",
            "description",
            "tags",
        ],
    },
    CsvSpec {
        model: Model::Location,
        file: "locations",
        columns: &["site", "parent", "name", "slug", "status", "tenant", "description", "tags"],
    },
    CsvSpec { model: Model::RackRole, file: "rack-roles", columns: &["name", "slug", "color", "description"] },
    CsvSpec {
        model: Model::Rack,
        file: "racks",
        columns: &[
            "site",
            "location",
            "name",
            "status",
            "role",
            "tenant",
            "u_height",
            "starting_unit",
            "desc_units",
            "description",
            "tags",
        ],
    },
    CsvSpec { model: Model::Manufacturer, file: "manufacturers", columns: &["name", "slug", "description"] },
    CsvSpec { model: Model::DeviceRole, file: "device-roles", columns: &["name", "slug", "color", "description"] },
    CsvSpec { model: Model::Platform, file: "platforms", columns: &["name", "slug", "manufacturer", "description"] },
    CsvSpec {
        model: Model::Vrf,
        file: "vrfs",
        columns: &["name", "rd", "tenant", "enforce_unique", "description", "tags"],
    },
    CsvSpec { model: Model::IpamRole, file: "roles", columns: &["name", "slug", "weight", "description"] },
    CsvSpec {
        model: Model::Vlan,
        file: "vlans",
        columns: &["site", "group", "vid", "name", "tenant", "status", "role", "description", "tags"],
    },
    CsvSpec {
        model: Model::Prefix,
        file: "prefixes",
        columns: &["prefix", "vrf", "tenant", "status", "role", "is_pool", "description", "tags"],
    },
    CsvSpec {
        model: Model::Device,
        file: "devices",
        columns: &[
            "name",
            "role",
            "tenant",
            "manufacturer",
            "device_type",
            "platform",
            "serial",
            "asset_tag",
            "status",
            "site",
            "location",
            "rack",
            "face",
            "position",
            "airflow",
            "description",
            "comments",
            "tags",
        ],
    },
    CsvSpec {
        model: Model::Interface,
        file: "interfaces",
        columns: &[
            "device",
            "name",
            "label",
            "type",
            "enabled",
            "mgmt_only",
            "mtu",
            "speed",
            "mode",
            "lag",
            "parent",
            "description",
            "tags",
        ],
    },
    CsvSpec { model: Model::Provider, file: "providers", columns: &["name", "slug", "description"] },
    CsvSpec { model: Model::CircuitType, file: "circuit-types", columns: &["name", "slug", "description"] },
    CsvSpec {
        model: Model::Circuit,
        file: "circuits",
        columns: &["cid", "provider", "type", "status", "tenant", "commit_rate", "description", "tags"],
    },
    CsvSpec {
        model: Model::Cable,
        file: "cables",
        columns: &[
            "side_a_device",
            "side_a_type",
            "side_a_name",
            "side_b_device",
            "side_b_type",
            "side_b_name",
            "type",
            "status",
            "label",
            "color",
            "length",
            "length_unit",
            "description",
            "tags",
        ],
    },
    CsvSpec {
        model: Model::IpAddress,
        file: "ip-addresses",
        columns: &[
            "address",
            "vrf",
            "tenant",
            "status",
            "role",
            "device",
            "interface",
            "is_primary",
            "dns_name",
            "description",
            "tags",
        ],
    },
];

type Index<'a> = HashMap<(Model, &'a str), &'a Record>;

fn field<'a>(r: &'a Record, name: &str) -> Option<&'a Val> {
    r.fields.iter().chain(&r.late).find(|(k, _)| *k == name).map(|(_, v)| v)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// How NetBox's import forms name a referenced object: by name (by model for
/// device types, by vid for VLANs).
fn display(index: &Index, m: Model, k: &str) -> String {
    let Some(r) = index.get(&(m, k)) else { return k.to_string() };
    let f = match m {
        Model::DeviceType => "model",
        Model::Vlan => "vid",
        _ => "name",
    };
    match field(r, f) {
        Some(Val::Json(v)) => scalar(v),
        _ => k.to_string(),
    }
}

fn cell(r: &Record, col: &str, index: &Index, primaries: &HashSet<&str>) -> String {
    let end = |side: &str| -> Option<(Model, &str)> {
        match field(r, if side == "a" { "a_terminations" } else { "b_terminations" })? {
            Val::Terms(t) => t.first().map(|(m, k)| (*m, k.as_str())),
            _ => None,
        }
    };
    match (r.model, col) {
        (Model::Cable, c) if c.starts_with("side_") => {
            let Some((m, k)) = end(&c[5..6]) else { return String::new() };
            let (owner, name) = match m {
                Model::Interface => k.split_once(':').unwrap_or((k, "")),
                _ => k.rsplit_once('/').unwrap_or((k, "")),
            };
            match &c[7..] {
                "device" if m == Model::Interface => owner.to_string(),
                "type" => m.name().to_string(),
                "name" if m == Model::Interface => name.to_string(),
                _ => String::new(),
            }
        }
        (Model::Device, "manufacturer") => match field(r, "device_type") {
            Some(Val::Ref(_, Some(dt))) => index
                .get(&(Model::DeviceType, dt.as_str()))
                .and_then(|t| match field(t, "manufacturer") {
                    Some(Val::Ref(m, Some(k))) => Some(display(index, *m, k)),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => String::new(),
        },
        (Model::IpAddress, "device" | "interface") => match field(r, "assigned_object") {
            Some(Val::Generic(Some((Model::Interface, k)))) => {
                let (d, i) = k.split_once(':').unwrap_or((k, ""));
                if col == "device" { d.to_string() } else { i.to_string() }
            }
            _ => String::new(),
        },
        (Model::IpAddress, "is_primary") => primaries.contains(r.key.as_str()).to_string(),
        (Model::Interface, "lag" | "parent") => match field(r, col) {
            Some(Val::Ref(_, Some(k))) => k.split_once(':').map_or(k.as_str(), |(_, i)| i).to_string(),
            _ => String::new(),
        },
        _ => match field(r, col) {
            None => String::new(),
            Some(Val::Json(v)) => scalar(v),
            Some(Val::Ref(m, k)) => k.as_ref().map(|k| display(index, *m, k)).unwrap_or_default(),
            Some(Val::Refs(_, ks)) => ks.join(","),
            Some(_) => String::new(),
        },
    }
}

fn csv_file(model: Model, columns: &[&str], records: &[&Record], bundle: &Bundle, index: &Index) -> Vec<u8> {
    let primaries: HashSet<&str> = if model == Model::IpAddress {
        bundle
            .of(Model::Device)
            .flat_map(|d| d.late.iter())
            .filter_map(|(_, v)| match v {
                Val::Ref(Model::IpAddress, Some(k)) => Some(k.as_str()),
                _ => None,
            })
            .collect()
    } else {
        HashSet::new()
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(columns);
    for r in records {
        let row: Vec<String> = columns.iter().map(|c| cell(r, c, index, &primaries)).collect();
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}
