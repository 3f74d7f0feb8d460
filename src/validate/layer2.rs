//! Rack reservations within their rack and not overlapping (E0358), wireless links
//! between wireless interfaces (E0359), L2VPN terminations on one object (E0360); and
//! NetBox's choices for rack types, reservations, L2VPNs and wireless.

use crate::hash::HashMap;

use super::Check;
use super::choice_values::check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::choices::*;
use crate::model::*;
use crate::resolve::Index;

pub struct Layer2;

/// NetBox's wireless interface types: IEEE 802.11 and 802.15, cellular, other wireless.
fn wireless(t: &str) -> bool {
    t.starts_with("ieee802.11")
        || matches!(t, "ieee802.15.1" | "ieee802.15.4" | "other-wireless" | "gsm" | "cdma" | "lte" | "4g" | "5g")
}

impl Check for Layer2 {
    fn name(&self) -> &'static str {
        "layer2"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for t in &inv.rack_types {
            check(out, Some(&t.form_factor), RACK_FORM_FACTOR, "rack form factor");
            check(out, t.outer_unit.as_ref(), RACK_OUTER_UNIT, "rack outer unit");
            check(out, t.weight_unit.as_ref(), WEIGHT_UNIT, "weight unit");
        }
        let mut taken: HashMap<(Id<Rack>, i64), &Spanned<i64>> = HashMap::default();
        for r in &inv.rack_reservations {
            check(out, r.status.as_ref(), RACK_RESERVATION_STATUS, "rack reservation status");
            let Some(id) = r.rack_id else { continue };
            let rack = &inv.racks[id.index()];
            let first = rack.starting_unit.as_ref().map_or(1, |s| s.value);
            let height = rack.u_height.as_ref().map_or(42, |h| h.value);
            for u in &r.units {
                if u.value < first || u.value >= first + height {
                    out.push(
                        Diagnostic::new(
                            Code::RackReservationUnits,
                            u.span,
                            format!("rack `{}` has no unit {}", rack.name.value, u.value),
                        )
                        .label("outside the rack")
                        .related(rack.name.span, format!("units {first} to {}", first + height - 1))
                        .help("reserve units the rack has"),
                    );
                } else if let Some(other) = taken.get(&(id, u.value)) {
                    out.push(
                        Diagnostic::new(
                            Code::RackReservationUnits,
                            u.span,
                            format!("unit {} of rack `{}` is reserved already", u.value, rack.name.value),
                        )
                        .label("reserved twice")
                        .related(other.span, "reserved here")
                        .help("a unit belongs to one reservation"),
                    );
                } else {
                    taken.insert((id, u.value), u);
                }
            }
        }
        for l in &inv.l2vpns {
            check(out, Some(&l.l2vpn_type), L2VPN_TYPE, "L2VPN type");
            check(out, l.status.as_ref(), L2VPN_STATUS, "L2VPN status");
        }
        for t in &inv.l2vpn_terminations {
            let msg = match (&t.vlan, &t.interface) {
                (Some(_), Some(_)) => "names both a VLAN and an interface",
                (None, None) => "names neither a VLAN nor an interface",
                _ => continue,
            };
            out.push(
                Diagnostic::new(
                    Code::L2vpnTerminationTarget,
                    t.l2vpn.key.span,
                    format!("a termination of L2VPN `{}` {msg}", t.l2vpn.key.value),
                )
                .label("one VLAN or one interface")
                .help("give `vlan: VID` or `interface: device:interface`, one of them"),
            );
        }
        for w in &inv.wireless_lans {
            check(out, w.status.as_ref(), WIRELESS_LAN_STATUS, "wireless LAN status");
            check(out, w.auth_type.as_ref(), WIRELESS_AUTH_TYPE, "wireless authentication type");
            check(out, w.auth_cipher.as_ref(), WIRELESS_AUTH_CIPHER, "wireless cipher");
        }
        for l in &inv.wireless_links {
            check(out, l.status.as_ref(), WIRELESS_LINK_STATUS, "wireless link status");
            check(out, l.auth_type.as_ref(), WIRELESS_AUTH_TYPE, "wireless authentication type");
            check(out, l.auth_cipher.as_ref(), WIRELESS_AUTH_CIPHER, "wireless cipher");
            check(out, l.distance_unit.as_ref(), DISTANCE_UNIT, "distance unit");
            for end in [&l.interface_a, &l.interface_b] {
                let Some(id) = end.id else { continue };
                let i = &inv.devices[id.device.index()].interfaces[id.index as usize];
                let t = i.interface_type.as_ref().map_or("", |t| t.as_str());
                if !wireless(t) {
                    out.push(
                        Diagnostic::new(
                            Code::WirelessLinkInterface,
                            end.span,
                            format!("interface `{}` is not wireless (type `{t}`)", end.display()),
                        )
                        .label("not a wireless interface")
                        .help("a wireless link joins two interfaces of a wireless type, e.g. `ieee802.11ac`"),
                    );
                }
            }
        }
    }
}
