//! `sot query KIND [--where EXPR] [--fields a,b] [--format table|json|csv]`.

use std::io::Write;

use sot::query::cell;

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

pub fn run(a: Args, out: &mut dyn Write) -> Result<u8, Failure> {
    // An unknown kind fails before the inventory is compiled.
    sot::query::variable(&a.kind).map_err(Failure::Message)?;
    let (_, comp) = super::compile_at(&a.repo)?;
    let mut env = sot::jinja::environment(&comp.config.render);
    let sot::query::Rows { fields, rows } =
        sot::query::run(&comp.world, &mut env, &a.kind, a.where_.as_deref(), a.fields.as_deref())
            .map_err(Failure::Message)?;
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
