//! `sot site`: the inventory as a static web site.
//!
//! [`plan`] turns a compilation into the files of a site (plain HTML pages, one CSS
//! file, one small script for search and diagram zoom, the search index as a script),
//! written by [`crate::emit::write::replace_dir`] like `sot build`'s output. Every link
//! is relative, so the site works from `file://` and from any static host; nothing is
//! fetched from elsewhere. Pages are built in parallel and sorted by path: two runs on
//! the same input write the same bytes.
//!
//! `html.rs` has the page frame and escaping, `rack.rs` the rack elevations, `topo.rs`
//! the layered topology layout, `pages.rs` the pages; this file gathers what the pages
//! share (page names, indexes between objects, the diff marks).

pub mod html;
mod pages;
pub mod rack;
pub mod topo;

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use rayon::prelude::*;

use crate::compile::Compilation;
use crate::diff::DiffReport;
use crate::emit::Artifact;
use crate::hash::{HashMap, HashMapExt};
use crate::model::*;
use crate::source::{FileId, SourceSet};

/// Rows of a list page before it is split into pages.
pub const PER_PAGE: usize = 1000;
/// Above this many devices, the whole-network drawing shows sites, not devices.
pub const NETWORK_DEVICES: usize = 400;

/// What to draw besides the inventory.
pub struct Options<'a> {
    /// Where the inventory came from (`working tree` or a commit), for the footer.
    pub revision: String,
    /// A comparison with a base revision: its changes are marked (`sot site --diff`).
    pub diff: Option<&'a DiffReport>,
}

/// The site's files, sorted by path, and how many are pages.
pub struct Output {
    pub artifacts: Vec<Artifact>,
    pub pages: usize,
}

/// The diff marks: `(NetBox model, natural key)` → `added`, `changed` or `removed`.
#[derive(Default)]
pub struct Marks {
    by_key: HashMap<(String, String), &'static str>,
}

impl Marks {
    fn new(report: Option<&DiffReport>) -> Marks {
        let mut by_key = HashMap::new();
        let Some(r) = report else { return Marks { by_key } };
        for e in &r.events {
            let mark = match e.event {
                "created" => "added",
                "deleted" => "removed",
                _ => "changed",
            };
            by_key.insert((e.model.to_string(), e.key.clone()), mark);
        }
        for d in &r.devices {
            by_key.entry(("dcim.device".to_string(), d.device.clone())).or_insert("changed");
        }
        // A device whose interfaces changed is changed.
        let ifaces: Vec<String> = by_key
            .keys()
            .filter(|(m, _)| *m == "dcim.interface")
            .filter_map(|(_, k)| k.split_once(':').map(|(d, _)| d.to_string()))
            .collect();
        for d in ifaces {
            by_key.entry(("dcim.device".to_string(), d)).or_insert("changed");
        }
        Marks { by_key }
    }

    pub fn get(&self, model: &str, key: &str) -> &'static str {
        if self.by_key.is_empty() {
            return "";
        }
        self.by_key.get(&(model.to_string(), key.to_string())).copied().unwrap_or("")
    }
}

