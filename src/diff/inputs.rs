//! Digests of what each device's configuration is rendered from, so that `sot diff`
//! renders only devices whose inputs differ between the two sides.
//!
//! A template sees its device through lazy views (`view/`): the device's fields, the
//! shared objects it references (site, its region and their parents, tenant, rack, role,
//! platform, device type, tags, custom-field definitions), its merged config context,
//! its interfaces with their VLANs, VRF, addresses, cable and far end. The far end is a
//! view of another device, and from there a template can walk on: so a device's
//! rendering may read every device connected to it by cables, transitively. A device's
//! digest therefore covers its whole connected component (for a leaf-spine fleet, its
//! fabric), encoded canonically so that it does not depend on positions in the
//! inventory; with its template file and every template that one can load
//! ([`crate::template::deps`]), and the render options. A template that can read
//! beyond its device (`inventory`, `debug()`, `pprint`) adds a digest of the whole
//! inventory. Equal digests mean equal inputs, so an equal rendering (but for a chance
//! of 2^-64 per pair, with a key nobody knows: see [`crate::digest`]).
//!
//! Every digest is of the *content* the view shows, never of an id: ids shift when an
//! object is inserted before another.

use std::hash::Hasher;

use rayon::prelude::*;

use crate::digest::{digest, feed, hasher};
use crate::model::*;
use crate::template::Templates;
use crate::view::{Peer, World};

/// What a reference to nothing (or an unresolved one) digests to.
const NOTHING: u64 = 0x6e6f_7468_696e_6700;

/// Digests of the large collections' objects (their serialised fields), shared by the
/// object events and the render inputs.
pub struct ObjectDigests {
    pub devices: Vec<u64>,
    /// By device, by interface.
    pub interfaces: Vec<Vec<u64>>,
    /// By device, by component other than an interface.
    pub components: Vec<Vec<u64>>,
    pub ip_addresses: Vec<u64>,
    pub cables: Vec<u64>,
}

impl ObjectDigests {
    pub fn new(inv: &Inventory) -> ObjectDigests {
        let (devices, interfaces) =
            inv.devices.par_iter().map(|d| (digest(d), d.interfaces.iter().map(digest).collect())).unzip();
        ObjectDigests {
            devices,
            interfaces,
            components: inv.devices.par_iter().map(|d| d.components.iter().map(digest).collect()).collect(),
            ip_addresses: inv.ip_addresses.par_iter().map(digest).collect(),
            cables: inv.cables.par_iter().map(digest).collect(),
        }
    }
}

/// Per device: the digest of its render inputs, and of its merged config context.
pub struct RenderInputs {
    pub devices: Vec<u64>,
    pub contexts: Vec<u64>,
}

fn pick<T>(v: &[u64], id: Option<Id<T>>) -> u64 {
    id.map_or(NOTHING, |i| v[i.index()])
}

fn opt_id<T>(r: &Option<Ref<T>>) -> Option<Id<T>> {
    r.as_ref().and_then(|r| r.id)
}

/// One digest of several.
fn combine(parts: &[u64]) -> u64 {
    let mut h = hasher();
    for p in parts {
        h.write_u64(*p);
    }
    h.finish()
}

/// The digests of a list of tags, as the view lists them (resolved ones, in order).
fn tag_list(tags: &[u64], refs: &[Ref<Tag>]) -> u64 {
    let mut h = hasher();
    for r in refs.iter().filter_map(|r| r.id) {
        h.write_u64(tags[r.index()]);
    }
    h.finish()
}

/// Digests of a collection whose objects have parents (regions, groups, locations): each
/// object with its chain of parents, as the view nests them. With a cycle (reported by
/// resolve) the view's values depend on the collection's order, so then every object's
/// digest covers the whole collection.
fn tree<T: serde::Serialize>(items: &[T], parent: impl Fn(&T) -> Option<usize>) -> Vec<u64> {
    let own: Vec<u64> = items.iter().map(digest).collect();
    let mut cyclic = false;
    let mut out: Vec<u64> = (0..items.len())
        .map(|i| {
            let mut h = hasher();
            let mut at = Some(i);
            let mut depth = 0;
            while let Some(k) = at {
                h.write_u64(own[k]);
                depth += 1;
                if depth > 66 {
                    cyclic = true;
                    break;
                }
                at = parent(&items[k]);
            }
            h.write_usize(depth);
            h.finish()
        })
        .collect();
    if cyclic {
        let all = combine(&own);
        out.iter_mut().for_each(|d| *d = combine(&[*d, all]));
    }
    out
}

