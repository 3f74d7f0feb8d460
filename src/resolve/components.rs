//! Device components other than interfaces: device types' templates checked as NetBox
//! checks them, and every device given its type's components (refined or extended by
//! those written inline), with the references between them linked.

use rayon::prelude::*;

use super::index::Index;
use super::link::all;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, each_in_parallel};
use crate::hash::HashMap;
use crate::model::*;

/// NetBox's refusals of a device type's fields and templates that `lower` cannot see alone:
/// an outlet naming a missing power port, a front port on a position its rear port lacks,
/// a child type taking rack units, two types of one manufacturer and model.
pub fn check_device_types(inv: &Inventory, diags: &mut Vec<Diagnostic>) {
    let mut models: HashMap<(String, String), &Text> = HashMap::default();
    for dt in &inv.device_types {
        if dt.subdevice_role.as_ref().is_some_and(|r| r.value == "child")
            && let Some(u) = dt.u_height.as_ref().filter(|u| u.value != 0.0)
        {
            diags.push(
                Diagnostic::new(
                    Code::ChildDeviceType,
                    u.span,
                    format!("device type `{}` is a child type and cannot take {} rack unit(s)", dt.slug.value, u.value),
                )
                .label("must be 0 for `subdevice_role: child`")
                .help("a child device sits in a parent's device bay: write `u_height: 0`"),
            );
        }
        // NetBox: (manufacturer, model) is unique, as is (manufacturer, slug).
        let key = (dt.manufacturer.key.value.to_lowercase(), dt.model.value.to_lowercase());
        match models.get(&key) {
            Some(first) => diags.push(
                Diagnostic::new(
                    Code::DuplicateObject,
                    dt.model.span,
                    format!(
                        "manufacturer `{}` already has a device type `{}`",
                        dt.manufacturer.key.value, dt.model.value
                    ),
                )
                .label("second device type of this manufacturer and model")
                .related(first.span, "first defined here")
                .help("NetBox keeps one device type per manufacturer and model: remove one, or tell them apart"),
            ),
            None => {
                models.insert(key, &dt.model);
            }
        }
        check_templates(&dt.slug.value, &dt.components, &dt.port_mappings, diags);
    }
}

/// The templates of one device or module type: outlets' power ports and front ports'
/// positions on their rear ports.
pub fn check_templates(owner: &str, components: &[Component], mappings: &[PortMapping], diags: &mut Vec<Diagnostic>) {
    let named = |kind: ComponentKind, name: &str| components.iter().find(|c| c.kind == kind && c.name.value == name);
    let names = |kind: ComponentKind| components.iter().filter(move |c| c.kind == kind).map(|c| c.name.as_str());
    let mut taken: HashMap<(&str, i64), &Text> = HashMap::default();
    for c in components {
        match c.kind {
            ComponentKind::PowerOutlet => {
                if let Some(p) = &c.fields.power_port
                    && named(ComponentKind::PowerPort, &p.value).is_none()
                {
                    diags.push(
                        Diagnostic::new(
                            Code::UnknownReference,
                            p.span,
                            format!("`{owner}` has no power port `{}`", p.value),
                        )
                        .label("unknown power port")
                        .help_opt(did_you_mean(&p.value, names(ComponentKind::PowerPort))),
                    );
                }
            }
            ComponentKind::FrontPort => {
                if let Some(r) = &c.fields.rear_port
                    && let Some(rear) = named(ComponentKind::RearPort, &r.value)
                {
                    let pos = c.fields.rear_port_position.as_ref();
                    position(diags, pos.map_or(1, |p| p.value), pos.map_or(r.span, |p| p.span), rear, &mut taken);
                }
            }
            _ => {}
        }
    }
    for m in mappings {
        if let Some(rear) = named(ComponentKind::RearPort, &m.rear_port.value) {
            let pos = m.rear_port_position.as_ref();
            let span = pos.map_or(m.rear_port.span, |p| p.span);
            position(diags, pos.map_or(1, |p| p.value), span, rear, &mut taken);
        }
    }
}