/// A prefix's utilisation: percent, used, size, and what is counted.
pub(crate) type Usage = (f64, u128, u128, &'static str);

/// Page paths (relative to the root) of every object that has a page.
pub(crate) struct Names {
    pub sites: Vec<String>,
    pub racks: Vec<String>,
    pub devices: Vec<String>,
    pub device_types: Vec<String>,
    pub circuits: Vec<String>,
    pub prefixes: Vec<String>,
    pub contexts: Vec<String>,
    pub sources: HashMap<FileId, String>,
    /// Each IP address's list page and anchor.
    pub ips: Vec<String>,
}

/// Unique page names in `dir` for `keys`, in order.
fn unique(dir: &str, keys: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    keys.map(|k| {
        // Lower-cased first: case-insensitive file systems would merge `R1` and `r1`,
        // which the counter below keeps apart.
        let base = html::file_name(&k.to_lowercase());
        let mut name = base.clone();
        let mut n = 2;
        while !seen.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        format!("{dir}/{name}.html")
    })
    .collect()
}

/// What the pages share: the compiled inventory and the indexes between its objects.
pub(crate) struct Ctx<'a> {
    pub comp: &'a Compilation,
    pub inv: &'a Inventory,
    pub sources: &'a SourceSet,
    pub frame: html::Frame<'a>,
    pub names: Names,
    pub marks: Marks,
    pub diff: Option<&'a DiffReport>,
    pub devices_by_site: Vec<Vec<usize>>,
    pub devices_by_rack: Vec<Vec<usize>>,
    pub devices_by_type: Vec<Vec<usize>>,
    pub devices_by_context: Vec<Vec<usize>>,
    pub contexts_of_device: Vec<Vec<Id<ConfigContext>>>,
    pub racks_by_site: Vec<Vec<usize>>,
    pub locations_by_site: Vec<Vec<usize>>,
    /// Each device's list page (devices are listed by site, then name).
    pub device_order: Vec<usize>,
    /// Addresses by (VRF, address): (VRF index or `None` for global, host, address index).
    pub ips_sorted: Vec<(Option<usize>, IpAddr, usize)>,
    /// Each prefix's parent prefix (same VRF) and its children, and the prefixes in tree order.
    pub prefix_parent: Vec<Option<usize>>,
    pub prefix_children: Vec<Vec<usize>>,
    pub prefix_order: Vec<(Option<usize>, usize, usize)>,
    pub usage: HashMap<(Option<String>, String), Usage>,
    /// Diagnostics by the page of the object they point into.
    pub diags_by_page: HashMap<String, Vec<usize>>,
    pub diag_pages: Vec<Option<String>>,
    /// Each address's deepest prefix.
    pub ip_prefix: Vec<Option<usize>>,
    pub source_by_path: HashMap<String, FileId>,
    pub context_by_name: HashMap<String, usize>,
    /// The context section of device pages, by the list of contexts merged (see `pages::device`).
    pub context_html: std::sync::Mutex<HashMap<Vec<Id<ConfigContext>>, std::sync::Arc<str>>>,
    /// The links of the drawings, gathered once (`pages::links`).
    pub links: std::sync::OnceLock<pages::Links>,
}

fn vrf_index(r: &Option<Ref<Vrf>>) -> Option<Option<usize>> {
    match r {
        None => Some(None),
        Some(r) => r.id.map(|v| Some(v.index())),
    }
}

impl<'a> Ctx<'a> {
    fn new(comp: &'a Compilation, sources: &'a SourceSet, opts: &'a Options<'a>) -> Ctx<'a> {
        let inv = &comp.inventory;
        let sites = unique("sites", inv.sites.iter().map(|s| s.slug.value.to_string()));
        let racks = unique("racks", inv.racks.iter().map(|r| format!("{}-{}", r.site.key.value, r.name.value)));
        let devices = unique("devices", inv.devices.iter().map(|d| d.name.value.to_string()));
        let device_types = unique("device-types", inv.device_types.iter().map(|t| t.slug.value.to_string()));
        let circuits =
            unique("circuits", inv.circuits.iter().map(|c| format!("{}-{}", c.provider.key.value, c.cid.value)));
        let prefixes = unique(
            "prefixes",
            inv.prefixes.iter().map(|p| {
                format!("{}-{}", p.vrf.as_ref().map_or("global", |v| v.key.as_str()), p.prefix.value).replace('/', "_")
            }),
        );
        let contexts = unique("config-contexts", inv.config_contexts.iter().map(|c| c.name.value.to_string()));
        let files: Vec<(FileId, String)> = sources.iter().map(|(id, f)| (id, f.path.clone())).collect();
        let source_names = unique("source", files.iter().map(|(_, p)| p.clone()));
        let sources_map: HashMap<FileId, String> =
            files.iter().map(|(id, _)| *id).zip(source_names).collect::<Vec<_>>().into_iter().collect();

