//! The registry of object kinds: one declaration per kind, and everything the
//! pipeline derives from it.
//!
//! Each line of the [`kinds!`] table below declares one collection: its Rust type and
//! lowering function, its words, its NetBox model, its natural key and that key's
//! scope, and where its tags and custom fields are. From the table come the
//! [`Inventory`] struct, the collection names a data file may hold, lowering and the
//! editor schema (`Inventory::describe`), a [`Kind`] impl per type, and [`KINDS`] (the
//! metadata as data). Stages that do the same thing for every kind visit the kinds
//! generically through [`each_kind`] and a [`KindVisitor`] (tag accounting, custom-field
//! checks, duplicate checks of globally keyed kinds, object types of custom fields,
//! diff keys); `tests/registry.rs` enumerates [`KINDS`] and fails when a stage that
//! still lists kinds by hand misses one.
//!
//! Interfaces are declared here too ([`INTERFACE`]): they are components of devices
//! (held in `Device::interfaces`, not in a collection of their own), and the stages
//! that visit devices visit their interfaces.

use super::*;

/// Where a natural key is unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Across the inventory (a slug, a device name).
    Global,
    /// Within a site (locations, racks).
    Site,
    /// Within a provider (circuits).
    Provider,
    /// Within a VLAN group, a site, or globally (VLANs).
    VlanScope,
    /// Within a device (interfaces).
    Device,
    /// Within a VRF or the global table (prefixes, IP addresses).
    Vrf,
    /// Between its two ends (cables).
    Ends,
    /// Unique as its whole natural key, written with its parent's key where it has one
    /// (`lon1/PP-A` for a power panel of site `lon1`, `lon1/PP-A/F1` for a feed of it, an
    /// AS number): indexed by that key like a global one, and referred to by it.
    Composite,
}

/// What the registry says about one kind of object.
#[derive(Debug)]
pub struct KindInfo {
    /// The collection a data file holds it in (`sites`).
    pub collection: &'static str,
    /// One of them, as diagnostics name it (`site`, `IP address`).
    pub singular: &'static str,
    /// Several of them, as prose names them (`sites`, `IP addresses`).
    pub plural: &'static str,
    /// NetBox's `app_label.model` (`dcim.site`); `sot.*` for what only `sot` knows.
    pub netbox: &'static str,
    /// The field holding the natural key, and where it is unique.
    pub key: &'static str,
    pub scope: Scope,
    /// Whether objects of this kind carry tags, and custom-field values.
    pub tags: bool,
    pub custom_fields: bool,
    /// The field where an object is written (diagnostics, rules and the NetBox bundle
    /// point there).
    pub at: &'static str,
    /// The fields holding references that are linked by key alone (tags apart).
    pub refs: &'static [&'static str],
    /// NetBox's defaults of fields left unset, as JSON (`("weight", "1000")`).
    pub defaults: &'static [(&'static str, &'static str)],
}

impl KindInfo {
    /// The variable one object is bound to in queries and rules (`ip_address`).
    pub fn variable(&self) -> String {
        self.singular.to_lowercase().replace(' ', "_")
    }

    /// Whether NetBox lets a custom field name this kind in its `object_types`.
    pub fn is_object_type(&self) -> bool {
        !self.netbox.starts_with("sot.") && self.netbox != "extras.customfield"
    }

    /// Whether rules and queries see it as a network object (not `sot`'s own
    /// configuration: config contexts, custom fields, rules).
    pub fn is_network_object(&self) -> bool {
        self.is_object_type() && self.netbox != "extras.configcontext"
    }

    /// NetBox's default of `field`, as JSON text, if the registry declares one.
    pub fn default_of(&self, field: &str) -> Option<&'static str> {
        self.defaults.iter().find(|(k, _)| *k == field).map(|(_, v)| *v)
    }

    /// NetBox's default of `field`, read as `T`, for a stage that writes it out. The
    /// registry must declare it (the registry's tests reach every such use).
    pub fn default<T: serde::de::DeserializeOwned>(&self, field: &str) -> T {
        self.default_of(field)
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_else(|| panic!("the registry declares no default of {}.{field}", self.collection))
    }
}

