//! IP addresses keep every field they are written with: through the model, `sot diff`'s
//! and the exports' serialisation, and the NetBox bundle, whether written on an interface
//! or in the `ip_addresses` collection.

mod common;

use serde_json::{Value, json};
use sot::diagnostic::Severity;

const REPO: &str = r#"
--- sot.yaml
--- templates/eos.j2
hostname {{ device.name }}
--- inventory/base.yaml
sites: [{name: L1}]
tenants: [{name: Ops, slug: ops}]
manufacturers: [{name: Acme}]
device_roles: [{name: Leaf}]
platforms: [{name: EOS, config_template: eos}]
custom_fields:
  - {name: owner, type: text, object_types: [ipam.ipaddress]}
device_types:
  - {manufacturer: Acme, model: T1, slug: t1, u_height: 1, is_full_depth: false, interfaces: [{name: eth0, type: 10gbase-x-sfpp}, {name: eth1, type: 10gbase-x-sfpp}]}
prefixes: [{prefix: 10.0.0.0/24}]
--- inventory/devices.yaml
devices:
  - name: r1
    site: l1
    role: leaf
    device_type: t1
    platform: eos
    interfaces:
      - name: eth0
        ip_addresses:
          - 10.0.0.1/24
          - {address: 10.0.0.2/24, status: reserved, role: vip, dns_name: vip.example.net, tenant: ops, description: the VIP, tags: [], custom_fields: {owner: noc}}
ip_addresses:
  - {address: 10.0.0.3/24, interface: "r1:eth1", dns_name: r1-eth1.example.net, status: active}
"#;

fn compile(text: &str) -> (common::Fixture, sot::compile::Compilation) {
    let fx = common::materialise_str(text);
    let comp = common::compile(fx.root());
    (fx, comp)
}

fn address<'a>(comp: &'a sot::compile::Compilation, a: &str) -> &'a sot::model::IpAddress {
    comp.inventory.ip_addresses.iter().find(|ip| ip.address.value.to_string() == a).unwrap_or_else(|| panic!("{a}"))
}

#[test]
fn every_field_of_an_address_is_kept_in_order() {
    let (_fx, comp) = compile(REPO);
    let errors: Vec<_> = comp.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let bare = serde_json::to_value(address(&comp, "10.0.0.1/24")).unwrap();
    assert_eq!(
        bare,
        json!({"address": "10.0.0.1/24", "vrf": null, "interface": null, "status": null, "role": null,
               "dns_name": null, "tenant": null, "description": null, "tags": [], "custom_fields": []})
    );
    // Keys in the order they are written (what `sot diff` and the exports show).
    let keys: Vec<&String> = bare.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["address", "vrf", "interface", "status", "role", "dns_name", "tenant", "description", "tags", "custom_fields"]
    );

    let full = serde_json::to_value(address(&comp, "10.0.0.2/24")).unwrap();
    assert_eq!(full["status"], "reserved");
    assert_eq!(full["role"], "vip");
    assert_eq!(full["dns_name"], "vip.example.net");
    assert_eq!(full["tenant"], "ops");
    assert_eq!(full["description"], "the VIP");
    assert_eq!(full["custom_fields"], json!([{"name": "owner", "value": "noc"}]));

    let listed = address(&comp, "10.0.0.3/24");
    assert_eq!(serde_json::to_value(listed).unwrap()["interface"], "r1:eth1");
    let a = listed.assigned.expect("assigned to r1:eth1");
    assert_eq!(comp.inventory.devices[a.device.index()].interfaces[a.index as usize].name.value, "eth1");
}

#[test]
fn the_bundle_sends_every_field_of_an_address() {
    let (_fx, comp) = compile(REPO);
    let bundle = sot::netbox::records(&comp.inventory);
    let index = bundle.records.iter().map(|r| ((r.model, r.key.as_str()), r)).collect();
    let fields = |key_has: &str| -> Value {
        let r = bundle
            .of(sot::netbox::Model::IpAddress)
            .find(|r| r.key.contains(key_has))
            .unwrap_or_else(|| panic!("an address record with {key_has}"));
        Value::Object(sot::netbox::bundle::render_fields(&r.fields, &index))
    };
    let vip = fields("10.0.0.2/24");
    assert_eq!(vip["status"], "reserved");
    assert_eq!(vip["role"], "vip");
    assert_eq!(vip["dns_name"], "vip.example.net");
    assert_eq!(vip["description"], "the VIP");
    assert_eq!(vip["tenant"]["slug"], "ops", "{vip}");
    assert_eq!(vip["custom_fields"], json!({"owner": "noc"}));
    let listed = fields("10.0.0.3/24");
    assert_eq!(listed["dns_name"], "r1-eth1.example.net");
    assert_eq!(listed["status"], "active");
    let bare = fields("10.0.0.1/24");
    assert_eq!(bare["dns_name"], "");
    assert!(bare.get("status").is_none(), "no status is sent when none is written: {bare}");
}

#[test]
fn a_wrong_reference_in_an_address_field_is_reported_where_written() {
    let text = REPO.replace("tenant: ops", "tenant: opz").replace("\"r1:eth1\"", "\"r1:eth9\"");
    let (fx, _comp) = compile(&text);
    let got = common::check(fx.root());
    assert!(got.iter().any(|d| d.ends_with("inventory/devices.yaml:11:100")), "the tenant: {got:?}");
    assert!(got.iter().any(|d| d.ends_with("inventory/devices.yaml:13:39")), "the interface: {got:?}");
}