        let mut devices_by_site = vec![Vec::new(); inv.sites.len()];
        let mut devices_by_rack = vec![Vec::new(); inv.racks.len()];
        let mut devices_by_type = vec![Vec::new(); inv.device_types.len()];
        for (i, d) in inv.devices.iter().enumerate() {
            if let Some(s) = d.site.id {
                devices_by_site[s.index()].push(i);
            }
            if let Some(r) = d.rack.as_ref().and_then(|r| r.id) {
                devices_by_rack[r.index()].push(i);
            }
            if let Some(t) = d.device_type.id {
                devices_by_type[t.index()].push(i);
            }
        }
        let by_name = |v: &mut Vec<usize>| {
            v.sort_by(|&a, &b| topo::natural(&inv.devices[a].name.value, &inv.devices[b].name.value))
        };
        devices_by_site.iter_mut().for_each(by_name);
        devices_by_rack.iter_mut().for_each(by_name);
        devices_by_type.iter_mut().for_each(by_name);
        let mut device_order: Vec<usize> = Vec::with_capacity(inv.devices.len());
        let mut site_order: Vec<usize> = (0..inv.sites.len()).collect();
        site_order.sort_by(|&a, &b| topo::natural(&inv.sites[a].name.value, &inv.sites[b].name.value));
        for s in &site_order {
            device_order.extend(&devices_by_site[*s]);
        }
        let mut no_site: Vec<usize> = (0..inv.devices.len()).filter(|&i| inv.devices[i].site.id.is_none()).collect();
        by_name(&mut no_site);
        device_order.extend(no_site);

        let mut racks_by_site = vec![Vec::new(); inv.sites.len()];
        for (i, r) in inv.racks.iter().enumerate() {
            if let Some(s) = r.site.id {
                racks_by_site[s.index()].push(i);
            }
        }
        racks_by_site
            .iter_mut()
            .for_each(|v| v.sort_by(|&a, &b| topo::natural(&inv.racks[a].name.value, &inv.racks[b].name.value)));
        let mut locations_by_site = vec![Vec::new(); inv.sites.len()];
        for (i, l) in inv.locations.iter().enumerate() {
            if let Some(s) = l.site.id {
                locations_by_site[s.index()].push(i);
            }
        }

        let matcher = &comp.world.matcher;
        let contexts_of_device: Vec<Vec<Id<ConfigContext>>> =
            inv.devices.par_iter().map(|d| matcher.for_device(inv, d)).collect();
        let mut devices_by_context = vec![Vec::new(); inv.config_contexts.len()];
        for &i in &device_order {
            for c in &contexts_of_device[i] {
                devices_by_context[c.index()].push(i);
            }
        }

        let mut ips_sorted: Vec<(Option<usize>, IpAddr, usize)> = inv
            .ip_addresses
            .iter()
            .enumerate()
            .filter_map(|(i, a)| Some((vrf_index(&a.vrf)?, a.address.value.addr(), i)))
            .collect();
        ips_sorted.sort();
        let mut ips = vec![String::new(); inv.ip_addresses.len()];
        for (k, (_, _, i)) in ips_sorted.iter().enumerate() {
            ips[*i] = format!("{}#ip-{i}", list_page("ip-addresses", k / PER_PAGE));
        }

