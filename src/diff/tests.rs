//! `run` against the full comparison (every device rendered on both sides): the same
//! report, with fewer renderings.

use super::*;
use crate::source::{FileKind, IdRegistry};

const BASE: &[(&str, &str)] = &[
    (
        "templates/t.j2",
        "hostname {{ device.name }} {{ device.serial }}\n{% for i in device.interfaces if i.link_peer %}\n{% include 'partials/peer.j2' %}\n{% endfor %}\n",
    ),
    ("templates/partials/peer.j2", "interface {{ i.name }} to {{ i.link_peer.device.name }} ({{ i.link_peer.description }})\n"),
    ("templates/other.j2", "unused\n"),
    (
        "inventory/dcim.yaml",
        "sites: [{name: lon1}, {name: ams1}]
manufacturers: [{name: M}]
device_types: [{manufacturer: M, model: T, slug: t, u_height: 1, is_full_depth: false, interfaces: [{name: e1, type: 10gbase-x-sfpp}, {name: e2, type: 10gbase-x-sfpp}]}]
device_roles: [{name: R, config_template: t}]
",
    ),
    (
        "inventory/devices.yaml",
        "devices:
  - {name: a1, site: lon1, role: r, device_type: t}
  - {name: a2, site: lon1, role: r, device_type: t, interfaces: [{name: e1, description: to-a1}]}
  - {name: a3, site: lon1, role: r, device_type: t}
  - {name: b1, site: ams1, role: r, device_type: t}
  - {name: b2, site: ams1, role: r, device_type: t}
cables:
  - {a: \"a1:e1\", b: \"a2:e1\"}
  - {a: \"b1:e1\", b: \"b2:e1\"}
",
    ),
];

fn sources(ids: &IdRegistry, files: &[(&str, String)]) -> SourceSet {
    let mut s = SourceSet::with_registry(ids.clone());
    s.add("sot.yaml", FileKind::Project, "");
    for (p, t) in files {
        let kind = if p.starts_with("templates/") { FileKind::Template } else { FileKind::Inventory };
        s.add(*p, kind, t.as_str());
    }
    s
}

/// `BASE` with `edit` applied to the file at `path`.
fn changed(path: &str, edit: impl Fn(&str) -> String) -> Vec<(&'static str, String)> {
    edited(&base(), path, edit)
}

/// `files` with `edit` applied to the file at `path`.
fn edited(files: &[(&'static str, String)], path: &str, edit: impl Fn(&str) -> String) -> Vec<(&'static str, String)> {
    files.iter().map(|(p, t)| (*p, if *p == path { edit(t) } else { t.clone() })).collect()
}

/// `BASE`, owned.
fn base() -> Vec<(&'static str, String)> {
    BASE.iter().map(|(p, t)| (*p, t.to_string())).collect()
}

/// Compare `BASE` with `head` both ways; check they agree and return the run.
fn compare(head: &[(&str, String)]) -> Run {
    compare_with(&base(), head)
}

/// Compare `base` with `head` with [`run`] and with every device rendered on both sides;
/// check the reports are the same and return the run.
fn compare_with(base: &[(&str, String)], head: &[(&str, String)]) -> Run {
    let ids = IdRegistry::default();
    let (b, h) = (sources(&ids, base), sources(&ids, head));
    let input = |s| Input { label: "x".into(), sources: s, config: Config::default(), diagnostics: Vec::new() };
    let run = run(input(&b), input(&h));
    let full = run_rendering(input(&b), input(&h), true);
    assert_eq!(full.rendered, full.devices);
    assert_eq!(output::json(&run.report), output::json(&full.report));
    assert_eq!(output::text(&run.report, false), output::text(&full.report, false));
    // And against `check`'s own rendering: the same devices' configurations differ.
    let opts = crate::compile::Options { keep_configs: true, ..Default::default() };
    let configs = |s: &SourceSet| -> BTreeMap<String, String> {
        let mut c = crate::compile::compile_with(s, Config::default(), vec![], &opts);
        let kept = c.configs.take().expect("kept");
        c.inventory.devices.iter().zip(kept).filter_map(|(d, c)| Some((d.name.value.to_string(), c?))).collect()
    };
    let (cb, ch) = (configs(&b), configs(&h));
    let differ: BTreeSet<&String> = cb.keys().chain(ch.keys()).filter(|n| cb.get(*n) != ch.get(*n)).collect();
    let reported: BTreeSet<&String> =
        run.report.devices.iter().filter(|d| !d.config_diff.is_empty()).map(|d| &d.device).collect();
    assert_eq!(differ, reported);
    run
}

fn devices(run: &Run) -> Vec<&str> {
    run.report.devices.iter().map(|d| d.device.as_str()).collect()
}

#[test]
fn unchanged_devices_are_not_rendered() {
    // Nothing changed: nothing is rendered.
    let r = compare(&base());
    assert_eq!((r.devices, r.rendered), (10, 0));
    assert!(r.report.devices.is_empty() && r.report.events.is_empty());
    // a3 (cabled to nothing) changes: a3 alone is rendered, on each side.
    let r = compare(&changed("inventory/devices.yaml", |t| {
        t.replace("{name: a3, site: lon1,", "{name: a3, serial: S3, site: lon1,")
    }));
    assert_eq!(r.rendered, 2);
    assert_eq!(devices(&r), ["a3"]);
    // A new VLAN and a template no device uses change no device's inputs.
    let mut head = changed("templates/other.j2", |_| "changed\n".into());
    head.push(("inventory/vlans.yaml", "vlans: [{vid: 10, name: v10, site: lon1}]\n".into()));
    let r = compare(&head);
    assert_eq!(r.rendered, 0);
    assert_eq!(r.report.summary.objects_created, 1);
}

#[test]
fn a_change_seen_through_a_cable_is_reported() {
    // a1's config shows its peer's description: a2's interface changes a1's config.
    let r = compare(&changed("inventory/devices.yaml", |t| t.replace("description: to-a1", "description: to-a1-new")));
    assert_eq!(devices(&r), ["a1"]);
    assert!(
        r.report.devices[0].config_diff.contains("+interface e1 to a2 (to-a1-new)"),
        "{}",
        r.report.devices[0].config_diff
    );
    // a1 and a2 are rendered on each side (a2 is cabled to a1); ams1's devices are not.
    assert_eq!(r.rendered, 2 * 2);
    // A peer's merged context, read through the cable, is an input too.
    let mut base =
        changed("templates/partials/peer.j2", |t| t.replace(")\n", ") {{ i.link_peer.device.config_context.x }}\n"));
    base.push(("inventory/ctx.yaml", "config_contexts: [{name: c, weight: 100, data: {x: 1}}, {name: d, weight: 300, sites: [ams1], data: {x: 2}}]\n".into()));
    let mut head = base.clone();
    head.last_mut().expect("pushed").1 = head.last().expect("pushed").1.replace("x: 2", "x: 3");
    let r = compare_with(&base, &head);
    assert_eq!(devices(&r), ["b1", "b2"]);
    assert!(
        r.report.devices[0].config_diff.contains("+interface e1 to b2 () 3"),
        "{}",
        r.report.devices[0].config_diff
    );
    assert_eq!(r.rendered, 2 * 2);
}

#[test]
fn a_change_to_an_included_template_is_reported() {
    let r = compare(&changed("templates/partials/peer.j2", |t| t.replace("interface ", "port ")));
    assert_eq!(devices(&r), ["a1", "a2", "b1", "b2"]);
    // Every device renders with t.j2, which includes the partial: all rendered, on each side.
    assert_eq!(r.rendered, 10);
    // A template naming `inventory` reads every device: any device change renders it.
    let head = changed("templates/t.j2", |t| format!("{t}{{{{ inventory.devices | length }}}}\n"));
    let r = compare(&head);
    assert_eq!(r.rendered, 10);
}

#[test]
fn render_failures_are_compared_device_by_device() {
    // Every device but the one with serial `ok` fails.
    let err = |t: &str| t.replace("{{ device.serial }}", "{% if device.serial != 'ok' %}{{ nope.x }}{% endif %}");
    let ok_a1 = |t: &str| t.replace("{name: a1,", "{name: a1, serial: ok,");
    let devices = "inventory/devices.yaml";
    let working = changed(devices, ok_a1);
    let broken = edited(&working, "templates/t.j2", err);
    let r = compare_with(&working, &broken);
    assert_eq!((r.report.summary.diagnostics_introduced, r.rendered), (1, 10));
    assert!(
        r.report.introduced[0]
            .message
            .ends_with("template fails for device `a2`: undefined value: `nope` is undefined (and 3 other devices)"),
        "{:?}",
        r.report.introduced
    );
    // a3 changes but fails as before: nothing introduced or fixed.
    let head = edited(&broken, devices, |t| t.replace("{name: a3,", "{name: a3, serial: S,"));
    let r = compare_with(&broken, &head);
    assert_eq!((r.report.summary.diagnostics_introduced, r.report.summary.diagnostics_fixed, r.rendered), (0, 0, 2));
    // a1 breaks too: the failure is a1's alone, though four devices fail alike and the
    // others are not rendered.
    let head = edited(&broken, devices, |t| t.replace("{name: a1, serial: ok,", "{name: a1, serial: bad,"));
    let r = compare_with(&broken, &head);
    assert_eq!((r.report.summary.diagnostics_introduced, r.report.summary.diagnostics_fixed, r.rendered), (1, 0, 4));
    assert!(
        r.report.introduced[0].message.ends_with("for device `a1`: undefined value: `nope` is undefined"),
        "{:?}",
        r.report.introduced
    );
    assert_eq!(r.report.introduced[0].file, "templates/t.j2");
    // Two devices named a3 (an error of its own), one failing: the other breaks too. The
    // failures pair off one to one, so one is introduced, rendered or not.
    let twins = edited(&broken, devices, |t| {
        t.replace("cables:", "  - {name: a3, serial: ok, site: lon1, role: r, device_type: t}\ncables:")
    });
    let head = edited(&twins, devices, |t| t.replace("{name: a3, serial: ok,", "{name: a3, serial: bad,"));
    let r = compare_with(&twins, &head);
    assert_eq!((r.report.summary.diagnostics_introduced, r.report.summary.diagnostics_fixed, r.rendered), (1, 0, 2));
    assert!(r.report.introduced[0].message.ends_with("for device `a3`: undefined value: `nope` is undefined"));
    // b2 removed: its failure is fixed; b1 (its cable gone) still fails.
    let head = edited(&broken, devices, |t| {
        t.replace("  - {name: b2, site: ams1, role: r, device_type: t}\n", "")
            .replace("  - {a: \"b1:e1\", b: \"b2:e1\"}\n", "")
    });
    let r = compare_with(&broken, &head);
    assert_eq!((r.report.summary.diagnostics_introduced, r.report.summary.diagnostics_fixed), (0, 1));
    assert!(
        r.report.fixed[0].message.ends_with("for device `b2`: undefined value: `nope` is undefined"),
        "{:?}",
        r.report.fixed
    );
}

/// Two objects of one key on a side are reported as such, not paired into an update.
#[test]
fn a_key_written_twice_is_reported_not_paired() {
    // Site ams1 is defined twice in head, the second with a description: not an update.
    let head =
        changed("inventory/dcim.yaml", |t| t.replace("{name: ams1}]", "{name: ams1}, {name: ams1, description: x}]"));
    let r = compare(&head);
    let d = &r.report.duplicates;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].model, d[0].key.as_str(), d[0].base, d[0].head), ("dcim.site", "ams1", 1, 2));
    assert!(
        !r.report.events.iter().any(|e| e.model == "dcim.site"),
        "{:?}",
        r.report.events.iter().map(|e| (e.event, e.model, &e.key)).collect::<Vec<_>>()
    );
    let text = output::text(&r.report, false);
    assert!(text.contains("dcim.site ams1: 1 object in base, 2 objects in head"), "{text}");
    let md = output::markdown(&r.report, 0);
    assert!(md.contains("**Keys written more than once**"), "{md}");
}

/// Events replay in order: created parents before children, deleted children before
/// parents; fields as NetBox names them.
#[test]
fn events_are_ordered_by_dependency_with_netbox_fields() {
    let head = changed("inventory/devices.yaml", |t| {
        t.replace("  - {name: b1, site: ams1, role: r, device_type: t}\n", "")
            .replace("  - {a: \"b1:e1\", b: \"b2:e1\"}\n", "")
            .replace(
                "cables:",
                "  - {name: c1, site: ams1, role: r, device_type: t}\ncables:\n  - {a: \"c1:e2\", b: \"b2:e2\"}",
            )
    });
    let mut head = head;
    head.push(("inventory/sites.yaml", "sites: [{name: par1}]\n".into()));
    let r = compare(&head);
    let order: Vec<(&str, &str, &str)> = r.report.events.iter().map(|e| (e.event, e.model, e.key.as_str())).collect();
    let at = |ev: &str, model: &str, key: &str| {
        order.iter().position(|x| *x == (ev, model, key)).unwrap_or_else(|| panic!("{ev} {model} {key}: {order:?}"))
    };
    assert!(at("created", "dcim.site", "par1") < at("created", "dcim.device", "c1"), "{order:?}");
    assert!(at("created", "dcim.device", "c1") < at("created", "dcim.interface", "c1:e1"), "{order:?}");
    assert!(at("created", "dcim.interface", "c1:e2") < at("created", "dcim.cable", "b2:e2 <> c1:e2"), "{order:?}");
    assert!(at("deleted", "dcim.cable", "b1:e1 <> b2:e1") < at("deleted", "dcim.interface", "b1:e1"), "{order:?}");
    assert!(at("deleted", "dcim.interface", "b1:e1") < at("deleted", "dcim.device", "b1"), "{order:?}");
    assert!(at("created", "dcim.cable", "b2:e2 <> c1:e2") < at("deleted", "dcim.cable", "b1:e1 <> b2:e1"));
    let json: serde_json::Value = serde_json::from_str(&output::json(&r.report)).unwrap();
    let find = |model: &str, key: &str| {
        json["events"].as_array().unwrap().iter().find(|e| e["model"] == model && e["key"] == key).unwrap().clone()
    };
    let interface = find("dcim.interface", "c1:e1");
    assert_eq!(interface["data"]["type"], "10gbase-x-sfpp", "{interface}");
    assert_eq!(interface["data"]["device"], serde_json::json!({"name": "c1"}));
    assert!(interface["data"].get("interface_type").is_none());
    assert_eq!(interface["snapshots"]["postchange"], interface["data"]);
    assert!(interface["snapshots"]["prechange"].is_null());
    let cable = find("dcim.cable", "b2:e2 <> c1:e2");
    assert_eq!(
        cable["data"]["a_terminations"],
        serde_json::json!([{"object_type": "dcim.interface", "object": {"device": {"name": "c1"}, "name": "e2"}}]),
        "{cable}"
    );
    assert_eq!(cable["data"]["b_terminations"][0]["object"]["device"]["name"], "b2");
    let gone = find("dcim.device", "b1");
    assert_eq!(gone["data"]["site"], "ams1");
    assert!(gone["snapshots"]["postchange"].is_null());
}

/// Nested values are compared by path, in object events and device contexts alike.
#[test]
fn nested_values_change_by_path() {
    let ctx = |asn: i64| {
        format!(
            "config_contexts: [{{name: c, weight: 100, data: {{bgp: {{asn: 65000, peers: [{{ip: 10.0.0.1, remote_as: 65101}}, {{ip: 10.0.0.2, remote_as: {asn}}}]}}}}}}]\n"
        )
    };
    let mut base = base();
    base.push(("inventory/ctx.yaml", ctx(65102)));
    let mut head = base.clone();
    head.last_mut().unwrap().1 = ctx(65202);
    let r = compare_with(&base, &head);
    let e = r.report.events.iter().find(|e| e.model == "extras.configcontext").unwrap();
    let changes: Vec<(&str, String, String)> =
        e.changes.iter().map(|c| (c.field.as_str(), c.old.to_string(), c.new.to_string())).collect();
    assert_eq!(changes, [("data.bgp.peers[1].remote_as", "65102".to_string(), "65202".to_string())]);
    // Every device's merged context changed the same way: one path, not the whole value.
    let d = &r.report.devices[0];
    assert_eq!(d.context.len(), 1, "{:?}", d.context);
    assert_eq!(d.context[0].path, "bgp.peers[1].remote_as");
    assert_eq!((d.context[0].old.clone(), d.context[0].new.clone()), (Some(65102.into()), Some(65202.into())));
    // The devices changed alike are one group in the text.
    let text = output::text(&r.report, false);
    assert!(text.contains("5 devices (+0 -0 each): a1, a2, a3, b1, b2"), "{text}");
}

#[test]
fn a_change_seen_through_a_patch_panel_is_reported() {
    // a2:e2 is cabled to a panel's front port; a3:e2 to the far panel's. a2's template
    // reads its link peer (the front port) and its description.
    let with_panels = |t: &str| {
        t.replace(
            "device_types: [",
            "device_types: [{manufacturer: M, model: P, slug: p, u_height: 1, is_full_depth: false, rear-ports: [{name: '1', type: lc}], front-ports: [{name: '1', type: lc, rear_port: '1'}]}, ",
        )
    };
    let cabled = |t: &str| {
        t.replace(
            "cables:\n",
            "  - {name: p1, site: lon1, role: r, device_type: p}\n  - {name: p2, site: lon1, role: r, device_type: p, front_ports: [{name: '1', description: far}]}\ncables:\n  - {a: \"a2:e2\", b: \"p1:1\"}\n  - {a: {device: p1, rear_port: '1'}, b: {device: p2, rear_port: '1'}}\n  - {a: \"p2:1\", b: \"a3:e2\"}\n",
        )
    };
    let base = edited(&edited(&base(), "inventory/dcim.yaml", with_panels), "inventory/devices.yaml", cabled);
    // Panels render what their front ports lead to.
    let base = edited(&base, "templates/t.j2", |t| {
        format!(
            "{t}{{% for p in device.front_ports %}}{{{{ p.link_peers[0].device.serial }}}} {{{{ p.connected_endpoints[0].device.serial }}}}{{% endfor %}}\n"
        )
    });
    // The near panel's front port gets a description: a2 renders it.
    let head = edited(&base, "inventory/devices.yaml", |t| {
        t.replace("device_type: p}\n", "device_type: p, front_ports: [{name: '1', description: near}]}\n")
    });
    let r = compare_with(&base, &head);
    assert_eq!(devices(&r), ["a2"]);
    let events: Vec<(&str, &str, &str)> = r.report.events.iter().map(|e| (e.event, e.model, e.key.as_str())).collect();
    assert_eq!(events, [("updated", "dcim.frontport", "p1:1")]);
    // The far panel's port changes: a3, cabled to it, renders it; a2 does not.
    let head = edited(&base, "inventory/devices.yaml", |t| t.replace("description: far", "description: farther"));
    let r = compare_with(&base, &head);
    assert_eq!(devices(&r), ["a3"]);
    // a3's serial: a3 prints it, p2 (a front port cabled to it) reads it.
    let head = edited(&base, "inventory/devices.yaml", |t| {
        t.replace(
            "{name: a3, site: lon1, role: r, device_type: t}",
            "{name: a3, site: lon1, role: r, device_type: t, serial: X3}",
        )
    });
    let r = compare_with(&base, &head);
    assert_eq!(devices(&r), ["a3", "p2"]);
}
