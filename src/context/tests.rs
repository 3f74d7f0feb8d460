use super::*;
use crate::source::{FileKind, SourceSet};

fn compile(text: &str) -> crate::compile::Compilation {
    let mut s = SourceSet::default();
    s.add("inventory/a.yaml", FileKind::Inventory, text);
    crate::compile::compile(&s, crate::project::Config::default(), Vec::new())
}

const BASE: &str = "
regions: [{name: Europe}, {name: UK, parent: europe}, {name: London, parent: uk}]
sites: [{name: london-dc1, region: london}, {name: paris-dc1, region: europe}]
manufacturers: [{name: Acme}]
device_types: [{manufacturer: Acme, model: T1, slug: t1, u_height: 1, is_full_depth: false}]
device_roles: [{name: spine}, {name: leaf}]
tags: [{name: bgp-speaker}]
devices:
  - {name: lon1-spine1, site: london-dc1, role: spine, device_type: t1}
  - {name: lon1-leaf1, site: london-dc1, role: leaf, device_type: t1, tags: [bgp-speaker]}
  - {name: par1-spine1, site: paris-dc1, role: spine, device_type: t1, local_context_data: {syslog_servers: [10.3.0.10]}}
";

#[test]
fn the_articles_example_merges_as_netbox_does() {
    let comp = compile(&format!(
        "{BASE}
config_contexts:
  - {{name: Global NTP and Syslog, weight: 100, data: {{ntp_servers: [10.0.0.1, 10.0.0.2], syslog_servers: [10.0.0.10]}}}}
  - {{name: London NTP, weight: 300, sites: [london-dc1], data: {{ntp_servers: [10.1.0.1]}}}}
  - {{name: Spine BGP, weight: 400, roles: [spine], data: {{bgp: {{local_as: 65001, router_id: 192.0.2.1}}}}}}
"
    ));
    assert!(comp.diagnostics.is_empty(), "{:#?}", comp.diagnostics);
    let matcher = Matcher::new(&comp.inventory);
    let ctx = Contexts::new(&comp.inventory, &matcher);
    let spine = &comp.inventory.devices[0];
    let merged = ctx.merged(spine).to_json();
    assert_eq!(
        merged,
        serde_json::json!({
            "ntp_servers": ["10.1.0.1"],
            "syslog_servers": ["10.0.0.10"],
            "bgp": {"local_as": 65001, "router_id": "192.0.2.1"}
        })
    );
    // Provenance: London NTP set ntp_servers over the global context.
    let m = ctx.merged(spine);
    let (entry, _) = m.lookup(&["ntp_servers".to_string()]).unwrap();
    let Source::Context(c) = entry.source else { panic!("set by a context") };
    assert_eq!(comp.inventory.config_contexts[c.index()].name.value, "London NTP");
    assert_eq!(entry.overrode.len(), 1);
    // Paris: no London NTP; local context data wins last.
    let paris = ctx.merged(&comp.inventory.devices[2]).to_json();
    assert_eq!(paris["ntp_servers"], serde_json::json!(["10.0.0.1", "10.0.0.2"]));
    assert_eq!(paris["syslog_servers"], serde_json::json!(["10.3.0.10"]));
}

