//! The models beyond the data centre (IPAM numbering, contacts, virtualization, power,
//! virtual chassis, rack reservations, L2VPNs, wireless) on bad input: each mistake is
//! reported at its file:line:column with a message that names it, `sot check` fails,
//! and nothing panics. (Each rule's own code has its fixtures in tests/fixtures/codes/.)

mod common;

use std::process::Command;

/// A small repository: one site with a rack, two devices with interfaces.
const BASE: &str = "--- sot.yaml
--- inventory/base.yaml
sites: [{name: L1}]
manufacturers: [{name: Acme}]
device_roles: [{name: Leaf}]
device_types:
  - {manufacturer: Acme, model: T1, slug: t1, u_height: 1, is_full_depth: false, interfaces: [{name: eth0, type: 10gbase-x-sfpp}]}
devices:
  - {name: r1, device_type: t1, role: leaf, site: l1}
racks: [{name: R1, site: l1}]
rirs: [{name: RIPE, slug: ripe}]
";

/// Check `BASE` plus `a.yaml`; the diagnostics as `CODE line:col message`.
fn check(a: &str) -> Vec<String> {
    let fx = common::materialise_str(&format!("{BASE}--- inventory/a.yaml\n{a}"));
    let loaded = sot::load::load_workdir(fx.root()).expect("load");
    let comp = sot::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
    let mut out: Vec<String> = comp
        .diagnostics
        .iter()
        .map(|d| {
            let s = d.primary.span;
            let file = loaded.sources.path(s.file);
            let at = if file == "inventory/a.yaml" { String::new() } else { format!("{file}:") };
            format!("{} {at}{}:{} {}", d.code.as_str(), s.start.line, s.start.col, d.message)
        })
        .collect();
    out.sort();
    out
}

fn has(got: &[String], code_at: &str, words: &str) -> bool {
    got.iter().any(|g| g.starts_with(code_at) && g.contains(words))
}

#[test]
fn references_to_the_new_models_that_name_nothing_are_reported_where_written() {
    let got = check(
        "power_panels: [{name: PP-A, site: l1, location: hall-9}]
power_feeds:
  - {name: F1, power_panel: l1/PP-B}
  - {name: F2, power_panel: l1/PP-A, rack: R9}
fhrp_groups: [{protocol: vrrp3, group_id: 1}]
fhrp_group_assignments:
  - {group: vrrp3/2, interface: r1:eth0, priority: 10}
  - {group: vrrp3/1, interface: r1:eth9, priority: 10}
contacts: [{name: Jane}]
contact_assignments:
  - {object_type: dcim.site, object: l2, contact: Jane}
  - {object_type: dcim.sight, object: l1, contact: Jane}
rack_reservations:
  - {rack: R1, units: [1], user: admin, description: x}
virtual_machines: [{name: vm1, site: l1}]
vm_interfaces:
  - {virtual_machine: vm1, name: eth0, parent: eth1}
ip_addresses:
  - {address: 10.0.0.1/24, vm_interface: vm1/eth7}
",
    );
    for (at, words) in [
        ("E0202 1:49", "site `l1` has no location `hall-9`"),
        ("E0202 3:29", "no power panel `l1/PP-B` exists"),
        ("E0202 4:44", "site `l1` has no rack `R9`"),
        ("E0202 7:13", "no FHRP group `vrrp3/2` exists"),
        ("E0202 8:33", "device `r1` has no interface `eth9`"),
        ("E0202 11:38", "no site `l2` exists"),
        ("E0202 12:19", "no object type `dcim.sight` exists"),
        ("E0202 14:12", "rack `R1` names no site"),
        ("E0202 17:48", "virtual machine `vm1` has no other interface `eth1`"),
        ("E0202 19:42", "no VM interface `vm1/eth7` exists"),
    ] {
        assert!(has(&got, at, words), "expected {at} {words} in:\n{}", got.join("\n"));
    }
}

