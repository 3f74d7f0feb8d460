//! The NetBox models `sot` writes, in dependency order, with their REST
//! endpoints and how an object of each is named (its natural key).

use std::sync::LazyLock;

use serde_json::Value;

use crate::model::{KindInfo, Scope};

/// How `sot` marks the objects it manages in a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// The `sot-managed` tag.
    Tag,
    /// The `sot` owner (models whose `tags` mean something else, or that have none).
    Owner,
    /// Owned through the parent: a component template of a managed device type.
    Parent,
    /// Never pruned (tags: other objects may use them).
    None,
}

macro_rules! models {
    ($( $variant:ident => $name:literal, $endpoint:literal, $marker:ident; )*) => {
        /// A NetBox model, in the order objects must be created.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Model {
            $( $variant, )*
            /// A model only the registry of kinds declares (see [`declared`]), by its
            /// position there.
            Declared(u8),
        }

        impl Model {
            /// The models listed here, in dependency order (parents first).
            const LISTED: &'static [Model] = &[ $( Model::$variant, )* ];

            /// `app_label.model`, as NetBox names object types.
            pub fn name(self) -> &'static str {
                match self {
                    $( Model::$variant => $name, )*
                    Model::Declared(i) => declared()[i as usize].0.netbox,
                }
            }

            /// The list endpoint below `/api/`, with a trailing slash.
            pub fn endpoint(self) -> &'static str {
                match self {
                    $( Model::$variant => $endpoint, )*
                    Model::Declared(i) => &declared()[i as usize].1,
                }
            }

            pub fn marker(self) -> Marker {
                match self {
                    $( Model::$variant => Marker::$marker, )*
                    // A declared model without tags (FHRP group assignments) is never pruned.
                    Model::Declared(i) if !declared()[i as usize].0.tags => Marker::None,
                    Model::Declared(_) => Marker::Tag,
                }
            }
        }
    };
}

models! {
    Tag => "extras.tag", "extras/tags/", None;
    ChoiceSet => "extras.customfieldchoiceset", "extras/custom-field-choice-sets/", Owner;
    CustomField => "extras.customfield", "extras/custom-fields/", Owner;
    TenantGroup => "tenancy.tenantgroup", "tenancy/tenant-groups/", Tag;
    Tenant => "tenancy.tenant", "tenancy/tenants/", Tag;
    Region => "dcim.region", "dcim/regions/", Tag;
    SiteGroup => "dcim.sitegroup", "dcim/site-groups/", Tag;
    Site => "dcim.site", "dcim/sites/", Tag;
    Location => "dcim.location", "dcim/locations/", Tag;
    RackRole => "dcim.rackrole", "dcim/rack-roles/", Tag;
    Rack => "dcim.rack", "dcim/racks/", Tag;
    Manufacturer => "dcim.manufacturer", "dcim/manufacturers/", Tag;
    DeviceType => "dcim.devicetype", "dcim/device-types/", Tag;
    InterfaceTemplate => "dcim.interfacetemplate", "dcim/interface-templates/", Parent;
    ConsolePortTemplate => "dcim.consoleporttemplate", "dcim/console-port-templates/", Parent;
    ConsoleServerPortTemplate => "dcim.consoleserverporttemplate", "dcim/console-server-port-templates/", Parent;
    PowerPortTemplate => "dcim.powerporttemplate", "dcim/power-port-templates/", Parent;
    PowerOutletTemplate => "dcim.poweroutlettemplate", "dcim/power-outlet-templates/", Parent;
    RearPortTemplate => "dcim.rearporttemplate", "dcim/rear-port-templates/", Parent;
    FrontPortTemplate => "dcim.frontporttemplate", "dcim/front-port-templates/", Parent;
    ModuleType => "dcim.moduletype", "dcim/module-types/", Tag;
    DeviceRole => "dcim.devicerole", "dcim/device-roles/", Tag;
    Platform => "dcim.platform", "dcim/platforms/", Tag;
    Vrf => "ipam.vrf", "ipam/vrfs/", Tag;
    IpamRole => "ipam.role", "ipam/roles/", Tag;
    VlanGroup => "ipam.vlangroup", "ipam/vlan-groups/", Tag;
    Vlan => "ipam.vlan", "ipam/vlans/", Tag;
    Prefix => "ipam.prefix", "ipam/prefixes/", Tag;
    Device => "dcim.device", "dcim/devices/", Tag;
    Interface => "dcim.interface", "dcim/interfaces/", Tag;
    ConsolePort => "dcim.consoleport", "dcim/console-ports/", Tag;
    ConsoleServerPort => "dcim.consoleserverport", "dcim/console-server-ports/", Tag;
    PowerPort => "dcim.powerport", "dcim/power-ports/", Tag;
    PowerOutlet => "dcim.poweroutlet", "dcim/power-outlets/", Tag;
    RearPort => "dcim.rearport", "dcim/rear-ports/", Tag;
    FrontPort => "dcim.frontport", "dcim/front-ports/", Tag;
    ModuleBay => "dcim.modulebay", "dcim/module-bays/", Tag;
    DeviceBay => "dcim.devicebay", "dcim/device-bays/", Tag;
    InventoryItem => "dcim.inventoryitem", "dcim/inventory-items/", Tag;
    Module => "dcim.module", "dcim/modules/", Tag;
    Provider => "circuits.provider", "circuits/providers/", Tag;
    CircuitType => "circuits.circuittype", "circuits/circuit-types/", Tag;
    Circuit => "circuits.circuit", "circuits/circuits/", Tag;
    CircuitTermination => "circuits.circuittermination", "circuits/circuit-terminations/", Tag;
    Cable => "dcim.cable", "dcim/cables/", Tag;
    IpAddress => "ipam.ipaddress", "ipam/ip-addresses/", Tag;
    ConfigContext => "extras.configcontext", "extras/config-contexts/", Owner;
    MacAddress => "dcim.macaddress", "dcim/mac-addresses/", Tag;
    ConfigTemplate => "extras.configtemplate", "extras/config-templates/", Tag;
}

