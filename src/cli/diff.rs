//! `sot diff [BASE] [HEAD]`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::{EXIT_OK, Failure};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The base revision (default: the merge base of HEAD with the default branch).
    base: Option<String>,
    /// The head revision (default: the working tree).
    head: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Size of the Markdown report in characters, 0 for no limit (a pull-request comment holds 65,536): detail that does not fit is left out, and the report says what.
    #[arg(long, default_value_t = sot::diff::output::DEFAULT_LIMIT)]
    limit: usize,
    /// Print how long each step took (to standard error).
    #[arg(long)]
    timings: bool,
    /// Any directory inside the inventory repository.
    #[arg(short = 'C', long = "path", default_value = ".")]
    path: PathBuf,
}

/// The merge base of HEAD and the default branch (origin's HEAD, else main, else master).
fn default_base(path: &std::path::Path) -> Result<String, Failure> {
    let git = |e: git2::Error| Failure::Message(format!("git: {}", sot::load::git_message(&e)));
    let repo = git2::Repository::discover(path).map_err(git)?;
    let head = repo.head().and_then(|h| h.peel_to_commit()).map_err(git)?.id();
    let default = [
        "refs/remotes/origin/HEAD",
        "refs/heads/main",
        "refs/heads/master",
        "refs/remotes/origin/main",
        "refs/remotes/origin/master",
    ]
    .iter()
    .find_map(|r| repo.find_reference(r).ok().and_then(|r| r.resolve().ok()).and_then(|r| r.peel_to_commit().ok()))
    .ok_or_else(|| {
        Failure::Message("no default branch (main, master or origin/HEAD) to diff against; name BASE".into())
    })?;
    let base = repo.merge_base(head, default.id()).map_err(git)?;
    Ok(base.to_string())
}

pub fn run(a: Args, color: bool, out: &mut dyn Write) -> Result<u8, Failure> {
    let base_rev = match &a.base {
        Some(b) => b.clone(),
        None => default_base(&a.path)?,
    };
    // One id registry for both sides: a file both hold unchanged is parsed once.
    let ids: sot::source::IdRegistry = Default::default();
    let t = std::time::Instant::now();
    // A base without `sot.yaml` (the pull request that adopts sot) is an empty inventory:
    // everything the head holds is new.
    let root = sot::load::find_root(&a.path)?;
    let base = match sot::load::load_revision_with(&root, &base_rev, Some(ids.clone())) {
        Ok((loaded, id)) => Some((loaded, id)),
        Err(sot::load::LoadError::NoProject(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let (head_loaded, head_rev_id) = super::load_at_with(&a.path, a.head.as_deref(), Some(ids.clone()))?;
    let (base_loaded, base_label) = match base {
        Some((loaded, id)) => (loaded, id),
        None => (
            sot::load::Loaded {
                root: head_loaded.root.clone(),
                sources: sot::source::SourceSet::with_registry(ids.clone()),
                config: head_loaded.config.clone(),
                diagnostics: Vec::new(),
            },
            format!("{base_rev} (no {}: an empty inventory)", sot::load::PROJECT_FILE),
        ),
    };
    let t_load = t.elapsed();
    if a.timings {
        eprintln!("{:>8.3} s  load both sides", t_load.as_secs_f64());
    }
    fn input(l: &sot::load::Loaded, label: String) -> sot::diff::Input<'_> {
        sot::diff::Input { label, sources: &l.sources, config: l.config.clone(), diagnostics: l.diagnostics.clone() }
    }
    let cpu_start = super::probe::cpu_time();
    let run = sot::diff::run(input(&base_loaded, base_label), input(&head_loaded, head_rev_id.revision));
    if a.timings {
        super::print_timings(&run.timings, cpu_start);
    }
    // The process ends after the report: freeing both compiled sides would only delay it.
    std::mem::forget(run.compiled);
    let report = run.report;
    let text = match a.format {
        Format::Text => sot::diff::output::text(&report, color && std::io::stdout().is_terminal()),
        Format::Markdown => sot::diff::output::markdown(&report, a.limit),
        Format::Json => sot::diff::output::json(&report),
    };
    out.write_all(text.as_bytes())?;
    Ok(EXIT_OK)
}
