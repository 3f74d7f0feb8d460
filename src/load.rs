//! Filling a [`SourceSet`] from a working tree or from a git revision.
//!
//! The library reads the repository only here. [`find_root`] walks up to the
//! directory holding `sot.yaml`; [`load_workdir`] reads the files on disk,
//! [`load_revision`] reads the same files straight from git objects (no
//! checkout, no working-tree side effects), [`load_files`] takes files held in
//! memory (the fuzz targets). All go through one [`Tree`] interface, so everything
//! after loading is the same. Files that cannot be
//! used (not UTF-8, unreadable, a symlink leading outside the repository)
//! become diagnostics, never panics or silent skips.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Pos, Span};
use crate::project::{self, Config};
use crate::source::{FileKind, IdRegistry, SourceSet};
use crate::yaml;

pub const PROJECT_FILE: &str = "sot.yaml";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("no {PROJECT_FILE} found in {} or any parent directory", .0.display())]
    NoProject(PathBuf),
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("git: {0}")]
    Git(String),
}

impl From<git2::Error> for LoadError {
    fn from(e: git2::Error) -> Self {
        LoadError::Git(e.message().to_string())
    }
}

/// An inventory read from disk or git, ready for [`crate::compile::compile`].
#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    pub sources: SourceSet,
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
}

/// The directory holding `sot.yaml`: `start` or its nearest ancestor that has one.
pub fn find_root(start: &Path) -> Result<PathBuf, LoadError> {
    let start = start.canonicalize().map_err(|source| LoadError::Io { path: start.to_path_buf(), source })?;
    let mut dir =
        if start.is_file() { start.parent().map(Path::to_path_buf).unwrap_or_default() } else { start.clone() };
    loop {
        if dir.join(PROJECT_FILE).is_file() {
            return Ok(dir);
        }
        if !dir.pop() {
            return Err(LoadError::NoProject(start));
        }
    }
}

/// A file found under a configured directory.
enum Found {
    File(Vec<u8>),
    /// Larger than `max_file_size` (its size); not read.
    TooLarge(u64),
    /// Present but not usable; the reason.
    Unusable(String),
}

/// Where files come from.
trait Tree {
    /// `sot.yaml`, if present.
    fn project(&self) -> Result<Option<Vec<u8>>, LoadError>;
    /// Files below `dir` (paths relative to the project root, `/`-separated) with
    /// one of `exts` (any when empty), in no particular order.
    fn files(&self, dir: &str, exts: &[&str], max: u64) -> Vec<(String, Found)>;
}

fn ext_ok(path: &str, exts: &[&str]) -> bool {
    exts.is_empty() || path.rsplit_once('.').is_some_and(|(_, e)| exts.contains(&e))
}

/// Read the project at `root` (a directory holding `sot.yaml`) from the working tree.
pub fn load_workdir(root: &Path) -> Result<Loaded, LoadError> {
    load_workdir_with(root, None)
}

/// [`load_workdir`], with file ids from a shared registry.
pub fn load_workdir_with(root: &Path, ids: Option<IdRegistry>) -> Result<Loaded, LoadError> {
    let root = root.canonicalize().map_err(|source| LoadError::Io { path: root.to_path_buf(), source })?;
    load(&Workdir { root: root.clone() }, root, ids)
}

/// Read the project whose root is `root` (in the working tree) as it is in
/// revision `rev` of the enclosing git repository.
pub fn load_revision(root: &Path, rev: &str) -> Result<(Loaded, String), LoadError> {
    load_revision_with(root, rev, None)
}

/// [`load_revision`], with file ids from a shared registry.
pub fn load_revision_with(root: &Path, rev: &str, ids: Option<IdRegistry>) -> Result<(Loaded, String), LoadError> {
    let root = root.canonicalize().map_err(|source| LoadError::Io { path: root.to_path_buf(), source })?;
    // Objects are read from the local repository: libgit2's default of hashing every
    // object it reads again (SHA-1 over the whole inventory) bought nothing here.
    git2::opts::strict_hash_verification(false);
    let repo = git2::Repository::discover(&root)?;
    let commit = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| LoadError::Git(format!("`{rev}`: {}", e.message())))?;
    let id = commit.id().to_string();
    let workdir = repo.workdir().ok_or_else(|| LoadError::Git("a bare repository has no working tree".into()))?;
    let workdir = workdir.canonicalize().map_err(|source| LoadError::Io { path: workdir.to_path_buf(), source })?;
    let prefix = root.strip_prefix(&workdir).unwrap_or(Path::new("")).to_string_lossy().replace('\\', "/");
    let tree = GitTree { repo: &repo, tree: commit.tree()?, prefix };
    let loaded = load(&tree, root, ids)?;
    Ok((loaded, id))
}

