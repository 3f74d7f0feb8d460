use std::sync::Arc;

use minijinja::value::Value;

use super::objects::{DeviceView, ip_value};
use crate::compile::compile;
use crate::model::{Id, IpAddress};
use crate::project::Config;
use crate::source::{FileKind, SourceSet};

fn world(inventory: &str) -> Arc<super::World> {
    let mut s = SourceSet::default();
    s.add("sot.yaml", FileKind::Project, "");
    s.add("inventory/a.yaml", FileKind::Inventory, inventory);
    let comp = compile(&s, Config::default(), Vec::new());
    assert!(comp.diagnostics.is_empty(), "{:#?}", comp.diagnostics);
    comp.world
}

/// An address's lazy view reads exactly as the map of all its fields would, whatever a
/// template does with it.
#[test]
fn an_address_view_reads_as_its_map() {
    let w = world(
        "sites: [{name: L1, slug: l1}]\ndevice_roles: [{name: leaf}]\nmanufacturers: [{name: M}]\n\
         device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true}]\n\
         vrfs: [{name: mgmt}]\ntags: [{name: t1}]\nprefixes: [{prefix: 10.0.0.0/24, vrf: mgmt}, {prefix: '2001:db8::/64'}]\n\
         devices:\n  - name: d1\n    site: l1\n    role: leaf\n    device_type: t\n    interfaces:\n      \
         - {name: e0, type: virtual, ip_addresses: [{address: 10.0.0.1/31, vrf: mgmt, tags: [t1], dns_name: x.example}]}\n\
         ip_addresses: [{address: '2001:db8::1/64', description: spare}]\n",
    );
    let env = crate::jinja::environment(&Default::default());
    for i in 0..w.inventory.ip_addresses.len() {
        let lazy = ip_value(&w, Id::<IpAddress>::new(i));
        let fields: Vec<(Value, Value)> =
            lazy.try_iter().unwrap().map(|k| (k.clone(), lazy.get_item(&k).unwrap())).collect();
        assert_eq!(fields.len(), 12);
        let eager = Value::from_object(fields.into_iter().collect::<indexmap::IndexMap<Value, Value>>());
        // NetBox prints an address object as its address.
        let address = w.inventory.ip_addresses[i].address.value.to_string();
        assert_eq!(env.render_str("{{ ip }}", minijinja::context! { ip => lazy.clone() }).unwrap(), address);
        for expr in [
            "{{ ip|tojson }}",
            "{{ ip|length }}",
            "{{ ip|list }}",
            "{{ ip|items|list }}",
            "{{ ip.address }} {{ ip.address.ip }} {{ ip.vrf }} {{ ip.tags }} {{ ip.device }} {{ ip.interface }}",
            "{{ 'address' in ip }} {{ 'nope' in ip }} {{ ip.nope is defined }} {{ ip.get('family') }}",
            "{{ ip|dictsort }}",
            "{% if ip %}yes{% endif %}",
        ] {
            let render = |v: &Value| env.render_str(expr, minijinja::context! { ip => v.clone() }).unwrap();
            assert_eq!(render(&lazy), render(&eager), "{expr}");
        }
    }
}

/// Devices to which the same contexts apply share one merged context; a device with local
/// context data gets its own, whichever is merged first.
#[test]
fn devices_with_the_same_contexts_share_their_merge_and_local_data_stays_local() {
    let w = world(
        "sites: [{name: L1, slug: l1}, {name: L2, slug: l2}]\ndevice_roles: [{name: leaf}]\nmanufacturers: [{name: M}]\n\
         device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true}]\n\
         config_contexts:\n  - {name: all, weight: 100, data: {ntp: [1.1.1.1], asn: 1}}\n  \
         - {name: l1, weight: 200, sites: [l1], data: {asn: 2}}\n\
         devices:\n  - {name: a, site: l1, role: leaf, device_type: t, local_context_data: {asn: 9}}\n  \
         - {name: b, site: l1, role: leaf, device_type: t}\n  - {name: c, site: l1, role: leaf, device_type: t}\n  \
         - {name: d, site: l2, role: leaf, device_type: t}\n",
    );
    let asn = |d: usize| w.config_context(Id::new(d)).get_attr("asn").unwrap().to_string();
    // `a` is merged first: its local data must not leak into the list it shares with b and c.
    assert_eq!([asn(0), asn(1), asn(2), asn(3)], ["9", "2", "2", "1"]);
    assert_eq!(w.config_context(Id::new(3)).get_attr("ntp").unwrap().to_string(), "['1.1.1.1']");
    assert_eq!(w.config_context(Id::new(1)), w.config_context(Id::new(2)));
}

