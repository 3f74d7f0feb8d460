//! Power feeds: NetBox's choices, and no negative voltage on an AC supply (E0357).
//! Virtual chassis: positions unique per chassis, membership fields only on members,
//! and a master that is a member (E0356).

use crate::hash::HashMap;

use super::Check;
use super::choice_values::check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::choices::*;
use crate::model::*;
use crate::resolve::Index;

pub struct Power;

impl Check for Power {
    fn name(&self) -> &'static str {
        "power"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for f in &inv.power_feeds {
            check(out, f.status.as_ref(), POWER_FEED_STATUS, "power feed status");
            check(out, f.feed_type.as_ref(), POWER_FEED_TYPE, "power feed type");
            check(out, f.supply.as_ref(), POWER_FEED_SUPPLY, "power supply");
            check(out, f.phase.as_ref(), POWER_FEED_PHASE, "power phase");
            let ac = f.supply.as_ref().is_none_or(|s| s.value == "ac");
            if let Some(v) = &f.voltage
                && ac
                && v.value < 0
            {
                out.push(
                    Diagnostic::new(
                        Code::PowerFeedVoltage,
                        v.span,
                        format!("power feed `{}` has a negative voltage on an AC supply", f.name.value),
                    )
                    .label("negative voltage")
                    .help("only a DC feed (`supply: dc`) may have a negative voltage"),
                );
            }
        }
        let mut positions: HashMap<(usize, i64), &Device> = HashMap::default();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); inv.virtual_chassis.len()];
        for (i, d) in inv.devices.iter().enumerate() {
            let Some(vc) = &d.virtual_chassis else {
                for v in [&d.vc_position, &d.vc_priority].into_iter().flatten() {
                    out.push(
                        Diagnostic::new(
                            Code::VirtualChassisMember,
                            v.span,
                            format!(
                                "device `{}` has a chassis position or priority but no `virtual_chassis`",
                                d.name.value
                            ),
                        )
                        .label("not a member of a virtual chassis")
                        .help("add `virtual_chassis: NAME`, or remove `vc_position`/`vc_priority`"),
                    );
                }
                continue;
            };
            let Some(id) = vc.id else { continue };
            members[id.index()].push(i);
            if let Some(p) = &d.vc_position {
                if let Some(first) = positions.get(&(id.index(), p.value)) {
                    out.push(
                        Diagnostic::new(
                            Code::VirtualChassisMember,
                            p.span,
                            format!("position {} of virtual chassis `{}` is taken", p.value, vc.key.value),
                        )
                        .label("position already in use")
                        .related(first.name.span, format!("device `{}` has it", first.name.value))
                        .help("each member of a virtual chassis has its own `vc_position`"),
                    );
                } else {
                    positions.insert((id.index(), p.value), d);
                }
            }
        }
        for (c, vc) in inv.virtual_chassis.iter().enumerate() {
            let Some(m) = &vc.master else { continue };
            let Some(master) = m.id else { continue };
            if !members[c].contains(&master.index()) {
                let d = &inv.devices[master.index()];
                out.push(
                    Diagnostic::new(
                        Code::VirtualChassisMember,
                        m.key.span,
                        format!("the master of virtual chassis `{}` is not one of its members", vc.name.value),
                    )
                    .label("not a member")
                    .related(
                        d.name.span,
                        format!("device `{}` has no `virtual_chassis: {}`", d.name.value, vc.name.value),
                    )
                    .help("give the device `virtual_chassis` and `vc_position`, or name a member as master"),
                );
            }
        }
    }
}
