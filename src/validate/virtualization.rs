//! Virtual machines: at a site, in a cluster, or both, and then at the cluster's site
//! (E0355); the choice fields of clusters, virtual machines and their interfaces.

use super::Rule;
use super::choices::check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::choices::*;
use crate::model::*;
use crate::resolve::Index;

pub struct Virtualization;

impl Rule for Virtualization {
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
        for i in &inv.vm_interfaces {
            check(out, i.mode.as_ref(), INTERFACE_MODE, "interface mode");
        }
    }
}
