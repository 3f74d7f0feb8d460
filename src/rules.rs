//! Team rules: Jinja expressions checked against every object they apply to.
//!
//! A rule names a collection (`applies_to`), optionally narrows it (`where`),
//! and states what must hold (`assert`); `message` is a template. Expressions
//! are compiled once; a syntax error or a variable other than the rule's object
//! (`device`, `interface`...), `today` and `inventory` is reported at the rule
//! before anything is evaluated.

use std::sync::Arc;

use minijinja::Value;
use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::model::{Kind, KindVisitor, Rule, Text, each_kind};
use crate::view::World;

/// The variable a rule's object is bound to, by collection: the registry's singular
/// word (`ip_address`), for the collections of network objects and interfaces.
pub fn singular(collection: &str) -> Option<&'static str> {
    static VARS: std::sync::LazyLock<Vec<(&'static str, String)>> = std::sync::LazyLock::new(|| {
        let kinds = crate::model::KINDS.iter().copied().chain([&crate::model::INTERFACE]);
        kinds.filter(|k| k.is_network_object()).map(|k| (k.collection, k.variable())).collect()
    });
    VARS.iter().find(|(c, _)| *c == collection).map(|(_, v)| v.as_str())
}

/// Where each object of a collection is written, in [`World::objects`] order.
fn spans(w: &World, collection: &str) -> Vec<Span> {
    let inv = &w.inventory;
    if collection == "interfaces" {
        // An interface from a device type has no place of its own: point at its device.
        return inv
            .devices
            .iter()
            .flat_map(|d| d.interfaces.iter().map(|i| if i.inline { i.name.span } else { d.name.span }))
            .collect();
    }
    struct Spans<'a> {
        inv: &'a crate::model::Inventory,
        collection: &'a str,
        out: Vec<Span>,
    }
    impl KindVisitor for Spans<'_> {
        fn visit<K: Kind>(&mut self) {
            if K::INFO.collection == self.collection {
                self.out = K::all(self.inv).iter().map(Kind::span).collect();
            }
        }
    }
    let mut v = Spans { inv, collection, out: Vec::new() };
    each_kind(&mut v);
    v.out
}

fn invalid(t: &Text, what: &str, err: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::new(Code::RuleInvalid, t.span, format!("rule {what} does not compile: {err}"))
        .label("invalid expression")
}

/// Check every rule against the objects it applies to.
pub fn check(world: &Arc<World>) -> Vec<Diagnostic> {
    let env = crate::jinja::environment(&world.config.render);
    let today = crate::jinja::today();
    let mut out = Vec::new();
    for rule in &world.inventory.rules {
        out.extend(check_rule(world, &env, rule, &today));
    }
    out
}