/// The content digests of the objects a device view can reach, by collection.
struct Shared {
    tags: Vec<u64>,
    tenants: Vec<u64>,
    sites: Vec<u64>,
    locations: Vec<u64>,
    racks: Vec<u64>,
    roles: Vec<u64>,
    platforms: Vec<u64>,
    device_types: Vec<u64>,
    vrfs: Vec<u64>,
    vlans: Vec<u64>,
    circuits: Vec<u64>,
    cables: Vec<u64>,
    ips: Vec<u64>,
}

impl Shared {
    fn new(inv: &Inventory, objs: &ObjectDigests) -> Shared {
        let tags: Vec<u64> = inv.tags.iter().map(digest).collect();
        let tl = |refs: &[Ref<Tag>]| tag_list(&tags, refs);
        let tenant_groups = tree(&inv.tenant_groups, |g| opt_id(&g.parent).map(Id::index));
        let tenants: Vec<u64> = inv
            .tenants
            .iter()
            .map(|t| combine(&[digest(t), pick(&tenant_groups, opt_id(&t.group)), tl(&t.tags)]))
            .collect();
        let regions = tree(&inv.regions, |r| opt_id(&r.parent).map(Id::index));
        let site_groups = tree(&inv.site_groups, |g| opt_id(&g.parent).map(Id::index));
        let sites: Vec<u64> = inv
            .sites
            .iter()
            .map(|s| {
                combine(&[
                    digest(s),
                    pick(&regions, opt_id(&s.region)),
                    pick(&site_groups, opt_id(&s.group)),
                    pick(&tenants, opt_id(&s.tenant)),
                    tl(&s.tags),
                ])
            })
            .collect();
        let locations = tree(&inv.locations, |l| opt_id(&l.parent).map(Id::index));
        let racks = inv
            .racks
            .iter()
            .map(|r| {
                combine(&[
                    digest(r),
                    pick(&sites, r.site.id),
                    pick(&locations, opt_id(&r.location)),
                    pick(&tenants, opt_id(&r.tenant)),
                    tl(&r.tags),
                ])
            })
            .collect();
        let manufacturers: Vec<u64> = inv.manufacturers.iter().map(digest).collect();
        let platforms = inv
            .platforms
            .iter()
            .map(|p| combine(&[digest(p), pick(&manufacturers, opt_id(&p.manufacturer))]))
            .collect();
        let device_types =
            inv.device_types.iter().map(|t| combine(&[digest(t), pick(&manufacturers, t.manufacturer.id)])).collect();
        let vrfs: Vec<u64> =
            inv.vrfs.iter().map(|v| combine(&[digest(v), pick(&tenants, opt_id(&v.tenant)), tl(&v.tags)])).collect();
        let vlan_groups: Vec<u64> =
            inv.vlan_groups.iter().map(|g| combine(&[digest(g), pick(&sites, opt_id(&g.site))])).collect();
        let vlans = inv
            .vlans
            .iter()
            .map(|v| {
                combine(&[
                    digest(v),
                    pick(&sites, opt_id(&v.site)),
                    pick(&vlan_groups, opt_id(&v.group)),
                    pick(&tenants, opt_id(&v.tenant)),
                    tl(&v.tags),
                ])
            })
            .collect();
        // An address shows the names of the interface it is assigned to.
        let ips = inv
            .ip_addresses
            .par_iter()
            .zip(&objs.ip_addresses)
            .map(|(ip, own)| {
                let mut h = hasher();
                h.write_u64(*own);
                h.write_u64(pick(&vrfs, opt_id(&ip.vrf)));
                h.write_u64(tag_list(&tags, &ip.tags));
                match ip.assigned {
                    Some(a) => {
                        let d = &inv.devices[a.device.index()];
                        feed(&mut h, &(&d.name.value, &d.interfaces[a.index as usize].name.value));
                    }
                    None => h.write_u8(0),
                }
                h.finish()
            })
            .collect();
        Shared {
            circuits: inv.circuits.iter().map(digest).collect(),
            cables: objs.cables.clone(),
            tags,
            tenants,
            sites,
            locations,
            racks,
            roles: inv.device_roles.iter().map(digest).collect(),
            platforms,
            device_types,
            vrfs,
            vlans,
            ips,
        }
    }
}

/// Words written to a buffer, hashed at once (cheaper than many small writes to the hasher).
#[derive(Default)]
struct Enc(Vec<u8>);

impl Enc {
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    /// A list, with its length.
    fn list(&mut self, items: impl ExactSizeIterator<Item = u64>) {
        self.u64(items.len() as u64);
        items.for_each(|x| self.u64(x));
    }

