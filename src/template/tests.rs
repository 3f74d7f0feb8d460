use crate::compile::{Options, compile_with};
use crate::load::load_files;

/// A config context may hold keys named `device` or `inventory`; templates still see the
/// device and the inventory under those names, and the context's other keys beside them.
#[test]
fn context_keys_do_not_hide_the_device_or_the_inventory() {
    let inventory = "sites: [{name: L1, slug: l1}]\n\
         device_roles: [{name: leaf, config_template: t}]\n\
         manufacturers: [{name: M}]\n\
         device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true}]\n\
         config_contexts: [{name: c, data: {device: shadow, inventory: shadow, greeting: hello}}]\n\
         devices: [{name: d1, site: l1, role: leaf, device_type: t}, {name: d2, site: l1, role: leaf, device_type: t}]\n";
    let files = [
        ("sot.yaml", ""),
        ("inventory/a.yaml", inventory),
        ("templates/t.j2", "{{ device.name }} {{ inventory.devices|length }} {{ greeting }}"),
    ]
    .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()));
    let loaded = load_files(&files).unwrap();
    let opts = Options { keep_configs: true, ..Default::default() };
    let comp = compile_with(&loaded.sources, loaded.config, loaded.diagnostics, &opts);
    assert!(comp.diagnostics.is_empty(), "{:#?}", comp.diagnostics);
    let configs: Vec<Option<&str>> = comp.configs.iter().flatten().map(|c| c.as_deref()).collect();
    assert_eq!(configs, [Some("d1 2 hello"), Some("d2 2 hello")]);
}

/// Render `template` for one device with `sot_yaml`; the configuration or the diagnostics' messages.
fn render_one(sot_yaml: &str, template: &str) -> Result<String, Vec<String>> {
    render_kept(sot_yaml, template, true)
}

fn render_kept(sot_yaml: &str, template: &str, keep_configs: bool) -> Result<String, Vec<String>> {
    let inventory = "sites: [{name: L1, slug: l1}]\n\
         device_roles: [{name: leaf, config_template: t}]\n\
         manufacturers: [{name: M}]\n\
         device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true}]\n\
         devices: [{name: d1, site: l1, role: leaf, device_type: t}]\n";
    let files = [("sot.yaml", sot_yaml), ("inventory/a.yaml", inventory), ("templates/t.j2", template)]
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()));
    let loaded = load_files(&files).unwrap();
    let opts = Options { keep_configs, ..Default::default() };
    let comp = compile_with(&loaded.sources, loaded.config, loaded.diagnostics, &opts);
    if comp.diagnostics.is_empty() {
        return Ok(comp.configs.map(|mut c| c.remove(0).unwrap()).unwrap_or_default());
    }
    Err(comp.diagnostics.iter().map(|d| format!("{}: {}", d.code.as_str(), d.message)).collect())
}

/// A render that writes past the output limit stops there, with a diagnostic naming the
/// device, the template and the limit; the limit is sot.yaml's `render.max_output_bytes`.
#[test]
fn a_render_is_bounded_in_output() {
    // 100 MB of output within the fuel.
    let big = "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}";
    let err = render_one("", big).unwrap_err();
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].contains("device `d1`") && err[0].contains("template `t.j2` renders more than 4194304 bytes, the output limit (`render.max_output_bytes` in sot.yaml)"),
        "{err:?}"
    );
    let small = "render: {max_output_bytes: 10}\n";
    assert_eq!(render_one(small, "0123456789").unwrap(), "0123456789");
    assert!(render_one(small, "0123456789A").unwrap_err()[0].contains("renders more than 10 bytes"));
    // Under `sot check` too, where the output is counted, not kept.
    assert!(render_kept(small, "{{ 'x' * 10 }}", false).is_ok());
    assert!(render_kept(small, "{{ 'x' * 11 }}", false).unwrap_err()[0].contains("renders more than 10 bytes"));
}

/// `render.fuel` sets the fuel of a render (steps, and data at 64 bytes a fuel).
#[test]
fn the_fuel_is_configurable() {
    let t = "{% for i in range(1000) %}{{ i }}{% endfor %}";
    assert!(render_one("", t).is_ok());
    let err = render_one("render: {fuel: 500}\n", t).unwrap_err();
    assert!(err[0].contains("fuel"), "{err:?}");
    // 100 MB of string and 200 MB of its concatenation passed the old default (5,000,000).
    let err = render_one("", "{% set a = 'x' * 100000000 %}{% set b = a ~ a %}").unwrap_err();
    assert!(err[0].contains("fuel"), "{err:?}");
}

/// `to_json` and `to_yaml` refuse values that serialise past the output limit rather than
/// building them (the whole inventory of a large fleet is gigabytes).
#[test]
fn serialising_filters_are_bounded() {
    let small = "render: {max_output_bytes: 200}\n";
    for filter in ["to_json", "to_nice_json", "to_yaml"] {
        let err = render_one(small, &format!("{{% set x = inventory|{filter} %}}")).unwrap_err();
        assert!(err[0].contains(&format!("{filter}: the value serialises to more than 200 bytes")), "{err:?}");
        assert_eq!(
            render_one(small, &format!("{{{{ {{'a': 1}}|{filter} }}}}")).unwrap().trim(),
            if filter == "to_yaml" { "a: 1" } else { "{\n  \"a\": 1\n}" }
        );
    }
}
