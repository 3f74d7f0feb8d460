//! Device types in the devicetype-library layout load unchanged, and devices
//! get their interfaces as NetBox creates them.

mod common;

use std::path::Path;

fn repo_with_types(extra_inventory: &str) -> common::Fixture {
    let fx = common::materialise_str(&format!(
        "--- sot.yaml\n--- inventory/a.yaml\nmanufacturers: [{{name: Acme Networks}}]\nsites: [{{name: L1}}]\ndevice_roles: [{{name: Leaf}}]\n{extra_inventory}"
    ));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/device-types");
    let dst = fx.root().join("device-types/acme");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
    }
    fx
}

#[test]
fn library_files_load_and_devices_get_their_interfaces() {
    let fx = repo_with_types(
        "devices:\n  - name: r1\n    site: l1\n    role: leaf\n    device_type: acme-as-4852\n    interfaces:\n      - {name: Ethernet1, description: uplink, mtu: 9216}\n      - {name: Loopback0, type: virtual}\n  - {name: r2, site: l1, role: leaf, device_type: acme-as-4852}\ncables:\n  - {a: \"r1:Ethernet52/1\", b: \"r2:Ethernet52/1\"}\n",
    );
    let comp = common::compile(fx.root());
    assert!(comp.diagnostics.is_empty(), "{:#?}", comp.diagnostics);
    let dt = comp.inventory.device_types.iter().find(|t| t.slug.value == "acme-as-4852").unwrap();
    assert!(dt.components.len() >= 50, "{} components", dt.components.len());
    let r1 = &comp.inventory.devices[0];
    // 53 template interfaces plus the one written inline.
    assert_eq!(r1.interfaces.len(), 54);
    let e1 = &r1.interfaces[r1.interface("Ethernet1").unwrap() as usize];
    assert_eq!(e1.description.as_ref().unwrap().value, "uplink");
    assert_eq!(e1.interface_type.as_ref().unwrap().value, "25gbase-x-sfp28", "refining keeps the template's type");
    assert_eq!(e1.mtu.as_ref().unwrap().value, 9216);
    let mgmt = &r1.interfaces[r1.interface("Management1").unwrap() as usize];
    assert_eq!(mgmt.mgmt_only, Some(true));
    assert_eq!(comp.inventory.devices[1].interfaces.len(), 53);
}

#[test]
fn front_ports_must_name_real_rear_ports() {
    let fx = repo_with_types("");
    std::fs::write(
        fx.root().join("device-types/acme/broken.yaml"),
        "manufacturer: Acme Networks\nmodel: PP-2\nslug: acme-pp-2\nu_height: 1\nis_full_depth: false\nrear-ports:\n  - {name: R1, type: lc}\nfront-ports:\n  - {name: F1, type: lc, rear_port: R9}\nport-mappings:\n  - {front_port: F7, rear_port: R1}\n",
    )
    .unwrap();
    assert_eq!(
        common::check(fx.root()),
        vec!["E0202 device-types/acme/broken.yaml:11:18", "E0202 device-types/acme/broken.yaml:9:37"]
    );
}

#[test]
fn device_type_files_need_the_library_fields() {
    let fx = repo_with_types("");
    std::fs::write(
        fx.root().join("device-types/acme/thin.yaml"),
        "manufacturer: Acme Networks\nmodel: X1\nu_height: 1.25\n",
    )
    .unwrap();
    assert_eq!(
        common::check(fx.root()),
        // `slug` is missing; `is_full_depth` may be left out (NetBox defaults it to true).
        vec!["E0103 device-types/acme/thin.yaml:1:1", "E0105 device-types/acme/thin.yaml:3:11"]
    );
}

#[test]
fn an_inline_interface_keeps_what_it_sets_and_takes_the_rest_from_its_template() {
    let fx = repo_with_types(
        // r1 writes its interfaces out of the type's order, r2 in it (with its own between).
        "devices:\n  - name: r1\n    site: l1\n    role: leaf\n    device_type: acme-sw-2\n    interfaces:\n      - {name: lo0, type: virtual}\n      - {name: e1, type: 25gbase-x-sfp28, enabled: true, mgmt_only: true}\n      - {name: mgmt0, description: mine}\n  - name: r2\n    site: l1\n    role: leaf\n    device_type: acme-sw-2\n    interfaces:\n      - {name: mgmt0, description: mine}\n      - {name: lo0, type: virtual}\n      - {name: e1, type: 25gbase-x-sfp28, enabled: true, mgmt_only: true}\n",
    );
    std::fs::write(
        fx.root().join("device-types/acme/sw-2.yaml"),
        "manufacturer: Acme Networks\nmodel: SW-2\nslug: acme-sw-2\nu_height: 1\nis_full_depth: false\ninterfaces:\n  - {name: mgmt0, type: 1000base-t, mgmt_only: true, enabled: false, label: MGMT, description: oob}\n  - {name: e1, type: 10gbase-x-sfpp}\n",
    )
    .unwrap();
    let comp = common::compile(fx.root());
    assert!(comp.diagnostics.is_empty(), "{:#?}", comp.diagnostics);
    for dev in ["r1", "r2"] {
        let d = comp.inventory.devices.iter().find(|d| d.name.value == dev).unwrap();
        // The type's interfaces in the type's order, then the device's own.
        let names: Vec<&str> = d.interfaces.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["mgmt0", "e1", "lo0"], "{dev}");
        let text = |t: &Option<sot::model::Text>| t.as_ref().map(|t| t.value.clone());
        let mgmt = &d.interfaces[0];
        assert_eq!(text(&mgmt.description), Some("mine".into()), "{dev}: what the device writes wins");
        assert_eq!(text(&mgmt.label), Some("MGMT".into()), "{dev}");
        assert_eq!(text(&mgmt.interface_type), Some("1000base-t".into()), "{dev}");
        assert_eq!((mgmt.enabled, mgmt.mgmt_only), (Some(false), Some(true)), "{dev}");
        assert_eq!((mgmt.template, mgmt.inline), (Some(0), true), "{dev}");
        let e1 = &d.interfaces[1];
        assert_eq!(text(&e1.interface_type), Some("25gbase-x-sfp28".into()), "{dev}");
        assert_eq!((e1.enabled, e1.mgmt_only), (Some(true), Some(true)), "{dev}");
        assert_eq!(text(&e1.label), None, "{dev}");
        assert_eq!((e1.template, e1.inline), (Some(1), true), "{dev}");
        let lo0 = &d.interfaces[2];
        assert_eq!((lo0.template, lo0.inline), (None, true), "{dev}");
    }
}

#[test]
fn every_repeat_of_an_interface_name_points_at_the_first() {
    let fx = repo_with_types(
        "devices:\n  - name: r1\n    site: l1\n    role: leaf\n    device_type: acme-as-4852\n    interfaces:\n      - {name: lo0, type: virtual}\n      - {name: lo1, type: virtual}\n      - {name: lo0, type: virtual}\n      - {name: lo0, type: virtual, description: third}\n",
    );
    let comp = common::compile(fx.root());
    let found: Vec<(u32, &str, u32)> = comp
        .diagnostics
        .iter()
        .map(|d| (d.primary.span.start.line, d.message.as_str(), d.related[0].span.start.line))
        .collect();
    assert_eq!(found, [(12, "interface `lo0` is written twice", 10), (13, "interface `lo0` is written twice", 10)]);
    let r1 = &comp.inventory.devices[0];
    assert_eq!(r1.interfaces.iter().filter(|i| i.name.value.starts_with("lo")).count(), 2);
}
