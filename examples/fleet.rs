//! Writes a realistic inventory of N devices, deterministic for a seed: sites of
//! leaf-spine fabrics, device types with about 50 interfaces, every leaf cabled
//! to every spine with /31 addresses, loopbacks, management addresses, VLANs
//! with access ports, prefixes, contexts at five weight levels, local context
//! on a few percent of devices, and templates for two platforms.
//!
//!     cargo run --release --example fleet -- --devices 10000 --out /tmp/fleet --seed 1

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift64*), so the output depends only on the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Args {
    devices: usize,
    out: PathBuf,
    seed: u64,
}

fn args() -> Args {
    let mut a = Args { devices: 1000, out: PathBuf::from("fleet"), seed: 1 };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--devices" => a.devices = v.parse().expect("--devices N"),
            "--out" => a.out = PathBuf::from(v),
            "--seed" => a.seed = v.parse().expect("--seed N"),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

const SPINES: usize = 4;
const LEAVES: usize = 36;
/// Devices per site: spines and leaves.
const PER_SITE: usize = SPINES + LEAVES;
const ACCESS_PORTS: usize = 40;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn device_type(
    manufacturer: &str,
    model: &str,
    slug: &str,
    prefix: &str,
    ports: usize,
    uplink: &str,
    uplinks: usize,
) -> String {
    let mut s = format!(
        "manufacturer: {manufacturer}\nmodel: {model}\nslug: {slug}\nu_height: 1\nis_full_depth: false\nairflow: front-to-rear\n"
    );
    s += "console-ports:\n  - {name: Console, type: rj-45}\npower-ports:\n  - {name: PSU1, type: iec-60320-c14, maximum_draw: 450}\n  - {name: PSU2, type: iec-60320-c14, maximum_draw: 450}\ninterfaces:\n";
    for i in 0..ports {
        let _ = writeln!(s, "  - {{name: {prefix}{i}, type: 25gbase-x-sfp28}}");
    }
    for i in 0..uplinks {
        let _ = writeln!(s, "  - {{name: {uplink}{i}, type: 100gbase-x-qsfp28}}");
    }
    s += "  - {name: mgmt0, type: 1000base-t, mgmt_only: true}\n";
    s
}

fn main() {
    let a = args();
    let mut rng = Rng(a.seed.max(1));
    let sites = a.devices.div_ceil(PER_SITE);
    let out = &a.out;
    let _ = std::fs::remove_dir_all(out);
    write(
        &out.join("sot.yaml"),
        "weights:\n  global: [100, 199]\n  region: [200, 299]\n  site: [300, 399]\n  role: [400, 499]\n  platform: [500, 599]\n",
    );
    // Spines: "Ethernet" ports, EOS; leaves: "et-0/0/" ports, Junos.
    write(
        &out.join("device-types/acme/spine.yaml"),
        &device_type("Acme", "SP-48", "acme-sp-48", "Ethernet", 48, "Ethernet100/", 2),
    );
    write(
        &out.join("device-types/acme/leaf.yaml"),
        &device_type("Acme", "LF-48", "acme-lf-48", "et-0/0/", 48, "et-0/1/", SPINES),
    );
    let mut g = String::new();
    g += "manufacturers: [{name: Acme}]\n";
    g += "device_roles: [{name: spine}, {name: leaf}]\n";
    g += "platforms: [{name: eos, config_template: eos}, {name: junos, config_template: junos}]\n";
    g += "tags: [{name: bgp-speaker}, {name: pub}, {name: \"ospf_cost=100\"}]\n";
    g += "vrfs: [{name: mgmt}]\n";
    g += "regions:\n  - {name: World}\n";
    let regions = 5.min(sites).max(1);
    for r in 0..regions {
        let _ = writeln!(g, "  - {{name: Region {r}, slug: region-{r}, parent: world}}");
    }
    g += "prefixes:\n  - {prefix: 10.0.0.0/8, status: container}\n  - {prefix: 172.16.0.0/12, vrf: mgmt, status: container}\n";
    g += "custom_fields:\n  - {name: router_id, type: text, object_types: [dcim.device]}\n";
    write(&out.join("inventory/global.yaml"), &g);
    let mut ctx = String::from("config_contexts:\n");
    ctx += "  - {name: global, weight: 100, data: {ntp_servers: [10.255.0.1, 10.255.0.2], syslog_servers: [10.255.0.10], dns: {servers: [10.255.0.53], domain: example.net}}}\n";
    for r in 0..regions {
        let _ = writeln!(
            ctx,
            "  - {{name: region-{r}, weight: 200, regions: [region-{r}], data: {{ntp_servers: [10.{}.255.1]}}}}",
            200 + r
        );
    }
    ctx +=
        "  - {name: spine-bgp, weight: 400, roles: [spine], data: {bgp: {route_reflector: true, maximum_paths: 8}}}\n";
    ctx += "  - {name: leaf-bgp, weight: 410, roles: [leaf], data: {bgp: {maximum_paths: 4}}}\n";
    ctx += "  - {name: eos, weight: 500, platforms: [eos], data: {eos: {mgmt_vrf: MGMT}}}\n";
    ctx += "  - {name: junos, weight: 510, platforms: [junos], data: {junos: {mgmt_instance: mgmt_junos}}}\n";
    write(&out.join("inventory/contexts/global.yaml"), &ctx);
    write(
        &out.join("templates/eos.j2"),
        "hostname {{ device.name }}\n{% for s in ntp_servers %}\nntp server vrf {{ eos.mgmt_vrf }} {{ s }}\n{% endfor %}\n{% for i in device.interfaces if i.ip_addresses or i.link_peer %}\ninterface {{ i.name }}\n{% if i.link_peer %}\n   description {{ i.link_peer.device.name }} {{ i.link_peer.name }}\n{% endif %}\n{% for ip in i.ip_addresses %}\n   ip address {{ ip.address }}\n{% endfor %}\n{% endfor %}\nrouter bgp {{ bgp.local_as }}\n   maximum-paths {{ bgp.maximum_paths }}\n{% for p in bgp.peers %}\n   neighbor {{ p }} remote-as {{ bgp.local_as }}\n{% endfor %}\n",
    );
    write(
        &out.join("templates/junos.j2"),
        "set system host-name {{ device.name }}\n{% for s in ntp_servers %}\nset system ntp server {{ s }}\n{% endfor %}\n{% for i in device.interfaces %}\n{% if i.mode == 'access' %}\nset interfaces {{ i.name }} unit 0 family ethernet-switching vlan members v{{ i.untagged_vlan.vid }}\n{% endif %}\n{% for ip in i.ip_addresses %}\nset interfaces {{ i.name }} unit 0 family inet address {{ ip.address }}\n{% endfor %}\n{% endfor %}\nset routing-options autonomous-system {{ bgp.local_as }}\n",
    );
    let mut made = 0;
    for s in 0..sites {
        let site = format!("site{s:04}");
        let region = s % regions;
        // Each site: 10.(s/256).(s%256).0/24 for p2p and loopbacks split below a /24 per site.
        let (hi, lo) = (s / 256, s % 256);
        // Fabric /31s come from a /23 per site: 10.(s/128).(2*(s%128)).0/23.
        let (p_hi, p_lo) = (s / 128, 2 * (s % 128));
        let p2p = |k: usize| format!("10.{p_hi}.{}.{}", p_lo + k / 256, k % 256);
        let mut f = String::new();
        let _ = writeln!(f, "sites:\n  - {{name: {site}, region: region-{region}, status: active}}");
        let _ = writeln!(
            f,
            "racks:\n  - {{name: R1, site: {site}, u_height: 48}}\n  - {{name: R2, site: {site}, u_height: 48}}"
        );
        let _ = writeln!(f, "vlan_groups:\n  - {{name: {site}-vlans, site: {site}, min_vid: 100, max_vid: 199}}");
        f += "vlans:\n";
        for v in 0..4 {
            let _ = writeln!(f, "  - {{vid: {}, name: v{}, group: {site}-vlans}}", 100 + v * 10, 100 + v * 10);
        }
        let _ = writeln!(
            f,
            "prefixes:\n  - {{prefix: 10.{p_hi}.{p_lo}.0/23, site: {site}}}\n  - {{prefix: 10.{}.{lo}.0/24, site: {site}}}\n  - {{prefix: 172.{}.{lo}.0/24, vrf: mgmt, site: {site}}}",
            100 + hi,
            16 + hi
        );
        let _ = writeln!(
            f,
            "config_contexts:\n  - {{name: {site}, weight: 300, sites: [{site}], data: {{bgp: {{local_as: {}, peers: [10.{}.{lo}.1, 10.{}.{lo}.2]}}, syslog_servers: [10.{hi}.{lo}.250]}}}}",
            64512 + s as u64 % 1000,
            100 + hi,
            100 + hi
        );
        f += "devices:\n";
        let n_here = PER_SITE.min(a.devices - made);
        let spines = SPINES.min(n_here);
        for d in 0..n_here {
            let spine = d < spines;
            let name = if spine { format!("{site}-spine{}", d + 1) } else { format!("{site}-leaf{}", d - spines + 1) };
            let (rack, pos) = if d % 2 == 0 { ("R1", 1 + d / 2) } else { ("R2", 1 + d / 2) };
            let _ = writeln!(
                f,
                "  - name: {name}\n    site: {site}\n    role: {}\n    device_type: {}\n    platform: {}\n    rack: {rack}\n    position: {pos}\n    face: front\n    primary_ip4: 10.{}.{lo}.{}/32\n    tags: [bgp-speaker]\n    custom_fields: {{router_id: 10.{}.{lo}.{}}}",
                if spine { "spine" } else { "leaf" },
                if spine { "acme-sp-48" } else { "acme-lf-48" },
                if spine { "eos" } else { "junos" },
                100 + hi,
                d + 1,
                100 + hi,
                d + 1
            );
            if rng.below(100) < 3 {
                let _ = writeln!(f, "    local_context_data: {{ntp_servers: [10.{hi}.{lo}.251]}}");
            }
            f += "    interfaces:\n";
            let _ =
                writeln!(f, "      - {{name: lo0, type: virtual, ip_addresses: [10.{}.{lo}.{}/32]}}", 100 + hi, d + 1);
            let _ = writeln!(
                f,
                "      - {{name: mgmt0, vrf: mgmt, ip_addresses: [{{address: 172.{}.{lo}.{}/24, vrf: mgmt}}]}}",
                16 + hi,
                d + 10
            );
            if spine {
                for l in 0..(n_here - spines) {
                    // Spine d, leaf l: the /31 10.hi.lo.(2*(l*SPINES+d)).
                    let k = 2 * (l * SPINES + d);
                    let _ = writeln!(
                        f,
                        "      - {{name: Ethernet{l}, mtu: 9214, tags: [ospf_cost=100], ip_addresses: [{}/31]}}",
                        p2p(k)
                    );
                }
            } else {
                let l = d - spines;
                for sp in 0..spines {
                    let k = 2 * (l * SPINES + sp) + 1;
                    let _ = writeln!(f, "      - {{name: et-0/1/{sp}, mtu: 9216, ip_addresses: [{}/31]}}", p2p(k));
                }
                for p in 0..ACCESS_PORTS.min(40) {
                    if rng.below(4) != 0 {
                        let vid = 100 + 10 * rng.below(4);
                        let tags = if rng.below(10) == 0 { ", tags: [pub]" } else { "" };
                        let _ = writeln!(
                            f,
                            "      - {{name: et-0/0/{p}, mode: access, untagged_vlan: {vid}, description: host{p}{tags}}}"
                        );
                    }
                }
            }
        }
        f += "cables:\n";
        for l in 0..(n_here - spines) {
            for sp in 0..spines {
                let _ = writeln!(
                    f,
                    "  - {{a: \"{site}-spine{}:Ethernet{l}\", b: \"{site}-leaf{}:et-0/1/{sp}\", type: smf}}",
                    sp + 1,
                    l + 1
                );
            }
        }
        made += n_here;
        write(&out.join(format!("inventory/sites/{site}.yaml")), &f);
    }
    eprintln!("wrote {made} devices in {sites} sites to {}", out.display());
}
