//! Writing the output directory atomically.
//!
//! Everything is written to a staging directory beside the output, then moved
//! into place (on Linux swapped with the previous output in one atomic
//! `renameat2(RENAME_EXCHANGE)`, elsewhere by two renames); the previous output
//! is removed only after the new one is in place. Files whose content did not change are
//! hard links to the previous output's (see [`reuse`]). A failure (or a kill) at any
//! point leaves the previous output whole:
//! at worst a `.<name>.staging-*` or `.<name>.old-*` directory is left beside
//! it, which the next build removes. Staging names carry the process id, so
//! two builds running at once do not write into each other's files.

use std::io;
use std::path::{Path, PathBuf};

use super::Artifact;

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("refusing to replace {}: {why}", .path.display())]
    Unsafe { path: PathBuf, why: String },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Replace `out` with exactly `artifacts`. `repo` is the repository root,
/// which `out` must not be or contain.
pub fn replace_dir(out: &Path, repo: &Path, artifacts: &[Artifact]) -> Result<(), WriteError> {
    check_target(out, repo)?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_at(parent))?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "build".into());
    clean_leftovers(parent, &name);
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let previous = out.is_dir().then_some(out);
    let result = write_all(&staging, artifacts, previous);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        // Swap the new output in at once: a kill between two renames would leave no output.
        match exchange(&staging, out) {
            Ok(true) => {
                // `staging` now holds the previous output.
                let _ = std::fs::remove_dir_all(&staging);
                return Ok(());
            }
            Ok(false) => {}
            Err(source) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(WriteError::Io { path: out.to_path_buf(), source });
            }
        }
    }
    let old = parent.join(format!(".{name}.old-{pid}"));
    if out.exists() {
        std::fs::rename(out, &old).map_err(io_at(out))?;
    }
    if let Err(source) = std::fs::rename(&staging, out) {
        // Put the previous output back.
        let _ = std::fs::rename(&old, out);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(WriteError::Io { path: out.to_path_buf(), source });
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Swap two directories atomically (Linux `renameat2(RENAME_EXCHANGE)`). `Ok(false)`:
/// not supported here; the caller falls back to two renames.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::{CString, c_char, c_int, c_uint};
    use std::os::unix::ffi::OsStrExt;
    const AT_FDCWD: c_int = -100;
    const RENAME_EXCHANGE: c_uint = 2;
    unsafe extern "C" {
        fn renameat2(olddirfd: c_int, old: *const c_char, newdirfd: c_int, new: *const c_char, flags: c_uint) -> c_int;
    }
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are NUL-terminated strings that live across the call.
    if unsafe { renameat2(AT_FDCWD, a.as_ptr(), AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) } == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    // EINVAL, ENOSYS, EOPNOTSUPP: the filesystem or kernel cannot exchange.
    if matches!(e.raw_os_error(), Some(22 | 38 | 95)) { Ok(false) } else { Err(e) }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

fn write_all(dir: &Path, artifacts: &[Artifact], previous: Option<&Path>) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir).map_err(io_at(dir))?;
    let mut parents = std::collections::BTreeSet::new();
    for a in artifacts {
        let rel = Path::new(&a.path);
        // Artifact paths come from checked names; never let one climb out.
        if rel.is_absolute() || rel.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(WriteError::Unsafe {
                path: rel.to_path_buf(),
                why: "an artifact path leaves the output directory".into(),
            });
        }
        if let Some(p) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            parents.insert(p);
        }
    }
    for p in parents {
        let p = dir.join(p);
        std::fs::create_dir_all(&p).map_err(io_at(&p))?;
    }
    // One after the other: files of one directory are created under that directory's lock,
    // and parallel writers measured slower (they spin on it).
    for a in artifacts {
        let path = dir.join(&a.path);
        if previous.is_some_and(|p| reuse(&p.join(&a.path), &path, &a.bytes)) {
            continue;
        }
        std::fs::write(&path, &a.bytes).map_err(io_at(&path))?;
    }
    Ok(())
}