/// Read a project held in memory: (path relative to the root, `/`-separated; bytes). The
/// files are laid out, decoded and limited exactly as a working tree's are; the fuzz
/// targets load their inputs this way.
pub fn load_files(files: &[(String, Vec<u8>)]) -> Result<Loaded, LoadError> {
    load(&InMemory(files), PathBuf::from("."), None)
}

/// Whether the working tree of the repository holding `root` differs from HEAD
/// (`None` outside git).
pub fn workdir_dirty(root: &Path) -> Option<bool> {
    let repo = git2::Repository::discover(root).ok()?;
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).include_ignored(false);
    let statuses = repo.statuses(Some(&mut opts)).ok()?;
    Some(!statuses.is_empty())
}

fn load(tree: &dyn Tree, root: PathBuf, ids: Option<IdRegistry>) -> Result<Loaded, LoadError> {
    let mut sources = ids.map_or_else(SourceSet::default, SourceSet::with_registry);
    let mut diagnostics = Vec::new();
    let bytes = tree.project()?.ok_or_else(|| LoadError::NoProject(root.clone()))?;
    let config = match decode_text(bytes) {
        Ok(text) => {
            let id = sources.add(PROJECT_FILE, FileKind::Project, text.as_str());
            match yaml::parse(id, &text, &yaml::Limits::default(), &mut diagnostics) {
                Some(node) => project::read_config(&node, &mut diagnostics),
                None => Config::default(),
            }
        }
        Err((text, at)) => {
            let id = sources.add_unusable(PROJECT_FILE, FileKind::Project, text);
            diagnostics.push(encoding_error(id, at));
            Config::default()
        }
    };
    let mut add_dirs = |dirs: &[String], kind: FileKind, exts: &[&str], sources: &mut SourceSet| -> Vec<String> {
        let mut found: Vec<(String, Found)> =
            dirs.iter().flat_map(|d| tree.files(d, exts, config.max_file_size)).collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.dedup_by(|a, b| a.0 == b.0);
        let mut paths = Vec::with_capacity(found.len());
        for (path, f) in found {
            add_found(&path, f, kind, sources, &mut diagnostics);
            paths.push(path);
        }
        paths
    };
    let inv_dirs: Vec<String> = config.inventory.iter().map(|t| t.value.to_string()).collect();
    let dt_dirs: Vec<String> = config.device_types.iter().map(|t| t.value.to_string()).collect();
    add_dirs(&inv_dirs, FileKind::Inventory, &["yaml", "yml"], &mut sources);
    add_dirs(&dt_dirs, FileKind::DeviceType, &["yaml", "yml"], &mut sources);
    let strip = |dir: &str, paths: Vec<String>| -> Vec<String> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        paths.into_iter().map(|p| p.strip_prefix(&prefix).unwrap_or(&p).to_string()).collect()
    };
    let schema_dir = config.schemas.value.to_string();
    let schema_paths =
        add_dirs(std::slice::from_ref(&schema_dir), FileKind::Schema, &["json", "yaml", "yml"], &mut sources);
    sources.schemas = strip(&schema_dir, schema_paths);
    let template_dir = config.templates.value.to_string();
    let template_paths = add_dirs(std::slice::from_ref(&template_dir), FileKind::Template, &[], &mut sources);
    sources.templates = strip(&template_dir, template_paths);
    Ok(Loaded { root, sources, config, diagnostics })
}

fn add_found(path: &str, f: Found, kind: FileKind, sources: &mut SourceSet, diags: &mut Vec<Diagnostic>) {
    match f {
        // UTF-8 checking is cheap beside reading: done here, in path order.
        Found::File(bytes) => match decode_text(bytes) {
            Ok(text) => {
                sources.add(path, kind, text);
            }
            Err((text, at)) => {
                let id = sources.add_unusable(path, kind, text);
                diags.push(encoding_error(id, at));
            }
        },
        Found::TooLarge(size) => {
            let id = sources.add_unusable(path, kind, "");
            diags.push(
                Diagnostic::new(
                    Code::FileTooLarge,
                    Span::file_start(id),
                    format!("file is {size} bytes, more than `max_file_size` allows"),
                )
                .label("not read")
                .help("split the file, or raise `max_file_size` in sot.yaml"),
            );
        }
        Found::Unusable(why) => {
            let id = sources.add_unusable(path, kind, "");
            diags.push(
                Diagnostic::new(Code::FileUnreadable, Span::file_start(id), why)
                    .label("not read")
                    .help("inventory files must be regular files inside the repository"),
            );
        }
    }
}

/// Files on disk below the project root.
struct Workdir {
    root: PathBuf,
}

