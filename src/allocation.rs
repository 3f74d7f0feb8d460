//! IPAM queries over a compiled inventory: free addresses, free child
//! prefixes, and utilisation, computed as NetBox computes them.

use crate::hash::HashSet;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use crate::model::{Id, Inventory, Vrf};

/// A VRF selection: `None` is the global table.
pub type VrfSel = Option<Id<Vrf>>;

fn vrf_of(r: &Option<crate::model::Ref<Vrf>>) -> Option<VrfSel> {
    match r {
        None => Some(None),
        Some(r) => r.id.map(Some),
    }
}

/// Addresses of `vrf` whose host lies in `parent`.
fn used_hosts(inv: &Inventory, vrf: VrfSel, parent: IpNet) -> HashSet<IpAddr> {
    inv.ip_addresses
        .iter()
        .filter(|ip| vrf_of(&ip.vrf) == Some(vrf) && parent.contains(&ip.address.value.addr()))
        .map(|ip| ip.address.value.addr())
        .collect()
}

/// Is `parent` a pool (every address usable, network and broadcast included)?
fn is_pool(inv: &Inventory, vrf: VrfSel, parent: IpNet) -> bool {
    inv.prefixes.iter().any(|p| p.prefix.value == parent && vrf_of(&p.vrf) == Some(vrf) && p.is_pool)
}

/// The first `count` free host addresses of `parent`, with `parent`'s mask.
/// IPv4 network and broadcast addresses are skipped unless the prefix is a
/// pool or a /31 or /32, as NetBox does.
pub fn available_ips(inv: &Inventory, vrf: VrfSel, parent: IpNet, count: usize) -> Vec<IpNet> {
    let used = used_hosts(inv, vrf, parent);
    let skip_edges = matches!(parent, IpNet::V4(_)) && parent.prefix_len() < 31 && !is_pool(inv, vrf, parent);
    let mut out = Vec::new();
    for host in parent.hosts_all() {
        if out.len() >= count {
            break;
        }
        if skip_edges && (host == parent.network() || host == parent.broadcast()) {
            continue;
        }
        if !used.contains(&host) {
            out.push(IpNet::new(host, parent.prefix_len()).expect("a host of the parent with its length"));
        }
    }
    out
}

trait AllHosts {
    fn hosts_all(&self) -> Box<dyn Iterator<Item = IpAddr>>;
}

impl AllHosts for IpNet {
    /// Every address of the prefix, network and broadcast included.
    fn hosts_all(&self) -> Box<dyn Iterator<Item = IpAddr>> {
        match *self {
            IpNet::V4(n) => {
                let a = u32::from(n.network());
                let b = u32::from(n.broadcast());
                Box::new((a..=b).map(|x| IpAddr::from(std::net::Ipv4Addr::from(x))))
            }
            IpNet::V6(n) => {
                let a = u128::from(n.network());
                let b = u128::from(n.broadcast());
                Box::new((a..=b).map(|x| IpAddr::from(std::net::Ipv6Addr::from(x))))
            }
        }
    }
}

/// The first `count` free child prefixes of length `len` inside `parent`:
/// blocks that overlap no existing prefix of `vrf` below `parent`.
pub fn available_prefixes(inv: &Inventory, vrf: VrfSel, parent: IpNet, len: u8, count: usize) -> Vec<IpNet> {
    if len < parent.prefix_len() || len > parent.max_prefix_len() {
        return Vec::new();
    }
    // What is taken: the child prefixes, and every address (as a host route), of the VRF.
    let children: Vec<IpNet> = inv
        .prefixes
        .iter()
        .filter(|p| vrf_of(&p.vrf) == Some(vrf) && p.prefix.value != parent && parent.contains(&p.prefix.value))
        .map(|p| p.prefix.value)
        .chain(
            inv.ip_addresses
                .iter()
                .filter(|ip| vrf_of(&ip.vrf) == Some(vrf) && parent.contains(&ip.address.value.addr()))
                .filter_map(|ip| IpNet::new(ip.address.value.addr(), parent.max_prefix_len()).ok()),
        )
        .collect();
    let mut out = Vec::new();
    let num = |a: IpAddr| match a {
        IpAddr::V4(x) => u128::from(u32::from(x)),
        IpAddr::V6(x) => u128::from(x),
    };
    let addr = |x: u128| match parent {
        IpNet::V4(_) => IpAddr::from(std::net::Ipv4Addr::from(x as u32)),
        IpNet::V6(_) => IpAddr::from(std::net::Ipv6Addr::from(x)),
    };
    // Candidates are aligned blocks of `size` addresses (a /0 child of a /0 is the parent).
    let Some(size) = 1u128.checked_shl(u32::from(parent.max_prefix_len() - len)) else {
        if count > 0 && children.is_empty() {
            out.push(parent);
        }
        return out;
    };
    let end = num(parent.broadcast());
    let mut at = num(parent.network());
    while out.len() < count {
        let Ok(cand) = IpNet::new(addr(at), len) else { break };
        // Past every child the candidate overlaps, in one step: a candidate inside a large
        // child does not walk the child block by block (`::/0` by /128s inside `::/1`).
        let covered =
            children.iter().filter(|c| c.contains(&cand) || cand.contains(*c)).map(|c| num(c.broadcast())).max();
        let last = match covered {
            Some(last) => last,
            None => {
                out.push(cand);
                at + (size - 1)
            }
        };
        match (last / size).checked_add(1).and_then(|n| n.checked_mul(size)) {
            Some(next) if next <= end => at = next,
            _ => break,
        }
    }
    out
}