    fn finish(&self) -> u64 {
        let mut h = hasher();
        h.write(&self.0);
        h.finish()
    }
}

/// A device's own inputs (everything but the devices its cables lead to), and its
/// cabled interfaces: (interface index, the far end).
fn local(world: &World, s: &Shared, objs: &ObjectDigests, i: usize, context: u64) -> (u64, Vec<(u32, InterfaceId)>) {
    let d = &world.inventory.devices[i];
    let mut e = Enc(Vec::with_capacity(128 + 96 * d.interfaces.len()));
    for part in [
        objs.devices[i],
        pick(&s.device_types, d.device_type.id),
        pick(&s.roles, d.role.id),
        pick(&s.platforms, opt_id(&d.platform)),
        pick(&s.sites, d.site.id),
        pick(&s.locations, opt_id(&d.location)),
        pick(&s.racks, opt_id(&d.rack)),
        pick(&s.tenants, opt_id(&d.tenant)),
        pick(&s.ips, d.primary_ip4_id),
        pick(&s.ips, d.primary_ip6_id),
        context,
    ] {
        e.u64(part);
    }
    let tags = |refs: &[Ref<Tag>]| refs.iter().filter_map(|r| r.id).map(|t| s.tags[t.index()]).collect::<Vec<_>>();
    e.list(tags(&d.tags).into_iter());
    e.list(objs.components[i].iter().copied());
    e.u64(d.interfaces.len() as u64);
    let mut edges = Vec::new();
    for (k, iface) in d.interfaces.iter().enumerate() {
        e.u64(objs.interfaces[i][k]);
        e.u64(iface.lag_id.map_or(u64::MAX, u64::from));
        e.u64(iface.parent_id.map_or(u64::MAX, u64::from));
        e.u64(pick(&s.vlans, iface.untagged_vlan.as_ref().and_then(|v| v.id)));
        e.list(
            iface.tagged_vlans.iter().filter_map(|v| v.id).map(|v| s.vlans[v.index()]).collect::<Vec<_>>().into_iter(),
        );
        e.u64(pick(&s.vrfs, opt_id(&iface.vrf)));
        e.list(tags(&iface.tags).into_iter());
        e.list(iface.ip_addresses.iter().map(|ip| s.ips[ip.index()]));
        let id = InterfaceId { device: Id::new(i), index: k as u32 };
        match world.peer(id) {
            None => e.u64(0),
            Some(Peer::Interface { cable, other }) => {
                e.u64(1);
                e.u64(s.cables[cable.index()]);
                edges.push((k as u32, other));
            }
            Some(Peer::Circuit { cable, circuit, side }) => {
                e.u64(2);
                e.u64(pick(&s.cables, cable));
                e.u64(s.circuits[circuit.index()]);
                e.u64(side as u64);
            }
            Some(Peer::Port { cable, other }) => {
                // The port, and the interfaces its path leads to (through patch panels).
                e.u64(3);
                e.u64(s.cables[cable.index()]);
                e.u64(objs.components[other.device.index()][other.index as usize]);
                for t in world.connected(crate::view::Term::Interface(id)) {
                    if let crate::view::Term::Interface(far) = t {
                        edges.push((k as u32, far));
                    }
                }
            }
        }
    }
    // The device's other components: each cabled one's cable, and the devices its cable and
    // its path lead to (a template reads `port.link_peers` and `connected_endpoints`).
    // Ports are told from interfaces in the edges by counting down from u32::MAX.
    for k in 0..d.components.len() {
        let t = crate::view::Term::Port(PortId { device: Id::new(i), index: k as u32 });
        let Some((cable, peers)) = world.link_peers(t) else { continue };
        e.u64(k as u64);
        e.u64(s.cables[cable.index()]);
        for far in peers.into_iter().chain(world.connected(t)) {
            match far {
                crate::view::Term::Interface(x) => edges.push((u32::MAX - k as u32, x)),
                crate::view::Term::Port(p) => {
                    edges.push((u32::MAX - k as u32, InterfaceId { device: p.device, index: u32::MAX - p.index }))
                }
                crate::view::Term::Circuit(c, side) => {
                    e.u64(s.circuits[c.index()]);
                    e.u64(side as u64);
                }
            }
        }
    }
    (e.finish(), edges)
}

/// Devices connected by cables, as lists of device indexes (each list in index order).
fn components(n: usize, edges: &[Vec<(u32, InterfaceId)>]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (a, list) in edges.iter().enumerate() {
        for (_, other) in list {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, other.device.index()));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut by_root: Vec<Vec<usize>> = vec![Vec::new(); n];
    for x in 0..n {
        let r = root(&mut parent, x);
        by_root[r].push(x);
    }
    by_root.into_iter().filter(|c| !c.is_empty()).collect()
}

