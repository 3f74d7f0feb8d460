//! `sot netbox pull`: read a live NetBox through its REST API and lay it out as
//! an inventory repository in `sot`'s format (docs/format.md).
//!
//! The pull is the push read backwards: every kind `sot` knows is listed from its
//! endpoint, each object turned into the fields `sot` reads (references by natural
//! key, choices by value, NetBox's defaults and blanks left out), and the objects
//! laid out in files: one folder per site, global files, device types in
//! devicetype-library layout, config templates as template files. What `sot` cannot
//! express is counted, never dropped silently: whole objects (`not_pulled`, by
//! NetBox model) and fields that hold a value (`fields_not_pulled`, `model.field`).
//!
//! A kind declared later in the registry (`model/kinds.rs`) is pulled by
//! [`Puller::generic`] from its declaration: its fields are the ones its lowering
//! reads, its references NetBox's nested objects by slug or name. A kind with
//! references whose key needs a scope gets a few lines in [`pull`].
//!
//! The result is files in memory; the command writes them (atomically).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::client::{Client, Error};
use super::pull_yaml;
use crate::model::{Inventory, KINDS, KindInfo, slug::slugify};

/// What a pull read and how it is laid out.
#[derive(Debug, Default)]
pub struct Pulled {
    pub netbox_version: String,
    /// The repository's files: path relative to its root, and text.
    pub files: BTreeMap<String, String>,
    /// Objects written, by collection (`interfaces` and `config_templates` included).
    pub pulled: BTreeMap<String, usize>,
    /// Objects `sot` cannot express yet, by NetBox model (with why, after a space).
    pub not_pulled: BTreeMap<String, usize>,
    /// Fields holding a value `sot` cannot express, as `model.field`, with how many objects.
    pub fields_not_pulled: BTreeMap<String, usize>,
    /// Other things the reader should know (a choice made, a name changed).
    pub notes: Vec<String>,
}

/// Fields NetBox computes or keeps for itself: never data to pull.
const META: &[&str] = &[
    "id",
    "url",
    "display",
    "display_url",
    "created",
    "last_updated",
    "owner",
    "_depth",
    "_occupied",
    "occupied",
    "config_context",
    "cable",
    "cable_end",
    "link_peers",
    "link_peers_type",
    "connected_endpoints",
    "connected_endpoints_type",
    "connected_endpoints_reachable",
    "l2vpn_termination",
    "mac_addresses",
    "primary_mac_address",
    "mark_connected",
    "family",
    "utilization",
    "children",
    "data_synced",
    "data_path",
    "data_file",
    "data_source",
    "is_synced",
    "auto_sync_enabled",
    "choices_count",
    "primary_ip",
    "tagged_items",
    "total_vlan_ids",
    "data_type",
    "front_ports",
];

/// NetBox's defaults of fields `sot` does not have: a field holding one is not data lost.
const NETBOX_DEFAULTS: &[(&str, &str, &str)] = &[
    ("dcim.rack", "width", "19"),
    ("dcim.devicerole", "vm_role", "true"),
    ("extras.tag", "weight", "1000"),
    ("extras.customfield", "status", "\"active\""),
    ("extras.customfield", "nulls_first", "true"),
    ("extras.customfield", "ui_editable", "\"yes\""),
    ("extras.customfield", "ui_visible", "\"always\""),
    ("extras.customfield", "weight", "100"),
    ("extras.customfield", "search_weight", "1000"),
    ("extras.customfield", "filter_logic", "\"loose\""),
];

fn empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty() || (o.len() == 2 && o.contains_key("value") && o["value"].is_null()),
        Value::Number(_) | Value::Bool(true) => false,
    }
}

/// A value with nothing in it: written as nothing.
fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A NetBox value as `sot` writes it: a choice by its value, a nested object by its
/// natural key (slug, ASN, address, name, CID), lists item by item.
pub fn plain(v: &Value) -> Value {
    match v {
        Value::Object(o) if o.contains_key("value") && o.contains_key("label") => o["value"].clone(),
        Value::Object(o) if o.contains_key("id") => {
            for k in ["slug", "asn", "address", "name", "cid", "model", "prefix"] {
                if let Some(x) = o.get(k) {
                    return x.clone();
                }
            }
            v.clone()
        }
        Value::Array(a) => Value::Array(a.iter().map(plain).collect()),
        v => v.clone(),
    }
}

fn id(v: &Value) -> Option<u64> {
    v.get("id").and_then(Value::as_u64)
}

fn str_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

/// A file name for any name: letters, digits, `-`, `_` and `.` kept, every other run of
/// characters one `-`; never empty, never `.` or `..`, never hidden.
pub fn file_name(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    let out = out.trim_start_matches(['.', '-']).to_string();
    if out.is_empty() || out.chars().all(|c| c == '.' || c == '-') { "unnamed".into() } else { out }
}

/// One NetBox object being read: fields are taken out as they are pulled; what is
/// left with a value is counted as not pulled.
struct Src {
    model: &'static str,
    obj: Map<String, Value>,
}

impl Src {
    fn new(model: &'static str, v: &Value) -> Src {
        Src { model, obj: v.as_object().cloned().unwrap_or_default() }
    }
    fn take(&mut self, k: &str) -> Value {
        self.obj.remove(k).unwrap_or(Value::Null)
    }
    fn finish(self, p: &mut Puller) {
        for (k, v) in self.obj {
            if META.contains(&k.as_str()) || k.ends_with("_count") || k.starts_with("count_") || empty(&v) {
                continue;
            }
            if k == "custom_fields" && v.as_object().is_some_and(|m| m.values().all(blank)) {
                continue;
            }
            // The push's own tag, on kinds whose tags sot does not keep.
            if k == "tags" && v.as_array().is_some_and(|t| t.iter().all(|t| plain(t) == json!(super::MANAGED_TAG))) {
                continue;
            }
            if NETBOX_DEFAULTS.iter().any(|(m, f, d)| {
                *m == self.model && *f == k && serde_json::from_str::<Value>(d).is_ok_and(|d| d == plain(&v))
            }) {
                continue;
            }
            *p.out.fields_not_pulled.entry(format!("{}.{k}", self.model)).or_default() += 1;
        }
    }
}

/// Puts a field into an object unless it is blank or NetBox's default.
fn put(m: &mut Map<String, Value>, info: Option<&KindInfo>, k: &str, v: Value) {
    if blank(&v) {
        return;
    }
    if let Some(d) = info.and_then(|i| i.default_of(k)).and_then(|d| serde_json::from_str::<Value>(d).ok()) {
        let same = match (&d, &v) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (a, b) => a == b,
        };
        if same {
            return;
        }
    }
    m.insert(k.to_string(), v);
}

