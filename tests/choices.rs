//! The choice values compiled into `sot` are NetBox's, as its OpenAPI schema lists them.
//! (The schema is vendored in tests/fixtures/netbox/.)

mod common;

use sot::model::choices::TABLE;

#[test]
fn choices_match_the_netbox_schema() {
    let spec = common::netbox_openapi();
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
