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

/// The natural-key maps. Those of the globally keyed kinds are in [`Keys`] (one per
/// kind, from the registry: tags also by name, manufacturers also by name), read through
/// `Deref` (`ix.sites`); the maps below are those whose keys include a scope.
#[derive(Debug, Default)]
pub struct Index {
    pub keys: Keys,
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

impl std::ops::Deref for Index {
    type Target = Keys;
    fn deref(&self) -> &Keys {
        &self.keys
    }
}

impl std::ops::DerefMut for Index {
    fn deref_mut(&mut self) -> &mut Keys {
        &mut self.keys
    }
}

pub fn duplicate(what: &str, key: &str, later: &Text, first: &Text) -> Diagnostic {
    Diagnostic::new(Code::DuplicateObject, later.span, format!("{what} `{key}` is defined twice"))
        .label(format!("another {what} has this key"))
        .related(first.span, "first defined here")
        .help(format!("each {what} needs its own key; rename or remove one"))
}

/// Maps of the collections keyed by a single string.
pub fn build_flat(inv: &Inventory, diags: &mut Vec<Diagnostic>) -> Index {
    let mut flat = Flat { inv, keys: Keys::default(), diags };
    each_kind(&mut flat);
    let mut ix = Index { keys: flat.keys, ..Index::default() };
    // Manufacturers are also found by name (the devicetype-library writes names).
    for (i, m) in inv.manufacturers.iter().enumerate() {
        ix.manufacturers.entry(m.name.value.to_string()).or_insert(Id::new(i));
    }
    // Tags: unique by slug; a name that is another tag's slug is ambiguous.
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

/// Every globally keyed kind's map, duplicates reported.
struct Flat<'a> {
    inv: &'a Inventory,
    keys: Keys,
    diags: &'a mut Vec<Diagnostic>,
}

impl KindVisitor for Flat<'_> {
    fn visit<K: Kind>(&mut self) {
        if K::INFO.scope == Scope::Composite {
            return self.composite::<K>();
        }
        if K::INFO.scope != Scope::Global {
            return;
        }
        let items = K::all(self.inv);
        let mut map: KeyMap<K> = HashMap::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Some(k) = item.key_text() else { continue };
            if let Some(&first) = map.get(k.value.as_str()) {
                let earlier = items[first.index()].key_text().expect("a globally keyed kind has a key");
                self.diags.push(duplicate(K::INFO.singular, &k.value, k, earlier));
            } else {
                map.insert(k.value.to_string(), Id::new(i));
            }
        }
        *K::keys_mut(&mut self.keys) = map;
    }
}

impl Flat<'_> {
    /// A kind keyed by its whole natural key (its parent's key as written, then its own).
    fn composite<K: Kind>(&mut self) {
        let items = K::all(self.inv);
        let mut map: KeyMap<K> = HashMap::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let key = item.natural_key();
            if let Some(&first) = map.get(key.as_str()) {
                let at = |x: &K| Spanned::new(key.as_str().into(), x.span());
                self.diags.push(duplicate(K::INFO.singular, &key, &at(item), &at(&items[first.index()])));
            } else {
                map.insert(key, Id::new(i));
            }
        }
        *K::keys_mut(&mut self.keys) = map;
    }
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
