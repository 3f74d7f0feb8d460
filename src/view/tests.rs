use std::sync::Arc;

use minijinja::value::Value;

use super::objects::ip_value;
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
        for expr in [
            "{{ ip }}",
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
