//! `sot query`: the objects of one kind a `--where` expression selects, and the fields asked
//! for, evaluated as Jinja over the same views templates and rules see.
//!
//! Three things make a query answer what it was asked, not something near it:
//!
//! - An attribute no object has is an error, with "did you mean" among the attributes the
//!   objects do have (`device.rol.slug`, `--fields nmae`): a misspelt attribute would
//!   otherwise read as nothing everywhere, and print blanks or match nothing.
//! - An object compares with a string by NetBox's string form: `device.role == 'spine'`
//!   holds when the role's slug or name is `spine` (as a tag compares by its slug).
//! - An ordering comparison with none (or an attribute an object lacks) is false: a device
//!   without a support contract date is not "before today".
//!
//! The last two are done by rewriting each comparison of two simple operands (attribute
//! paths, names, numbers, strings) in `--where` into a call of `sot_eq` or `sot_cmp`.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::ValueKind;
use minijinja::{Environment, UndefinedBehavior, Value};

use crate::view::World;

/// What a query found: the field paths and, per object selected, their values.
pub struct Rows {
    pub fields: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// The fields listed when none are asked for.
pub fn default_fields(kind: &str) -> &'static str {
    match kind {
        "devices" => "name,site.slug,role.slug,platform.slug,status",
        "interfaces" => "device.name,name,type,description",
        "console_ports" | "console_server_ports" | "power_ports" | "power_outlets" | "front_ports" | "rear_ports" => {
            "device.name,name,type,description"
        }
        "module_bays" | "device_bays" | "inventory_items" => "device.name,name,description",
        "prefixes" => "prefix,vrf.name,site.slug,status",
        "ip_addresses" => "address,vrf.name,device,interface",
        "vlans" => "vid,name,site.slug,group.slug",
        "circuits" => "cid,provider,type,status",
        "cables" => "a,b,type,status",
        "device_types" => "model,slug",
        "vrfs" => "name,rd",
        "racks" => "name,site.slug,u_height",
        "route_targets" | "contacts" => "name,description",
        "aggregates" => "prefix,rir,tenant",
        "asns" => "asn,rir,tenant",
        "asn_ranges" => "name,rir,start,end",
        "ip_ranges" => "start_address,end_address,vrf,status",
        "services" => "name,device,virtual_machine,protocol,ports",
        "fhrp_groups" => "protocol,group_id,name",
        "fhrp_group_assignments" => "group,interface,priority",
        "contact_assignments" => "object_type,object,contact,role",
        "clusters" => "name,type,group,site,status",
        "virtual_machines" => "name,cluster,site,role,platform,status",
        "vm_interfaces" | "virtual_disks" => "virtual_machine,name",
        "power_panels" => "name,site,location",
        "power_feeds" => "name,power_panel,rack,status",
        "virtual_chassis" => "name,domain,master",
        "rack_types" => "model,slug,form_factor,u_height",
        "rack_reservations" => "rack,units,user",
        "provider_accounts" => "provider,account,name",
        "provider_networks" => "provider,name,service_id",
        "l2vpn_terminations" => "l2vpn,vlan,interface",
        "wireless_lans" => "ssid,group,status",
        "wireless_links" => "interface_a,interface_b,ssid,status",
        _ => "name,slug",
    }
}

/// The variable an object of `kind` is bound to (`device`), or an error naming the kinds.
pub fn variable(kind: &str) -> Result<String, String> {
    if let Some(v) = crate::rules::singular(kind) {
        return Ok(v.to_string());
    }
    match crate::model::kind(kind).filter(|k| crate::view::QUERYABLE.contains(&k.collection)) {
        Some(k) => Ok(k.variable()),
        None => {
            let hint = crate::diagnostic::did_you_mean(kind, crate::view::QUERYABLE.iter().copied())
                .map(|h| format!("{h} "))
                .unwrap_or_default();
            Err(format!("cannot query `{kind}`; {hint}(kinds: {})", crate::view::QUERYABLE.join(", ")))
        }
    }
}

/// A field value as text: none is empty, lists and maps are JSON.
pub fn cell(v: &Value) -> String {
    if v.is_none() || v.is_undefined() {
        return String::new();
    }
    match v.kind() {
        ValueKind::Seq | ValueKind::Map
            if v.as_object().is_none_or(|o| o.repr() != minijinja::value::ObjectRepr::Plain) =>
        {
            serde_json::to_string(v).unwrap_or_else(|_| v.to_string())
        }
        _ => v.to_string(),
    }
}

