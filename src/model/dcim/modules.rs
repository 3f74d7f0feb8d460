//! Module types (devicetype-library `module-types/` format) and the `{module}` names of
//! their components.

use super::*;
use crate::model::read::*;

/// A module type: a line card, power supply or transceiver with its component templates,
/// installed in a device's module bay (`module_bays: [{name: FPC0, module: MODEL}]`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModuleType {
    pub manufacturer: Ref<Manufacturer>,
    pub model: Text,
    pub part_number: Option<Text>,
    pub airflow: Option<Text>,
    pub weight: Option<Spanned<f64>>,
    pub weight_unit: Option<Text>,
    pub description: Option<Text>,
    pub comments: Option<Text>,
    pub components: Vec<Component>,
    pub port_mappings: Vec<PortMapping>,
}

pub fn lower_module_type(o: &mut Obj<'_, '_>) -> Option<ModuleType> {
    let manufacturer = req_ref(o, "manufacturer");
    let model = o.req_str("model");
    let part_number = o.str("part_number");
    let airflow = o.str("airflow");
    let weight = o.number("weight", 0.0, 1e6);
    let weight_unit = o.str("weight_unit");
    let description = o.str("description");
    let comments = o.str("comments");
    // The library's module types carry no slug; some files hold an unused `profile`.
    let _ = o.node("profile");
    let (components, port_mappings) = lower_templates(o);
    Some(ModuleType {
        manufacturer: manufacturer?,
        model: model?,
        part_number,
        airflow,
        weight,
        weight_unit,
        description,
        comments,
        components,
        port_mappings,
    })
}

/// The name a module's component takes in a bay: each `{module}` replaced by the position
/// of a bay on the way to the module (one token: the bay holding it; as many tokens as
/// bays: outermost first), as NetBox does. `None` when the tokens cannot be matched.
pub fn module_name(template: &str, positions: &[&str]) -> Option<String> {
    const TOKEN: &str = "{module}";
    let n = template.matches(TOKEN).count();
    match n {
        0 => Some(template.to_string()),
        1 => Some(template.replace(TOKEN, positions.last()?)),
        _ if n == positions.len() => {
            let mut out = String::with_capacity(template.len());
            let mut rest = template;
            for p in positions {
                let at = rest.find(TOKEN)?;
                out.push_str(&rest[..at]);
                out.push_str(p);
                rest = &rest[at + TOKEN.len()..];
            }
            out.push_str(rest);
            Some(out)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::module_name;

    #[test]
    fn module_tokens_take_the_positions_of_the_bays() {
        assert_eq!(module_name("xe-{module}/0/1", &["3"]).as_deref(), Some("xe-3/0/1"));
        assert_eq!(module_name("xe-{module}/0/1", &["0", "3"]).as_deref(), Some("xe-3/0/1"));
        assert_eq!(module_name("et-{module}/{module}/0", &["1", "2"]).as_deref(), Some("et-1/2/0"));
        assert_eq!(module_name("PSU", &["1"]).as_deref(), Some("PSU"));
        assert_eq!(module_name("et-{module}/{module}/0", &["1"]), None);
        assert_eq!(module_name("xe-{module}/0", &[]), None);
    }
}