/// Every field of a device, an interface, an address and a tag reads the same by attribute
/// (`x.name`, which templates use and the views answer from the name alone) and by
/// subscript (`x["name"]`, a value key).
#[test]
fn attributes_and_subscripts_read_the_same() {
    let w = world(
        "sites: [{name: L1, slug: l1}]\ndevice_roles: [{name: leaf}]\nmanufacturers: [{name: M}]\n\
         device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true}]\n\
         tags: [{name: t1}]\nprefixes: [{prefix: 10.0.0.0/24}]\n\
         devices:\n  - name: d1\n    site: l1\n    role: leaf\n    device_type: t\n    tags: [t1]\n    interfaces:\n      \
         - {name: e0, type: virtual, description: up, tags: [t1], ip_addresses: [10.0.0.1/31]}\n",
    );
    let env = crate::jinja::environment(&Default::default());
    let device = Value::from_object(super::objects::DeviceView { world: Arc::clone(&w), id: Id::new(0) });
    // Maps list their keys; an address and a tag are plain objects with known fields.
    let (ip_fields, tag_fields) =
        (&["ip", "netmask", "prefixlen", "network", "cidr"][..], &["name", "slug", "color"][..]);
    let values = [
        ("device", device.clone(), None),
        ("interface", device.get_attr("interfaces").unwrap().get_item(&Value::from(0)).unwrap(), None),
        ("address", ip_value(&w, Id::<IpAddress>::new(0)), None),
        ("ip", ip_value(&w, Id::<IpAddress>::new(0)).get_attr("address").unwrap(), Some(ip_fields)),
        ("tag", device.get_attr("tags").unwrap().get_item(&Value::from(0)).unwrap(), Some(tag_fields)),
    ];
    for (what, v, fields) in values {
        let keys: Vec<String> = match fields {
            Some(f) => f.iter().map(|k| k.to_string()).collect(),
            None => v.try_iter().unwrap().map(|k| k.to_string()).collect(),
        };
        assert!(keys.len() >= 3, "{what}: {keys:?}");
        for k in keys {
            let render = |expr: String| env.render_str(&expr, minijinja::context! { x => v.clone() }).unwrap();
            assert_eq!(render(format!("{{{{ x.{k} }}}}")), render(format!("{{{{ x['{k}'] }}}}")), "{what}.{k}");
        }
        let render = |expr: &str| env.render_str(expr, minijinja::context! { x => v.clone() }).unwrap();
        assert_eq!(render("{{ x.nope is defined }}|{{ x['nope'] is defined }}"), "False|False", "{what}");
    }
}

/// Objects that refer to one another serialise finitely: an interface's device is the
/// device's name, its LAG, parent and peer are their natural keys; they still read as the
/// objects they name.
#[test]
fn references_serialise_as_their_keys_and_read_as_their_objects() {
    let w = world(
        "sites: [{name: L1, slug: l1}]\ndevice_roles: [{name: leaf}]\nmanufacturers: [{name: M}]\n\
         device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true}]\n\
         devices:\n  - name: d1\n    site: l1\n    role: leaf\n    device_type: t\n    interfaces:\n      \
         - {name: ae0, type: lag}\n      - {name: e0, type: 1000base-t, lag: ae0}\n  \
         - name: d2\n    site: l1\n    role: leaf\n    device_type: t\n    interfaces:\n      \
         - {name: e0, type: 1000base-t}\n\
         cables: [{a: {device: d1, interface: e0}, b: {device: d2, interface: e0}}]\n",
    );
    let env = crate::jinja::environment(&Default::default());
    let device = Value::from_object(super::objects::DeviceView { world: Arc::clone(&w), id: Id::new(0) });
    let render = |expr: &str| env.render_str(expr, minijinja::context! { device => device.clone() }).unwrap();
    let json: serde_json::Value = serde_json::from_str(&render("{{ device|tojson }}")).unwrap();
    let e0 = &json["interfaces"][1];
    assert_eq!(e0["device"], "d1");
    assert_eq!(e0["lag"], serde_json::json!({"device": "d1", "name": "ae0"}));
    assert_eq!(e0["link_peer"], serde_json::json!({"device": "d2", "name": "e0"}));
    // They read, render and iterate as before.
    let i = "device.interfaces[1]";
    assert_eq!(
        render(&format!(
            "{{{{ {i}.device }}}} {{{{ {i}.device.site.slug }}}} {{{{ {i}.lag }}}} {{{{ {i}.link_peer.device.name }}}}"
        )),
        "d1 l1 ae0 d2"
    );
    assert_eq!(
        render(&format!("{{{{ {i}.link_peer.link_peer.lag.type }}}} {{{{ {i}.device.interfaces|length }}}}")),
        "lag 2"
    );
    assert_eq!(render(&format!("{{{{ {i}.lag|list }}}}")), "['device', 'name']");
}