/// A field that refers to objects of another kind by key: `Ref<T>`, `Option<Ref<T>>`
/// or `Vec<Ref<T>>`. Linking, the NetBox bundle and the registry's tests reach the
/// references a kind declares through it.
pub trait Link {
    /// Link every reference to its object; report keys nothing has.
    fn link(&mut self, keys: &Keys, diags: &mut Vec<Diagnostic>);
    /// The kind referred to.
    fn target(&self) -> &'static KindInfo;
    /// Whether the field holds a list.
    fn many(&self) -> bool;
    /// The natural keys of the objects referred to (as written, when unresolved).
    fn natural_keys(&self, inv: &Inventory) -> Vec<String>;
}

fn key_of<T: Kind>(r: &Ref<T>, inv: &Inventory) -> String {
    match r.id.and_then(|id| T::all(inv).get(id.index())) {
        Some(x) => x.natural_key(),
        None => r.key.value.to_string(),
    }
}

impl<T: Kind> Link for Ref<T> {
    fn link(&mut self, keys: &Keys, diags: &mut Vec<Diagnostic>) {
        crate::resolve::link_one(diags, self, T::keys(keys), T::INFO.singular);
    }
    fn target(&self) -> &'static KindInfo {
        T::INFO
    }
    fn many(&self) -> bool {
        false
    }
    fn natural_keys(&self, inv: &Inventory) -> Vec<String> {
        vec![key_of(self, inv)]
    }
}

impl<T: Kind> Link for Option<Ref<T>> {
    fn link(&mut self, keys: &Keys, diags: &mut Vec<Diagnostic>) {
        if let Some(r) = self {
            r.link(keys, diags);
        }
    }
    fn target(&self) -> &'static KindInfo {
        T::INFO
    }
    fn many(&self) -> bool {
        false
    }
    fn natural_keys(&self, inv: &Inventory) -> Vec<String> {
        self.iter().map(|r| key_of(r, inv)).collect()
    }
}

impl<T: Kind> Link for Vec<Ref<T>> {
    fn link(&mut self, keys: &Keys, diags: &mut Vec<Diagnostic>) {
        for r in self {
            r.link(keys, diags);
        }
    }
    fn target(&self) -> &'static KindInfo {
        T::INFO
    }
    fn many(&self) -> bool {
        true
    }
    fn natural_keys(&self, inv: &Inventory) -> Vec<String> {
        self.iter().map(|r| key_of(r, inv)).collect()
    }
}

/// The field an object is written at: a spanned value, or a bare span.
pub trait At {
    fn at_span(&self) -> Span;
    /// The value, as a diagnostic names the object (empty for a bare span).
    fn at_text(&self) -> String;
}

impl<T: fmt::Display> At for Spanned<T> {
    fn at_span(&self) -> Span {
        self.span
    }
    fn at_text(&self) -> String {
        self.value.to_string()
    }
}

impl At for Span {
    fn at_span(&self) -> Span {
        *self
    }
    fn at_text(&self) -> String {
        String::new()
    }
}