fn check_rule(world: &Arc<World>, env: &minijinja::Environment<'static>, rule: &Rule, today: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(var) = singular(&rule.applies_to.value) else {
        if crate::model::COLLECTIONS.contains(&rule.applies_to.as_str()) {
            out.push(
                Diagnostic::new(Code::RuleInvalid, rule.applies_to.span, format!("rules cannot apply to `{}`", rule.applies_to.value))
                    .label("not a collection of network objects")
                    .help("rules apply to devices, interfaces, prefixes, ip_addresses, vlans, sites, racks, circuits, cables..."),
            );
        }
        return out;
    };
    let allowed = [var, "today", "inventory"];
    let named = |what: &str| format!("`{}`: {what}", rule.name.value);
    let where_ = match &rule.where_ {
        Some(w) => match compile_expr(env, w, &named("`where`"), &allowed, &mut out) {
            Some(e) => Some(e),
            None => return out,
        },
        None => None,
    };
    let Some(assert) = compile_expr(env, &rule.assert, &named("`assert`"), &allowed, &mut out) else { return out };
    let message = match &rule.message {
        Some(m) => match env.template_from_str(m.as_str()) {
            Ok(t) => {
                let unknown = unknown_vars(t.undeclared_variables(false), &allowed);
                if !unknown.is_empty() {
                    out.push(unknown_var(m, &named("`message`"), &unknown, var, &allowed));
                    return out;
                }
                Some(t)
            }
            Err(e) => {
                out.push(invalid(m, &named("`message`"), e));
                return out;
            }
        },
        None => None,
    };
    let severity = match rule.severity.as_ref().map(|s| s.as_str()) {
        None | Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        Some(other) => {
            let s = rule.severity.as_ref().expect("matched Some");
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    s.span,
                    format!("rule severity must be `error` or `warning`, not `{other}`"),
                )
                .label("unknown severity"),
            );
            Severity::Error
        }
    };
    let objects = world.objects(&rule.applies_to.value);
    let spans = spans(world, &rule.applies_to.value);
    let is_interface = rule.applies_to.value == "interfaces";
    let inventory = world.inventory_value();
    let found: Vec<Diagnostic> = objects
        .par_iter()
        .zip(spans.par_iter())
        .filter_map(|(obj, &span)| {
            let ctx =
                crate::view::map([(var, obj.clone()), ("today", Value::from(today)), ("inventory", inventory.clone())]);
            let eval = |e: &minijinja::Expression<'_, '_>| e.eval(&ctx);
            if let Some(w) = &where_ {
                match eval(w) {
                    Ok(v) if !v.is_true() => return None,
                    Ok(_) => {}
                    Err(e) => return Some(runtime(rule, obj, span, "`where`", &e)),
                }
            }
            match eval(&assert) {
                Ok(v) if v.is_true() => None,
                Ok(_) => {
                    let text = match &message {
                        Some(t) => t.render(&ctx).unwrap_or_else(|e| format!("{} ({e})", rule.name.value)),
                        None => format!("`{}` does not hold", rule.assert.value),
                    };
                    let who = if is_interface {
                        format!("{}:{obj}", obj.get_attr("device").unwrap_or_default())
                    } else {
                        obj.to_string()
                    };
                    let mut d = Diagnostic::new(Code::RuleFailed, span, format!("{who}: {text}"))
                        .label(format!("rule `{}` fails here", rule.name.value))
                        .related(rule.assert.span, "the rule asserts this");
                    d.severity = severity;
                    Some(d)
                }
                Err(e) => Some(runtime(rule, obj, span, "`assert`", &e)),
            }
        })
        .collect();
    out.extend(found);
    out
}

fn unknown_vars(vars: std::collections::HashSet<String>, allowed: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vars.into_iter().filter(|v| !allowed.contains(&v.as_str())).collect();
    v.sort();
    v
}

fn unknown_var(t: &Text, what: &str, unknown: &[String], var: &str, allowed: &[&str]) -> Diagnostic {
    Diagnostic::new(Code::RuleInvalid, t.span, format!("rule {what} uses unknown variable `{}`", unknown.join("`, `")))
        .label(format!("only `{var}`, `today` and `inventory` are defined here"))
        .help_opt(crate::diagnostic::did_you_mean(&unknown[0], allowed.iter().copied()))
}

/// Compile an expression and check that it uses only `allowed` variables.
fn compile_expr<'e, 's>(
    env: &'e minijinja::Environment<'static>,
    t: &'s Text,
    what: &str,
    allowed: &[&str],
    out: &mut Vec<Diagnostic>,
) -> Option<minijinja::Expression<'e, 's>> {
    match env.compile_expression(t.as_str()) {
        Ok(e) => {
            let unknown = unknown_vars(e.undeclared_variables(false), allowed);
            if unknown.is_empty() {
                return Some(e);
            }
            out.push(unknown_var(t, what, &unknown, allowed[0], allowed));
            None
        }
        Err(e) => {
            out.push(invalid(t, what, e));
            None
        }
    }
}

fn runtime(rule: &Rule, obj: &Value, span: Span, what: &str, e: &minijinja::Error) -> Diagnostic {
    Diagnostic::new(Code::RuleInvalid, span, format!("rule `{}` {what} fails on {obj}: {e}", rule.name.value))
        .label("evaluating the rule failed for this object")
        .related(rule.assert.span, "the rule")
        .help("guard optional values, e.g. `device.platform and device.platform.slug == 'eos'`")
}
