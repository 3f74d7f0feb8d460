//! The pages of the site, one function each.

use std::fmt::Write;

use rayon::prelude::*;
use serde_json::Value;

use super::html::{self, a, badge, esc, fields, page, table, table_marked};
use super::rack::{self, Geometry, Mounted};
use super::topo::{self, Edge, Group, Node};
use super::{Ctx, PER_PAGE, list_page};
use crate::emit::Artifact;
use crate::model::*;
use crate::view::Peer;

const CSS: &str = include_str!("assets/style.css");
const JS: &str = include_str!("assets/site.js");

/// A table row: its anchor, its diff mark and its cells.
type Row = (String, &'static str, Vec<String>);

fn art(path: impl Into<String>, text: String) -> Artifact {
    Artifact::new(path, text.into_bytes())
}

fn opt(x: &Option<Text>) -> String {
    x.as_ref().map_or(String::new(), |t| esc(&t.value))
}

fn opt_ref<T>(x: &Option<Ref<T>>) -> String {
    x.as_ref().map_or(String::new(), |t| esc(&t.key.value))
}

fn status(x: &Option<Text>) -> String {
    esc(x.as_ref().map_or("active", |s| s.as_str()))
}

fn tags(ctx: &Ctx<'_>, refs: &[Ref<Tag>]) -> String {
    refs.iter()
        .map(|r| {
            let color = r.id.and_then(|t| ctx.inv.tags[t.index()].color.as_ref()).map(|c| c.as_str());
            let bg = html::color(color, "#e0e0e0");
            format!(
                "<span class=\"tag\" style=\"background:{bg};color:{}\">{}</span>",
                html::text_on(&bg),
                esc(&r.key.value)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn custom_fields(values: &[CustomValue]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> =
        values.iter().map(|c| vec![esc(&c.name.value), esc(&json_text(&c.value.to_json()))]).collect();
    format!("<h2>Custom fields</h2>{}", table("", &["Field", "Value"], &rows))
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn h1(title: &str, mark: &str) -> String {
    format!("<h1>{}{}</h1>", esc(title), badge(mark))
}

/// A diagram with zoom controls (added by the script; without it the drawing scrolls).
fn diagram(svg: &str) -> String {
    format!("<div class=\"diagram\" tabindex=\"0\" role=\"region\" aria-label=\"Drawing (scrolls)\">{svg}</div>")
}

fn pager(ctx: &Ctx<'_>, base: &str, k: usize, total: usize) -> String {
    let pages = total.div_ceil(PER_PAGE).max(1);
    if pages <= 1 {
        return String::new();
    }
    let mut s = String::from("<nav class=\"pager\" aria-label=\"Pages\">Page: ");
    for p in 0..pages {
        if p == k {
            let _ = write!(s, "<strong aria-current=\"page\">{}</strong> ", p + 1);
        } else {
            let _ = write!(s, "{} ", a(&ctx.href(0, &list_page(base, p)), &(p + 1).to_string()));
        }
    }
    s.push_str("</nav>");
    s
}

pub fn statics() -> Vec<Artifact> {
    vec![
        art("style.css", CSS.to_string()),
        art("site.js", JS.to_string()),
        // GitHub Pages: serve the files as they are (no Jekyll processing).
        art(".nojekyll", String::new()),
    ]
}

pub fn index(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let mut b = String::from("<h1>Network inventory</h1>");
    b.push_str("<p>The source of truth as written in the repository: sites and racks, devices with their interfaces, cables and merged config contexts, IPAM and circuits. Use the search box above to find any object by name, serial or address.</p>");
    b.push_str("<section aria-labelledby=\"counts\"><h2 id=\"counts\">Contents</h2><ul class=\"counts\">");
    for (label, path, n) in super::counts(inv).into_values() {
        let _ = write!(b, "<li>{} <span class=\"n\">{n}</span></li>", a(path, label));
    }
    b.push_str("</ul></section>");
    let errors = ctx.comp.count(crate::diagnostic::Severity::Error);
    let warnings = ctx.comp.count(crate::diagnostic::Severity::Warning);
    let _ = write!(
        b,
        "<section aria-labelledby=\"check\"><h2 id=\"check\">Check</h2><p>{} · {}</p></section>",
        a("diagnostics.html", &format!("{errors} errors, {warnings} warnings")),
        if errors == 0 { "the inventory checks clean of errors" } else { "the inventory has errors" }
    );
    if let Some(d) = ctx.diff {
        let s = &d.summary;
        let _ = write!(
            b,
            "<section aria-labelledby=\"chg\"><h2 id=\"chg\">Changes from <code>{}</code></h2><p>{} objects added, {} changed, {} removed; {} devices affected. {}</p></section>",
            esc(&d.base),
            s.objects_created,
            s.objects_updated,
            s.objects_deleted,
            s.devices_affected,
            a("changes.html", "All changes")
        );
    }
    b.push_str("<section aria-labelledby=\"sitelist\"><h2 id=\"sitelist\">Sites</h2><ul>");
    let mut order: Vec<usize> = (0..inv.sites.len()).collect();
    order.sort_by(|&x, &y| topo::natural(&inv.sites[x].name.value, &inv.sites[y].name.value));
    for (shown, i) in order.into_iter().enumerate() {
        if shown == 200 {
            b.push_str("<li>… all sites on the ");
            b.push_str(&a("sites.html", "sites page"));
            b.push_str("</li>");
            break;
        }
        let s = &inv.sites[i];
        let mark = ctx.marks.get("dcim.site", &s.slug.value);
        let _ = write!(
            b,
            "<li>{}{} <span class=\"muted\">{} devices</span></li>",
            a(&ctx.names.sites[i], &s.name.value),
            badge(mark),
            ctx.devices_by_site[i].len()
        );
    }
    b.push_str("</ul></section>");
    art("index.html", page(&ctx.frame, 0, "Network inventory", &b, &[]))
}

pub fn search(ctx: &Ctx<'_>) -> Artifact {
    let b = "<h1>Search</h1><p id=\"search-help\">Type in the search box above: every word must appear in an object's name, key fields or addresses. Search needs JavaScript; every object is also reachable from the section pages.</p>\
<div id=\"results\" aria-live=\"polite\"></div><noscript><p>Search needs JavaScript.</p></noscript>";
    art("search.html", page(&ctx.frame, 0, "Search", b, &["search-index.js", "site.js"]))
}

/// The search index: `[text to match, kind, label, page]` for each object, as a script
/// (a `file://` page cannot fetch JSON, but it can load a script).
pub fn search_index(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut push = |kind: &str, label: String, extra: String, url: &str| {
        rows.push([format!("{label} {extra}").to_lowercase(), kind.to_string(), label, url.to_string()]);
    };
    for (i, s) in inv.sites.iter().enumerate() {
        push("site", s.name.value.to_string(), format!("{} {}", s.slug.value, opt(&s.facility)), &ctx.names.sites[i]);
    }
    for (i, r) in inv.racks.iter().enumerate() {
        push("rack", format!("{} ({})", r.name.value, r.site.key.value), String::new(), &ctx.names.racks[i]);
    }
    for (i, d) in inv.devices.iter().enumerate() {
        let ip = |x: Option<Id<IpAddress>>| {
            x.map(|x| inv.ip_addresses[x.index()].address.value.to_string()).unwrap_or_default()
        };
        push(
            "device",
            d.name.value.to_string(),
            format!(
                "{} {} {} {} {} {} {}",
                d.role.key.value,
                d.site.key.value,
                d.device_type.key.value,
                opt(&d.serial),
                opt(&d.asset_tag),
                ip(d.primary_ip4_id),
                ip(d.primary_ip6_id)
            ),
            &ctx.names.devices[i],
        );
    }
    for (i, t) in inv.device_types.iter().enumerate() {
        push(
            "device type",
            t.model.value.to_string(),
            format!("{} {}", t.slug.value, t.manufacturer.key.value),
            &ctx.names.device_types[i],
        );
    }
    for (i, c) in inv.circuits.iter().enumerate() {
        push("circuit", c.cid.value.to_string(), c.provider.key.value.to_string(), &ctx.names.circuits[i]);
    }
    for (i, p) in inv.prefixes.iter().enumerate() {
        push("prefix", p.prefix.value.to_string(), opt(&p.description), &ctx.names.prefixes[i]);
    }
    for (i, v) in inv.vlans.iter().enumerate() {
        push("VLAN", format!("{} {}", v.vid.value, v.name.value), String::new(), &format!("vlans.html#vlan-{i}"));
    }
    for v in &inv.vrfs {
        push(
            "VRF",
            v.name.value.to_string(),
            opt(&v.rd),
            &format!("prefixes.html#vrf-{}", html::file_name(&v.name.value)),
        );
    }
    for (i, c) in inv.config_contexts.iter().enumerate() {
        push("config context", c.name.value.to_string(), String::new(), &ctx.names.contexts[i]);
    }
    for (i, x) in inv.ip_addresses.iter().enumerate() {
        let on = x.assigned.map_or(String::new(), |at| {
            let d = &inv.devices[at.device.index()];
            format!("{} {}", d.name.value, d.interfaces[at.index as usize].name.value)
        });
        let dns = x.extra.as_ref().map_or(String::new(), |e| opt(&e.dns_name));
        push("IP address", x.address.value.to_string(), format!("{on} {dns}"), &ctx.names.ips[i]);
    }
    let json = serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into());
    // `</script>` cannot appear in JSON strings written by serde as `<\/`; keep it safe anyway.
    art("search-index.js", format!("window.SOT_SEARCH={};\n", json.replace("</", "<\\/")))
}

pub fn sites(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let mut b = String::from("<h1>Regions and sites</h1>");
    // The region tree, with each region's sites.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); inv.regions.len()];
    let mut roots = Vec::new();
    for (i, r) in inv.regions.iter().enumerate() {
        match r.parent.as_ref().and_then(|p| p.id) {
            Some(p) => children[p.index()].push(i),
            None => roots.push(i),
        }
    }
    let mut sites_of: Vec<Vec<usize>> = vec![Vec::new(); inv.regions.len()];
    let mut no_region = Vec::new();
    for (i, s) in inv.sites.iter().enumerate() {
        match s.region.as_ref().and_then(|r| r.id) {
            Some(r) => sites_of[r.index()].push(i),
            None => no_region.push(i),
        }
    }
    fn walk(
        ctx: &Ctx<'_>,
        i: usize,
        children: &[Vec<usize>],
        sites_of: &[Vec<usize>],
        b: &mut String,
        seen: &mut Vec<bool>,
    ) {
        if std::mem::replace(&mut seen[i], true) {
            return;
        }
        let r = &ctx.inv.regions[i];
        let _ =
            write!(b, "<li id=\"region-{}\"><strong>{}</strong>", html::file_name(&r.slug.value), esc(&r.name.value));
        if !children[i].is_empty() || !sites_of[i].is_empty() {
            b.push_str("<ul>");
            for &c in &children[i] {
                walk(ctx, c, children, sites_of, b, seen);
            }
            for &s in &sites_of[i] {
                let _ = write!(
                    b,
                    "<li>{} <span class=\"muted\">site</span></li>",
                    a(&ctx.names.sites[s], &ctx.inv.sites[s].name.value)
                );
            }
            b.push_str("</ul>");
        }
        b.push_str("</li>");
    }
    let mut seen = vec![false; inv.regions.len()];
    b.push_str("<h2>Regions</h2><ul class=\"tree\">");
    for r in roots {
        walk(ctx, r, &children, &sites_of, &mut b, &mut seen);
    }
    b.push_str("</ul>");
    let mut order: Vec<usize> = (0..inv.sites.len()).collect();
    order.sort_by(|&x, &y| topo::natural(&inv.sites[x].name.value, &inv.sites[y].name.value));
    let rows: Vec<(String, &str, Vec<String>)> = order
        .iter()
        .map(|&i| {
            let s = &inv.sites[i];
            let mark = ctx.marks.get("dcim.site", &s.slug.value);
            (
                String::new(),
                mark,
                vec![
                    format!("{}{}", a(&ctx.names.sites[i], &s.name.value), badge(mark)),
                    status(&s.status),
                    opt_ref(&s.region),
                    opt_ref(&s.group),
                    opt(&s.facility),
                    ctx.racks_by_site[i].len().to_string(),
                    ctx.devices_by_site[i].len().to_string(),
                ],
            )
        })
        .collect();
    b.push_str("<h2>Sites</h2>");
    b.push_str(&table_marked("", &["Site", "Status", "Region", "Group", "Facility", "Racks", "Devices"], &rows));
    let _ = no_region;
    art("sites.html", page(&ctx.frame, 0, "Regions and sites", &b, &[]))
}

pub fn site(ctx: &Ctx<'_>, i: usize) -> Artifact {
    let inv = ctx.inv;
    let s = &inv.sites[i];
    let path = &ctx.names.sites[i];
    let mark = ctx.marks.get("dcim.site", &s.slug.value);
    let mut b = h1(&s.name.value, mark);
    b.push_str(&fields(&[
        ("Slug", esc(&s.slug.value)),
        ("Status", status(&s.status)),
        (
            "Region",
            s.region.as_ref().map_or(String::new(), |r| {
                a(&ctx.href(1, &format!("sites.html#region-{}", html::file_name(&r.key.value))), &r.key.value)
            }),
        ),
        ("Group", opt_ref(&s.group)),
        ("Tenant", opt_ref(&s.tenant)),
        ("Facility", opt(&s.facility)),
        ("Time zone", opt(&s.time_zone)),
        ("ASNs", s.asns.iter().map(|a| a.value.to_string()).collect::<Vec<_>>().join(", ")),
        ("Description", opt(&s.description)),
        ("Tags", tags(ctx, &s.tags)),
        ("Source", ctx.source_link(1, s.name.span)),
    ]));
    b.push_str(&custom_fields(&s.custom_fields));
    if !ctx.locations_by_site[i].is_empty() {
        let rows: Vec<(String, &str, Vec<String>)> = ctx.locations_by_site[i]
            .iter()
            .map(|&l| {
                let l = &inv.locations[l];
                (
                    format!("loc-{}", html::file_name(&l.slug.value)),
                    "",
                    vec![esc(&l.name.value), opt_ref(&l.parent), status(&l.status), opt(&l.description)],
                )
            })
            .collect();
        b.push_str("<h2>Locations</h2>");
        b.push_str(&table_marked("", &["Location", "Parent", "Status", "Description"], &rows));
    }
    if !ctx.racks_by_site[i].is_empty() {
        b.push_str("<h2>Racks</h2>");
        b.push_str(&racks_table(ctx, 1, &ctx.racks_by_site[i]));
    }
    b.push_str("<h2>Topology</h2>");
    b.push_str(&diagram(&site_topology(ctx, i, 1)));
    b.push_str("<h2>Devices</h2>");
    b.push_str(&devices_table(ctx, 1, &ctx.devices_by_site[i]));
    let prefixes: Vec<usize> = ctx
        .prefix_order
        .iter()
        .map(|p| p.1)
        .filter(|&p| inv.prefixes[p].site.as_ref().and_then(|s| s.id).is_some_and(|s| s.index() == i))
        .collect();
    if !prefixes.is_empty() {
        let rows: Vec<Vec<String>> = prefixes
            .iter()
            .map(|&p| {
                let x = &inv.prefixes[p];
                vec![
                    ctx.prefix_link(1, p),
                    x.vrf.as_ref().map_or("global".into(), |v| esc(&v.key.value)),
                    status(&x.status),
                    opt(&x.description),
                ]
            })
            .collect();
        b.push_str("<h2>Prefixes</h2>");
        b.push_str(&table("", &["Prefix", "VRF", "Status", "Description"], &rows));
    }
    let vlans: Vec<Vec<String>> = inv
        .vlans
        .iter()
        .enumerate()
        .filter(|(_, v)| v.site.as_ref().and_then(|s| s.id).is_some_and(|s| s.index() == i))
        .map(|(k, v)| {
            vec![
                a(&ctx.href(1, &format!("vlans.html#vlan-{k}")), &v.vid.value.to_string()),
                esc(&v.name.value),
                status(&v.status),
            ]
        })
        .collect();
    if !vlans.is_empty() {
        b.push_str("<h2>VLANs</h2>");
        b.push_str(&table("", &["VID", "Name", "Status"], &vlans));
    }
    b.push_str(&ctx.diagnostics_section(1, path));
    art(path.clone(), page(&ctx.frame, 1, &s.name.value, &b, &["site.js"]))
}

fn rack_key(r: &Rack) -> String {
    r.natural_key()
}

fn racks_table(ctx: &Ctx<'_>, depth: usize, racks: &[usize]) -> String {
    let rows: Vec<(String, &str, Vec<String>)> = racks
        .iter()
        .map(|&i| {
            let r = &ctx.inv.racks[i];
            let mark = ctx.marks.get("dcim.rack", &rack_key(r));
            let (g, mounted) = rack_contents(ctx, i, depth);
            (
                String::new(),
                mark,
                vec![
                    format!("{}{}", a(&ctx.href(depth, &ctx.names.racks[i]), &r.name.value), badge(mark)),
                    ctx.site_link(depth, &r.site),
                    opt_ref(&r.location),
                    status(&r.status),
                    opt_ref(&r.role),
                    format!("{}U", g.u_height),
                    ctx.devices_by_rack[i].len().to_string(),
                    html::bar(rack::utilisation(g, &mounted)),
                ],
            )
        })
        .collect();
    table_marked("", &["Rack", "Site", "Location", "Status", "Role", "Height", "Devices", "Utilisation"], &rows)
}

/// The rack's geometry and the devices mounted in it (with position), removed ones
/// (from the diff's base) included.
fn rack_contents(ctx: &Ctx<'_>, i: usize, depth: usize) -> (Geometry, Vec<Mounted>) {
    let inv = ctx.inv;
    let r = &inv.racks[i];
    let g = Geometry {
        u_height: r.u_height.as_ref().map_or(42, |h| h.value),
        starting_unit: r.starting_unit.as_ref().map_or(1, |s| s.value),
        desc_units: r.desc_units,
    };
    let type_of = |slug: &str| inv.device_types.iter().find(|t| t.slug.value == slug);
    let dims = |t: Option<&DeviceType>| {
        (
            t.and_then(|t| t.u_height.as_ref()).map_or(1.0, |h| h.value),
            t.and_then(|t| t.is_full_depth.as_ref()).is_none_or(|f| f.value),
        )
    };
    let mut out: Vec<Mounted> = ctx.devices_by_rack[i]
        .iter()
        .filter_map(|&d| {
            let dev = &inv.devices[d];
            let position = dev.position.as_ref()?.value;
            let (height, full_depth) = dims(dev.device_type.id.map(|t| &inv.device_types[t.index()]));
            if height <= 0.0 {
                return None;
            }
            Some(Mounted {
                name: dev.name.value.to_string(),
                href: Some(ctx.href(depth, &ctx.names.devices[d])),
                position,
                height,
                front: dev.face.as_ref().is_none_or(|f| f.value != "rear"),
                full_depth,
                color: ctx.role_color(dev),
                role: dev.role.key.value.to_string(),
                mark: ctx.marks.get("dcim.device", &dev.name.value),
            })
        })
        .collect();
    if let Some(diff) = ctx.diff {
        for e in diff.events.iter().filter(|e| e.event == "deleted" && e.model == "dcim.device") {
            let Some(old) = &e.snapshots.prechange else { continue };
            let s = |k: &str| old.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            if s("rack") != r.name.value.as_str() || s("site") != r.site.key.value.as_str() {
                continue;
            }
            let Some(position) = old.get("position").and_then(Value::as_f64) else { continue };
            let (height, full_depth) = dims(type_of(&s("device_type")));
            out.push(Mounted {
                name: e.key.clone(),
                href: None,
                position,
                height,
                front: s("face") != "rear",
                full_depth,
                color: "#ffffff".into(),
                role: s("role"),
                mark: "removed",
            });
        }
    }
    (g, out)
}

pub fn racks(ctx: &Ctx<'_>) -> Artifact {
    let mut order: Vec<usize> = (0..ctx.inv.racks.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (&ctx.inv.racks[x], &ctx.inv.racks[y]);
        topo::natural(&a.site.key.value, &b.site.key.value).then_with(|| topo::natural(&a.name.value, &b.name.value))
    });
    let b = format!("<h1>Racks</h1>{}", racks_table(ctx, 0, &order));
    art("racks.html", page(&ctx.frame, 0, "Racks", &b, &[]))
}

pub fn rack(ctx: &Ctx<'_>, i: usize) -> Artifact {
    let inv = ctx.inv;
    let r = &inv.racks[i];
    let path = &ctx.names.racks[i];
    let mark = ctx.marks.get("dcim.rack", &rack_key(r));
    let (g, mounted) = rack_contents(ctx, i, 1);
    let title = format!("Rack {} at {}", r.name.value, r.site.key.value);
    let mut b = h1(&title, mark);
    b.push_str(&fields(&[
        ("Site", ctx.site_link(1, &r.site)),
        ("Location", opt_ref(&r.location)),
        ("Status", status(&r.status)),
        ("Role", opt_ref(&r.role)),
        ("Tenant", opt_ref(&r.tenant)),
        (
            "Height",
            format!(
                "{}U from U{}{}",
                g.u_height,
                g.starting_unit,
                if g.desc_units { ", numbered top down" } else { "" }
            ),
        ),
        ("Utilisation", html::bar(rack::utilisation(g, &mounted))),
        ("Description", opt(&r.description)),
        ("Tags", tags(ctx, &r.tags)),
        ("Source", ctx.source_link(1, r.name.span)),
    ]));
    b.push_str(&custom_fields(&r.custom_fields));
    let _ = write!(
        b,
        "<h2>Elevations</h2><div class=\"elevations\"><figure>{}</figure><figure>{}</figure></div>",
        rack::elevation(&title, g, &mounted, true),
        rack::elevation(&title, g, &mounted, false)
    );
    b.push_str("<p class=\"muted\">Devices are coloured by role; a full-depth device shows, greyed, on the face it is not mounted on.</p>");
    b.push_str("<h2>Devices</h2>");
    b.push_str(&devices_table(ctx, 1, &ctx.devices_by_rack[i]));
    b.push_str(&ctx.diagnostics_section(1, path));
    art(path.clone(), page(&ctx.frame, 1, &title, &b, &[]))
}

fn devices_table(ctx: &Ctx<'_>, depth: usize, list: &[usize]) -> String {
    let inv = ctx.inv;
    let rows: Vec<(String, &str, Vec<String>)> = list
        .iter()
        .map(|&i| {
            let d = &inv.devices[i];
            let mark = ctx.marks.get("dcim.device", &d.name.value);
            let ip = d.primary_ip4_id.or(d.primary_ip6_id).map_or(String::new(), |x| ctx.ip_link(depth, x.index()));
            (
                String::new(),
                mark,
                vec![
                    format!("{}{}", ctx.device_link(depth, i), badge(mark)),
                    ctx.site_link(depth, &d.site),
                    d.rack.as_ref().map_or(String::new(), |r| ctx.rack_link(depth, r)),
                    d.position.as_ref().map_or(String::new(), |p| format!("U{}", p.value)),
                    esc(&d.role.key.value),
                    match d.device_type.id {
                        Some(t) => a(&ctx.href(depth, &ctx.names.device_types[t.index()]), &d.device_type.key.value),
                        None => esc(&d.device_type.key.value),
                    },
                    status(&d.status),
                    ip,
                ],
            )
        })
        .collect();
    table_marked("", &["Device", "Site", "Rack", "Position", "Role", "Type", "Status", "Primary IP"], &rows)
}

pub fn devices(ctx: &Ctx<'_>, k: usize) -> Artifact {
    let total = ctx.device_order.len();
    let slice = &ctx.device_order[(k * PER_PAGE).min(total)..((k + 1) * PER_PAGE).min(total)];
    let pager = pager(ctx, "devices", k, total);
    let b = format!("<h1>Devices</h1><p>{total} devices, by site.</p>{pager}{}{pager}", devices_table(ctx, 0, slice));
    let path = list_page("devices", k);
    art(path, page(&ctx.frame, 0, "Devices", &b, &[]))
}

pub fn device(ctx: &Ctx<'_>, i: usize) -> Artifact {
    let inv = ctx.inv;
    let w = &ctx.comp.world;
    let d = &inv.devices[i];
    let path = &ctx.names.devices[i];
    let name = d.name.value.as_str();
    let mark = ctx.marks.get("dcim.device", name);
    let ip = |x: Option<Id<IpAddress>>| x.map_or(String::new(), |x| ctx.ip_link(1, x.index()));
    let mut b = h1(name, mark);
    b.push_str(&fields(&[
        ("Site", ctx.site_link(1, &d.site)),
        (
            "Location",
            d.location.as_ref().map_or(String::new(), |l| {
                let site = d.site.id.map_or(String::new(), |s| ctx.names.sites[s.index()].clone());
                a(&ctx.href(1, &format!("{site}#loc-{}", html::file_name(&l.key.value))), &l.key.value)
            }),
        ),
        ("Rack", d.rack.as_ref().map_or(String::new(), |r| ctx.rack_link(1, r))),
        (
            "Position",
            d.position.as_ref().map_or(String::new(), |p| {
                format!("U{} ({})", p.value, d.face.as_ref().map_or("front", |f| f.as_str()))
            }),
        ),
        ("Role", esc(&d.role.key.value)),
        (
            "Device type",
            match d.device_type.id {
                Some(t) => a(&ctx.href(1, &ctx.names.device_types[t.index()]), &d.device_type.key.value),
                None => esc(&d.device_type.key.value),
            },
        ),
        ("Platform", opt_ref(&d.platform)),
        ("Status", status(&d.status)),
        ("Tenant", opt_ref(&d.tenant)),
        ("Serial", opt(&d.serial)),
        ("Asset tag", opt(&d.asset_tag)),
        ("Airflow", opt(&d.airflow)),
        ("Primary IPv4", ip(d.primary_ip4_id)),
        ("Primary IPv6", ip(d.primary_ip6_id)),
        ("Config template", opt(&d.config_template)),
        ("Description", opt(&d.description)),
        ("Comments", opt(&d.comments)),
        ("Tags", tags(ctx, &d.tags)),
        ("Source", ctx.source_link(1, d.name.span)),
    ]));
    b.push_str(&custom_fields(&d.custom_fields));

    // Interfaces.
    let rows: Vec<(String, &str, Vec<String>)> = d
        .interfaces
        .iter()
        .enumerate()
        .map(|(n, f)| {
            let id = InterfaceId { device: Id::new(i), index: n as u32 };
            let peer = match w.peer(id) {
                Some(Peer::Interface { other, .. }) => {
                    let o = other.device.index();
                    let od = &inv.devices[o];
                    a(
                        &format!("{}#if-{}", ctx.href(1, &ctx.names.devices[o]), other.index),
                        &format!("{} {}", od.name.value, od.interfaces[other.index as usize].name.value),
                    )
                }
                Some(Peer::Circuit { circuit, side, .. }) => a(
                    &ctx.href(1, &ctx.names.circuits[circuit.index()]),
                    &format!("circuit {} (term {})", inv.circuits[circuit.index()].cid.value, side.as_str()),
                ),
                Some(Peer::Port { other, .. }) => {
                    let o = other.device.index();
                    let od = &inv.devices[o];
                    a(
                        &ctx.href(1, &ctx.names.devices[o]),
                        &format!("{} {}", od.name.value, od.components[other.index as usize].name.value),
                    )
                }
                None => String::new(),
            };
            let mut vlans = Vec::new();
            if let Some(u) = f.untagged_vlan.as_deref() {
                vlans.push(format!("{} untagged", ctx.vlan_link(1, u)));
            }
            if !f.tagged_vlans.is_empty() {
                vlans.push(format!(
                    "{} tagged",
                    f.tagged_vlans.iter().map(|v| ctx.vlan_link(1, v)).collect::<Vec<_>>().join(", ")
                ));
            }
            let addrs = f.ip_addresses.iter().map(|x| ctx.ip_link(1, x.index())).collect::<Vec<_>>().join("<br>");
            let imark = ctx.marks.get("dcim.interface", &format!("{name}:{}", f.name.value));
            let mut extra = Vec::new();
            if let Some(x) = &f.extra {
                if let Some(l) = &x.lag {
                    extra.push(format!("LAG {}", esc(&l.value)));
                }
                if let Some(p) = &x.parent {
                    extra.push(format!("parent {}", esc(&p.value)));
                }
                if let Some(m) = &x.mtu {
                    extra.push(format!("MTU {}", m.value));
                }
                if let Some(v) = &x.vrf {
                    extra.push(format!("VRF {}", esc(&v.key.value)));
                }
            }
            (
                format!("if-{n}"),
                imark,
                vec![
                    format!("{}{}", esc(&f.name.value), badge(imark)),
                    opt(&f.interface_type),
                    match (f.enabled, f.mgmt_only) {
                        (Some(false), _) => "disabled".into(),
                        (_, Some(true)) => "management".into(),
                        _ => "enabled".into(),
                    },
                    format!(
                        "{}{}",
                        opt(&f.mode),
                        if vlans.is_empty() { String::new() } else { format!("<br>{}", vlans.join("<br>")) }
                    ),
                    addrs,
                    peer,
                    [opt(&f.description), extra.join(", "), tags(ctx, &f.tags)]
                        .into_iter()
                        .filter(|x| !x.is_empty())
                        .collect::<Vec<_>>()
                        .join("<br>"),
                ],
            )
        })
        .collect();
    // Interfaces that carry something (written on the device, cabled, addressed, with a
    // description or a diff mark) first; the device type's unused ports folded away.
    let heads = ["Interface", "Type", "State", "Mode / VLANs", "Addresses", "Connected to", "Details"];
    let (used, unused): (Vec<_>, Vec<_>) = rows.into_iter().enumerate().partition(|(n, (_, mark, cells))| {
        d.interfaces[*n].inline || !mark.is_empty() || cells[3..].iter().any(|c| !c.is_empty())
    });
    let strip = |v: Vec<(usize, Row)>| v.into_iter().map(|x| x.1).collect::<Vec<_>>();
    let (used, unused) = (strip(used), strip(unused));
    let _ = write!(b, "<h2 id=\"interfaces\">Interfaces</h2>{}", table_marked("", &heads, &used));
    if !unused.is_empty() {
        let _ = write!(
            b,
            "<details><summary>{} more interfaces of the device type, not in use</summary>{}</details>",
            unused.len(),
            table_marked("", &heads, &unused)
        );
    }

    // The merged context and where each value came from.
    let contexts = &ctx.contexts_of_device[i];
    let _ = write!(
        b,
        "<h2 id=\"context\">Config context</h2><p>Merged from {} in weight order{}.</p>",
        if contexts.is_empty() {
            "no contexts".to_string()
        } else {
            contexts.iter().map(|&c| ctx.context_link(1, c)).collect::<Vec<_>>().join(", ")
        },
        if d.local_context_data.is_some() { ", then the device's local context data" } else { "" }
    );
    // Devices without local context data that the same contexts apply to have the same
    // merged context and provenance: the section is built once for them.
    if d.local_context_data.is_some() {
        b.push_str(&context_section(ctx, i));
    } else {
        let cached = ctx.context_html.lock().unwrap_or_else(|e| e.into_inner()).get(contexts).cloned();
        let section = match cached {
            Some(s) => s,
            None => {
                let made: std::sync::Arc<str> = context_section(ctx, i).into();
                ctx.context_html
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .entry(contexts.clone())
                    .or_insert(made)
                    .clone()
            }
        };
        b.push_str(&section);
    }

    // The rendered configuration.
    b.push_str("<h2 id=\"config\">Rendered configuration</h2>");
    match ctx.comp.configs.as_ref().and_then(|c| c.get(i)).and_then(Option::as_ref) {
        Some(cfg) => {
            let _ = write!(b, "<pre class=\"config\">{}</pre>", esc(cfg));
        }
        None => b.push_str("<p class=\"muted\">No configuration: the device has no template, or its render failed (see the diagnostics).</p>"),
    }

    if let Some(change) = ctx.diff.and_then(|r| r.devices.iter().find(|c| c.device == name)) {
        b.push_str("<h2 id=\"changes\">Changes</h2>");
        if !change.context.is_empty() {
            let rows: Vec<Vec<String>> = change
                .context
                .iter()
                .map(|c| {
                    let v = |x: &Option<Value>| {
                        x.as_ref().map_or("—".to_string(), |x| format!("<code>{}</code>", esc(&json_text(x))))
                    };
                    vec![format!("<code>{}</code>", esc(&c.path)), v(&c.old), v(&c.new), esc(&c.by)]
                })
                .collect();
            b.push_str(&table("Merged context values that change", &["Key", "Before", "After", "By"], &rows));
        }
        if !change.config_diff.is_empty() {
            b.push_str(&config_diff(&change.config_diff));
        }
    }
    b.push_str(&ctx.diagnostics_section(1, path));
    art(path.clone(), page(&ctx.frame, 1, name, &b, &[]))
}

/// A device's merged context: each value with where it came from, and the whole as JSON.
fn context_section(ctx: &Ctx<'_>, i: usize) -> String {
    let w = &ctx.comp.world;
    let mut b = String::new();
    let explained = crate::show::explain(w, ctx.sources, Id::new(i));
    if !explained.is_empty() {
        let by_name = &ctx.context_by_name;
        let source = |s: &crate::show::SourceRef| {
            let who = match by_name.get(s.context.as_str()) {
                Some(&k) => ctx.context_link(1, Id::new(k)),
                None => esc(&s.context),
            };
            let weight = s.weight.map_or(String::new(), |w| format!(" (weight {w})"));
            format!("{who}{weight} at {}", ctx.location_link(1, &s.location))
        };
        let rows: Vec<Vec<String>> = explained
            .iter()
            .map(|e| {
                vec![
                    format!("<code>{}</code>", esc(&e.path)),
                    format!("<code>{}</code>", esc(&json_text(&e.value))),
                    source(&e.set_by),
                    e.overrode.iter().map(source).collect::<Vec<_>>().join("<br>"),
                ]
            })
            .collect();
        b.push_str(&table(
            "Each value, the context that set it, and those it overrode",
            &["Key", "Value", "Set by", "Overrode"],
            &rows,
        ));
    }
    let _ = write!(
        b,
        "<details><summary>The merged context as JSON</summary><pre>{}</pre></details>",
        esc(&pretty(&serde_json::to_value(w.config_context(Id::new(i))).unwrap_or_default()))
    );
    b
}

/// A unified diff with its added and removed lines marked.
fn config_diff(diff: &str) -> String {
    let mut s = String::from("<p>Configuration diff:</p><pre class=\"diff\">");
    for line in diff.lines() {
        let class = if line.starts_with("+++") || line.starts_with("---") {
            "hdr"
        } else if line.starts_with('+') {
            "add"
        } else if line.starts_with('-') {
            "del"
        } else if line.starts_with("@@") {
            "hdr"
        } else {
            ""
        };
        let _ = writeln!(s, "<span class=\"{class}\">{}</span>", esc(line));
    }
    s.push_str("</pre>");
    s
}

/// The endpoints (device index or circuit index) of a cable, with port names.
pub(crate) enum End {
    Device(usize, String),
    Circuit(usize, String),
}

fn cable_ends(inv: &Inventory, c: &Cable) -> Option<(End, End)> {
    let end = |e: &CableEnd| -> Option<End> {
        match e {
            CableEnd::Interface(r) => {
                let id = r.id?;
                Some(End::Device(
                    id.device.index(),
                    inv.devices[id.device.index()].interfaces[id.index as usize].name.value.to_string(),
                ))
            }
            CableEnd::Circuit { id, side, .. } => {
                Some(End::Circuit(id.as_ref()?.index(), format!("term {}", side.value.as_str())))
            }
            CableEnd::Port(p) => {
                let id = p.id?;
                let d = &inv.devices[id.device.index()];
                Some(End::Device(id.device.index(), d.components[id.index as usize].name.value.to_string()))
            }
        }
    };
    Some((end(&c.a)?, end(&c.b)?))
}

/// Nodes and edges of a drawing, keyed so that each device or circuit appears once
/// and the links between two nodes are drawn as one line.
#[derive(Default)]
struct Drawing {
    nodes: Vec<Node>,
    index: std::collections::HashMap<(u8, usize), usize>,
    edges: std::collections::BTreeMap<(usize, usize), (usize, Vec<String>, &'static str)>,
}

impl Drawing {
    fn node(&mut self, key: (u8, usize), make: impl FnOnce() -> Node) -> usize {
        if let Some(&n) = self.index.get(&key) {
            return n;
        }
        self.nodes.push(make());
        self.index.insert(key, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    fn link(&mut self, a: usize, b: usize, what: String, mark: &'static str) {
        let k = if a <= b { (a, b) } else { (b, a) };
        let e = self.edges.entry(k).or_insert((0, Vec::new(), ""));
        e.0 += 1;
        if e.1.len() < 4 {
            e.1.push(what);
        } else if e.1.len() == 4 {
            e.1.push("…".into());
        }
        if e.2.is_empty() || mark == "removed" {
            e.2 = mark;
        }
    }

    fn finish(self, title: &str, groups: &[Group]) -> String {
        let edges: Vec<Edge> = self
            .edges
            .into_iter()
            .map(|((a, b), (count, what, mark))| Edge {
                a,
                b,
                title: if count > 1 { format!("{count} links: {}", what.join("; ")) } else { what.join("; ") },
                count,
                mark,
            })
            .collect();
        topo::draw(title, &self.nodes, &edges, groups)
    }
}

fn device_node(ctx: &Ctx<'_>, i: usize, depth: usize, group: Option<usize>, remote: bool) -> Node {
    let d = &ctx.inv.devices[i];
    let role = d.role.id.map_or(d.role.key.value.as_str(), |r| ctx.inv.device_roles[r.index()].slug.value.as_str());
    Node {
        label: d.name.value.to_string(),
        sub: if remote {
            format!("{} at {}", d.role.key.value, d.site.key.value)
        } else {
            d.role.key.value.to_string()
        },
        href: Some(ctx.href(depth, &ctx.names.devices[i])),
        rank: if remote { -1 } else { topo::role_rank(role) },
        color: if remote { "#f5f5f5".into() } else { ctx.role_color(d) },
        mark: ctx.marks.get("dcim.device", &d.name.value),
        group,
    }
}

fn circuit_node(ctx: &Ctx<'_>, c: usize, depth: usize) -> Node {
    let x = &ctx.inv.circuits[c];
    Node {
        label: format!("circuit {}", x.cid.value),
        sub: x.provider.key.value.to_string(),
        href: Some(ctx.href(depth, &ctx.names.circuits[c])),
        rank: -2,
        color: "#fff8e1".into(),
        mark: ctx.marks.get("circuits.circuit", &x.natural_key()),
        group: None,
    }
}

/// Every link of the drawings (cables, and circuit terminations written on interfaces)
/// with its ends, its description and its diff mark, and the links touching each site.
pub(crate) struct Links {
    all: Vec<(End, End, String, &'static str)>,
    by_site: Vec<Vec<usize>>,
}

fn links<'c>(ctx: &'c Ctx<'_>) -> &'c Links {
    ctx.links.get_or_init(|| {
        let inv = ctx.inv;
        let mut all: Vec<(End, End, String, &'static str)> = inv
            .cables
            .par_iter()
            .filter_map(|c| {
                let (a, b) = cable_ends(inv, c)?;
                let what = format!("{} — {}", c.a.display(), c.b.display());
                Some((a, b, what, ctx.marks.get("dcim.cable", &c.natural_key())))
            })
            .collect();
        for (ci, c) in inv.circuits.iter().enumerate() {
            for t in &c.terminations {
                if let TermTarget::Interface(r) = &t.target
                    && let Some(id) = r.id
                    && matches!(ctx.comp.world.peer(id), Some(Peer::Circuit { cable: None, .. }))
                {
                    let d = id.device.index();
                    let port = inv.devices[d].interfaces[id.index as usize].name.value.to_string();
                    let what = format!("{} — circuit {} term {}", r.display(), c.cid.value, t.side.value.as_str());
                    all.push((
                        End::Device(d, port),
                        End::Circuit(ci, format!("term {}", t.side.value.as_str())),
                        what,
                        "",
                    ));
                }
            }
        }
        let mut by_site = vec![Vec::new(); inv.sites.len()];
        for (k, (a, b, _, _)) in all.iter().enumerate() {
            let site = |e: &End| match e {
                End::Device(d, _) => inv.devices[*d].site.id.map(|s| s.index()),
                End::Circuit(..) => None,
            };
            let (x, y) = (site(a), site(b));
            if let Some(x) = x {
                by_site[x].push(k);
            }
            if let Some(y) = y.filter(|y| Some(*y) != x) {
                by_site[y].push(k);
            }
        }
        Links { all, by_site }
    })
}

/// Call `f` on each link, or on each link touching `site`.
fn each_link(ctx: &Ctx<'_>, site: Option<usize>, mut f: impl FnMut(&End, &End, String, &'static str)) {
    let l = links(ctx);
    let mut call = |k: usize| {
        let (a, b, what, mark) = &l.all[k];
        f(a, b, what.clone(), mark);
    };
    match site {
        Some(s) => l.by_site[s].iter().for_each(|&k| call(k)),
        None => (0..l.all.len()).for_each(call),
    }
}

/// Removed cables (from the diff): both ends as device names.
fn removed_cables(ctx: &Ctx<'_>) -> Vec<(String, String, String)> {
    let Some(diff) = ctx.diff else { return Vec::new() };
    diff.events
        .iter()
        .filter(|e| e.event == "deleted" && e.model == "dcim.cable")
        .filter_map(|e| {
            let (a, b) = e.key.split_once(" <> ")?;
            let dev = |s: &str| s.split_once(':').map(|(d, _)| d.to_string());
            Some((dev(a)?, dev(b)?, e.key.clone()))
        })
        .collect()
}

fn site_topology(ctx: &Ctx<'_>, site: usize, depth: usize) -> String {
    let inv = ctx.inv;
    let mut g = Drawing::default();
    for &d in &ctx.devices_by_site[site] {
        g.node((0, d), || device_node(ctx, d, depth, None, false));
    }
    let at_site = |d: usize| inv.devices[d].site.id.is_some_and(|s| s.index() == site);
    each_link(ctx, Some(site), |a, b, what, mark| {
        let here = |e: &End| matches!(e, End::Device(d, _) if at_site(*d));
        if !here(a) && !here(b) {
            return;
        }
        let mut id = |e: &End| match e {
            End::Device(d, _) => g.node((0, *d), || device_node(ctx, *d, depth, None, !at_site(*d))),
            End::Circuit(c, _) => g.node((1, *c), || circuit_node(ctx, *c, depth)),
        };
        let (x, y) = (id(a), id(b));
        g.link(x, y, what, mark);
    });
    for (a, b, what) in removed_cables(ctx) {
        let find = |n: &str| ctx.devices_by_site[site].iter().copied().find(|&d| inv.devices[d].name.value == n);
        if let (Some(x), Some(y)) = (find(&a), find(&b)) {
            let (x, y) = (g.index[&(0, x)], g.index[&(0, y)]);
            g.link(x, y, what, "removed");
        }
    }
    g.finish(&format!("Topology of {}", inv.sites[site].name.value), &[])
}

pub fn topology(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let mut b = String::from("<h1>Topology</h1>");
    let svg = if inv.devices.len() <= super::NETWORK_DEVICES {
        b.push_str("<p>Every device and cable, grouped by site; devices are laid out by role (spines above leaves). Select a device or a site to open its page.</p>");
        let groups: Vec<Group> = inv
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| Group { label: s.name.value.to_string(), href: Some(ctx.names.sites[i].clone()) })
            .collect();
        let mut g = Drawing::default();
        for &d in &ctx.device_order {
            let group = inv.devices[d].site.id.map(|s| s.index());
            g.node((0, d), || device_node(ctx, d, 0, group, false));
        }
        each_link(ctx, None, |a, b, what, mark| {
            let mut id = |e: &End| match e {
                End::Device(d, _) => g.index[&(0, *d)],
                End::Circuit(c, _) => g.node((1, *c), || circuit_node(ctx, *c, 0)),
            };
            let (x, y) = (id(a), id(b));
            g.link(x, y, what, mark);
        });
        for (a, b2, what) in removed_cables(ctx) {
            let find = |n: &str| inv.devices.iter().position(|d| d.name.value == n);
            if let (Some(x), Some(y)) = (find(&a), find(&b2)) {
                let (x, y) = (g.index[&(0, x)], g.index[&(0, y)]);
                g.link(x, y, what, "removed");
            }
        }
        g.finish("Topology of the whole network", &groups)
    } else {
        let _ = write!(
            b,
            "<p>{} devices: the whole network is drawn site by site (each site's page draws its devices). Lines are the links between sites, directly or through circuits.</p>",
            inv.devices.len()
        );
        let mut g = Drawing::default();
        let site_node = |s: usize| {
            let x = &inv.sites[s];
            Node {
                label: x.name.value.to_string(),
                sub: format!("{} devices", ctx.devices_by_site[s].len()),
                href: Some(ctx.names.sites[s].clone()),
                rank: 0,
                color: "#e3f2fd".into(),
                mark: ctx.marks.get("dcim.site", &x.slug.value),
                group: None,
            }
        };
        for s in 0..inv.sites.len() {
            g.node((2, s), || site_node(s));
        }
        each_link(ctx, None, |a, b, what, mark| {
            let mut id = |e: &End| match e {
                End::Device(d, _) => inv.devices[*d].site.id.map(|s| g.index[&(2, s.index())]),
                End::Circuit(c, _) => Some(g.node((1, *c), || circuit_node(ctx, *c, 0))),
            };
            if let (Some(x), Some(y)) = (id(a), id(b))
                && x != y
            {
                g.link(x, y, what, mark);
            }
        });
        g.finish("Sites of the network and the links between them", &[])
    };
    b.push_str(&diagram(&svg));
    art("topology.html", page(&ctx.frame, 0, "Topology", &b, &["site.js"]))
}

pub fn device_types(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let mut order: Vec<usize> = (0..inv.device_types.len()).collect();
    order.sort_by(|&x, &y| topo::natural(&inv.device_types[x].slug.value, &inv.device_types[y].slug.value));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|&i| {
            let t = &inv.device_types[i];
            vec![
                a(&ctx.names.device_types[i], &t.model.value),
                esc(&t.manufacturer.key.value),
                t.u_height.as_ref().map_or("1".into(), |h| h.value.to_string()),
                if t.is_full_depth.as_ref().is_none_or(|f| f.value) { "full".into() } else { "half".into() },
                ctx.devices_by_type[i].len().to_string(),
            ]
        })
        .collect();
    let b = format!(
        "<h1>Device types</h1>{}",
        table("", &["Model", "Manufacturer", "Height (U)", "Depth", "Devices"], &rows)
    );
    art("device-types.html", page(&ctx.frame, 0, "Device types", &b, &[]))
}

pub fn device_type(ctx: &Ctx<'_>, i: usize) -> Artifact {
    let t = &ctx.inv.device_types[i];
    let path = &ctx.names.device_types[i];
    let mut b = h1(&t.model.value, ctx.marks.get("dcim.devicetype", &t.slug.value));
    b.push_str(&fields(&[
        ("Manufacturer", esc(&t.manufacturer.key.value)),
        ("Slug", esc(&t.slug.value)),
        ("Part number", opt(&t.part_number)),
        ("Height", format!("{}U", t.u_height.as_ref().map_or(1.0, |h| h.value))),
        ("Full depth", if t.is_full_depth.as_ref().is_none_or(|f| f.value) { "yes".into() } else { "no".into() }),
        ("Airflow", opt(&t.airflow)),
        ("Weight", t.weight.as_ref().map_or(String::new(), |w| format!("{} {}", w.value, opt(&t.weight_unit)))),
        ("Description", opt(&t.description)),
        ("Source", ctx.source_link(1, t.slug.span)),
    ]));
    let rows: Vec<Vec<String>> = t
        .components
        .iter()
        .map(|c| {
            vec![
                esc(&format!("{:?}", c.kind)),
                esc(&c.name.value),
                opt(&c.component_type),
                if c.mgmt_only { "management".into() } else { String::new() },
            ]
        })
        .collect();
    if !rows.is_empty() {
        b.push_str("<h2>Components</h2>");
        b.push_str(&table("", &["Kind", "Name", "Type", ""], &rows));
    }
    b.push_str("<h2>Devices of this type</h2>");
    b.push_str(&devices_table(ctx, 1, &ctx.devices_by_type[i]));
    b.push_str(&ctx.diagnostics_section(1, path));
    art(path.clone(), page(&ctx.frame, 1, &t.model.value, &b, &[]))
}

pub fn circuits(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let rows: Vec<(String, &str, Vec<String>)> = inv
        .circuits
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mark = ctx.marks.get("circuits.circuit", &c.natural_key());
            (
                String::new(),
                mark,
                vec![
                    format!("{}{}", a(&ctx.names.circuits[i], &c.cid.value), badge(mark)),
                    esc(&c.provider.key.value),
                    esc(&c.circuit_type.key.value),
                    status(&c.status),
                    c.commit_rate.as_ref().map_or(String::new(), |r| format!("{} kbps", r.value)),
                    opt(&c.description),
                ],
            )
        })
        .collect();
    let b = format!(
        "<h1>Circuits</h1>{}",
        table_marked("", &["Circuit", "Provider", "Type", "Status", "Commit rate", "Description"], &rows)
    );
    art("circuits.html", page(&ctx.frame, 0, "Circuits", &b, &[]))
}

pub fn circuit(ctx: &Ctx<'_>, i: usize) -> Artifact {
    let inv = ctx.inv;
    let c = &inv.circuits[i];
    let path = &ctx.names.circuits[i];
    let title = format!("Circuit {}", c.cid.value);
    let mut b = h1(&title, ctx.marks.get("circuits.circuit", &c.natural_key()));
    b.push_str(&fields(&[
        ("Provider", esc(&c.provider.key.value)),
        ("Type", esc(&c.circuit_type.key.value)),
        ("Status", status(&c.status)),
        ("Tenant", opt_ref(&c.tenant)),
        ("Commit rate", c.commit_rate.as_ref().map_or(String::new(), |r| format!("{} kbps", r.value))),
        ("Description", opt(&c.description)),
        ("Tags", tags(ctx, &c.tags)),
        ("Source", ctx.source_link(1, c.cid.span)),
    ]));
    b.push_str(&custom_fields(&c.custom_fields));
    let rows: Vec<Vec<String>> = c
        .terminations
        .iter()
        .map(|t| {
            let target = match &t.target {
                TermTarget::Site(s) => ctx.site_link(1, s),
                TermTarget::Interface(r) => match r.id {
                    Some(id) => a(
                        &format!("{}#if-{}", ctx.href(1, &ctx.names.devices[id.device.index()]), id.index),
                        &r.display(),
                    ),
                    None => esc(&r.display()),
                },
            };
            vec![esc(t.side.value.as_str()), target]
        })
        .collect();
    b.push_str("<h2>Terminations</h2>");
    b.push_str(&table("", &["Side", "Terminates at"], &rows));
    // Interfaces cabled to the circuit.
    let cabled: Vec<Vec<String>> = inv
        .cables
        .iter()
        .filter_map(|cb| {
            let (x, y) = cable_ends(inv, cb)?;
            let pair = match (x, y) {
                (End::Device(d, p), End::Circuit(ci, t)) | (End::Circuit(ci, t), End::Device(d, p)) if ci == i => {
                    (d, p, t)
                }
                _ => return None,
            };
            Some(vec![esc(&pair.2), format!("{} {}", ctx.device_link(1, pair.0), esc(&pair.1))])
        })
        .collect();
    if !cabled.is_empty() {
        b.push_str("<h2>Cables</h2>");
        b.push_str(&table("", &["Termination", "Interface"], &cabled));
    }
    b.push_str(&ctx.diagnostics_section(1, path));
    art(path.clone(), page(&ctx.frame, 1, &title, &b, &[]))
}

pub fn vlans(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let mut b = String::from("<h1>VLANs and VLAN groups</h1>");
    let prefixes_of = |k: usize| -> String {
        inv.prefixes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.vlan.as_ref().and_then(|v| v.id).is_some_and(|v| v.index() == k))
            .map(|(p, _)| ctx.prefix_link(0, p))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows_of = |list: Vec<usize>| -> String {
        let rows: Vec<(String, &str, Vec<String>)> = list
            .into_iter()
            .map(|k| {
                let v = &inv.vlans[k];
                let mark = ctx.marks.get("ipam.vlan", &v.natural_key());
                (
                    format!("vlan-{k}"),
                    mark,
                    vec![
                        format!("{}{}", v.vid.value, badge(mark)),
                        esc(&v.name.value),
                        status(&v.status),
                        opt_ref(&v.role),
                        opt_ref(&v.tenant),
                        prefixes_of(k),
                        opt(&v.description),
                    ],
                )
            })
            .collect();
        table_marked("", &["VID", "Name", "Status", "Role", "Tenant", "Prefixes", "Description"], &rows)
    };
    let sorted = |f: &dyn Fn(&Vlan) -> bool| {
        let mut l: Vec<usize> = (0..inv.vlans.len()).filter(|&k| f(&inv.vlans[k])).collect();
        l.sort_by_key(|&k| inv.vlans[k].vid.value);
        l
    };
    for (gi, g) in inv.vlan_groups.iter().enumerate() {
        let _ = write!(
            b,
            "<section id=\"group-{}\" aria-labelledby=\"gh-{gi}\"><h2 id=\"gh-{gi}\">Group {}</h2>",
            html::file_name(&g.slug.value),
            esc(&g.name.value)
        );
        b.push_str(&fields(&[
            ("Site", g.site.as_ref().map_or(String::new(), |s| ctx.site_link(0, s))),
            (
                "VIDs",
                format!(
                    "{}–{}",
                    g.min_vid.as_ref().map_or(1, |v| v.value),
                    g.max_vid.as_ref().map_or(4094, |v| v.value)
                ),
            ),
            ("Description", opt(&g.description)),
            ("Source", ctx.source_link(0, g.slug.span)),
        ]));
        b.push_str(&rows_of(sorted(&|v: &Vlan| v.group.as_ref().and_then(|x| x.id).is_some_and(|x| x.index() == gi))));
        b.push_str("</section>");
    }
    for (si, s) in inv.sites.iter().enumerate() {
        let list = sorted(&|v: &Vlan| {
            v.group.is_none() && v.site.as_ref().and_then(|x| x.id).is_some_and(|x| x.index() == si)
        });
        if !list.is_empty() {
            let _ = write!(b, "<h2>Site {}</h2>", esc(&s.name.value));
            b.push_str(&rows_of(list));
        }
    }
    let global = sorted(&|v: &Vlan| v.group.is_none() && v.site.is_none());
    if !global.is_empty() {
        b.push_str("<h2>Global</h2>");
        b.push_str(&rows_of(global));
    }
    art("vlans.html", page(&ctx.frame, 0, "VLANs", &b, &[]))
}

pub fn prefixes(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let mut b = String::from("<h1>VRFs and prefixes</h1>");
    let rows: Vec<(String, &str, Vec<String>)> = inv
        .vrfs
        .iter()
        .map(|v| {
            let mark = ctx.marks.get("ipam.vrf", &v.name.value);
            let id = html::file_name(&v.name.value);
            (
                String::new(),
                mark,
                vec![
                    format!("{}{}", a(&format!("#vrf-{id}"), &v.name.value), badge(mark)),
                    opt(&v.rd),
                    opt_ref(&v.tenant),
                    if v.enforce_unique { "yes".into() } else { "no".into() },
                    opt(&v.description),
                ],
            )
        })
        .collect();
    b.push_str("<h2>VRFs</h2>");
    b.push_str(&table_marked("", &["VRF", "Route distinguisher", "Tenant", "Unique space", "Description"], &rows));
    let mut current: Option<Option<usize>> = None;
    let mut rows: Vec<(String, &str, Vec<String>)> = Vec::new();
    let flush = |b: &mut String, vrf: Option<usize>, rows: &mut Vec<(String, &str, Vec<String>)>| {
        let (id, name) = match vrf {
            Some(v) => {
                (format!("vrf-{}", html::file_name(&inv.vrfs[v].name.value)), format!("VRF {}", inv.vrfs[v].name.value))
            }
            None => ("vrf-global".to_string(), "Global table".to_string()),
        };
        let _ = write!(b, "<h2 id=\"{id}\">{}</h2>", esc(&name));
        b.push_str(&table_marked(
            "",
            &["Prefix", "Status", "Site", "VLAN", "Role", "Utilisation", "Description"],
            rows,
        ));
        rows.clear();
    };
    for &(vrf, i, depth) in &ctx.prefix_order {
        if current.is_some_and(|c| c != vrf) {
            flush(&mut b, current.flatten(), &mut rows);
        }
        current = Some(vrf);
        let p = &inv.prefixes[i];
        let mark = ctx.marks.get("ipam.prefix", &p.natural_key());
        rows.push((
            String::new(),
            mark,
            vec![
                format!(
                    "<span class=\"indent\" style=\"padding-left:{}em\">{}</span>{}",
                    depth as f64 * 1.2,
                    ctx.prefix_link(0, i),
                    badge(mark)
                ),
                status(&p.status),
                p.site.as_ref().map_or(String::new(), |s| ctx.site_link(0, s)),
                p.vlan.as_ref().map_or(String::new(), |v| ctx.vlan_link(0, v)),
                opt_ref(&p.role),
                ctx.usage_of(p).map_or(String::new(), |u| html::bar(u.0)),
                opt(&p.description),
            ],
        ));
    }
    if let Some(vrf) = current {
        flush(&mut b, vrf, &mut rows);
    }
    art("prefixes.html", page(&ctx.frame, 0, "VRFs and prefixes", &b, &[]))
}

/// `[start, end]` as IP addresses of `net`'s family.
fn addr(net: &ipnet::IpNet, x: u128) -> std::net::IpAddr {
    match net {
        ipnet::IpNet::V4(_) => std::net::IpAddr::V4(std::net::Ipv4Addr::from(x as u32)),
        ipnet::IpNet::V6(_) => std::net::IpAddr::V6(std::net::Ipv6Addr::from(x)),
    }
}

fn num(a: std::net::IpAddr) -> u128 {
    match a {
        std::net::IpAddr::V4(v) => u128::from(u32::from(v)),
        std::net::IpAddr::V6(v) => u128::from(v),
    }
}

/// The largest CIDR blocks covering `[lo, hi]` (at most `max`).
pub fn cidrs(net: &ipnet::IpNet, mut lo: u128, hi: u128, max: usize) -> Vec<ipnet::IpNet> {
    let bits = u32::from(net.max_prefix_len());
    let mut out = Vec::new();
    while lo <= hi && out.len() < max {
        let mut size = if lo == 0 { bits } else { lo.trailing_zeros().min(bits) };
        while size > 0 && (size >= 128 || lo + ((1u128 << size) - 1) > hi) {
            size -= 1;
        }
        if let Ok(n) = ipnet::IpNet::new(addr(net, lo), (bits - size) as u8) {
            out.push(n);
        }
        let step = if size >= 128 { u128::MAX } else { 1u128 << size };
        match lo.checked_add(step) {
            Some(next) => lo = next,
            None => break,
        }
    }
    out
}

/// Free ranges `[lo, hi]` of `[start, end]` around the sorted `used` ranges.
pub fn gaps(start: u128, end: u128, used: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let mut out = Vec::new();
    let mut cur = start;
    for &(a, b) in used {
        if a > cur {
            out.push((cur, a - 1));
        }
        if b >= cur {
            match b.checked_add(1) {
                Some(n) => cur = n,
                None => return out,
            }
        }
        if cur > end {
            return out;
        }
    }
    if cur <= end {
        out.push((cur, end));
    }
    out
}

pub fn prefix(ctx: &Ctx<'_>, i: usize) -> Artifact {
    let inv = ctx.inv;
    let p = &inv.prefixes[i];
    let path = &ctx.names.prefixes[i];
    let net = p.prefix.value;
    let title = format!("Prefix {net}");
    let mut b = h1(&title, ctx.marks.get("ipam.prefix", &p.natural_key()));
    let usage = ctx.usage_of(p);
    b.push_str(&fields(&[
        (
            "VRF",
            p.vrf.as_ref().map_or("global".into(), |v| {
                a(&ctx.href(1, &format!("prefixes.html#vrf-{}", html::file_name(&v.key.value))), &v.key.value)
            }),
        ),
        ("Parent", ctx.prefix_parent[i].map_or(String::new(), |x| ctx.prefix_link(1, x))),
        ("Status", status(&p.status)),
        ("Site", p.site.as_ref().map_or(String::new(), |s| ctx.site_link(1, s))),
        ("VLAN", p.vlan.as_ref().map_or(String::new(), |v| ctx.vlan_link(1, v))),
        ("Role", opt_ref(&p.role)),
        ("Tenant", opt_ref(&p.tenant)),
        ("Pool", if p.is_pool { "yes".into() } else { String::new() }),
        ("Utilisation", usage.map_or(String::new(), |u| format!("{} ({} of {} {})", html::bar(u.0), u.1, u.2, u.3))),
        ("Description", opt(&p.description)),
        ("Tags", tags(ctx, &p.tags)),
        ("Source", ctx.source_link(1, p.prefix.span)),
    ]));
    b.push_str(&custom_fields(&p.custom_fields));
    let (start, end) = (num(net.network()), num(net.broadcast()));
    let kids = &ctx.prefix_children[i];
    if !kids.is_empty() {
        let rows: Vec<Vec<String>> = kids
            .iter()
            .map(|&k| {
                let c = &inv.prefixes[k];
                vec![
                    ctx.prefix_link(1, k),
                    status(&c.status),
                    ctx.usage_of(c).map_or(String::new(), |u| html::bar(u.0)),
                    opt(&c.description),
                ]
            })
            .collect();
        b.push_str("<h2>Child prefixes</h2>");
        b.push_str(&table("", &["Prefix", "Status", "Utilisation", "Description"], &rows));
    }
    let status_is = p.status.as_ref().map_or("active", |s| s.as_str());
    if status_is == "container" || !kids.is_empty() {
        let mut used: Vec<(u128, u128)> = kids
            .iter()
            .map(|&k| (num(inv.prefixes[k].prefix.value.network()), num(inv.prefixes[k].prefix.value.broadcast())))
            .collect();
        used.sort();
        let free: Vec<String> = gaps(start, end, &used)
            .into_iter()
            .flat_map(|(lo, hi)| cidrs(&net, lo, hi, 64))
            .take(64)
            .map(|n| format!("<li><code>{n}</code></li>"))
            .collect();
        let _ = write!(
            b,
            "<h2>Free prefixes</h2>{}",
            if free.is_empty() {
                "<p>None: the children cover the prefix.</p>".to_string()
            } else {
                format!("<ul class=\"cols\">{}</ul>", free.join(""))
            }
        );
    }
    let range = ctx.addresses_in(i);
    let addrs = &ctx.ips_sorted[range];
    if status_is != "container" {
        let edges = matches!(net, ipnet::IpNet::V4(_)) && net.prefix_len() < 31 && !p.is_pool;
        let (lo, hi) = if edges { (start + 1, end.saturating_sub(1)) } else { (start, end) };
        let mut used: Vec<(u128, u128)> = addrs.iter().map(|x| (num(x.1), num(x.1))).collect();
        used.dedup();
        let free: Vec<String> = gaps(lo, hi, &used)
            .into_iter()
            .take(32)
            .map(|(x, y)| {
                if x == y {
                    format!("<li><code>{}</code></li>", addr(&net, x))
                } else {
                    format!("<li><code>{}</code> – <code>{}</code> ({})</li>", addr(&net, x), addr(&net, y), y - x + 1)
                }
            })
            .collect();
        let _ = write!(
            b,
            "<h2>Free addresses</h2>{}",
            if free.is_empty() { "<p>None.</p>".to_string() } else { format!("<ul>{}</ul>", free.join("")) }
        );
    }
    if !addrs.is_empty() {
        let shown = &addrs[..addrs.len().min(PER_PAGE)];
        let rows: Vec<Vec<String>> = shown.iter().map(|x| ip_row(ctx, 1, x.2)).collect();
        let _ = write!(
            b,
            "<h2>IP addresses</h2>{}",
            table(
                &format!("{} addresses", addrs.len()),
                &["Address", "Status", "Assigned to", "DNS name", "Prefix", "Description"],
                &rows
            )
        );
    }
    b.push_str(&ctx.diagnostics_section(1, path));
    art(path.clone(), page(&ctx.frame, 1, &title, &b, &[]))
}

fn ip_row(ctx: &Ctx<'_>, depth: usize, i: usize) -> Vec<String> {
    let inv = ctx.inv;
    let x = &inv.ip_addresses[i];
    let assigned = x.assigned.map_or(String::new(), |at| {
        let d = at.device.index();
        a(
            &format!("{}#if-{}", ctx.href(depth, &ctx.names.devices[d]), at.index),
            &format!("{} {}", inv.devices[d].name.value, inv.devices[d].interfaces[at.index as usize].name.value),
        )
    });
    let e = x.extra.as_deref();
    vec![
        html::a(&ctx.href(depth, &ctx.names.ips[i]), &x.address.value.to_string()),
        esc(e.and_then(|e| e.status.as_ref()).map_or("active", |s| s.as_str())),
        assigned,
        e.map_or(String::new(), |e| opt(&e.dns_name)),
        ctx.ip_prefix[i].map_or(String::new(), |p| ctx.prefix_link(depth, p)),
        e.map_or(String::new(), |e| opt(&e.description)),
    ]
}

pub fn ips(ctx: &Ctx<'_>, k: usize) -> Artifact {
    let total = ctx.ips_sorted.len();
    let slice = &ctx.ips_sorted[(k * PER_PAGE).min(total)..((k + 1) * PER_PAGE).min(total)];
    let rows: Vec<(String, &str, Vec<String>)> = slice
        .iter()
        .map(|&(vrf, _, i)| {
            let x = &ctx.inv.ip_addresses[i];
            let mark = ctx.marks.get("ipam.ipaddress", &x.natural_key());
            let mut row = ip_row(ctx, 0, i);
            row.insert(1, vrf.map_or("global".into(), |v| esc(&ctx.inv.vrfs[v].name.value)));
            row[0].push_str(&badge(mark));
            (format!("ip-{i}"), mark, row)
        })
        .collect();
    let pager = pager(ctx, "ip-addresses", k, total);
    let b = format!(
        "<h1>IP addresses</h1><p>{total} addresses, by VRF and address.</p>{pager}{}{pager}",
        table_marked("", &["Address", "VRF", "Status", "Assigned to", "DNS name", "Prefix", "Description"], &rows)
    );
    art(list_page("ip-addresses", k), page(&ctx.frame, 0, "IP addresses", &b, &[]))
}

fn assignment_summary(c: &ConfigContext) -> String {
    let a = &c.assign;
    let mut parts = Vec::new();
    let mut add = |what: &str, keys: Vec<String>| {
        if !keys.is_empty() {
            parts.push(format!("{what}: {}", esc(&keys.join(", "))));
        }
    };
    fn k<T>(v: &[Ref<T>]) -> Vec<String> {
        v.iter().map(|r| r.key.value.to_string()).collect()
    }
    add("regions", k(&a.regions));
    add("site groups", k(&a.site_groups));
    add("sites", k(&a.sites));
    add("locations", k(&a.locations));
    add("device types", k(&a.device_types));
    add("roles", k(&a.roles));
    add("platforms", k(&a.platforms));
    add("tenant groups", k(&a.tenant_groups));
    add("tenants", k(&a.tenants));
    add("tags", k(&a.tags));
    if parts.is_empty() { "every device".into() } else { parts.join("; ") }
}

pub fn contexts(ctx: &Ctx<'_>) -> Artifact {
    let inv = ctx.inv;
    let mut order: Vec<usize> = (0..inv.config_contexts.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (&inv.config_contexts[x], &inv.config_contexts[y]);
        (crate::context::weight(a), &a.name.value).cmp(&(crate::context::weight(b), &b.name.value))
    });
    let rows: Vec<(String, &str, Vec<String>)> = order
        .iter()
        .map(|&i| {
            let c = &inv.config_contexts[i];
            let mark = ctx.marks.get("extras.configcontext", &c.name.value);
            (
                String::new(),
                mark,
                vec![
                    format!("{}{}", a(&ctx.names.contexts[i], &c.name.value), badge(mark)),
                    crate::context::weight(c).to_string(),
                    if c.is_schema() {
                        "schema".into()
                    } else if c.is_active {
                        "yes".into()
                    } else {
                        "no".into()
                    },
                    assignment_summary(c),
                    ctx.devices_by_context[i].len().to_string(),
                ],
            )
        })
        .collect();
    let b = format!(
        "<h1>Config contexts</h1><p>In merge order (weight, then name); a device's local context data is merged last.</p>{}",
        table_marked("", &["Context", "Weight", "Active", "Applies to", "Devices"], &rows)
    );
    art("config-contexts.html", page(&ctx.frame, 0, "Config contexts", &b, &[]))
}

pub fn context(ctx: &Ctx<'_>, i: usize) -> Artifact {
    let c = &ctx.inv.config_contexts[i];
    let path = &ctx.names.contexts[i];
    let title = format!("Config context {}", c.name.value);
    let mut b = h1(&title, ctx.marks.get("extras.configcontext", &c.name.value));
    b.push_str(&fields(&[
        ("Weight", crate::context::weight(c).to_string()),
        ("Active", if c.is_active { "yes".into() } else { "no".into() }),
        ("Kind", opt(&c.kind)),
        ("Schema", opt(&c.schema)),
        ("Applies to", assignment_summary(c)),
        ("Description", opt(&c.description)),
        ("Source", ctx.source_link(1, c.name.span)),
    ]));
    if let Some(data) = &c.data {
        let _ = write!(b, "<h2>Data</h2><pre>{}</pre>", esc(&pretty(&data.to_json())));
    }
    let devices = &ctx.devices_by_context[i];
    let _ = write!(b, "<h2>Devices it applies to ({})</h2>", devices.len());
    const SHOWN: usize = 500;
    let links: Vec<String> =
        devices.iter().take(SHOWN).map(|&d| format!("<li>{}</li>", ctx.device_link(1, d))).collect();
    let _ = write!(b, "<ul class=\"cols\">{}</ul>", links.join(""));
    if devices.len() > SHOWN {
        let _ = write!(b, "<p>… and {} more.</p>", devices.len() - SHOWN);
    }
    b.push_str(&ctx.diagnostics_section(1, path));
    art(path.clone(), page(&ctx.frame, 1, &title, &b, &[]))
}

pub fn diagnostic_row(ctx: &Ctx<'_>, depth: usize, k: usize, with_object: bool) -> Vec<String> {
    let d = &ctx.comp.diagnostics[k];
    let info = d.code.info();
    let mut msg = esc(&d.message);
    if let Some(h) = &d.help {
        let _ = write!(msg, "<br><span class=\"muted\">help: {}</span>", esc(h));
    }
    let mut row = vec![
        format!("<span class=\"sev {}\">{}</span>", d.severity.as_str(), d.severity.as_str()),
        format!("<code>{}</code> {}", info.code, esc(info.name)),
        msg,
        ctx.source_link(depth, d.primary.span),
    ];
    if with_object {
        row.push(
            ctx.diag_pages[k].as_ref().map_or(String::new(), |p| a(&ctx.href(depth, p), p.trim_end_matches(".html"))),
        );
    }
    row
}

pub fn diagnostics(ctx: &Ctx<'_>) -> Artifact {
    let n = ctx.comp.diagnostics.len();
    let rows: Vec<Vec<String>> = (0..n).map(|k| diagnostic_row(ctx, 0, k, true)).collect();
    let b = if n == 0 {
        "<h1>Diagnostics</h1><p>The check found nothing to report.</p>".to_string()
    } else {
        format!(
            "<h1>Diagnostics</h1><p>{n} findings of <code>sot check</code>, each with its source line and the page of the object it is about.</p>{}",
            table("", &["Severity", "Code", "Message", "Where", "Object"], &rows)
        )
    };
    art("diagnostics.html", page(&ctx.frame, 0, "Diagnostics", &b, &[]))
}

pub fn source(ctx: &Ctx<'_>, id: crate::source::FileId) -> Artifact {
    let f = ctx.sources.get(id);
    let path = &ctx.names.sources[&id];
    let mut b = format!("<h1><code>{}</code></h1><pre class=\"src\"><code>", esc(&f.path));
    for (n, line) in f.text.lines().enumerate() {
        let _ = writeln!(b, "<span id=\"L{}\" class=\"line\">{}</span>", n + 1, esc(line));
    }
    b.push_str("</code></pre>");
    art(path.clone(), page(&ctx.frame, 1, &f.path, &b, &[]))
}

pub fn changes(ctx: &Ctx<'_>) -> Artifact {
    let Some(r) = ctx.diff else { return art("changes.html", String::new()) };
    let s = &r.summary;
    let mut b = format!(
        "<h1>Changes</h1><p>From <code>{}</code> to <code>{}</code>: {} objects added, {} changed, {} removed; {} devices affected ({} configuration lines added, {} removed); {} diagnostics introduced, {} fixed.</p>",
        esc(&r.base),
        esc(&r.head),
        s.objects_created,
        s.objects_updated,
        s.objects_deleted,
        s.devices_affected,
        s.config_lines_added,
        s.config_lines_removed,
        s.diagnostics_introduced,
        s.diagnostics_fixed
    );
    let page_of = |model: &str, key: &str| -> Option<String> {
        let inv = ctx.inv;
        let find = |names: &Vec<String>, pos: Option<usize>| pos.map(|p| names[p].clone());
        match model {
            "dcim.device" => find(&ctx.names.devices, inv.devices.iter().position(|d| d.name.value == key)),
            "dcim.interface" => {
                let (d, _) = key.split_once(':')?;
                find(&ctx.names.devices, inv.devices.iter().position(|x| x.name.value == d))
                    .map(|p| format!("{p}#interfaces"))
            }
            "dcim.site" => find(&ctx.names.sites, inv.sites.iter().position(|x| x.slug.value == key)),
            "dcim.rack" => find(&ctx.names.racks, inv.racks.iter().position(|x| x.natural_key() == key)),
            "dcim.devicetype" => {
                find(&ctx.names.device_types, inv.device_types.iter().position(|x| x.slug.value == key))
            }
            "circuits.circuit" => find(&ctx.names.circuits, inv.circuits.iter().position(|x| x.natural_key() == key)),
            "ipam.prefix" => find(&ctx.names.prefixes, inv.prefixes.iter().position(|x| x.natural_key() == key)),
            "ipam.ipaddress" => {
                inv.ip_addresses.iter().position(|x| x.natural_key() == key).map(|p| ctx.names.ips[p].clone())
            }
            "ipam.vlan" => {
                inv.vlans.iter().position(|x| x.natural_key() == key).map(|p| format!("vlans.html#vlan-{p}"))
            }
            "extras.configcontext" => {
                find(&ctx.names.contexts, inv.config_contexts.iter().position(|x| x.name.value == key))
            }
            _ => None,
        }
    };
    let rows: Vec<(String, &str, Vec<String>)> = r
        .events
        .iter()
        .map(|e| {
            let mark = match e.event {
                "created" => "added",
                "deleted" => "removed",
                _ => "changed",
            };
            let key = match (e.event, page_of(e.model, &e.key)) {
                ("deleted", _) | (_, None) => esc(&e.key),
                (_, Some(p)) => a(&p, &e.key),
            };
            let what = match e.event {
                "updated" => e
                    .changes
                    .iter()
                    .map(|c| {
                        format!(
                            "<code>{}</code>: {} → {}",
                            esc(&c.field),
                            esc(&json_text(&c.old)),
                            esc(&json_text(&c.new))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>"),
                "deleted" => e
                    .snapshots
                    .prechange
                    .as_ref()
                    .map_or(String::new(), |v| format!("<code>{}</code>", esc(&json_text(v)))),
                _ => String::new(),
            };
            (String::new(), mark, vec![badge(mark), esc(e.model), key, what])
        })
        .collect();
    b.push_str("<h2>Objects</h2>");
    b.push_str(&table_marked("", &["Change", "Model", "Key", "Details"], &rows));
    if !r.devices.is_empty() {
        let rows: Vec<Vec<String>> = r
            .devices
            .iter()
            .map(|d| {
                let link =
                    page_of("dcim.device", &d.device).map_or(esc(&d.device), |p| a(&format!("{p}#changes"), &d.device));
                vec![link, d.context.len().to_string(), format!("+{} −{}", d.lines_added, d.lines_removed)]
            })
            .collect();
        b.push_str("<h2>Devices</h2>");
        b.push_str(&table("", &["Device", "Context values changed", "Configuration lines"], &rows));
    }
    let diags = |list: &[crate::diff::DiagnosticRef]| -> Vec<Vec<String>> {
        list.iter()
            .map(|d| {
                vec![
                    esc(d.severity),
                    format!("<code>{}</code>", d.code),
                    esc(&d.message),
                    esc(&format!("{}:{}", d.file, d.line)),
                ]
            })
            .collect()
    };
    if !r.introduced.is_empty() {
        b.push_str("<h2>Diagnostics introduced</h2>");
        b.push_str(&table("", &["Severity", "Code", "Message", "Where"], &diags(&r.introduced)));
    }
    if !r.fixed.is_empty() {
        b.push_str("<h2>Diagnostics fixed</h2>");
        b.push_str(&table("", &["Severity", "Code", "Message", "Where"], &diags(&r.fixed)));
    }
    art("changes.html", page(&ctx.frame, 0, "Changes", &b, &[]))
}