/// The kinds of the registry (`model::kinds`) whose NetBox model is not listed above,
/// with their endpoints (`ipam.rir` from collection `rirs`: `ipam/rirs/`). Their objects
/// are created after those of every listed model, in registry order, so a declared kind
/// may refer to listed kinds and to declared kinds before it. Their records, keys and
/// payloads come from the registry too (`bundle::Declared`, [`key_of_existing`]).
pub fn declared() -> &'static [(&'static KindInfo, String)] {
    static DECLARED: LazyLock<Vec<(&'static KindInfo, String)>> = LazyLock::new(|| {
        crate::model::KINDS
            .iter()
            .copied()
            .filter(|k| !k.netbox.starts_with("sot.") && !Model::LISTED.iter().any(|m| m.name() == k.netbox))
            .map(|k| {
                let app = k.netbox.split('.').next().unwrap_or_default();
                let endpoint = super::declared::endpoint(k).map(str::to_string);
                (k, endpoint.unwrap_or_else(|| format!("{app}/{}/", k.collection.replace('_', "-"))))
            })
            .collect()
    });
    &DECLARED
}

impl Model {
    /// Every model, in dependency order (parents first): those listed here, then those
    /// only the registry declares.
    pub fn all() -> &'static [Model] {
        static ALL: LazyLock<Vec<Model>> = LazyLock::new(|| {
            let declared =
                (0..declared().len()).map(|i| Model::Declared(u8::try_from(i).expect("fewer than 256 kinds")));
            Model::LISTED.iter().copied().chain(declared).collect()
        });
        &ALL
    }

    /// The model of a NetBox object type name (`dcim.interface`).
    pub fn from_name(name: &str) -> Option<Model> {
        Model::all().iter().copied().find(|m| m.name() == name)
    }

    /// Whether the registry alone declares it (its records are built generically).
    pub fn is_declared(self) -> bool {
        matches!(self, Model::Declared(_))
    }

    /// The device type a component template belongs to, for [`Marker::Parent`] models.
    pub fn is_template(self) -> bool {
        self.marker() == Marker::Parent
    }
}

/// Looks up the natural key of an already-known object by model and id.
pub trait KeyOf {
    fn key_of(&self, model: Model, id: u64) -> Option<&str>;
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k)?.as_str()
}

fn nested_id(v: &Value, k: &str) -> Option<u64> {
    v.get(k)?.get("id")?.as_u64()
}