/// A kind of object, as the registry declares it.
pub trait Kind: serde::Serialize + Send + Sync + Sized + 'static {
    const INFO: &'static KindInfo;
    /// Every object of this kind, in file order.
    fn all(inv: &Inventory) -> &[Self];
    fn all_mut(inv: &mut Inventory) -> &mut [Self];
    /// This kind's natural-key map (filled for a globally keyed kind).
    fn keys(keys: &Keys) -> &crate::resolve::KeyMap<Self>;
    fn keys_mut(keys: &mut Keys) -> &mut crate::resolve::KeyMap<Self>;
    /// The natural key, for a globally keyed kind.
    fn key_text(&self) -> Option<&Text>;
    /// The natural key, as `diff` and the NetBox bundle name the object (`site/name`
    /// for an object keyed within a site).
    fn natural_key(&self) -> String;
    fn tags(&self) -> &[Ref<Tag>];
    fn custom_fields(&self) -> &[CustomValue];
    /// Where the object is written (its `at` field).
    fn span(&self) -> Span;
    /// The object as a diagnostic names it (`site `London 1``).
    fn label(&self) -> String;
    /// Link the references the registry declares (`refs`) and the tags.
    fn link(&mut self, keys: &Keys, diags: &mut Vec<Diagnostic>);
    /// Each declared reference field (`refs`) with its name, in declaration order.
    fn each_ref(&self, f: &mut dyn FnMut(&'static str, &dyn Link));
}

/// Something done for every kind (see [`each_kind`]).
pub trait KindVisitor {
    fn visit<K: Kind>(&mut self);
}

/// The interfaces of devices: a kind held inside another (see the module's comment).
pub static INTERFACE: KindInfo = KindInfo {
    collection: "interfaces",
    singular: "interface",
    plural: "interfaces",
    netbox: "dcim.interface",
    key: "name",
    scope: Scope::Device,
    tags: true,
    custom_fields: true,
    at: "name",
    refs: &["vrf"],
    defaults: &[("enabled", "true"), ("mgmt_only", "false")],
};

/// The other components of devices (console, power, front and rear ports, bays,
/// inventory items): kinds held inside devices, as interfaces are (in
/// `Device::components`), in NetBox's order. [`ComponentKind::info`] gives a kind's entry.
pub static COMPONENT_KINDS: [KindInfo; 9] = {
    const fn component(
        collection: &'static str,
        singular: &'static str,
        plural: &'static str,
        netbox: &'static str,
    ) -> KindInfo {
        KindInfo {
            collection,
            singular,
            plural,
            netbox,
            key: "name",
            scope: Scope::Device,
            tags: true,
            custom_fields: false,
            at: "name",
            refs: &[],
            defaults: &[("label", "\"\""), ("description", "\"\""), ("mark_connected", "false")],
        }
    }
    [
        component("console_ports", "console port", "console ports", "dcim.consoleport"),
        component("console_server_ports", "console server port", "console server ports", "dcim.consoleserverport"),
        component("power_ports", "power port", "power ports", "dcim.powerport"),
        component("power_outlets", "power outlet", "power outlets", "dcim.poweroutlet"),
        component("front_ports", "front port", "front ports", "dcim.frontport"),
        component("rear_ports", "rear port", "rear ports", "dcim.rearport"),
        component("module_bays", "module bay", "module bays", "dcim.modulebay"),
        component("device_bays", "device bay", "device bays", "dcim.devicebay"),
        component("inventory_items", "inventory item", "inventory items", "dcim.inventoryitem"),
    ]
};

fn none<T>() -> &'static [T] {
    &[]
}