/// The names an object goes by, as NetBox shows it and as the inventory refers to it.
fn names(v: &Value) -> Vec<String> {
    if matches!(v.kind(), ValueKind::Map) {
        ["slug", "name", "model", "cid", "prefix", "address", "vid"]
            .iter()
            .filter_map(|k| v.get_attr(k).ok().filter(|x| !x.is_none() && !x.is_undefined()).map(|x| x.to_string()))
            .collect()
    } else {
        vec![v.to_string()]
    }
}

/// `a == b`, an object equal to a string that names it.
fn sot_eq(a: &Value, b: &Value) -> bool {
    let text = |v: &Value| matches!(v.kind(), ValueKind::String);
    let object = |v: &Value| matches!(v.kind(), ValueKind::Map);
    match (a, b) {
        (a, b) if object(a) && text(b) => names(a).iter().any(|n| Some(n.as_str()) == b.as_str()),
        (a, b) if text(a) && object(b) => names(b).iter().any(|n| Some(n.as_str()) == a.as_str()),
        (a, b) if (a.is_undefined() || a.is_none()) && (b.is_undefined() || b.is_none()) => true,
        _ => a == b,
    }
}

/// `a OP b` for an ordering; false when either side is none or undefined.
fn sot_cmp(a: &Value, op: &str, b: &Value) -> bool {
    if a.is_none() || a.is_undefined() || b.is_none() || b.is_undefined() {
        return false;
    }
    let Some(o) = a.partial_cmp(b) else { return false };
    match op {
        "<" => o.is_lt(),
        "<=" => o.is_le(),
        ">" => o.is_gt(),
        _ => o.is_ge(),
    }
}

/// A simple operand: a quoted string, a number, or a name with attributes and indexes.
const OPERAND: &str = r#"(?:'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*)"#;

/// `expr` with each comparison of two simple operands made a call of `sot_eq`/`sot_cmp`.
pub fn rewrite(expr: &str) -> String {
    let re = regex::Regex::new(&format!(r"({OPERAND})\s*(==|!=|<=|>=|<|>)\s*({OPERAND})")).expect("valid");
    // Keywords are not operands.
    let keyword = |s: &str| matches!(s, "and" | "or" | "not" | "in" | "is" | "if" | "else");
    re.replace_all(expr, |c: &regex::Captures<'_>| {
        let (a, op, b) = (&c[1], &c[2], &c[3]);
        if keyword(a) || keyword(b) {
            return c[0].to_string();
        }
        match op {
            "==" => format!("sot_eq({a}, {b})"),
            "!=" => format!("(not sot_eq({a}, {b}))"),
            _ => format!("sot_cmp({a}, '{op}', {b})"),
        }
    })
    .into_owned()
}

