//! `sot check [PATH]`.

use std::io::Write;
use std::path::PathBuf;

use sot::diagnostic::Severity;
use sot::report;

use super::{EXIT_ERRORS, EXIT_OK, Failure, Format};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Any directory inside the inventory repository (default: the current one).
    path: Option<PathBuf>,
    /// Any directory inside the inventory repository (as the positional PATH).
    #[arg(short = 'C', long = "path", value_name = "PATH", conflicts_with = "path")]
    dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors for the exit status.
    #[arg(long)]
    deny_warnings: bool,
    /// Check the inventory as it is in this git revision (no checkout).
    #[arg(long)]
    rev: Option<String>,
    /// Print how long each stage took (to standard error).
    #[arg(long)]
    timings: bool,
}

pub fn run(args: Args, color: bool, out: &mut dyn Write) -> Result<u8, Failure> {
    let start = std::time::Instant::now();
    let (loaded, _) =
        super::load_at(&args.path.clone().or(args.dir.clone()).unwrap_or_else(|| ".".into()), args.rev.as_deref())?;
    if args.timings {
        eprintln!("{:>8.3} s  load", start.elapsed().as_secs_f64());
    }
    let cpu_start = super::probe::cpu_time();
    let comp = sot::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
    if args.timings {
        super::print_timings(&comp.timings, cpu_start);
    }
    let summary = super::summary(&loaded.sources, &loaded.root, &comp);
    report::render(args.format.into(), &comp.diagnostics, &loaded.sources, summary, color, out)?;
    let failing = comp.count(Severity::Error) > 0 || (args.deny_warnings && comp.count(Severity::Warning) > 0);
    // The process ends here: freeing hundreds of megabytes of inventory piece by piece
    // would only delay the exit.
    std::mem::forget(comp);
    std::mem::forget(loaded.sources);
    Ok(if failing { EXIT_ERRORS } else { EXIT_OK })
}