fn kind(collection: &str) -> &'static KindInfo {
    KINDS.iter().copied().find(|k| k.collection == collection).expect("a collection the registry declares")
}

/// The VLAN keys of a NetBox: how a VLAN is referred to from an interface or prefix.
struct Vlans {
    by_id: HashMap<u64, Value>,
    groups: HashMap<u64, String>,
}

impl Vlans {
    fn reference(&self, v: &Value) -> Value {
        let Some(vlan) = id(v).and_then(|i| self.by_id.get(&i)) else { return Value::Null };
        let vid = vlan["vid"].clone();
        match id(&vlan["group"]).and_then(|g| self.groups.get(&g)) {
            Some(group) => json!({"group": group, "vid": vid}),
            None => vid,
        }
    }
}

/// One file's objects: collection → (sort key, object).
type FileObjects = BTreeMap<&'static str, Vec<(String, Value)>>;

struct Puller<'c> {
    client: &'c Client,
    out: Pulled,
    /// Files being filled: path → collection → objects (with their sort keys).
    files: BTreeMap<String, FileObjects>,
    /// Config template id → the file name under templates/.
    templates: HashMap<u64, String>,
    custom_field_types: HashMap<String, String>,
}

/// The order collections are written in a file.
const ORDER: &[&str] = &[
    "tags",
    "custom_fields",
    "tenant_groups",
    "tenants",
    "regions",
    "site_groups",
    "manufacturers",
    "device_roles",
    "platforms",
    "rack_roles",
    "vrfs",
    "ipam_roles",
    "rirs",
    "providers",
    "circuit_types",
    "sites",
    "locations",
    "racks",
    "device_types",
    "vlan_groups",
    "vlans",
    "prefixes",
    "devices",
    "ip_addresses",
    "circuits",
    "cables",
    "config_contexts",
];

impl Puller<'_> {
    fn list(&self, endpoint: &str) -> Result<Vec<Value>, Error> {
        self.list_q(endpoint, "")
    }

    fn list_q(&self, endpoint: &str, query: &str) -> Result<Vec<Value>, Error> {
        let mut v = self.client.list(endpoint, query)?;
        v.sort_by_key(|x| id(x).unwrap_or(0));
        Ok(v)
    }

    fn add(&mut self, file: &str, collection: &'static str, key: String, v: Value) {
        *self.out.pulled.entry(collection.to_string()).or_default() += 1;
        self.files.entry(file.to_string()).or_default().entry(collection).or_default().push((key, v));
    }

    fn not_pulled(&mut self, what: impl Into<String>, n: usize) {
        if n > 0 {
            *self.out.not_pulled.entry(what.into()).or_default() += n;
        }
    }

    /// Tags as their slugs, sorted.
    fn tags(src: &mut Src) -> Value {
        let mut t: Vec<String> = match src.take("tags") {
            Value::Array(a) => a.iter().map(|t| str_of(&plain(t))).filter(|t| t != super::MANAGED_TAG).collect(),
            _ => Vec::new(),
        };
        t.sort();
        json!(t)
    }

    /// Custom-field values that are set, in name order.
    fn custom_fields(&self, src: &mut Src) -> Value {
        let Value::Object(m) = src.take("custom_fields") else { return Value::Null };
        let mut out = Map::new();
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort();
        for k in keys {
            let v = &m[k];
            if blank(v) {
                continue;
            }
            let v = match self.custom_field_types.get(k).map(String::as_str) {
                Some("object" | "multiobject" | "select" | "multiselect") => plain(v),
                _ => v.clone(),
            };
            out.insert(k.clone(), v);
        }
        Value::Object(out)
    }

    /// An object of a kind the registry declares, from its declaration: every field
    /// its lowering reads, references by slug or name, tags, custom fields; slugs
    /// that NetBox would derive from the name are left out.
    fn generic(&self, info: &'static KindInfo, src: &mut Src, skip: &[&str]) -> Map<String, Value> {
        let mut m = Map::new();
        let fields = Inventory::describe(info.collection).unwrap_or_default();
        for f in fields {
            if skip.contains(&f.name) {
                continue;
            }
            let v = match f.name {
                "tags" if info.tags => Self::tags(src),
                "custom_fields" if info.custom_fields => self.custom_fields(src),
                name => plain(&src.take(name)),
            };
            put(&mut m, Some(info), f.name, v);
        }
        if let (Some(Value::String(name)), Some(Value::String(slug))) = (m.get("name"), m.get("slug"))
            && slugify(name) == *slug
            && info.collection != "device_types"
        {
            m.remove("slug");
        }
        m
    }

    fn simple(&mut self, collection: &'static str, endpoint: &str, file: &str) -> Result<(), Error> {
        let info = kind(collection);
        for v in self.list(endpoint)? {
            if collection == "tags" && v["slug"] == super::MANAGED_TAG {
                continue; // the push's own marker: a push puts it back
            }
            let mut src = Src::new(info.netbox, &v);
            let mut m = self.generic(info, &mut src, &["config_template"]);
            if matches!(collection, "device_roles" | "platforms") {
                let t = src.take("config_template");
                if let Some(name) = id(&t).and_then(|i| self.templates.get(&i)) {
                    m.insert("config_template".into(), json!(name));
                }
            }
            let key = str_of(&v[info.key]);
            src.finish(self);
            self.add(file, info.collection, key, Value::Object(m));
        }
        Ok(())
    }
}

/// Endpoints of models `sot` cannot express yet, counted when they hold objects.
const UNSUPPORTED: &[&str] = &[
    "dcim/rack-types/",
    "dcim/rack-reservations/",
    "dcim/module-types/",
    "dcim/modules/",
    "dcim/virtual-chassis/",
    "dcim/power-panels/",
    "dcim/power-feeds/",
    "dcim/virtual-device-contexts/",
    "virtualization/clusters/",
    "virtualization/virtual-machines/",
    "virtualization/interfaces/",
    "virtualization/virtual-disks/",
    "ipam/asns/",
    "ipam/aggregates/",
    "ipam/ip-ranges/",
    "ipam/fhrp-groups/",
    "ipam/services/",
    "tenancy/contacts/",
    "tenancy/contact-assignments/",
    "circuits/provider-accounts/",
    "circuits/provider-networks/",
    "circuits/circuit-groups/",
    "circuits/virtual-circuits/",
    "vpn/l2vpns/",
    "vpn/tunnels/",
    "wireless/wireless-lans/",
    "wireless/wireless-links/",
    "extras/export-templates/",
    "extras/saved-filters/",
    "extras/journal-entries/",
];