/// The attribute paths on `var` that `expr` reads (`device.role.slug` → `role.slug`).
fn paths_in(expr: &str, var: &str) -> Vec<String> {
    let re = regex::Regex::new(&format!(r"(?:^|[^\w.]){}((?:\.[A-Za-z_]\w*)+)", regex::escape(var))).expect("valid");
    // Not inside quotes: drop quoted text first.
    let unquoted = regex::Regex::new(r#"'[^']*'|"[^"]*""#).expect("valid").replace_all(expr, "''");
    re.captures_iter(&unquoted).map(|c| c[1][1..].to_string()).collect()
}

/// The attribute names a value has, if it is a mapping or an object with attributes.
fn keys(v: &Value) -> Option<Vec<String>> {
    if !matches!(v.kind(), ValueKind::Map) {
        return None;
    }
    Some(v.try_iter().ok()?.map(|k| k.to_string()).collect())
}

/// Check that `path` (`role.slug`) names an attribute some object has, step by step: the
/// first step no object has (where what holds it is a mapping) is an error, with the
/// closest attribute those mappings have. A step under none only (an unset relation) is
/// not checked.
fn check_path(objects: &[Value], var: &str, path: &str, what: &str) -> Result<(), String> {
    // The attribute names the path starts with (`peers` of `bgp.peers[0]`, `x` of `x|length`).
    let end = path.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(path.len());
    let path = path[..end].trim_end_matches('.');
    let steps: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let mut level: Vec<Value> = objects.to_vec();
    for (i, step) in steps.iter().enumerate() {
        let parents: Vec<&Value> = level.iter().filter(|v| matches!(v.kind(), ValueKind::Map)).collect();
        if parents.is_empty() {
            return Ok(());
        }
        let next: Vec<Value> =
            parents.iter().filter_map(|p| p.get_attr(step).ok().filter(|x| !x.is_undefined())).collect();
        if next.is_empty() {
            let mut known: Vec<String> = parents.iter().filter_map(|p| keys(p)).flatten().collect();
            known.sort();
            known.dedup();
            let hint = crate::diagnostic::did_you_mean(step, known.iter().map(String::as_str))
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            let at = if i == 0 { var.to_string() } else { format!("{var}.{}", steps[..i].join(".")) };
            return Err(format!("{what}: no {var} has an attribute `{step}` (in `{var}.{path}`, on `{at}`){hint}"));
        }
        level = next;
    }
    Ok(())
}

/// Run a query over `world`: the objects of `kind` that `where_` selects (all when
/// `None`), with the comma-separated `fields` (the kind's defaults when `None`).
pub fn run(
    world: &Arc<World>,
    env: &mut Environment<'_>,
    kind: &str,
    where_: Option<&str>,
    fields: Option<&str>,
) -> Result<Rows, String> {
    let var = variable(kind)?;
    // Missing attributes read as nothing, so `--where` can test optional data; attributes no
    // object has are caught before.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.add_function("sot_eq", |a: Value, b: Value| sot_eq(&a, &b));
    env.add_function("sot_cmp", |a: Value, op: String, b: Value| sot_cmp(&a, &op, &b));
    let objects = world.objects(kind);
    let where_ = match where_ {
        Some(w) => {
            // Compiled as written first, so that a syntax error points into what was written.
            env.compile_expression(w).map_err(|e| format!("--where: {e}"))?;
            for p in paths_in(w, &var) {
                check_path(&objects, &var, &p, "--where")?;
            }
            Some(env.compile_expression_owned(rewrite(w)).map_err(|e| format!("--where: {e}"))?)
        }
        None => None,
    };
    let fields: Vec<String> = fields
        .unwrap_or(default_fields(kind))
        .split(',')
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    let getters = fields
        .iter()
        .map(|f| {
            check_path(&objects, &var, f, &format!("--fields `{f}`"))?;
            env.compile_expression_owned(format!("{var}.{f}")).map_err(|e| format!("--fields `{f}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let today = crate::jinja::today();
    let inventory = world.inventory_value();
    let mut rows: Vec<Vec<Value>> = Vec::new();
    for obj in objects {
        let ctx: BTreeMap<&str, Value> =
            [(var.as_str(), obj), ("today", Value::from(today.clone())), ("inventory", inventory.clone())]
                .into_iter()
                .collect();
        if let Some(w) = &where_ {
            match w.eval(&ctx) {
                Ok(v) if v.is_true() => {}
                Ok(_) => continue,
                Err(e) => return Err(format!("--where: {e}")),
            }
        }
        rows.push(getters.iter().map(|g| g.eval(&ctx).unwrap_or_default()).collect());
    }
    Ok(Rows { fields, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_are_rewritten_and_strings_left_alone() {
        assert_eq!(rewrite("device.role == 'spine'"), "sot_eq(device.role, 'spine')");
        assert_eq!(
            rewrite("device.custom_fields.support_contract_expiry < today"),
            "sot_cmp(device.custom_fields.support_contract_expiry, '<', today)"
        );
        assert_eq!(
            rewrite("not device.x != 1 and device.tags[0] >= 'a < b'"),
            "not (not sot_eq(device.x, 1)) and sot_cmp(device.tags[0], '>=', 'a < b')"
        );
        assert_eq!(rewrite("device.platform is none"), "device.platform is none");
        assert_eq!(paths_in("device.role.slug == 'device.nope' and x.device.y", "device"), ["role.slug"]);
    }

    #[test]
    fn none_compares_false_and_objects_by_name() {
        let none = Value::from(());
        assert!(!sot_cmp(&none, "<", &Value::from("2026-01-01")));
        assert!(!sot_cmp(&Value::UNDEFINED, ">=", &Value::from(1)));
        assert!(sot_cmp(&Value::from("2025-01-01"), "<", &Value::from("2026-01-01")));
        let role = Value::from(minijinja::value::Serde(serde_json::json!({"name": "Spine", "slug": "spine"})));
        assert!(sot_eq(&role, &Value::from("spine")) && sot_eq(&Value::from("Spine"), &role));
        assert!(!sot_eq(&role, &Value::from("leaf")));
        assert!(sot_eq(&none, &Value::UNDEFINED));
    }
}