#[test]
fn regions_match_descendants_and_lists_and_across_kinds() {
    let comp = compile(&format!(
        "{BASE}
config_contexts:
  - {{name: europe, regions: [europe], data: {{a: 1}}}}
  - {{name: uk-spines, regions: [uk], roles: [spine], data: {{b: 1}}}}
  - {{name: tagged, tags: [bgp-speaker], data: {{c: 1}}}}
  - {{name: off, is_active: false, data: {{d: 1}}}}
"
    ));
    let matcher = Matcher::new(&comp.inventory);
    let ctx = Contexts::new(&comp.inventory, &matcher);
    let keys = |i: usize| -> Vec<String> {
        ctx.merged(&comp.inventory.devices[i]).to_json().as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(keys(0), ["a", "b"]);
    assert_eq!(keys(1), ["a", "c"]);
    assert_eq!(keys(2), ["a", "syslog_servers"]);
}

#[test]
fn mappings_merge_deeply_lists_replace_and_empty_maps_replace() {
    let comp = compile(&format!(
        "{BASE}
config_contexts:
  - {{name: a, weight: 100, data: {{bgp: {{asn: 1, peers: [x, y], timers: {{hold: 9}}}}}}}}
  - {{name: b, weight: 200, data: {{bgp: {{peers: [z], timers: {{}}}}}}}}
  - {{name: c, weight: 300, data: {{bgp: {{extra: {{}}}}}}}}
  - {{name: d, weight: 400, data: {{}}}}
"
    ));
    let matcher = Matcher::new(&comp.inventory);
    let ctx = Contexts::new(&comp.inventory, &matcher);
    let m = ctx.merged(&comp.inventory.devices[0]).to_json();
    // NetBox: `timers: {}` replaces `{hold: 9}`; a context's empty `data` changes nothing.
    assert_eq!(m.to_string(), r#"{"bgp":{"asn":1,"peers":["z"],"timers":{},"extra":{}}}"#);
    // The leaves without their paths are the leaves with them, in the same order, each
    // set by the context that won it.
    let merged = ctx.merged(&comp.inventory.devices[0]);
    let with_paths = merged.leaves();
    let paths: Vec<&str> = with_paths.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["bgp.asn", "bgp.peers", "bgp.timers", "bgp.extra"]);
    let entries = merged.leaf_entries();
    assert_eq!(entries.len(), with_paths.len());
    for (e, (_, w)) in entries.iter().zip(&with_paths) {
        assert!(std::ptr::eq(*e, *w));
    }
    // The empty mapping is b's: it replaced a's value.
    let (timers, _) = merged.lookup(&["bgp".to_string(), "timers".to_string()]).unwrap();
    let Source::Context(b) = timers.source else { panic!("set by a context") };
    assert_eq!(comp.inventory.config_contexts[b.index()].name.value, "b");
    assert_eq!(timers.overrode.len(), 1);
}

#[test]
fn keys_come_in_netboxs_order_length_then_bytes_then_merge_order() {
    // Measured on NetBox 4.7.3: each context's data is stored as jsonb (keys by length,
    // then bytes, in every nested mapping and in mappings inside lists); merging keeps a
    // key's first position and appends new keys; local context data is ordered alike.
    let comp = compile(&format!(
        "{BASE}
config_contexts:
  - {{name: a, weight: 100, data: {{bgp: {{local_as: 65000, peers: [{{remote_as: 2, ip: 1.1.1.1, description: d}}], route_reflector: true, maximum_paths: 4}}, emptyme: {{x: 1}}, zz: {{c: 3}}}}}}
  - {{name: b, weight: 200, data: {{bgp: {{cluster_id: 1.1.1.1}}, emptyme: {{}}, B: 1, a: 1}}}}
"
    ));
    let matcher = Matcher::new(&comp.inventory);
    let ctx = Contexts::new(&comp.inventory, &matcher);
    assert_eq!(
        ctx.merged(&comp.inventory.devices[0]).to_json().to_string(),
        r#"{"zz":{"c":3},"bgp":{"peers":[{"ip":"1.1.1.1","remote_as":2,"description":"d"}],"local_as":65000,"maximum_paths":4,"route_reflector":true,"cluster_id":"1.1.1.1"},"emptyme":{},"B":1,"a":1}"#
    );
    // par1-spine1 has local context data: merged last, in jsonb order too.
    let par = ctx.merged(&comp.inventory.devices[2]).to_json().to_string();
    assert!(par.ends_with(r#""a":1,"syslog_servers":["10.3.0.10"]}"#), "{par}");
}

#[test]
fn tenant_groups_match_the_tenants_own_group_only() {
    // NetBox 4.7.3 (measured): unlike regions, site groups and locations, a context listing
    // a tenant group does not apply to tenants of its child groups.
    let comp = compile(
        &format!(
            "{BASE}
tenant_groups: [{{name: parent}}, {{name: child, parent: parent}}]
tenants: [{{name: t1, group: child}}]
config_contexts:
  - {{name: on-parent, tenant_groups: [parent], data: {{parent: true}}}}
  - {{name: on-child, tenant_groups: [child], data: {{child: true}}}}
"
        )
        .replace("device_type: t1}\n", "device_type: t1, tenant: t1}\n"),
    );
    let matcher = Matcher::new(&comp.inventory);
    let ctx = Contexts::new(&comp.inventory, &matcher);
    let m = ctx.merged(&comp.inventory.devices[0]).to_json();
    assert_eq!(m, serde_json::json!({"child": true}));
}

#[test]
fn equal_weights_break_ties_by_name() {
    let comp = compile(&format!(
        "{BASE}
config_contexts:
  - {{name: zeta, weight: 100, data: {{x: zeta}}}}
  - {{name: alpha, weight: 100, data: {{x: alpha}}}}
"
    ));
    let matcher = Matcher::new(&comp.inventory);
    let ctx = Contexts::new(&comp.inventory, &matcher);
    assert_eq!(ctx.merged(&comp.inventory.devices[0]).to_json()["x"], "zeta");
    let tie = |comp: &crate::compile::Compilation| {
        let d = comp.diagnostics.iter().find(|d| d.code == crate::diagnostic::Code::ContextWeightTie);
        d.map(|d| d.message.clone()).unwrap_or_default()
    };
    assert!(tie(&comp).ends_with("on `lon1-spine1` and 2 other devices with different values"), "{}", tie(&comp));
    // Two devices: the other one, in the singular.
    let comp = compile(&format!(
        "{BASE}
config_contexts:
  - {{name: zeta, weight: 100, sites: [london-dc1], data: {{x: zeta}}}}
  - {{name: alpha, weight: 100, sites: [london-dc1], data: {{x: alpha}}}}
"
    ));
    assert!(tie(&comp).ends_with("on `lon1-spine1` and 1 other device with different values"), "{}", tie(&comp));
}

/// A small reference model of NetBox's rules, checked against the real thing
/// on random inventories.
mod reference {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;

    #[derive(Debug, Clone)]
    struct Ctx {
        weight: u16,
        name: String,
        regions: Vec<usize>,
        sites: Vec<usize>,
        roles: Vec<usize>,
        tags: Vec<usize>,
        active: bool,
        data: Value,
    }

    // Universe: regions r0 > r1 > r2 (a chain), sites s0 (r2), s1 (r1), s2 (no region);
    // roles ro0, ro1; tags t0, t1. Devices: every (site, role) with tag set by index.
    const REGION_OF_SITE: [Option<usize>; 3] = [Some(2), Some(1), None];

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![any::<u8>().prop_map(|n| json!(n)), "[a-c]".prop_map(|s| json!(s)), Just(json!([1, 2]))]
    }

    fn data() -> impl Strategy<Value = Value> {
        leaf()
            .prop_recursive(3, 12, 3, |inner| {
                prop::collection::btree_map(prop::sample::select(vec!["p", "qq", "r", "aaa"]), inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
            })
            .prop_map(|v| if v.is_object() { v } else { json!({ "k": v }) })
    }

    fn ctx() -> impl Strategy<Value = Ctx> {
        (
            prop::sample::select(vec![100u16, 200, 300]),
            "[a-d]{1,2}",
            prop::collection::vec(0..3usize, 0..2),
            prop::collection::vec(0..3usize, 0..2),
            prop::collection::vec(0..2usize, 0..2),
            prop::collection::vec(0..2usize, 0..2),
            prop::bool::weighted(0.85),
            data(),
        )
            .prop_map(|(weight, name, regions, sites, roles, tags, active, data)| Ctx {
                weight,
                name,
                regions,
                sites,
                roles,
                tags,
                active,
                data,
            })
    }

    fn deepmerge(a: &mut Value, b: &Value) {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, v) in b {
                    match a.get_mut(k) {
                        // NetBox merges into a mapping only a non-empty mapping.
                        Some(x) if x.is_object() && v.as_object().is_some_and(|v| !v.is_empty()) => deepmerge(x, v),
                        _ => {
                            a.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            (a, b) => *a = b.clone(),
        }
    }

    fn region_matches(listed: usize, site: usize) -> bool {
        // The chain r0 > r1 > r2: listing r_k matches sites whose region is r_k or deeper.
        REGION_OF_SITE[site].is_some_and(|r| r >= listed)
    }

    fn expected(ctxs: &[Ctx], site: usize, role: usize, tags: &[usize]) -> Value {
        let mut applicable: Vec<&Ctx> = ctxs
            .iter()
            .filter(|c| c.active)
            .filter(|c| c.regions.is_empty() || c.regions.iter().any(|&r| region_matches(r, site)))
            .filter(|c| c.sites.is_empty() || c.sites.contains(&site))
            .filter(|c| c.roles.is_empty() || c.roles.contains(&role))
            .filter(|c| c.tags.is_empty() || c.tags.iter().any(|t| tags.contains(t)))
            .collect();
        applicable.sort_by(|a, b| (a.weight, &a.name).cmp(&(b.weight, &b.name)));
        let mut out = json!({});
        for c in applicable {
            deepmerge(&mut out, &crate::context::merge::to_jsonb(c.data.clone()));
        }
        out
    }

    fn yaml_list(prefix: &str, v: &[usize]) -> String {
        let mut v = v.to_vec();
        v.sort();
        v.dedup();
        format!("[{}]", v.iter().map(|i| format!("{prefix}{i}")).collect::<Vec<_>>().join(", "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn merge_matches_the_reference(ctxs in prop::collection::vec(ctx(), 0..6)) {
            // Names must be unique: suffix the index.
            let ctxs: Vec<Ctx> = ctxs.into_iter().enumerate().map(|(i, mut c)| { c.name = format!("{}{i}", c.name); c }).collect();
            let mut y = String::from("regions: [{name: r0}, {name: r1, parent: r0}, {name: r2, parent: r1}]\n");
            y += "sites: [{name: s0, region: r2}, {name: s1, region: r1}, {name: s2}]\n";
            y += "manufacturers: [{name: m}]\ndevice_types: [{manufacturer: m, model: t, slug: t, u_height: 1, is_full_depth: false}]\n";
            y += "device_roles: [{name: ro0}, {name: ro1}]\ntags: [{name: t0}, {name: t1}]\ndevices:\n";
            let mut devs = Vec::new();
            for site in 0..3 {
                for role in 0..2 {
                    let tags: Vec<usize> = match (site + role) % 3 { 0 => vec![], 1 => vec![0], _ => vec![0, 1] };
                    y += &format!("  - {{name: d{site}{role}, site: s{site}, role: ro{role}, device_type: t, tags: {}}}\n", yaml_list("t", &tags));
                    devs.push((site, role, tags));
                }
            }
            y += "config_contexts:\n";
            for c in &ctxs {
                y += &format!(
                    "  - {{name: {}, weight: {}, is_active: {}, regions: {}, sites: {}, roles: {}, tags: {}, data: {}}}\n",
                    c.name, c.weight, c.active, yaml_list("r", &c.regions), yaml_list("s", &c.sites),
                    yaml_list("ro", &c.roles), yaml_list("t", &c.tags), c.data
                );
            }
            let comp = compile(&y);
            let matcher = Matcher::new(&comp.inventory);
    let ctx = Contexts::new(&comp.inventory, &matcher);
            for (i, (site, role, tags)) in devs.iter().enumerate() {
                let got = ctx.merged(&comp.inventory.devices[i]).to_json();
                // Compared as text: the key order is NetBox's too.
                prop_assert_eq!(got.to_string(), expected(&ctxs, *site, *role, tags).to_string(), "device d{}{}", site, role);
            }
        }
    }
}

#[test]
fn an_empty_mapping_that_replaces_is_an_effect_and_shadows_what_it_replaced() {
    // W0405 follows NetBox's merge: `bgp: {}` at a higher weight replaces the lower `bgp`, so
    // the context that writes it has an effect and the one it replaced has none.
    let comp = compile(&format!(
        "{BASE}
config_contexts:
  - {{name: old, weight: 100, data: {{bgp: {{asn: 1}}}}}}
  - {{name: wipe, weight: 200, data: {{bgp: {{}}}}}}
"
    ));
    let shadowed: Vec<&str> = comp
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::diagnostic::Code::ContextShadowed)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(shadowed, ["every value of context `old` is overridden on all 3 devices it applies to"]);
}
