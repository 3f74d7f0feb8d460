//! `sot build [PATH] [--out DIR] [--target ansible|nornir…]`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use sot::diagnostic::Severity;
use sot::report;

use super::{EXIT_ERRORS, EXIT_OK, Failure, Format, Target};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Any directory inside the inventory repository (default: the current one).
    path: Option<PathBuf>,
    /// Any directory inside the inventory repository (as the positional PATH).
    #[arg(short = 'C', long = "path", value_name = "PATH", conflicts_with = "path")]
    dir: Option<PathBuf>,
    /// The output directory (default: sot.yaml's `output`, relative to the repository).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No longer accepted: a build is whole (a partial one replaced every other config).
    /// `sot render NAME` prints one device's configuration.
    #[arg(long = "device", value_name = "NAME", hide = true)]
    devices: Vec<String>,
    /// Also write an export for another tool (repeatable).
    #[arg(long = "target", value_enum)]
    targets: Vec<Target>,
    /// Resolve `secret("file:PATH")` from files under this directory (`env:NAME` reads
    /// the environment). Without it, `file:` secrets fail the build.
    #[arg(long)]
    secrets_dir: Option<PathBuf>,
    /// Build the inventory as it is in this git revision (no checkout).
    #[arg(long)]
    rev: Option<String>,
    /// How to print diagnostics if the inventory has errors.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// The largest secret file read, in bytes.
const MAX_SECRET_FILE: u64 = 64 * 1024;

/// `env:NAME` from the environment; `file:PATH` from a regular file under `dir` (never
/// outside it, never a FIFO or device that could block or stream forever).
fn resolver(dir: Option<PathBuf>) -> sot::template::SecretResolver {
    std::sync::Arc::new(move |reference: &str| {
        if let Some(name) = reference.strip_prefix("env:") {
            return std::env::var(name).map_err(|_| format!("the environment variable `{name}` is not set"));
        }
        let Some(rel) = reference.strip_prefix("file:") else { return Err("unknown kind of secret".into()) };
        let Some(dir) = &dir else { return Err("file secrets need --secrets-dir".into()) };
        let rel_path = std::path::Path::new(rel);
        if rel_path.is_absolute() || rel_path.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err("the path must stay inside --secrets-dir".into());
        }
        let base = dir.canonicalize().map_err(|e| format!("--secrets-dir: {e}"))?;
        let path = base.join(rel_path).canonicalize().map_err(|_| "no such secret file".to_string())?;
        if !path.starts_with(&base) {
            return Err("the path must stay inside --secrets-dir".into());
        }
        read_secret_file(&path)
    })
}

/// A secret file's text without its final line end. Opened without blocking (a FIFO put
/// in the file's place would otherwise wait for a writer), then refused unless it is a
/// regular file of at most [`MAX_SECRET_FILE`] bytes.
fn read_secret_file(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|_| "the secret file cannot be read".to_string())?;
    let meta = file.metadata().map_err(|_| "the secret file cannot be read".to_string())?;
    if !meta.is_file() {
        return Err("the secret is not a regular file".into());
    }
    if meta.len() > MAX_SECRET_FILE {
        return Err(format!("the secret file is larger than {MAX_SECRET_FILE} bytes"));
    }
    let mut text = String::new();
    file.take(MAX_SECRET_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|_| "the secret file cannot be read as UTF-8 text".to_string())?;
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

pub fn run(args: Args, color: bool, out: &mut dyn Write) -> Result<u8, Failure> {
    if let Some(name) = args.devices.first() {
        return Err(Failure::Message(format!(
            "`sot build` writes every device's configuration (a build is whole); `sot render {name}` prints one"
        )));
    }
    let (loaded, revision) =
        super::load_at(&args.path.clone().or(args.dir.clone()).unwrap_or_else(|| ".".into()), args.rev.as_deref())?;
    let root = loaded.root.clone();
    let devices = loaded.sources.len();
    let bar = (std::io::stderr().is_terminal() && devices > 0).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("rendering {bar:40} {pos}/{len} devices")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let opts = sot::compile::Options {
        keep_configs: true,
        progress: Some(&tick),
        secrets: Some(resolver(args.secrets_dir.clone())),
        ..Default::default()
    };
    let comp = sot::compile::compile_with(&loaded.sources, loaded.config.clone(), loaded.diagnostics, &opts);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let errors = comp.count(Severity::Error);
    if errors > 0 {
        let summary = super::summary(&loaded.sources, &loaded.root, &comp);
        report::render(args.format.into(), &comp.diagnostics, &loaded.sources, summary, color, out)?;
        eprintln!("error: the inventory has {errors} errors; nothing was written");
        return Ok(EXIT_ERRORS);
    }
    let mut targets: Vec<sot::emit::Target> = args.targets.iter().map(|&t| t.into()).collect();
    targets.sort();
    targets.dedup();
    let plan = sot::emit::plan(&comp, &loaded.sources, &revision, &targets, &args.devices);
    let out_dir = args.out.clone().unwrap_or_else(|| root.join(comp.config.output.as_str()));
    let cfg = &comp.config;
    let inputs: Vec<&str> = (cfg.inventory.iter().chain(&cfg.device_types))
        .chain([&cfg.templates, &cfg.schemas])
        .map(|t| t.value.as_str())
        .collect();
    sot::emit::write::replace_dir(&out_dir, &root, &inputs, &plan.artifacts)
        .map_err(|e| Failure::Message(e.to_string()))?;
    let configs = if plan.rendered == 1 { "device config" } else { "device configs" };
    writeln!(out, "built {} {configs} in {}", plan.rendered, out_dir.display())?;
    if !plan.without_template.is_empty() {
        writeln!(out, "no template for {} devices: {}", plan.without_template.len(), plan.without_template.join(", "))?;
    }
    for t in &targets {
        writeln!(out, "wrote the {} export", format!("{t:?}").to_lowercase())?;
    }
    Ok(EXIT_OK)
}