/// How full one prefix is.
#[derive(Debug, Serialize)]
pub struct Usage {
    pub prefix: String,
    pub vrf: Option<String>,
    pub site: Option<String>,
    pub status: String,
    /// `prefixes` when measured by child prefixes (containers), `addresses` otherwise.
    pub measure: &'static str,
    pub used: u128,
    pub size: u128,
    pub percent: f64,
}

/// Utilisation of every prefix, in file order. A container is measured by the
/// space its child prefixes cover; other prefixes by their addresses (IPv4
/// network and broadcast not counted unless a pool or a /31 or /32).
pub fn usage(inv: &Inventory) -> Vec<Usage> {
    let mut out: Vec<(Option<String>, IpNet, Usage)> = Vec::with_capacity(inv.prefixes.len());
    for p in &inv.prefixes {
        let Some(vrf) = vrf_of(&p.vrf) else { continue };
        let net = p.prefix.value;
        let status = p.status.as_ref().map_or("active", |s| s.as_str()).to_string();
        let total = size(net);
        let (measure, used, size) = if status == "container" {
            // Children covered once: keep only children not inside another child.
            let mut kids: Vec<IpNet> = inv
                .prefixes
                .iter()
                .filter(|c| vrf_of(&c.vrf) == Some(vrf) && c.prefix.value != net && net.contains(&c.prefix.value))
                .map(|c| c.prefix.value)
                .collect();
            kids.sort_by_key(|k| k.prefix_len());
            let mut top: Vec<IpNet> = Vec::new();
            for k in kids {
                if !top.iter().any(|t| t.contains(&k)) {
                    top.push(k);
                }
            }
            ("prefixes", top.iter().map(|k| size(*k)).sum(), total)
        } else {
            let edges = matches!(net, IpNet::V4(_)) && net.prefix_len() < 31 && !p.is_pool;
            let usable = if edges { total - 2 } else { total };
            ("addresses", used_hosts(inv, vrf, net).len() as u128, usable)
        };
        let percent = if size == 0 { 0.0 } else { (used as f64 / size as f64 * 1000.0).round() / 10.0 };
        out.push((
            p.vrf.as_ref().map(|v| v.key.value.to_string()),
            net,
            Usage {
                prefix: net.to_string(),
                vrf: p.vrf.as_ref().map(|v| v.key.value.to_string()),
                site: p.site.as_ref().map(|s| s.key.value.to_string()),
                status,
                measure,
                used,
                size,
                percent,
            },
        ));
    }
    // The global table first, then each VRF by name; within one, by network, numerically
    // (10.1.3.0/24 before 10.1.10.0/24), a container before what it holds.
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    out.into_iter().map(|(_, _, u)| u).collect()
}

