//! The field limits compiled into `sot` are NetBox's, as its OpenAPI schema states them,
//! and `sot check` enforces them. (The schema is vendored in tests/fixtures/netbox/.)

mod common;

use serde_json::Value;
use sot::model::limits::{CHECKED_ELSEWHERE, MODELS, NETBOX_VERSION};

#[test]
fn limits_match_the_netbox_schema() {
    let spec = common::netbox_openapi();
    let version = spec["info"]["version"].as_str().unwrap_or_default();
    assert!(version.starts_with(NETBOX_VERSION), "limits are of NetBox {NETBOX_VERSION}, the schema is {version}");
    assert!(MODELS.is_sorted_by(|a, b| a.name < b.name), "MODELS is sorted by name");
    let mut checked = 0;
    for m in MODELS {
        let props = &spec["components"]["schemas"][m.schema]["properties"];
        let props = props.as_object().unwrap_or_else(|| panic!("{} has no schema {}", m.name, m.schema));
        // Every field of the table has the schema's limits...
        for f in m.fields {
            let p = &props[f.name];
            let n = |k: &str, absent: f64| p.get(k).and_then(Value::as_f64).unwrap_or(absent);
            assert_eq!(f.max_length as f64, n("maxLength", u32::MAX as f64), "{}.{} maxLength", m.name, f.name);
            assert_eq!(f.min_length as f64, n("minLength", 0.0), "{}.{} minLength", m.name, f.name);
            let elsewhere = CHECKED_ELSEWHERE.iter().any(|(mm, ff, _)| *mm == m.name && *ff == f.name);
            if p.get("format").and_then(Value::as_str) != Some("int64") && !elsewhere {
                assert_eq!(f.minimum, n("minimum", f64::NEG_INFINITY), "{}.{} minimum", m.name, f.name);
                assert_eq!(f.maximum, n("maximum", f64::INFINITY), "{}.{} maximum", m.name, f.name);
            }
            if f.name != "slug" {
                assert_eq!(f.pattern, p.get("pattern").and_then(Value::as_str), "{}.{} pattern", m.name, f.name);
            }
            checked += 1;
        }
        // ...and every limited field of the schema is in the table.
        for (name, p) in props {
            let elsewhere = CHECKED_ELSEWHERE.iter().any(|(mm, ff, _)| *mm == m.name && ff == name);
            let limited = ["maxLength", "minLength", "pattern"].iter().any(|k| p.get(*k).is_some())
                || (["minimum", "maximum"].iter().any(|k| p.get(*k).is_some())
                    && p.get("format").and_then(Value::as_str) != Some("int64")
                    && !elsewhere);
            assert!(
                !limited || m.fields.iter().any(|f| f.name == name),
                "{}.{name} is limited but not in the table",
                m.name
            );
        }
    }
    assert!(checked > 300, "only {checked} fields checked");
}

#[test]
fn every_model_of_the_registry_has_its_limits() {
    for k in sot::model::KINDS.iter().chain([&&sot::model::INTERFACE]) {
        if !k.netbox.starts_with("sot.") {
            assert!(sot::model::limit::of(k.netbox).is_some(), "no limits for {}", k.netbox);
        }
    }
}
