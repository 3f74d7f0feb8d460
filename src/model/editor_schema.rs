//! JSON Schemas of the data-file format, for editor completion and validation
//! (yaml-language-server). They are generated from the lowering code itself
//! ([`Obj`](super::Obj) records every field it reads), so they cannot drift
//! from what `sot check` accepts.

use serde_json::{Map, Value, json};

use super::decode::{FieldSpec, FieldType};
use super::{COLLECTIONS, ComponentKind, Inventory};

fn field_schema(f: &FieldSpec) -> Value {
    match &f.ty {
        FieldType::Any => json!({}),
        // Numbers are accepted where a string is read (a circuit id `12345`).
        FieldType::String => json!({"type": ["string", "number"]}),
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Int { min, max } => {
            let mut m = Map::new();
            m.insert("type".into(), json!("integer"));
            if *min > i64::MIN {
                m.insert("minimum".into(), json!(min));
            }
            if *max < i64::MAX {
                m.insert("maximum".into(), json!(max));
            }
            Value::Object(m)
        }
        FieldType::Number { min, max } => {
            let mut m = Map::new();
            m.insert("type".into(), json!("number"));
            if min.is_finite() && *min > f64::MIN {
                m.insert("minimum".into(), json!(min));
            }
            if max.is_finite() && *max < f64::MAX {
                m.insert("maximum".into(), json!(max));
            }
            Value::Object(m)
        }
        FieldType::List => json!({"type": "array"}),
        FieldType::StrList => json!({"type": "array", "items": {"type": ["string", "number"]}}),
        FieldType::Map => json!({"type": "object"}),
    }
}

fn object(fields: &[FieldSpec], overrides: &[(&str, Value)]) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let s = overrides.iter().find(|(k, _)| *k == f.name).map_or_else(|| field_schema(f), |(_, v)| v.clone());
        props.insert(f.name.to_string(), s);
        if f.required {
            required.push(json!(f.name));
        }
    }
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/$defs/{name}")})
}

fn defs() -> Map<String, Value> {
    let vlan = json!({"oneOf": [{"type": "integer", "minimum": 1, "maximum": 4094}, {"type": "object", "properties": {"group": {"type": "string"}, "vid": {"type": "integer"}}, "required": ["vid"], "additionalProperties": false}]});
    let end = json!({"oneOf": [
        {"type": "string", "pattern": "^[^:]+:.+$"},
        {"type": "object", "properties": {"device": {"type": "string"}, "interface": {"type": "string"}}, "required": ["device", "interface"], "additionalProperties": false},
        {"type": "object", "properties": {"circuit": {"type": ["string", "number"]}, "provider": {"type": "string"}, "term": {"enum": ["A", "Z"]}}, "required": ["circuit", "term"], "additionalProperties": false}
    ]});
    let mut d = Map::new();
    d.insert("vlan_ref".into(), vlan);
    d.insert("cable_end".into(), end);
    let ip_fields = super::decode::describe(|o| {
        let _ = o.required("address");
        let _ = o.str("vrf");
        let _ = super::ipam::describe_ip_fields(o);
    });
    d.insert("interface_ip".into(), json!({"oneOf": [{"type": "string"}, object(&ip_fields, &[])]}));
    d.insert(
        "interface".into(),
        object(
            &super::dcim::describe_interface(),
            &[
                ("ip_addresses", json!({"type": "array", "items": r("interface_ip")})),
                ("untagged_vlan", r("vlan_ref")),
                ("tagged_vlans", json!({"type": "array", "items": r("vlan_ref")})),
            ],
        ),
    );
    for kind in ComponentKind::ALL {
        d.insert(kind.key().into(), object(&super::dcim::describe_component(kind), &[]));
    }
    for c in COLLECTIONS {
        let fields = Inventory::describe(c).unwrap_or_default();
        let overrides: Vec<(&str, Value)> = match *c {
            "devices" => vec![("interfaces", json!({"type": "array", "items": r("interface")}))],
            "cables" => vec![("a", r("cable_end")), ("b", r("cable_end"))],
            "prefixes" => vec![("vlan", r("vlan_ref"))],
            "circuits" => vec![(
                "terminations",
                json!({"type": "object", "properties": {"A": {"type": "string"}, "Z": {"type": "string"}}, "additionalProperties": false}),
            )],
            "device_types" => {
                ComponentKind::ALL.iter().map(|k| (k.key(), json!({"type": "array", "items": r(k.key())}))).collect()
            }
            _ => vec![],
        };
        d.insert(format!("{c}_item"), object(&fields, &overrides));
    }
    d
}

/// The schema of an inventory data file.
pub fn inventory_schema() -> Value {
    let props: Map<String, Value> = COLLECTIONS
        .iter()
        .map(|c| (c.to_string(), json!({"type": "array", "items": r(&format!("{c}_item"))})))
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sot inventory data file",
        "type": "object",
        "properties": props,
        "additionalProperties": false,
        "$defs": defs(),
    })
}

/// The schema of a device-type file (devicetype-library format).
pub fn device_type_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sot device type (devicetype-library format)",
        "$ref": "#/$defs/device_types_item",
        "$defs": defs(),
    })
}
