//! NetBox config templates from the template files: one `extras.configtemplate` per
//! file the inventory names (a device's, a role's or a platform's `config_template`),
//! named by the file (`eos.j2`), its text with includes inlined (NetBox resolves
//! includes only from a synchronised data source), `environment_params` from
//! sot.yaml's `render:` options; and the devices, roles and platforms assigned to
//! them as the inventory says (in the second pass, once the templates exist). NetBox
//! then renders every device itself (`render-config`) as `sot build` does.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::diagnostic::Span;
use crate::model::{Inventory, Text};
use crate::netbox::bundle::{Bundle, MANAGED_TAG, Record, Val};
use crate::netbox::model::Model;
use crate::project::{Config, Undefined};
use crate::source::{FileKind, SourceSet};

/// `{% include "NAME" %}` replaced by NAME's text (without its final newline, which
/// `trim_blocks` would have removed after the tag), recursively; an include of a name
/// that is not a literal, or of no file, is left as written. `depth` bounds a cycle.
fn inline(texts: &HashMap<String, String>, name: &str, depth: usize) -> String {
    let text = texts.get(name).cloned().unwrap_or_default();
    if depth > 16 {
        return text;
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("{% include ") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find("%}").map(|e| e + at + 2) else { break };
        let tag = &rest[at..end];
        let quoted: Vec<&str> = tag.split(['"', '\'']).collect();
        match (quoted.len() == 3).then(|| resolve(texts, quoted[1])).flatten() {
            Some(file) => out.push_str(inline(texts, file, depth + 1).strip_suffix('\n').unwrap_or_default()),
            None => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A template name as written (`eos` or `eos.j2`) to its file under `templates/`.
fn resolve<'a>(texts: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    texts.get_key_value(name).or_else(|| texts.get_key_value(&format!("{name}.j2"))).map(|(k, _)| k.as_str())
}

/// Add to `bundle` the config templates the inventory names and, as fields of the
/// second pass, the assignment of every device, role and platform (`null` where the
/// inventory names none, so that NetBox falls back as `sot` does: device, role, platform).
pub fn add_config_templates(bundle: &mut Bundle, inv: &Inventory, sources: &SourceSet, config: &Config) {
    let prefix = format!("{}/", config.templates.value.trim_end_matches('/'));
    let texts: HashMap<String, String> = sources
        .iter()
        .filter(|(_, f)| f.kind == FileKind::Template)
        .map(|(_, f)| (f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_string(), f.text.to_string()))
        .collect();
    let r = &config.render;
    let params = json!({
        "trim_blocks": r.trim_blocks,
        "lstrip_blocks": r.lstrip_blocks,
        "keep_trailing_newline": r.keep_trailing_newline,
        "undefined": match r.undefined {
            Undefined::Strict => "jinja2.StrictUndefined",
            Undefined::Lenient => "jinja2.Undefined",
        },
    });
    // The files used, each with where it is first named.
    let mut used: BTreeMap<String, Span> = BTreeMap::new();
    let mut pick = |t: &Option<Text>| -> Option<String> {
        let t = t.as_ref()?;
        let file = resolve(&texts, &t.value)?.to_string();
        used.entry(file.clone()).or_insert(t.span);
        Some(file)
    };
    let mut assign: HashMap<(Model, String), Option<String>> = HashMap::new();
    for d in &inv.devices {
        assign.insert((Model::Device, d.name.value.to_string()), pick(&d.config_template));
    }
    for x in &inv.device_roles {
        assign.insert((Model::DeviceRole, x.slug.value.to_string()), pick(&x.config_template));
    }
    for x in &inv.platforms {
        assign.insert((Model::Platform, x.slug.value.to_string()), pick(&x.config_template));
    }
    for rec in &mut bundle.records {
        if let Some(file) = assign.remove(&(rec.model, rec.key.clone())) {
            rec.late.push(("config_template", Val::Ref(Model::ConfigTemplate, file)));
        }
    }
    for (file, span) in used {
        bundle.records.push(Record {
            model: Model::ConfigTemplate,
            key: file.clone(),
            lookup: json!({"name": file}),
            fields: vec![
                ("name", Val::Json(json!(file))),
                ("template_code", Val::Json(Value::String(inline(&texts, &file, 0)))),
                ("environment_params", Val::Json(params.clone())),
                ("tags", Val::Refs(Model::Tag, vec![MANAGED_TAG.to_string()])),
            ],
            late: Vec::new(),
            origin: Some(span),
        });
    }
    bundle.records.sort_by_key(|r| r.model);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_are_inlined_as_trim_blocks_renders_them() {
        let texts: HashMap<String, String> = [
            ("main.j2", "a\n{% include \"partials/p.j2\" %}\nb\n{% include name %}\n"),
            ("partials/p.j2", "{% include 'partials/q' %}\np\n"),
            ("partials/q.j2", "q\n"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(inline(&texts, "main.j2", 0), "a\nq\np\nb\n{% include name %}\n");
    }
}
