//! Writing the output directory atomically, and only a directory that is ours.
//!
//! Everything is written to a fresh staging directory beside the output, then moved
//! into place (on Linux swapped with the previous output in one atomic
//! `renameat2(RENAME_EXCHANGE)`, elsewhere by two renames); the previous output
//! is removed only after the new one is in place. Files whose content did not change are
//! hard links to the previous output's (see [`reuse`]). A failure (or a kill) at any
//! point leaves the previous output whole: at worst a `.<name>.staging-*` or
//! `.<name>.old-*` directory is left beside it, which the next build removes.
//!
//! Ownership: `sot` replaces only a directory that it wrote, which holds its marker file
//! [`MARKER`]; any other non-empty directory is refused, as are a symlink, the
//! repository, an ancestor of it, and a place inside the inventory's input folders. The
//! output's real path (symlinks resolved) is what these checks see.
//!
//! Builds into one parent directory take turns: each holds an exclusive lock on that
//! directory (`flock`) while it cleans up, writes and swaps. A leftover staging or old
//! directory found under the lock therefore belongs to a build that is gone, whatever
//! process-id namespace it ran in. Staging directories are created fresh with a unique
//! name (`mkdir` fails if the name exists): one is never reused.

use std::io;
use std::path::{Component, Path, PathBuf};

use super::Artifact;

/// The file that marks a directory as `sot build`'s output.
pub const MARKER: &str = ".sot-build";

const MARKER_TEXT: &str = "This directory is the output of `sot build`, which replaces it whole on every build.\n";

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("refusing to write the output to {}: {why}", .path.display())]
    Unsafe { path: PathBuf, why: String },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Replace `out` with exactly `artifacts`. `repo` is the repository root, which `out`
/// must not be or contain; `inputs` are the folders the inventory is read from (relative
/// to `repo`), which `out` must not be inside.
pub fn replace_dir(out: &Path, repo: &Path, inputs: &[&str], artifacts: &[Artifact]) -> Result<(), WriteError> {
    let out = check_target(out, repo, inputs)?;
    let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
    std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "build".into());
    let _turn = lock(&parent)?;
    // Under the lock, the output's state is settled: check it again (another build, or
    // anyone, may have changed it since).
    let out = check_target(&out, repo, inputs)?;
    clean_leftovers(&parent, &name);
    let staging = fresh_dir(&parent, &format!(".{name}.staging-"))?;
    let previous = out.is_dir().then_some(out.as_path());
    let result = write_all(&staging, artifacts, previous);
    if let Err(e) = result {
        remove_ours(&staging);
        return Err(e);
    }
    if out.exists() {
        // Swap the new output in at once: a kill between two renames would leave no output.
        match exchange(&staging, &out) {
            Ok(true) => {
                // `staging` now holds the previous output.
                remove_ours(&staging);
                return Ok(());
            }
            Ok(false) => {}
            Err(source) => {
                remove_ours(&staging);
                return Err(WriteError::Io { path: out.to_path_buf(), source });
            }
        }
    }
    let old = unique_name(&parent, &format!(".{name}.old-"));
    if out.exists() {
        std::fs::rename(&out, &old).map_err(io_at(&out))?;
    }
    if let Err(source) = std::fs::rename(&staging, &out) {
        // Put the previous output back.
        let _ = std::fs::rename(&old, &out);
        remove_ours(&staging);
        return Err(WriteError::Io { path: out.to_path_buf(), source });
    }
    remove_ours(&old);
    Ok(())
}

/// A name beginning with `prefix` that nothing in `parent` has (process id and a counter
/// make it unlikely to be taken; [`fresh_dir`] makes sure).
fn unique_name(parent: &Path, prefix: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    parent.join(format!("{prefix}{}-{nanos:x}{n:x}", std::process::id()))
}

/// A new, empty directory of ours: created exclusively (`mkdir` fails on any existing
/// name, a planted directory or symlink included), with the marker in it.
fn fresh_dir(parent: &Path, prefix: &str) -> Result<PathBuf, WriteError> {
    for _ in 0..100 {
        let dir = unique_name(parent, prefix);
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                write_new(&dir.join(MARKER), MARKER_TEXT.as_bytes(), false)?;
                return Ok(dir);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(WriteError::Io { path: dir, source: e }),
        }
    }
    Err(WriteError::Unsafe {
        path: parent.to_path_buf(),
        why: "no fresh name for a staging directory could be made".into(),
    })
}

/// Create `path`, which must not exist yet (never written through a planted file or
/// symlink); with `private`, readable by its owner only.
fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<(), WriteError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if private { 0o600 } else { 0o666 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = opts.open(path).map_err(io_at(path))?;
    f.write_all(bytes).map_err(io_at(path))
}

