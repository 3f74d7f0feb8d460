//! Which config contexts apply to a device, as NetBox decides it.
//!
//! Assignment lists are ANDed across kinds and ORed within one; an empty list
//! matches everything. Regions, site groups and locations also match their
//! descendants; tenant groups match only the tenant's own group (as NetBox 4.7
//! does). Only active contexts apply. The result is in merge
//! order: weight, then name.

use crate::hash::{HashMap, HashMapExt, HashSet};

use crate::model::*;

/// One context's assignment, with hierarchies expanded to descendants.
#[derive(Debug, Default)]
struct Selector {
    regions: Option<HashSet<Id<Region>>>,
    site_groups: Option<HashSet<Id<SiteGroup>>>,
    sites: Option<HashSet<Id<Site>>>,
    locations: Option<HashSet<Id<Location>>>,
    device_types: Option<HashSet<Id<DeviceType>>>,
    roles: Option<HashSet<Id<DeviceRole>>>,
    platforms: Option<HashSet<Id<Platform>>>,
    tenant_groups: Option<HashSet<Id<TenantGroup>>>,
    tenants: Option<HashSet<Id<Tenant>>>,
    tags: Option<HashSet<Id<Tag>>>,
}

/// Precomputed selectors of every context.
#[derive(Debug)]
pub struct Matcher {
    /// Context ids in merge order (weight, name), active ones only.
    order: Vec<Id<ConfigContext>>,
    /// By context id.
    selectors: Vec<Selector>,
    /// Positions in `order` of the contexts without a site list: tried for every device.
    general: Vec<usize>,
    /// Positions in `order` of the contexts with a site list, by listed site: a fleet has
    /// a context per site, and trying each on every device would be quadratic.
    by_site: HashMap<Id<Site>, Vec<usize>>,
}

fn ids<T>(refs: &[Ref<T>]) -> Option<HashSet<Id<T>>> {
    (!refs.is_empty()).then(|| refs.iter().filter_map(|r| r.id).collect())
}

/// Each id with all its descendants, following `parent`.
fn with_descendants<T>(refs: &[Ref<T>], items: &[T], parent: impl Fn(&T) -> Option<Id<T>>) -> Option<HashSet<Id<T>>> {
    let mut set = ids(refs)?;
    let mut children: HashMap<Id<T>, Vec<Id<T>>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(p) = parent(item) {
            children.entry(p).or_default().push(Id::new(i));
        }
    }
    let mut stack: Vec<Id<T>> = set.iter().copied().collect();
    while let Some(x) = stack.pop() {
        for &c in children.get(&x).map_or(&[][..], Vec::as_slice) {
            if set.insert(c) {
                stack.push(c);
            }
        }
    }
    Some(set)
}

pub fn weight(c: &ConfigContext) -> i64 {
    c.weight.as_ref().map_or(ConfigContext::DEFAULT_WEIGHT, |w| w.value)
}

impl Matcher {
    pub fn new(inv: &Inventory) -> Matcher {
        let mut order: Vec<Id<ConfigContext>> = (0..inv.config_contexts.len())
            .map(Id::new)
            .filter(|&i| inv.config_contexts[i.index()].is_active && !inv.config_contexts[i.index()].is_schema())
            .collect();
        order.sort_by(|&a, &b| {
            let (ca, cb) = (&inv.config_contexts[a.index()], &inv.config_contexts[b.index()]);
            (weight(ca), &ca.name.value).cmp(&(weight(cb), &cb.name.value))
        });
        let selectors: Vec<Selector> = inv.config_contexts.iter().map(|c| selector(inv, c)).collect();
        let mut general = Vec::new();
        let mut by_site: HashMap<Id<Site>, Vec<usize>> = HashMap::new();
        for (pos, c) in order.iter().enumerate() {
            match &selectors[c.index()].sites {
                None => general.push(pos),
                // A context selects only devices at its sites (none, if none resolved).
                Some(sites) => sites.iter().for_each(|s| by_site.entry(*s).or_default().push(pos)),
            }
        }
        Matcher { order, selectors, general, by_site }
    }

    /// The active data contexts that apply to `d`, in merge order.
    pub fn for_device(&self, inv: &Inventory, d: &Device) -> Vec<Id<ConfigContext>> {
        let at_site = d.site.id.and_then(|s| self.by_site.get(&s)).map_or(&[][..], Vec::as_slice);
        let mut positions: Vec<usize> = self.general.iter().chain(at_site).copied().collect();
        positions.sort_unstable();
        positions.into_iter().map(|p| self.order[p]).filter(|&c| self.matches(c, inv, d)).collect()
    }

    /// Does context `c`'s assignment select device `d`?
    pub fn matches(&self, c: Id<ConfigContext>, inv: &Inventory, d: &Device) -> bool {
        let s = &self.selectors[c.index()];
        let site = d.site.id.map(|s| &inv.sites[s.index()]);
        let tenant = d.tenant.as_ref().and_then(|t| t.id);
        fn ok<T>(set: &Option<HashSet<Id<T>>>, v: Option<Id<T>>) -> bool {
            match set {
                None => true,
                Some(set) => v.is_some_and(|v| set.contains(&v)),
            }
        }
        ok(&s.regions, site.and_then(|s| s.region.as_ref()).and_then(|r| r.id))
            && ok(&s.site_groups, site.and_then(|s| s.group.as_ref()).and_then(|g| g.id))
            && ok(&s.sites, d.site.id)
            && ok(&s.locations, d.location.as_ref().and_then(|l| l.id).or_else(|| rack_location(inv, d)))
            && ok(&s.device_types, d.device_type.id)
            && ok(&s.roles, d.role.id)
            && ok(&s.platforms, d.platform.as_ref().and_then(|p| p.id))
            && ok(&s.tenant_groups, tenant.and_then(|t| inv.tenants[t.index()].group.as_ref()).and_then(|g| g.id))
            && ok(&s.tenants, tenant)
            && s.tags.as_ref().is_none_or(|set| d.tags.iter().any(|t| t.id.is_some_and(|t| set.contains(&t))))
    }
}

/// A device in a rack with a location is in that location.
fn rack_location(inv: &Inventory, d: &Device) -> Option<Id<Location>> {
    let rack = d.rack.as_ref()?.id?;
    inv.racks[rack.index()].location.as_ref()?.id
}

fn selector(inv: &Inventory, c: &ConfigContext) -> Selector {
    let a = &c.assign;
    Selector {
        regions: with_descendants(&a.regions, &inv.regions, |x| x.parent.as_ref().and_then(|p| p.id)),
        site_groups: with_descendants(&a.site_groups, &inv.site_groups, |x| x.parent.as_ref().and_then(|p| p.id)),
        sites: ids(&a.sites),
        locations: with_descendants(&a.locations, &inv.locations, |x| x.parent.as_ref().and_then(|p| p.id)),
        device_types: ids(&a.device_types),
        roles: ids(&a.roles),
        platforms: ids(&a.platforms),
        tenant_groups: ids(&a.tenant_groups),
        tenants: ids(&a.tenants),
        tags: ids(&a.tags),
    }
}
