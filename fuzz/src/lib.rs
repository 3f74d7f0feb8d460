//! Helpers shared by the fuzz targets: fuzz input → an in-memory repository,
//! loaded by `sot::load::load_files`, as a working tree is, without the filesystem.
//!
//! Input format of the `inventory` target: the layout of the integration tests'
//! fixtures (`tests/common/mod.rs`), with raw bytes instead of `\xNN` escapes:
//!
//! ```text
//! --- sot.yaml
//! render: {undefined: lenient}
//! --- inventory/a.yaml
//! sites: [{name: L1}]
//! --- templates/eos.j2
//! hostname {{ device.name }}
//! ```
//!
//! Anything before the first `--- ` header is ignored. Files are classified by
//! the directories `sot.yaml` configures, as `sot::load` does.

use sot::compile::{Compilation, Options};
use sot::diagnostic::Diagnostic;
use sot::project::Config;
use sot::source::SourceSet;

/// At most this many files per input, so one input stays cheap.
pub const MAX_FILES: usize = 16;

/// `--- PATH` sections of `data`, as (path, bytes).
pub fn split_files(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut cur: Option<(String, Vec<u8>)> = None;
    for line in data.split_inclusive(|&b| b == b'\n') {
        if let Some(h) = line.strip_prefix(b"--- ") {
            if let Some(c) = cur.take() {
                out.push(c);
            }
            if out.len() >= MAX_FILES {
                return out;
            }
            let h = String::from_utf8_lossy(h);
            let h = h.trim_end();
            let h = h.strip_prefix("bytes ").unwrap_or(h);
            cur = Some((h.to_string(), Vec::new()));
        } else if let Some((_, body)) = &mut cur {
            body.extend_from_slice(line);
        }
    }
    out.extend(cur);
    out
}

