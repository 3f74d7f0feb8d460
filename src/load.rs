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
        LoadError::Git(git_message(&e))
    }
}

/// A git error as users read it; a repository owned by another user (a checkout mounted
/// into a container, a CI job running as another user) says how git lets it be trusted.
pub fn git_message(e: &git2::Error) -> String {
    if e.code() == git2::ErrorCode::Owner {
        format!(
            "{}\nhelp: git trusts only repositories owned by the user running it; if you trust this one, \
             `git config --global --add safe.directory <path>` (the sot container image trusts every path)",
            e.message()
        )
    } else {
        e.message().to_string()
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
    /// Present but not read: the reason, and how to fix it.
    Unusable(String, &'static str),
}

const HELP_REGULAR: &str = "inventory files must be regular files inside the repository";
const HELP_LINKED_DIR: &str =
    "sot does not follow symlinked directories: name the real directory in sot.yaml, or move the files";
const HELP_SUBMODULE: &str =
    "sot reads the repository's own files only: copy the files in, or check the submodule's repository on its own";

/// Why a symlink is not followed, the same words for the working tree and a revision.
fn link_outside() -> Found {
    Found::Unusable("symlink leads outside the repository; it is not followed".into(), HELP_REGULAR)
}
fn link_to_dir() -> Found {
    Found::Unusable("symlink to a directory; it is not followed".into(), HELP_LINKED_DIR)
}
fn link_dangling() -> Found {
    Found::Unusable("symlink leads nowhere: its target does not exist".into(), HELP_REGULAR)
}
fn submodule() -> Found {
    Found::Unusable("a git submodule or nested repository; its files are not read".into(), HELP_SUBMODULE)
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
    load(&Workdir::new(root.clone()), root, ids)
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
    let mt_dirs: Vec<String> = config.module_types.iter().map(|t| t.value.to_string()).collect();
    add_dirs(&mt_dirs, FileKind::ModuleType, &["yaml", "yml"], &mut sources);
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
        Found::Unusable(why, help) => {
            let id = sources.add_unusable(path, kind, "");
            diags.push(Diagnostic::new(Code::FileUnreadable, Span::file_start(id), why).label("not read").help(help));
        }
    }
}

/// Files on disk below the project root.
struct Workdir {
    root: PathBuf,
    /// Submodule paths (relative to the project root), from the enclosing repository's
    /// `.gitmodules`: a submodule not checked out is an empty directory on disk, and a
    /// revision lists it all the same.
    submodules: Vec<String>,
}

impl Workdir {
    fn new(root: PathBuf) -> Workdir {
        let submodules = git2::Repository::discover(&root)
            .ok()
            .and_then(|repo| {
                let workdir = repo.workdir()?.canonicalize().ok()?;
                let subs = repo.submodules().ok()?;
                Some(
                    subs.iter()
                        .filter_map(|s| workdir.join(s.path()).strip_prefix(&root).ok().map(|p| rel(Path::new(""), p)))
                        .collect(),
                )
            })
            .unwrap_or_default();
        Workdir { root, submodules }
    }

    /// What a symlink at `path` leads to: a file inside the project to read, or why not.
    fn follow(&self, path: &Path) -> Result<PathBuf, Found> {
        match path.canonicalize() {
            Err(_) => Err(link_dangling()),
            Ok(t) if !t.starts_with(&self.root) => Err(link_outside()),
            Ok(t) if t.is_dir() => Err(link_to_dir()),
            Ok(t) => Ok(t),
        }
    }
}

impl Tree for Workdir {
    fn project(&self) -> Result<Option<Vec<u8>>, LoadError> {
        let p = self.root.join(PROJECT_FILE);
        let target = match std::fs::symlink_metadata(&p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(LoadError::Io { path: p, source }),
            Ok(m) if m.file_type().is_symlink() => match self.follow(&p) {
                Ok(t) => t,
                Err(_) => {
                    let source = std::io::Error::other("a symlink that leads outside the repository is not followed");
                    return Err(LoadError::Io { path: p, source });
                }
            },
            Ok(_) => p.clone(),
        };
        match read(&target, u64::MAX) {
            Found::File(b) => Ok(Some(b)),
            Found::TooLarge(_) => unreachable!("no limit was set"),
            Found::Unusable(why, _) => Err(LoadError::Io { path: p, source: std::io::Error::other(why) }),
        }
    }

    fn files(&self, dir: &str, exts: &[&str], max: u64) -> Vec<(String, Found)> {
        // The configured directory itself, and each directory on the way to it, must be
        // a real directory: a symlink there is reported, never followed.
        let mut at = self.root.clone();
        for part in dir.split('/').filter(|p| !p.is_empty() && *p != ".") {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Err(_) => return Vec::new(),
                Ok(m) if m.file_type().is_symlink() => {
                    let found = match self.follow(&at) {
                        Err(f) => f,
                        Ok(_) => link_to_dir(),
                    };
                    return vec![(rel(&self.root, &at), found)];
                }
                Ok(m) if !m.is_dir() => return Vec::new(),
                Ok(_) => {}
            }
        }
        let base = at;
        // The walk lists the files; they are read in parallel.
        let mut out: Vec<(String, Listed)> = Vec::new();
        let mut walk = walkdir::WalkDir::new(&base).follow_links(false).follow_root_links(false).into_iter();
        while let Some(entry) = walk.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    if let Some(p) = e.path() {
                        let why = format!(
                            "cannot read directory: {}",
                            e.io_error().map_or(e.to_string(), |io| io.to_string())
                        );
                        out.push((rel(&self.root, p), Listed::Found(Found::Unusable(why, HELP_REGULAR))));
                    }
                    continue;
                }
            };
            let path = entry.path();
            let rel = rel(&self.root, path);
            let ft = entry.file_type();
            if ft.is_symlink() {
                match self.follow(path) {
                    Ok(target) if target.is_file() => {
                        if ext_ok(&rel, exts) {
                            out.push((rel, Listed::Read(target)));
                        }
                    }
                    Ok(_) => {
                        if ext_ok(&rel, exts) {
                            out.push((rel, Listed::Found(not_regular())));
                        }
                    }
                    // A link that is not followed is reported whatever its name (a
                    // revision cannot tell a link to an outside file from one to an
                    // outside directory, and both must list the same files).
                    Err(f) => out.push((rel, Listed::Found(f))),
                }
            } else if ft.is_dir() {
                if entry.depth() > 0 && (path.join(".git").exists() || self.submodules.contains(&rel)) {
                    out.push((rel, Listed::Found(submodule())));
                    walk.skip_current_dir();
                }
            } else if ext_ok(&rel, exts) {
                out.push((
                    rel,
                    if ft.is_file() { Listed::Read(path.to_path_buf()) } else { Listed::Found(not_regular()) },
                ));
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

fn not_regular() -> Found {
    Found::Unusable("not a regular file (a FIFO, socket or device); it is not read".into(), HELP_REGULAR)
}

/// A file the walk listed: to be read, or already judged.
enum Listed {
    Read(PathBuf),
    Found(Found),
}

/// Read a regular file. It is opened without blocking and without following a symlink
/// (a FIFO or a link put in its place after the walk would otherwise hang the read or
/// lead outside), then checked to be a regular file of at most `max` bytes.
fn read(path: &Path, max: u64) -> Found {
    use std::io::Read;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let mut file = match opts.open(path) {
        Ok(f) => f,
        Err(e) => return Found::Unusable(format!("cannot read file: {e}"), HELP_REGULAR),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return Found::Unusable(format!("cannot read file: {e}"), HELP_REGULAR),
    };
    if !meta.is_file() {
        return not_regular();
    }
    if meta.len() > max {
        return Found::TooLarge(meta.len());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while it is read is cut at the limit and refused.
    match file.by_ref().take(max.saturating_add(1)).read_to_end(&mut bytes) {
        Ok(n) if n as u64 > max => Found::TooLarge(n as u64),
        Ok(_) => Found::File(bytes),
        Err(e) => Found::Unusable(format!("cannot read file: {e}"), HELP_REGULAR),
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
}

impl GitTree<'_> {
    /// What a symlink blob at `rel` (project-relative) holding `target` leads to: the
    /// file's bytes, or why it is not followed. Chains of links are followed a few steps.
    fn follow(&self, rel: &str, target: &[u8]) -> Result<Vec<u8>, Found> {
        let mut link = rel.to_string();
        let mut target = String::from_utf8_lossy(target).into_owned();
        for _ in 0..8 {
            let Some(t) = resolve_link(&link, &target) else { return Err(link_outside()) };
            let Ok(entry) = self.tree.get_path(Path::new(&self.full(&t))) else { return Err(link_dangling()) };
            match (entry.kind(), entry.filemode()) {
                (Some(git2::ObjectType::Tree | git2::ObjectType::Commit), _) => return Err(link_to_dir()),
                (Some(git2::ObjectType::Blob), mode) => {
                    let blob = entry.to_object(self.repo).ok().and_then(|o| o.into_blob().ok());
                    let Some(blob) = blob else { return Err(link_dangling()) };
                    if mode != 0o120000 {
                        return Ok(blob.content().to_vec());
                    }
                    target = String::from_utf8_lossy(blob.content()).into_owned();
                    link = t;
                }
                _ => return Err(link_dangling()),
            }
        }
        Err(link_dangling())
    }
}

impl Tree for GitTree<'_> {
    fn project(&self) -> Result<Option<Vec<u8>>, LoadError> {
        let Ok(entry) = self.tree.get_path(Path::new(&self.full(PROJECT_FILE))) else { return Ok(None) };
        let Some(blob) = entry.to_object(self.repo).ok().and_then(|o| o.into_blob().ok()) else { return Ok(None) };
        if entry.filemode() != 0o120000 {
            return Ok(Some(blob.content().to_vec()));
        }
        self.follow(PROJECT_FILE, blob.content()).map(Some).map_err(|_| LoadError::Io {
            path: PathBuf::from(PROJECT_FILE),
            source: std::io::Error::other("a symlink that leads outside the repository is not followed"),
        })
    }

    fn files(&self, dir: &str, exts: &[&str], max: u64) -> Vec<(String, Found)> {
        let dir = dir.trim_end_matches('/');
        // The configured directory and each one on the way to it, as the working tree does.
        let mut at = String::new();
        let mut sub = None;
        for part in dir.split('/').filter(|p| !p.is_empty() && *p != ".") {
            at = if at.is_empty() { part.to_string() } else { format!("{at}/{part}") };
            let Ok(entry) = self.tree.get_path(Path::new(&self.full(&at))) else { return Vec::new() };
            match entry.kind() {
                Some(git2::ObjectType::Blob) if entry.filemode() == 0o120000 => {
                    let target = entry.to_object(self.repo).ok().and_then(|o| o.into_blob().ok());
                    let found = match target.map(|b| self.follow(&at, b.content())) {
                        Some(Err(f)) => f,
                        _ => link_to_dir(),
                    };
                    return vec![(at, found)];
                }
                Some(git2::ObjectType::Commit) => return vec![(at, submodule())],
                Some(git2::ObjectType::Tree) => sub = entry.to_object(self.repo).ok().and_then(|o| o.into_tree().ok()),
                _ => return Vec::new(),
            }
        }
        let Some(sub) = sub else { return Vec::new() };
        // The walk lists the blobs; they are read in parallel (inflating them is most of
        // the time), each worker through its own handle on the repository.
        let mut blobs: Vec<(String, git2::Oid, bool)> = Vec::new();
        let mut judged: Vec<(String, Found)> = Vec::new();
        let _ = sub.walk(git2::TreeWalkMode::PreOrder, |parent, e| {
            let rel = format!("{at}/{parent}{}", e.name().unwrap_or_default());
            match e.kind() {
                Some(git2::ObjectType::Blob) => {
                    let symlink = e.filemode() == 0o120000;
                    // Links are judged whatever their name, as the working tree does.
                    if symlink || ext_ok(&rel, exts) {
                        blobs.push((rel, e.id(), symlink));
                    }
                }
                Some(git2::ObjectType::Commit) => judged.push((rel, submodule())),
                _ => {}
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
        let mut out = judged;
        for ((rel, _, symlink), content) in blobs.into_iter().zip(read) {
            let found = match content {
                Some(Err(size)) => Found::TooLarge(size),
                None => Found::Unusable("unreadable git object".into(), HELP_REGULAR),
                // A symlink: followed only to a file inside the project.
                Some(Ok(bytes)) if symlink => match self.follow(&rel, &bytes) {
                    Ok(_) if !ext_ok(&rel, exts) => continue,
                    Ok(bytes) if bytes.len() as u64 > max => Found::TooLarge(bytes.len() as u64),
                    Ok(bytes) => Found::File(bytes),
                    Err(f) => f,
                },
                Some(Ok(bytes)) => Found::File(bytes),
            };
            out.push((rel, found));
        }
        out
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
