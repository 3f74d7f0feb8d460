//! `sot completions SHELL` and `sot man --out DIR`: shell completions and man pages, both
//! generated from the clap definitions, so they cannot drift from the binary. The release
//! archives carry the man pages of `docs/man/` (a test keeps that folder current).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_OK, Failure};

#[derive(clap::Args, Debug)]
pub struct CompletionArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// The directory to write `sot.1` and one `sot-COMMAND.1` page per command into
    /// (created if missing; pages of those names are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn completions(a: CompletionArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "sot", &mut buf);
    out.write_all(&buf)?;
    Ok(EXIT_OK)
}

/// The command tree the man pages describe: the package version without the commit, so
/// that pages generated at two commits of one release are the same.
pub fn man_command() -> clap::Command {
    Cli::command().version(env!("CARGO_PKG_VERSION"))
}

/// Write every page into `dir`; the names written, in order.
pub fn write_man_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(man_command(), dir)?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .collect();
    pages.sort();
    Ok(pages)
}

pub fn man(a: ManArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let pages = write_man_pages(&a.out).map_err(|e| Failure::Message(format!("{}: {e}", a.out.display())))?;
    writeln!(out, "wrote {} man pages in {}", pages.len(), a.out.display())?;
    Ok(EXIT_OK)
}