/// A repository held in memory, ready for [`sot::compile::compile_with`].
pub struct Repo {
    pub sources: SourceSet,
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lay `files` out as `sot::load` does (it is `sot::load::load_files`): `sot.yaml` first
/// (its config decides the directories; an input without one gets an empty one), then
/// inventory, device-type, schema and template files, each kind sorted by path.
pub fn repo(files: &[(String, Vec<u8>)]) -> Repo {
    let mut files = files.to_vec();
    if !files.iter().any(|(p, _)| p == sot::load::PROJECT_FILE) {
        files.push((sot::load::PROJECT_FILE.to_string(), Vec::new()));
    }
    let loaded = sot::load::load_files(&files).expect("an in-memory project with its sot.yaml always loads");
    Repo { sources: loaded.sources, config: loaded.config, diagnostics: loaded.diagnostics }
}

/// A secret resolver that answers every well-formed reference (as `build` would with
/// the secret present), so templates calling `secret()` render.
pub fn fake_secrets() -> sot::template::SecretResolver {
    std::sync::Arc::new(
        |r: &str| if r.ends_with("missing") { Err("not set".into()) } else { Ok(format!("s3cret-{r}")) },
    )
}

/// Compile `repo` as `sot build` does (configs kept, secrets resolved).
pub fn compile(repo: &Repo) -> Compilation {
    let opts = Options { keep_configs: true, secrets: Some(fake_secrets()), ..Default::default() };
    sot::compile::compile_with(&repo.sources, repo.config.clone(), repo.diagnostics.clone(), &opts)
}

/// Everything `check` and `build` do after compiling, in memory: every report
/// format, the build plan with both exports, and the JSON report's shape.
pub fn outputs(repo: &Repo, comp: &Compilation) {
    let summary =
        sot::report::Summary { files: repo.sources.len(), objects: comp.inventory.object_count(), root: None };
    for format in
        [sot::report::Format::Human, sot::report::Format::Json, sot::report::Format::Github, sot::report::Format::Sarif]
    {
        for color in [false, true] {
            if color && format != sot::report::Format::Human {
                continue;
            }
            let mut out = Vec::new();
            sot::report::render(format, &comp.diagnostics, &repo.sources, summary.clone(), color, &mut out)
                .expect("writing to a Vec cannot fail");
            if format == sot::report::Format::Json || format == sot::report::Format::Sarif {
                let v: serde_json::Value = serde_json::from_slice(&out).expect("the JSON report is JSON");
                if format == sot::report::Format::Json {
                    let n = v["diagnostics"].as_array().map_or(0, Vec::len);
                    assert_eq!(n, comp.diagnostics.len(), "every diagnostic is reported");
                }
            }
        }
    }
    let rev = sot::emit::SourceRevision { revision: "fuzz".into(), dirty: None };
    let plan =
        sot::emit::plan(comp, &repo.sources, &rev, &[sot::emit::Target::Ansible, sot::emit::Target::Nornir], &[]);
    if comp.count(sot::diagnostic::Severity::Error) == 0 {
        // What `build` would write: every artifact path stays inside the output directory.
        for a in &plan.artifacts {
            let p = std::path::Path::new(&a.path);
            assert!(
                !p.is_absolute()
                    && !a.path.contains(['\0', '\\'])
                    && p.components().all(|c| matches!(c, std::path::Component::Normal(_))),
                "a clean inventory plans an artifact outside the output: {:?}",
                a.path
            );
        }
    }
}

/// The `yaml` target: bytes into the YAML layer (`sot::yaml`). Parse with the
/// default limits (checking that the fast path agrees with the general parser), lower the tree as a data file and as a device-type file, and
/// check that what `to_yaml` writes (used by `sot show` and the `to_yaml` filter)
/// reads back as the same value.
pub fn fuzz_yaml(data: &[u8]) {
    use sot::source::FileId;
    // As the loader does: a BOM is skipped, other non-UTF-8 input never reaches the parser.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut diags = Vec::new();
    let root = sot::yaml::parse(FileId(0), text, &sot::yaml::Limits::default(), &mut diags);
    // The fast path gives exactly what the general parser gives.
    let mut general_diags = Vec::new();
    let general = sot::yaml::parse_general(FileId(0), text, &sot::yaml::Limits::default(), &mut general_diags);
    assert!(root == general && diags == general_diags, "the fast path and the general parser differ on {text:?}");
    for d in &diags {
        assert!(d.primary.span.start.line >= 1 && d.primary.span.start.col >= 1, "1-based positions: {d:?}");
    }
    let Some(root) = root else {
        assert!(!diags.is_empty(), "a file that does not parse says why");
        return;
    };
    let mut d2 = Vec::new();
    let _ = sot::model::lower_file(&root, &mut d2);
    let _ = sot::model::lower_device_type_file(&root, &mut d2);
    if root.count() > 100_000 {
        return;
    }
    let json = root.to_json();
    let yaml = sot::yaml::dump::to_yaml(&json);
    let mut d3 = Vec::new();
    let back = sot::yaml::parse(FileId(0), &yaml, &sot::yaml::Limits::default(), &mut d3);
    let back = back.unwrap_or_else(|| panic!("to_yaml wrote YAML that does not parse: {d3:?}\n{yaml}"));
    assert!(d3.is_empty(), "to_yaml wrote YAML with problems: {d3:?}\n{yaml}");
    assert_eq!(back.to_json(), json, "to_yaml does not round-trip:\n{yaml}");
}

/// The `inventory` target: a small repository (see [`split_files`] for the
/// layout) through the whole pipeline as `sot check` and `sot build` run it,
/// then every report format, the build plan with exports, the topology, IPAM
/// usage and `show`. Nothing may panic; a clean inventory plans only safe
/// artifact paths.
pub fn fuzz_inventory(data: &[u8]) {
    let files = split_files(data);
    let repo = repo(&files);
    let comp = compile(&repo);
    outputs(&repo, &comp);
    let _ = sot::graph::topology(&comp, None, sot::graph::GraphFormat::Dot);
    let _ = sot::graph::topology(&comp, None, sot::graph::GraphFormat::Mermaid);
    let _ = sot::allocation::usage(&comp.inventory);
    if !comp.inventory.devices.is_empty() {
        let _ = sot::show::device_json(&comp, sot::model::Id::new(0));
        let _ = sot::show::explain(&comp, &repo.sources, sot::model::Id::new(0));
    }
}

/// What a rule applies to: every collection queries know, and two names (one a real
/// collection rules cannot apply to, one no collection).
fn applies_to(n: usize) -> &'static str {
    const UNKNOWN: [&str; 2] = ["config_contexts", "widgets"];
    let known: &[&str] = &sot::view::QUERYABLE;
    let n = n % (known.len() + UNKNOWN.len());
    known.get(n).copied().unwrap_or_else(|| UNKNOWN[n - known.len()])
}

