//! Topology drawings: a layered layout of our own (roles ranked into layers, spines
//! above leaves; barycentre sweeps to reduce crossings; wide layers wrapped into rows),
//! drawn as SVG with links to the objects' pages.

use std::fmt::Write;

use super::html::{esc, text_on};

const NODE_W: f64 = 150.0;
const NODE_H: f64 = 38.0;
const H_GAP: f64 = 18.0;
const ROW_GAP: f64 = 34.0;
const LAYER_GAP: f64 = 80.0;
const MARGIN: f64 = 16.0;
/// The widest row; wider layers wrap.
const MAX_ROW: usize = 16;

/// One box of the drawing.
#[derive(Debug, Clone)]
pub struct Node {
    pub label: String,
    /// A second line (the role, a count).
    pub sub: String,
    pub href: Option<String>,
    /// Smaller ranks are drawn higher.
    pub rank: i32,
    /// `#rrggbb`.
    pub color: String,
    /// A diff mark: "", `added`, `changed`, `removed`.
    pub mark: &'static str,
    /// Which group (site frame) it is drawn in; `None`: above the groups.
    pub group: Option<usize>,
}

/// A line between two nodes, standing for `count` links.
#[derive(Debug, Clone)]
pub struct Edge {
    pub a: usize,
    pub b: usize,
    pub title: String,
    pub count: usize,
    pub mark: &'static str,
}

/// A framed group of nodes (a site), with a link.
#[derive(Debug, Clone)]
pub struct Group {
    pub label: String,
    pub href: Option<String>,
}

/// The rank of a device role: routers at the edge of the network first, then spines,
/// leaves, and what hangs off them. Unknown roles go between leaves and servers.
pub fn role_rank(slug: &str) -> i32 {
    let s = slug.to_ascii_lowercase();
    let table: &[(&[&str], i32)] = &[
        (&["internet", "wan", "transit", "peering", "provider"], 0),
        (&["border", "edge", "core", "gateway", "firewall", "router"], 1),
        (&["superspine", "super-spine"], 2),
        (&["spine", "aggregation", "agg", "distribution"], 3),
        (&["leaf", "tor", "access"], 5),
        (&["server", "host", "compute", "storage", "hypervisor"], 7),
        (&["console", "oob", "mgmt", "management", "pdu", "power"], 8),
    ];
    for (words, rank) in table {
        if words.iter().any(|w| s == *w || s.split(['-', '_', ' ']).any(|p| p == *w)) {
            return *rank;
        }
    }
    6
}

/// Positions (top-left corners) of `nodes` laid out in layers, and the drawing's size.
pub fn layout(ranks: &[i32], labels: &[&str], edges: &[(usize, usize)]) -> (Vec<(f64, f64)>, f64, f64) {
    let n = ranks.len();
    if n == 0 {
        return (Vec::new(), 0.0, 0.0);
    }
    let mut distinct: Vec<i32> = ranks.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let layer_of: Vec<usize> = ranks.iter().map(|r| distinct.binary_search(r).unwrap_or(0)).collect();
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); distinct.len()];
    for i in 0..n {
        layers[layer_of[i]].push(i);
    }
    for l in &mut layers {
        l.sort_by(|&a, &b| natural(labels[a], labels[b]));
    }
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b && a < n && b < n {
            adj[a].push(b);
            adj[b].push(a);
        }
    }
    // Barycentre sweeps: each node moves to the mean position of its neighbours in the
    // layers already placed (down, then up); positions are shares of the layer's width.
    let mut pos = vec![0.0f64; n];
    let set_pos = |layers: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for l in layers {
            for (k, &i) in l.iter().enumerate() {
                pos[i] = (k as f64 + 0.5) / l.len() as f64;
            }
        }
    };
    set_pos(&layers, &mut pos);
    for sweep in 0..6 {
        let order: Vec<usize> = if sweep % 2 == 0 {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for li in order {
            let reference = if sweep % 2 == 0 { li - 1 } else { li + 1 };
            let mut keyed: Vec<(f64, usize)> = layers[li]
                .iter()
                .map(|&i| {
                    let near: Vec<f64> =
                        adj[i].iter().filter(|&&j| layer_of[j] == reference).map(|&j| pos[j]).collect();
                    let key = if near.is_empty() { pos[i] } else { near.iter().sum::<f64>() / near.len() as f64 };
                    (key, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| natural(labels[a.1], labels[b.1])));
            layers[li] = keyed.into_iter().map(|(_, i)| i).collect();
            for (k, &i) in layers[li].iter().enumerate() {
                pos[i] = (k as f64 + 0.5) / layers[li].len() as f64;
            }
        }
    }
    // Rows: a layer wider than MAX_ROW wraps.
    let rows: Vec<(usize, &[usize])> =
        layers.iter().enumerate().flat_map(|(li, l)| l.chunks(MAX_ROW).map(move |c| (li, c))).collect();
    let widest = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(1);
    let width = MARGIN * 2.0 + widest as f64 * NODE_W + (widest.saturating_sub(1)) as f64 * H_GAP;
    let mut xy = vec![(0.0, 0.0); n];
    let mut y = MARGIN;
    let mut last_layer = None;
    for (li, row) in &rows {
        if let Some(prev) = last_layer {
            y += if prev == *li { ROW_GAP } else { LAYER_GAP };
        }
        let row_w = row.len() as f64 * NODE_W + (row.len().saturating_sub(1)) as f64 * H_GAP;
        let x0 = (width - row_w) / 2.0;
        for (k, &i) in row.iter().enumerate() {
            xy[i] = (x0 + k as f64 * (NODE_W + H_GAP), y);
        }
        y += NODE_H;
        last_layer = Some(*li);
    }
    (xy, width, y + MARGIN)
}

/// Names compared with their numbers as numbers (`leaf2` before `leaf10`).
pub fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let mut text = String::new();
        let mut num: Option<u64> = None;
        for c in s.chars() {
            if let Some(d) = c.to_digit(10) {
                num = Some(num.unwrap_or(0).saturating_mul(10).saturating_add(u64::from(d)));
            } else {
                if let Some(v) = num.take() {
                    out.push((std::mem::take(&mut text), v));
                }
                text.push(c);
            }
        }
        out.push((text, num.unwrap_or(0)));
        out
    }
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

