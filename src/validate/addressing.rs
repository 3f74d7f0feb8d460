//! IPAM: unique addresses and prefixes where the VRF enforces it, addresses
//! inside a prefix of their VRF, and no network ID on an interface.

use crate::hash::{HashMap, HashMapExt, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;
use rayon::prelude::*;

use super::Check;
use crate::diagnostic::{Code, Diagnostic, each_in_parallel};
use crate::model::*;
use crate::resolve::Index;

pub struct Ipam {
    pub enforce_global_unique: bool,
}

fn vrf_of(r: &Option<Ref<Vrf>>) -> Option<Option<Id<Vrf>>> {
    match r {
        None => Some(None),
        Some(r) => r.id.map(Some),
    }
}

fn vrf_name(inv: &Inventory, v: Option<Id<Vrf>>) -> String {
    v.map_or_else(|| "the global table".to_string(), |v| format!("VRF `{}`", inv.vrfs[v.index()].name.value))
}

impl Ipam {
    fn enforced(&self, inv: &Inventory, v: Option<Id<Vrf>>) -> bool {
        match v {
            None => self.enforce_global_unique,
            Some(v) => inv.vrfs[v.index()].enforce_unique,
        }
    }
}

impl Check for Ipam {
    fn name(&self) -> &'static str {
        "ipam"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        // Prefixes: duplicates, and the set each address is looked up in.
        let mut prefixes: HashMap<(Option<Id<Vrf>>, IpNet), usize> = HashMap::with_capacity(inv.prefixes.len());
        let mut order: Vec<usize> = (0..inv.prefixes.len()).collect();
        order.sort_by_key(|&i| inv.prefixes[i].prefix.span);
        for i in order {
            let p = &inv.prefixes[i];
            let Some(vrf) = vrf_of(&p.vrf) else { continue };
            match prefixes.get(&(vrf, p.prefix.value)) {
                Some(&first) if self.enforced(inv, vrf) => out.push(
                    Diagnostic::new(
                        Code::DuplicatePrefix,
                        p.prefix.span,
                        format!("prefix {} is already in {}", p.prefix.value, vrf_name(inv, vrf)),
                    )
                    .label("duplicate prefix")
                    .related(inv.prefixes[first].prefix.span, "first defined here")
                    .help("remove one, or put it in a VRF that does not enforce uniqueness"),
                ),
                Some(_) => {}
                None => {
                    prefixes.insert((vrf, p.prefix.value), i);
                }
            }
        }
        let nets = Nets::new(prefixes.keys().copied());
        // Duplicates: the first written (by position) is the one the others repeat. A
        // compact list sorted in parallel, not a million lookups into the addresses.
        let mut order: Vec<(crate::diagnostic::Span, u32)> =
            inv.ip_addresses.iter().enumerate().map(|(i, ip)| (ip.address.span, i as u32)).collect();
        order.par_sort_unstable();
        let mut hosts: HashMap<(Option<Id<Vrf>>, IpAddr), usize> = HashMap::with_capacity(inv.ip_addresses.len());
        for (_, i) in order {
            let i = i as usize;
            let ip = &inv.ip_addresses[i];
            let Some(vrf) = vrf_of(&ip.vrf) else { continue };
            let a = ip.address.value;
            match hosts.get(&(vrf, a.addr())) {
                Some(&first) if self.enforced(inv, vrf) => out.push(
                    Diagnostic::new(
                        Code::DuplicateAddress,
                        ip.address.span,
                        format!("{} is already used in {}", a.addr(), vrf_name(inv, vrf)),
                    )
                    .label("duplicate address")
                    .related(
                        inv.ip_addresses[first].address.span,
                        format!("{} is assigned here", inv.ip_addresses[first].address.value),
                    )
                    .help("each host address appears once per VRF, whatever its mask"),
                ),
                Some(_) => {}
                None => {
                    hosts.insert((vrf, a.addr()), i);
                }
            }
        }
        // Each address on its own: in parallel.
        each_in_parallel(inv.ip_addresses.par_iter(), out, |ip, out| {
            let Some(vrf) = vrf_of(&ip.vrf) else { return };
            let a = ip.address.value;
            if !nets.contain(vrf, a.addr()) {
                out.push(
                    Diagnostic::new(
                        Code::AddressOutsidePrefix,
                        ip.address.span,
                        format!("{a} lies in no prefix of {}", vrf_name(inv, vrf)),
                    )
                    .label("no containing prefix")
                    .help(format!(
                        "add a prefix such as `{}` to {}, or fix the address",
                        a.trunc(),
                        vrf_name(inv, vrf)
                    )),
                );
            }
            if ip.assigned.is_some() && is_network_or_broadcast(a) {
                out.push(
                    Diagnostic::new(
                        Code::NetworkIdAddress,
                        ip.address.span,
                        format!("{a} is the {} of its subnet", which(a)),
                    )
                    .label("cannot be assigned to an interface")
                    .help("use a host address of the subnet, or a /31 or /32 (/127 or /128) mask"),
                );
            }
        });
    }
}

/// The prefixes of every VRF, and which prefix lengths occur (an address is looked up at
/// those lengths only: a handful, instead of all 33 or 129).
struct Nets {
    nets: HashSet<(Option<Id<Vrf>>, IpNet)>,
    v4: Vec<u8>,
    v6: Vec<u8>,
}

impl Nets {
    fn new(nets: impl Iterator<Item = (Option<Id<Vrf>>, IpNet)>) -> Nets {
        let nets: HashSet<_> = nets.collect();
        let lengths = |v4: bool| {
            let mut l: Vec<u8> =
                nets.iter().filter(|(_, n)| n.addr().is_ipv4() == v4).map(|(_, n)| n.prefix_len()).collect();
            l.sort_unstable();
            l.dedup();
            l
        };
        let (v4, v6) = (lengths(true), lengths(false));
        Nets { nets, v4, v6 }
    }

    /// Whether some prefix of `vrf` contains `addr`.
    fn contain(&self, vrf: Option<Id<Vrf>>, addr: IpAddr) -> bool {
        let lengths = if addr.is_ipv4() { &self.v4 } else { &self.v6 };
        lengths.iter().any(|&len| IpNet::new(addr, len).is_ok_and(|n| self.nets.contains(&(vrf, n.trunc()))))
    }
}

fn is_network_or_broadcast(a: IpNet) -> bool {
    match a {
        IpNet::V4(n) => n.prefix_len() < 31 && (n.addr() == n.network() || n.addr() == n.broadcast()),
        IpNet::V6(n) => n.prefix_len() < 127 && n.addr() == n.network(),
    }
}

fn which(a: IpNet) -> &'static str {
    if a.addr() == a.network() { "network ID" } else { "broadcast address" }
}
