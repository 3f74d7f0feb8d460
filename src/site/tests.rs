use super::pages::{cidrs, gaps};

#[test]
fn gaps_are_the_ranges_no_child_covers() {
    assert_eq!(gaps(0, 255, &[(0, 63), (128, 191)]), vec![(64, 127), (192, 255)]);
    assert_eq!(gaps(0, 255, &[(0, 255)]), vec![]);
    assert_eq!(gaps(10, 20, &[]), vec![(10, 20)]);
    // Overlapping children.
    assert_eq!(gaps(0, 15, &[(0, 7), (4, 9)]), vec![(10, 15)]);
}

#[test]
fn free_ranges_become_the_largest_blocks() {
    let net: ipnet::IpNet = "10.0.0.0/24".parse().unwrap();
    let base = u128::from(u32::from(std::net::Ipv4Addr::new(10, 0, 0, 0)));
    let blocks: Vec<String> = cidrs(&net, base + 64, base + 255, 10).iter().map(|n| n.to_string()).collect();
    assert_eq!(blocks, ["10.0.0.64/26", "10.0.0.128/25"]);
    let blocks: Vec<String> = cidrs(&net, base + 1, base + 6, 10).iter().map(|n| n.to_string()).collect();
    assert_eq!(blocks, ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]);
}

/// The site's utilisation figures are `sot ipam usage`'s, computed another way.
#[test]
fn utilisation_agrees_with_ipam_usage_on_the_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = crate::load::load_workdir(root).unwrap();
    let comp = crate::compile::compile(&loaded.sources, loaded.config.clone(), Vec::new());
    let opts = super::Options { revision: "test".into(), diff: None };
    let ctx = super::Ctx::new(&comp, &loaded.sources, &opts);
    let usage = crate::allocation::usage(&comp.inventory);
    assert!(usage.len() > 5);
    for u in usage {
        let mine = ctx.usage.get(&(u.vrf.clone(), u.prefix.clone())).unwrap_or_else(|| panic!("{}", u.prefix));
        assert_eq!((mine.0, mine.1, mine.2, mine.3), (u.percent, u.used, u.size, u.measure), "{}", u.prefix);
    }
}
