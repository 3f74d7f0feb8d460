//! Links of the models beyond the data centre that need more than a key (their keyed
//! references are linked from the registry's `refs`): a power panel's location and a
//! power feed's rack (within the site), an FHRP group assignment's interface, a VM
//! interface's VLANs (at its virtual machine's site), parent and bridge (interfaces of
//! the same virtual machine), a rack reservation's rack (`site/rack`), the VLANs and
//! interfaces of L2VPN terminations, wireless LANs and wireless links, and a contact
//! assignment's object (any kind, by its NetBox object type and natural key).

use crate::hash::HashSet;

use super::index::Index;
use super::link::{in_site, unknown};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::model::*;

pub fn link(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    power(inv, ix, diags);
    for i in 0..inv.fhrp_group_assignments.len() {
        let found = super::devices::find_interface(diags, &inv.fhrp_group_assignments[i].interface, inv, ix);
        inv.fhrp_group_assignments[i].interface.id = found;
    }
    vm_interfaces(inv, ix, diags);
    vm_addresses(inv, ix, diags);
    layer2(inv, ix, diags);
    contact_objects(inv, diags);
}

/// Addresses assigned to VM interfaces (`vm_interface: vm/name`), and virtual machines'
/// primary addresses among them.
fn vm_addresses(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    let mut by_vm: crate::hash::HashMap<Id<VirtualMachine>, Vec<Id<IpAddress>>> = Default::default();
    for (i, ip) in inv.ip_addresses.iter_mut().enumerate() {
        let Some(t) = ip.vm_interface.clone() else { continue };
        match ix.vm_interfaces.get(t.as_str()) {
            Some(&id) => {
                ip.extra_mut().vm_interface_id = Some(id);
                if let Some(vm) = inv.vm_interfaces[id.index()].virtual_machine.id {
                    by_vm.entry(vm).or_default().push(Id::new(i));
                }
            }
            None => diags.push(unknown(t.span, "VM interface", &t.value, ix.vm_interfaces.keys().map(String::as_str))),
        }
    }
    for v in 0..inv.virtual_machines.len() {
        let own = by_vm.get(&Id::new(v)).map_or(&[][..], Vec::as_slice);
        let vm = &inv.virtual_machines[v];
        let mut found = [None, None];
        for (slot, want) in [&vm.primary_ip4, &vm.primary_ip6].into_iter().enumerate() {
            let Some(want) = want else { continue };
            found[slot] = own.iter().copied().find(|id| inv.ip_addresses[id.index()].address.value == want.value);
            if found[slot].is_none() {
                diags.push(
                    Diagnostic::new(
                        Code::UnknownReference,
                        want.span,
                        format!("`{}` is not an address of virtual machine `{}`", want.value, vm.name.value),
                    )
                    .label("a primary address must be one of the machine's own")
                    .help(
                        "assign it to an interface of the machine (`vm_interface: VM/INTERFACE`), with the same mask",
                    ),
                );
            }
        }
        let vm = &mut inv.virtual_machines[v];
        vm.primary_ip4_id = found[0];
        vm.primary_ip6_id = found[1];
    }
}

/// A rack written `site/rack`.
fn site_rack(diags: &mut Vec<Diagnostic>, t: &Text, ix: &Index, inv: &Inventory) -> Option<Id<Rack>> {
    let Some((site, rack)) = t.value.split_once('/') else {
        diags.push(
            Diagnostic::new(Code::UnknownReference, t.span, format!("rack `{}` names no site", t.value))
                .label("not `site/rack`")
                .help(format!("write the rack with its site's slug, e.g. `lon1/{}`", t.value)),
        );
        return None;
    };
    let Some(&s) = ix.sites.get(site) else {
        diags.push(unknown(t.span, "site", site, ix.sites.keys().map(String::as_str)));
        return None;
    };
    let mut r: Ref<Rack> = Ref::new(Spanned::new(rack.into(), t.span));
    in_site(diags, &mut r, Some(s), &ix.racks, "rack", inv);
    r.id
}

/// Rack reservations' racks, L2VPN terminations' VLANs and interfaces, wireless LANs'
/// VLANs and wireless links' interfaces.
fn layer2(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    for i in 0..inv.rack_reservations.len() {
        let id = site_rack(diags, &inv.rack_reservations[i].rack, ix, inv);
        inv.rack_reservations[i].rack_id = id;
    }
    for i in 0..inv.l2vpn_terminations.len() {
        let found = match &inv.l2vpn_terminations[i].interface {
            Some(r) => super::devices::find_interface(diags, r, inv, ix),
            None => None,
        };
        let t = &mut inv.l2vpn_terminations[i];
        if let Some(r) = &mut t.interface {
            r.id = found;
        }
        if let Some(v) = &mut t.vlan {
            super::devices::link_vlan(diags, v, None, ix, None);
        }
    }
    for w in &mut inv.wireless_lans {
        if let Some(v) = &mut w.vlan {
            super::devices::link_vlan(diags, v, None, ix, None);
        }
    }
    for i in 0..inv.wireless_links.len() {
        let a = super::devices::find_interface(diags, &inv.wireless_links[i].interface_a, inv, ix);
        let b = super::devices::find_interface(diags, &inv.wireless_links[i].interface_b, inv, ix);
        let l = &mut inv.wireless_links[i];
        l.interface_a.id = a;
        l.interface_b.id = b;
    }
}

