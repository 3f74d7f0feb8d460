//! Interface links: a LAG member's LAG is a `lag` interface of the same device
//! (and not itself); a parent is another interface of the same device.

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Inventory;
use crate::resolve::Index;

pub struct InterfaceLinks;

impl Check for InterfaceLinks {
    fn name(&self) -> &'static str {
        "interface-links"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for d in &inv.devices {
            for (i, iface) in d.interfaces.iter().enumerate() {
                if let (Some(lag), Some(text)) = (iface.lag_id, &iface.lag) {
                    let target = &d.interfaces[lag as usize];
                    let ty = target.interface_type.as_ref().map_or("", |t| t.as_str());
                    if lag as usize == i {
                        out.push(
                            Diagnostic::new(
                                Code::InterfaceLink,
                                text.span,
                                format!("`{}` cannot be its own LAG", iface.name.value),
                            )
                            .label("a member names itself"),
                        );
                    } else if ty != "lag" {
                        out.push(
                            Diagnostic::new(
                                Code::InterfaceLink,
                                text.span,
                                format!(
                                    "`{}` is not a LAG interface (its type is `{}`)",
                                    text.value,
                                    if ty.is_empty() { "unset" } else { ty }
                                ),
                            )
                            .label("a LAG member's `lag` must have `type: lag`")
                            .related(target.name.span, "the interface is defined here")
                            .help(format!("give `{}` `type: lag`, or fix the member's `lag`", text.value)),
                        );
                    }
                }
                if let (Some(parent), Some(text)) = (iface.parent_id, &iface.parent)
                    && parent as usize == i
                {
                    out.push(
                        Diagnostic::new(
                            Code::InterfaceLink,
                            text.span,
                            format!("`{}` cannot be its own parent", iface.name.value),
                        )
                        .label("an interface names itself"),
                    );
                }
            }
        }
    }
}
