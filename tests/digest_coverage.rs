//! Every field a template can read moves the device's render-input digest, so `sot diff`
//! never skips a device whose configuration a change can alter.
//!
//! One template prints, through the views, a field of each kind a device reaches (the
//! device, its type and manufacturer, role, platform, site with its region, group and their
//! parents, location and its parent, tenant and its group, tags, custom fields and their
//! definitions, interfaces, VRFs, VLANs, addresses, config contexts, local context data). For
//! each field, one edit of the context-stress fixture (`tests/fixtures/context-stress`)
//! changes it: the rendering must change (the template does read it) and so must the digest.

mod common;

use std::path::Path;

use sot::diff::inputs::{ObjectDigests, render_inputs};
use sot::template::Templates;

const PROBE: &str = "\
{% if device.name == 'cs-r1' %}
{{ device.name }}|{{ device.serial }}|{{ device.description }}|{{ device.status }}|{{ device.airflow }}
{{ device.device_type }}|{{ device.device_type.manufacturer }}|{{ device.role }}|{{ device.role.color }}|{{ device.platform }}
{{ device.site }}|{{ device.site.facility }}|{{ device.site.time_zone }}|{{ device.site.description }}
{{ device.site.region }}<{{ device.site.region.parent }}|{{ device.site.group }}<{{ device.site.group.parent }}
{{ device.location }}<{{ device.location.parent }}|{{ device.tenant }}|{{ device.tenant.group }}<{{ device.tenant.group.parent }}
{{ device.tags.names() | join(',') }}|{{ device.cf.cs_note }}|{{ device.cf | list | join(',') }}|{{ device.primary_ip4 }}
{% for i in device.interfaces.all() %}{{ i }} {{ i.type }} {{ i.mtu }} {{ i.enabled }} {{ i.description }} {{ i.vrf }} {{ i.ip_addresses.all() | join(',') }} {% for ip in i.ip_addresses.all() %}{{ ip.vrf }}{% endfor %}
{% endfor %}
{{ device.get_config_context() | tojson }}
{% endif %}
";

