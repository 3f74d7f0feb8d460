//! Devices: interfaces from device types, interface-level references, VLANs,
//! IP address assignment and primary addresses.

use super::index::{Index, VlanScope};
use super::link::{all, ip_flat, opt, unknown};
use crate::diagnostic::{Code, Diagnostic, did_you_mean, each_in_parallel};
use crate::model::*;
use rayon::prelude::*;

pub fn link_devices(inv: &mut Inventory, ix: &mut Index, diags: &mut Vec<Diagnostic>) {
    super::components::install_modules(inv, ix, diags);
    ix.type_interfaces = materialise_interfaces(inv, diags);
    super::components::check_device_types(inv, diags);
    super::components::materialise_components(inv, ix, diags);
    let ix_ro: &Index = ix;
    let sites = &inv.sites;
    // Devices are independent here: link their interfaces in parallel, in device order.
    let per_device: Vec<(Vec<Diagnostic>, Vec<IpAddress>)> = inv
        .devices
        .par_iter_mut()
        .enumerate()
        .map(|(d, dev)| {
            let mut diags = Vec::new();
            let site = dev.site.id;
            let site_slug = site.map(|s| sites[s.index()].slug.as_str());
            let links: Vec<(Option<u32>, Option<u32>)> = dev
                .interfaces
                .iter()
                .map(|i| {
                    (
                        same_device(&mut diags, &i.lag, &dev.interfaces, &dev.name.value, "LAG"),
                        same_device(&mut diags, &i.parent, &dev.interfaces, &dev.name.value, "parent interface"),
                    )
                })
                .collect();
            let device = Id::new(d);
            let mut ips = Vec::new();
            for (i, (iface, (lag, parent))) in dev.interfaces.iter_mut().zip(links).enumerate() {
                iface.lag_id = lag;
                iface.parent_id = parent;
                if let Some(extra) = iface.extra.as_deref_mut() {
                    opt(&mut diags, &mut extra.vrf, &ix_ro.vrfs, "VRF");
                }
                all(&mut diags, &mut iface.tags, &ix_ro.tags, "tag");
                if let Some(v) = &mut iface.untagged_vlan {
                    link_vlan(&mut diags, v, site, ix_ro, site_slug);
                }
                for v in &mut iface.tagged_vlans {
                    link_vlan(&mut diags, v, site, ix_ro, site_slug);
                }
                // Inline addresses join the inventory's address list, assigned to their interface.
                if let Some(extra) = iface.extra.as_deref_mut() {
                    for mut ip in std::mem::take(&mut extra.inline_ips) {
                        ip_flat(&mut diags, &mut ip, ix_ro);
                        ip.assigned = Some(InterfaceId { device, index: i as u32 });
                        ips.push(ip);
                    }
                }
                iface.compact();
            }
            (diags, ips)
        })
        .collect();
    inv.ip_addresses.reserve(per_device.iter().map(|(_, ips)| ips.len()).sum());
    for (mut d, ips) in per_device {
        diags.append(&mut d);
        inv.ip_addresses.extend(ips);
    }
    // Addresses that name their interface (`interface: device:name`), looked up in parallel.
    let (inv_ro, ix_ro): (&Inventory, &Index) = (inv, ix);
    let named: Vec<(usize, Option<InterfaceId>, Vec<Diagnostic>)> = inv_ro
        .ip_addresses
        .par_iter()
        .enumerate()
        .filter_map(|(i, ip)| {
            let r = ip.extra.as_deref()?.interface.as_ref()?;
            let mut d = Vec::new();
            let id = find_interface(&mut d, r, inv_ro, ix_ro);
            Some((i, id, d))
        })
        .collect();
    for (i, id, mut d) in named {
        let ip = &mut inv.ip_addresses[i];
        ip.assigned = id;
        if let Some(r) = ip.extra_mut().interface.as_mut() {
            r.id = id;
        }
        diags.append(&mut d);
    }
    // Each interface lists its addresses in address order: the assignments grouped by
    // device (a stable sort keeps that order), then each device's filled in parallel.
    let mut assigned: Vec<(InterfaceId, Id<IpAddress>)> =
        inv.ip_addresses.iter().enumerate().filter_map(|(i, ip)| Some((ip.assigned?, Id::new(i)))).collect();
    assigned.par_sort_by_key(|(a, _)| a.device.index());
    inv.devices.par_iter_mut().enumerate().for_each(|(d, dev)| {
        let from = assigned.partition_point(|(a, _)| a.device.index() < d);
        let to = assigned.partition_point(|(a, _)| a.device.index() <= d);
        for &(a, ip) in &assigned[from..to] {
            dev.interfaces[a.index as usize].ip_addresses.push(ip);
        }
    });
    // Each device looks through its own interfaces: in parallel, diagnostics in device order.
    let ips = &inv.ip_addresses;
    each_in_parallel(inv.devices.par_iter_mut(), diags, |d, diags| {
        d.primary_ip4_id = primary(diags, d, ips, false);
        d.primary_ip6_id = primary(diags, d, ips, true);
    });
}

