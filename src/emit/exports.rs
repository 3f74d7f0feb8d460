//! Inventories for the tools that push configurations: Ansible and Nornir.

use serde_json::{Map, Value, json};

use super::Artifact;
use crate::compile::Compilation;
use crate::context::Contexts;
use crate::model::Device;
use crate::view::World;

/// An Ansible group name from a slug (`london-dc1` → `site_london_dc1`).
fn group(prefix: &str, slug: &str) -> String {
    format!("{prefix}_{}", slug.replace(['-', '.', ' '], "_"))
}

fn host_ip(w: &World, d: &Device) -> Option<String> {
    let id = d.primary_ip4_id.or(d.primary_ip6_id)?;
    Some(w.inventory.ip_addresses[id.index()].address.value.addr().to_string())
}

/// (site, role, platform) group names of a device.
fn groups(d: &Device) -> Vec<String> {
    let mut g = vec![group("site", &d.site.key.value), group("role", &d.role.key.value)];
    if let Some(p) = &d.platform {
        g.push(group("platform", &p.key.value));
    }
    g
}

fn yaml_artifact(path: &str, v: &Value) -> Artifact {
    Artifact::new(path, crate::yaml::dump::to_yaml(v).into_bytes())
}

/// `ansible/inventory.yaml`: hosts with their merged context as variables and
/// `ansible_host` from the primary IP; groups by site, role and platform.
pub fn ansible(comp: &Compilation, wanted: &dyn Fn(&str) -> bool) -> Vec<Artifact> {
    let w = &comp.world;
    let ctx = Contexts::new(&w.inventory, &w.matcher);
    let mut hosts = Map::new();
    let mut children: std::collections::BTreeMap<String, Map<String, Value>> = Default::default();
    for d in w.inventory.devices.iter().filter(|d| wanted(&d.name.value)) {
        let mut vars = match ctx.merged(d).to_json() {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        if let Some(ip) = host_ip(w, d) {
            vars.insert("ansible_host".into(), json!(ip));
        }
        if let Some(p) = &d.platform {
            vars.insert("ansible_network_os".into(), json!(p.key.value));
        }
        hosts.insert(d.name.value.to_string(), Value::Object(vars));
        for g in groups(d) {
            children.entry(g).or_default().insert(d.name.value.to_string(), Value::Null);
        }
    }
    let children: Map<String, Value> = children.into_iter().map(|(g, h)| (g, json!({ "hosts": h }))).collect();
    vec![yaml_artifact("ansible/inventory.yaml", &json!({ "all": { "hosts": hosts, "children": children } }))]
}

/// `nornir/hosts.yaml`, `groups.yaml`, `defaults.yaml` (SimpleInventory).
pub fn nornir(comp: &Compilation, wanted: &dyn Fn(&str) -> bool) -> Vec<Artifact> {
    let w = &comp.world;
    let ctx = Contexts::new(&w.inventory, &w.matcher);
    let mut hosts = Map::new();
    let mut all_groups = std::collections::BTreeSet::new();
    for d in w.inventory.devices.iter().filter(|d| wanted(&d.name.value)) {
        let g = groups(d);
        all_groups.extend(g.iter().cloned());
        let mut host = Map::new();
        host.insert("hostname".into(), host_ip(w, d).map_or(Value::Null, Value::from));
        if let Some(p) = &d.platform {
            host.insert("platform".into(), json!(p.key.value));
        }
        host.insert("groups".into(), json!(g));
        host.insert(
            "data".into(),
            json!({
                "site": d.site.key.value,
                "role": d.role.key.value,
                "device_type": d.device_type.key.value,
                "config_context": ctx.merged(d).to_json(),
            }),
        );
        hosts.insert(d.name.value.to_string(), Value::Object(host));
    }
    let groups: Map<String, Value> = all_groups.into_iter().map(|g| (g, json!({}))).collect();
    vec![
        yaml_artifact("nornir/hosts.yaml", &Value::Object(hosts)),
        yaml_artifact("nornir/groups.yaml", &Value::Object(groups)),
        yaml_artifact("nornir/defaults.yaml", &json!({})),
    ]
}