impl Tree for Workdir {
    fn project(&self) -> Result<Option<Vec<u8>>, LoadError> {
        let p = self.root.join(PROJECT_FILE);
        match std::fs::read(&p) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(LoadError::Io { path: p, source }),
        }
    }

    fn files(&self, dir: &str, exts: &[&str], max: u64) -> Vec<(String, Found)> {
        let base = self.root.join(dir);
        // The walk lists the files; they are read in parallel.
        let mut out: Vec<(String, Listed)> = Vec::new();
        if !base.exists() {
            return Vec::new();
        }
        for entry in walkdir::WalkDir::new(&base).follow_links(false) {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let rel = rel(&self.root, path);
            if entry.path_is_symlink() {
                let target = path.canonicalize().ok();
                match target {
                    Some(t) if t.starts_with(&self.root) => {
                        if t.is_file() && ext_ok(&rel, exts) {
                            out.push((rel, Listed::Read(path.to_path_buf())));
                        }
                    }
                    _ => {
                        if ext_ok(&rel, exts) || target.is_none_or(|t| t.is_dir()) {
                            out.push((
                                rel,
                                Listed::Found(Found::Unusable(
                                    "symlink leads outside the repository; it is not followed".into(),
                                )),
                            ));
                        }
                    }
                }
            } else if entry.file_type().is_file() && ext_ok(&rel, exts) {
                out.push((rel, Listed::Read(path.to_path_buf())));
            }
        }
        out.into_par_iter()
            .map(|(rel, l)| {
                let f = match l {
                    Listed::Read(path) => read(&path, max),
                    Listed::Found(f) => f,
                };
                (rel, f)
            })
            .collect()
    }
}

/// A file the walk listed: to be read, or already judged.
enum Listed {
    Read(PathBuf),
    Found(Found),
}

fn read(path: &Path, max: u64) -> Found {
    if let Ok(m) = std::fs::metadata(path)
        && m.len() > max
    {
        return Found::TooLarge(m.len());
    }
    match std::fs::read(path) {
        Ok(b) => Found::File(b),
        Err(e) => Found::Unusable(format!("cannot read file: {e}")),
    }
}

fn rel(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Files held in memory.
struct InMemory<'a>(&'a [(String, Vec<u8>)]);

impl Tree for InMemory<'_> {
    fn project(&self) -> Result<Option<Vec<u8>>, LoadError> {
        Ok(self.0.iter().find(|(p, _)| p == PROJECT_FILE).map(|(_, b)| b.clone()))
    }

    fn files(&self, dir: &str, exts: &[&str], max: u64) -> Vec<(String, Found)> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let found = self.0.iter().filter(|(p, _)| p.starts_with(&prefix) && ext_ok(p, exts));
        found
            .map(|(p, b)| {
                let f = if b.len() as u64 > max { Found::TooLarge(b.len() as u64) } else { Found::File(b.clone()) };
                (p.clone(), f)
            })
            .collect()
    }
}

/// Files of one commit's tree, below the project's directory in the repository.
struct GitTree<'r> {
    repo: &'r git2::Repository,
    tree: git2::Tree<'r>,
    /// The project root relative to the repository root (`""` at the top).
    prefix: String,
}

impl GitTree<'_> {
    fn full(&self, rel: &str) -> String {
        if self.prefix.is_empty() { rel.to_string() } else { format!("{}/{rel}", self.prefix) }
    }

    fn blob_at(&self, repo_path: &str) -> Option<Vec<u8>> {
        let entry = self.tree.get_path(Path::new(repo_path)).ok()?;
        let obj = entry.to_object(self.repo).ok()?;
        Some(obj.as_blob()?.content().to_vec())
    }
}