/// Give every device its type's interfaces; inline interfaces refine or extend them.
/// Returns each type's interface positions by name.
fn materialise_interfaces(inv: &mut Inventory, diags: &mut Vec<Diagnostic>) -> Vec<crate::hash::HashMap<String, u32>> {
    for dt in &inv.device_types {
        let mut seen: crate::hash::HashMap<(ComponentKind, &str), &Text> = Default::default();
        for c in &dt.components {
            if let Some(first) = seen.get(&(c.kind, c.name.as_str())) {
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateObject,
                        c.name.span,
                        format!(
                            "{} `{}` is defined twice in device type `{}`",
                            c.kind.what(),
                            c.name.value,
                            dt.slug.value
                        ),
                    )
                    .label("second definition")
                    .related(first.span, "first defined here"),
                );
            } else {
                seen.insert((c.kind, c.name.as_str()), &c.name);
            }
        }
        // Front ports name their rear port, inline or through `port-mappings`.
        let rear = |name: &Text, diags: &mut Vec<Diagnostic>| {
            if !seen.contains_key(&(ComponentKind::RearPort, name.as_str())) {
                let rears = dt.components.iter().filter(|c| c.kind == ComponentKind::RearPort).map(|c| c.name.as_str());
                diags.push(
                    Diagnostic::new(
                        Code::UnknownReference,
                        name.span,
                        format!("device type `{}` has no rear port `{}`", dt.slug.value, name.value),
                    )
                    .label("unknown rear port")
                    .help_opt(did_you_mean(&name.value, rears)),
                );
            }
        };
        for c in dt.components.iter().filter(|c| c.kind == ComponentKind::FrontPort) {
            if let Some(r) = &c.fields.rear_port {
                rear(r, diags);
            }
        }
        for m in &dt.port_mappings {
            rear(&m.rear_port, diags);
            if !seen.contains_key(&(ComponentKind::FrontPort, m.front_port.as_str())) {
                diags.push(
                    Diagnostic::new(
                        Code::UnknownReference,
                        m.front_port.span,
                        format!("device type `{}` has no front port `{}`", dt.slug.value, m.front_port.value),
                    )
                    .label("unknown front port"),
                );
            }
        }
    }
    // Each type's interface templates (first of a name) and their positions, built once per type.
    let templates: Vec<(Vec<usize>, crate::hash::HashMap<&str, usize>)> = inv
        .device_types
        .iter()
        .map(|dt| {
            let mut order = Vec::new();
            let mut by_name = crate::hash::HashMap::default();
            for (k, c) in dt.components.iter().enumerate() {
                if c.kind == ComponentKind::Interface && !by_name.contains_key(c.name.as_str()) {
                    by_name.insert(c.name.as_str(), order.len());
                    order.push(k);
                }
            }
            (order, by_name)
        })
        .collect();
    let types = &inv.device_types;
    each_in_parallel(inv.devices.par_iter_mut(), diags, |dev, diags| {
        // Without a known type, interface types cannot be checked against it.
        let Some(dt) = dev.device_type.id else { return };
        let (order, by_name) = &templates[dt.index()];
        let dt = &types[dt.index()];
        let inline = std::mem::take(&mut dev.interfaces);
        // Each inline interface's position among the type's (`None`: the device's own).
        let at: Vec<Option<usize>> = inline.iter().map(|i| by_name.get(i.name.as_str()).copied()).collect();
        for (i, _) in inline.iter().zip(&at).filter(|(i, at)| at.is_none() && i.interface_type.is_none()) {
            diags.push(missing_type(i, &dev.name.value, &dt.slug.value));
        }
        dev.interfaces = materialise(inline, &at, order, dt);
    });
    templates.iter().map(|(_, by_name)| by_name.iter().map(|(&n, &k)| (n.to_string(), k as u32)).collect()).collect()
}