fn size(n: IpNet) -> u128 {
    let bits = n.max_prefix_len() - n.prefix_len();
    if bits >= 128 { u128::MAX } else { 1u128 << bits }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileKind, SourceSet};

    fn inv(text: &str) -> crate::compile::Compilation {
        let mut s = SourceSet::default();
        s.add("inventory/a.yaml", FileKind::Inventory, text);
        crate::compile::compile(&s, crate::project::Config::default(), Vec::new())
    }

    #[test]
    fn next_free_addresses_skip_used_network_and_broadcast() {
        let i =
            inv("prefixes: [{prefix: 10.0.0.0/29}]\nip_addresses: [{address: 10.0.0.1/29}, {address: 10.0.0.3/29}]\n");
        let got: Vec<String> = available_ips(&i.inventory, None, "10.0.0.0/29".parse().unwrap(), 10)
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(got, ["10.0.0.2/29", "10.0.0.4/29", "10.0.0.5/29", "10.0.0.6/29"]);
    }

    #[test]
    fn pools_and_point_to_point_use_every_address() {
        let i = inv("prefixes: [{prefix: 10.0.0.0/30, is_pool: true}]\n");
        assert_eq!(available_ips(&i.inventory, None, "10.0.0.0/30".parse().unwrap(), 10).len(), 4);
        assert_eq!(available_ips(&i.inventory, None, "10.0.1.0/31".parse().unwrap(), 10).len(), 2);
    }

    #[test]
    fn addresses_in_other_vrfs_do_not_count() {
        let i = inv("vrfs: [{name: blue}]\nip_addresses: [{address: 10.0.0.1/24, vrf: blue}]\n");
        let first = available_ips(&i.inventory, None, "10.0.0.0/24".parse().unwrap(), 1);
        assert_eq!(first[0].to_string(), "10.0.0.1/24");
    }

    #[test]
    fn free_child_prefixes_avoid_existing_children() {
        let i = inv("prefixes: [{prefix: 10.0.0.0/24}, {prefix: 10.0.0.0/26}, {prefix: 10.0.0.128/27}]\n");
        let got: Vec<String> = available_prefixes(&i.inventory, None, "10.0.0.0/24".parse().unwrap(), 26, 10)
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(got, ["10.0.0.64/26", "10.0.0.192/26"]);
    }

    /// A large child is stepped over at once, not block by block.
    #[test]
    fn free_child_prefixes_jump_over_large_children() {
        let i = inv("prefixes: [{prefix: '::/1'}, {prefix: '8000::/128'}, {prefix: 'ffff::/16'}]\n");
        let got: Vec<String> = available_prefixes(&i.inventory, None, "::/0".parse().unwrap(), 128, 2)
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(got, ["8000::1/128", "8000::2/128"]);
        let tail = available_prefixes(&i.inventory, None, "fffe::/15".parse().unwrap(), 16, 10);
        assert_eq!(tail.iter().map(|n| n.to_string()).collect::<Vec<_>>(), ["fffe::/16"]);
        let all = available_prefixes(&i.inventory, None, "10.0.0.0/30".parse().unwrap(), 32, 10);
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn free_child_prefixes_avoid_addresses_of_the_vrf() {
        let i = inv(
            "vrfs: [{name: blue}]\nprefixes: [{prefix: 10.0.0.0/24}]\nip_addresses: [{address: 10.0.0.1/31}, {address: 10.0.0.5/31}, {address: 10.0.0.2/31, vrf: blue}]\n",
        );
        let got: Vec<String> = available_prefixes(&i.inventory, None, "10.0.0.0/24".parse().unwrap(), 31, 3)
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(got, ["10.0.0.2/31", "10.0.0.6/31", "10.0.0.8/31"]);
    }

    #[test]
    fn usage_is_sorted_numerically_per_vrf() {
        let i = inv(
            "vrfs: [{name: blue}]\nprefixes: [{prefix: 10.0.10.0/24}, {prefix: 10.0.0.0/24, vrf: blue}, {prefix: 10.0.3.0/24}, {prefix: 10.0.0.0/16, status: container}]\n",
        );
        let order: Vec<String> = usage(&i.inventory).iter().map(|u| u.prefix.clone()).collect();
        assert_eq!(order, ["10.0.0.0/16", "10.0.3.0/24", "10.0.10.0/24", "10.0.0.0/24"]);
    }

    #[test]
    fn usage_of_containers_and_subnets() {
        let i = inv(
            "prefixes:\n  - {prefix: 10.0.0.0/24, status: container}\n  - {prefix: 10.0.0.0/25}\n  - {prefix: 10.0.0.0/26}\nip_addresses: [{address: 10.0.0.1/25}, {address: 10.0.0.2/25}]\n",
        );
        let u = usage(&i.inventory);
        assert_eq!((u[0].measure, u[0].used, u[0].size, u[0].percent), ("prefixes", 128, 256, 50.0));
        assert_eq!((u[1].measure, u[1].used, u[1].size), ("addresses", 2, 126));
    }
}
