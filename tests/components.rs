//! Device components besides interfaces, from real devicetype-library files
//! (`tests/fixtures/devicetype-library/`, vendored unchanged), cables between any two
//! terminations NetBox allows, and paths traced through patch panels.

mod common;

use std::path::Path;

use sot::model::{ComponentKind, Device, InterfaceId, PortId};
use sot::netbox::{Model, bundle};
use sot::view::Term;

/// A repository with the library samples under `device-types/` and `inventory` as its data.
fn repo(inventory: &str) -> common::Fixture {
    let fx = common::materialise_str(&format!("--- sot.yaml\n--- inventory/a.yaml\n{BASE}{inventory}"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/devicetype-library/device-types");
    common::copy_dir(&src, &fx.root().join("device-types"));
    fx
}

const BASE: &str = "manufacturers: [{name: Panduit}, {name: APC}, {name: Opengear}, {name: Dell}, {name: Acme}]
sites: [{name: L1}]
device_roles: [{name: Leaf}, {name: Patch}]
device_types:
  - {manufacturer: Acme, model: SW, slug: sw, u_height: 1, is_full_depth: false, interfaces: [{name: eth1, type: 1000base-t}, {name: eth2, type: 1000base-t}, {name: lo0, type: virtual}], console-ports: [{name: con0, type: rj-45}], power-ports: [{name: PSU1, type: iec-60320-c14}]}
  - {manufacturer: Acme, model: Blade, slug: blade, u_height: 0, is_full_depth: false, subdevice_role: child}
";

/// The FX2s file continues a quoted scalar on unindented lines, as PyYAML allows.
const FX2S_WARNING: &str = "W0009 device-types/Dell/PowerEdge-FX2s-2BAY.yaml:13:1";

const DEVICES: &str = "devices:
  - {name: sw1, site: l1, role: leaf, device_type: sw}
  - {name: sw2, site: l1, role: leaf, device_type: sw}
  - {name: pp1, site: l1, role: patch, device_type: cp24bly}
  - name: pp2
    site: l1
    role: patch
    device_type: cp24bly
    front_ports:
      - {name: '01', description: to sw2}
  - {name: pdu1, site: l1, role: patch, device_type: apc-ap7900b}
  - {name: con1, site: l1, role: patch, device_type: opengear-om2216}
  - name: fx1
    site: l1
    role: leaf
    device_type: poweredge-fx2s-2bay
    device_bays:
      - {name: SLOT-1 Full-Width, installed_device: blade1}
  - {name: blade1, site: l1, role: leaf, device_type: blade}
";

const CABLES: &str = "cables:
  - {a: \"sw1:eth1\", b: \"pp1:08\"}
  - {a: {device: pp1, rear_port: '08'}, b: {device: pp2, rear_port: '01'}}
  - {a: \"pp2:01\", b: \"sw2:eth1\"}
  - {a: \"pdu1:Power Outlet 1\", b: \"sw1:PSU1\"}
  - {a: \"con1:Port 1\", b: \"sw1:con0\"}
";

fn device<'a>(comp: &'a sot::compile::Compilation, name: &str) -> (usize, &'a Device) {
    comp.inventory.devices.iter().enumerate().find(|(_, d)| d.name.value == name).unwrap()
}

fn names(d: &Device, kind: ComponentKind) -> Vec<&str> {
    d.components_of(kind).map(|(_, p)| p.name.as_str()).collect()
}

#[test]
fn library_files_give_devices_every_component_of_their_type() {
    let fx = repo(DEVICES);
    assert_eq!(common::check(fx.root()), [FX2S_WARNING]);
    let comp = common::compile(fx.root());
    let (_, pp1) = device(&comp, "pp1");
    let fronts = names(pp1, ComponentKind::FrontPort);
    assert_eq!(fronts.len(), 24);
    assert_eq!(names(pp1, ComponentKind::RearPort).len(), 24);
    // `name: 08` and `rear_port: 08` unquoted are the text "08", and link to rear port "08".
    let (_, f08) = pp1.components_of(ComponentKind::FrontPort).find(|(_, p)| p.name.value == "08").unwrap();
    let rear = &pp1.components[f08.link.unwrap() as usize];
    assert_eq!((rear.kind, rear.name.as_str()), (ComponentKind::RearPort, "08"));
    // A component written on the device refines the template's.
    let (_, pp2) = device(&comp, "pp2");
    let (_, f01) = pp2.components_of(ComponentKind::FrontPort).next().unwrap();
    assert_eq!(f01.description.as_ref().unwrap().as_str(), "to sw2");
    assert_eq!(f01.component_type.as_ref().unwrap().as_str(), "8p8c", "the template's type is kept");
    // The PDU's outlets are fed by its power port, on leg A.
    let (_, pdu) = device(&comp, "pdu1");
    assert_eq!(names(pdu, ComponentKind::PowerOutlet).len(), 8);
    for (_, o) in pdu.components_of(ComponentKind::PowerOutlet) {
        assert_eq!(pdu.components[o.link.unwrap() as usize].name.as_str(), "Power Port 1");
        assert_eq!(o.fields.feed_leg.as_ref().unwrap().as_str(), "A");
    }
    let (_, con) = device(&comp, "con1");
    assert_eq!(names(con, ComponentKind::ConsoleServerPort).len(), 26);
    assert_eq!(names(con, ComponentKind::ConsolePort), ["Console", "USB Console"]);
    let (_, fx1) = device(&comp, "fx1");
    assert_eq!(names(fx1, ComponentKind::DeviceBay).len(), 12);
    assert_eq!(names(fx1, ComponentKind::PowerPort), ["PSU1", "PSU2"]);
}

#[test]
fn zero_padded_names_reach_the_netbox_bundle_as_text() {
    let fx = repo(DEVICES);
    let comp = common::compile(fx.root());
    let b = bundle::records(&comp.inventory);
    let index = b.index();
    let template = index[&(Model::FrontPortTemplate, "cp24bly:08")];
    let fields = bundle::render_fields(&template.fields, &index);
    assert_eq!(fields["name"], "08");
    let maps = fields["rear_ports"].as_array().unwrap();
    assert_eq!(maps.len(), 1, "the mapping to rear port 08 is written: {fields:?}");
    let outlet = index[&(Model::PowerOutletTemplate, "apc-ap7900b:Power Outlet 1")];
    let fields = bundle::render_fields(&outlet.fields, &index);
    assert!(!fields["power_port"].is_null(), "the outlet names its power port: {fields:?}");
    // The device's own components are records too, the front port mapped to its rear port.
    let front = index[&(Model::FrontPort, "pp1:08")];
    match &front.fields.iter().find(|(k, _)| *k == "rear_ports").unwrap().1 {
        bundle::Val::Mappings(Model::RearPort, maps) => assert_eq!(maps, &[(1, "pp1:08".to_string(), 1)]),
        other => panic!("{other:?}"),
    }
    assert_eq!(b.of(Model::DeviceBay).count(), 12);
    assert_eq!(b.of(Model::ConsoleServerPort).count(), 26);
}

#[test]
fn cables_join_any_two_terminations_and_paths_run_through_patch_panels() {
    let fx = repo(&format!("{DEVICES}{CABLES}"));
    assert_eq!(common::check(fx.root()), [FX2S_WARNING]);
    let comp = common::compile(fx.root());
    let (s1, sw1) = device(&comp, "sw1");
    let (s2, sw2) = device(&comp, "sw2");
    let eth1 =
        |d: usize, dev: &Device| InterfaceId { device: sot::model::Id::new(d), index: dev.interface("eth1").unwrap() };
    // The cable's other end is the panel's front port; the path ends on sw2's eth1.
    let (_, peers) = comp.world.link_peers(Term::Interface(eth1(s1, sw1))).unwrap();
    let (p1, pp1) = device(&comp, "pp1");
    let f08 = PortId { device: sot::model::Id::new(p1), index: pp1.component(ComponentKind::FrontPort, "08").unwrap() };
    assert_eq!(peers, [Term::Port(f08)]);
    assert_eq!(comp.world.connected(Term::Interface(eth1(s1, sw1))), [Term::Interface(eth1(s2, sw2))]);
    assert_eq!(comp.world.connected(Term::Interface(eth1(s2, sw2))), [Term::Interface(eth1(s1, sw1))]);
    // Power and console: one hop.
    let psu = Term::Port(PortId {
        device: sot::model::Id::new(s1),
        index: sw1.component(ComponentKind::PowerPort, "PSU1").unwrap(),
    });
    let (pd, pdu) = device(&comp, "pdu1");
    let outlet = PortId {
        device: sot::model::Id::new(pd),
        index: pdu.component(ComponentKind::PowerOutlet, "Power Outlet 1").unwrap(),
    };
    assert_eq!(comp.world.connected(psu), [Term::Port(outlet)]);
    // `sot show device` prints the cable's other end and where the path ends.
    let shown = sot::show::device_json(&comp.world, sot::model::Id::new(s1));
    let e1 = shown["interfaces"].as_array().unwrap().iter().find(|i| i["name"] == "eth1").unwrap();
    assert_eq!(e1["peer"], serde_json::json!({"device": "pp1", "front_port": "08"}));
    assert_eq!(e1["connected"], serde_json::json!(["sw2:eth1"]));
    assert_eq!(shown["power_ports"][0]["peer"], serde_json::json!(["pdu1:Power Outlet 1"]));
}

#[test]
fn templates_read_components_peers_and_far_ends() {
    let fx = repo(&format!("{DEVICES}{CABLES}"));
    std::fs::create_dir_all(fx.root().join("templates")).unwrap();
    std::fs::write(
        fx.root().join("templates/t.j2"),
        "{% set i = device.interfaces.get(name='eth1') %}{{ i.link_peer.device }}:{{ i.link_peer }} {{ i.connected_endpoints[0].device }}:{{ i.connected_endpoints[0] }}
{{ device.console_ports.count() }} {{ device.console_ports.first().link_peers[0].device }} {{ device.power_ports.first().connected_endpoints[0].device }}
{{ inventory.front_ports | length }} {{ inventory.power_outlets | selectattr('feed_leg', 'eq', 'A') | list | length }}
",
    )
    .unwrap();
    std::fs::write(fx.root().join("sot.yaml"), "templates: templates\n").unwrap();
    let text = std::fs::read_to_string(fx.root().join("inventory/a.yaml")).unwrap();
    let text = text.replace("device_type: sw}", "device_type: sw, config_template: t.j2}");
    std::fs::write(fx.root().join("inventory/a.yaml"), text).unwrap();
    let loaded = sot::load::load_workdir(fx.root()).expect("load");
    let comp = sot::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
    let templates = sot::template::Templates::load(&loaded.sources, "templates", &comp.world, None, &mut Vec::new());
    let (s1, _) = device(&comp, "sw1");
    let out = templates.render(&comp.world, sot::model::Id::new(s1)).expect("renders").expect("has a template");
    assert_eq!(out, "pp1:08 sw2:eth1\n1 con1 pdu1\n48 8\n");
}

#[test]
fn netbox_refusals_are_reported_at_their_lines() {
    let fx = common::materialise_str(
        "--- sot.yaml
--- device-types/acme/pdu.yaml
manufacturer: Acme
model: PDU-1
slug: pdu-1
is_full_depth: false
interfaces:
  - {name: mgmt0, mgmt_only: true}
power-ports:
  - {name: PS1, type: iec-60320-c14, maximum_draw: 0}
power-outlets:
  - {name: O1, type: iec-60320-c13, power_port: PS9}
rear-ports:
  - {name: R1, type: 8p8c}
front-ports:
  - {name: F1, type: 8p8c, rear_port: R1, rear_port_position: 5}
--- device-types/acme/pdu-copy.yaml
manufacturer: Acme
model: PDU-1
slug: pdu-1-copy
u_height: 1
is_full_depth: false
--- device-types/acme/blade.yaml
manufacturer: Acme
model: Blade
slug: blade
u_height: 1
is_full_depth: false
subdevice_role: child
--- inventory/a.yaml
manufacturers: [{name: Acme}]
",
    );
    assert_eq!(
        common::check(fx.root()),
        [
            // u_height missing: reported, and the rest of the file still checked.
            "E0103 device-types/acme/pdu.yaml:1:1",
            // The interface template without a type.
            "E0103 device-types/acme/pdu.yaml:6:6",
            // maximum_draw: 0.
            "E0105 device-types/acme/pdu.yaml:8:52",
            // The same manufacturer and model twice (reported at the later file).
            "E0201 device-types/acme/pdu.yaml:2:8",
            // The outlet's power port PS9.
            "E0202 device-types/acme/pdu.yaml:10:49",
            // rear_port_position 5 on a one-position rear port.
            "E0306 device-types/acme/pdu.yaml:14:63",
            // A child type one unit high.
            "E0307 device-types/acme/blade.yaml:4:11",
        ]
    );
}

#[test]
fn wrong_cable_ends_are_reported_with_their_location() {
    let fx = repo(&format!(
        "{DEVICES}cables:
  - {{a: \"sw1:eth9\", b: \"pp1:01\"}}
  - {{a: {{device: pp1, rear_port: '99'}}, b: {{device: pp2, rear_port: '01'}}}}
  - {{a: \"con1:Port 1\", b: \"pdu1:Power Outlet 1\"}}
  - {{a: [], b: \"sw2:eth2\"}}
  - {{a: {{device: sw2, console_port: con0, power_port: PSU1}}, b: \"con1:Port 2\"}}
  - {{a: \"sw2:lo0\", b: \"pp2:02\"}}
  - {{a: \"pp2:03\", b: \"sw1:eth2\"}}
  - {{a: \"pp2:03\", b: \"sw2:eth1\"}}
"
    ));
    assert_eq!(
        common::check(fx.root()),
        [
            // An empty list; a mapping naming two ports.
            "E0105 inventory/a.yaml:30:9",
            "E0105 inventory/a.yaml:31:9",
            // No interface eth9 on sw1; no rear port 99 on pp1.
            "E0202 inventory/a.yaml:27:9",
            "E0202 inventory/a.yaml:28:34",
            // A console server port to a power outlet.
            "E0309 inventory/a.yaml:29:27",
            // pp2's front port 03 cabled twice.
            "E0310 inventory/a.yaml:34:9",
            // A virtual interface.
            "E0312 inventory/a.yaml:32:9",
            FX2S_WARNING,
        ]
    );
}

#[test]
fn modules_add_their_type_components_named_for_their_bay() {
    let fx = repo(
        "  - {manufacturer: Acme, model: Chassis, slug: chassis, u_height: 4, is_full_depth: true, module-bays: [{name: FPC0, position: '0'}, {name: FPC1, position: '1'}, {name: PIC, position: '2'}]}
manufacturers_extra: []
",
    );
    // The library's module types, read from module-types/ unchanged.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/devicetype-library/module-types");
    common::copy_dir(&src, &fx.root().join("module-types"));
    let inv = fx.root().join("inventory/a.yaml");
    let text = std::fs::read_to_string(&inv).unwrap().replace("manufacturers_extra: []\n", "");
    let text = text.replace("manufacturers: [{name: Panduit}", "manufacturers: [{name: Juniper}, {name: Panduit}");
    std::fs::write(
        &inv,
        format!(
            "{text}devices:
  - name: mx1
    site: l1
    role: leaf
    device_type: chassis
    module_bays:
      - {{name: FPC1, module: EX9200-40XS}}
      - {{name: PIC, module: EX4400-EM-4S}}
    interfaces:
      - {{name: xe-1/0/3, description: uplink}}
  - {{name: mx2, site: l1, role: leaf, device_type: chassis, module_bays: [{{name: FPC7, module: EX9200-40XS}}, {{name: FPC0, module: EX9200-41XS}}]}}
"
        ),
    )
    .unwrap();
    let comp = common::compile(fx.root());
    let (_, mx1) = device(&comp, "mx1");
    // 40 interfaces named for bay FPC1's position, 4 from the module without `{module}`.
    assert_eq!(mx1.interfaces.len(), 44);
    assert!(mx1.interface("xe-1/1/19").is_some() && mx1.interface("xe-0/2/3").is_some());
    let uplink = &mx1.interfaces[mx1.interface("xe-1/0/3").unwrap() as usize];
    assert_eq!(uplink.description.as_ref().unwrap().as_str(), "uplink");
    assert_eq!(uplink.interface_type.as_ref().unwrap().as_str(), "10gbase-x-sfpp", "the module's type is kept");
    // The module is a NetBox record in its bay; its interfaces are NetBox's to make.
    let b = bundle::records(&comp.inventory);
    assert!(b.of(Model::Module).any(|r| r.key == "mx1:FPC1"));
    assert!(b.of(Model::ModuleType).any(|r| r.key == "EX9200-40XS"));
    assert!(!b.of(Model::Interface).any(|r| r.key == "mx1:xe-1/1/19"));
    // A bay the device lacks and a module type nobody defines, at their lines.
    let found: Vec<String> = common::check(fx.root()).into_iter().filter(|d| !d.starts_with("W0009")).collect();
    assert_eq!(found, ["E0202 inventory/a.yaml:18:131", "E0313 inventory/a.yaml:18:82"]);
}

#[test]
fn component_types_and_tags_are_checked_on_the_device() {
    let fx = repo(
        "tags: [{name: Spare}, {name: Unused}]
devices:
  - name: sw1
    site: l1
    role: leaf
    device_type: sw
    power_ports:
      - {name: PSU2, type: iec-60320-c15x, tags: [spare]}
      - {name: PSU1, tags: [sapre]}
",
    );
    assert_eq!(
        common::check(fx.root()),
        [
            // An unknown tag.
            "E0202 inventory/a.yaml:15:29",
            // A type NetBox does not offer, on the device's own port.
            "E0301 inventory/a.yaml:14:28",
            FX2S_WARNING,
            // `spare` is used by a component, `unused` by nothing.
            "W0201 inventory/a.yaml:7:30",
        ]
    );
}

#[test]
fn cable_ends_on_components_name_a_device_with_its_site() {
    // `name@site` reaches a patch panel's ports as it reaches interfaces; a device named
    // with another site than its own is reported at the end that says so.
    let fx = repo(&format!(
        "{DEVICES}cables:
  - {{a: \"sw1@l1:eth1\", b: \"pp1@l1:08\"}}
  - {{a: {{device: pp1@l1, rear_port: '08'}}, b: {{device: pp2@l2, rear_port: '01'}}}}
"
    ));
    let found = common::check(fx.root());
    assert_eq!(found, ["E0202 inventory/a.yaml:28:56", FX2S_WARNING], "{found:?}");
    let comp = common::compile(fx.root());
    let (s1, sw1) = device(&comp, "sw1");
    let eth1 = InterfaceId { device: sot::model::Id::new(s1), index: sw1.interface("eth1").unwrap() };
    let (p1, pp1) = device(&comp, "pp1");
    let f08 = PortId { device: sot::model::Id::new(p1), index: pp1.component(ComponentKind::FrontPort, "08").unwrap() };
    assert_eq!(comp.world.link_peers(Term::Interface(eth1)).unwrap().1, [Term::Port(f08)]);
}