/// Hard-link `old`, a file of the previous output, to `new` when it already holds exactly
/// `bytes`. An unchanged file then keeps its inode and modification time, and no file is
/// created: on ext4, creating ten thousand files just after deleting ten thousand took
/// seconds of kernel time. The previous output is only read; anything unexpected (not a
/// regular file, other content, no hard links here) means writing the file anew.
///
/// Another build may swap the output directory between the read and the link, so that
/// `old` names another file by then: the link must be to the very file that was read.
/// That file is held open meanwhile (its inode cannot be reused), and a link to any other
/// is removed again.
fn reuse(old: &Path, new: &Path, bytes: &[u8]) -> bool {
    reuse_with(old, new, bytes, || {})
}

/// [`reuse`], calling `between` after the read and before the link (for tests).
fn reuse_with(old: &Path, new: &Path, bytes: &[u8], between: impl FnOnce()) -> bool {
    use std::io::Read;
    let Ok(meta) = std::fs::symlink_metadata(old) else { return false };
    if !meta.file_type().is_file() || meta.len() != bytes.len() as u64 {
        return false;
    }
    let Ok(mut file) = std::fs::File::open(old) else { return false };
    let Ok(read) = file.metadata() else { return false };
    let mut content = Vec::with_capacity(bytes.len());
    if file.read_to_end(&mut content).is_err() || content != bytes {
        return false;
    }
    between();
    if std::fs::hard_link(old, new).is_err() {
        return false;
    }
    if same_file(&read, new) {
        return true;
    }
    let _ = std::fs::remove_file(new);
    false
}

/// Whether `path` is the file `meta` describes (same device and inode).
#[cfg(unix)]
fn same_file(meta: &std::fs::Metadata, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino())
}

/// Elsewhere the file's identity cannot be compared: a link is never trusted.
#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &Path) -> bool {
    false
}

/// The output directory may not be the repository, contain it, or be a
/// directory that does not look like a previous build.
fn check_target(out: &Path, repo: &Path) -> Result<(), WriteError> {
    let unsafe_ = |why: &str| WriteError::Unsafe { path: out.to_path_buf(), why: why.into() };
    let abs =
        if out.is_absolute() { out.to_path_buf() } else { std::env::current_dir().map_err(io_at(out))?.join(out) };
    let abs = normalise(&abs);
    let repo = repo.canonicalize().unwrap_or_else(|_| repo.to_path_buf());
    if repo.starts_with(&abs) {
        return Err(unsafe_("it is the repository or contains it"));
    }
    if out.exists() {
        let empty = std::fs::read_dir(out).map_err(io_at(out))?.next().is_none();
        if !empty && !out.join("manifest.json").is_file() {
            return Err(unsafe_("it is not empty and holds no manifest.json of an earlier build"));
        }
    }
    Ok(())
}