/// Builds writing into `parent` take turns: an exclusive lock on the directory itself,
/// released when the returned handle is dropped (or the process dies).
#[cfg(unix)]
fn lock(parent: &Path) -> Result<std::fs::File, WriteError> {
    let dir = std::fs::File::open(parent).map_err(io_at(parent))?;
    dir.lock().map_err(io_at(parent))?;
    Ok(dir)
}

/// Elsewhere a directory cannot be opened as a file: no lock, and [`clean_leftovers`]
/// removes nothing (without a lock, a leftover cannot be told from a live build).
#[cfg(not(unix))]
fn lock(_: &Path) -> Result<(), WriteError> {
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
    let mut parents = std::collections::BTreeSet::new();
    for a in artifacts {
        let rel = Path::new(&a.path);
        // Artifact paths come from checked names; never let one climb out.
        if rel.is_absolute() || rel.components().any(|c| !matches!(c, Component::Normal(_))) || a.path == MARKER {
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
        // A file holding secrets is always written anew, owner-only: a link would keep
        // the previous file's permissions.
        if !a.secret && previous.is_some_and(|p| reuse(&p.join(&a.path), &path, &a.bytes)) {
            continue;
        }
        write_new(&path, &a.bytes, a.secret)?;
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

/// Where the output goes, its symlinks resolved: refused if it is a symlink, the
/// repository or an ancestor of it, inside one of the input folders, not a directory, or
/// a non-empty directory without [`MARKER`].
fn check_target(out: &Path, repo: &Path, inputs: &[&str]) -> Result<PathBuf, WriteError> {
    let refuse = |why: String| WriteError::Unsafe { path: out.to_path_buf(), why };
    let meta = std::fs::symlink_metadata(out);
    if meta.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
        let to = std::fs::read_link(out).map(|t| format!(" (to {})", t.display())).unwrap_or_default();
        return Err(refuse(format!(
            "it is a symbolic link{to}; sot replaces the output directory whole and will not \
             replace a link: name the real directory, or remove the link"
        )));
    }
    let real = real_path(out).map_err(io_at(out))?;
    let repo = repo.canonicalize().map_err(io_at(repo))?;
    if repo.starts_with(&real) {
        return Err(refuse("it is the repository or contains it".into()));
    }
    if real.starts_with(repo.join(".git")) {
        return Err(refuse("it is inside the repository's .git directory".into()));
    }
    for input in inputs {
        let dir = real_path(&repo.join(input)).map_err(io_at(&repo.join(input)))?;
        if real.starts_with(&dir) || dir.starts_with(&real) {
            return Err(refuse(format!(
                "it is inside or contains `{input}`, a folder the inventory is read from: its files \
                 would be read back as input"
            )));
        }
    }
    match meta {
        Ok(m) if !m.is_dir() => Err(refuse("it is not a directory".into())),
        Ok(_) => {
            let empty = std::fs::read_dir(&real).map_err(io_at(&real))?.next().is_none();
            if !empty && !is_ours(&real) {
                return Err(refuse(format!(
                    "it is not empty and was not written by sot build (it has no {MARKER} file); \
                     name an empty or new directory"
                )));
            }
            Ok(real)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(real),
        Err(e) => Err(WriteError::Io { path: out.to_path_buf(), source: e }),
    }
}

/// Remove a directory of ours, its marker last: a removal cut short by a kill leaves a
/// directory that is still marked (or empty), which the next build removes.
fn remove_ours(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name() == MARKER {
                continue;
            }
            let p = e.path();
            let _ = if e.file_type().is_ok_and(|t| t.is_dir()) {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
    let _ = std::fs::remove_file(dir.join(MARKER));
    let _ = std::fs::remove_dir(dir);
}

/// Whether `dir` holds the marker as a regular file (not a symlink to one).
fn is_ours(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.file_type().is_file())
}

/// `p` made absolute with every symlink resolved, for a path whose last components may
/// not exist yet: the nearest existing ancestor is resolved and the rest appended
/// (`..` after a missing component is taken lexically).
fn real_path(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir()?.join(p) };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(mut real) => {
                for c in rest.into_iter().rev() {
                    match c {
                        Component::ParentDir => {
                            real.pop();
                        }
                        Component::Normal(n) => real.push(n),
                        _ => {}
                    }
                }
                return Ok(real);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let Some(parent) = existing.parent() else { return Err(e) };
                rest.extend(existing.components().next_back());
                existing = parent;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Staging and old directories of earlier builds into `parent`, called with the lock on
/// `parent` held: no live build has any, so every one found is a leftover. Only real
/// directories holding the marker are removed; anything else of a like name is left.
#[cfg(unix)]
fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let (staging, old) = (format!(".{name}.staging-"), format!(".{name}.old-"));
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if !(n.starts_with(&staging) || n.starts_with(&old)) {
            continue;
        }
        let path = e.path();
        let real_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if real_dir && is_ours(&path) {
            remove_ours(&path);
        } else if real_dir {
            // Removes the directory only if it is empty.
            let _ = std::fs::remove_dir(&path);
        }
    }
}

#[cfg(not(unix))]
fn clean_leftovers(_: &Path, _: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(path: &str, text: &str) -> Artifact {
        Artifact::new(path, text.as_bytes().to_vec())
    }

    #[test]
    fn replaces_the_whole_directory() {
        let repo = tempfile::tempdir().unwrap();
        let out = repo.path().join("build");
        replace_dir(&out, repo.path(), &[], &[art("manifest.json", "{}"), art("configs/a.cfg", "a")]).unwrap();
        replace_dir(&out, repo.path(), &[], &[art("manifest.json", "{}"), art("configs/b.cfg", "b")]).unwrap();
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
            &[],
            &[art("manifest.json", "{}"), art("configs/a.cfg", "a"), art("configs/b.cfg", "b")],
        )
        .unwrap();
        let (a1, b1) = (ino("configs/a.cfg"), ino("configs/b.cfg"));
        replace_dir(
            &out,
            repo.path(),
            &[],
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
            &[],
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
        replace_dir(&out, repo.path(), &[], &[art("manifest.json", "{}"), art("configs/a.cfg", "a")]).unwrap();
        let err =
            replace_dir(&out, repo.path(), &[], &[art("manifest.json", "{}"), art("../escape.cfg", "x")]).unwrap_err();
        assert!(err.to_string().contains("leaves the output directory"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("configs/a.cfg")).unwrap(), "a");
        assert!(!repo.path().join("escape.cfg").exists());
    }

    #[test]
    fn refuses_to_replace_the_repository_or_a_foreign_directory() {
        let repo = tempfile::tempdir().unwrap();
        assert!(replace_dir(repo.path(), repo.path(), &[], &[]).is_err());
        let foreign = repo.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("README.md"), "keep me").unwrap();
        assert!(replace_dir(&foreign, repo.path(), &[], &[]).is_err());
        assert!(foreign.join("README.md").exists());
    }

    /// Liveness is decided by the lock, not by a process id: the staging directory of a
    /// build that holds the lock (its pid unknown here, as from another pid namespace)
    /// survives another build, which waits for its turn.
    #[cfg(unix)]
    #[test]
    fn a_live_builds_staging_is_never_cleaned_up() {
        let repo = tempfile::tempdir().unwrap();
        let out = repo.path().join("build");
        replace_dir(&out, repo.path(), &[], &[art("configs/a.cfg", "a")]).unwrap();
        let turn = lock(repo.path()).unwrap();
        let live = fresh_dir(repo.path(), ".build.staging-").unwrap();
        std::fs::write(live.join("half.cfg"), "half written").unwrap();
        let (repo_path, out2) = (repo.path().to_path_buf(), out.clone());
        let other = std::thread::spawn(move || replace_dir(&out2, &repo_path, &[], &[art("configs/b.cfg", "b")]));
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(!other.is_finished(), "the other build waits for the lock");
        assert!(live.join("half.cfg").exists(), "a live build's staging is left alone");
        // The live build dies without cleaning up: the next build may remove what it left.
        drop(turn);
        other.join().unwrap().unwrap();
        assert!(!live.exists(), "a leftover under the lock is removed");
        assert_eq!(std::fs::read_to_string(out.join("configs/b.cfg")).unwrap(), "b");
    }

    #[test]
    fn refuses_a_non_empty_directory_without_the_marker_and_output_inside_an_input() {
        let repo = tempfile::tempdir().unwrap();
        let w = repo.path().join("w");
        std::fs::create_dir_all(w.join("src")).unwrap();
        std::fs::write(w.join("manifest.json"), "{}").unwrap();
        let err = replace_dir(&w, repo.path(), &[], &[art("configs/a.cfg", "a")]).unwrap_err();
        assert!(err.to_string().contains(MARKER), "{err}");
        assert!(w.join("src").is_dir());
        let inside = repo.path().join("inventory/site/build");
        let err = replace_dir(&inside, repo.path(), &["inventory"], &[art("configs/a.cfg", "a")]).unwrap_err();
        assert!(err.to_string().contains("`inventory`"), "{err}");
        assert!(!repo.path().join("inventory").exists(), "nothing created on the way");
        // A marker that is a symlink to a real one does not make a directory ours.
        let built = repo.path().join("b");
        replace_dir(&built, repo.path(), &[], &[art("configs/a.cfg", "a")]).unwrap();
        std::fs::write(w.join("x"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(built.join(MARKER), w.join(MARKER)).unwrap();
            assert!(replace_dir(&w, repo.path(), &[], &[]).is_err());
        }
    }
}
