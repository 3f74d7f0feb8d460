//! Rack elevations as SVG, drawn as NetBox draws them: one row per unit, numbered
//! beside the rack; each device spans its height on the face it is mounted on; a
//! full-depth device shows on the other face too, drawn as its rear; half-depth
//! devices leave the other face's units free.

use std::fmt::Write;

use super::html::{esc, text_on};

/// Pixels per rack unit, and the width of the mounting area and of the unit labels.
const UNIT: f64 = 22.0;
const WIDTH: f64 = 230.0;
const LABELS: f64 = 34.0;

/// A device placed in a rack.
#[derive(Debug, Clone)]
pub struct Mounted {
    pub name: String,
    /// Relative to the rack's page.
    pub href: Option<String>,
    /// The lowest unit it occupies (may be a half unit, `1.5`).
    pub position: f64,
    pub height: f64,
    /// Mounted on the front face (else the rear).
    pub front: bool,
    pub full_depth: bool,
    /// `#rrggbb` (the role's colour).
    pub color: String,
    pub role: String,
    /// A diff mark: "", `added`, `changed` or `removed` (a removed device is drawn as a
    /// dashed outline where it was).
    pub mark: &'static str,
}

/// The rack's geometry.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub u_height: i64,
    pub starting_unit: i64,
    /// Units numbered from the top down.
    pub desc_units: bool,
}

impl Geometry {
    /// The y of the top edge of the half-open unit range starting at `bottom` (in units).
    fn y(&self, bottom: f64, height: f64) -> f64 {
        let first = self.starting_unit as f64;
        if self.desc_units {
            (bottom - first) * UNIT
        } else {
            (first + self.u_height as f64 - (bottom + height)) * UNIT
        }
    }
}

/// Share of the rack's units occupied by `devices` (on either face), in percent.
pub fn utilisation(g: Geometry, devices: &[Mounted]) -> f64 {
    if g.u_height <= 0 {
        return 0.0;
    }
    // Half units, as NetBox counts them.
    let halves = (g.u_height * 2) as usize;
    let mut used = vec![false; halves];
    for d in devices.iter().filter(|d| d.mark != "removed") {
        let start = ((d.position - g.starting_unit as f64) * 2.0).round() as i64;
        let n = (d.height * 2.0).round() as i64;
        for h in start.max(0)..(start + n).min(halves as i64) {
            used[h as usize] = true;
        }
    }
    used.iter().filter(|u| **u).count() as f64 * 100.0 / halves as f64
}

/// One face of the rack. `title` names the drawing for assistive technology.
pub fn elevation(title: &str, g: Geometry, devices: &[Mounted], front: bool) -> String {
    let h = g.u_height.max(0) as f64 * UNIT;
    let w = LABELS + WIDTH + 8.0;
    let mut s = String::new();
    let face = if front { "front" } else { "rear" };
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rack\" viewBox=\"0 0 {w} {vh}\" width=\"{w}\" height=\"{vh}\" role=\"group\" aria-label=\"{t}, {face}\">\
<title>{t}, {face}</title>",
        vh = h + 24.0,
        t = esc(title)
    );
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"16\" class=\"face\" text-anchor=\"middle\">{}</text><g transform=\"translate(0,22)\">",
        LABELS + WIDTH / 2.0,
        if front { "Front" } else { "Rear" }
    );
    let _ = write!(s, "<rect class=\"frame\" x=\"{LABELS}\" y=\"0\" width=\"{WIDTH}\" height=\"{h}\"/>");
    for k in 0..g.u_height.max(0) {
        let unit = g.starting_unit + k;
        let y = g.y(unit as f64, 1.0);
        let _ = write!(
            s,
            "<rect class=\"slot\" x=\"{LABELS}\" y=\"{y}\" width=\"{WIDTH}\" height=\"{UNIT}\"/>\
<text class=\"unit\" x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{unit}</text>",
            lx = LABELS - 6.0,
            ty = y + 15.0
        );
    }
    for d in devices {
        let on_face = d.front == front;
        if !on_face && !d.full_depth {
            continue;
        }
        let y = g.y(d.position, d.height);
        let hh = d.height * UNIT;
        let (fill, text) = if on_face { (d.color.clone(), text_on(&d.color)) } else { ("#e4e4e4".to_string(), "#222") };
        let class = match (on_face, d.mark) {
            (_, "removed") => "device removed".to_string(),
            (true, m) => format!("device {m}"),
            (false, m) => format!("device back {m}"),
        };
        let what = if on_face { "" } else { " (rear)" };
        let label: String = d.name.chars().take(30).collect();
        let inner = format!(
            "<g class=\"{}\"><title>{}{} · {} · U{}{}</title><rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{text}\">{}{}</text></g>",
            class.trim(),
            esc(&d.name),
            what,
            esc(&d.role),
            d.position,
            if d.mark.is_empty() { String::new() } else { format!(" · {}", d.mark) },
            LABELS + 1.0,
            WIDTH - 2.0,
            hh - 1.0,
            if d.mark == "removed" { "none".to_string() } else { fill },
            LABELS + WIDTH / 2.0,
            y + hh / 2.0 + 4.5,
            esc(&label),
            what
        );
        match &d.href {
            Some(href) if d.mark != "removed" => {
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

    fn dev(name: &str, position: f64, height: f64, front: bool, full_depth: bool) -> Mounted {
        Mounted {
            name: name.into(),
            href: Some(format!("../devices/{name}.html")),
            position,
            height,
            front,
            full_depth,
            color: "#3f51b5".into(),
            role: "spine".into(),
            mark: "",
        }
    }

    const G: Geometry = Geometry { u_height: 42, starting_unit: 1, desc_units: false };

    #[test]
    fn a_device_sits_at_its_units_counted_from_the_bottom() {
        // U38, one unit high, in a 42U rack: four units above it, so its top is at 4 units.
        assert_eq!(G.y(38.0, 1.0), 4.0 * UNIT);
        let desc = Geometry { desc_units: true, ..G };
        assert_eq!(desc.y(1.0, 2.0), 0.0);
        let svg = elevation("R1", G, &[dev("spine1", 38.0, 1.0, true, true)], true);
        assert!(svg.contains(&format!("y=\"{}\"", 4.0 * UNIT)), "{svg}");
        assert!(svg.contains("../devices/spine1.html"));
    }

    #[test]
    fn half_depth_devices_show_on_their_face_only() {
        let d = [dev("patch", 10.0, 1.0, false, false), dev("server", 20.0, 2.0, false, true)];
        let front = elevation("R1", G, &d, true);
        assert!(!front.contains(">patch"), "a half-depth rear device is not seen from the front");
        assert!(front.contains("server (rear)"), "a full-depth device shows its rear on the other face");
        let rear = elevation("R1", G, &d, false);
        assert!(rear.contains(">patch<"));
    }

    #[test]
    fn utilisation_counts_units_of_either_face_once() {
        let d = [dev("a", 1.0, 2.0, true, true), dev("b", 1.0, 1.0, false, false), dev("c", 10.5, 1.0, true, true)];
        // Units 1-2 and 10.5-11.5: 3 units of 42.
        assert!((utilisation(G, &d) - 300.0 / 42.0).abs() < 1e-9);
    }
}
