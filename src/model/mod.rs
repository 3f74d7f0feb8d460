//! The typed inventory: one struct per NetBox object kind, read from spanned YAML.
//!
//! Entry point: [`lower_file`] turns one parsed data file into an [`Inventory`]
//! fragment; fragments are appended in file order. References are kept as
//! written ([`Ref`]) and filled in by [`crate::resolve`]. Submodules follow
//! NetBox's apps: `tenancy`, `dcim`, `ipam`, `circuits`, `extras`.

pub mod choices;
pub mod circuits;
pub mod dcim;
pub mod decode;
pub mod extras;
pub mod ipam;
pub mod schema;
pub mod slug;
pub mod tenancy;

use std::fmt;
use std::marker::PhantomData;

use crate::diagnostic::{Code, Diagnostic, Span, did_you_mean};
use crate::yaml::Node;

pub use circuits::*;
pub use dcim::*;
pub use decode::{Obj, Spanned, Text};
pub use extras::*;
pub use ipam::*;
pub use tenancy::*;

/// Index of an object in its collection of an [`Inventory`].
pub struct Id<T>(u32, PhantomData<fn() -> T>);

impl<T> Id<T> {
    pub fn new(i: usize) -> Self {
        Id(u32::try_from(i).expect("fewer than 2^32 objects"), PhantomData)
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Id<T> {}
impl<T> PartialEq for Id<T> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl<T> Eq for Id<T> {}
impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl<T> Ord for Id<T> {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.cmp(&o.0)
    }
}
impl<T> std::hash::Hash for Id<T> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h)
    }
}
impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A reference as written, and the object it resolved to.
#[derive(Debug, Clone)]
pub struct Ref<T> {
    pub key: Text,
    pub id: Option<Id<T>>,
}

impl<T> Ref<T> {
    pub fn new(key: Text) -> Self {
        Ref { key, id: None }
    }
}

impl<T> serde::Serialize for Ref<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key.value)
    }
}

/// A custom-field value as written: the field name and its YAML value.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CustomValue {
    pub name: Text,
    pub value: Node<'static>,
}