/// What a NetBox ConfigTemplate reads of a device renders alike in sot: related managers and
/// their query-set methods, `cf`, `get_config_context()`, every object as its `__str__`,
/// blank text, the device type's airflow, interfaces in NetBox's order, addresses in `inet`
/// order, Python's `None`/`True`; sot's plain style keeps working beside it.
#[test]
fn netbox_template_idioms_render_as_netbox_renders_them() {
    let w = world(
        "sites: [{name: L1, slug: l1}]\ndevice_roles: [{name: Leaf, slug: leaf}]\nmanufacturers: [{name: M}]\n\
         device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true, airflow: front-to-rear}]\n\
         vrfs: [{name: mgmt, rd: '65000:1'}, {name: plain}]\ntags: [{name: pub}, {name: ospf_cost=5, slug: ospf-cost-5}]\n\
         vlans: [{vid: 110, name: web, site: l1}]\nprefixes: [{prefix: 10.0.0.0/24}, {prefix: 172.16.0.0/24, vrf: mgmt}]\n\
         custom_fields: [{name: router_id, type: text, object_types: [dcim.device]}, {name: note, type: text, object_types: [dcim.device]}]\n\
         config_contexts: [{name: c, data: {bgp: {local_as: 65000}}}]\n\
         devices:\n  - name: d1\n    site: l1\n    role: leaf\n    device_type: t\n    custom_fields: {router_id: 10.0.0.9}\n    \
         tags: [pub]\n    interfaces:\n      \
         - {name: Management1, type: 1000base-t, vrf: mgmt, ip_addresses: [{address: 172.16.0.1/24, vrf: mgmt}]}\n      \
         - {name: Loopback0, type: virtual, ip_addresses: [{address: 10.0.0.9/32}, {address: 10.0.0.2/32}]}\n      \
         - {name: Ethernet10, type: 1000base-t, mode: access, untagged_vlan: 110, tags: [pub, ospf-cost-5]}\n      \
         - {name: Ethernet2, type: 1000base-t, enabled: false, vrf: plain}\n      \
         - {name: Ethernet49/1, type: 1000base-t}\n",
    );
    let env = crate::jinja::environment(&Default::default());
    let device = Value::from_object(DeviceView { world: Arc::clone(&w), id: Id::new(0) });
    let render = |expr: &str| {
        env.render_str(expr, minijinja::context! { device => device.clone() })
            .unwrap_or_else(|e| panic!("{expr}: {e:#}"))
    };
    let cases = [
        ("{{ device.interfaces.all() | join(',') }}", "Ethernet49/1,Ethernet2,Ethernet10,Loopback0,Management1"),
        ("{{ device.interfaces | join(',') }}", "Ethernet49/1,Ethernet2,Ethernet10,Loopback0,Management1"),
        (
            "{{ device.interfaces.count() }} {{ device.interfaces.exists() }} {{ device.interfaces | length }}",
            "5 True 5",
        ),
        ("{{ device.interfaces.first() }} {{ device.interfaces.last() }}", "Ethernet49/1 Management1"),
        (
            "{{ device.interfaces.filter(name='Loopback0').first().ip_addresses.all() | join(' ') }}",
            "10.0.0.2/32 10.0.0.9/32",
        ),
        ("{{ device.interfaces.filter(type='1000base-t', enabled=true).count() }}", "3"),
        ("{{ device.interfaces.exclude(vrf=none) | join(',') }}", "Ethernet2,Management1"),
        ("{{ device.interfaces.filter(name__startswith='Eth').count() }}", "3"),
        ("{{ device.interfaces.filter(name__in=['Ethernet2', 'Loopback0']) | join(',') }}", "Ethernet2,Loopback0"),
        ("{{ device.interfaces.filter(tags__name='pub') | join(',') }}", "Ethernet10"),
        ("{{ device.interfaces.filter(untagged_vlan__vid=110).get() }}", "Ethernet10"),
        (
            "{{ device.interfaces.filter(name='nope').first() }} {{ device.interfaces.filter(name='nope').exists() }}",
            "None False",
        ),
        (
            "{% for i in device.interfaces.all() if i.vrf %}{{ i }}={{ i.vrf }};{% endfor %}",
            "Ethernet2=plain;Management1=mgmt (65000:1);",
        ),
        (
            "{% for i in device.interfaces.all() if i.untagged_vlan %}{{ i.untagged_vlan }} {{ i.untagged_vlan.vid }}{% endfor %}",
            "web (110) 110",
        ),
        (
            "{{ 'pub' in device.tags.names() }} {{ device.tags.slugs() | join(',') }} {{ device.tags.filter(name='pub').exists() }}",
            "True pub True",
        ),
        ("{{ 'pub' in device.tags }} {% for t in device.tags.all() %}{{ t.name }}{% endfor %}", "True pub"),
        (
            "{{ device.cf.router_id }} {{ device.cf.note }} {{ device.custom_field_data.router_id }}",
            "10.0.0.9 None 10.0.0.9",
        ),
        ("{{ device.get_config_context().bgp.local_as }} {{ device.config_context.bgp.local_as }}", "65000 65000"),
        (
            "{{ device.site }}|{{ device.role }}|{{ device.device_type }}|{{ device.device_type.manufacturer }}",
            "L1|Leaf|T|M",
        ),
        (
            "{{ device.description }}|{{ device.serial }}|{{ device.comments }}|{{ device.location }}|{{ device.tenant }}",
            "|||None|None",
        ),
        ("{{ device.airflow }}", "front-to-rear"),
        (
            "{{ device.interfaces.get(name='Ethernet2').description }}|{{ device.interfaces.get(name='Ethernet2').mode }}",
            "|None",
        ),
    ];
    for (expr, want) in cases {
        assert_eq!(render(expr), want, "{expr}");
    }
    // Bad calls fail with a message, not a panic.
    for (expr, msg) in [
        ("{{ device.interfaces.get(type='1000base-t') }}", "more than one"),
        ("{{ device.interfaces.get(name='nope') }}", "no object"),
        ("{{ device.interfaces.frobnicate() }}", "frobnicate"),
        ("{{ device.interfaces.count(1) }}", "too many arguments"),
        ("{{ device.tags.names(1) }}", "too many arguments"),
        ("{{ device.reboot() }}", "reboot"),
    ] {
        let err = env.render_str(expr, minijinja::context! { device => device.clone() }).unwrap_err();
        assert!(format!("{err:#}").contains(msg), "{expr}: {err:#}");
    }
}