/// A device's interfaces: the type's (`order`: their positions among its components) in
/// its order, each refined by the one written inline under its name (lowering dropped
/// repeated names), then the device's own in the order written. `at`: each inline
/// interface's position in `order`, `None` for the device's own.
///
/// An interface is some 300 bytes and a fleet has hundreds of thousands: when the inline
/// ones follow the type's order (as written inventories do; strictly, so a repeated name
/// could never hold the others back), each is moved once, straight into its place;
/// otherwise through a slot per template interface.
fn materialise(inline: Vec<Interface>, at: &[Option<usize>], order: &[usize], dt: &DeviceType) -> Vec<Interface> {
    let own = at.iter().filter(|a| a.is_none()).count();
    // Exactly as many slots as interfaces.
    let mut ifaces: Vec<Interface> = Vec::with_capacity(order.len() + own);
    let template = |pos: usize| (&dt.components[order[pos]], order[pos] as u32);
    if at.iter().flatten().is_sorted_by(|a, b| a < b) {
        let mut rest = Vec::with_capacity(own);
        let mut next = inline.into_iter().zip(at.iter().copied()).peekable();
        for pos in 0..order.len() {
            while let Some((i, _)) = next.next_if(|(_, a)| a.is_none()) {
                rest.push(i);
            }
            let (c, k) = template(pos);
            match next.next_if(|(_, a)| *a == Some(pos)) {
                Some((mut i, _)) => {
                    i.over_template(c, k);
                    ifaces.push(i);
                }
                None => ifaces.push(Interface::from_template(c, k)),
            }
        }
        // Every template interface is placed: what is left is the device's own.
        rest.extend(next.map(|(i, _)| i));
        ifaces.extend(rest);
    } else {
        let mut refined: Vec<Option<Interface>> = Vec::new();
        refined.resize_with(order.len(), || None);
        let mut rest = Vec::with_capacity(own);
        for (i, a) in inline.into_iter().zip(at) {
            match a {
                Some(pos) => refined[*pos] = Some(i),
                None => rest.push(i),
            }
        }
        ifaces.extend(refined.into_iter().enumerate().map(|(pos, inline)| {
            let (c, k) = template(pos);
            match inline {
                Some(mut i) => {
                    i.over_template(c, k);
                    i
                }
                None => Interface::from_template(c, k),
            }
        }));
        ifaces.extend(rest);
    }
    ifaces
}

fn missing_type(i: &Interface, device: &str, dt: &str) -> Diagnostic {
    let why = format!("device type `{dt}` has no interface `{}`", i.name.value);
    Diagnostic::new(
        Code::MissingField,
        i.name.span,
        format!("interface `{}` of `{device}` is missing the required field `type`", i.name.value),
    )
    .label(why)
    .help("add `type:` (e.g. `virtual`, `lag`, `10gbase-x-sfpp`), or fix the name to match the device type")
}

fn same_device(
    diags: &mut Vec<Diagnostic>,
    r: &Option<Text>,
    ifaces: &[Interface],
    dev: &str,
    what: &str,
) -> Option<u32> {
    let r = r.as_ref()?;
    match ifaces.iter().position(|n| n.name.value == r.value) {
        Some(i) => Some(i as u32),
        None => {
            diags.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    r.span,
                    format!("device `{dev}` has no interface `{}`", r.value),
                )
                .label(format!("the {what} must be an interface of the same device"))
                .help_opt(did_you_mean(&r.value, ifaces.iter().map(|i| i.name.as_str()))),
            );
            None
        }
    }
}

/// Why a device reference found no device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceLookup {
    /// No device has that name.
    Unknown,
    /// `name@site`: a device of that name exists, at another site.
    OtherSite { at: String },
}

impl DeviceLookup {
    /// The diagnostic for a reference written `key` at `span`.
    pub fn diagnostic(&self, span: crate::diagnostic::Span, key: &str, ix: &Index) -> Diagnostic {
        match self {
            DeviceLookup::Unknown => unknown(span, "device", key, ix.devices.keys().map(String::as_str)),
            DeviceLookup::OtherSite { at } => {
                let name = key.rsplit_once('@').map_or(key, |(n, _)| n);
                Diagnostic::new(Code::UnknownReference, span, format!("device `{name}` is not at this site"))
                    .label("no device of this name at the site named after `@`")
                    .help(format!("the device `{name}` is at site `{at}`: write `{name}@{at}`, or `{name}`"))
            }
        }
    }
}

