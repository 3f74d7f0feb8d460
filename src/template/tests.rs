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
