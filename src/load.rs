//! Filling a [`SourceSet`] from a working tree.
//!
//! This is the only module of the library that touches the filesystem. It
//! finds the project file by walking up from a starting directory, reads
//! `sot.yaml`, then every file of the configured paths in sorted order.
//! Files that cannot be used (not UTF-8, unreadable, a symlink leading outside
//! the repository) become diagnostics, never panics or silent skips.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Pos, Span};
use crate::project::{self, Config};
use crate::source::{FileKind, SourceSet};
use crate::yaml;

pub const PROJECT_FILE: &str = "sot.yaml";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("no {PROJECT_FILE} found in {} or any parent directory", .0.display())]
    NoProject(PathBuf),
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// An inventory read from disk, ready for [`crate::compile::compile`].
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

/// Read the project at `root` (a directory holding `sot.yaml`).
pub fn load_workdir(root: &Path) -> Result<Loaded, LoadError> {
    let root = root.canonicalize().map_err(|source| LoadError::Io { path: root.to_path_buf(), source })?;
    let mut sources = SourceSet::default();
    let mut diagnostics = Vec::new();
    let project_path = root.join(PROJECT_FILE);
    let bytes = std::fs::read(&project_path).map_err(|source| LoadError::Io { path: project_path.clone(), source })?;
    let config = match decode_text(bytes) {
        Ok(text) => {
            let id = sources.add(PROJECT_FILE, FileKind::Project, text.as_str());
            match yaml::parse(id, &text, yaml::Limits::default(), &mut diagnostics) {
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
    let walk =
        |dirs: &[String], kind: FileKind, exts: &[&str], sources: &mut SourceSet, diags: &mut Vec<Diagnostic>| {
            let mut found = Vec::new();
            for d in dirs {
                collect(&root, &root.join(d), exts, &mut found, diags, sources);
            }
            found.sort();
            found.dedup();
            for rel in found {
                add_file(&root, &rel, kind, sources, diags);
            }
        };
    let inv_dirs: Vec<String> = config.inventory.iter().map(|t| t.value.clone()).collect();
    let dt_dirs: Vec<String> = config.device_types.iter().map(|t| t.value.clone()).collect();
    walk(&inv_dirs, FileKind::Inventory, &["yaml", "yml"], &mut sources, &mut diagnostics);
    walk(&dt_dirs, FileKind::DeviceType, &["yaml", "yml"], &mut sources, &mut diagnostics);
    sources.templates = list_names(&root, &config.templates.value, &[]);
    sources.schemas = list_names(&root, &config.schemas.value, &["json", "yaml", "yml"]);
    let schema_dir = config.schemas.value.trim_end_matches('/').to_string();
    for name in sources.schemas.clone() {
        add_file(&root, &format!("{schema_dir}/{name}"), FileKind::Schema, &mut sources, &mut diagnostics);
    }
    let template_dir = config.templates.value.trim_end_matches('/').to_string();
    for name in sources.templates.clone() {
        add_file(&root, &format!("{template_dir}/{name}"), FileKind::Template, &mut sources, &mut diagnostics);
    }
    Ok(Loaded { root, sources, config, diagnostics })
}

/// Relative paths (to the repository root) of matching files below `dir`.
fn collect(
    root: &Path,
    dir: &Path,
    exts: &[&str],
    out: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
    sources: &mut SourceSet,
) {
    if !dir.exists() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let matches = exts.is_empty() || path.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e));
        if entry.path_is_symlink() {
            let inside = path.canonicalize().ok().filter(|t| t.starts_with(root));
            match inside {
                Some(t) if t.is_file() => {
                    if matches {
                        out.push(rel(root, path));
                    }
                }
                Some(_) => {}
                None => {
                    if matches || path.canonicalize().is_ok_and(|t| t.is_dir()) || path.canonicalize().is_err() {
                        let id = sources.add_unusable(rel(root, path), FileKind::Inventory, "");
                        diags.push(
                            Diagnostic::new(
                                Code::FileUnreadable,
                                Span::file_start(id),
                                "symlink leads outside the repository",
                            )
                            .label("not followed")
                            .help("inventory files must live inside the repository; copy the file in instead"),
                        );
                    }
                }
            }
        } else if entry.file_type().is_file() && matches {
            out.push(rel(root, path));
        }
    }
}

fn rel(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn add_file(root: &Path, rel: &str, kind: FileKind, sources: &mut SourceSet, diags: &mut Vec<Diagnostic>) {
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => match decode_text(bytes) {
            Ok(text) => {
                sources.add(rel, kind, text);
            }
            Err((text, at)) => {
                let id = sources.add_unusable(rel, kind, text);
                diags.push(encoding_error(id, at));
            }
        },
        Err(e) => {
            let id = sources.add_unusable(rel, kind, "");
            diags.push(
                Diagnostic::new(Code::FileUnreadable, Span::file_start(id), format!("cannot read file: {e}"))
                    .label("unreadable"),
            );
        }
    }
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

/// File names below `root/dir`, relative to `dir`, sorted.
fn list_names(root: &Path, dir: &str, exts: &[&str]) -> Vec<String> {
    let base = root.join(dir);
    let mut out = Vec::new();
    if !base.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(&base).follow_links(false).sort_by_file_name().into_iter().flatten() {
        let p = entry.path();
        let ok_ext = exts.is_empty() || p.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e));
        let inside = !entry.path_is_symlink() || p.canonicalize().is_ok_and(|t| t.starts_with(root) && t.is_file());
        if (entry.file_type().is_file() || entry.path_is_symlink()) && ok_ext && inside {
            out.push(rel(&base, p));
        }
    }
    out
}
