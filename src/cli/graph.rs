//! `sot graph [--format dot|mermaid] [--site S]`.

use std::io::Write;

use super::GraphFormat;

use super::{EXIT_OK, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Only links with an end at this site (by slug).
    #[arg(long)]
    site: Option<String>,
    #[command(flatten)]
    repo: super::RepoArgs,
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<u8, Failure> {
    let (_, comp) = super::compile_at(&a.repo)?;
    let site = match &a.site {
        None => None,
        Some(s) => match comp.index.sites.get(s) {
            Some(&id) => Some(id),
            None => {
                let hint = sot::diagnostic::did_you_mean(s, comp.index.sites.keys().map(String::as_str))
                    .map_or(String::new(), |h| format!("; {h}"));
                return Err(Failure::Message(format!("no site `{s}` in the inventory{hint}")));
            }
        },
    };
    out.write_all(sot::graph::topology(&comp.world, site, a.format.into()).as_bytes())?;
    Ok(EXIT_OK)
}
