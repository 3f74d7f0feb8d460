//! `sot site [PATH] [--out DIR] [--diff BASE]`.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_OK, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Any directory inside the inventory repository (default: the current one).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The output directory (default: `site` in the repository). It is replaced whole,
    /// and only if `sot` wrote it.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Mark what the working tree changes from this git revision (added, changed,
    /// removed objects, on the pages and the drawings).
    #[arg(long, value_name = "BASE")]
    diff: Option<String>,
    /// Print how long each step took (to standard error).
    #[arg(long, hide = true)]
    timings: bool,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, Failure> {
    let started = std::time::Instant::now();
    let (loaded, revision) = super::load_at(&args.path, None)?;
    let root = loaded.root.clone();
    let report = match &args.diff {
        None => None,
        Some(base_rev) => {
            let ids: sot::source::IdRegistry = Default::default();
            let (base, base_label) = match sot::load::load_revision_with(&root, base_rev, Some(ids.clone())) {
                Ok((l, id)) => (l, id),
                Err(sot::load::LoadError::NoProject(_)) => (
                    sot::load::Loaded {
                        root: root.clone(),
                        sources: sot::source::SourceSet::with_registry(ids.clone()),
                        config: loaded.config.clone(),
                        diagnostics: Vec::new(),
                    },
                    format!("{base_rev} (no {}: an empty inventory)", sot::load::PROJECT_FILE),
                ),
                Err(e) => return Err(e.into()),
            };
            let (head, _) = super::load_at_with(&args.path, None, Some(ids))?;
            fn input(l: &sot::load::Loaded, label: String) -> sot::diff::Input<'_> {
                sot::diff::Input {
                    label,
                    sources: &l.sources,
                    config: l.config.clone(),
                    diagnostics: l.diagnostics.clone(),
                }
            }
            let run = sot::diff::run(input(&base, base_label), input(&head, revision.revision.clone()));
            std::mem::forget(run.compiled);
            Some(run.report)
        }
    };
    let lap = |what: &str, since: std::time::Instant| {
        if args.timings {
            eprintln!("{:>8.3} s  {what}", since.elapsed().as_secs_f64());
        }
        std::time::Instant::now()
    };
    let t = lap("load (and compare with the base)", started);
    let opts = sot::compile::Options { keep_configs: true, ..Default::default() };
    let comp = sot::compile::compile_with(&loaded.sources, loaded.config.clone(), loaded.diagnostics, &opts);
    let t = lap("compile and render", t);
    let errors = comp.count(sot::diagnostic::Severity::Error);
    let site = sot::site::plan(
        &comp,
        &loaded.sources,
        &sot::site::Options { revision: revision.revision.clone(), diff: report.as_ref() },
    );
    let t = lap("build the pages", t);
    let out_dir = args.out.clone().unwrap_or_else(|| root.join("site"));
    let cfg = &comp.config;
    let inputs: Vec<&str> = (cfg.inventory.iter().chain(&cfg.device_types))
        .chain([&cfg.templates, &cfg.schemas])
        .map(|t| t.value.as_str())
        .collect();
    sot::emit::write::replace_dir(&out_dir, &root, &inputs, &site.artifacts)
        .map_err(|e| Failure::Message(e.to_string()))?;
    lap("write", t);
    let bytes: usize = site.artifacts.iter().map(|a| a.bytes.len()).sum();
    writeln!(
        out,
        "wrote {} pages ({:.1} MB) in {} in {:.1} s",
        site.pages,
        bytes as f64 / 1e6,
        out_dir.display(),
        started.elapsed().as_secs_f64()
    )?;
    if errors > 0 {
        eprintln!(
            "warning: the inventory has {errors} errors (listed on the site's diagnostics page; see `sot check`)"
        );
    }
    // The process ends now: freeing the compiled inventory would only delay it.
    std::mem::forget(comp);
    Ok(EXIT_OK)
}
