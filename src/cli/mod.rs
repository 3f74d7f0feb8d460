//! Commands. The library never prints or reads the environment; this layer
//! does both, and maps outcomes to exit codes: 0 no errors, 1 errors found,
//! 2 usage or I/O failure.

mod build;
mod check;
mod diff;
mod explain;
mod graph;
mod init;
mod ipam;
mod manual;
mod netbox;
mod probe;
mod pull;
mod query;
mod render;
mod schema;
mod show;
mod site;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// `sot --version`: the package version and the commit it was built from (`build.rs`).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("SOT_COMMIT"), ")");

#[derive(Parser, Debug)]
#[command(name = "sot", version = VERSION, about = "Compile a network source of truth kept as YAML in git")]
pub struct Cli {
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

/// A command-line mirror of a library enum: it derives clap's `ValueEnum` (so the library
/// does not depend on clap) and converts into the library's type. Variant doc comments are
/// the help of each value.
macro_rules! value_enum {
    ($(#[$m:meta])* $name:ident => $lib:path { $( $(#[$vm:meta])* $v:ident, )* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
        pub enum $name { $( $(#[$vm])* $v, )* }

        impl From<$name> for $lib {
            fn from(x: $name) -> $lib {
                match x { $( $name::$v => <$lib>::$v, )* }
            }
        }

        // The other way too, so that a variant the library gains and the mirror lacks is a
        // compile error, not an option the command line silently lacks.
        impl From<$lib> for $name {
            fn from(x: $lib) -> $name {
                match x { $( <$lib>::$v => $name::$v, )* }
            }
        }
    };
}

value_enum! {
    /// What `sot build` can produce besides configurations.
    Target => sot::emit::Target {
        /// An Ansible YAML inventory grouped by site, role and platform.
        Ansible,
        /// Nornir SimpleInventory hosts, groups and defaults files.
        Nornir,
        /// A NetBox import bundle: REST payloads per model in dependency order, and
        /// CSV files in NetBox's bulk-import format (`netbox/`).
        Netbox,
    }
}

value_enum! {
    Format => sot::report::Format {
        /// Source snippets with carets, for people.
        Human,
        /// One JSON document (see docs/json-output.md).
        Json,
        /// GitHub Actions workflow commands (annotations on the pull request).
        Github,
        /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
        Sarif,
        /// GitLab Code Quality JSON (a `codequality` report artifact of a merge request).
        Gitlab,
    }
}

value_enum! {
    GraphFormat => sot::graph::GraphFormat {
        Dot,
        Mermaid,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load, resolve and validate the inventory; report every problem.
    Check(check::Args),
    /// Render every device's configuration and write the build output.
    Build(build::Args),
    /// Print one device's configuration (writes nothing; `build` writes them all).
    Render(render::Args),
    /// What a change does: objects, merged context values and config lines, between two revisions.
    Diff(diff::Args),
    /// Write JSON Schemas of the data-file format (for editors).
    Schema(schema::Args),
    /// Draw the cabled topology (Graphviz DOT or Mermaid).
    Graph(graph::Args),
    /// Explain a diagnostic code (e.g. `sot explain E0202`).
    Explain(explain::Args),
    /// Show one object with its merged config context (and, with --explain, where each value came from).
    #[command(subcommand)]
    Show(show::Command),
    /// List objects matching an expression, with chosen fields.
    Query(query::Args),
    /// Write the inventory as a static web site: pages, rack elevations, topology, search.
    Site(site::Args),
    /// Free addresses and prefixes, and prefix utilisation.
    #[command(subcommand)]
    Ipam(ipam::Command),
    /// Feed a NetBox from the inventory.
    #[command(subcommand)]
    Netbox(netbox::Command),
    /// Start a new inventory repository that checks clean (refuses to overwrite).
    Init(init::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(manual::CompletionArgs),
    /// Write the man pages (roff) into a directory.
    Man(manual::ManArgs),
}

pub const EXIT_OK: u8 = 0;
pub const EXIT_ERRORS: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_FAILURE } else { EXIT_OK });
        }
    };
    crate::keep_freed_memory();
    probe::install();
    let color = use_color(cli.color);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Command::Check(args) => check::run(args, color, &mut out),
        Command::Explain(args) => explain::run(args, &mut out),
        Command::Build(args) => build::run(args, color, &mut out),
        Command::Graph(args) => graph::run(args, &mut out),
        Command::Diff(args) => diff::run(args, color, &mut out),
        Command::Render(args) => render::run(args, color, &mut out),
        Command::Schema(args) => schema::run(args, &mut out),
        Command::Ipam(cmd) => ipam::run(cmd, &mut out),
        Command::Show(cmd) => show::run(cmd, &mut out),
        Command::Query(args) => query::run(args, &mut out),
        Command::Site(args) => site::run(args, &mut out),
        Command::Netbox(cmd) => netbox::run(cmd, color, &mut out),
        Command::Init(args) => init::run(args, &mut out),
        Command::Completions(args) => manual::completions(args, &mut out),
        Command::Man(args) => manual::man(args, &mut out),
    };
    let _ = out.flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::BrokenPipe) => ExitCode::from(EXIT_OK),
        Err(Failure::Message(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

/// Load the inventory containing `path`: the working tree, or git revision `rev`.
pub fn load_at(
    path: &std::path::Path,
    rev: Option<&str>,
) -> Result<(sot::load::Loaded, sot::emit::SourceRevision), Failure> {
    load_at_with(path, rev, None)
}

/// [`load_at`] with file ids from a shared registry.
pub fn load_at_with(
    path: &std::path::Path,
    rev: Option<&str>,
    ids: Option<sot::source::IdRegistry>,
) -> Result<(sot::load::Loaded, sot::emit::SourceRevision), Failure> {
    let root = sot::load::find_root(path)?;
    match rev {
        None => {
            let loaded = sot::load::load_workdir_with(&root, ids)?;
            let revision =
                sot::emit::SourceRevision { revision: "working tree".into(), dirty: sot::load::workdir_dirty(&root) };
            Ok((loaded, revision))
        }
        Some(rev) => {
            let (loaded, id) = sot::load::load_revision_with(&root, rev, ids)?;
            Ok((loaded, sot::emit::SourceRevision { revision: id, dirty: None }))
        }
    }
}

/// Where to read the inventory: any directory inside the repository, at a git revision or not.
#[derive(clap::Args, Debug)]
pub struct RepoArgs {
    /// Any directory inside the inventory repository (as `-C`; default: the current one).
    #[arg(id = "dir", value_name = "PATH")]
    pub dir: Option<std::path::PathBuf>,
    /// Any directory inside the inventory repository (as the positional PATH).
    #[arg(short = 'C', long = "path", value_name = "PATH", conflicts_with = "dir")]
    pub path: Option<std::path::PathBuf>,
    /// Read the inventory as it is in this git revision (no checkout).
    #[arg(long)]
    pub rev: Option<String>,
}

impl RepoArgs {
    /// The directory named by PATH or `-C`, else the current one.
    pub fn dir(&self) -> std::path::PathBuf {
        self.dir.clone().or_else(|| self.path.clone()).unwrap_or_else(|| ".".into())
    }
}

/// Load and compile the inventory that `repo` names.
pub fn compile_at(repo: &RepoArgs) -> Result<(sot::load::Loaded, sot::compile::Compilation), Failure> {
    compile_path(&repo.dir(), repo.rev.as_deref())
}

/// Load and compile the inventory containing `path` (at `rev`, if given).
pub fn compile_path(
    path: &std::path::Path,
    rev: Option<&str>,
) -> Result<(sot::load::Loaded, sot::compile::Compilation), Failure> {
    let (mut loaded, _) = load_at(path, rev)?;
    let diags = std::mem::take(&mut loaded.diagnostics);
    let comp = sot::compile::compile(&loaded.sources, loaded.config.clone(), diags);
    let errors = comp.count(sot::diagnostic::Severity::Error);
    if errors > 0 {
        eprintln!("warning: the inventory has {errors} errors (see `sot check`); results may be incomplete");
    }
    Ok((loaded, comp))
}

/// The facts of the summary line under a report of `comp`'s diagnostics.
pub fn summary(
    sources: &sot::source::SourceSet,
    root: &std::path::Path,
    comp: &sot::compile::Compilation,
) -> sot::report::Summary {
    sot::report::Summary {
        files: sources.len(),
        objects: comp.inventory.object_count(),
        root: Some(sot::report::root_uri(root)),
    }
}

/// Why a command could not do its job (exit 2).
pub enum Failure {
    /// The reader went away (`sot check | head`): end quietly.
    BrokenPipe,
    Message(String),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe { Failure::BrokenPipe } else { Failure::Message(e.to_string()) }
    }
}

impl From<sot::load::LoadError> for Failure {
    fn from(e: sot::load::LoadError) -> Self {
        Failure::Message(e.to_string())
    }
}

/// `--timings`: each stage's wall time, the resident memory when it ended and how many
/// cores it kept busy on average (below the machine's core count, it waited). `cpu_start`
/// is the process's CPU time when the first stage began. CPU time is counted in 10 ms
/// ticks, so the cores of a stage shorter than 50 ms are not shown.
fn print_timings(laps: &[sot::compile::Lap], cpu_start: Option<std::time::Duration>) {
    let mut cpu_before = cpu_start;
    for lap in laps {
        let mib = lap.resident.map(|b| format!("{:>7} MiB  ", b >> 20)).unwrap_or_default();
        let cores = match (lap.cpu, cpu_before) {
            (Some(now), Some(before)) if lap.took >= std::time::Duration::from_millis(50) => {
                format!("{:>5.2} cores  ", now.saturating_sub(before).as_secs_f64() / lap.took.as_secs_f64())
            }
            _ => " ".repeat(13),
        };
        cpu_before = lap.cpu;
        eprintln!("{:>8.3} s  {mib}{cores}{}", lap.took.as_secs_f64(), lap.stage);
    }
}