macro_rules! kinds {
    ($(
        $field:ident : $ty:ty => $lower:path {
            $singular:literal, $plural:literal, $netbox:literal,
            key: $keyfield:ident, $scope:ident $( ($natural:expr) )?,
            at: $at:ident $( ($label:expr) )?,
            refs: [ $( $r:ident ),* $(,)? ],
            tags: $tags:ident, custom_fields: $cf:ident,
            $( defaults: [ $( $dk:ident = $dv:literal ),* $(,)? ], )?
        }
    )*) => {
        /// Every object of an inventory, by collection, in file order.
        #[derive(Debug, Default, Clone)]
        pub struct Inventory {
            $( pub $field: Vec<$ty>, )*
        }

        /// Collection names a data file may hold.
        pub const COLLECTIONS: &[&str] = &[ $( stringify!($field), )* ];

        /// The natural-key maps of the globally keyed kinds, one per collection (a scoped
        /// kind's stays empty: `resolve::Index` holds its maps with their scope).
        #[derive(Debug, Default)]
        pub struct Keys {
            $( pub $field: crate::resolve::KeyMap<$ty>, )*
        }

        /// Every kind held in a collection, in collection order.
        pub static KINDS: &[&KindInfo] = &[ $( <$ty as Kind>::INFO, )* ];

        /// Visit every kind held in a collection, in collection order.
        pub fn each_kind(v: &mut impl KindVisitor) {
            $( v.visit::<$ty>(); )*
        }

        $(
            impl Kind for $ty {
                const INFO: &'static KindInfo = &KindInfo {
                    collection: stringify!($field),
                    singular: $singular,
                    plural: $plural,
                    netbox: $netbox,
                    key: stringify!($keyfield),
                    scope: Scope::$scope,
                    tags: kinds!(@has $tags),
                    custom_fields: kinds!(@has $cf),
                    at: stringify!($at),
                    refs: &[ $( stringify!($r), )* ],
                    defaults: &[ $( $( (stringify!($dk), stringify!($dv)), )* )? ],
                };
                fn all(inv: &Inventory) -> &[Self] {
                    &inv.$field
                }
                fn all_mut(inv: &mut Inventory) -> &mut [Self] {
                    &mut inv.$field
                }
                fn span(&self) -> Span {
                    At::at_span(&self.$at)
                }
                fn label(&self) -> String {
                    kinds!(@label self, $singular, $at $(, $label)?)
                }
                fn link(&mut self, keys: &Keys, diags: &mut Vec<Diagnostic>) {
                    $( Link::link(&mut self.$r, keys, diags); )*
                    kinds!(@link_tags self, keys, diags, $tags);
                    let _ = (keys, diags);
                }
                fn each_ref(&self, f: &mut dyn FnMut(&'static str, &dyn Link)) {
                    $( f(stringify!($r), &self.$r); )*
                    let _ = f;
                }
                fn keys(keys: &Keys) -> &crate::resolve::KeyMap<Self> {
                    &keys.$field
                }
                fn keys_mut(keys: &mut Keys) -> &mut crate::resolve::KeyMap<Self> {
                    &mut keys.$field
                }
                fn key_text(&self) -> Option<&Text> {
                    kinds!(@key_text self, $keyfield $(, $natural)?)
                }
                fn natural_key(&self) -> String {
                    kinds!(@natural self, $keyfield $(, $natural)?)
                }
                fn tags(&self) -> &[Ref<Tag>] {
                    kinds!(@list self, $tags)
                }
                fn custom_fields(&self) -> &[CustomValue] {
                    kinds!(@list self, $cf)
                }
            }
        )*

        impl Inventory {
            /// How many objects the inventory holds (interfaces included).
            pub fn object_count(&self) -> usize {
                0 $( + self.$field.len() )*
                    + self.devices.iter().map(|d| d.interfaces.len() + d.components.len()).sum::<usize>()
            }

            /// Append `others`' objects after this inventory's, in their order (file order
            /// is kept). Each collection is sized once (growing one of hundreds of megabytes
            /// step by step copies it into fresh memory each time), and the collections are
            /// filled in parallel.
            pub fn append_all(&mut self, others: Vec<Inventory>) {
                $( let mut $field: Vec<Vec<$ty>> = Vec::with_capacity(others.len()); )*
                for mut o in others {
                    $( $field.push(std::mem::take(&mut o.$field)); )*
                }
                rayon::scope(|s| {
                    $(
                        let into = &mut self.$field;
                        s.spawn(move |_| {
                            into.reserve($field.iter().map(Vec::len).sum());
                            for mut part in $field {
                                into.append(&mut part);
                            }
                        });
                    )*
                });
            }

            /// The fields of one collection's objects, read from its lowering code.
            pub fn describe(name: &str) -> Option<Vec<decode::FieldSpec>> {
                match name {
                    $( stringify!($field) => Some(decode::describe(|o| { let _ = $lower(o); })), )*
                    _ => None,
                }
            }

            pub(super) fn lower_collection(&mut self, name: &str, items: &[Node], diags: &mut Vec<Diagnostic>) -> bool {
                match name {
                    $( stringify!($field) => {
                        self.$field.reserve(items.len());
                        let limits = super::limit::of($netbox);
                        for item in items {
                            if let Some(obj) = Obj::new(item, $singular, diags) {
                                let mut obj = obj.with_limits(limits);
                                let v = $lower(&mut obj);
                                let incomplete = obj.incomplete;
                                obj.finish();
                                if let (Some(v), false) = (v, incomplete) {
                                    self.$field.push(v);
                                }
                            }
                        }
                        true
                    } )*
                    _ => false,
                }
            }
        }
    };
    (@label $x:ident, $singular:literal, $at:ident) => { format!("{} `{}`", $singular, At::at_text(&$x.$at)) };
    (@label $x:ident, $singular:literal, $at:ident, $label:expr) => { ($label)($x) };
    (@link_tags $x:ident, $keys:ident, $diags:ident, none) => {};
    (@link_tags $x:ident, $keys:ident, $diags:ident, $f:ident) => { Link::link(&mut $x.$f, $keys, $diags) };
    (@has none) => { false };
    (@has $f:ident) => { true };
    (@list $x:ident, none) => { none() };
    (@list $x:ident, $f:ident) => { &$x.$f };
    (@key_text $x:ident, $k:ident) => { Some(&$x.$k) };
    (@key_text $x:ident, $k:ident, $natural:expr) => { None };
    (@natural $x:ident, $k:ident) => { $x.$k.value.to_string() };
    (@natural $x:ident, $k:ident, $natural:expr) => { ($natural)($x) };
}

fn vrf_key(v: &Option<Ref<Vrf>>) -> &str {
    v.as_ref().map_or("global", |v| v.key.as_str())
}

fn vlan_key(v: &Vlan) -> String {
    let scope = match (&v.group, &v.site) {
        (Some(g), _) => format!("group {}", g.key.value),
        (None, Some(s)) => format!("site {}", s.key.value),
        (None, None) => "global".to_string(),
    };
    format!("{scope}/{}", v.vid.value)
}