/// A front port takes position `pos` (written at `span`) of `rear`: it must exist and be free.
fn position<'a>(
    diags: &mut Vec<Diagnostic>,
    pos: i64,
    span: crate::diagnostic::Span,
    rear: &'a Component,
    taken: &mut HashMap<(&'a str, i64), &'a Text>,
) {
    let positions = rear.fields.positions();
    if pos > positions {
        diags.push(
            Diagnostic::new(
                Code::PortPosition,
                span,
                format!("rear port `{}` has {positions} position(s), not {pos}", rear.name.value),
            )
            .label(format!("position {pos} does not exist"))
            .related(rear.fields.positions.as_ref().map_or(rear.name.span, |p| p.span), "its positions are set here")
            .help("map the front port to a position the rear port has, or raise its `positions`"),
        );
    } else if let Some(first) = taken.get(&(rear.name.as_str(), pos)) {
        diags.push(
            Diagnostic::new(
                Code::PortPosition,
                span,
                format!("position {pos} of rear port `{}` is already taken", rear.name.value),
            )
            .label("a second front port on this position")
            .related(first.span, "taken first here"),
        );
    } else {
        taken.insert((rear.name.as_str(), pos), &rear.name);
    }
}

/// Install the modules written on devices' module bays (`module_bays: [{name, module}]`):
/// each adds its module type's components to the device, `{module}` in their names
/// replaced by the bays' positions, before the device's interfaces and components are
/// materialised (an interface or component written under a module's name refines it).
/// A module's own module bays take modules too, to any depth.
pub fn install_modules(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    let (types, modules) = (&inv.device_types, &inv.module_types);
    each_in_parallel(inv.devices.par_iter_mut(), diags, |dev, diags| {
        if !dev.components.iter().any(|p| p.kind == ComponentKind::ModuleBay && p.fields.module.is_some()) {
            return;
        }
        // Bays known so far: name -> positions from the outermost bay in.
        let mut bays: HashMap<String, Vec<String>> = HashMap::default();
        let position = |name: &str, pos: Option<&Text>| pos.map_or(name.to_string(), |p| p.value.to_string());
        if let Some(dt) = dev.device_type.id.map(|t| &types[t.index()]) {
            for c in dt.components.iter().filter(|c| c.kind == ComponentKind::ModuleBay) {
                bays.insert(c.name.value.to_string(), vec![position(&c.name.value, c.fields.position.as_ref())]);
            }
        }
        for p in dev.components.iter().filter(|p| p.kind == ComponentKind::ModuleBay) {
            let pos = position(&p.name.value, p.fields.position.as_ref());
            match bays.get_mut(p.name.as_str()) {
                // A position written on the device replaces the type's.
                Some(chain) if p.fields.position.is_some() => *chain = vec![pos],
                Some(_) => {}
                // A bay of the device's own, unless a module brings it (then it is known later).
                None if p.fields.position.is_some() || p.fields.module.is_none() => {
                    bays.insert(p.name.value.to_string(), vec![pos]);
                }
                None => {}
            }
        }
        let wanted: Vec<usize> = (0..dev.components.len())
            .filter(|&i| {
                dev.components[i].kind == ComponentKind::ModuleBay && dev.components[i].fields.module.is_some()
            })
            .collect();
        let mut done = vec![false; wanted.len()];
        let mut new_ports: Vec<Port> = Vec::new();
        let mut new_ifaces: Vec<Interface> = Vec::new();
        loop {
            let mut progress = false;
            for (w, &i) in wanted.iter().enumerate() {
                let bay = &dev.components[i];
                let Some(chain) = bays.get(bay.name.as_str()).cloned() else { continue };
                if done[w] {
                    continue;
                }
                done[w] = true;
                progress = true;
                let m = bay.fields.module.as_ref().expect("wanted bays hold a module");
                let Some(&mt) = ix.module_types.get(m.as_str()) else {
                    diags.push(super::link::unknown(
                        m.span,
                        "module type",
                        &m.value,
                        ix.module_types.keys().map(String::as_str),
                    ));
                    continue;
                };
                let mt = &modules[mt.index()];
                let chain_refs: Vec<&str> = chain.iter().map(String::as_str).collect();
                for c in &mt.components {
                    let Some(name) = dcim_module_name(&c.name.value, &chain_refs) else {
                        diags.push(
                            Diagnostic::new(
                                Code::ModuleBay,
                                m.span,
                                format!(
                                    "module type `{}` names `{}` with more `{{module}}` than bay `{}` has positions above it ({})",
                                    mt.model.value,
                                    c.name.value,
                                    bay.name.value,
                                    chain.len()
                                ),
                            )
                            .label("installed here")
                            .related(c.name.span, "the name"),
                        );
                        continue;
                    };
                    let name = Text::new(name.as_str().into(), bay.name.span);
                    if c.kind == ComponentKind::Interface {
                        let mut iface = Interface::from_template(c, 0);
                        iface.name = name;
                        iface.template = None;
                        iface.inline = false;
                        new_ifaces.push(iface);
                    } else {
                        if c.kind == ComponentKind::ModuleBay {
                            let pos = c.fields.position.as_ref().and_then(|p| dcim_module_name(&p.value, &chain_refs));
                            let mut nested = chain.clone();
                            nested.push(pos.unwrap_or_else(|| name.value.to_string()));
                            bays.insert(name.value.to_string(), nested);
                        }
                        new_ports.push(Port::from_module(c, name));
                    }
                }
            }
            if !progress {
                break;
            }
        }
        for (w, &i) in wanted.iter().enumerate() {
            if !done[w] {
                let bay = &dev.components[i];
                diags.push(
                    Diagnostic::new(
                        Code::ModuleBay,
                        bay.name.span,
                        format!("device `{}` has no module bay `{}`", dev.name.value, bay.name.value),
                    )
                    .label("unknown module bay")
                    .help_opt(did_you_mean(&bay.name.value, bays.keys().map(String::as_str)))
                    .help("a module sits in a bay of the device type, or in one a module installed before brings"),
                );
            }
        }
        // What the device writes under a module's name refines the module's.
        for mut p in new_ports {
            match dev.components.iter_mut().find(|x| x.kind == p.kind && x.name.value == p.name.value) {
                Some(x) => {
                    x.fields.fill_from_port(&p.fields);
                    if x.component_type.is_none() {
                        x.component_type = p.component_type.take();
                    }
                    x.from_module = true;
                }
                None => dev.components.push(p),
            }
        }
        for i in new_ifaces {
            match dev.interfaces.iter_mut().find(|x| x.name.value == i.name.value) {
                Some(x) => {
                    if x.interface_type.is_none() {
                        x.interface_type = i.interface_type;
                    }
                    x.mgmt_only = x.mgmt_only.or(i.mgmt_only);
                    x.enabled = x.enabled.or(i.enabled);
                }
                None => dev.interfaces.push(i),
            }
        }
    });
}

