//! Virtual machines: at a site, in a cluster, or both, and then at the cluster's site
//! (E0355); a rendered machine's configuration has a file of its own (E0361); the choice
//! fields of clusters, virtual machines and their interfaces.

use super::Check;
use super::choice_values::check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::choices::*;
use crate::model::*;
use crate::resolve::Index;

pub struct Virtualization;

impl Check for Virtualization {
    fn name(&self) -> &'static str {
        "virtualization"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for c in &inv.clusters {
            check(out, c.status.as_ref(), CLUSTER_STATUS, "cluster status");
        }
        for vm in &inv.virtual_machines {
            check(out, vm.status.as_ref(), VM_STATUS, "virtual machine status");
            match (&vm.site, &vm.cluster) {
                (None, None) => out.push(
                    Diagnostic::new(
                        Code::VmPlacement,
                        vm.name.span,
                        format!("virtual machine `{}` has neither a site nor a cluster", vm.name.value),
                    )
                    .label("placed nowhere")
                    .help("give it `site: SLUG`, `cluster: NAME`, or both"),
                ),
                (Some(s), Some(c)) => {
                    let (Some(site), Some(cluster)) = (s.id, c.id) else { continue };
                    let cl = &inv.clusters[cluster.index()];
                    if let Some(cs) = cl.site.as_ref().and_then(|x| x.id)
                        && cs != site
                    {
                        out.push(
                            Diagnostic::new(
                                Code::VmPlacement,
                                s.key.span,
                                format!(
                                    "virtual machine `{}` is at site `{}`, its cluster `{}` at site `{}`",
                                    vm.name.value,
                                    inv.sites[site.index()].slug.value,
                                    cl.name.value,
                                    inv.sites[cs.index()].slug.value
                                ),
                            )
                            .label("not the cluster's site")
                            .related(cl.name.span, "the cluster")
                            .help("a virtual machine in a cluster scoped to a site is at that site"),
                        );
                    }
                }
                _ => {}
            }
        }
        let devices: crate::hash::HashMap<String, &Device> =
            inv.devices.iter().map(|d| (d.name.value.to_lowercase(), d)).collect();
        for vm in &inv.virtual_machines {
            let template =
                vm.role.as_ref().and_then(|r| r.id).and_then(|r| inv.device_roles[r.index()].config_template.as_ref());
            let template = template.or_else(|| {
                vm.platform.as_ref().and_then(|p| p.id).and_then(|p| inv.platforms[p.index()].config_template.as_ref())
            });
            if template.is_none() {
                continue;
            }
            let name = &vm.name.value;
            if !super::safe_file_name(name) {
                out.push(
                    Diagnostic::new(
                        Code::VmConfigName,
                        vm.name.span,
                        format!("virtual machine name `{}` cannot be a file name", name.escape_debug()),
                    )
                    .label("becomes build/configs/<name>.cfg")
                    .help("use letters, digits, `-`, `_` and `.`"),
                );
            } else if let Some(d) = devices.get(&name.to_lowercase()) {
                out.push(
                    Diagnostic::new(
                        Code::VmConfigName,
                        vm.name.span,
                        format!("virtual machine `{name}` would write device `{}`'s configuration file", d.name.value),
                    )
                    .label("the same build/configs/<name>.cfg")
                    .related(d.name.span, "the device")
                    .help("rename the virtual machine or the device"),
                );
            }
        }
        for i in &inv.vm_interfaces {
            check(out, i.mode.as_ref(), INTERFACE_MODE, "interface mode");
        }
    }
}
