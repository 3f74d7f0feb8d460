//! Rack placement: units inside the rack, one device per unit and face,
//! `position` and `face` only with a rack, and the rack in the device's location.

use crate::hash::{HashMap, HashMapExt};

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Device, Id, Inventory, Rack};
use crate::resolve::Index;

pub struct Racks;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Face {
    Front,
    Rear,
}

impl Check for Racks {
    fn name(&self) -> &'static str {
        "racks"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        // (rack, half-unit, face) -> the device there.
        let mut occupied: HashMap<(Id<Rack>, i64, Face), usize> = HashMap::new();
        for (di, d) in inv.devices.iter().enumerate() {
            if !placement_ok(inv, d, out) {
                continue;
            }
            let (Some(rack), Some(pos)) = (d.rack.as_ref().and_then(|r| r.id), d.position.as_ref()) else { continue };
            let r = &inv.racks[rack.index()];
            let dt = d.device_type.id.map(|t| &inv.device_types[t.index()]);
            let height = dt.and_then(|t| t.u_height.as_ref()).map_or(1.0, |h| h.value);
            let full_depth = dt.and_then(|t| t.is_full_depth.as_ref()).is_none_or(|b| b.value);
            let first = r.starting_unit.as_ref().map_or(1, |s| s.value);
            let units = r.u_height.as_ref().map_or(Rack::DEFAULT_U_HEIGHT, |u| u.value);
            let last = first + units - 1;
            let top = pos.value + height.max(1.0) - 1.0;
            if pos.value < first as f64 || top > last as f64 {
                let occupies =
                    if height <= 1.0 { format!("U{}", pos.value) } else { format!("U{}-U{}", pos.value, top) };
                out.push(
                    Diagnostic::new(
                        Code::RackUnitRange,
                        pos.span,
                        format!(
                            "`{}` at U{} does not fit in rack `{}` (U{first}-U{last})",
                            d.name.value, pos.value, r.name.value
                        ),
                    )
                    .label(format!("a {height}U device here occupies {occupies}"))
                    .related(r.name.span, format!("rack `{}` has units U{first}-U{last}", r.name.value))
                    .help(format!("choose a position from U{first} to U{}", last as f64 - height.max(1.0) + 1.0)),
                );
                continue;
            }
            if height == 0.0 {
                continue;
            }
            let face = match d.face.as_ref().map(|f| f.as_str()) {
                Some("rear") => Face::Rear,
                _ => Face::Front,
            };
            let faces: &[Face] = if full_depth { &[Face::Front, Face::Rear] } else { std::slice::from_ref(&face) };
            let start = (pos.value * 2.0) as i64;
            let end = start + (height * 2.0) as i64;
            'units: for half in start..end {
                for &f in faces {
                    if let Some(&other) = occupied.get(&(rack, half, f)) {
                        let o = &inv.devices[other];
                        let unit = half as f64 / 2.0;
                        let face_name = if f == Face::Front { "front" } else { "rear" };
                        out.push(
                            Diagnostic::new(
                                Code::RackCollision,
                                pos.span,
                                format!(
                                    "`{}` and `{}` both occupy U{unit} ({face_name}) of rack `{}`",
                                    d.name.value, o.name.value, r.name.value
                                ),
                            )
                            .label("this device overlaps another")
                            .related(
                                o.position.as_ref().map_or(o.name.span, |p| p.span),
                                format!("`{}` is mounted here", o.name.value),
                            )
                            .help("move one of the devices; a full-depth device occupies both faces"),
                        );
                        break 'units;
                    }
                }
            }
            for half in start..end {
                for &f in faces {
                    occupied.entry((rack, half, f)).or_insert(di);
                }
            }
        }
    }
}

/// `position` needs a rack and a face; `face` needs a rack; rack and location agree.
fn placement_ok(inv: &Inventory, d: &Device, out: &mut Vec<Diagnostic>) -> bool {
    let mut ok = true;
    if d.rack.is_none() {
        if let Some(p) = &d.position {
            out.push(
                Diagnostic::new(Code::RackPlacement, p.span, format!("`{}` has a position but no rack", d.name.value))
                    .label("`position` needs `rack`")
                    .help("add `rack:`, or remove `position:`"),
            );
            ok = false;
        }
        if let Some(f) = &d.face {
            out.push(
                Diagnostic::new(Code::RackPlacement, f.span, format!("`{}` has a rack face but no rack", d.name.value))
                    .label("`face` needs `rack`")
                    .help("add `rack:`, or remove `face:`"),
            );
            ok = false;
        }
    } else if let (Some(p), None) = (&d.position, &d.face) {
        out.push(
            Diagnostic::new(Code::RackPlacement, p.span, format!("`{}` has a rack position but no face", d.name.value))
                .label("`position` needs `face`")
                .help("add `face: front` or `face: rear`"),
        );
        ok = false;
    }
    if let (Some(rack), Some(loc)) = (d.rack.as_ref().and_then(|r| r.id), d.location.as_ref()) {
        let r = &inv.racks[rack.index()];
        if let (Some(rl), Some(dl)) = (r.location.as_ref().and_then(|l| l.id), loc.id)
            && rl != dl
        {
            out.push(
                Diagnostic::new(
                    Code::RackPlacement,
                    loc.key.span,
                    format!(
                        "`{}` is in location `{}` but its rack `{}` is not",
                        d.name.value, loc.key.value, r.name.value
                    ),
                )
                .label("the device's location")
                .related(r.location.as_ref().map_or(r.name.span, |l| l.key.span), "the rack's location")
                .help("a device in a rack takes the rack's location"),
            );
        }
    }
    ok
}