/// Each device's interfaces are in the order of their own names, whichever device was
/// ordered before it on the thread: the same names written in the same order, in another
/// order, or other names.
#[test]
fn each_device_orders_its_own_interfaces() {
    let dev = |name: &str, ifaces: &[&str]| {
        let list: Vec<String> = ifaces.iter().map(|i| format!("{{name: {i}, type: virtual}}")).collect();
        format!("  - {{name: {name}, site: l1, role: leaf, device_type: t, interfaces: [{}]}}\n", list.join(", "))
    };
    let mut text = String::from(
        "sites: [{name: L1, slug: l1}]\ndevice_roles: [{name: leaf}]\nmanufacturers: [{name: M}]\n\
         device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true}]\ndevices:\n",
    );
    text += &dev("d1", &["e10", "e2", "e1"]);
    text += &dev("d2", &["e10", "e2", "e1"]);
    text += &dev("d3", &["e1", "e10", "e2"]);
    text += &dev("d4", &["e10", "e2", "e3"]);
    text += &dev("d5", &["e10", "e2"]);
    text += &dev("d6", &["e10", "e2", "e1"]);
    let w = world(&text);
    let env = crate::jinja::environment(&Default::default());
    let order: Vec<String> = (0..6)
        .map(|d| {
            let device = Value::from_object(DeviceView { world: Arc::clone(&w), id: Id::new(d) });
            env.render_str("{{ device.interfaces | join(',') }}", minijinja::context! { device }).unwrap()
        })
        .collect();
    assert_eq!(order, ["e1,e2,e10", "e1,e2,e10", "e1,e2,e10", "e2,e3,e10", "e2,e10", "e1,e2,e10"]);
}
