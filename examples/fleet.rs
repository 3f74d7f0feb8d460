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
    style: Style,
    layout: Layout,
}

fn args() -> Args {
    let mut a = Args { devices: 1000, out: PathBuf::from("fleet"), seed: 1, style: Style::Flow, layout: Layout::Site };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--devices" => a.devices = v.parse().expect("--devices N"),
            "--out" => a.out = PathBuf::from(v),
            "--seed" => a.seed = v.parse().expect("--seed N"),
            "--style" => {
                a.style = *Style::ALL
                    .iter()
                    .find(|s| s.name() == v)
                    .unwrap_or_else(|| panic!("--style: one of {}", Style::ALL.map(Style::name).join(", ")))
            }
            "--layout" => {
                a.layout = match v.as_str() {
                    "site" => Layout::Site,
                    "device" => Layout::Device,
                    "one" => Layout::One,
                    _ => panic!("--layout: site, device or one"),
                }
            }
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// How the site files are written: the same inventory in each style.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    /// Block mappings for devices, one-line flow collections for the rest; `device:interface`
    /// strings double-quoted (the default, and the project's own style).
    Flow,
    /// As `flow`, with `device:interface` strings unquoted.
    Colon,
    /// Every string single-quoted (keys too).
    Single,
    /// Every string double-quoted (keys too).
    Double,
    /// No flow collections at all.
    Block,
    /// Flow mappings spanning lines, an entry a line.
    MultiFlow,
    /// Anchors, aliases and merge keys (`<<`) for the interfaces a device repeats.
    Anchors,
    /// A comment at the end of every line, and a comment line before every device.
    Comments,
    /// As `flow`, with CRLF line ends.
    Crlf,
    /// Interface descriptions as block scalars (`|-` and `>-` in turn), their interfaces in
    /// block style.
    BlockScalars,
}

impl Style {
    const ALL: [Style; 10] = [
        Style::Flow,
        Style::Colon,
        Style::Single,
        Style::Double,
        Style::Block,
        Style::MultiFlow,
        Style::Anchors,
        Style::Comments,
        Style::Crlf,
        Style::BlockScalars,
    ];

    fn name(self) -> &'static str {
        match self {
            Style::Flow => "flow",
            Style::Colon => "colon",
            Style::Single => "single",
            Style::Double => "double",
            Style::Block => "block",
            Style::MultiFlow => "multiline-flow",
            Style::Anchors => "anchors",
            Style::Comments => "comments",
            Style::Crlf => "crlf",
            Style::BlockScalars => "block-scalars",
        }
    }

    /// A file of top-level collections.
    fn file(self, cols: &[(&str, Vec<V>)]) -> String {
        let mut w = Writer::new(self);
        for (name, items) in cols {
            w.key_line(name);
            w.items(items);
        }
        self.finish(w.out)
    }

    fn finish(self, text: String) -> String {
        if self == Style::Crlf { text.replace('\n', "\r\n") } else { text }
    }
}

/// Which files the sites' data goes to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layout {
    /// `inventory/sites/<site>.yaml` (the default).
    Site,
    /// Devices in `inventory/devices/<site>/<device>.yaml`, the rest of a site in its file.
    Device,
    /// Everything in `inventory/all.yaml`.
    One,
}

