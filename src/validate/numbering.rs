//! IPAM numbering and services: aggregates do not overlap (E0350), IP ranges are ranges
//! (E0351) that do not overlap within a VRF (E0352), ASN ranges run upward (E0353), a
//! service has one parent (E0354); and the choice fields of these kinds and of contact
//! assignments.

use std::net::IpAddr;

use ipnet::IpNet;

use super::Check;
use super::choice_values::check;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::model::choices::*;
use crate::model::*;
use crate::resolve::Index;

pub struct Numbering;

fn int(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(a) => u32::from(a).into(),
        IpAddr::V6(a) => a.into(),
    }
}

/// Blocks of addresses, each `(scope, is IPv6, first, last, span, label)`: report every
/// block that shares addresses with one before it in address order, at the block
/// written later, naming the other.
fn overlaps<S: Ord + Copy>(
    mut blocks: Vec<(S, bool, u128, u128, Span, String)>,
    mut report: impl FnMut(Span, &str, Span, &str),
) {
    blocks.sort_by_key(|a| (a.0, a.1, a.2, std::cmp::Reverse(a.3)));
    let mut open: Option<usize> = None;
    for i in 0..blocks.len() {
        if let Some(o) = open {
            let (p, c) = (&blocks[o], &blocks[i]);
            // The same block twice is a duplicate key, reported as such (E0201).
            if p.0 == c.0 && p.1 == c.1 && c.2 <= p.3 && (c.2, c.3) != (p.2, p.3) {
                let (later, earlier) = if c.4 > p.4 { (c, p) } else { (p, c) };
                report(later.4, &later.5, earlier.4, &earlier.5);
                if c.3 <= p.3 {
                    continue;
                }
            }
        }
        let (p, c) = (open.map(|o| &blocks[o]), &blocks[i]);
        if p.is_none_or(|p| p.0 != c.0 || p.1 != c.1 || c.3 > p.3) {
            open = Some(i);
        }
    }
}

impl Check for Numbering {
    fn name(&self) -> &'static str {
        "numbering"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        let mut blocks = Vec::with_capacity(inv.aggregates.len());
        for a in &inv.aggregates {
            let p: IpNet = a.prefix.value;
            if p.prefix_len() == 0 {
                out.push(
                    Diagnostic::new(Code::AggregateOverlap, a.prefix.span, format!("aggregate {p} is a /0"))
                        .label("a /0 mask")
                        .help("NetBox refuses an aggregate of the whole address space; record the blocks allocated"),
                );
                continue;
            }
            let v6 = matches!(p, IpNet::V6(_));
            blocks.push(((), v6, int(p.network()), int(p.broadcast()), a.prefix.span, p.to_string()));
        }
        overlaps(blocks, |at, this, other_at, other| {
            out.push(
                Diagnostic::new(Code::AggregateOverlap, at, format!("aggregate {this} overlaps aggregate {other}"))
                    .label("overlapping aggregate")
                    .related(other_at, format!("aggregate {other}"))
                    .help("aggregates cannot overlap: keep the larger block, and record the smaller one as a prefix"),
            );
        });

        let mut ranges = Vec::with_capacity(inv.ip_ranges.len());
        for r in &inv.ip_ranges {
            check(out, r.status.as_ref(), IP_RANGE_STATUS, "IP range status");
            let (s, e) = (r.start_address.value, r.end_address.value);
            let bad = |msg: String, help: &str| {
                Diagnostic::new(Code::IpRangeBounds, r.end_address.span, msg)
                    .label("end of the range")
                    .related(r.start_address.span, "start of the range")
                    .help(help.to_string())
            };
            if matches!(s, IpNet::V4(_)) != matches!(e, IpNet::V4(_)) {
                out.push(bad(format!("IP range `{s}-{e}` mixes IPv4 and IPv6"), "write both ends in one family"));
                continue;
            }
            if s.prefix_len() != e.prefix_len() {
                out.push(bad(
                    format!("IP range `{s}-{e}`: the ends' masks differ (/{} and /{})", s.prefix_len(), e.prefix_len()),
                    "give both ends the same mask",
                ));
                continue;
            }
            let (a, b) = (int(s.addr()), int(e.addr()));
            if b < a {
                out.push(bad(format!("IP range `{s}-{e}` ends before it starts"), "swap the start and the end"));
                continue;
            }
            if b - a >= u128::from(u32::MAX) {
                out.push(bad(
                    format!("IP range `{s}-{e}` holds more than 4294967295 addresses"),
                    "NetBox's largest range is 2^32-1 addresses; split it",
                ));
                continue;
            }
            let Some(vrf) = (match &r.vrf {
                None => Some(None),
                Some(v) => v.id.map(Some),
            }) else {
                continue;
            };
            let v6 = matches!(s, IpNet::V6(_));
            ranges.push((vrf, v6, a, b, r.start_address.span, format!("{}-{}", s.addr(), e.addr())));
        }
        overlaps(ranges, |at, this, other_at, other| {
            out.push(
                Diagnostic::new(Code::IpRangeOverlap, at, format!("IP range `{this}` overlaps IP range `{other}`"))
                    .label("overlapping range")
                    .related(other_at, format!("IP range `{other}`"))
                    .help("ranges of one VRF cannot share addresses: shrink one of them"),
            );
        });

        for r in &inv.asn_ranges {
            if r.end.value <= r.start.value {
                out.push(
                    Diagnostic::new(
                        Code::AsnRangeBounds,
                        r.end.span,
                        format!(
                            "ASN range `{}` ends at {}, not above its start {}",
                            r.name.value, r.end.value, r.start.value
                        ),
                    )
                    .label("the end")
                    .related(r.start.span, "the start")
                    .help("the start must be lower than the end"),
                );
            }
        }

        for s in &inv.services {
            check(out, Some(&s.protocol), SERVICE_PROTOCOL, "service protocol");
            let msg = match (&s.device, &s.virtual_machine) {
                (Some(_), Some(_)) => "names both a device and a virtual machine",
                (None, None) => "names neither a device nor a virtual machine",
                _ => continue,
            };
            out.push(
                Diagnostic::new(Code::ServiceParent, s.name.span, format!("service `{}` {msg}", s.name.value))
                    .label("one parent needed")
                    .help("give `device: NAME` or `virtual_machine: NAME`, one of them"),
            );
        }
        for g in &inv.fhrp_groups {
            check(out, Some(&g.protocol), FHRP_PROTOCOL, "FHRP protocol");
            check(out, g.auth_type.as_ref(), FHRP_AUTH_TYPE, "FHRP authentication type");
        }
        for a in &inv.contact_assignments {
            check(out, a.priority.as_ref(), CONTACT_PRIORITY, "contact priority");
        }
    }
}
