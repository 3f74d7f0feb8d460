//! Virtual machines rendered as NetBox renders them: with their role's config template,
//! else their platform's, the machine bound to `virtualmachine` (NetBox's name) and
//! `inventory`, over the machine's local context data. (Config contexts assigned by
//! cluster, site or role do not reach virtual machines yet.)

use std::sync::Arc;

use minijinja::Value;
use minijinja::value::merge_maps;
use rayon::prelude::*;

use super::{Capped, RenderResult, Templates, USED_SECRET, resolve_name_in};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Id, VirtualMachine};
use crate::source::SourceSet;
use crate::view::World;

impl Templates {
    /// The template file a virtual machine renders with, if any: its role's, else its
    /// platform's.
    pub fn vm_file_for<'s>(&'s self, world: &World, vm: &VirtualMachine) -> Option<&'s str> {
        let inv = &world.inventory;
        let t = vm
            .role
            .as_ref()
            .and_then(|r| r.id)
            .and_then(|r| inv.device_roles[r.index()].config_template.as_ref())
            .or_else(|| {
                vm.platform.as_ref().and_then(|p| p.id).and_then(|p| inv.platforms[p.index()].config_template.as_ref())
            })?;
        resolve_name_in(&self.files, &t.value)
    }

    /// Render one virtual machine. `Ok(None)`: it has no template.
    fn render_vm(&self, world: &Arc<World>, id: Id<VirtualMachine>) -> RenderResult {
        let vm = &world.inventory.virtual_machines[id.index()];
        let Some(file) = self.vm_file_for(world, vm) else { return Ok(None) };
        let tmpl = self.env.get_template(file)?;
        let explicit = minijinja::context! {
            virtualmachine => Value::from(minijinja::value::Serde(vm)),
            inventory => world.inventory_value(),
        };
        let local = vm
            .local_context_data
            .as_ref()
            .map_or(Value::from(()), |n| Value::from(minijinja::value::Serde(n.to_json())));
        let ctx = merge_maps([local, explicit]);
        let limit = world.config.render.max_output_bytes;
        let mut out = Capped { buf: Some(Vec::new()), written: 0, limit, over: false };
        match tmpl.render_captured_to(ctx, &mut out).map(drop) {
            Ok(_) => Ok(out
                .buf
                .map(|b| String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))),
            Err(_) if out.over => Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!(
                    "template `{file}` renders more than {limit} bytes, the output limit \
                     (`render.max_output_bytes` in sot.yaml)"
                ),
            )),
            Err(e) => Err(e),
        }
    }

    /// Render every virtual machine in parallel, with whether its render resolved a
    /// secret; results in machine order.
    pub fn render_vms(&self, world: &Arc<World>) -> Vec<(RenderResult, bool)> {
        (0..world.inventory.virtual_machines.len())
            .into_par_iter()
            .map(|i| {
                USED_SECRET.with(|u| u.set(false));
                let r = self.render_vm(world, Id::new(i));
                (r, USED_SECRET.with(|u| u.replace(false)))
            })
            .collect()
    }

    /// A diagnostic per virtual machine whose render failed (syntax errors were reported
    /// once per template), at the template position, the machine related.
    pub fn vm_render_diagnostics(
        &self,
        world: &World,
        sources: &SourceSet,
        results: &[(RenderResult, bool)],
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, (r, _)) in results.iter().enumerate() {
            let Err(e) = r else { continue };
            if e.kind() == minijinja::ErrorKind::SyntaxError {
                continue;
            }
            let vm = &world.inventory.virtual_machines[i].name;
            let code = if e.kind() == minijinja::ErrorKind::UndefinedError {
                Code::TemplateUndefined
            } else {
                Code::TemplateRender
            };
            let what = format!("template fails for virtual machine `{}`", vm.value);
            let mut d = self.error_diagnostic(e, sources, None, code, &what);
            if self.error_span(e, sources).is_some() {
                d = d.related(vm.span, "the virtual machine is declared here");
            } else {
                d.primary.span = vm.span;
            }
            out.push(d);
        }
        out
    }
}
