//! `sot query KIND [--where EXPR] [--fields a,b] [--format table|json|csv]`.

use std::io::Write;

use minijinja::{UndefinedBehavior, Value};

use super::{EXIT_OK, Failure};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to list: devices, interfaces, prefixes, ip_addresses, vlans, sites, racks, circuits...
    kind: String,
    /// A Jinja expression over the object (named by the singular of KIND, e.g. `device`).
    #[arg(long = "where")]
    where_: Option<String>,
    /// Comma-separated attribute paths to print (e.g. `name,site.slug,config_context.bgp.local_as`).
    #[arg(long)]
    fields: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    repo: super::RepoArgs,
}

fn default_fields(kind: &str) -> &'static str {
    match kind {
        "devices" => "name,site.slug,role.slug,platform.slug,status",
        "interfaces" => "device.name,name,type,description",
        "prefixes" => "prefix,vrf.name,site.slug,status",
        "ip_addresses" => "address,vrf.name,device,interface",
        "vlans" => "vid,name,site.slug,group.slug",
        "circuits" => "cid,provider,type,status",
        "cables" => "a,b,type,status",
        "device_types" => "model,slug",
        "vrfs" => "name,rd",
        "racks" => "name,site.slug,u_height",
        _ => "name,slug",
    }
}

/// A field value as text: none is empty, lists and maps are JSON.
fn cell(v: &Value) -> String {
    if v.is_none() || v.is_undefined() {
        return String::new();
    }
    match v.kind() {
        minijinja::value::ValueKind::Seq | minijinja::value::ValueKind::Map
            if v.as_object().is_none_or(|o| o.repr() != minijinja::value::ObjectRepr::Plain) =>
        {
            serde_json::to_string(v).unwrap_or_else(|_| v.to_string())
        }
        _ => v.to_string(),
    }
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<u8, Failure> {
    // The variable an object is bound to: a rule's, or the registry's singular word.
    let var: String = match sot::rules::singular(&a.kind) {
        Some(v) => v.to_string(),
        None => match sot::model::kind(&a.kind).filter(|k| sot::view::QUERYABLE.contains(&k.collection)) {
            Some(k) => k.variable(),
            None => String::new(),
        },
    };
    let var = var.as_str();
    if var.is_empty() {
        let hint = sot::diagnostic::did_you_mean(&a.kind, sot::view::QUERYABLE.iter().copied()).unwrap_or_default();
        return Err(Failure::Message(format!(
            "cannot query `{}`; {hint} (kinds: {})",
            a.kind,
            sot::view::QUERYABLE.join(", ")
        )));
    }
    let (_, comp) = super::compile_at(&a.repo)?;
    let mut env = sot::jinja::environment(&comp.config.render);
    // Missing attributes read as nothing, so `--where` can test optional data.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    let where_ = match &a.where_ {
        Some(w) => Some(env.compile_expression(w).map_err(|e| Failure::Message(format!("--where: {e}")))?),
        None => None,
    };
    let fields: Vec<String> = a
        .fields
        .as_deref()
        .unwrap_or(default_fields(&a.kind))
        .split(',')
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    let getters = fields
        .iter()
        .map(|f| {
            env.compile_expression_owned(format!("{var}.{f}"))
                .map_err(|e| Failure::Message(format!("--fields `{f}`: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let today = sot::jinja::today();
    let inventory = comp.world.inventory_value();
    let mut rows: Vec<Vec<Value>> = Vec::new();
    for obj in comp.world.objects(&a.kind) {
        let ctx: std::collections::BTreeMap<&str, Value> =
            [(var, obj), ("today", Value::from(today.clone())), ("inventory", inventory.clone())].into_iter().collect();
        if let Some(w) = &where_ {
            match w.eval(&ctx) {
                Ok(v) if v.is_true() => {}
                Ok(_) => continue,
                Err(e) => return Err(Failure::Message(format!("--where: {e}"))),
            }
        }
        let row = getters.iter().map(|g| g.eval(&ctx).unwrap_or_default()).collect();
        rows.push(row);
    }
    match a.format {
        Format::Json => {
            let list: Vec<serde_json::Map<String, serde_json::Value>> = rows
                .iter()
                .map(|r| {
                    fields
                        .iter()
                        .cloned()
                        .zip(r.iter().map(|v| serde_json::to_value(v).unwrap_or(serde_json::Value::Null)))
                        .collect()
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(&fields).map_err(|e| Failure::Message(e.to_string()))?;
            for r in &rows {
                w.write_record(r.iter().map(cell)).map_err(|e| Failure::Message(e.to_string()))?;
            }
            w.flush()?;
        }
        Format::Table => {
            let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(cell).collect()).collect();
            let widths: Vec<usize> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| cells.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).max(f.len()))
                .collect();
            let line = |vals: Vec<&str>| -> String {
                vals.iter()
                    .zip(&widths)
                    .map(|(v, w)| format!("{v:<w$}"))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(
                out,
                "{}",
                line(fields.iter().map(|f| f.to_uppercase()).collect::<Vec<_>>().iter().map(String::as_str).collect())
            )?;
            for r in &cells {
                writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
            }
            writeln!(out, "({} {})", cells.len(), a.kind)?;
        }
    }
    Ok(EXIT_OK)
}
