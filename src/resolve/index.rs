//! Natural-key maps, built once; duplicates are reported at the later object.

use crate::hash::{HashMap, HashMapExt};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;

/// Natural key -> object.
pub type KeyMap<T> = HashMap<String, Id<T>>;

/// Where a VLAN's vid is unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VlanScope {
    Group(Id<VlanGroup>),
    Site(Id<Site>),
    Global,
}

#[derive(Debug, Default)]
pub struct Index {
    /// Tags by slug and by name.
    pub tags: KeyMap<Tag>,
    pub tenant_groups: KeyMap<TenantGroup>,
    pub tenants: KeyMap<Tenant>,
    pub regions: KeyMap<Region>,
    pub site_groups: KeyMap<SiteGroup>,
    pub sites: KeyMap<Site>,
    pub rack_roles: KeyMap<RackRole>,
    /// Manufacturers by slug and by name (device-type files name them by name).
    pub manufacturers: KeyMap<Manufacturer>,
    pub device_types: KeyMap<DeviceType>,
    pub device_roles: KeyMap<DeviceRole>,
    pub platforms: KeyMap<Platform>,
    pub devices: KeyMap<Device>,
    pub vrfs: KeyMap<Vrf>,
    pub ipam_roles: KeyMap<IpamRole>,
    pub vlan_groups: KeyMap<VlanGroup>,
    pub providers: KeyMap<Provider>,
    pub circuit_types: KeyMap<CircuitType>,
    pub config_contexts: KeyMap<ConfigContext>,
    pub custom_fields: KeyMap<CustomField>,
    pub rules: KeyMap<Rule>,
    /// Locations by (site, slug), and by slug alone for config contexts.
    pub locations: HashMap<(Id<Site>, String), Id<Location>>,
    pub locations_by_slug: HashMap<String, Vec<Id<Location>>>,
    /// Racks by (site, name).
    pub racks: HashMap<(Id<Site>, String), Id<Rack>>,
    /// Circuits by (provider, cid), and by cid alone.
    pub circuits: HashMap<(Id<Provider>, String), Id<Circuit>>,
    pub circuits_by_cid: HashMap<String, Vec<Id<Circuit>>>,
    /// VLANs by (scope, vid).
    pub vlans: HashMap<(VlanScope, i64), Id<Vlan>>,
    /// VLAN groups scoped to each site, and those with no scope.
    pub vlan_groups_by_site: HashMap<Id<Site>, Vec<Id<VlanGroup>>>,
    pub vlan_groups_global: Vec<Id<VlanGroup>>,
    /// Each device type's interfaces by name, and their position: a device's interfaces
    /// start with its type's, in order (filled when devices get their interfaces).
    pub type_interfaces: Vec<HashMap<String, u32>>,
}

/// Build a unique map; a repeated key is reported at the later object.
pub fn unique<T>(items: &[T], key: impl Fn(&T) -> &Text, what: &str, diags: &mut Vec<Diagnostic>) -> KeyMap<T> {
    let mut map: KeyMap<T> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let k = key(item);
        if let Some(&first) = map.get(k.value.as_str()) {
            diags.push(duplicate(what, &k.value, k, key(&items[first.index()])));
        } else {
            map.insert(k.value.to_string(), Id::new(i));
        }
    }
    map
}

pub fn duplicate(what: &str, key: &str, later: &Text, first: &Text) -> Diagnostic {
    Diagnostic::new(Code::DuplicateObject, later.span, format!("{what} `{key}` is defined twice"))
        .label(format!("another {what} has this key"))
        .related(first.span, "first defined here")
        .help(format!("each {what} needs its own key; rename or remove one"))
}

