//! Point-to-point subnets: the two ends of a cable whose interfaces both carry addresses
//! of one family are in one subnet. NetBox does not check this; a leaf at 10.1.0.25/31
//! cabled to a spine at 10.1.0.20/31 never forms its adjacency.

use ipnet::IpNet;

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::resolve::Index;

pub struct CableSubnets;

/// The addresses of an interface (IPv6 link-local ones left out: every link has them).
fn addresses(inv: &Inventory, id: InterfaceId) -> Vec<IpNet> {
    let i = &inv.devices[id.device.index()].interfaces[id.index as usize];
    i.ip_addresses
        .iter()
        .map(|a| inv.ip_addresses[a.index()].address.value)
        .filter(|n| !matches!(n, IpNet::V6(v) if v.addr().segments()[0] & 0xffc0 == 0xfe80))
        .collect()
}

impl Check for CableSubnets {
    fn name(&self) -> &'static str {
        "cable-subnets"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for c in &inv.cables {
            let (CableEnd::Interface(a), CableEnd::Interface(b)) = (&c.a, &c.b) else { continue };
            let (Some(ia), Some(ib)) = (a.id, b.id) else { continue };
            let (xa, xb) = (addresses(inv, ia), addresses(inv, ib));
            for v4 in [true, false] {
                let fa: Vec<&IpNet> = xa.iter().filter(|n| matches!(n, IpNet::V4(_)) == v4).collect();
                let fb: Vec<&IpNet> = xb.iter().filter(|n| matches!(n, IpNet::V4(_)) == v4).collect();
                if fa.is_empty() || fb.is_empty() {
                    continue;
                }
                let shared = fa.iter().any(|x| fb.iter().any(|y| x.trunc() == y.trunc()));
                if shared {
                    continue;
                }
                let list = |v: &[&IpNet]| v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ");
                out.push(
                    Diagnostic::new(
                        Code::CableSubnetMismatch,
                        c.span,
                        format!(
                            "the ends of cable {} — {} are in different subnets: {} and {}",
                            a.display(),
                            b.display(),
                            list(&fa),
                            list(&fb)
                        ),
                    )
                    .label("these ends share no subnet")
                    .help(format!(
                        "a point-to-point link needs both addresses in one subnet (e.g. {} and its peer in {})",
                        fa[0],
                        fa[0].trunc()
                    )),
                );
            }
        }
    }
}