const INVENTORY: &str = r#"tags: [{name: core}, {name: ospf_cost=500}, {name: "route:customer:emea"}]
tenant_groups: [{name: Customers}]
tenants: [{name: Acme Corp, group: customers, custom_fields: {owner: neteng}}]
regions: [{name: Europe}, {name: UK, parent: europe}]
site_groups: [{name: DCs}]
sites:
  - {name: L1, region: uk, group: dcs, tenant: acme-corp, asns: [65001], tags: [core], custom_fields: {opened: 2024-01-31}}
  - {name: L2, region: uk, time_zone: Europe/London}
locations: [{name: Hall 1, site: l1}]
racks: [{name: R1, site: l1, location: hall-1, u_height: 42}]
manufacturers: [{name: Acme}]
device_types:
  - {manufacturer: Acme, model: T1, slug: t1, u_height: 1, is_full_depth: false, interfaces: [{name: eth0, type: 10gbase-x-sfpp}, {name: eth1, type: 10gbase-x-sfpp}, {name: mgmt0, type: 1000base-t, mgmt_only: true}]}
device_roles: [{name: Spine, color: ff0000}, {name: Leaf}]
platforms: [{name: EOS, manufacturer: acme, config_template: fuzz}]
vrfs: [{name: mgmt, rd: "65000:1"}]
vlan_groups: [{name: Users, site: l1, min_vid: 100, max_vid: 199}]
vlans:
  - {vid: 110, name: users, group: users}
  - {vid: 20, name: voice, site: l1}
prefixes:
  - {prefix: 10.0.0.0/24, site: l1, tags: [core], custom_fields: {owner: neteng}}
  - {prefix: 192.0.2.0/24}
  - {prefix: 172.16.0.0/16, vrf: mgmt, is_pool: true}
  - {prefix: "2001:db8::/64"}
devices:
  - name: s1
    site: l1
    role: spine
    device_type: t1
    platform: eos
    tenant: acme-corp
    rack: R1
    position: 40
    face: front
    serial: ABC123
    primary_ip4: 192.0.2.1/32
    tags: [core]
    custom_fields: {owner: neteng, router_id: 192.0.2.1}
    local_context_data: {bgp: {local_as: 65001, neighbors: [{ip: 10.0.0.1, as: 65002}]}}
    interfaces:
      - {name: eth0, description: to l1, mtu: 9214, tags: [ospf_cost=500, "route:customer:emea"], ip_addresses: [10.0.0.0/31, {address: "2001:db8::1/64", role: anycast}]}
      - {name: eth1, mode: access, untagged_vlan: 20}
      - {name: Loopback0, type: virtual, ip_addresses: [192.0.2.1/32]}
      - {name: Port-Channel1, type: lag}
      - {name: mgmt0, vrf: mgmt, ip_addresses: [{address: 172.16.0.5/16, vrf: mgmt, dns_name: s1.example.net}]}
  - name: l1
    site: l1
    role: leaf
    device_type: t1
    platform: eos
    interfaces:
      - {name: eth0, mtu: 1500, lag: Port-Channel1, ip_addresses: [10.0.0.1/31]}
      - {name: eth1, mode: tagged, tagged_vlans: [20, {group: users, vid: 110}]}
      - {name: Port-Channel1, type: lag}
  - {name: l2, site: l2, role: leaf, device_type: t1, platform: eos, status: planned}
cables:
  - {a: "s1:eth0", b: "l1:eth0", type: cat6, length: 3, length_unit: m}