/// The device a reference names: by its name (`lon1-spine1`), or by its name within its
/// site, `name@site` (the site's slug), NetBox's natural key of a device. The one device
/// lookup: interface references (cables, addresses, circuit terminations) and the CLI
/// (`show`, `render`) find devices through it. A device name may itself hold `@`: the
/// whole text is tried as a name first.
pub fn find_device(key: &str, inv: &Inventory, ix: &Index) -> Result<Id<Device>, DeviceLookup> {
    if let Some(&dev) = ix.devices.get(key) {
        return Ok(dev);
    }
    let Some((name, site)) = key.rsplit_once('@') else { return Err(DeviceLookup::Unknown) };
    let Some(&dev) = ix.devices.get(name) else { return Err(DeviceLookup::Unknown) };
    let d = &inv.devices[dev.index()];
    let at = d.site.id.map_or_else(|| d.site.key.value.to_string(), |s| inv.sites[s.index()].slug.value.to_string());
    if at == site || d.site.key.as_str() == site { Ok(dev) } else { Err(DeviceLookup::OtherSite { at }) }
}

/// Link `device:interface`.
pub fn link_interface(diags: &mut Vec<Diagnostic>, r: &mut InterfaceRef, inv: &Inventory, ix: &Index) {
    r.id = find_interface(diags, r, inv, ix);
}

/// The interface `device:interface` names (reported if there is none).
pub fn find_interface(
    diags: &mut Vec<Diagnostic>,
    r: &InterfaceRef,
    inv: &Inventory,
    ix: &Index,
) -> Option<InterfaceId> {
    let dev = match find_device(&r.device.value, inv, ix) {
        Ok(dev) => dev,
        Err(e) => {
            diags.push(e.diagnostic(r.device.span, &r.device.value, ix));
            return None;
        }
    };
    let d = &inv.devices[dev.index()];
    let name = r.interface.as_str();
    // The type's map answers for its interfaces; a name it lacks is looked for in the list.
    let from_type = d.device_type.id.and_then(|t| ix.type_interfaces.get(t.index())?.get(name).copied());
    let at = from_type.filter(|&k| d.interfaces.get(k as usize).is_some_and(|i| i.name.value == name));
    match at.or_else(|| d.interface(name)) {
        Some(i) => return Some(InterfaceId { device: dev, index: i }),
        None => diags.push(
            Diagnostic::new(
                Code::UnknownReference,
                r.interface.span,
                format!("device `{}` has no interface `{}`", r.device.value, r.interface.value),
            )
            .label("unknown interface")
            .related(d.name.span, "the device is declared here")
            .help_opt(did_you_mean(&r.interface.value, d.interfaces.iter().map(|i| i.name.as_str()))),
        ),
    }
    None
}

/// Link a VLAN written as a vid (resolved at `site`: site VLANs, then groups
/// scoped to the site, then global VLANs and unscoped groups) or `{group, vid}`.
pub fn link_vlan(
    diags: &mut Vec<Diagnostic>,
    v: &mut VlanRef,
    site: Option<Id<Site>>,
    ix: &Index,
    site_slug: Option<&str>,
) {
    let vid = v.vid.value;
    if let Some(g) = &v.group {
        let Some(&gid) = ix.vlan_groups.get(g.value.as_str()) else {
            diags.push(unknown(g.span, "VLAN group", &g.value, ix.vlan_groups.keys().map(String::as_str)));
            return;
        };
        v.id = ix.vlans.get(&(VlanScope::Group(gid), vid)).copied();
        if v.id.is_none() {
            diags.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    v.vid.span,
                    format!("VLAN group `{}` has no VLAN {vid}", g.value),
                )
                .label("unknown VLAN"),
            );
        }
        return;
    }
    let in_groups = |groups: &[Id<VlanGroup>]| -> Vec<Id<Vlan>> {
        groups.iter().filter_map(|g| ix.vlans.get(&(VlanScope::Group(*g), vid)).copied()).collect()
    };
    let mut levels: Vec<Vec<Id<Vlan>>> = Vec::with_capacity(3);
    if let Some(s) = site {
        levels.push(ix.vlans.get(&(VlanScope::Site(s), vid)).copied().into_iter().collect());
        levels.push(in_groups(ix.vlan_groups_by_site.get(&s).map_or(&[], Vec::as_slice)));
    }
    let mut global: Vec<Id<Vlan>> = ix.vlans.get(&(VlanScope::Global, vid)).copied().into_iter().collect();
    global.extend(in_groups(&ix.vlan_groups_global));
    levels.push(global);
    for level in levels {
        match level.as_slice() {
            [] => continue,
            [one] => {
                v.id = Some(*one);
                return;
            }
            _ => {
                diags.push(
                    Diagnostic::new(
                        Code::AmbiguousReference,
                        v.span,
                        format!("VLAN {vid} exists in {} groups available here", level.len()),
                    )
                    .label("ambiguous VLAN")
                    .help(format!("write `{{group: SLUG, vid: {vid}}}`")),
                );
                return;
            }
        }
    }
    let at = site_slug.map_or_else(|| "globally".to_string(), |s| format!("at site `{s}`"));
    diags.push(
        Diagnostic::new(Code::UnknownReference, v.span, format!("no VLAN {vid} is available {at}"))
            .label("unknown VLAN")
            .help("define the VLAN at the site, in a VLAN group scoped to the site, or globally; or write `{group: SLUG, vid: N}`"),
    );
}