/// Device components besides interfaces: (endpoint, template endpoint, NetBox model).
const COMPONENTS: &[(&str, &str, &str)] = &[
    ("dcim/console-ports/", "dcim/console-port-templates/", "dcim.consoleport"),
    ("dcim/console-server-ports/", "dcim/console-server-port-templates/", "dcim.consoleserverport"),
    ("dcim/power-ports/", "dcim/power-port-templates/", "dcim.powerport"),
    ("dcim/power-outlets/", "dcim/power-outlet-templates/", "dcim.poweroutlet"),
    ("dcim/front-ports/", "dcim/front-port-templates/", "dcim.frontport"),
    ("dcim/rear-ports/", "dcim/rear-port-templates/", "dcim.rearport"),
    ("dcim/device-bays/", "dcim/device-bay-templates/", "dcim.devicebay"),
    ("dcim/module-bays/", "dcim/module-bay-templates/", "dcim.modulebay"),
    ("dcim/inventory-items/", "dcim/inventory-item-templates/", "dcim.inventoryitem"),
];

/// The component lists of a device type file (devicetype-library keys), with the
/// template endpoint and the fields each takes beyond name, type, label, description.
const TEMPLATE_LISTS: &[(&str, &str, &[&str])] = &[
    ("interfaces", "dcim/interface-templates/", &["enabled", "mgmt_only", "bridge", "poe_mode", "poe_type", "rf_role"]),
    ("console-ports", "dcim/console-port-templates/", &[]),
    ("console-server-ports", "dcim/console-server-port-templates/", &[]),
    ("power-ports", "dcim/power-port-templates/", &["maximum_draw", "allocated_draw"]),
    ("power-outlets", "dcim/power-outlet-templates/", &["power_port", "feed_leg"]),
    ("rear-ports", "dcim/rear-port-templates/", &["color", "positions"]),
    ("front-ports", "dcim/front-port-templates/", &["color", "positions"]),
    ("module-bays", "dcim/module-bay-templates/", &["position"]),
    ("device-bays", "dcim/device-bay-templates/", &[]),
    ("inventory-items", "dcim/inventory-item-templates/", &["manufacturer", "part_id"]),
];