/// A drawing: nodes in groups laid out side by side (each group its own layered
/// layout), ungrouped nodes in a band above, edges between any two nodes.
pub fn draw(title: &str, nodes: &[Node], edges: &[Edge], groups: &[Group]) -> String {
    let mut xy = vec![(0.0, 0.0); nodes.len()];
    let mut frames = Vec::new();
    // Ungrouped band first.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups.len() + 1];
    for (i, n) in nodes.iter().enumerate() {
        members[n.group.map_or(0, |g| g + 1)].push(i);
    }
    let local = |ids: &[usize]| {
        let index: std::collections::HashMap<usize, usize> = ids.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let ranks: Vec<i32> = ids.iter().map(|&i| nodes[i].rank).collect();
        let labels: Vec<&str> = ids.iter().map(|&i| nodes[i].label.as_str()).collect();
        let es: Vec<(usize, usize)> =
            edges.iter().filter_map(|e| Some((*index.get(&e.a)?, *index.get(&e.b)?))).collect();
        layout(&ranks, &labels, &es)
    };
    let (band, bw, bh) = local(&members[0]);
    let mut y0 = 0.0;
    let mut total_w: f64 = 0.0;
    if !members[0].is_empty() {
        for (k, &i) in members[0].iter().enumerate() {
            xy[i] = band[k];
        }
        y0 = bh;
        total_w = bw;
    }
    // Groups side by side, wrapping to a new line of groups past a width.
    let (mut x, mut line_h) = (0.0f64, 0.0f64);
    let mut y = y0;
    const MAX_W: f64 = 6000.0;
    for (g, ids) in members.iter().enumerate().skip(1) {
        if ids.is_empty() {
            continue;
        }
        let (pos, w, h) = local(ids);
        let (fw, fh) = (w + 2.0 * MARGIN, h + 2.0 * MARGIN + 18.0);
        if x > 0.0 && x + fw > MAX_W {
            x = 0.0;
            y += line_h + MARGIN;
            line_h = 0.0;
        }
        for (k, &i) in ids.iter().enumerate() {
            xy[i] = (x + MARGIN + pos[k].0, y + MARGIN + 18.0 + pos[k].1);
        }
        frames.push((g - 1, x + MARGIN / 2.0, y + MARGIN / 2.0, fw - MARGIN, fh - MARGIN));
        x += fw;
        line_h = line_h.max(fh);
        total_w = total_w.max(x);
    }
    // The band of ungrouped nodes is centred over the groups.
    let shift = (total_w - bw).max(0.0) / 2.0;
    for &i in &members[0] {
        xy[i].0 += shift;
    }
    let total_h = y + line_h;
    let (w, h) = (total_w.max(NODE_W + 2.0 * MARGIN).ceil(), total_h.max(NODE_H + 2.0 * MARGIN).ceil());
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"topology\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"group\" aria-label=\"{t}\"><title>{t}</title>",
        t = esc(title)
    );
    for (g, fx, fy, fw, fh) in &frames {
        let grp = &groups[*g];
        let label =
            format!("<text class=\"group-label\" x=\"{}\" y=\"{}\">{}</text>", fx + 8.0, fy + 16.0, esc(&grp.label));
        let _ = write!(s, "<g class=\"group\"><rect x=\"{fx}\" y=\"{fy}\" width=\"{fw}\" height=\"{fh}\" rx=\"6\"/>");
        match &grp.href {
            Some(href) => {
                let _ = write!(s, "<a href=\"{}\">{label}</a></g>", esc(href));
            }
            None => {
                let _ = write!(s, "{label}</g>");
            }
        }
    }
    s.push_str("<g class=\"edges\">");
    for e in edges {
        let (Some(&(ax, ay)), Some(&(bx, by))) = (xy.get(e.a), xy.get(e.b)) else { continue };
        let (ax, bx) = (ax + NODE_W / 2.0, bx + NODE_W / 2.0);
        let (y1, y2) = if (ay - by).abs() < 1.0 {
            (ay, by)
        } else if ay < by {
            (ay + NODE_H, by)
        } else {
            (ay, by + NODE_H)
        };
        let class = if e.mark.is_empty() { "edge".to_string() } else { format!("edge {}", e.mark) };
        let width = 1.2 + (e.count as f64).log2().min(4.0);
        let path = if (ay - by).abs() < 1.0 {
            // Same row: an arc above.
            let lift = 18.0 + (ax - bx).abs() / 8.0;
            format!("M{ax:.1},{y1:.1} Q{:.1},{:.1} {bx:.1},{y2:.1}", (ax + bx) / 2.0, y1 - lift)
        } else {
            format!("M{ax:.1},{y1:.1} L{bx:.1},{y2:.1}")
        };
        let _ = write!(
            s,
            "<path class=\"{class}\" d=\"{path}\" stroke-width=\"{width:.1}\"><title>{}</title></path>",
            esc(&e.title)
        );
    }
    s.push_str("</g><g class=\"nodes\">");
    for (i, n) in nodes.iter().enumerate() {
        let (x, y) = xy[i];
        let label: String = n.label.chars().take(22).collect();
        let sub: String = n.sub.chars().take(24).collect();
        let class = if n.mark.is_empty() { "node".to_string() } else { format!("node {}", n.mark) };
        let fill = if n.mark == "removed" { "#fff".to_string() } else { n.color.clone() };
        let text = text_on(&fill);
        let inner = format!(
            "<g class=\"{class}\"><title>{}{}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"4\" fill=\"{fill}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{text}\">{}</text><text class=\"sub\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{text}\">{}</text></g>",
            esc(&n.label),
            if n.sub.is_empty() { String::new() } else { format!(" ({})", esc(&n.sub)) },
            x + NODE_W / 2.0,
            y + 16.0,
            esc(&label),
            x + NODE_W / 2.0,
            y + 31.0,
            esc(&sub)
        );
        match &n.href {
            Some(href) if n.mark != "removed" => {
                let _ = write!(s, "<a href=\"{}\">{inner}</a>", esc(href));
            }
            _ => s.push_str(&inner),
        }
    }
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spines_are_drawn_above_leaves() {
        assert!(role_rank("spine") < role_rank("leaf"));
        assert!(role_rank("border") < role_rank("spine"));
        assert!(role_rank("leaf") < role_rank("server"));
        let (xy, _, _) = layout(&[role_rank("leaf"), role_rank("spine")], &["leaf1", "spine1"], &[(0, 1)]);
        assert!(xy[1].1 < xy[0].1, "the spine is above the leaf: {xy:?}");
    }

    #[test]
    fn barycentres_untangle_a_crossing() {
        // Two spines and two leaves where spine `a` connects only to leaf `z` and `b` to `y`:
        // the leaves are reordered under their spines.
        let ranks = [0, 0, 1, 1];
        let labels = ["a", "b", "y", "z"];
        let (xy, _, _) = layout(&ranks, &labels, &[(0, 3), (1, 2)]);
        assert!(xy[3].0 < xy[2].0, "z moves under a: {xy:?}");
    }

    #[test]
    fn wide_layers_wrap() {
        let ranks = vec![0; 40];
        let labels: Vec<String> = (0..40).map(|i| format!("leaf{i}")).collect();
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let (xy, w, _) = layout(&ranks, &refs, &[]);
        let rows: std::collections::BTreeSet<i64> = xy.iter().map(|p| p.1 as i64).collect();
        assert_eq!(rows.len(), 3);
        assert!(w < 3000.0);
        // Natural order: leaf2 before leaf10.
        assert!(xy[2].0 < xy[10].0 || xy[2].1 < xy[10].1);
    }
}