/// Each device's merged-context digest: of the merged context templates see, which the
/// world merges once for the devices that share their contexts.
fn context_digests(world: &World) -> Vec<u64> {
    (0..world.inventory.devices.len()).into_par_iter().map(|i| digest(&world.config_context(Id::new(i)))).collect()
}

/// The render-input digest of every device of `world`.
pub fn render_inputs(world: &World, templates: &Templates, objs: &ObjectDigests) -> RenderInputs {
    let inv = &world.inventory;
    let n = inv.devices.len();
    let shared = Shared::new(inv, objs);
    let contexts = context_digests(world);
    let (locals, edges): (Vec<u64>, Vec<Vec<(u32, InterfaceId)>>) =
        (0..n).into_par_iter().map(|i| local(world, &shared, objs, i, contexts[i])).unzip();
    // Each component, canonically: its members ordered by their own digests (ties by
    // index: such members are alike), then every cable as (member, interface, member, interface).
    let mut position = vec![0usize; n];
    let mut component = vec![0u64; n];
    for mut members in components(n, &edges) {
        members.sort_by_key(|&m| (locals[m], m));
        for (p, &m) in members.iter().enumerate() {
            position[m] = p;
        }
        let mut h = hasher();
        h.write_usize(members.len());
        for &m in &members {
            h.write_u64(locals[m]);
        }
        for &m in &members {
            for (k, other) in &edges[m] {
                h.write_usize(position[m]);
                h.write_u32(*k);
                h.write_usize(position[other.device.index()]);
                h.write_u32(other.index);
            }
        }
        let c = h.finish();
        for &m in &members {
            component[m] = c;
        }
    }
    // The render options and custom-field definitions apply to every device.
    let global = {
        let mut h = hasher();
        h.write(format!("{:?}", world.config.render).as_bytes());
        feed(&mut h, &inv.custom_fields);
        h.finish()
    };
    // Templates: each file's closure once.
    let mut closures: crate::hash::HashMap<&str, crate::template::deps::Closure> = Default::default();
    let files: Vec<Option<&str>> = inv.devices.iter().map(|d| templates.file_for(world, d)).collect();
    for f in files.iter().flatten() {
        closures.entry(f).or_insert_with(|| templates.closure(f));
    }
    let whole = closures.values().any(|c| c.reads_world).then(|| world_digest(inv, objs, &locals, &edges));
    let devices = (0..n)
        .map(|i| {
            let mut h = hasher();
            h.write_u64(global);
            match files[i] {
                None => h.write_u8(0),
                Some(f) => {
                    let c = closures[f];
                    h.write_u8(1);
                    h.write_u64(c.digest);
                    if c.reads_world {
                        h.write_u64(whole.unwrap_or(NOTHING));
                    }
                }
            }
            h.write_usize(position[i]);
            h.write_u64(component[i]);
            h.finish()
        })
        .collect();
    RenderInputs { devices, contexts }
}

/// Everything: every object of every collection in order, every device's own inputs
/// and every cable between devices, by position.
fn world_digest(inv: &Inventory, objs: &ObjectDigests, locals: &[u64], edges: &[Vec<(u32, InterfaceId)>]) -> u64 {
    let mut h = hasher();
    macro_rules! all {
        ($($f:ident),*) => { $( feed(&mut h, &inv.$f.iter().map(digest).collect::<Vec<u64>>()); )* };
    }
    all!(
        tags,
        tenant_groups,
        tenants,
        regions,
        site_groups,
        sites,
        locations,
        rack_roles,
        racks,
        manufacturers,
        device_types,
        device_roles,
        platforms,
        vrfs,
        ipam_roles,
        prefixes,
        vlan_groups,
        vlans,
        providers,
        circuit_types,
        circuits,
        config_contexts,
        custom_fields,
        rules
    );
    feed(&mut h, &objs.devices);
    feed(&mut h, &objs.interfaces);
    feed(&mut h, &objs.components);
    feed(&mut h, &objs.cables);
    feed(&mut h, &objs.ip_addresses);
    let assigned: Vec<Option<(usize, u32)>> =
        inv.ip_addresses.iter().map(|ip| ip.assigned.map(|a| (a.device.index(), a.index))).collect();
    feed(&mut h, &assigned);
    feed(&mut h, locals);
    let cabled: Vec<Vec<(u32, usize, u32)>> =
        edges.iter().map(|l| l.iter().map(|(k, o)| (*k, o.device.index(), o.index)).collect()).collect();
    feed(&mut h, &cabled);
    h.finish()
}
