//! `sot init [DIR]`: a new inventory repository that checks clean.
//!
//! Writes a project file, a small inventory (a site, a rack, a device with addresses, two
//! config contexts), a device type in the devicetype-library layout, a template, a context
//! schema, the editor schemas the files' modelines name, `.gitignore`, a GitHub workflow and
//! a pre-commit configuration; runs `git init` unless DIR is already inside a repository.
//! It never overwrites: if any file it would write exists, it writes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{EXIT_FAILURE, EXIT_OK, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The directory of the new repository (created if missing; default: the current one).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

const GITIGNORE: &str =
    "# sot build output (sot build --out, `output` in sot.yaml)\n/build/\n# sot site output (sot site --out)\n/site/\n";

const PRE_COMMIT: &str = "\
# pre-commit (https://pre-commit.com): `sot check` before every commit.
# Uses the sot on PATH; `pre-commit install` turns it on.
repos:
  - repo: local
    hooks:
      - id: sot-check
        name: sot check
        entry: sot check
        language: system
        pass_filenames: false
        files: '(^sot\\.yaml$|\\.(ya?ml|j2|jinja2?|json)$)'
";

const README: &str = "\
# Network source of truth

This repository holds the network's source of truth as YAML, compiled by `sot`.

- `sot check`: load everything, resolve every reference, apply NetBox's rules and the
  schemas in `schemas/`, report every problem with its file:line:column.
- `sot build`: render each device's configuration (`templates/`) into `build/configs/`.
- `sot show device site1-leaf1 --explain`: the merged config context, and where each value
  came from.
- `sot diff main HEAD`: what a change does to objects, context values and configurations.

Where things live: `inventory/` (sites, devices, contexts), `device-types/` (one file per
model, in the community devicetype-library's layout), `templates/`, `schemas/`. Editors that
read `# yaml-language-server` modelines complete and check fields from `.sot/schema/`
(refresh it with `sot schema --out .sot/schema` after upgrading sot).
";

/// Every file `sot init` writes, relative to DIR, with its text.
fn files() -> Vec<(&'static str, String)> {
    use super::schema::pretty;
    vec![
        ("sot.yaml", include_str!("init/sot.yaml").to_string()),
        ("inventory/global.yaml", include_str!("init/global.yaml").to_string()),
        ("inventory/contexts.yaml", include_str!("init/contexts.yaml").to_string()),
        ("inventory/sites/site1.yaml", include_str!("init/site.yaml").to_string()),
        ("device-types/Arista/DCS-7010TX-48.yaml", include_str!("init/device-type.yaml").to_string()),
        ("templates/eos.j2", include_str!("init/eos.j2").to_string()),
        ("schemas/ntp.json", include_str!("init/ntp.json").to_string()),
        (".sot/schema/inventory.schema.json", pretty(&sot::model::editor_schema::inventory_schema())),
        (".sot/schema/device-type.schema.json", pretty(&sot::model::editor_schema::device_type_schema())),
        (".gitignore", GITIGNORE.to_string()),
        (".github/workflows/sot.yml", include_str!("../../examples/github/sot.yml").to_string()),
        (".pre-commit-config.yaml", PRE_COMMIT.to_string()),
        ("README.md", README.to_string()),
    ]
}

pub fn run(a: Args, out: &mut dyn Write) -> Result<u8, Failure> {
    let dir = &a.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::Message(format!("{}: not a directory", dir.display())));
    }
    let files = files();
    // Refuse before writing anything: a second run, or a directory that has some of these.
    let existing: Vec<String> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.symlink_metadata().is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        eprintln!("error: sot init writes nothing over existing files; these exist already:");
        for p in &existing {
            eprintln!("  {p}");
        }
        eprintln!("help: run `sot init` in a new or empty directory (`sot init NEW-DIR`)");
        return Ok(EXIT_FAILURE);
    }
    let mut written = Written::default();
    for (rel, text) in &files {
        if let Err(e) = written.write(dir, rel, text) {
            written.undo();
            return Err(Failure::Message(format!("{}: {e} (nothing was left behind)", dir.join(rel).display())));
        }
    }
    let initialised = match git2::Repository::discover(dir) {
        Ok(_) => false,
        Err(_) => match git2::Repository::init(dir) {
            Ok(_) => true,
            Err(e) => {
                written.undo();
                return Err(Failure::Message(format!(
                    "{}: git init: {} (nothing was left behind)",
                    dir.display(),
                    e.message()
                )));
            }
        },
    };
    for (rel, _) in &files {
        writeln!(out, "created {}", dir.join(rel).display())?;
    }
    if initialised {
        writeln!(out, "initialised a git repository in {}", dir.display())?;
    }
    let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
    writeln!(out, "\nnext: {cd}sot check && sot build")?;
    Ok(EXIT_OK)
}

/// What has been written so far, to take back if a later write fails.
#[derive(Default)]
struct Written {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Written {
    fn write(&mut self, dir: &Path, rel: &str, text: &str) -> std::io::Result<()> {
        let path = dir.join(rel);
        // Create each missing parent, remembering it, so that an undo removes only ours.
        let mut missing = Vec::new();
        let mut p = path.parent();
        while let Some(d) = p {
            if d.as_os_str().is_empty() || d.exists() {
                break;
            }
            missing.push(d.to_path_buf());
            p = d.parent();
        }
        for d in missing.into_iter().rev() {
            std::fs::create_dir(&d)?;
            self.dirs.push(d);
        }
        // `create_new`: never through a symlink, never over a file made since the check.
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        self.files.push(path);
        f.write_all(text.as_bytes())
    }

    fn undo(&self) {
        for f in self.files.iter().rev() {
            let _ = std::fs::remove_file(f);
        }
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}
