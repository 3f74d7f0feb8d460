//! `sot render DEVICE [-C PATH] [--rev REV]`: one device's configuration on standard output.
//!
//! `sot build` writes the whole build (every configuration, the manifest, the exports);
//! looking at one device is this command's job, and it writes nothing. Secrets are not
//! resolved: `secret(...)` renders a placeholder, so the output can be shared.

use std::io::Write;

use sot::diagnostic::Severity;
use sot::report::{self, Format};

use super::{EXIT_ERRORS, EXIT_OK, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The device whose configuration to print.
    device: String,
    #[command(flatten)]
    repo: super::RepoArgs,
}

pub fn run(a: Args, color: bool, out: &mut dyn Write) -> Result<u8, Failure> {
    let (loaded, _) = super::load_at(&a.repo.dir(), a.repo.rev.as_deref())?;
    // Only this device is rendered (and only its config contexts merged for its template).
    let opts = sot::compile::Options { keep_configs: true, device: Some(&a.device), ..Default::default() };
    let comp = sot::compile::compile_with(&loaded.sources, loaded.config, loaded.diagnostics, &opts);
    let errors = comp.count(Severity::Error);
    if errors > 0 {
        let summary = super::summary(&loaded.sources, &loaded.root, &comp);
        report::render(Format::Human, &comp.diagnostics, &loaded.sources, summary, color, &mut std::io::stderr())?;
        return Ok(EXIT_ERRORS);
    }
    let Ok(id) = sot::resolve::find_device(&a.device, &comp.inventory, &comp.index) else {
        let hint = sot::diagnostic::did_you_mean(&a.device, comp.index.devices.keys().map(String::as_str))
            .map_or(String::new(), |h| format!("; {h}"));
        return Err(Failure::Message(format!("no device `{}` in the inventory{hint}", a.device)));
    };
    match comp.configs.as_ref().and_then(|c| c[id.index()].as_deref()) {
        Some(config) => out.write_all(config.as_bytes())?,
        None => {
            return Err(Failure::Message(format!(
                "device `{}` has no config template (its role and platform name none)",
                a.device
            )));
        }
    }
    Ok(EXIT_OK)
}
