//! The typed inventory: one struct per NetBox object kind, read from spanned YAML.
//!
//! Entry point: [`lower_file`] turns one parsed data file into an [`Inventory`]
//! fragment; fragments are appended in file order. References are kept as
//! written ([`Ref`]) and filled in by [`crate::resolve`]. Submodules follow
//! NetBox's apps: `tenancy` (and `contacts`), `dcim` (and `power`: power panels,
//! feeds, virtual chassis), `ipam` (and `numbering`: aggregates, ASNs, IP ranges, route
//! targets, services, FHRP groups), `circuits`, `virtualization`, `extras`; `l2` holds rack
//! types and reservations, provider accounts and networks, L2VPNs and wireless.

pub mod choices;
pub mod circuits;
pub mod contacts;
pub mod dcim;
pub mod decode;
pub mod extras;
pub mod ipam;
pub mod kinds;
pub mod l2;
pub mod limit;
#[rustfmt::skip]
pub mod limits;
pub mod editor_schema;
pub mod numbering;
pub mod power;
pub mod slug;
pub mod tenancy;
pub mod virtualization;

use std::fmt;
use std::marker::PhantomData;

use crate::diagnostic::{Code, Diagnostic, Span, did_you_mean};
use crate::yaml::Node;

pub use circuits::*;
pub use contacts::*;
pub use dcim::*;
pub use decode::{Obj, Spanned, Text};
pub use extras::*;
pub use ipam::*;
pub use kinds::*;
pub use l2::*;
pub use numbering::*;
pub use power::*;
pub use tenancy::*;
pub use virtualization::*;

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
    let mut obj = Obj::new(root, "device type", diags)?.with_limits(limit::of(DeviceType::INFO.netbox));
    // A type missing a field it can do without here (`u_height`, `is_full_depth`: reported)
    // is kept, so that its components and the devices of the type are still checked.
    let dt = dcim::lower_device_type(&mut obj);
    obj.finish();
    dt
}

/// Lower one module-type file (devicetype-library `module-types/` format).
pub fn lower_module_type_file(root: &Node, diags: &mut Vec<Diagnostic>) -> Option<ModuleType> {
    if root.value == crate::yaml::Value::Null {
        return None;
    }
    let mut obj = Obj::new(root, "module type", diags)?.with_limits(limit::of(ModuleType::INFO.netbox));
    let mt = dcim::lower_module_type(&mut obj);
    obj.finish();
    mt
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
