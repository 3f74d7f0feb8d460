//! `sot netbox pull --url URL --token T --out DIR [--force]`: the NetBox read by
//! `sot::netbox::pull`, written as a repository atomically: into a temporary
//! folder beside DIR, then renamed into place, so DIR is never half written.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::netbox::PullArgs;
use super::{EXIT_FAILURE, EXIT_OK, Failure};

pub fn run(args: PullArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let dir = args.out().to_path_buf();
    // Refuse before anything is read from NetBox.
    if !args.force() && is_non_empty(&dir)? {
        return Err(Failure::Message(format!(
            "{} exists and is not empty; pull into a new directory, or give --force to replace it",
            dir.display()
        )));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::Message(format!("{} exists and is not a directory", dir.display())));
    }
    let (client, redactor) = args.client()?;
    let pulled = match sot::netbox::pull::pull(&client) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {}\nnote: nothing was written", redactor.text(&e.to_string()));
            return Ok(EXIT_FAILURE);
        }
    };
    write_atomically(&dir, &pulled.files, args.force())
        .map_err(|e| Failure::Message(format!("{}: {e}; nothing was written", dir.display())))?;

    let mut buf: Vec<u8> = Vec::new();
    if args.json() {
        let doc = json!({
            "url": client.base(),
            "netbox_version": pulled.netbox_version,
            "out": dir.display().to_string(),
            "files": pulled.files.len(),
            "pulled": pulled.pulled,
            "not_pulled": pulled.not_pulled,
            "fields_not_pulled": pulled.fields_not_pulled,
            "notes": pulled.notes,
        });
        serde_json::to_writer_pretty(&mut buf, &redactor.value(doc)).map_err(|e| Failure::Message(e.to_string()))?;
        writeln!(buf)?;
    } else {
        let total: usize = pulled.pulled.values().sum();
        writeln!(
            buf,
            "NetBox {} at {}: {total} objects pulled into {} ({} files)",
            pulled.netbox_version,
            client.base(),
            dir.display(),
            pulled.files.len()
        )?;
        for (k, n) in &pulled.pulled {
            writeln!(buf, "    {k}: {n}")?;
        }
    }
    out.write_all(redactor.text(&String::from_utf8_lossy(&buf)).as_bytes())?;
    out.flush()?;
    if !args.json() {
        if !pulled.not_pulled.is_empty() {
            eprintln!("warning: objects sot cannot express yet were not pulled:");
            for (k, n) in &pulled.not_pulled {
                eprintln!("    {k}: {n}");
            }
        }
        if !pulled.fields_not_pulled.is_empty() {
            eprintln!("warning: fields sot cannot express yet were not pulled (objects holding a value):");
            for (k, n) in &pulled.fields_not_pulled {
                eprintln!("    {k}: {n}");
            }
        }
        for n in &pulled.notes {
            eprintln!("note: {}", redactor.text(n));
        }
    }
    Ok(EXIT_OK)
}

fn is_non_empty(dir: &Path) -> Result<bool, Failure> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(true),
        Err(e) => Err(Failure::Message(format!("{}: {e}", dir.display()))),
    }
}

/// Writes `files` into a new folder beside `dir`, then puts it in `dir`'s place
/// (a `.git` inside the old `dir` moves over). On any error the temporary folder is
/// removed and `dir` is as it was.
fn write_atomically(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
    force: bool,
) -> std::io::Result<()> {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "pull".into());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let tmp = parent.join(format!(".{name}.sot-pull-{}", std::process::id()));
    let old = parent.join(format!(".{name}.sot-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let fill = || -> std::io::Result<()> {
        std::fs::create_dir(&tmp)?;
        for (path, text) in files {
            // Paths are made by the pull from safe file names; never absolute or `..`.
            let rel = Path::new(path);
            if rel.is_absolute() || rel.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
                return Err(std::io::Error::other(format!("refusing to write {path}")));
            }
            let to = tmp.join(rel);
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(&to, text)?;
        }
        std::fs::create_dir_all(tmp.join("schemas"))?;
        Ok(())
    };
    if let Err(e) = fill() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        if force
            && dir.join(".git").exists()
            && let Err(e) = std::fs::rename(dir.join(".git"), tmp.join(".git"))
        {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        if let Err(e) = std::fs::rename(dir, &old) {
            if tmp.join(".git").exists() {
                let _ = std::fs::rename(tmp.join(".git"), dir.join(".git"));
            }
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        if let Err(e) = std::fs::rename(&tmp, dir) {
            let _ = std::fs::rename(&old, dir);
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&tmp, dir).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&tmp);
        })?;
    }
    Ok(())
}