/// Maps of the collections keyed by a single string.
pub fn build_flat(inv: &Inventory, diags: &mut Vec<Diagnostic>) -> Index {
    let mut ix = Index {
        tenant_groups: unique(&inv.tenant_groups, |x| &x.slug, "tenant group", diags),
        tenants: unique(&inv.tenants, |x| &x.slug, "tenant", diags),
        regions: unique(&inv.regions, |x| &x.slug, "region", diags),
        site_groups: unique(&inv.site_groups, |x| &x.slug, "site group", diags),
        sites: unique(&inv.sites, |x| &x.slug, "site", diags),
        rack_roles: unique(&inv.rack_roles, |x| &x.slug, "rack role", diags),
        manufacturers: unique(&inv.manufacturers, |x| &x.slug, "manufacturer", diags),
        device_types: unique(&inv.device_types, |x| &x.slug, "device type", diags),
        device_roles: unique(&inv.device_roles, |x| &x.slug, "device role", diags),
        platforms: unique(&inv.platforms, |x| &x.slug, "platform", diags),
        devices: unique(&inv.devices, |x| &x.name, "device", diags),
        vrfs: unique(&inv.vrfs, |x| &x.name, "VRF", diags),
        ipam_roles: unique(&inv.ipam_roles, |x| &x.slug, "IPAM role", diags),
        vlan_groups: unique(&inv.vlan_groups, |x| &x.slug, "VLAN group", diags),
        providers: unique(&inv.providers, |x| &x.slug, "provider", diags),
        circuit_types: unique(&inv.circuit_types, |x| &x.slug, "circuit type", diags),
        config_contexts: unique(&inv.config_contexts, |x| &x.name, "config context", diags),
        custom_fields: unique(&inv.custom_fields, |x| &x.name, "custom field", diags),
        rules: unique(&inv.rules, |x| &x.name, "rule", diags),
        ..Index::default()
    };
    // Manufacturers are also found by name (the devicetype-library writes names).
    for (i, m) in inv.manufacturers.iter().enumerate() {
        ix.manufacturers.entry(m.name.value.to_string()).or_insert(Id::new(i));
    }
    // Tags: unique by slug; a name that is another tag's slug is ambiguous.
    ix.tags = unique(&inv.tags, |x| &x.slug, "tag", diags);
    for (i, t) in inv.tags.iter().enumerate() {
        match ix.tags.get(t.name.value.as_str()) {
            Some(&other) if other.index() != i && inv.tags[other.index()].slug.value == t.name.value => {
                let o = &inv.tags[other.index()];
                diags.push(
                    Diagnostic::new(
                        Code::TagNameClash,
                        t.name.span,
                        format!("tag name `{}` is another tag's slug", t.name.value),
                    )
                    .label("ambiguous: a reference to this name could mean either tag")
                    .related(o.slug.span, format!("tag `{}` has this slug", o.name.value))
                    .help("rename one of the tags, or give the other a different slug"),
                );
            }
            Some(_) => {}
            None => {
                ix.tags.insert(t.name.value.to_string(), Id::new(i));
            }
        }
    }
    ix
}

/// Maps whose keys include a resolved reference (site, provider, VLAN scope).
pub fn build_scoped(inv: &Inventory, ix: &mut Index, diags: &mut Vec<Diagnostic>) {
    for (i, l) in inv.locations.iter().enumerate() {
        let Some(site) = l.site.id else { continue };
        ix.locations_by_slug.entry(l.slug.value.to_string()).or_default().push(Id::new(i));
        if let Some(&first) = ix.locations.get(&(site, l.slug.value.to_string())) {
            diags.push(duplicate("location", &l.slug.value, &l.slug, &inv.locations[first.index()].slug));
        } else {
            ix.locations.insert((site, l.slug.value.to_string()), Id::new(i));
        }
    }
    for (i, r) in inv.racks.iter().enumerate() {
        let Some(site) = r.site.id else { continue };
        if let Some(&first) = ix.racks.get(&(site, r.name.value.to_string())) {
            diags.push(duplicate("rack", &r.name.value, &r.name, &inv.racks[first.index()].name));
        } else {
            ix.racks.insert((site, r.name.value.to_string()), Id::new(i));
        }
    }
    for (i, c) in inv.circuits.iter().enumerate() {
        let Some(p) = c.provider.id else { continue };
        ix.circuits_by_cid.entry(c.cid.value.to_string()).or_default().push(Id::new(i));
        if let Some(&first) = ix.circuits.get(&(p, c.cid.value.to_string())) {
            diags.push(duplicate("circuit", &c.cid.value, &c.cid, &inv.circuits[first.index()].cid));
        } else {
            ix.circuits.insert((p, c.cid.value.to_string()), Id::new(i));
        }
    }
    for (i, g) in inv.vlan_groups.iter().enumerate() {
        match &g.site {
            Some(s) => {
                if let Some(site) = s.id {
                    ix.vlan_groups_by_site.entry(site).or_default().push(Id::new(i));
                }
            }
            None => ix.vlan_groups_global.push(Id::new(i)),
        }
    }
    for (i, v) in inv.vlans.iter().enumerate() {
        let scope = match (&v.group, &v.site) {
            (Some(g), _) => match g.id {
                Some(g) => VlanScope::Group(g),
                None => continue,
            },
            (None, Some(s)) => match s.id {
                Some(s) => VlanScope::Site(s),
                None => continue,
            },
            (None, None) => VlanScope::Global,
        };
        if let Some(&first) = ix.vlans.get(&(scope, v.vid.value)) {
            let f = &inv.vlans[first.index()];
            diags.push(
                Diagnostic::new(
                    Code::DuplicateObject,
                    v.vid.span,
                    format!("VLAN {} is defined twice in the same scope", v.vid.value),
                )
                .label(format!("VLAN `{}` reuses this vid", v.name.value))
                .related(f.vid.span, format!("VLAN `{}` has it first", f.name.value))
                .help("a vid is unique within its VLAN group, or its site, or globally"),
            );
        } else {
            ix.vlans.insert((scope, v.vid.value), Id::new(i));
        }
    }
}