#[test]
fn wrong_values_in_the_new_models_are_reported_and_the_check_fails() {
    let got = check(
        "asns:
  - {asn: 0, rir: ripe}
  - {asn: 65000, rir: ripe}
  - {asn: 65000, rir: ripe}
services:
  - {name: ssh, device: r1, protocol: tcpp, ports: [0, 22, 70000]}
ip_ranges:
  - {start_address: 10.0.0.1, end_address: 10.0.0.9/24}
power_panels: [{name: PP-A, site: l1}]
power_feeds:
  - {name: F1, power_panel: l1/PP-A, max_utilization: 101, phase: two-phase}
virtual_machines:
  - {name: vm1, site: l1, vcpus: 0, status: running, primary_ip4: 10.9.9.9/24}
aggregates:
  - {prefix: 10.0.0.1/8, rir: ripe}
",
    );
    for (at, words) in [
        ("E0105 2:11", "asn"),
        ("E0201 4:11", "ASN `65000` is defined twice"),
        ("E0301 6:39", "`tcpp` is not a valid service protocol"),
        ("E0105 6:53", "ports"),
        ("E0105 6:60", "ports"),
        ("E0105 8:21", "10.0.0.1"),
        ("E0105 11:55", "max_utilization"),
        ("E0301 11:67", "`two-phase` is not a valid power phase"),
        ("E0105 13:34", "vcpus"),
        ("E0301 13:45", "`running` is not a valid virtual machine status"),
        ("E0202 13:67", "`10.9.9.9/24` is not an address of virtual machine `vm1`"),
        ("E0105 15:14", "host bits"),
    ] {
        assert!(has(&got, at, words), "expected {at} {words} in:\n{}", got.join("\n"));
    }
    // The CLI says so and exits non-zero, writing nothing.
    let fx = common::materialise_str(&format!(
        "{BASE}--- inventory/a.yaml\nservices:\n  - {{name: ssh, protocol: tcp, ports: [22]}}\n"
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_sot")).arg("check").arg(fx.root()).output().unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("E0354") && text.contains("inventory/a.yaml:2:"), "{text}");
}

#[test]
fn the_new_models_are_queryable_with_their_fields() {
    let fx = common::materialise_str(&format!(
        "{BASE}--- inventory/a.yaml
cluster_types: [{{name: KVM}}]
clusters: [{{name: c1, type: kvm, site: l1}}]
virtual_machines: [{{name: vm1, cluster: c1, vcpus: 4, memory: 8192}}]
"
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_sot"))
        .args(["query", "virtual_machines", "--format", "json", "--fields", "name,cluster,memory"])
        .current_dir(fx.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, serde_json::json!([{"name": "vm1", "cluster": "c1", "memory": 8192}]), "{v}");
    // Without --fields, each new collection lists fields its objects have.
    let out =
        Command::new(env!("CARGO_BIN_EXE_sot")).args(["query", "clusters"]).current_dir(fx.root()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("c1"));
}

#[test]
fn contact_groups_and_wireless_lan_groups_do_not_loop() {
    let got = check(
        "contact_groups:
  - {name: A, parent: b}
  - {name: B, parent: a}
wireless_lan_groups:
  - {name: Campus, parent: campus}
",
    );
    assert!(has(&got, "E0204 3:12", "contact group `b` is its own ancestor"), "{}", got.join("\n"));
    assert!(has(&got, "E0204 5:12", "wireless LAN group `campus` is its own ancestor"), "{}", got.join("\n"));
}

#[test]
fn virtual_machines_with_a_template_render_to_their_own_config_file() {
    let fx = common::materialise_str(
        "--- sot.yaml
--- templates/vm.j2
hostname {{ virtualmachine.name }}
cpus {{ virtualmachine.vcpus }}
dns {{ dns.forwarders | join(' ') }}
{% for v in inventory.virtual_machines %}peer {{ v.name }}
{% endfor %}
--- templates/broken.j2
{{ virtualmachine.nmae.upper() }}
--- inventory/a.yaml
sites: [{name: L1}]
device_roles: [{name: Server, config_template: broken.j2}]
platforms: [{name: Linux, slug: linux, config_template: vm.j2}]
virtual_machines:
  - {name: dns1, site: l1, platform: linux, vcpus: 2, local_context_data: {dns: {forwarders: [192.0.2.53]}}}
  - {name: dns2, site: l1}
",
    );
    let out = fx.root().join("out");
    let st =
        Command::new(env!("CARGO_BIN_EXE_sot")).arg("build").arg(fx.root()).arg("--out").arg(&out).output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let cfg = std::fs::read_to_string(out.join("configs/dns1.cfg")).unwrap();
    assert_eq!(cfg, "hostname dns1\ncpus 2.0\ndns 192.0.2.53\npeer dns1\npeer dns2\n");
    // No template, no file.
    assert!(!out.join("configs/dns2.cfg").exists());

    // A template failing for a machine is reported at the template, naming the machine.
    let fx = common::materialise_str(
        "--- sot.yaml
--- templates/broken.j2
{{ virtualmachine.nmae.upper() }}
--- inventory/a.yaml
sites: [{name: L1}]
device_roles: [{name: Server, config_template: broken.j2}]
virtual_machines:
  - {name: web1, site: l1, role: server}
",
    );
    let st = Command::new(env!("CARGO_BIN_EXE_sot")).arg("check").arg(fx.root()).output().unwrap();
    let text = String::from_utf8_lossy(&st.stdout).to_string() + &String::from_utf8_lossy(&st.stderr);
    assert!(!st.status.success(), "{text}");
    assert!(text.contains("virtual machine `web1`") && text.contains("templates/broken.j2:1:"), "{text}");
}

#[test]
fn every_new_collection_is_listed_by_sot_query_with_its_default_fields() {
    let tmp = common::example_copy();
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&root.join("tests/fixtures/registry/kinds"), &tmp.path().join("inventory/zz-registry"));
    std::fs::remove_file(tmp.path().join("inventory/zz-registry/README.md")).unwrap();
    for (collection, expect) in [
        ("route_targets", "65000:100"),
        ("aggregates", "192.168.0.0/16"),
        ("asns", "4200000000"),
        ("asn_ranges", "64512"),
        ("ip_ranges", "192.168.10.100/24"),
        ("services", "ssh"),
        ("fhrp_groups", "vrrp3"),
        ("fhrp_group_assignments", "ams1-spine1:Loopback0"),
        ("contact_groups", "night-shift"),
        ("contact_roles", "on-call"),
        ("contacts", "Jane Doe"),
        ("contact_assignments", "amsterdam-dc1"),
        ("cluster_types", "vsphere"),
        ("cluster_groups", "production"),
        ("clusters", "ams1-cluster1"),
        ("virtual_machines", "ams1-dns1"),
        ("vm_interfaces", "eth0.120"),
        ("virtual_disks", "root"),
        ("power_panels", "PP-A"),
        ("power_feeds", "R1-B"),
        ("virtual_chassis", "ams1-stack1"),
        ("rack_types", "open-frame-42u"),
        ("rack_reservations", "amsterdam-dc1/R2"),
        ("provider_accounts", "ACC-1001"),
        ("provider_networks", "Colt MPLS"),
        ("l2vpns", "customer-a"),
        ("l2vpn_terminations", "ams1-spine1:Loopback0"),
        ("wireless_lan_groups", "campus"),
        ("wireless_lans", "corp"),
        ("wireless_links", "ams1-ap2:wlan0"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sot"))
            .args(["query", collection])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{collection}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains(expect), "{collection}: no `{expect}` in\n{text}");
    }
}