fn dcim_module_name(template: &str, positions: &[&str]) -> Option<String> {
    crate::model::module_name(template, positions)
}

/// Give every device its type's components, each refined by the one written under its
/// name; then its own. Links front ports to rear ports, outlets to power ports, tags,
/// and device bays to the devices installed in them.
pub fn materialise_components(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    let types = &inv.device_types;
    each_in_parallel(inv.devices.par_iter_mut(), diags, |dev, diags| {
        let inline = std::mem::take(&mut dev.components);
        let mut out: Vec<Port> = Vec::with_capacity(inline.len());
        let dt = dev.device_type.id.map(|t| &types[t.index()]);
        let mut by_name: HashMap<(ComponentKind, String), usize> = HashMap::default();
        for (i, p) in inline.iter().enumerate() {
            by_name.insert((p.kind, p.name.value.to_string()), i);
        }
        let mut slots: Vec<Option<Port>> = inline.into_iter().map(Some).collect();
        for kind in ComponentKind::PORTS {
            if let Some(dt) = dt {
                for (k, c) in dt.components.iter().enumerate().filter(|(_, c)| c.kind == kind) {
                    let written = if by_name.is_empty() {
                        None
                    } else {
                        by_name.get(&(kind, c.name.value.to_string())).and_then(|&i| slots[i].take())
                    };
                    out.push(match written {
                        Some(mut p) => {
                            p.fill_from_template(c, k as u32);
                            p
                        }
                        None => Port::from_template(c, k as u32),
                    });
                }
            }
            for p in slots.iter_mut().filter(|p| p.as_ref().is_some_and(|p| p.kind == kind)) {
                out.extend(p.take());
            }
        }
        // Links within the device; checked where written inline (a template's are checked
        // once, on its type).
        let links: Vec<Option<u32>> = out
            .iter()
            .map(|p| {
                let (kind, r) = match p.kind {
                    ComponentKind::FrontPort => (ComponentKind::RearPort, p.fields.rear_port.as_ref()),
                    ComponentKind::PowerOutlet => (ComponentKind::PowerPort, p.fields.power_port.as_ref()),
                    _ => return None,
                };
                let r = r?;
                let at = out.iter().position(|x| x.kind == kind && x.name.value == r.value).map(|i| i as u32);
                if at.is_none() && p.inline {
                    let names = out.iter().filter(|x| x.kind == kind).map(|x| x.name.as_str());
                    diags.push(
                        Diagnostic::new(
                            Code::UnknownReference,
                            r.span,
                            format!("device `{}` has no {} `{}`", dev.name.value, kind.info().singular, r.value),
                        )
                        .label(format!("unknown {}", kind.info().singular))
                        .help_opt(did_you_mean(&r.value, names)),
                    );
                }
                at
            })
            .collect();
        for (p, l) in out.iter_mut().zip(links) {
            p.link = l;
        }
        // A front port written inline on a position its rear port lacks.
        for p in out.iter().filter(|p| p.inline && p.kind == ComponentKind::FrontPort) {
            if let (Some(rear), Some(pos)) = (p.link.map(|l| &out[l as usize]), &p.fields.rear_port_position)
                && pos.value > rear.fields.positions()
            {
                diags.push(
                    Diagnostic::new(
                        Code::PortPosition,
                        pos.span,
                        format!(
                            "rear port `{}` has {} position(s), not {}",
                            rear.name.value,
                            rear.fields.positions(),
                            pos.value
                        ),
                    )
                    .label(format!("position {} does not exist", pos.value)),
                );
            }
        }
        for p in &mut out {
            all(diags, &mut p.tags, &ix.tags, "tag");
        }
        dev.components = out;
    });
    device_bays(inv, ix, diags);
}

