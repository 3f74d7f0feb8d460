//! Extras: tags, config contexts, custom fields and rules.

use super::read::*;
use super::*;
use crate::diagnostic::{Code, Diagnostic};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Tag {
    pub name: Text,
    pub slug: Text,
    pub color: Option<Text>,
    pub description: Option<Text>,
}

pub fn lower_tag(o: &mut Obj<'_, '_>) -> Option<Tag> {
    let ns = name_slug(o);
    let color = o.str("color");
    let description = o.str("description");
    let (name, slug) = ns?;
    Some(Tag { name, slug, color, description })
}

/// The assignment kinds of a config context, in NetBox's order.
pub const ASSIGNMENT_KINDS: [&str; 10] = [
    "regions",
    "site_groups",
    "sites",
    "locations",
    "device_types",
    "roles",
    "platforms",
    "tenant_groups",
    "tenants",
    "tags",
];

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Assignments {
    pub regions: Vec<Ref<Region>>,
    pub site_groups: Vec<Ref<SiteGroup>>,
    pub sites: Vec<Ref<Site>>,
    pub locations: Vec<Ref<Location>>,
    pub device_types: Vec<Ref<DeviceType>>,
    pub roles: Vec<Ref<DeviceRole>>,
    pub platforms: Vec<Ref<Platform>>,
    pub tenant_groups: Vec<Ref<TenantGroup>>,
    pub tenants: Vec<Ref<Tenant>>,
    pub tags: Vec<Ref<Tag>>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ConfigContext {
    pub name: Text,
    /// `data` (the default) contributes data; `schema` binds its schema to the
    /// merged context of every device it applies to.
    pub kind: Option<Text>,
    pub weight: Option<Spanned<i64>>,
    pub is_active: bool,
    pub description: Option<Text>,
    pub schema: Option<Text>,
    pub data: Option<Node<'static>>,
    pub assign: Assignments,
}

impl ConfigContext {
    pub const DEFAULT_WEIGHT: i64 = 1000;

    pub fn is_schema(&self) -> bool {
        self.kind.as_ref().is_some_and(|k| k.value == "schema")
    }
}

pub fn lower_config_context(o: &mut Obj<'_, '_>) -> Option<ConfigContext> {
    let name = o.req_str("name");
    let kind = o.str("kind");
    let weight = o.int("weight", 0, 32767);
    let is_active = o.bool("is_active").is_none_or(|b| b.value);
    let description = o.str("description");
    let schema = o.str("schema");
    let data = o.map("data").map(Node::to_static);
    let assign = Assignments {
        regions: refs(o, "regions"),
        site_groups: refs(o, "site_groups"),
        sites: refs(o, "sites"),
        locations: refs(o, "locations"),
        device_types: refs(o, "device_types"),
        roles: refs(o, "roles"),
        platforms: refs(o, "platforms"),
        tenant_groups: refs(o, "tenant_groups"),
        tenants: refs(o, "tenants"),
        tags: refs(o, "tags"),
    };
    match kind.as_ref().map(|k| k.as_str()) {
        None | Some("data") => {}
        Some("schema") => {
            let at = kind.as_ref().map_or(o.span(), |k| k.span);
            if schema.is_none() {
                o.diags.push(
                    Diagnostic::new(Code::MissingField, at, "a config context of `kind: schema` needs `schema:`")
                        .label("no schema to bind")
                        .help("name a schema file under schemas/"),
                );
            }
            if let Some(d) = &data {
                o.diags.push(
                    Diagnostic::new(Code::InvalidValue, d.span, "a config context of `kind: schema` holds no `data`")
                        .label("data here is never merged")
                        .help("move the data to a context of `kind: data`"),
                );
            }
        }
        Some(other) => o.diags.push(
            Diagnostic::new(
                Code::InvalidValue,
                kind.as_ref().map_or(o.span(), |k| k.span),
                format!("`kind` must be `data` or `schema`, not `{other}`"),
            )
            .label("unknown kind"),
        ),
    }
    Some(ConfigContext { name: name?, kind, weight, is_active, description, schema, data, assign })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CustomField {
    pub name: Text,
    pub field_type: Text,
    pub object_types: Vec<Text>,
    pub label: Option<Text>,
    pub description: Option<Text>,
    pub required: bool,
    pub default: Option<Node<'static>>,
    pub validation_minimum: Option<Spanned<f64>>,
    pub validation_maximum: Option<Spanned<f64>>,
    pub validation_regex: Option<Text>,
    pub choices: Vec<Text>,
    pub schema: Option<Text>,
}

pub fn lower_custom_field(o: &mut Obj<'_, '_>) -> Option<CustomField> {
    let name = o.req_str("name");
    let field_type = o.req_str("type");
    let object_types = o.str_list("object_types");
    if o.node("object_types").is_none() {
        o.required("object_types");
    }
    let label = o.str("label");
    let description = o.str("description");
    let required = o.bool("required").is_some_and(|b| b.value);
    let default = o.node("default").map(Node::to_static);
    let validation_minimum = o.number("validation_minimum", f64::MIN, f64::MAX);
    let validation_maximum = o.number("validation_maximum", f64::MIN, f64::MAX);
    let validation_regex = o.str("validation_regex");
    let choices = o.str_list("choices");
    let schema = o.str("schema");
    Some(CustomField {
        name: name?,
        field_type: field_type?,
        object_types,
        label,
        description,
        required,
        default,
        validation_minimum,
        validation_maximum,
        validation_regex,
        choices,
        schema,
    })
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Rule {
    pub name: Text,
    pub applies_to: Text,
    pub where_: Option<Text>,
    pub assert: Text,
    pub message: Option<Text>,
    pub severity: Option<Text>,
    pub description: Option<Text>,
}

pub fn lower_rule(o: &mut Obj<'_, '_>) -> Option<Rule> {
    let name = o.req_str("name");
    let applies_to = o.req_str("applies_to");
    let where_ = o.str("where");
    let assert = o.req_str("assert");
    let message = o.str("message");
    let severity = o.str("severity");
    let description = o.str("description");
    Some(Rule { name: name?, applies_to: applies_to?, where_, assert: assert?, message, severity, description })
}