/// A value to write: a string, a number or boolean, a list, a mapping (`true`: written in
/// block style in every style), an anchored value, an alias.
enum V {
    S(String),
    N(String),
    L(Vec<V>),
    M(Vec<(&'static str, V)>, bool),
    Anchor(&'static str, Box<V>),
    Alias(&'static str),
}

fn st(s: &str) -> V {
    V::S(s.to_string())
}

fn n(x: impl std::fmt::Display) -> V {
    V::N(x.to_string())
}

fn m<const K: usize>(entries: [(&'static str, V); K]) -> V {
    V::M(entries.into(), false)
}

struct Writer {
    style: Style,
    out: String,
    /// Block scalars written so far (they alternate `|-` and `>-`).
    scalars: usize,
}

impl Writer {
    fn new(style: Style) -> Writer {
        Writer { style, out: String::new(), scalars: 0 }
    }

    fn eol(&mut self) {
        if self.style == Style::Comments {
            self.out += "  # note";
        }
        self.out.push('\n');
    }

    fn pad(&mut self, indent: usize) {
        self.out.extend(std::iter::repeat_n(' ', indent));
    }

    fn col(&self) -> usize {
        self.out.len() - self.out.rfind('\n').map_or(0, |i| i + 1)
    }

    fn key_line(&mut self, k: &str) {
        let k = self.key(k);
        self.out += &k;
        self.out.push(':');
        self.eol();
    }

    fn items(&mut self, items: &[V]) {
        for i in items {
            self.seq_item(2, i);
        }
    }

    fn key(&self, k: &str) -> String {
        if k == "<<" { k.to_string() } else { self.string(k) }
    }

    fn string(&self, s: &str) -> String {
        match self.style {
            Style::Single => format!("'{}'", s.replace('\'', "''")),
            Style::Double => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
            Style::Colon => s.to_string(),
            _ if s.contains(':') => format!("\"{s}\""),
            _ => s.to_string(),
        }
    }

    /// Whether `v` is written in block style (in block context).
    fn block(&self, v: &V) -> bool {
        match v {
            V::M(es, hint) => {
                *hint
                    || self.style == Style::Block
                    || self.style == Style::BlockScalars && es.iter().any(|(k, _)| *k == "description")
            }
            V::L(items) => {
                self.style == Style::Block && !items.is_empty()
                    || items.iter().any(|i| matches!(i, V::M(..)) || matches!(i, V::Anchor(_, v) if self.block(v)))
            }
            V::Anchor(_, v) => self.block(v),
            _ => false,
        }
    }

    fn seq_item(&mut self, indent: usize, v: &V) {
        if self.style == Style::Comments && matches!(v, V::M(_, true)) {
            self.pad(indent);
            self.out += "# a device";
            self.out.push('\n');
        }
        self.pad(indent);
        self.out += "- ";
        match v {
            V::Anchor(a, inner) if self.block(inner) => {
                self.out.push('&');
                self.out += a;
                self.eol();
                if let V::M(es, _) = &**inner {
                    self.entries(indent + 2, es, false);
                }
            }
            V::M(es, _) if self.block(v) => self.entries(indent + 2, es, true),
            _ => {
                let f = self.flow(v, indent + 2);
                self.out += &f;
                self.eol();
            }
        }
    }

    fn entries(&mut self, indent: usize, es: &[(&'static str, V)], first_inline: bool) {
        for (i, (k, v)) in es.iter().enumerate() {
            if i > 0 || !first_inline {
                self.pad(indent);
            }
            let k = self.key(k);
            self.out += &k;
            self.out.push(':');
            self.value(indent, &k, v);
        }
    }

    fn value(&mut self, indent: usize, key: &str, v: &V) {
        match v {
            V::S(text) if self.style == Style::BlockScalars && key == "description" => {
                self.out += if self.scalars.is_multiple_of(2) { " |-" } else { " >-" };
                self.scalars += 1;
                self.eol();
                self.pad(indent + 2);
                self.out += text;
                self.out.push('\n');
            }
            V::M(es, _) if self.block(v) => {
                self.eol();
                self.entries(indent + 2, es, false);
            }
            V::Anchor(a, inner) if self.block(inner) => {
                self.out += " &";
                self.out += a;
                self.value(indent, key, inner);
            }
            V::L(items) if self.block(v) => {
                self.eol();
                for i in items {
                    self.seq_item(indent + 2, i);
                }
            }
            _ => {
                self.out.push(' ');
                let col = self.col();
                let f = self.flow(v, col);
                self.out += &f;
                self.eol();
            }
        }
    }

    /// `v` in flow style, written from column `col` (spanning lines in the multi-line style).
    fn flow(&self, v: &V, col: usize) -> String {
        self.flow_in(v, col, self.style == Style::MultiFlow)
    }

    /// `v` in flow style; a mapping's entries on lines of their own if `multi`.
    fn flow_in(&self, v: &V, col: usize, multi: bool) -> String {
        match v {
            V::S(s) => self.string(s),
            V::N(s) => s.clone(),
            V::Alias(a) => format!("*{a}"),
            V::Anchor(a, inner) => format!("&{a} {}", self.flow_in(inner, col + a.len() + 2, multi)),
            V::L(items) => {
                format!("[{}]", items.iter().map(|i| self.flow_in(i, col, false)).collect::<Vec<_>>().join(", "))
            }
            V::M(es, _) => {
                let sep = if multi { format!(",\n{}", " ".repeat(col + 1)) } else { ", ".into() };
                let inner: Vec<String> =
                    es.iter().map(|(k, v)| format!("{}: {}", self.key(k), self.flow_in(v, col, false))).collect();
                format!("{{{}}}", inner.join(&sep))
            }
        }
    }
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
    // Collections of the one-file layout, in first-seen order.
    let mut all: Vec<(&'static str, String)> = Vec::new();
    for s in 0..sites {
        let site = format!("site{s:04}");
        let region = s % regions;
        // Each site: 10.(s/256).(s%256).0/24 for p2p and loopbacks split below a /24 per site.
        let (hi, lo) = (s / 256, s % 256);
        // Fabric /31s come from a /23 per site: 10.(s/128).(2*(s%128)).0/23.
        let (p_hi, p_lo) = (s / 128, 2 * (s % 128));
        let p2p = |k: usize| format!("10.{p_hi}.{}.{}", p_lo + k / 256, k % 256);
        let mut cols: Vec<(&'static str, Vec<V>)> = Vec::new();
        cols.push((
            "sites",
            vec![m([("name", st(&site)), ("region", st(&format!("region-{region}"))), ("status", st("active"))])],
        ));
        cols.push((
            "racks",
            ["R1", "R2"].iter().map(|r| m([("name", st(r)), ("site", st(&site)), ("u_height", n(48))])).collect(),
        ));
        cols.push((
            "vlan_groups",
            vec![m([
                ("name", st(&format!("{site}-vlans"))),
                ("site", st(&site)),
                ("min_vid", n(100)),
                ("max_vid", n(199)),
            ])],
        ));
        cols.push((
            "vlans",
            (0..4)
                .map(|v| {
                    let vid = 100 + v * 10;
                    m([("vid", n(vid)), ("name", st(&format!("v{vid}"))), ("group", st(&format!("{site}-vlans")))])
                })
                .collect(),
        ));
        cols.push((
            "prefixes",
            vec![
                m([("prefix", st(&format!("10.{p_hi}.{p_lo}.0/23"))), ("site", st(&site))]),
                m([("prefix", st(&format!("10.{}.{lo}.0/24", 100 + hi))), ("site", st(&site))]),
                m([("prefix", st(&format!("172.{}.{lo}.0/24", 16 + hi))), ("vrf", st("mgmt")), ("site", st(&site))]),
            ],
        ));
        cols.push((
            "config_contexts",
            vec![m([
                ("name", st(&site)),
                ("weight", n(300)),
                ("sites", V::L(vec![st(&site)])),
                (
                    "data",
                    m([
                        (
                            "bgp",
                            m([
                                ("local_as", n(64512 + s as u64 % 1000)),
                                (
                                    "peers",
                                    V::L(vec![
                                        st(&format!("10.{}.{lo}.1", 100 + hi)),
                                        st(&format!("10.{}.{lo}.2", 100 + hi)),
                                    ]),
                                ),
                            ]),
                        ),
                        ("syslog_servers", V::L(vec![st(&format!("10.{hi}.{lo}.250"))])),
                    ]),
                ),
            ])],
        ));
        let n_here = PER_SITE.min(a.devices - made);
        let spines = SPINES.min(n_here);
        let anchors = a.style == Style::Anchors;
        let mut devices = Vec::new();
        for d in 0..n_here {
            let spine = d < spines;
            let name = if spine { format!("{site}-spine{}", d + 1) } else { format!("{site}-leaf{}", d - spines + 1) };
            let (rack, pos) = if d % 2 == 0 { ("R1", 1 + d / 2) } else { ("R2", 1 + d / 2) };
            let mut dev: Vec<(&'static str, V)> = vec![
                ("name", st(&name)),
                ("site", st(&site)),
                ("role", st(if spine { "spine" } else { "leaf" })),
                ("device_type", st(if spine { "acme-sp-48" } else { "acme-lf-48" })),
                ("platform", st(if spine { "eos" } else { "junos" })),
                ("rack", st(rack)),
                ("position", n(pos as u64)),
                ("face", st("front")),
                ("primary_ip4", st(&format!("10.{}.{lo}.{}/32", 100 + hi, d + 1))),
                ("tags", V::L(vec![st("bgp-speaker")])),
                ("custom_fields", m([("router_id", st(&format!("10.{}.{lo}.{}", 100 + hi, d + 1)))])),
            ];
            if rng.below(100) < 3 {
                dev.push(("local_context_data", m([("ntp_servers", V::L(vec![st(&format!("10.{hi}.{lo}.251"))]))])));
            }
            let mut ifs = vec![
                m([
                    ("name", st("lo0")),
                    ("type", st("virtual")),
                    ("ip_addresses", V::L(vec![st(&format!("10.{}.{lo}.{}/32", 100 + hi, d + 1))])),
                ]),
                m([
                    ("name", st("mgmt0")),
                    ("vrf", st("mgmt")),
                    (
                        "ip_addresses",
                        V::L(vec![m([
                            ("address", st(&format!("172.{}.{lo}.{}/24", 16 + hi, d + 10))),
                            ("vrf", st("mgmt")),
                        ])]),
                    ),
                ]),
            ];
            if spine {
                for l in 0..(n_here - spines) {
                    // Spine d, leaf l: the /31 10.hi.lo.(2*(l*SPINES+d)).
                    let k = 2 * (l * SPINES + d);
                    let addr = V::L(vec![st(&format!("{}/31", p2p(k)))]);
                    let name = st(&format!("Ethernet{l}"));
                    ifs.push(if anchors && l > 0 {
                        m([("<<", V::Alias("fabric")), ("name", name), ("ip_addresses", addr)])
                    } else {
                        let i = m([
                            ("name", name),
                            ("mtu", n(9214)),
                            ("tags", V::L(vec![st("ospf_cost=100")])),
                            ("ip_addresses", addr),
                        ]);
                        if anchors { V::Anchor("fabric", Box::new(i)) } else { i }
                    });
                }
            } else {
                let l = d - spines;
                for sp in 0..spines {
                    let k = 2 * (l * SPINES + sp) + 1;
                    ifs.push(m([
                        ("name", st(&format!("et-0/1/{sp}"))),
                        ("mtu", n(9216)),
                        ("ip_addresses", V::L(vec![st(&format!("{}/31", p2p(k)))])),
                    ]));
                }
                let mut first_access = true;
                for p in 0..ACCESS_PORTS.min(40) {
                    if rng.below(4) != 0 {
                        let vid = 100 + 10 * rng.below(4);
                        let mut i = vec![("name", st(&format!("et-0/0/{p}")))];
                        if anchors && !first_access {
                            i.insert(0, ("<<", V::Alias("access")));
                        } else {
                            i.push(("mode", st("access")));
                        }
                        i.push(("untagged_vlan", n(vid)));
                        i.push(("description", st(&format!("host{p}"))));
                        if rng.below(10) == 0 {
                            i.push(("tags", V::L(vec![st("pub")])));
                        }
                        let i = V::M(i, false);
                        ifs.push(if anchors && first_access { V::Anchor("access", Box::new(i)) } else { i });
                        first_access = false;
                    }
                }
            }
            dev.push(("interfaces", V::L(ifs)));
            devices.push((name, V::M(dev, true)));
        }
        let mut cables = Vec::new();
        for l in 0..(n_here - spines) {
            for sp in 0..spines {
                cables.push(m([
                    ("a", st(&format!("{site}-spine{}:Ethernet{l}", sp + 1))),
                    ("b", st(&format!("{site}-leaf{}:et-0/1/{sp}", l + 1))),
                    ("type", st("smf")),
                ]));
            }
        }
        made += n_here;
        match a.layout {
            Layout::Site | Layout::Device => {
                if a.layout == Layout::Site {
                    cols.push(("devices", devices.into_iter().map(|(_, d)| d).collect()));
                } else {
                    for (name, d) in devices {
                        let text = a.style.file(&[("devices", vec![d])]);
                        write(&out.join(format!("inventory/devices/{site}/{name}.yaml")), &text);
                    }
                }
                cols.push(("cables", cables));
                write(&out.join(format!("inventory/sites/{site}.yaml")), &a.style.file(&cols));
            }
            Layout::One => {
                cols.push(("devices", devices.into_iter().map(|(_, d)| d).collect()));
                cols.push(("cables", cables));
                for (name, items) in &cols {
                    let mut w = Writer::new(a.style);
                    w.items(items);
                    match all.iter_mut().find(|(k, _)| k == name) {
                        Some((_, text)) => text.push_str(&w.out),
                        None => all.push((name, w.out)),
                    }
                }
            }
        }
    }
    if a.layout == Layout::One {
        let mut text = String::new();
        for (name, items) in &all {
            let mut w = Writer::new(a.style);
            w.key_line(name);
            text += &w.out;
            text += items;
        }
        write(&out.join("inventory/all.yaml"), &a.style.finish(text));
    }
    eprintln!("wrote {made} devices in {sites} sites to {}", out.display());
}