fn vrf_part(obj: &Value, keys: &dyn KeyOf) -> Option<String> {
    match nested_id(obj, "vrf") {
        Some(id) => keys.key_of(Model::Vrf, id).map(str::to_string),
        None => Some("global".to_string()),
    }
}

/// The natural key of an object as NetBox returns it, in the same form as the
/// keys the bundle gives its records. `None` for objects `sot` cannot name.
pub fn key_of_existing(model: Model, obj: &Value, keys: &dyn KeyOf) -> Option<String> {
    use Model::*;
    let parent = |field: &str, m: Model| nested_id(obj, field).and_then(|id| keys.key_of(m, id));
    Some(match model {
        Tag | TenantGroup | Tenant | Region | SiteGroup | Site | RackRole | Manufacturer | DeviceType | DeviceRole
        | Platform | IpamRole | VlanGroup | Provider | CircuitType => s(obj, "slug")?.to_string(),
        ChoiceSet | CustomField | ConfigContext | Vrf | ConfigTemplate => s(obj, "name")?.to_string(),
        ModuleType => s(obj, "model")?.to_string(),
        Module => parent("module_bay", ModuleBay)?.to_string(),
        Location => format!("{}/{}", parent("site", Site)?, s(obj, "slug")?),
        Rack => format!("{}/{}", parent("site", Site)?, s(obj, "name")?),
        InterfaceTemplate
        | ConsolePortTemplate
        | ConsoleServerPortTemplate
        | PowerPortTemplate
        | PowerOutletTemplate
        | RearPortTemplate
        | FrontPortTemplate => {
            format!("{}:{}", parent("device_type", DeviceType)?, s(obj, "name")?)
        }
        Device => s(obj, "name")?.to_string(),
        Interface | ConsolePort | ConsoleServerPort | PowerPort | PowerOutlet | RearPort | FrontPort | ModuleBay
        | DeviceBay | InventoryItem => format!("{}:{}", parent("device", Device)?, s(obj, "name")?),
        Vlan => {
            let vid = obj.get("vid")?.as_u64()?;
            match (nested_id(obj, "group"), nested_id(obj, "site")) {
                (Some(g), _) => format!("group {}/{vid}", keys.key_of(VlanGroup, g)?),
                (None, Some(site)) => format!("site {}/{vid}", keys.key_of(Site, site)?),
                (None, None) => format!("global/{vid}"),
            }
        }
        Prefix => format!("{}/{}", vrf_part(obj, keys)?, s(obj, "prefix")?),
        IpAddress => format!("{}/{}", vrf_part(obj, keys)?, s(obj, "address")?),
        Circuit => format!("{}/{}", parent("provider", Provider)?, s(obj, "cid")?),
        CircuitTermination => {
            let side = obj.get("term_side").and_then(|v| v.as_str().or_else(|| v.get("value")?.as_str()))?;
            format!("{}/{side}", parent("circuit", Circuit)?)
        }
        // Named by the interface it is assigned to (an interface has one MAC in the inventory).
        MacAddress => {
            if obj.get("assigned_object_type")?.as_str()? != "dcim.interface" {
                return None;
            }
            keys.key_of(Interface, obj.get("assigned_object_id")?.as_u64()?)?.to_string()
        }
        Declared(i) => {
            let kind = declared()[i as usize].0;
            if kind.scope != Scope::Global {
                return super::declared::key_of_existing(kind, obj, keys);
            }
            s(obj, kind.key)?.to_string()
        }
        Cable => {
            let end = |field: &str| -> Option<String> {
                let mut parts: Vec<String> = Vec::new();
                for t in obj.get(field)?.as_array()? {
                    let m = Model::from_name(t.get("object_type")?.as_str()?)?;
                    let id = t.get("object_id")?.as_u64()?;
                    parts.push(cable_end_key(m, keys.key_of(m, id)?));
                }
                parts.sort();
                Some(parts.join(","))
            };
            cable_key(&end("a_terminations")?, &end("b_terminations")?)
        }
    })
}

/// How a cable end is named in a cable's key.
pub fn cable_end_key(model: Model, key: &str) -> String {
    match model {
        Model::CircuitTermination => format!("circuit {key}"),
        _ => key.to_string(),
    }
}