/// Each edit: a file of the fixture, a text that occurs once in it, and its replacement.
const EDITS: &[(&str, &str, &str)] = &[
    ("objects.yaml", "    serial: CS0001", "    serial: CS0002"),
    ("objects.yaml", "    description: first router", "    description: first switch"),
    ("objects.yaml", "    tags: [cs-edge]\n", "    tags: [cs-edge]\n    status: planned\n"),
    ("objects.yaml", "    airflow: front-to-rear", "    airflow: rear-to-front"),
    ("objects.yaml", "    model: CS Box", "    model: CS Crate"),
    ("objects.yaml", "  - name: CS Maker", "  - name: CS Builder"),
    ("objects.yaml", "  - name: CS Router", "  - name: CS Switch"),
    ("objects.yaml", "    color: \"00ff00\"", "    color: \"0000ff\""),
    ("objects.yaml", "  - name: CS OS\n", "  - name: CS OS 2\n"),
    ("objects.yaml", "  - name: CS Site A", "  - name: CS Site Alpha"),
    ("objects.yaml", "    facility: CS-1", "    facility: CS-2"),
    ("objects.yaml", "    time_zone: Europe/Paris", "    time_zone: Europe/Berlin"),
    ("objects.yaml", "    description: stress site", "    description: a stress site"),
    ("objects.yaml", "  - name: CS Europe", "  - name: CS Western Europe"),
    ("objects.yaml", "  - name: CS World", "  - name: CS Earth"),
    ("objects.yaml", "  - name: CS Metro North", "  - name: CS Metro South"),
    ("objects.yaml", "  - name: CS Metro\n", "  - name: CS City\n"),
    ("objects.yaml", "  - name: CS Row 1", "  - name: CS Row One"),
    ("objects.yaml", "  - name: CS Hall", "  - name: CS Room"),
    ("objects.yaml", "  - name: CS Nested", "  - name: CS Inner"),
    ("objects.yaml", "  - name: CS Child", "  - name: CS Kid"),
    ("objects.yaml", "  - name: CS Parent", "  - name: CS Root"),
    ("objects.yaml", "  - name: cs-edge\n", "  - name: cs-border\n    slug: cs-edge\n"),
    ("objects.yaml", "      cs_note: hello", "      cs_note: goodbye"),
    (
        "objects.yaml",
        "  - name: cs_note\n",
        "  - name: cs_other\n    type: text\n    object_types: [dcim.device]\n  - name: cs_note\n",
    ),
    ("objects.yaml", "    primary_ip4: 192.0.2.1/32", "    primary_ip4: 192.0.2.0/32"),
    ("objects.yaml", "      - name: Ethernet2\n", "      - name: Ethernet3\n"),
    ("objects.yaml", "        type: virtual\n        ip_addresses:", "        type: bridge\n        ip_addresses:"),
    ("objects.yaml", "        mtu: 9000", "        mtu: 9100"),
    ("objects.yaml", "        enabled: false", "        enabled: true"),
    ("objects.yaml", "        description: to core", "        description: to edge"),
    ("objects.yaml", "        vrf: cs-plain", "        vrf: cs-mgmt"),
    ("objects.yaml", "    rd: \"65000:1\"", "    rd: \"65000:2\""),
    ("objects.yaml", "          - address: 192.0.2.0/32", "          - address: 192.0.2.3/32"),
    (
        "objects.yaml",
        "          - address: 198.51.100.1/24\n            vrf: cs-mgmt",
        "          - address: 198.51.100.1/24\n            vrf: cs-plain",
    ),
    ("objects.yaml", "      zz_local: {b: 1, aa: 2}", "      zz_local: {b: 1, aa: 3}"),
    ("objects.yaml", "      wipe_local: {}", "      wipe_local: {x: 1}"),
    ("contexts.yaml", "        maximum_paths: 4", "        maximum_paths: 8"),
    ("contexts.yaml", "      by_tenant_group_child: true", "      by_tenant_group_child: false"),
    ("contexts.yaml", "    weight: 250", "    weight: 50"),
    ("contexts.yaml", "    is_active: false", "    is_active: true"),
];

struct Probe {
    config: String,
    digest: u64,
}

fn probe(root: &Path) -> Probe {
    std::fs::write(root.join("templates/probe.j2"), PROBE).expect("write the probe");
    let loaded = sot::load::load_workdir(root).expect("load");
    let comp = sot::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
    let errors: Vec<String> = comp
        .diagnostics
        .iter()
        .filter(|d| d.severity == sot::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let world = comp.world;
    let templates = Templates::load(&loaded.sources, "templates", &world, None, &mut Vec::new());
    let id = world.inventory.devices.iter().position(|d| d.name.value == "cs-r1").expect("cs-r1");
    let config = templates.render(&world, sot::model::Id::new(id)).expect("renders").expect("has a template");
    let objs = ObjectDigests::new(&world.inventory);
    let digest = render_inputs(&world, &templates, &objs).devices[id];
    Probe { config, digest }
}

#[test]
fn every_field_a_template_reads_moves_the_render_digest() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/context-stress");
    let base_dir = tempfile::tempdir().expect("tempdir");
    common::copy_dir(&fixture, base_dir.path());
    let base = probe(base_dir.path());
    assert_eq!(base.digest, probe(base_dir.path()).digest, "the same inputs digest alike");
    let mut missed = Vec::new();
    for &(file, from, to) in EDITS {
        let dir = tempfile::tempdir().expect("tempdir");
        common::copy_dir(&fixture, dir.path());
        let path = dir.path().join("inventory").join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.matches(from).count(), 1, "{from:?} occurs once in {file}");
        std::fs::write(&path, text.replace(from, to)).expect("write");
        let edited = probe(dir.path());
        assert_ne!(edited.config, base.config, "the probe does not show the edit {from:?} -> {to:?}");
        if edited.digest == base.digest {
            missed.push(format!("{from:?} -> {to:?}"));
        }
    }
    assert!(missed.is_empty(), "edits that change the rendering but not the digest:\n{}", missed.join("\n"));
}