// One entry per kind. `key` names the field of the natural key and its scope (with, for a
// scoped key, how the whole key is written); `at` the field where an object is written
// (with, optionally, how a diagnostic names it); `refs` the fields holding references
// linked by key alone (references whose key needs a scope, template and schema files are
// linked by `resolve`); `tags` and `custom_fields` the fields holding them, or `none`;
// `defaults` NetBox's values of fields left unset, where `sot` writes them out.
kinds! {
    tags: Tag => extras::lower_tag {
        "tag", "tags", "extras.tag",
        key: slug, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [color = "9e9e9e", description = ""],
    }
    tenant_groups: TenantGroup => tenancy::lower_tenant_group {
        "tenant group", "tenant groups", "tenancy.tenantgroup",
        key: slug, Global, at: name, refs: [parent],
        tags: none, custom_fields: none,
        defaults: [description = ""],
    }
    tenants: Tenant => tenancy::lower_tenant {
        "tenant", "tenants", "tenancy.tenant",
        key: slug, Global, at: name, refs: [group],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = ""],
    }
    regions: Region => dcim::lower_region {
        "region", "regions", "dcim.region",
        key: slug, Global, at: name, refs: [parent],
        tags: none, custom_fields: none,
        defaults: [description = ""],
    }
    site_groups: SiteGroup => dcim::lower_site_group {
        "site group", "site groups", "dcim.sitegroup",
        key: slug, Global, at: name, refs: [parent],
        tags: none, custom_fields: none,
        defaults: [description = ""],
    }
    sites: Site => dcim::lower_site {
        "site", "sites", "dcim.site",
        key: slug, Global, at: name, refs: [region, group, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", facility = "", description = ""],
    }
    locations: Location => dcim::lower_location {
        "location", "locations", "dcim.location",
        key: slug, Site(|x: &Location| format!("{}/{}", x.site.key.value, x.slug.value)),
        at: name, refs: [site, tenant],
        tags: tags, custom_fields: none,
        defaults: [status = "active", description = ""],
    }
    rack_roles: RackRole => dcim::lower_rack_role {
        "rack role", "rack roles", "dcim.rackrole",
        key: slug, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [color = "9e9e9e", description = ""],
    }
    racks: Rack => dcim::lower_rack {
        "rack", "racks", "dcim.rack",
        key: name, Site(|x: &Rack| format!("{}/{}", x.site.key.value, x.name.value)),
        at: name, refs: [site, role, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", u_height = 42, starting_unit = 1, desc_units = false, description = ""],
    }
    manufacturers: Manufacturer => dcim::lower_manufacturer {
        "manufacturer", "manufacturers", "dcim.manufacturer",
        key: slug, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [description = ""],
    }
    device_types: DeviceType => dcim::lower_device_type {
        "device type", "device types", "dcim.devicetype",
        key: slug, Global, at: model, refs: [manufacturer],
        tags: none, custom_fields: none,
        defaults: [u_height = 1.0, is_full_depth = true, exclude_from_utilization = false, part_number = "", description = "", comments = ""],
    }
    device_roles: DeviceRole => dcim::lower_device_role {
        "device role", "device roles", "dcim.devicerole",
        key: slug, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [color = "9e9e9e", vm_role = true, description = ""],
    }
    platforms: Platform => dcim::lower_platform {
        "platform", "platforms", "dcim.platform",
        key: slug, Global, at: name, refs: [manufacturer],
        tags: none, custom_fields: none,
        defaults: [description = ""],
    }
    devices: Device => dcim::lower_device {
        "device", "devices", "dcim.device",
        key: name, Global, at: name, refs: [device_type, role, site, platform, tenant, virtual_chassis],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", serial = "", description = "", comments = ""],
    }
    cables: Cable => dcim::lower_cable {
        "cable", "cables", "dcim.cable",
        key: a, Ends(|x: &Cable| crate::netbox::model::cable_key(&x.a.display(), &x.b.display())),
        at: span, refs: [],
        tags: tags, custom_fields: none,
        defaults: [status = "connected", label = "", color = "", description = ""],
    }
    vrfs: Vrf => ipam::lower_vrf {
        "VRF", "VRFs", "ipam.vrf",
        key: name, Global, at: name, refs: [tenant, import_targets, export_targets],
        tags: tags, custom_fields: none,
        defaults: [enforce_unique = true, description = ""],
    }
    ipam_roles: IpamRole => ipam::lower_ipam_role {
        "IPAM role", "IPAM roles", "ipam.role",
        key: slug, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [weight = 1000, description = ""],
    }
    rirs: Rir => ipam::lower_rir {
        "RIR", "RIRs", "ipam.rir",
        key: slug, Global, at: name, refs: [],
        tags: tags, custom_fields: custom_fields,
        defaults: [is_private = false, description = "", comments = ""],
    }
    prefixes: Prefix => ipam::lower_prefix {
        "prefix", "prefixes", "ipam.prefix",
        key: prefix, Vrf(|x: &Prefix| format!("{}/{}", vrf_key(&x.vrf), x.prefix.value)),
        at: prefix, refs: [vrf, site, role, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", is_pool = false, description = ""],
    }
    ip_addresses: IpAddress => ipam::lower_ip_address {
        "IP address", "IP addresses", "ipam.ipaddress",
        key: address, Vrf(|x: &IpAddress| format!("{}/{}", vrf_key(&x.vrf), x.address.value)),
        at: address, refs: [vrf],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", role = "", dns_name = "", description = ""],
    }
    vlan_groups: VlanGroup => ipam::lower_vlan_group {
        "VLAN group", "VLAN groups", "ipam.vlangroup",
        key: slug, Global, at: name, refs: [site],
        tags: tags, custom_fields: none,
        defaults: [min_vid = 1, max_vid = 4094, description = ""],
    }
    vlans: Vlan => ipam::lower_vlan {
        "VLAN", "VLANs", "ipam.vlan",
        key: vid, VlanScope(vlan_key),
        at: vid(|x: &Vlan| format!("VLAN {} (`{}`)", x.vid.value, x.name.value)),
        refs: [site, group, tenant, role],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", description = ""],
    }
    providers: Provider => circuits::lower_provider {
        "provider", "providers", "circuits.provider",
        key: slug, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [description = ""],
    }
    circuit_types: CircuitType => circuits::lower_circuit_type {
        "circuit type", "circuit types", "circuits.circuittype",
        key: slug, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [description = ""],
    }
    circuits: Circuit => circuits::lower_circuit {
        "circuit", "circuits", "circuits.circuit",
        key: cid, Provider(|x: &Circuit| format!("{}/{}", x.provider.key.value, x.cid.value)),
        at: cid, refs: [provider, circuit_type, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", description = ""],
    }
    config_contexts: ConfigContext => extras::lower_config_context {
        "config context", "config contexts", "extras.configcontext",
        key: name, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [weight = 1000, is_active = true, description = ""],
    }
    custom_fields: CustomField => extras::lower_custom_field {
        "custom field", "custom fields", "extras.customfield",
        key: name, Global, at: name, refs: [],
        tags: none, custom_fields: none,
        defaults: [required = false, label = "", description = "", validation_regex = ""],
    }
    rules: Rule => extras::lower_rule {
        "rule", "rules", "sot.rule",
        key: name, Global, at: name, refs: [],
        tags: none, custom_fields: none,
    }
    module_types: ModuleType => dcim::lower_module_type {
        "module type", "module types", "dcim.moduletype",
        key: model, Global, at: model, refs: [manufacturer],
        tags: none, custom_fields: none,
        defaults: [part_number = "", description = "", comments = ""],
    }
    // NetBox's models beyond the data centre (issue 20): IPAM numbering, contacts,
    // virtualization, power, virtual chassis. Objects are created in this order after
    // every model `netbox/model.rs` lists; contact assignments, which may name any of
    // them, come last.
    route_targets: RouteTarget => numbering::lower_route_target {
        "route target", "route targets", "ipam.routetarget",
        key: name, Global, at: name, refs: [tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    aggregates: Aggregate => numbering::lower_aggregate {
        "aggregate", "aggregates", "ipam.aggregate",
        key: prefix, Composite(|x: &Aggregate| x.prefix.value.to_string()),
        at: prefix, refs: [rir, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    asns: Asn => numbering::lower_asn {
        "ASN", "ASNs", "ipam.asn",
        key: asn, Composite(|x: &Asn| x.asn.value.to_string()),
        at: asn(|x: &Asn| format!("AS{}", x.asn.value)), refs: [rir, role, tenant, sites],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    asn_ranges: AsnRange => numbering::lower_asn_range {
        "ASN range", "ASN ranges", "ipam.asnrange",
        key: slug, Global, at: name, refs: [rir, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    ip_ranges: IpRange => numbering::lower_ip_range {
        "IP range", "IP ranges", "ipam.iprange",
        key: start_address, Composite(IpRange::key),
        at: start_address(|x: &IpRange| format!("IP range `{}-{}`", x.start_address.value, x.end_address.value)),
        refs: [vrf, tenant, role],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", mark_populated = false, mark_utilized = false, description = "", comments = ""],
    }
    fhrp_groups: FhrpGroup => numbering::lower_fhrp_group {
        "FHRP group", "FHRP groups", "ipam.fhrpgroup",
        key: group_id, Composite(FhrpGroup::key),
        at: group_id(|x: &FhrpGroup| format!("FHRP group `{}`", x.key())), refs: [],
        tags: tags, custom_fields: custom_fields,
        defaults: [name = "", auth_key = "", description = "", comments = ""],
    }
    fhrp_group_assignments: FhrpGroupAssignment => numbering::lower_fhrp_group_assignment {
        "FHRP group assignment", "FHRP group assignments", "ipam.fhrpgroupassignment",
        key: group, Composite(FhrpGroupAssignment::key),
        at: span(|x: &FhrpGroupAssignment| format!("FHRP group assignment `{}`", x.key())), refs: [group],
        tags: none, custom_fields: none,
    }
    contact_groups: ContactGroup => contacts::lower_contact_group {
        "contact group", "contact groups", "tenancy.contactgroup",
        key: slug, Global, at: name, refs: [parent],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    contact_roles: ContactRole => contacts::lower_contact_role {
        "contact role", "contact roles", "tenancy.contactrole",
        key: slug, Global, at: name, refs: [],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    contacts: Contact => contacts::lower_contact {
        "contact", "contacts", "tenancy.contact",
        key: name, Global, at: name, refs: [groups],
        tags: tags, custom_fields: custom_fields,
        defaults: [title = "", phone = "", address = "", description = "", comments = ""],
    }
    cluster_types: ClusterType => virtualization::lower_cluster_type {
        "cluster type", "cluster types", "virtualization.clustertype",
        key: slug, Global, at: name, refs: [],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    cluster_groups: ClusterGroup => virtualization::lower_cluster_group {
        "cluster group", "cluster groups", "virtualization.clustergroup",
        key: slug, Global, at: name, refs: [],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    clusters: Cluster => virtualization::lower_cluster {
        "cluster", "clusters", "virtualization.cluster",
        key: name, Global, at: name, refs: [cluster_type, group, tenant, site],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", description = "", comments = ""],
    }
    virtual_machines: VirtualMachine => virtualization::lower_virtual_machine {
        "virtual machine", "virtual machines", "virtualization.virtualmachine",
        key: name, Global, at: name, refs: [cluster, site, role, platform, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", serial = "", description = "", comments = ""],
    }
    vm_interfaces: VmInterface => virtualization::lower_vm_interface {
        "VM interface", "VM interfaces", "virtualization.vminterface",
        key: name, Composite(VmInterface::key),
        at: name(|x: &VmInterface| format!("VM interface `{}`", x.key())), refs: [virtual_machine, vrf],
        tags: tags, custom_fields: custom_fields,
        defaults: [enabled = true, description = ""],
    }
    virtual_disks: VirtualDisk => virtualization::lower_virtual_disk {
        "virtual disk", "virtual disks", "virtualization.virtualdisk",
        key: name, Composite(VirtualDisk::key),
        at: name(|x: &VirtualDisk| format!("virtual disk `{}`", x.key())), refs: [virtual_machine],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = ""],
    }
    services: Service => numbering::lower_service {
        "service", "services", "ipam.service",
        key: name, Composite(Service::key),
        at: name(|x: &Service| format!("service `{}`", x.key())), refs: [device, virtual_machine],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    power_panels: PowerPanel => power::lower_power_panel {
        "power panel", "power panels", "dcim.powerpanel",
        key: name, Composite(PowerPanel::key),
        at: name(|x: &PowerPanel| format!("power panel `{}`", x.key())), refs: [site],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    power_feeds: PowerFeed => power::lower_power_feed {
        "power feed", "power feeds", "dcim.powerfeed",
        key: name, Composite(PowerFeed::key),
        at: name(|x: &PowerFeed| format!("power feed `{}`", x.key())), refs: [power_panel, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [
            status = "active", type = "primary", supply = "ac", phase = "single-phase", voltage = 120,
            amperage = 20, max_utilization = 80, mark_connected = false, description = "", comments = "",
        ],
    }
    virtual_chassis: VirtualChassis => power::lower_virtual_chassis {
        "virtual chassis", "virtual chassis stacks", "dcim.virtualchassis",
        key: name, Global, at: name, refs: [master],
        tags: tags, custom_fields: custom_fields,
        defaults: [domain = "", description = "", comments = ""],
    }
    rack_types: RackType => l2::lower_rack_type {
        "rack type", "rack types", "dcim.racktype",
        key: slug, Global, at: model, refs: [manufacturer],
        tags: tags, custom_fields: custom_fields,
        defaults: [
            width = 19, u_height = 42, starting_unit = 1, desc_units = false, description = "", comments = "",
        ],
    }
    rack_reservations: RackReservation => l2::lower_rack_reservation {
        "rack reservation", "rack reservations", "dcim.rackreservation",
        key: rack, Composite(RackReservation::key),
        at: rack(|x: &RackReservation| format!("rack reservation `{}`", x.key())), refs: [tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", comments = ""],
    }
    provider_accounts: ProviderAccount => l2::lower_provider_account {
        "provider account", "provider accounts", "circuits.provideraccount",
        key: account, Composite(|x: &ProviderAccount| format!("{}/{}", x.provider.key.value, x.account.value)),
        at: account, refs: [provider],
        tags: tags, custom_fields: custom_fields,
        defaults: [name = "", description = "", comments = ""],
    }
    provider_networks: ProviderNetwork => l2::lower_provider_network {
        "provider network", "provider networks", "circuits.providernetwork",
        key: name, Composite(|x: &ProviderNetwork| format!("{}/{}", x.provider.key.value, x.name.value)),
        at: name, refs: [provider],
        tags: tags, custom_fields: custom_fields,
        defaults: [service_id = "", description = "", comments = ""],
    }
    l2vpns: L2vpn => l2::lower_l2vpn {
        "L2VPN", "L2VPNs", "vpn.l2vpn",
        key: slug, Global, at: name, refs: [tenant, import_targets, export_targets],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", description = "", comments = ""],
    }
    l2vpn_terminations: L2vpnTermination => l2::lower_l2vpn_termination {
        "L2VPN termination", "L2VPN terminations", "vpn.l2vpntermination",
        key: l2vpn, Composite(L2vpnTermination::key),
        at: span(|x: &L2vpnTermination| format!("L2VPN termination `{}`", x.key())), refs: [l2vpn],
        tags: tags, custom_fields: custom_fields,
    }
    wireless_lan_groups: WirelessLanGroup => l2::lower_wireless_lan_group {
        "wireless LAN group", "wireless LAN groups", "wireless.wirelesslangroup",
        key: slug, Global, at: name, refs: [parent],
        tags: tags, custom_fields: custom_fields,
        defaults: [description = "", comments = ""],
    }
    wireless_lans: WirelessLan => l2::lower_wireless_lan {
        "wireless LAN", "wireless LANs", "wireless.wirelesslan",
        key: ssid, Composite(WirelessLan::key),
        at: ssid, refs: [group, tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "active", description = "", comments = ""],
    }
    wireless_links: WirelessLink => l2::lower_wireless_link {
        "wireless link", "wireless links", "wireless.wirelesslink",
        key: interface_a, Composite(WirelessLink::key),
        at: span(|x: &WirelessLink| format!("wireless link `{}`", x.key())), refs: [tenant],
        tags: tags, custom_fields: custom_fields,
        defaults: [status = "connected", ssid = "", description = "", comments = ""],
    }
    contact_assignments: ContactAssignment => contacts::lower_contact_assignment {
        "contact assignment", "contact assignments", "tenancy.contactassignment",
        key: object, Composite(ContactAssignment::key),
        at: object(|x: &ContactAssignment| format!("contact assignment `{}`", x.key())), refs: [contact, role],
        tags: tags, custom_fields: custom_fields,
    }
}

/// The NetBox object types a custom field may name in `object_types`, sorted.
pub fn object_types() -> &'static [&'static str] {
    static TYPES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<&str> =
            KINDS.iter().chain([&&INTERFACE]).filter(|k| k.is_object_type()).map(|k| k.netbox).collect();
        v.sort_unstable();
        v
    });
    &TYPES
}

/// The registry's entry of a collection (`interfaces` and the other components of
/// devices included).
pub fn kind(collection: &str) -> Option<&'static KindInfo> {
    KINDS.iter().copied().chain([&INTERFACE]).chain(COMPONENT_KINDS.iter()).find(|k| k.collection == collection)
}

#[cfg(test)]
mod tests;