providers: [{name: Colt}]
circuit_types: [{name: Transit}]
circuits:
  - {cid: C-1, provider: colt, type: transit, commit_rate: 1000, terminations: {A: l1, Z: "l2:eth0"}}
custom_fields:
  - {name: owner, type: text, object_types: [dcim.device, tenancy.tenant, ipam.prefix]}
  - {name: router_id, type: text, object_types: [dcim.device]}
  - {name: opened, type: date, object_types: [dcim.site]}
config_contexts:
  - {name: global, weight: 100, data: {ntp_servers: [10.0.0.1, 10.0.0.2], syslog_servers: [10.0.0.9], syslog: {host: 10.0.0.9, port: 514}}}
  - name: spines
    weight: 400
    roles: [spine]
    data:
      bgp: {local_as: 65000, route_reflector: true, cluster_id: 10.1.255.0, maximum_paths: 4, peers: [{ip: 10.0.0.1, remote_as: 65001, description: l1}], external_peers: []}
      bfd: {min_interval: 300, multiplier: 3}
      eos: {mgmt_vrf: MGMT, routing_model: multi-agent, spanning_tree_mode: none}
      junos: {mgmt_instance: mgmt_junos, root_ssh: deny}
  - {name: l1, weight: 300, sites: [l1], tags: [], data: {dns: [192.0.2.53]}}
"#;

/// `s` as a YAML double-quoted scalar (printable ASCII as is, the rest escaped).
fn dq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// The `rules` target: team rules and device templates against a small fixed
/// inventory (`sot::rules`, `sot::jinja`, `sot::template`, `sot::view`).
///
/// Input: one flag byte, then up to five NUL-separated UTF-8 (lossy) parts:
/// `assert`, `where`, `message`, a device template (`templates/fuzz.j2`, used by
/// every device) and a partial (`templates/partials/fuzz.j2`) it may include or
/// import. Flags: bits 0-4 choose `applies_to`, bit 5 lenient undefined, bit 6
/// `trim_blocks: false`, bit 7 `severity: warning`. An empty part takes a
/// default (`where` and `message`: left out).
pub fn fuzz_rules(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let mut next = || parts.next().filter(|p| !p.is_empty());
    let assert = next().unwrap_or("true").to_string();
    let where_ = next().map(str::to_string);
    let message = next().map(str::to_string);
    let template = next().unwrap_or("hostname {{ device.name }}\n").to_string();
    let partial = next().unwrap_or("{% macro label(x) %}{{ x.name if x is mapping else x }}{% endmacro %}").to_string();

    let applies_to = applies_to(usize::from(flags & 0x1f));
    let mut rule = format!("rules:\n  - name: fuzz\n    applies_to: {applies_to}\n    assert: {}\n", dq(&assert));
    if let Some(w) = &where_ {
        rule.push_str(&format!("    where: {}\n", dq(w)));
    }
    if let Some(m) = &message {
        rule.push_str(&format!("    message: {}\n", dq(m)));
    }
    if flags & 0x80 != 0 {
        rule.push_str("    severity: warning\n");
    }
    let mut project = String::new();
    if flags & 0x20 != 0 {
        project.push_str("  undefined: lenient\n");
    }
    if flags & 0x40 != 0 {
        project.push_str("  trim_blocks: false\n");
    }
    if !project.is_empty() {
        project.insert_str(0, "render:\n");
    }
    let files: Vec<(String, Vec<u8>)> = vec![
        ("sot.yaml".into(), project.into_bytes()),
        ("inventory/base.yaml".into(), INVENTORY.as_bytes().to_vec()),
        ("inventory/rules.yaml".into(), rule.into_bytes()),
        ("templates/fuzz.j2".into(), template.into_bytes()),
        ("templates/partials/fuzz.j2".into(), partial.into_bytes()),
        // The example's partials, so its device templates render as seeds.
        ("templates/partials/ntp.j2".into(), include_bytes!("../../templates/partials/ntp.j2").to_vec()),
        ("templates/partials/syslog.j2".into(), include_bytes!("../../templates/partials/syslog.j2").to_vec()),
    ];
    let repo = repo(&files);
    let comp = compile(&repo);
    outputs(&repo, &comp);
}