/// A cable's key: its two ends, in sorted order (a cable has no other name).
pub fn cable_key(a: &str, b: &str) -> String {
    if a <= b { format!("{a} <> {b}") } else { format!("{b} <> {a}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Keys;
    impl KeyOf for Keys {
        fn key_of(&self, model: Model, id: u64) -> Option<&str> {
            match (model, id) {
                (Model::Device, 7) => Some("r1"),
                (Model::Interface, 70) => Some("r1:eth0"),
                (Model::Interface, 80) => Some("r2:eth0"),
                (Model::Site, 1) => Some("lon1"),
                (Model::Vrf, 3) => Some("mgmt"),
                _ => None,
            }
        }
    }

    #[test]
    fn netbox_objects_get_the_keys_the_bundle_gives_its_records() {
        let iface = json!({"id": 70, "name": "eth0", "device": {"id": 7, "name": "r1"}});
        assert_eq!(key_of_existing(Model::Interface, &iface, &Keys).as_deref(), Some("r1:eth0"));
        let ip = json!({"id": 1, "address": "10.0.0.1/24", "vrf": {"id": 3, "name": "mgmt"}});
        assert_eq!(key_of_existing(Model::IpAddress, &ip, &Keys).as_deref(), Some("mgmt/10.0.0.1/24"));
        let ip = json!({"id": 2, "address": "10.0.0.1/24", "vrf": null});
        assert_eq!(key_of_existing(Model::IpAddress, &ip, &Keys).as_deref(), Some("global/10.0.0.1/24"));
        let vlan = json!({"id": 5, "vid": 10, "group": null, "site": {"id": 1}});
        assert_eq!(key_of_existing(Model::Vlan, &vlan, &Keys).as_deref(), Some("site lon1/10"));
        // A cable is named by its ends, whichever NetBox calls A.
        let cable = |a: u64, b: u64| {
            json!({"id": 9,
                   "a_terminations": [{"object_type": "dcim.interface", "object_id": a}],
                   "b_terminations": [{"object_type": "dcim.interface", "object_id": b}]})
        };
        let k1 = key_of_existing(Model::Cable, &cable(70, 80), &Keys);
        assert_eq!(k1.as_deref(), Some("r1:eth0 <> r2:eth0"));
        assert_eq!(key_of_existing(Model::Cable, &cable(80, 70), &Keys), k1);
        // An interface of a device sot does not know cannot be named.
        let other = json!({"id": 71, "name": "eth0", "device": {"id": 99}});
        assert_eq!(key_of_existing(Model::Interface, &other, &Keys), None);
    }

    #[test]
    fn models_only_the_registry_declares_follow_the_listed_ones() {
        let rir = Model::from_name("ipam.rir").expect("the registry declares ipam.rir");
        assert!(rir.is_declared());
        assert_eq!(rir.endpoint(), "ipam/rirs/");
        assert_eq!(rir.marker(), Marker::Tag);
        // Created after every listed model: the bundle's file numbers of those stay.
        assert!(Model::all().iter().all(|m| m.is_declared() || *m < rir));
        let ripe = json!({"id": 4, "name": "RIPE NCC", "slug": "ripe"});
        assert_eq!(key_of_existing(rir, &ripe, &Keys).as_deref(), Some("ripe"));
        assert_eq!(key_of_existing(rir, &json!({"id": 5}), &Keys), None);
    }

    #[test]
    fn models_are_listed_parents_first() {
        let at = |m: Model| Model::all().iter().position(|x| *x == m).expect("listed");
        assert!(at(Model::CustomField) < at(Model::Site));
        assert!(at(Model::Vlan) < at(Model::Interface));
        assert!(at(Model::Interface) < at(Model::Cable));
        assert!(at(Model::CircuitTermination) < at(Model::Cable));
        assert!(at(Model::Interface) < at(Model::IpAddress));
        assert!(at(Model::RearPortTemplate) < at(Model::FrontPortTemplate));
        assert!(at(Model::PowerPortTemplate) < at(Model::PowerOutletTemplate));
        for m in Model::all() {
            assert_eq!(Model::from_name(m.name()), Some(*m));
            assert!(m.endpoint().ends_with('/'));
        }
    }
}
