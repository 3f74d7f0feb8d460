//! The choice values compiled into `sot` are NetBox's, as its OpenAPI schema lists them.
//! (Runs where the project's shared folder with the schema sits beside the checkout.)

use sot::model::choices::TABLE;

#[test]
fn choices_match_the_netbox_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/netbox/openapi.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} not present");
        return;
    };
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (name, schema, prop, values) in TABLE {
        let want: Vec<&str> = spec["components"]["schemas"][schema]["properties"][prop]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}.{prop} has no enum"))
            .iter()
            .filter_map(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .collect();
        assert_eq!(&want, values, "{name} differs from {schema}.{prop}: rerun scripts/gen_choices.py");
    }
}