/// Each device bay's installed device: known, of a child type, in one bay only, and the
/// bay's device of a parent type.
fn device_bays(inv: &Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    let role = |d: &Device| {
        d.device_type.id.and_then(|t| inv.device_types[t.index()].subdevice_role.as_ref()).map(|r| r.as_str())
    };
    let mut placed: HashMap<Id<Device>, &Text> = HashMap::default();
    for d in &inv.devices {
        for (_, bay) in d.components_of(ComponentKind::DeviceBay) {
            let Some(child) = &bay.fields.installed_device else { continue };
            let Some(&cid) = ix.devices.get(child.as_str()) else {
                diags.push(super::link::unknown(
                    child.span,
                    "device",
                    &child.value,
                    ix.devices.keys().map(String::as_str),
                ));
                continue;
            };
            let c = &inv.devices[cid.index()];
            let problem = if role(d) != Some("parent") {
                Some(format!("device `{}` is not of a parent device type", d.name.value))
            } else if role(c) != Some("child") {
                Some(format!("device `{}` is not of a child device type", c.name.value))
            } else if c.name.value == d.name.value {
                Some(format!("device `{}` cannot sit in its own bay", c.name.value))
            } else {
                None
            };
            if let Some(problem) = problem {
                diags.push(
                    Diagnostic::new(Code::ChildDeviceType, child.span, problem)
                        .label(format!("installed in device bay `{}`", bay.name.value))
                        .help("a device bay holds a device whose type has `subdevice_role: child`, in a device whose type has `subdevice_role: parent`"),
                );
                continue;
            }
            if let Some(first) = placed.get(&cid) {
                diags.push(
                    Diagnostic::new(
                        Code::ChildDeviceType,
                        child.span,
                        format!("device `{}` is already installed in another bay", c.name.value),
                    )
                    .label("installed a second time")
                    .related(first.span, "installed first here"),
                );
                continue;
            }
            placed.insert(cid, child);
        }
    }
}

/// What a cable end was found to be.
enum Found {
    Interface(Option<InterfaceId>),
    Port(Option<PortId>, Option<ComponentKind>),
    Circuit,
}