fn power(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    let mut locations: Vec<_> = inv.power_panels.iter_mut().map(|p| (p.site.id, p.location.take())).collect();
    for (site, l) in &mut locations {
        if let Some(l) = l {
            in_site(diags, l, *site, &ix.locations, "location", inv);
        }
    }
    for (p, (_, l)) in inv.power_panels.iter_mut().zip(locations) {
        p.location = l;
    }
    let mut racks: Vec<_> = inv
        .power_feeds
        .iter_mut()
        .map(|f| (f.power_panel.id.and_then(|p| inv.power_panels.get(p.index())?.site.id), f.rack.take()))
        .collect();
    for (site, r) in &mut racks {
        if let Some(r) = r {
            in_site(diags, r, *site, &ix.racks, "rack", inv);
        }
    }
    for (f, (_, r)) in inv.power_feeds.iter_mut().zip(racks) {
        f.rack = r;
    }
}

/// The site a virtual machine is at: its own, else its cluster's.
pub fn vm_site(inv: &Inventory, vm: &VirtualMachine) -> Option<Id<Site>> {
    vm.site.as_ref().and_then(|s| s.id).or_else(|| {
        let c = &inv.clusters[vm.cluster.as_ref()?.id?.index()];
        c.site.as_ref()?.id
    })
}

fn vm_interfaces(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    let sites: Vec<Option<Id<Site>>> = inv
        .vm_interfaces
        .iter()
        .map(|i| i.virtual_machine.id.and_then(|v| vm_site(inv, &inv.virtual_machines[v.index()])))
        .collect();
    let slugs: Vec<Option<String>> =
        sites.iter().map(|s| s.map(|s| inv.sites[s.index()].slug.value.to_string())).collect();
    for ((i, site), slug) in inv.vm_interfaces.iter_mut().zip(sites).zip(slugs) {
        if let Some(v) = &mut i.untagged_vlan {
            super::devices::link_vlan(diags, v, site, ix, slug.as_deref());
        }
        for v in &mut i.tagged_vlans {
            super::devices::link_vlan(diags, v, site, ix, slug.as_deref());
        }
    }
    for i in &inv.vm_interfaces {
        for r in [&i.parent, &i.bridge].into_iter().flatten() {
            let key = format!("{}/{}", i.virtual_machine.key.value, r.value);
            if !ix.vm_interfaces.contains_key(&key) || r.value == i.name.value {
                let names = inv
                    .vm_interfaces
                    .iter()
                    .filter(|x| x.virtual_machine.key.value == i.virtual_machine.key.value && x.name != i.name)
                    .map(|x| x.name.as_str());
                diags.push(
                    Diagnostic::new(
                        Code::UnknownReference,
                        r.span,
                        format!(
                            "virtual machine `{}` has no other interface `{}`",
                            i.virtual_machine.key.value, r.value
                        ),
                    )
                    .label("not another interface of this virtual machine")
                    .help_opt(did_you_mean(&r.value, names)),
                );
            }
        }
    }
}

/// The (object type, natural key) of every object a contact can be assigned to.
struct Objects<'a> {
    inv: &'a Inventory,
    out: HashSet<(&'static str, String)>,
}

impl KindVisitor for Objects<'_> {
    fn visit<K: Kind>(&mut self) {
        if K::INFO.is_network_object() && K::INFO.netbox != ContactAssignment::INFO.netbox {
            self.out.extend(K::all(self.inv).iter().map(|x| (K::INFO.netbox, x.natural_key())));
        }
    }
}

fn contact_objects(inv: &mut Inventory, diags: &mut Vec<Diagnostic>) {
    if inv.contact_assignments.is_empty() {
        return;
    }
    let mut objects = Objects { inv, out: HashSet::default() };
    each_kind(&mut objects);
    for d in &inv.devices {
        objects
            .out
            .extend(d.interfaces.iter().map(|i| (INTERFACE.netbox, format!("{}:{}", d.name.value, i.name.value))));
    }
    let types: Vec<&'static str> = KINDS
        .iter()
        .chain([&&INTERFACE])
        .filter(|k| k.is_network_object() && k.netbox != ContactAssignment::INFO.netbox)
        .map(|k| k.netbox)
        .collect();
    let known = objects.out;
    for a in &mut inv.contact_assignments {
        let t = a.object_type.as_str();
        let Some(&ty) = types.iter().find(|k| **k == t) else {
            diags.push(
                Diagnostic::new(Code::UnknownReference, a.object_type.span, format!("no object type `{t}` exists"))
                    .label("not a NetBox object type sot knows")
                    .help_opt(
                        did_you_mean(t, types.iter().copied())
                            .or_else(|| Some("write it as `app.model`, e.g. `dcim.site`".into())),
                    ),
            );
            continue;
        };
        a.found = known.contains(&(ty, a.object.value.to_string()));
        if !a.found {
            let what = KINDS.iter().chain([&&INTERFACE]).find(|k| k.netbox == ty).map_or("object", |k| k.singular);
            let candidates: Vec<&str> = known.iter().filter(|(m, _)| *m == ty).map(|(_, k)| k.as_str()).collect();
            diags.push(unknown(a.object.span, what, &a.object.value, candidates.into_iter()));
        }
    }
}
