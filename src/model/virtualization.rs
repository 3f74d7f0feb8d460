//! Virtualization: cluster types and groups, clusters, virtual machines, their
//! interfaces and virtual disks.

use super::read::*;
use super::*;

#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterType {
    pub name: Text,
    pub slug: Text,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_cluster_type(o: &mut Obj<'_, '_>) -> Option<ClusterType> {
    let ns = name_slug(o);
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(ClusterType { name, slug, description, comments, tags, custom_fields })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterGroup {
    pub name: Text,
    pub slug: Text,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_cluster_group(o: &mut Obj<'_, '_>) -> Option<ClusterGroup> {
    let ns = name_slug(o);
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let (name, slug) = ns?;
    Some(ClusterGroup { name, slug, description, comments, tags, custom_fields })
}

/// A cluster of hosts that virtual machines run on, scoped to a site or not.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Cluster {
    pub name: Text,
    #[serde(rename = "type")]
    pub cluster_type: Ref<ClusterType>,
    pub group: Option<Ref<ClusterGroup>>,
    pub status: Option<Text>,
    pub tenant: Option<Ref<Tenant>>,
    /// Its scope (NetBox's `scope_type: dcim.site`).
    pub site: Option<Ref<Site>>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_cluster(o: &mut Obj<'_, '_>) -> Option<Cluster> {
    let name = o.req_str("name");
    let cluster_type = req_ref(o, "type");
    let group = opt_ref(o, "group");
    let status = o.str("status");
    let tenant = opt_ref(o, "tenant");
    let site = opt_ref(o, "site");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(Cluster {
        name: name?,
        cluster_type: cluster_type?,
        group,
        status,
        tenant,
        site,
        description,
        comments,
        tags,
        custom_fields,
    })
}

/// A virtual machine, in a cluster or at a site (or both: the cluster's site).
#[derive(Debug, Clone, serde::Serialize)]
pub struct VirtualMachine {
    pub name: Text,
    pub cluster: Option<Ref<Cluster>>,
    pub site: Option<Ref<Site>>,
    pub role: Option<Ref<DeviceRole>>,
    pub platform: Option<Ref<Platform>>,
    pub tenant: Option<Ref<Tenant>>,
    pub status: Option<Text>,
    pub vcpus: Option<Spanned<f64>>,
    /// Memory in MB.
    pub memory: Option<Spanned<i64>>,
    /// Disk in MB (NetBox adds the virtual disks up when there are any).
    pub disk: Option<Spanned<i64>>,
    pub serial: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
    pub local_context_data: Option<Node<'static>>,
    /// Addresses of the machine's own interfaces, written with their mask.
    pub primary_ip4: Option<Spanned<ipnet::IpNet>>,
    pub primary_ip6: Option<Spanned<ipnet::IpNet>>,
    #[serde(skip)]
    pub primary_ip4_id: Option<Id<IpAddress>>,
    #[serde(skip)]
    pub primary_ip6_id: Option<Id<IpAddress>>,
}

pub fn lower_virtual_machine(o: &mut Obj<'_, '_>) -> Option<VirtualMachine> {
    let name = o.req_str("name");
    let cluster = opt_ref(o, "cluster");
    let site = opt_ref(o, "site");
    let role = opt_ref(o, "role");
    let platform = opt_ref(o, "platform");
    let tenant = opt_ref(o, "tenant");
    let status = o.str("status");
    let vcpus = o.number("vcpus", 0.01, 10000.0);
    let memory = o.int("memory", 0, 2_147_483_647);
    let disk = o.int("disk", 0, 2_147_483_647);
    let serial = o.str("serial");
    let description = o.str("description");
    let comments = o.str("comments");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    let local_context_data = o.map("local_context_data").map(|n| n.to_static());
    let primary_ip4 =
        o.node("primary_ip4").and_then(|n| ipam::read_ipnet(n, "primary_ip4", ipam::CidrKind::Address, o.diags));
    let primary_ip6 =
        o.node("primary_ip6").and_then(|n| ipam::read_ipnet(n, "primary_ip6", ipam::CidrKind::Address, o.diags));
    Some(VirtualMachine {
        name: name?,
        cluster,
        site,
        role,
        platform,
        tenant,
        status,
        vcpus,
        memory,
        disk,
        serial,
        description,
        comments,
        tags,
        custom_fields,
        local_context_data,
        primary_ip4,
        primary_ip6,
        primary_ip4_id: None,
        primary_ip6_id: None,
    })
}

/// An interface of a virtual machine.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VmInterface {
    pub virtual_machine: Ref<VirtualMachine>,
    pub name: Text,
    pub enabled: Option<Spanned<bool>>,
    pub mtu: Option<Spanned<i64>>,
    pub mode: Option<Text>,
    pub untagged_vlan: Option<VlanRef>,
    pub tagged_vlans: Vec<VlanRef>,
    /// Another interface of the same virtual machine, by name.
    pub parent: Option<Text>,
    pub bridge: Option<Text>,
    pub vrf: Option<Ref<Vrf>>,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_vm_interface(o: &mut Obj<'_, '_>) -> Option<VmInterface> {
    let virtual_machine = req_ref(o, "virtual_machine");
    let name = o.req_str("name");
    let enabled = o.bool("enabled");
    let mtu = o.int("mtu", 1, 65536);
    let mode = o.str("mode");
    let untagged_vlan = o.node("untagged_vlan").and_then(|v| read_vlan_ref(v, "untagged_vlan", o.diags));
    let tagged_vlans = decode::each(o.list("tagged_vlans"), |v| read_vlan_ref(v, "tagged_vlans", o.diags));
    let parent = o.str("parent");
    let bridge = o.str("bridge");
    let vrf = opt_ref(o, "vrf");
    let description = o.str("description");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(VmInterface {
        virtual_machine: virtual_machine?,
        name: name?,
        enabled,
        mtu,
        mode,
        untagged_vlan,
        tagged_vlans,
        parent,
        bridge,
        vrf,
        description,
        tags,
        custom_fields,
    })
}

impl VmInterface {
    /// `vm/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.virtual_machine.key.value, self.name.value)
    }
}

/// A disk of a virtual machine (size in MB).
#[derive(Debug, Clone, serde::Serialize)]
pub struct VirtualDisk {
    pub virtual_machine: Ref<VirtualMachine>,
    pub name: Text,
    pub size: Spanned<i64>,
    pub description: Option<Text>,
    pub tags: Vec<Ref<Tag>>,
    pub custom_fields: Vec<CustomValue>,
}

pub fn lower_virtual_disk(o: &mut Obj<'_, '_>) -> Option<VirtualDisk> {
    let virtual_machine = req_ref(o, "virtual_machine");
    let name = o.req_str("name");
    let size = o.req_int("size", 0, 2_147_483_647);
    let description = o.str("description");
    let tags = tags(o);
    let custom_fields = custom_fields(o);
    Some(VirtualDisk { virtual_machine: virtual_machine?, name: name?, size: size?, description, tags, custom_fields })
}

impl VirtualDisk {
    /// `vm/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.virtual_machine.key.value, self.name.value)
    }
}