        // The prefix tree of each VRF: sorted by network then length, a stack of open
        // ancestors gives each prefix its parent.
        let mut sorted: Vec<(Option<usize>, IpNet, usize)> = inv
            .prefixes
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((vrf_index(&p.vrf)?, p.prefix.value, i)))
            .collect();
        sorted.sort_by(|a, b| {
            (a.0, a.1.network(), a.1.prefix_len(), a.2).cmp(&(b.0, b.1.network(), b.1.prefix_len(), b.2))
        });
        let mut prefix_parent = vec![None; inv.prefixes.len()];
        let mut prefix_children = vec![Vec::new(); inv.prefixes.len()];
        let mut prefix_order = Vec::with_capacity(sorted.len());
        let mut stack: Vec<(Option<usize>, IpNet, usize)> = Vec::new();
        for &(vrf, net, i) in &sorted {
            while let Some(&(sv, sn, _)) = stack.last() {
                if sv == vrf && sn.contains(&net) && sn != net {
                    break;
                } else {
                    stack.pop();
                }
            }
            if let Some(&(_, _, p)) = stack.last() {
                prefix_parent[i] = Some(p);
                prefix_children[p].push(i);
            }
            prefix_order.push((vrf, i, stack.len()));
            stack.push((vrf, net, i));
        }
        let usage = HashMap::new();

        let names =
            Names { sites, racks, devices, device_types, circuits, prefixes, contexts, sources: sources_map, ips };
        let (diag_pages, diags_by_page) = diagnostic_pages(comp, inv, &names);
        let mut ctx = Ctx {
            comp,
            inv,
            sources,
            frame: html::Frame { revision: &opts.revision, diff_base: opts.diff.map(|d| d.base.as_str()) },
            names,
            marks: Marks::new(opts.diff),
            diff: opts.diff,
            devices_by_site,
            devices_by_rack,
            devices_by_type,
            devices_by_context,
            contexts_of_device,
            racks_by_site,
            locations_by_site,
            device_order,
            ips_sorted,
            prefix_parent,
            prefix_children,
            prefix_order,
            usage,
            diags_by_page,
            diag_pages,
            ip_prefix: Vec::new(),
            context_by_name: inv
                .config_contexts
                .iter()
                .enumerate()
                .map(|(k, c)| (c.name.value.to_string(), k))
                .collect::<Vec<_>>()
                .into_iter()
                .collect(),
            context_html: Default::default(),
            links: Default::default(),
            source_by_path: sources
                .iter()
                .map(|(id, f)| (f.path.clone(), id))
                .collect::<Vec<_>>()
                .into_iter()
                .collect(),
        };
        // Shorter prefixes first: a longer one holding the same address overrides.
        let mut by_len: Vec<usize> = (0..inv.prefixes.len()).collect();
        by_len.sort_by_key(|&i| (inv.prefixes[i].prefix.value.prefix_len(), i));
        let mut ip_prefix = vec![None; inv.ip_addresses.len()];
        for p in by_len {
            for k in ctx.addresses_in(p) {
                ip_prefix[ctx.ips_sorted[k].2] = Some(p);
            }
        }
        ctx.ip_prefix = ip_prefix;
        ctx.usage = ctx.usage_all();
        ctx
    }

    /// A link from a page `depth` folders below the root to `path` (from the root).
    pub fn href(&self, depth: usize, path: &str) -> String {
        format!("{}{path}", "../".repeat(depth))
    }

    /// A link to the source line `span` starts on.
    pub fn source_link(&self, depth: usize, span: crate::diagnostic::Span) -> String {
        let path = self.sources.path(span.file);
        let text = format!("{path}:{}", span.start.line);
        match self.names.sources.get(&span.file) {
            Some(page) => html::a(&format!("{}#L{}", self.href(depth, page), span.start.line), &text),
            None => html::esc(&text),
        }
    }

    /// A link to a `path:line:col` location as `show --explain` prints it.
    pub fn location_link(&self, depth: usize, location: &str) -> String {
        let mut parts = location.rsplitn(3, ':');
        let (_col, line, path) = (parts.next(), parts.next(), parts.next());
        let (Some(line), Some(path)) = (line, path) else { return html::esc(location) };
        let page = self.source_by_path.get(path).and_then(|id| self.names.sources.get(id));
        match page {
            Some(page) => html::a(&format!("{}#L{line}", self.href(depth, page)), &format!("{path}:{line}")),
            None => html::esc(location),
        }
    }

    pub fn device_link(&self, depth: usize, i: usize) -> String {
        html::a(&self.href(depth, &self.names.devices[i]), &self.inv.devices[i].name.value)
    }

    pub fn site_link(&self, depth: usize, r: &Ref<Site>) -> String {
        match r.id {
            Some(s) => html::a(&self.href(depth, &self.names.sites[s.index()]), &self.inv.sites[s.index()].name.value),
            None => html::esc(&r.key.value),
        }
    }

    pub fn rack_link(&self, depth: usize, r: &Ref<Rack>) -> String {
        match r.id {
            Some(x) => html::a(&self.href(depth, &self.names.racks[x.index()]), &self.inv.racks[x.index()].name.value),
            None => html::esc(&r.key.value),
        }
    }

    pub fn ip_link(&self, depth: usize, i: usize) -> String {
        html::a(&self.href(depth, &self.names.ips[i]), &self.inv.ip_addresses[i].address.value.to_string())
    }

    pub fn vlan_link(&self, depth: usize, v: &VlanRef) -> String {
        match v.id {
            Some(id) => {
                html::a(&self.href(depth, &format!("vlans.html#vlan-{}", id.index())), &v.vid.value.to_string())
            }
            None => html::esc(&v.vid.value.to_string()),
        }
    }

    pub fn context_link(&self, depth: usize, c: Id<ConfigContext>) -> String {
        html::a(&self.href(depth, &self.names.contexts[c.index()]), &self.inv.config_contexts[c.index()].name.value)
    }

    pub fn prefix_link(&self, depth: usize, i: usize) -> String {
        html::a(&self.href(depth, &self.names.prefixes[i]), &self.inv.prefixes[i].prefix.value.to_string())
    }

    /// The addresses (indexes into `ips_sorted`) of prefix `i`'s VRF inside it.
    pub fn addresses_in(&self, i: usize) -> std::ops::Range<usize> {
        let p = &self.inv.prefixes[i];
        let Some(vrf) = vrf_index(&p.vrf) else { return 0..0 };
        let net = p.prefix.value;
        let lo = self.ips_sorted.partition_point(|(v, a, _)| (*v, *a) < (vrf, net.network()));
        let hi = self.ips_sorted.partition_point(|(v, a, _)| (*v, *a) <= (vrf, net.broadcast()));
        lo..hi.max(lo)
    }

    /// Every prefix's utilisation, as `sot ipam usage` computes it (`crate::allocation::usage`),
    /// from the prefix tree and the sorted addresses instead of a scan per prefix: a
    /// container by the space its child prefixes cover, another prefix by its addresses
    /// (IPv4 network and broadcast not counted unless a pool or a /31 or /32).
    fn usage_all(&self) -> HashMap<(Option<String>, String), Usage> {
        let inv = self.inv;
        let size = |n: IpNet| -> u128 {
            let bits = n.max_prefix_len() - n.prefix_len();
            if bits >= 128 { u128::MAX } else { 1u128 << bits }
        };
        (0..inv.prefixes.len())
            .into_par_iter()
            .filter(|&i| vrf_index(&inv.prefixes[i].vrf).is_some())
            .map(|i| {
                let p = &inv.prefixes[i];
                let net = p.prefix.value;
                let total = size(net);
                let container = p.status.as_ref().is_some_and(|s| s.as_str() == "container");
                let (measure, used, size) = if container {
                    let mut kids: Vec<IpNet> =
                        self.prefix_children[i].iter().map(|&k| inv.prefixes[k].prefix.value).collect();
                    kids.sort();
                    kids.dedup();
                    ("prefixes", kids.into_iter().map(size).sum::<u128>(), total)
                } else {
                    let edges = matches!(net, IpNet::V4(_)) && net.prefix_len() < 31 && !p.is_pool;
                    let mut hosts: Vec<IpAddr> = self.ips_sorted[self.addresses_in(i)].iter().map(|x| x.1).collect();
                    hosts.dedup();
                    ("addresses", hosts.len() as u128, if edges { total - 2 } else { total })
                };
                let percent = if size == 0 { 0.0 } else { (used as f64 / size as f64 * 1000.0).round() / 10.0 };
                ((p.vrf.as_ref().map(|v| v.key.value.to_string()), net.to_string()), (percent, used, size, measure))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    }

    pub fn usage_of(&self, p: &Prefix) -> Option<Usage> {
        self.usage.get(&(p.vrf.as_ref().map(|v| v.key.value.to_string()), p.prefix.value.to_string())).copied()
    }

    pub fn role_color(&self, d: &Device) -> String {
        let c = d.role.id.and_then(|r| self.inv.device_roles[r.index()].color.as_ref()).map(|c| c.as_str());
        html::color(c, "#9e9e9e")
    }

    /// The diagnostics that point into the page at `path`, as a section (empty if none).
    pub fn diagnostics_section(&self, depth: usize, path: &str) -> String {
        let Some(list) = self.diags_by_page.get(path) else { return String::new() };
        let rows: Vec<Vec<String>> = list.iter().map(|&i| pages::diagnostic_row(self, depth, i, false)).collect();
        format!(
            "<section aria-labelledby=\"diags\"><h2 id=\"diags\">Diagnostics</h2>{}</section>",
            html::table("", &["Severity", "Code", "Message", "Where"], &rows)
        )
    }
}

/// The name of list page `k` (0-based) of a paged list.
pub fn list_page(base: &str, k: usize) -> String {
    if k == 0 { format!("{base}.html") } else { format!("{base}-{}.html", k + 1) }
}

/// For each diagnostic, the page of the object its primary span lies in: the object
/// starting last at or before it in the same file (objects of a collection are written
/// one after another). Objects without pages (cables) stop the search too.
fn diagnostic_pages(
    comp: &Compilation,
    inv: &Inventory,
    names: &Names,
) -> (Vec<Option<String>>, HashMap<String, Vec<usize>>) {
    let mut starts: HashMap<FileId, Vec<(u32, Option<String>)>> = HashMap::new();
    let mut add = |span: crate::diagnostic::Span, page: Option<String>| {
        starts.entry(span.file).or_default().push((span.start.line, page));
    };
    for (i, x) in inv.sites.iter().enumerate() {
        add(x.slug.span, Some(names.sites[i].clone()));
        add(x.name.span, Some(names.sites[i].clone()));
    }
    for (i, x) in inv.racks.iter().enumerate() {
        add(x.name.span, Some(names.racks[i].clone()));
    }
    for (i, x) in inv.devices.iter().enumerate() {
        add(x.name.span, Some(names.devices[i].clone()));
    }
    for (i, x) in inv.device_types.iter().enumerate() {
        add(crate::diagnostic::Span::file_start(x.slug.span.file), Some(names.device_types[i].clone()));
    }
    for (i, x) in inv.circuits.iter().enumerate() {
        add(x.cid.span, Some(names.circuits[i].clone()));
    }
    for (i, x) in inv.prefixes.iter().enumerate() {
        add(x.prefix.span, Some(names.prefixes[i].clone()));
    }
    for (i, x) in inv.config_contexts.iter().enumerate() {
        add(x.name.span, Some(names.contexts[i].clone()));
    }
    for (i, x) in inv.vlans.iter().enumerate() {
        add(x.vid.span, Some(format!("vlans.html#vlan-{i}")));
    }
    for x in &inv.cables {
        add(x.span, None);
    }
    for (i, x) in inv.ip_addresses.iter().enumerate() {
        // Addresses written inside an interface belong to the device's page.
        let inline = x.assigned.is_some() && x.extra.as_ref().is_none_or(|e| e.interface.is_none());
        if !inline {
            add(x.address.span, Some(names.ips[i].clone()));
        }
    }
    for v in starts.values_mut() {
        v.sort_by_key(|(line, _)| *line);
    }
    let mut by_page: HashMap<String, Vec<usize>> = HashMap::new();
    let pages: Vec<Option<String>> = comp
        .diagnostics
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let span = d.primary.span;
            let list = starts.get(&span.file)?;
            let at = list.partition_point(|(line, _)| *line <= span.start.line);
            let page = list.get(at.checked_sub(1)?)?.1.clone()?;
            by_page.entry(page.split('#').next().unwrap_or_default().to_string()).or_default().push(k);
            Some(page)
        })
        .collect();
    (pages, by_page)
}