/// Link every cable end: an interface, another component of a device, or a circuit
/// termination. `device:name` names an interface; failing that, the cablable component
/// of that name (a front port before a rear port of the same name, as a patch panel's
/// numbered ports are written). Each end is looked up with the inventory borrowed, then
/// its id written (no copy of the end).
pub fn link_cable_ends(inv: &mut Inventory, ix: &Index, diags: &mut Vec<Diagnostic>) {
    for c in 0..inv.cables.len() {
        let cable = &inv.cables[c];
        let found: Vec<Found> = cable.all_ends().map(|(_, e)| find_end(diags, e, inv, ix)).collect();
        for (e, f) in inv.cables[c].all_ends_mut().zip(found) {
            match (f, &mut *e) {
                (Found::Interface(id), CableEnd::Interface(r)) => r.id = id,
                (Found::Port(id, kind), CableEnd::Interface(r)) => {
                    let p = PortRef { device: r.device.clone(), name: r.interface.clone(), kind, span: r.span, id };
                    *e = CableEnd::Port(p);
                }
                (Found::Port(id, kind), CableEnd::Port(p)) => {
                    p.id = id;
                    p.kind = kind.or(p.kind);
                }
                (Found::Circuit, CableEnd::Circuit { circuit, provider, span, id, .. }) => {
                    *id = super::link::link_circuit(diags, circuit, provider.as_ref(), *span, ix);
                }
                _ => {}
            }
        }
    }
}

fn find_end(diags: &mut Vec<Diagnostic>, e: &CableEnd, inv: &Inventory, ix: &Index) -> Found {
    let (device, name, kind) = match e {
        CableEnd::Circuit { .. } => return Found::Circuit,
        CableEnd::Port(p) => (&p.device, &p.name, p.kind),
        CableEnd::Interface(r) => {
            // An interface first, as before components could be cabled; what its lookup
            // reports stands only if no other component has the name either.
            let mut not_found = Vec::new();
            let found = super::devices::find_interface(&mut not_found, r, inv, ix);
            let dev = super::devices::find_device(&r.device.value, inv, ix).ok();
            let (Some(dev), None) = (dev, found) else {
                diags.append(&mut not_found);
                return Found::Interface(found);
            };
            let d = &inv.devices[dev.index()];
            let named: Vec<(u32, &Port)> = d
                .components
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind.cablable() && p.name.value == r.interface.value)
                .map(|(i, p)| (i as u32, p))
                .collect();
            let front = named.iter().find(|(_, p)| p.kind == ComponentKind::FrontPort);
            return match (named.as_slice(), front) {
                ([], _) => {
                    diags.append(&mut not_found);
                    Found::Interface(None)
                }
                ([(i, p)], _) => Found::Port(Some(PortId { device: dev, index: *i }), Some(p.kind)),
                (_, Some((i, _)))
                    if named.len() == 2 && named.iter().any(|(_, p)| p.kind == ComponentKind::RearPort) =>
                {
                    Found::Port(Some(PortId { device: dev, index: *i }), Some(ComponentKind::FrontPort))
                }
                _ => {
                    let kinds: Vec<&str> = named.iter().map(|(_, p)| p.kind.info().singular).collect();
                    diags.push(
                        Diagnostic::new(
                            Code::AmbiguousReference,
                            r.interface.span,
                            format!(
                                "device `{}` has several ports named `{}` ({})",
                                r.device.value,
                                r.interface.value,
                                kinds.join(", ")
                            ),
                        )
                        .label("which one?")
                        .help("name the kind: `{device: D, console_port: N}` (or `power_port`, `front_port`...)"),
                    );
                    Found::Port(None, None)
                }
            };
        }
    };
    let dev = match super::devices::find_device(&device.value, inv, ix) {
        Ok(dev) => dev,
        Err(e) => {
            diags.push(e.diagnostic(device.span, &device.value, ix));
            return Found::Port(None, kind);
        }
    };
    let d = &inv.devices[dev.index()];
    let kind = kind.unwrap_or(ComponentKind::FrontPort);
    match d.component(kind, &name.value) {
        Some(i) => Found::Port(Some(PortId { device: dev, index: i }), Some(kind)),
        None => {
            let what = kind.info().singular;
            diags.push(
                Diagnostic::new(
                    Code::UnknownReference,
                    name.span,
                    format!("device `{}` has no {what} `{}`", device.value, name.value),
                )
                .label(format!("unknown {what}"))
                .related(d.name.span, "the device is declared here")
                .help_opt(did_you_mean(&name.value, d.components_of(kind).map(|(_, p)| p.name.as_str()))),
            );
            Found::Port(None, Some(kind))
        }
    }
}
