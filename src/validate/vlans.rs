//! VLANs: ids in 1-4094 and in their group's range; interface VLANs fit the
//! interface's mode and are available at the device's site.

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::resolve::Index;

pub struct Vlans;

const MIN: i64 = 1;
const MAX: i64 = 4094;

impl Check for Vlans {
    fn name(&self) -> &'static str {
        "vlans"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for g in &inv.vlan_groups {
            for b in [&g.min_vid, &g.max_vid].into_iter().flatten() {
                if !(MIN..=MAX).contains(&b.value) {
                    out.push(
                        Diagnostic::new(
                            Code::VlanRange,
                            b.span,
                            format!("VLAN group bound {} is outside 1-4094", b.value),
                        )
                        .label("not a VLAN id"),
                    );
                }
            }
            if let (Some(lo), Some(hi)) = (&g.min_vid, &g.max_vid)
                && lo.value > hi.value
            {
                out.push(
                    Diagnostic::new(
                        Code::VlanRange,
                        hi.span,
                        format!("`max_vid` {} is below `min_vid` {}", hi.value, lo.value),
                    )
                    .label("empty range")
                    .related(lo.span, "min_vid"),
                );
            }
        }
        for v in &inv.vlans {
            if !(MIN..=MAX).contains(&v.vid.value) {
                out.push(
                    Diagnostic::new(Code::VlanRange, v.vid.span, format!("VLAN id {} is outside 1-4094", v.vid.value))
                        .label("not a VLAN id")
                        .help("VLAN ids run from 1 to 4094"),
                );
                continue;
            }
            let Some(g) = v.group.as_ref().and_then(|g| g.id) else { continue };
            let g = &inv.vlan_groups[g.index()];
            let lo = g.min_vid.as_ref().map_or(MIN, |b| b.value);
            let hi = g.max_vid.as_ref().map_or(MAX, |b| b.value);
            if !(lo..=hi).contains(&v.vid.value) {
                out.push(
                    Diagnostic::new(
                        Code::VlanRange,
                        v.vid.span,
                        format!("VLAN {} is outside group `{}`'s range {lo}-{hi}", v.vid.value, g.slug.value),
                    )
                    .label("outside the group's range")
                    .related(g.name.span, format!("group `{}` allows {lo}-{hi}", g.slug.value)),
                );
            }
        }
        for d in &inv.devices {
            let site = d.site.id;
            for iface in &d.interfaces {
                let mode = iface.mode.as_ref().map(|m| m.as_str());
                if let (Some(t), false) = (iface.tagged_vlans.first(), mode == Some("tagged")) {
                    out.push(
                        Diagnostic::new(
                            Code::VlanAssignment,
                            t.span,
                            format!("`{}` has tagged VLANs but is not in tagged mode", iface.name.value),
                        )
                        .label("tagged VLANs need `mode: tagged`")
                        .help("set `mode: tagged`, or remove `tagged_vlans`"),
                    );
                }
                if let (Some(u), None) = (&iface.untagged_vlan, mode) {
                    out.push(
                        Diagnostic::new(
                            Code::VlanAssignment,
                            u.span,
                            format!("`{}` has an untagged VLAN but no mode", iface.name.value),
                        )
                        .label("an untagged VLAN needs a mode")
                        .help("set `mode: access` (or `tagged` for a native VLAN on a trunk)"),
                    );
                }
                for v in iface.untagged_vlan.as_deref().into_iter().chain(&iface.tagged_vlans) {
                    let (Some(id), Some(site)) = (v.id, site) else { continue };
                    let vlan = &inv.vlans[id.index()];
                    let vsite = vlan.site.as_ref().and_then(|s| s.id);
                    let gsite = vlan
                        .group
                        .as_ref()
                        .and_then(|g| g.id)
                        .and_then(|g| inv.vlan_groups[g.index()].site.as_ref())
                        .and_then(|s| s.id);
                    let elsewhere = [vsite, gsite].into_iter().flatten().find(|s| *s != site);
                    if let Some(other) = elsewhere {
                        out.push(
                            Diagnostic::new(
                                Code::VlanAssignment,
                                v.span,
                                format!(
                                    "VLAN {} belongs to site `{}`, not to `{}`'s site `{}`",
                                    vlan.vid.value,
                                    inv.sites[other.index()].slug.value,
                                    d.name.value,
                                    inv.sites[site.index()].slug.value
                                ),
                            )
                            .label("not available at the device's site")
                            .related(vlan.vid.span, "the VLAN is defined here"),
                        );
                    }
                }
            }
        }
    }
}