/// One page to write.
#[derive(Clone, Copy)]
enum Job {
    Static,
    Index,
    Search,
    SearchIndex,
    Sites,
    Site(usize),
    Racks,
    Rack(usize),
    Devices(usize),
    Device(usize),
    Topology,
    DeviceTypes,
    DeviceType(usize),
    Circuits,
    Circuit(usize),
    Vlans,
    Prefixes,
    Prefix(usize),
    Ips(usize),
    Contexts,
    Context(usize),
    Diagnostics,
    Source(FileId),
    Changes,
}

/// Every file of the site of `comp` (whose configurations were kept, if pages are to show them).
pub fn plan(comp: &Compilation, sources: &SourceSet, opts: &Options<'_>) -> Output {
    let ctx = Ctx::new(comp, sources, opts);
    let inv = &comp.inventory;
    let pages_of = |n: usize| n.div_ceil(PER_PAGE).max(1);
    let mut jobs = vec![
        Job::Static,
        Job::Index,
        Job::Search,
        Job::SearchIndex,
        Job::Sites,
        Job::Racks,
        Job::Topology,
        Job::DeviceTypes,
        Job::Circuits,
        Job::Vlans,
        Job::Prefixes,
        Job::Contexts,
        Job::Diagnostics,
    ];
    if opts.diff.is_some() {
        jobs.push(Job::Changes);
    }
    jobs.extend((0..inv.sites.len()).map(Job::Site));
    jobs.extend((0..inv.racks.len()).map(Job::Rack));
    jobs.extend((0..pages_of(inv.devices.len())).map(Job::Devices));
    jobs.extend((0..inv.devices.len()).map(Job::Device));
    jobs.extend((0..inv.device_types.len()).map(Job::DeviceType));
    jobs.extend((0..inv.circuits.len()).map(Job::Circuit));
    jobs.extend((0..inv.prefixes.len()).map(Job::Prefix));
    jobs.extend((0..pages_of(ctx.ips_sorted.len())).map(Job::Ips));
    jobs.extend((0..inv.config_contexts.len()).map(Job::Context));
    jobs.extend(sources.iter().map(|(id, _)| Job::Source(id)));
    let mut artifacts: Vec<Artifact> = jobs
        .par_iter()
        .flat_map_iter(|job| match *job {
            Job::Static => pages::statics(),
            Job::Index => vec![pages::index(&ctx)],
            Job::Search => vec![pages::search(&ctx)],
            Job::SearchIndex => vec![pages::search_index(&ctx)],
            Job::Sites => vec![pages::sites(&ctx)],
            Job::Site(i) => vec![pages::site(&ctx, i)],
            Job::Racks => vec![pages::racks(&ctx)],
            Job::Rack(i) => vec![pages::rack(&ctx, i)],
            Job::Devices(k) => vec![pages::devices(&ctx, k)],
            Job::Device(i) => vec![pages::device(&ctx, i)],
            Job::Topology => vec![pages::topology(&ctx)],
            Job::DeviceTypes => vec![pages::device_types(&ctx)],
            Job::DeviceType(i) => vec![pages::device_type(&ctx, i)],
            Job::Circuits => vec![pages::circuits(&ctx)],
            Job::Circuit(i) => vec![pages::circuit(&ctx, i)],
            Job::Vlans => vec![pages::vlans(&ctx)],
            Job::Prefixes => vec![pages::prefixes(&ctx)],
            Job::Prefix(i) => vec![pages::prefix(&ctx, i)],
            Job::Ips(k) => vec![pages::ips(&ctx, k)],
            Job::Contexts => vec![pages::contexts(&ctx)],
            Job::Context(i) => vec![pages::context(&ctx, i)],
            Job::Diagnostics => vec![pages::diagnostics(&ctx)],
            Job::Source(id) => vec![pages::source(&ctx, id)],
            Job::Changes => vec![pages::changes(&ctx)],
        })
        .collect();
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    let pages = artifacts.iter().filter(|a| a.path.ends_with(".html")).count();
    Output { artifacts, pages }
}

/// Site counts for the index page: (label, page, count), in a fixed order.
pub(crate) fn counts(inv: &Inventory) -> BTreeMap<usize, (&'static str, &'static str, usize)> {
    [
        ("Sites", "sites.html", inv.sites.len()),
        ("Racks", "racks.html", inv.racks.len()),
        ("Devices", "devices.html", inv.devices.len()),
        ("Cables", "topology.html", inv.cables.len()),
        ("Device types", "device-types.html", inv.device_types.len()),
        ("Circuits", "circuits.html", inv.circuits.len()),
        ("VLANs", "vlans.html", inv.vlans.len()),
        ("VRFs", "prefixes.html", inv.vrfs.len()),
        ("Prefixes", "prefixes.html", inv.prefixes.len()),
        ("IP addresses", "ip-addresses.html", inv.ip_addresses.len()),
        ("Config contexts", "config-contexts.html", inv.config_contexts.len()),
    ]
    .into_iter()
    .enumerate()
    .collect()
}

#[cfg(test)]
mod tests;