/// Read the NetBox at `client` (4.2 or newer) and lay it out as a repository.
pub fn pull(client: &Client) -> Result<Pulled, Error> {
    let status = client.get("status/")?;
    let version = str_of(&status["netbox-version"]);
    let mut p = Puller {
        client,
        out: Pulled { netbox_version: version.clone(), ..Pulled::default() },
        files: BTreeMap::new(),
        templates: HashMap::new(),
        custom_field_types: HashMap::new(),
    };
    let old = version.split('.').take(2).map(|n| n.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
    if old.len() == 2 && (old[0], old[1]) < (4, 2) {
        p.out.notes.push(format!("NetBox {version} is older than 4.2, which the pull is made for: check the result"));
    }
    const GLOBAL: &str = "inventory/global.yaml";
    const IPAM: &str = "inventory/ipam.yaml";

    // Config templates first: roles, platforms and devices name them by file.
    let mut envs: Vec<Value> = Vec::new();
    let mut used_names: HashMap<String, usize> = HashMap::new();
    for t in p.list("extras/config-templates/")? {
        let mut src = Src::new("extras.configtemplate", &t);
        let name = str_of(&src.take("name"));
        // `sot netbox push` names a template by its file (`eos.j2`): that is its file again.
        let stem = name.strip_suffix(".j2").unwrap_or(&name);
        let mut file = file_name(stem);
        let n = used_names.entry(file.clone()).or_default();
        *n += 1;
        if *n > 1 {
            file = format!("{file}-{}", id(&t).unwrap_or(0));
        }
        let file = format!("{file}.j2");
        if file_name(stem) + ".j2" != file || stem != file.trim_end_matches(".j2") {
            p.out.notes.push(format!("config template `{name}` is templates/{file}"));
        }
        let code = str_of(&src.take("template_code"));
        envs.push(src.take("environment_params"));
        let _ = (src.take("description"), src.take("tags"), src.take("mime_type"), src.take("file_name"));
        let _ = (src.take("file_extension"), src.take("as_attachment"));
        src.finish(&mut p);
        p.templates.insert(id(&t).unwrap_or(0), file.clone());
        p.out.files.insert(format!("templates/{file}"), code);
        *p.out.pulled.entry("config_templates".into()).or_default() += 1;
    }

    // Custom fields, with their choice sets' values.
    let sets: HashMap<u64, Value> =
        p.list("extras/custom-field-choice-sets/")?.into_iter().filter_map(|s| Some((id(&s)?, s))).collect();
    for cf in p.list("extras/custom-fields/")? {
        let info = kind("custom_fields");
        let mut src = Src::new(info.netbox, &cf);
        let ty = str_of(&plain(&src.take("type")));
        let name = str_of(&cf["name"]);
        p.custom_field_types.insert(name.clone(), ty.clone());
        let default = src.take("default");
        let mut m = p.generic(info, &mut src, &["type", "default", "choices", "object_types"]);
        m.shift_remove("name");
        let mut head = Map::new();
        head.insert("name".into(), json!(name));
        head.insert("type".into(), json!(ty));
        let mut types: Vec<Value> = src.take("object_types").as_array().cloned().unwrap_or_default();
        types.sort_by_key(str_of);
        head.insert("object_types".into(), Value::Array(types));
        head.extend(m);
        if !blank(&default) {
            head.insert("default".into(), default);
        }
        let set = src.take("choice_set");
        if let Some(s) = id(&set).and_then(|i| sets.get(&i)) {
            let pairs = s["extra_choices"].as_array().cloned().unwrap_or_default();
            if pairs.iter().any(|c| c.get(0) != c.get(1)) {
                // sot's choices are values; NetBox shows a label of its own.
                *p.out
                    .fields_not_pulled
                    .entry("extras.customfieldchoiceset.extra_choices (labels)".into())
                    .or_default() += 1;
            }
            let mut choices: Vec<Value> = pairs.iter().filter_map(|c| c.get(0).cloned()).collect();
            if !blank(&s["base_choices"]) {
                *p.out.fields_not_pulled.entry("extras.customfieldchoiceset.base_choices".into()).or_default() += 1;
            }
            choices.retain(|c| !blank(c));
            head.insert("choices".into(), Value::Array(choices));
        }
        src.finish(&mut p);
        p.add(GLOBAL, "custom_fields", name, Value::Object(head));
    }

    for (collection, endpoint) in [
        ("tags", "extras/tags/"),
        ("tenant_groups", "tenancy/tenant-groups/"),
        ("tenants", "tenancy/tenants/"),
        ("regions", "dcim/regions/"),
        ("site_groups", "dcim/site-groups/"),
        ("manufacturers", "dcim/manufacturers/"),
        ("device_roles", "dcim/device-roles/"),
        ("platforms", "dcim/platforms/"),
        ("rack_roles", "dcim/rack-roles/"),
        ("vrfs", "ipam/vrfs/"),
        ("ipam_roles", "ipam/roles/"),
        ("rirs", "ipam/rirs/"),
        ("providers", "circuits/providers/"),
        ("circuit_types", "circuits/circuit-types/"),
        ("route_targets", "ipam/route-targets/"),
        ("asn_ranges", "ipam/asn-ranges/"),
        ("contact_groups", "tenancy/contact-groups/"),
        ("contact_roles", "tenancy/contact-roles/"),
        ("cluster_types", "virtualization/cluster-types/"),
        ("cluster_groups", "virtualization/cluster-groups/"),
    ] {
        p.simple(collection, endpoint, GLOBAL)?;
    }

    // Sites, each with its own folder.
    let mut site_slug: HashMap<u64, String> = HashMap::new();
    for s in p.list("dcim/sites/")? {
        let info = kind("sites");
        let slug = str_of(&s["slug"]);
        site_slug.insert(id(&s).unwrap_or(0), slug.clone());
        let mut src = Src::new(info.netbox, &s);
        let m = p.generic(info, &mut src, &[]);
        src.finish(&mut p);
        p.add(&format!("inventory/sites/{slug}/site.yaml"), "sites", slug, Value::Object(m));
    }
    let site_file = |slugs: &HashMap<u64, String>, site: &Value, name: &str| -> Option<String> {
        id(site).and_then(|i| slugs.get(&i)).map(|s| format!("inventory/sites/{s}/{name}"))
    };
    for l in p.list("dcim/locations/")? {
        let info = kind("locations");
        let mut src = Src::new(info.netbox, &l);
        let m = p.generic(info, &mut src, &[]);
        src.finish(&mut p);
        let file = site_file(&site_slug, &l["site"], "site.yaml").unwrap_or(GLOBAL.into());
        let key = format!("{}/{}", str_of(&plain(&l["site"])), str_of(&l["slug"]));
        p.add(&file, "locations", key, Value::Object(m));
    }
    let racks = p.list("dcim/racks/")?;
    let mut rack_names: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &racks {
        *rack_names.entry((str_of(&plain(&r["site"])), str_of(&r["name"]))).or_default() += 1;
    }
    for ((site, name), n) in rack_names.iter().filter(|(_, n)| **n > 1) {
        p.out.notes.push(format!(
            "{n} racks at site `{site}` are named `{name}` (in different locations): sot needs rack names \
             unique within a site yet (`sot check` reports E0201); rename all but one"
        ));
    }
    for r in racks {
        let info = kind("racks");
        let mut src = Src::new(info.netbox, &r);
        let m = p.generic(info, &mut src, &[]);
        src.finish(&mut p);
        let file = site_file(&site_slug, &r["site"], "site.yaml").unwrap_or(GLOBAL.into());
        let key = format!("{}/{}", str_of(&plain(&r["site"])), str_of(&r["name"]));
        p.add(&file, "racks", key, Value::Object(m));
    }

    // Device types, in devicetype-library layout, with their component templates.
    let mut templates_of: HashMap<(u64, &str), Vec<Value>> = HashMap::new();
    let mut template_names: HashMap<(u64, &str), Vec<String>> = HashMap::new();
    for (list, endpoint, _) in TEMPLATE_LISTS {
        for t in p.list(endpoint)? {
            match id(&t["device_type"]) {
                Some(dt) => {
                    template_names.entry((dt, *list)).or_default().push(str_of(&t["name"]));
                    templates_of.entry((dt, *list)).or_default().push(t);
                }
                None => p.not_pulled(format!("{} (of a module type)", endpoint.trim_end_matches('/')), 1),
            }
        }
    }
    // NetBox names a front port's rear port by id in its mappings.
    let rear_names: HashMap<u64, String> = templates_of
        .iter()
        .filter(|((_, l), _)| *l == "rear-ports")
        .flat_map(|(_, ts)| ts.iter().filter_map(|t| Some((id(t)?, str_of(&t["name"])))))
        .collect();
    let rear_name = |v: &Value| match v.as_u64() {
        Some(i) => rear_names.get(&i).map_or(v.clone(), |n| json!(n)),
        None => plain(v),
    };
    let mut dt_interfaces: HashMap<u64, HashMap<String, Value>> = HashMap::new();
    let mut dt_airflow: HashMap<u64, Value> = HashMap::new();
    let mut dt_paths: HashMap<String, usize> = HashMap::new();
    for dt in p.list("dcim/device-types/")? {
        let info = kind("device_types");
        let dt_id = id(&dt).unwrap_or(0);
        dt_airflow.insert(dt_id, plain(&dt["airflow"]));
        let mut src = Src::new(info.netbox, &dt);
        let manufacturer = src.take("manufacturer");
        let mut m = Map::new();
        m.insert("manufacturer".into(), json!(str_of(&manufacturer["name"])));
        for k in ["model", "slug", "part_number"] {
            put(&mut m, None, k, src.take(k));
        }
        m.insert("u_height".into(), src.take("u_height"));
        m.insert("is_full_depth".into(), src.take("is_full_depth"));
        for k in [
            "airflow",
            "weight",
            "weight_unit",
            "subdevice_role",
            "exclude_from_utilization",
            "description",
            "comments",
        ] {
            put(&mut m, Some(info), k, plain(&src.take(k)));
        }
        for (list, _, extra) in TEMPLATE_LISTS {
            let mut items = Vec::new();
            let mut mappings = Vec::new();
            for t in templates_of.remove(&(dt_id, *list)).unwrap_or_default() {
                let mut ts = Src::new("dcim.componenttemplate", &t);
                let _ = (ts.take("device_type"), ts.take("module_type"));
                let mut c = Map::new();
                let name = str_of(&ts.take("name"));
                c.insert("name".into(), json!(name));
                for k in ["type", "label", "description"] {
                    put(&mut c, None, k, plain(&ts.take(k)));
                }
                for k in *extra {
                    let v = ts.take(k);
                    match (*k, &v) {
                        ("enabled", Value::Bool(true)) | ("mgmt_only", Value::Bool(false)) => {}
                        ("positions" | "position", _) if plain(&v) == json!(1) && *k == "positions" => {}
                        (_, Value::Bool(_)) => {
                            c.insert(k.to_string(), v);
                        }
                        _ => put(&mut c, None, k, plain(&v)),
                    }
                }
                if *list == "interfaces" {
                    dt_interfaces.entry(dt_id).or_default().insert(name.clone(), t.clone());
                }
                if *list == "front-ports" {
                    let mut maps: Vec<Value> = ts.take("rear_ports").as_array().cloned().unwrap_or_default();
                    if let Some(rp) = ts.obj.remove("rear_port").filter(|v| !v.is_null()) {
                        maps.push(json!({"position": 1, "rear_port": rp, "rear_port_position": ts.take("rear_port_position")}));
                    }
                    if let [one] = maps.as_slice()
                        && one["position"].as_i64().unwrap_or(1) == 1
                    {
                        c.insert("rear_port".into(), rear_name(&one["rear_port"]));
                        let pos = one["rear_port_position"].as_i64().unwrap_or(1);
                        if pos != 1 {
                            c.insert("rear_port_position".into(), json!(pos));
                        }
                    } else {
                        for mp in maps {
                            mappings.push(json!({"front_port": name, "rear_port": rear_name(&mp["rear_port"]),
                                "front_port_position": mp["position"], "rear_port_position": mp["rear_port_position"]}));
                        }
                    }
                }
                let _ = ts.take("enabled");
                ts.finish(&mut p);
                items.push(Value::Object(c));
            }
            if !items.is_empty() {
                m.insert(list.to_string(), Value::Array(items));
            }
            if !mappings.is_empty() {
                m.insert("port-mappings".into(), Value::Array(mappings));
            }
        }
        let _ = (src.take("default_platform"), src.take("front_image"), src.take("rear_image"));
        if !blank(&dt["default_platform"]) {
            *p.out.fields_not_pulled.entry("dcim.devicetype.default_platform".into()).or_default() += 1;
        }
        for k in ["front_image", "rear_image"] {
            if !blank(&dt[k]) {
                *p.out.fields_not_pulled.entry(format!("dcim.devicetype.{k}")).or_default() += 1;
            }
        }
        let _ = src.take("tags");
        if dt["tags"].as_array().is_some_and(|t| t.iter().any(|t| plain(t) != json!(super::MANAGED_TAG))) {
            *p.out.fields_not_pulled.entry("dcim.devicetype.tags".into()).or_default() += 1;
        }
        src.finish(&mut p);
        let mut path = format!(
            "device-types/{}/{}.yaml",
            file_name(&str_of(&manufacturer["name"])),
            file_name(&str_of(&dt["model"]))
        );
        let n = dt_paths.entry(path.clone()).or_default();
        *n += 1;
        if *n > 1 {
            path = format!("device-types/{}/{}.yaml", file_name(&str_of(&manufacturer["name"])), str_of(&dt["slug"]));
        }
        p.out.files.insert(path, pull_yaml::document(&m));
        *p.out.pulled.entry("device_types".into()).or_default() += 1;
    }
    for ((_, list), left) in templates_of {
        p.not_pulled(format!("{list} templates of unknown device types"), left.len());
    }

    // VLAN groups, VLANs and prefixes: at their site where they have one.
    let mut vlans = Vlans { by_id: HashMap::new(), groups: HashMap::new() };
    let mut group_site: HashMap<u64, Value> = HashMap::new();
    for g in p.list("ipam/vlan-groups/")? {
        let info = kind("vlan_groups");
        let mut src = Src::new(info.netbox, &g);
        let scope_type = src.take("scope_type");
        let scope = src.take("scope");
        let _ = src.take("scope_id");
        let ranges = src.take("vid_ranges");
        let mut m = p.generic(info, &mut src, &["site", "min_vid", "max_vid"]);
        let gid = id(&g).unwrap_or(0);
        vlans.groups.insert(gid, str_of(&g["slug"]));
        let mut file = IPAM.to_string();
        match scope_type.as_str() {
            Some("dcim.site") => {
                m.insert("site".into(), plain(&scope));
                group_site.insert(gid, scope.clone());
                file = site_file(&site_slug, &scope, "ipam.yaml").unwrap_or(file);
            }
            Some(_) => *p.out.fields_not_pulled.entry("ipam.vlangroup.scope (not a site)".into()).or_default() += 1,
            None => {}
        }
        if let Some(rs) = ranges.as_array().filter(|r| !r.is_empty()) {
            let lo = rs.iter().filter_map(|r| r.get(0).and_then(Value::as_i64)).min().unwrap_or(1);
            let hi = rs.iter().filter_map(|r| r.get(1).and_then(Value::as_i64)).max().unwrap_or(4094);
            if rs.len() > 1 {
                p.out.notes.push(format!(
                    "VLAN group `{}` has {} VID ranges; written as {lo}-{hi}",
                    str_of(&g["name"]),
                    rs.len()
                ));
            }
            put(&mut m, Some(info), "min_vid", json!(lo));
            put(&mut m, Some(info), "max_vid", json!(hi));
        }
        src.finish(&mut p);
        p.add(&file, "vlan_groups", str_of(&g["slug"]), Value::Object(m));
    }
    for v in p.list("ipam/vlans/")? {
        let info = kind("vlans");
        vlans.by_id.insert(id(&v).unwrap_or(0), v.clone());
        let mut src = Src::new(info.netbox, &v);
        let m = p.generic(info, &mut src, &[]);
        src.finish(&mut p);
        let file = site_file(&site_slug, &v["site"], "ipam.yaml")
            .or_else(|| {
                id(&v["group"]).and_then(|g| group_site.get(&g)).and_then(|s| site_file(&site_slug, s, "ipam.yaml"))
            })
            .unwrap_or(IPAM.into());
        let key = format!(
            "{}/{}/{:05}",
            str_of(&plain(&v["group"])),
            str_of(&plain(&v["site"])),
            v["vid"].as_i64().unwrap_or(0)
        );
        p.add(&file, "vlans", key, Value::Object(m));
    }
    for x in p.list("ipam/prefixes/")? {
        let info = kind("prefixes");
        let mut src = Src::new(info.netbox, &x);
        let scope_type = src.take("scope_type");
        let scope = src.take("scope");
        let _ = src.take("scope_id");
        let vlan = src.take("vlan");
        let mut m = p.generic(info, &mut src, &["site", "vlan"]);
        let mut file = IPAM.to_string();
        match scope_type.as_str() {
            Some("dcim.site") => {
                m.insert("site".into(), plain(&scope));
                file = site_file(&site_slug, &scope, "ipam.yaml").unwrap_or(file);
            }
            Some(_) => *p.out.fields_not_pulled.entry("ipam.prefix.scope (not a site)".into()).or_default() += 1,
            None => {}
        }
        put(&mut m, None, "vlan", vlans.reference(&vlan));
        src.finish(&mut p);
        let key = format!("{}/{}", str_of(&plain(&x["vrf"])), str_of(&x["prefix"]));
        p.add(&file, "prefixes", key, Value::Object(m));
    }

    // Devices with their interfaces.
    let device_list = p.list_q("dcim/devices/", "exclude=config_context")?;
    let mut device_site: HashMap<u64, Value> = HashMap::new();
    let mut device_name: HashMap<u64, String> = HashMap::new();
    let mut device_type_of: HashMap<u64, u64> = HashMap::new();
    for d in &device_list {
        let did = id(d).unwrap_or(0);
        device_site.insert(did, d["site"].clone());
        device_type_of.insert(did, id(&d["device_type"]).unwrap_or(0));
        if let Some(n) = d["name"].as_str().filter(|n| !n.is_empty()) {
            device_name.insert(did, n.to_string());
        }
    }
    // NetBox keys a device by name within its site (and tenant): a name used at two sites is
    // written as it is, and `sot check` reports it until sot keys devices by site too.
    let mut sites_of_name: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for d in &device_list {
        if let Some(n) = d["name"].as_str().filter(|n| !n.is_empty()) {
            sites_of_name.entry(n).or_default().push(str_of(&plain(&d["site"])));
        }
    }
    for (name, sites) in sites_of_name.iter().filter(|(_, s)| s.len() > 1) {
        p.out.notes.push(format!(
            "device name `{name}` is used by {} devices (sites {}): sot needs device names unique across \
             the inventory yet (`sot check` reports E0201); rename all but one",
            sites.len(),
            sites.join(", ")
        ));
    }
    let mut interfaces_of: HashMap<u64, Vec<Value>> = HashMap::new();
    let mut interface_ref: HashMap<u64, (u64, String)> = HashMap::new();
    for i in p.list("dcim/interfaces/")? {
        let dev = id(&i["device"]).unwrap_or(0);
        interface_ref.insert(id(&i).unwrap_or(0), (dev, str_of(&i["name"])));
        interfaces_of.entry(dev).or_default().push(i);
    }
    let mut unnamed = 0;
    for d in &device_list {
        let info = kind("devices");
        let did = id(d).unwrap_or(0);
        let Some(name) = device_name.get(&did).cloned() else {
            unnamed += 1;
            continue;
        };
        let mut src = Src::new(info.netbox, d);
        let primary4 = src.take("primary_ip4");
        let primary6 = src.take("primary_ip6");
        let template = src.take("config_template");
        let local = src.take("local_context_data");
        let mut m = p.generic(
            info,
            &mut src,
            &["interfaces", "primary_ip4", "primary_ip6", "config_template", "local_context_data"],
        );
        // NetBox gives a new device its type's airflow; sot reads a device without one so.
        if m.get("airflow").is_some_and(|a| Some(a) == dt_airflow.get(&device_type_of[&did])) {
            m.shift_remove("airflow");
        }
        put(&mut m, None, "primary_ip4", plain(&primary4));
        put(&mut m, None, "primary_ip6", plain(&primary6));
        if let Some(file) = id(&template).and_then(|t| p.templates.get(&t)) {
            m.insert("config_template".into(), json!(file));
        }
        if local.as_object().is_some_and(|o| !o.is_empty()) {
            m.insert("local_context_data".into(), local);
        }
        let empty_map = HashMap::new();
        let tpl = dt_interfaces.get(&device_type_of[&did]).unwrap_or(&empty_map);
        let mut ifaces = Vec::new();
        for i in interfaces_of.remove(&did).unwrap_or_default() {
            let mut s = Src::new("dcim.interface", &i);
            let _ = (s.take("device"), s.take("module"));
            let mut f = Map::new();
            let iname = str_of(&s.take("name"));
            f.insert("name".into(), json!(iname));
            let t = tpl.get(&iname);
            for k in ["type", "label", "description"] {
                let v = plain(&s.take(k));
                if t.is_some_and(|t| plain(&t[k]) == v) {
                    continue;
                }
                put(&mut f, None, k, v);
            }
            for (k, d) in [("enabled", true), ("mgmt_only", false)] {
                let v = s.take(k);
                let tv = t.map_or(json!(d), |t| t[k].clone());
                if v != tv && v.is_boolean() {
                    f.insert(k.into(), v);
                }
            }
            for k in ["mtu", "mac_address", "speed", "mode"] {
                put(&mut f, None, k, plain(&s.take(k)));
            }
            put(&mut f, None, "untagged_vlan", vlans.reference(&s.take("untagged_vlan")));
            let tagged: Vec<Value> =
                s.take("tagged_vlans").as_array().into_iter().flatten().map(|v| vlans.reference(v)).collect();
            put(&mut f, None, "tagged_vlans", Value::Array(tagged));
            for k in ["lag", "parent", "vrf"] {
                put(&mut f, None, k, plain(&s.take(k)));
            }
            put(&mut f, None, "tags", Puller::tags(&mut s));
            let cf = p.custom_fields(&mut s);
            put(&mut f, None, "custom_fields", cf);
            s.finish(&mut p);
            if f.len() > 1 || t.is_none() {
                ifaces.push(Value::Object(f));
            }
            *p.out.pulled.entry("interfaces".into()).or_default() += 1;
        }
        if !ifaces.is_empty() {
            m.insert("interfaces".into(), Value::Array(ifaces));
        }
        src.finish(&mut p);
        let file = site_file(&site_slug, &d["site"], "devices.yaml").unwrap_or(GLOBAL.into());
        p.add(&file, "devices", name, Value::Object(m));
    }
    p.not_pulled("dcim.device (without a name)", unnamed);
    for (_, left) in interfaces_of {
        p.not_pulled("dcim.interface (of a device not pulled)", left.len());
    }

    // Components other than interfaces: those the device type gives are the device's
    // through its type; others cannot be written yet.
    for (endpoint, _, model) in COMPONENTS {
        let list = p.list(endpoint)?;
        let key =
            TEMPLATE_LISTS.iter().find(|(_, e, _)| e.replace("-templates", "s").replace("ss/", "s/") == *endpoint);
        let mut extra = 0;
        for c in &list {
            let dev = id(&c["device"]).unwrap_or(0);
            let dt = device_type_of.get(&dev).copied().unwrap_or(0);
            let name = str_of(&c["name"]);
            let from_type =
                key.is_some_and(|(l, _, _)| template_names.get(&(dt, *l)).is_some_and(|n| n.contains(&name)));
            if !from_type {
                extra += 1;
            }
        }
        p.not_pulled(format!("{model} (not from its device type)"), extra);
    }

    // IP addresses: at the site of the device whose interface holds them.
    let interface_text = |iid: u64| -> Option<String> {
        let (dev, name) = interface_ref.get(&iid)?;
        Some(format!("{}:{name}", device_name.get(dev)?))
    };
    for a in p.list("ipam/ip-addresses/")? {
        let info = kind("ip_addresses");
        let mut src = Src::new(info.netbox, &a);
        let ty = src.take("assigned_object_type");
        let oid = src.take("assigned_object_id");
        let _ = src.take("assigned_object");
        let mut m = p.generic(info, &mut src, &["interface"]);
        // Its lowering reads these only once an address is read, so the declaration
        // alone does not list them.
        for k in ["status", "role", "dns_name", "tenant", "description"] {
            put(&mut m, Some(info), k, plain(&src.take(k)));
        }
        if !m.contains_key("tags") {
            put(&mut m, None, "tags", Puller::tags(&mut src));
        }
        if !m.contains_key("custom_fields") {
            let cf = p.custom_fields(&mut src);
            put(&mut m, None, "custom_fields", cf);
        }
        let mut file = IPAM.to_string();
        match ty.as_str() {
            Some("dcim.interface") => {
                if let Some(t) = oid.as_u64().and_then(interface_text) {
                    let mut out = Map::new();
                    for (k, v) in std::mem::take(&mut m) {
                        let after = k == "vrf" || (k == "address" && !a["vrf"].is_object());
                        out.insert(k, v);
                        if after {
                            out.insert("interface".into(), json!(t));
                        }
                    }
                    if !out.contains_key("interface") {
                        out.insert("interface".into(), json!(t));
                    }
                    m = out;
                    let dev = interface_ref.get(&oid.as_u64().unwrap_or(0)).map(|x| x.0).unwrap_or(0);
                    if let Some(f) = device_site.get(&dev).and_then(|s| site_file(&site_slug, s, "ipam.yaml")) {
                        file = f;
                    }
                } else {
                    *p.out
                        .fields_not_pulled
                        .entry("ipam.ipaddress.assigned_object (a device not pulled)".into())
                        .or_default() += 1;
                }
            }
            Some(other) => {
                *p.out.fields_not_pulled.entry(format!("ipam.ipaddress.assigned_object ({other})")).or_default() += 1;
            }
            None => {}
        }
        src.finish(&mut p);
        let key = format!("{}/{}", str_of(&plain(&a["vrf"])), str_of(&a["address"]));
        p.add(&file, "ip_addresses", key, Value::Object(m));
    }

    // Circuits with their terminations on sites.
    let mut terms: HashMap<u64, Vec<Value>> = HashMap::new();
    let mut term_ref: HashMap<u64, (u64, String)> = HashMap::new();
    for t in p.list("circuits/circuit-terminations/")? {
        let c = id(&t["circuit"]).unwrap_or(0);
        term_ref.insert(id(&t).unwrap_or(0), (c, str_of(&t["term_side"])));
        terms.entry(c).or_default().push(t);
    }
    let mut circuit_key: HashMap<u64, (String, String)> = HashMap::new();
    let circuits = p.list("circuits/circuits/")?;
    let mut cid_count: HashMap<String, usize> = HashMap::new();
    for c in &circuits {
        *cid_count.entry(str_of(&c["cid"])).or_default() += 1;
    }
    for c in &circuits {
        let info = kind("circuits");
        let cid = id(c).unwrap_or(0);
        let mut src = Src::new(info.netbox, c);
        let _ = (src.take("termination_a"), src.take("termination_z"));
        let mut m = p.generic(info, &mut src, &["terminations"]);
        let provider = str_of(&plain(&c["provider"]));
        circuit_key.insert(cid, (str_of(&c["cid"]), provider.clone()));
        let mut tmap = Map::new();
        let mut site_of_a = None;
        for t in terms.remove(&cid).unwrap_or_default() {
            let mut ts = Src::new("circuits.circuittermination", &t);
            let side = str_of(&ts.take("term_side"));
            let _ = ts.take("circuit");
            let tt = ts.take("termination_type");
            let term = ts.take("termination");
            let _ = ts.take("termination_id");
            let site = ts.take("site");
            let target = match tt.as_str() {
                Some("dcim.site") => Some(plain(&term)),
                None if !site.is_null() => Some(plain(&site)),
                _ => None,
            };
            match target {
                Some(s) => {
                    if side == "A" || site_of_a.is_none() {
                        site_of_a = Some(s.clone());
                    }
                    tmap.insert(side, s);
                }
                None => p.not_pulled("circuits.circuittermination (not on a site)", 1),
            }
            let _ = ts.take("tags");
            ts.finish(&mut p);
        }
        let mut keys: Vec<String> = tmap.keys().cloned().collect();
        keys.sort();
        if !keys.is_empty() {
            let sorted: Map<String, Value> = keys.into_iter().map(|k| (k.clone(), tmap[&k].clone())).collect();
            m.insert("terminations".into(), Value::Object(sorted));
        }
        src.finish(&mut p);
        let _ = site_of_a;
        p.add("inventory/circuits.yaml", "circuits", format!("{provider}/{}", str_of(&c["cid"])), Value::Object(m));
    }

    // Cables between interfaces and circuit terminations.
    let mut odd_cables = 0;
    for c in p.list("dcim/cables/")? {
        let info = kind("cables");
        let end = |side: &str| -> Option<(Value, Option<u64>)> {
            let ts = c[side].as_array()?;
            let [t] = ts.as_slice() else { return None };
            let oid = t["object_id"].as_u64()?;
            match t["object_type"].as_str()? {
                "dcim.interface" => {
                    let (dev, name) = interface_ref.get(&oid)?;
                    let dn = device_name.get(dev)?;
                    let v = if dn.contains(':') {
                        json!({"device": dn, "interface": name})
                    } else {
                        json!(format!("{dn}:{name}"))
                    };
                    Some((v, Some(*dev)))
                }
                "circuits.circuittermination" => {
                    let (circuit, side) = term_ref.get(&oid)?;
                    let (cid, provider) = circuit_key.get(circuit)?;
                    let v = if cid_count.get(cid).copied().unwrap_or(0) > 1 {
                        json!({"circuit": cid, "provider": provider, "term": side})
                    } else {
                        json!({"circuit": cid, "term": side})
                    };
                    Some((v, None))
                }
                _ => None,
            }
        };
        let (Some((a, adev)), Some((b, bdev))) = (end("a_terminations"), end("b_terminations")) else {
            odd_cables += 1;
            continue;
        };
        let mut src = Src::new(info.netbox, &c);
        let _ = (src.take("a_terminations"), src.take("b_terminations"));
        let mut m = Map::new();
        m.insert("a".into(), a.clone());
        m.insert("b".into(), b.clone());
        let rest = p.generic(info, &mut src, &["a", "b"]);
        m.extend(rest);
        src.finish(&mut p);
        let file = adev
            .or(bdev)
            .and_then(|d| device_site.get(&d))
            .and_then(|s| site_file(&site_slug, s, "devices.yaml"))
            .unwrap_or("inventory/circuits.yaml".into());
        let key = super::model::cable_key(&str_of(&a), &str_of(&b));
        p.add(&file, "cables", key, Value::Object(m));
    }
    p.not_pulled("dcim.cable (ends sot cannot express: not one interface or circuit termination a side)", odd_cables);

    // Config contexts.
    for x in p.list("extras/config-contexts/")? {
        let info = kind("config_contexts");
        let mut src = Src::new(info.netbox, &x);
        let data = src.take("data");
        let mut m = p.generic(info, &mut src, &["data", "kind", "schema", "tags"]);
        let tags = src.take("tags");
        let mut assign = Map::new();
        for k in [
            "regions",
            "site_groups",
            "sites",
            "locations",
            "device_types",
            "roles",
            "platforms",
            "tenant_groups",
            "tenants",
        ] {
            if let Some(v) = m.shift_remove(k) {
                let mut v: Vec<Value> = v.as_array().cloned().unwrap_or_default();
                v.sort_by_key(str_of);
                assign.insert(k.into(), Value::Array(v));
            }
        }
        let mut t: Vec<Value> = tags
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(plain)
            .filter(|t| t != super::MANAGED_TAG)
            .collect();
        t.sort_by_key(str_of);
        put(&mut assign, None, "tags", Value::Array(t));
        m.extend(assign);
        if data.as_object().is_some_and(|d| !d.is_empty()) {
            m.insert("data".into(), data);
        }
        src.finish(&mut p);
        p.add("inventory/contexts.yaml", "config_contexts", str_of(&x["name"]), Value::Object(m));
    }

    for endpoint in UNSUPPORTED {
        match client.get(&format!("{endpoint}?limit=1")) {
            Ok(v) => {
                let n = v["count"].as_u64().unwrap_or(0) as usize;
                p.not_pulled(endpoint.trim_end_matches('/').to_string(), n);
            }
            // An endpoint this NetBox version does not have holds nothing.
            Err(Error::Status { status: 404, .. }) => {}
            Err(e) => return Err(e),
        }
    }

    p.out.files.insert("sot.yaml".into(), project_file(&envs, &mut p.out.notes));
    let files = std::mem::take(&mut p.files);
    for (path, colls) in files {
        let mut doc = Map::new();
        let mut colls: Vec<(&'static str, Vec<(String, Value)>)> = colls.into_iter().collect();
        colls.sort_by_key(|(c, _)| ORDER.iter().position(|o| o == c).unwrap_or(usize::MAX));
        for (c, mut objs) in colls {
            objs.sort_by(|a, b| a.0.cmp(&b.0));
            doc.insert(c.to_string(), Value::Array(objs.into_iter().map(|(_, v)| v).collect()));
        }
        let header = "# Pulled from NetBox by `sot netbox pull`.\n";
        p.out.files.insert(path, format!("{header}\n{}", pull_yaml::document(&doc)));
    }
    Ok(p.out)
}

/// `sot.yaml`: the render options NetBox renders with (its defaults, or the
/// environment every config template shares).
fn project_file(envs: &[Value], notes: &mut Vec<String>) -> String {
    let get = |e: &Value, k: &str| e.get(k).cloned();
    let first = envs.first().cloned().unwrap_or(Value::Null);
    if envs.iter().any(|e| *e != first) {
        notes.push(
            "config templates have different environment_params; sot.yaml's render options are the first's".into(),
        );
    }
    let flag = |k: &str| get(&first, k).and_then(|v| v.as_bool()).unwrap_or(false);
    let undefined = match get(&first, "undefined").and_then(|v| v.as_str().map(str::to_string)) {
        Some(u) if u.ends_with("StrictUndefined") => "strict",
        _ => "lenient",
    };
    format!(
        "# sot project file, written by `sot netbox pull`: where the inventory, device types,\n\
         # templates and schemas live. The render options are the Jinja environment NetBox\n\
         # renders config templates with. Reference: docs/format.md in the sot documentation.\n\
         inventory: [inventory]\n\
         device_types: [device-types]\n\
         templates: templates\n\
         schemas: schemas\n\
         output: build\n\
         render:\n  trim_blocks: {}\n  lstrip_blocks: {}\n  keep_trailing_newline: {}\n  undefined: {undefined}\n",
        flag("trim_blocks"),
        flag("lstrip_blocks"),
        flag("keep_trailing_newline"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_for_any_name() {
        assert_eq!(file_name("Ethernet1/1"), "Ethernet1-1");
        assert_eq!(file_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_name(".hidden"), "hidden");
        assert_eq!(file_name("///"), "unnamed");
        assert_eq!(file_name(""), "unnamed");
        assert_eq!(file_name("DCS-7050SX3-48YC8"), "DCS-7050SX3-48YC8");
    }

    #[test]
    fn nested_objects_become_their_natural_keys() {
        assert_eq!(plain(&json!({"value": "active", "label": "Active"})), json!("active"));
        assert_eq!(plain(&json!({"id": 3, "name": "Hall", "slug": "hall"})), json!("hall"));
        assert_eq!(plain(&json!({"id": 3, "name": "mgmt", "rd": null})), json!("mgmt"));
        assert_eq!(plain(&json!({"id": 3, "address": "10.0.0.1/32", "family": 4})), json!("10.0.0.1/32"));
        assert_eq!(plain(&json!({"x": 1})), json!({"x": 1}));
    }

    #[test]
    fn defaults_and_blanks_are_left_out() {
        let mut m = Map::new();
        let info = kind("racks");
        put(&mut m, Some(info), "u_height", json!(42));
        put(&mut m, Some(info), "status", json!("active"));
        put(&mut m, Some(info), "description", json!(""));
        put(&mut m, Some(info), "starting_unit", json!(2));
        assert_eq!(Value::Object(m), json!({"starting_unit": 2}));
    }
}