impl Tree for GitTree<'_> {
    fn project(&self) -> Result<Option<Vec<u8>>, LoadError> {
        Ok(self.blob_at(&self.full(PROJECT_FILE)))
    }

    fn files(&self, dir: &str, exts: &[&str], max: u64) -> Vec<(String, Found)> {
        let dir = dir.trim_end_matches('/');
        let Ok(entry) = self.tree.get_path(Path::new(&self.full(dir))) else { return Vec::new() };
        let Ok(sub) = entry.to_object(self.repo).and_then(|o| o.peel_to_tree()) else { return Vec::new() };
        // The walk lists the blobs; they are read in parallel (inflating them is most of
        // the time), each worker through its own handle on the repository.
        let mut blobs: Vec<(String, git2::Oid, bool)> = Vec::new();
        let _ = sub.walk(git2::TreeWalkMode::PreOrder, |parent, e| {
            let rel = format!("{dir}/{parent}{}", e.name().unwrap_or_default());
            if e.kind() == Some(git2::ObjectType::Blob) && ext_ok(&rel, exts) {
                blobs.push((rel, e.id(), e.filemode() == 0o120000));
            }
            git2::TreeWalkResult::Ok
        });
        let git_dir = self.repo.path().to_path_buf();
        let read: Vec<Option<Result<Vec<u8>, u64>>> = blobs
            .par_iter()
            .map_init(
                || git2::Repository::open(&git_dir).ok(),
                |repo, (_, oid, _)| {
                    let odb = repo.as_ref()?.odb().ok()?;
                    let (size, _) = odb.read_header(*oid).ok()?;
                    if size as u64 > max {
                        return Some(Err(size as u64));
                    }
                    Some(Ok(odb.read(*oid).ok()?.data().to_vec()))
                },
            )
            .collect();
        blobs
            .into_iter()
            .zip(read)
            .map(|((rel, _, symlink), content)| {
                let found = match content {
                    Some(Err(size)) => Found::TooLarge(size),
                    None => Found::Unusable("unreadable git object".into()),
                    Some(Ok(bytes)) if symlink => {
                        // A symlink: follow it only to a file inside the project.
                        let target = String::from_utf8_lossy(&bytes).to_string();
                        match resolve_link(&rel, &target).and_then(|t| self.blob_at(&self.full(&t))) {
                            Some(bytes) => Found::File(bytes),
                            None => Found::Unusable("symlink leads outside the repository; it is not followed".into()),
                        }
                    }
                    Some(Ok(bytes)) => Found::File(bytes),
                };
                (rel, found)
            })
            .collect()
    }
}

/// A relative symlink target resolved against the link's directory, if it stays inside.
fn resolve_link(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// UTF-8 text without a leading BOM; or the lossy text and the position of the first bad byte.
fn decode_text(bytes: Vec<u8>) -> Result<String, (String, Pos)> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let good = &bytes[..e.utf8_error().valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or_default();
            let line = good.matches('\n').count() as u32 + 1;
            let col = good.rsplit('\n').next().unwrap_or_default().chars().count() as u32 + 1;
            Err((String::from_utf8_lossy(bytes).into_owned(), Pos { line, col }))
        }
    }
}

fn encoding_error(file: crate::source::FileId, at: Pos) -> Diagnostic {
    let span = Span { file, start: at, end: Pos { line: at.line, col: at.col + 1 } };
    Diagnostic::new(Code::InvalidEncoding, span, "file is not valid UTF-8")
        .label("invalid byte here")
        .help("save the file as UTF-8")
}

#[cfg(test)]
mod tests {
    use super::resolve_link;

    /// The project's own example, read from memory, loads as it does from disk: the same
    /// files in the same order, of the same kinds, with the same text and configuration.
    #[test]
    fn files_in_memory_load_as_the_working_tree_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let disk = super::load_workdir(root).unwrap();
        let mut files = Vec::new();
        for dir in ["inventory", "device-types", "templates", "schemas"] {
            for e in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten().filter(|e| e.file_type().is_file()) {
                files.push((super::rel(root, e.path()), std::fs::read(e.path()).unwrap()));
            }
        }
        files.push(("sot.yaml".into(), std::fs::read(root.join("sot.yaml")).unwrap()));
        files.push(("README.md".into(), b"not a data file".to_vec()));
        files.reverse();
        let memory = super::load_files(&files).unwrap();
        let list = |l: &super::Loaded| -> Vec<(String, String, String)> {
            l.sources
                .iter()
                .map(|(id, f)| (l.sources.path(id).to_string(), format!("{:?}", f.kind), f.text.to_string()))
                .collect()
        };
        assert!(list(&disk).len() > 10);
        assert_eq!(list(&memory), list(&disk));
        assert_eq!(
            (&memory.sources.templates, &memory.sources.schemas),
            (&disk.sources.templates, &disk.sources.schemas)
        );
        assert_eq!(format!("{:?}", memory.config), format!("{:?}", disk.config));
        assert_eq!(memory.diagnostics.len(), disk.diagnostics.len());
    }

    #[test]
    fn a_file_in_memory_over_the_size_limit_is_not_read() {
        let files = [
            ("sot.yaml".to_string(), b"max_file_size: 10\n".to_vec()),
            ("inventory/a.yaml".to_string(), b"sites: [{name: L1}]\n".to_vec()),
        ];
        let loaded = super::load_files(&files).unwrap();
        let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [crate::diagnostic::Code::FileTooLarge]);
    }

    #[test]
    fn symlinks_resolve_only_inside() {
        assert_eq!(resolve_link("inventory/a.yaml", "../shared/a.yaml").as_deref(), Some("shared/a.yaml"));
        assert_eq!(resolve_link("inventory/a.yaml", "../../etc/passwd"), None);
        assert_eq!(resolve_link("inventory/a.yaml", "/etc/passwd"), None);
    }
}
