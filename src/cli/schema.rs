//! `sot schema [--out DIR]`: JSON Schemas of the data-file format.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_OK, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write `inventory.schema.json` and `device-type.schema.json` here
    /// (without it, the inventory schema goes to standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// A JSON Schema as written to a file: pretty, with a final newline.
pub(super) fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<u8, Failure> {
    let inventory = pretty(&sot::model::editor_schema::inventory_schema());
    let Some(dir) = a.out else {
        out.write_all(inventory.as_bytes())?;
        return Ok(EXIT_OK);
    };
    std::fs::create_dir_all(&dir).map_err(|e| Failure::Message(format!("{}: {e}", dir.display())))?;
    for (name, text) in [
        ("inventory.schema.json", inventory),
        ("device-type.schema.json", pretty(&sot::model::editor_schema::device_type_schema())),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| Failure::Message(format!("{}: {e}", p.display())))?;
        writeln!(out, "wrote {}", p.display())?;
    }
    Ok(EXIT_OK)
}