macro_rules! inventory {
    ($( $field:ident : $ty:ty => $lower:path, $what:literal; )*) => {
        /// Every object of an inventory, by collection, in file order.
        #[derive(Debug, Default, Clone)]
        pub struct Inventory {
            $( pub $field: Vec<$ty>, )*
        }

        /// Collection names a data file may hold.
        pub const COLLECTIONS: &[&str] = &[ $( stringify!($field), )* ];

        impl Inventory {
            /// How many objects the inventory holds (interfaces included).
            pub fn object_count(&self) -> usize {
                0 $( + self.$field.len() )* + self.devices.iter().map(|d| d.interfaces.len()).sum::<usize>()
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

            fn lower_collection(&mut self, name: &str, items: &[Node], diags: &mut Vec<Diagnostic>) -> bool {
                match name {
                    $( stringify!($field) => {
                        self.$field.reserve(items.len());
                        for item in items {
                            if let Some(mut obj) = Obj::new(item, $what, diags) {
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
}

inventory! {
    tags: Tag => extras::lower_tag, "tag";
    tenant_groups: TenantGroup => tenancy::lower_tenant_group, "tenant group";
    tenants: Tenant => tenancy::lower_tenant, "tenant";
    regions: Region => dcim::lower_region, "region";
    site_groups: SiteGroup => dcim::lower_site_group, "site group";
    sites: Site => dcim::lower_site, "site";
    locations: Location => dcim::lower_location, "location";
    rack_roles: RackRole => dcim::lower_rack_role, "rack role";
    racks: Rack => dcim::lower_rack, "rack";
    manufacturers: Manufacturer => dcim::lower_manufacturer, "manufacturer";
    device_types: DeviceType => dcim::lower_device_type, "device type";
    device_roles: DeviceRole => dcim::lower_device_role, "device role";
    platforms: Platform => dcim::lower_platform, "platform";
    devices: Device => dcim::lower_device, "device";
    cables: Cable => dcim::lower_cable, "cable";
    vrfs: Vrf => ipam::lower_vrf, "VRF";
    ipam_roles: IpamRole => ipam::lower_ipam_role, "IPAM role";
    prefixes: Prefix => ipam::lower_prefix, "prefix";
    ip_addresses: IpAddress => ipam::lower_ip_address, "IP address";
    vlan_groups: VlanGroup => ipam::lower_vlan_group, "VLAN group";
    vlans: Vlan => ipam::lower_vlan, "VLAN";
    providers: Provider => circuits::lower_provider, "provider";
    circuit_types: CircuitType => circuits::lower_circuit_type, "circuit type";
    circuits: Circuit => circuits::lower_circuit, "circuit";
    config_contexts: ConfigContext => extras::lower_config_context, "config context";
    custom_fields: CustomField => extras::lower_custom_field, "custom field";
    rules: Rule => extras::lower_rule, "rule";
}

/// Lower one parsed data file (a mapping from collection names to lists).
pub fn lower_file(root: &Node, diags: &mut Vec<Diagnostic>) -> Inventory {
    let mut inv = Inventory::default();
    let entries = match &root.value {
        crate::yaml::Value::Null => return inv,
        crate::yaml::Value::Map(e) => e,
        _ => {
            diags.push(
                decode::wrong_type(root, "a mapping from collection names to lists", "data file")
                    .help("a data file looks like `devices:` followed by a list of devices"),
            );
            return inv;
        }
    };
    for (key, value) in entries {
        let name = key.key_text();
        let items: &[Node] = match &value.value {
            crate::yaml::Value::Seq(items) => items,
            crate::yaml::Value::Null => &[],
            _ => {
                if COLLECTIONS.contains(&name) {
                    diags.push(decode::wrong_type(value, "a list", &format!("collection `{name}`")));
                    continue;
                }
                &[]
            }
        };
        if !inv.lower_collection(name, items, diags) {
            diags.push(unknown_collection(key.span, name));
        }
    }
    inv
}

/// Lower one device-type file (devicetype-library format: one device type per file).
pub fn lower_device_type_file(root: &Node, diags: &mut Vec<Diagnostic>) -> Option<DeviceType> {
    if root.value == crate::yaml::Value::Null {
        return None;
    }
    let mut obj = Obj::new(root, "device type", diags)?;
    let dt = dcim::lower_device_type(&mut obj);
    let incomplete = obj.incomplete;
    obj.finish();
    dt.filter(|_| !incomplete)
}

fn unknown_collection(span: Span, name: &str) -> Diagnostic {
    Diagnostic::new(Code::UnknownCollection, span, format!("unknown collection `{name}`"))
        .label("not a collection")
        .help_opt(
            did_you_mean(name, COLLECTIONS.iter().copied())
                .or_else(|| Some(format!("collections are: {}", COLLECTIONS.join(", ")))),
        )
}

/// Common reading helpers shared by the collection modules.
pub(crate) mod read {
    use super::*;

    pub fn opt_ref<T>(o: &mut Obj<'_, '_>, key: &'static str) -> Option<Ref<T>> {
        o.str(key).map(Ref::new)
    }

    pub fn req_ref<T>(o: &mut Obj<'_, '_>, key: &'static str) -> Option<Ref<T>> {
        o.req_str(key).map(Ref::new)
    }

    pub fn refs<T>(o: &mut Obj<'_, '_>, key: &'static str) -> Vec<Ref<T>> {
        o.str_list(key).into_iter().map(Ref::new).collect()
    }

    pub fn tags(o: &mut Obj<'_, '_>) -> Vec<Ref<Tag>> {
        refs(o, "tags")
    }

    pub fn custom_fields(o: &mut Obj<'_, '_>) -> Vec<CustomValue> {
        let Some(n) = o.map("custom_fields") else { return Vec::new() };
        n.as_map()
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| CustomValue { name: Spanned::new(k.key_text().into(), k.span), value: v.to_static() })
            .collect()
    }

    /// `name` and `slug`; a missing slug is derived from the name as NetBox does.
    pub fn name_slug(o: &mut Obj<'_, '_>) -> Option<(Text, Text)> {
        let name = o.req_str("name");
        let slug = o.str("slug");
        let name = name?;
        let slug = super::slug::slug_or_derive(slug, &name, o.diags)?;
        Some((name, slug))
    }
}