/// Find the device's own address that `primary_ip4`/`primary_ip6` names.
fn primary(diags: &mut Vec<Diagnostic>, d: &Device, ips: &[IpAddress], v6: bool) -> Option<Id<IpAddress>> {
    let (want, key) =
        if v6 { (d.primary_ip6.as_ref()?, "primary_ip6") } else { (d.primary_ip4.as_ref()?, "primary_ip4") };
    let family_ok = matches!((want.value, v6), (ipnet::IpNet::V4(_), false) | (ipnet::IpNet::V6(_), true));
    if !family_ok {
        diags.push(
            Diagnostic::new(
                Code::InvalidValue,
                want.span,
                format!("`{key}` must be an IPv{} address", if v6 { 6 } else { 4 }),
            )
            .label("wrong address family"),
        );
        return None;
    }
    let own = d.interfaces.iter().flat_map(|i| i.ip_addresses.iter().copied());
    let mut same_host = None;
    for id in own {
        let a = ips[id.index()].address.value;
        if a == want.value {
            return Some(id);
        }
        if a.addr() == want.value.addr() {
            same_host = Some(a);
        }
    }
    let help = match same_host {
        Some(a) => format!("the device has `{a}`: write the mask as assigned"),
        None => "assign the address to one of the device's interfaces first".to_string(),
    };
    diags.push(
        Diagnostic::new(
            Code::UnknownReference,
            want.span,
            format!("`{}` is not an address of device `{}`", want.value, d.name.value),
        )
        .label(format!("{key} must be one of the device's own addresses"))
        .help(help),
    );
    None
}

#[cfg(test)]
mod tests {
    fn check(inventory: &str) -> Vec<(String, String)> {
        let files =
            vec![("sot.yaml".to_string(), Vec::new()), ("inventory/a.yaml".to_string(), inventory.as_bytes().to_vec())];
        let loaded = crate::load::load_files(&files).expect("loads");
        let comp = crate::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
        comp.diagnostics.iter().map(|d| (d.code.as_str().to_string(), d.message.clone())).collect()
    }

    const BASE: &str = "sites: [{name: FRA1}, {name: BER1}]\nmanufacturers: [{name: M}]\n\
        device_types: [{manufacturer: M, model: T, slug: t, u_height: 1, interfaces: [{name: e1, type: 1000base-t}]}]\n\
        device_roles: [{name: R}]\n\
        devices: [{name: core/sw1, site: fra1, role: r, device_type: t}, {name: sw2, site: ber1, role: r, device_type: t}]\n";

    #[test]
    fn a_device_is_found_by_name_or_by_name_at_its_site() {
        let ok = check(&format!("{BASE}cables: [{{a: \"core/sw1@fra1:e1\", b: \"sw2:e1\"}}]\n"));
        assert_eq!(ok, vec![]);
        let wrong = check(&format!("{BASE}cables: [{{a: \"core/sw1@ber1:e1\", b: \"sw2@nowhere:e1\"}}]\n"));
        let messages: Vec<&str> = wrong.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            ["device `core/sw1` is not at this site", "device `sw2` is not at this site"],
            "{wrong:?}"
        );
        assert!(wrong.iter().all(|(c, _)| c == "E0202"));
        let unknown = check(&format!("{BASE}cables: [{{a: \"sw9@fra1:e1\", b: \"sw2:e1\"}}]\n"));
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        assert!(unknown[0].1.contains("no device `sw9@fra1`"), "{unknown:?}");
    }
}