/// Remove `.`/`..` components without touching the filesystem.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Staging and old directories of earlier builds whose process is gone.
fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let pid = n
            .strip_prefix(&format!(".{name}.staging-"))
            .or_else(|| n.strip_prefix(&format!(".{name}.old-")))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(path: &str, text: &str) -> Artifact {
        Artifact { path: path.into(), bytes: text.as_bytes().to_vec(), device: None }
    }

    #[test]
    fn replaces_the_whole_directory() {
        let repo = tempfile::tempdir().unwrap();
        let out = repo.path().join("build");
        replace_dir(&out, repo.path(), &[art("manifest.json", "{}"), art("configs/a.cfg", "a")]).unwrap();
        replace_dir(&out, repo.path(), &[art("manifest.json", "{}"), art("configs/b.cfg", "b")]).unwrap();
        assert!(!out.join("configs/a.cfg").exists());
        assert_eq!(std::fs::read_to_string(out.join("configs/b.cfg")).unwrap(), "b");
        let leftovers: Vec<_> = std::fs::read_dir(repo.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("build")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_keeps_unchanged_files_and_rewrites_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let repo = tempfile::tempdir().unwrap();
        let out = repo.path().join("build");
        let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        replace_dir(
            &out,
            repo.path(),
            &[art("manifest.json", "{}"), art("configs/a.cfg", "a"), art("configs/b.cfg", "b")],
        )
        .unwrap();
        let (a1, b1) = (ino("configs/a.cfg"), ino("configs/b.cfg"));
        replace_dir(
            &out,
            repo.path(),
            &[art("manifest.json", "{}"), art("configs/a.cfg", "a"), art("configs/b.cfg", "B")],
        )
        .unwrap();
        assert_eq!(ino("configs/a.cfg"), a1, "unchanged: the same file");
        assert_ne!(ino("configs/b.cfg"), b1, "changed: a new file");
        assert_eq!(std::fs::read_to_string(out.join("configs/a.cfg")).unwrap(), "a");
        assert_eq!(std::fs::read_to_string(out.join("configs/b.cfg")).unwrap(), "B");
        assert_eq!(std::fs::metadata(out.join("configs/a.cfg")).unwrap().nlink(), 1, "the old output is gone");
        // A file of the previous output that is not a regular file is never linked.
        std::fs::remove_file(out.join("configs/a.cfg")).unwrap();
        std::os::unix::fs::symlink(out.join("configs/b.cfg"), out.join("configs/a.cfg")).unwrap();
        replace_dir(
            &out,
            repo.path(),
            &[art("manifest.json", "{}"), art("configs/a.cfg", "B"), art("configs/b.cfg", "B")],
        )
        .unwrap();
        assert!(std::fs::symlink_metadata(out.join("configs/a.cfg")).unwrap().file_type().is_file());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_is_reused_only_if_the_link_is_to_the_file_that_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let (prev, staging) = (dir.path().join("out"), dir.path().join("staging"));
        std::fs::create_dir_all(&prev).unwrap();
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(prev.join("a.cfg"), "gen 1").unwrap();
        assert!(reuse(&prev.join("a.cfg"), &staging.join("a.cfg"), b"gen 1"));
        assert_eq!(std::fs::read_to_string(staging.join("a.cfg")).unwrap(), "gen 1");
        // Another build swaps its output in after the read: the path now names its file.
        let swapped = reuse_with(&prev.join("a.cfg"), &staging.join("b.cfg"), b"gen 1", || {
            std::fs::rename(&prev, dir.path().join("out.old")).unwrap();
            std::fs::create_dir_all(&prev).unwrap();
            std::fs::write(prev.join("a.cfg"), "gen 2").unwrap();
        });
        assert!(!swapped, "a link to the other build's file is not a reuse");
        assert!(!staging.join("b.cfg").exists(), "and it is removed again");
    }

    #[test]
    fn a_failed_write_leaves_the_previous_output() {
        let repo = tempfile::tempdir().unwrap();
        let out = repo.path().join("build");
        replace_dir(&out, repo.path(), &[art("manifest.json", "{}"), art("configs/a.cfg", "a")]).unwrap();
        let err = replace_dir(&out, repo.path(), &[art("manifest.json", "{}"), art("../escape.cfg", "x")]).unwrap_err();
        assert!(err.to_string().contains("leaves the output directory"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("configs/a.cfg")).unwrap(), "a");
        assert!(!repo.path().join("escape.cfg").exists());
    }

    #[test]
    fn refuses_to_replace_the_repository_or_a_foreign_directory() {
        let repo = tempfile::tempdir().unwrap();
        assert!(replace_dir(repo.path(), repo.path(), &[]).is_err());
        let foreign = repo.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("README.md"), "keep me").unwrap();
        assert!(replace_dir(&foreign, repo.path(), &[]).is_err());
        assert!(foreign.join("README.md").exists());
    }
}
