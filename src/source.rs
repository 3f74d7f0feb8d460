//! The source set: every file the compiler reads, addressed by [`FileId`].
//!
//! The core never touches the filesystem. A [`SourceSet`] is filled by a loader
//! (today [`crate::load`] from the working tree; a git revision can fill it the
//! same way) and handed to [`crate::compile`].

use crate::hash::HashMap;
use std::sync::{Arc, Mutex};

/// Opaque handle of one file in a [`SourceSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// What a file is for; decides how the compiler reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `sot.yaml`.
    Project,
    /// A data file under one of the `inventory` paths.
    Inventory,
    /// A device type in devicetype-library format under one of the `device_types` paths.
    DeviceType,
    /// A module type in devicetype-library format under one of the `module_types` paths.
    ModuleType,
    /// A JSON Schema under the `schemas` directory.
    Schema,
    /// A Jinja template under the `templates` directory.
    Template,
}

#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    pub kind: FileKind,
    /// The text as read (loading hands over its buffer: no copy).
    pub text: String,
    /// False when loading already found the file unusable (not UTF-8, unreadable).
    pub parse: bool,
}

/// File ids shared by several source sets (the two sides of a diff), so that the
/// same path has the same id in each and parsed files can be reused by content.
pub type IdRegistry = Arc<Mutex<HashMap<String, FileId>>>;

/// Every file of one inventory, in a deterministic order (sorted by path within a kind).
#[derive(Debug, Default)]
pub struct SourceSet {
    files: Vec<(FileId, SourceFile)>,
    /// FileId → position in `files`.
    slots: Vec<u32>,
    registry: Option<IdRegistry>,
    /// Template files, relative to the templates directory (e.g. `eos.j2`).
    pub templates: Vec<String>,
    /// Schema files, relative to the schemas directory (e.g. `bgp.json`).
    pub schemas: Vec<String>,
}

impl SourceSet {
    /// A source set whose file ids come from `registry` (shared with other sets).
    pub fn with_registry(registry: IdRegistry) -> Self {
        SourceSet { registry: Some(registry), ..SourceSet::default() }
    }

    pub fn add(&mut self, path: impl Into<String>, kind: FileKind, text: impl Into<String>) -> FileId {
        let path = path.into();
        let id = match &self.registry {
            None => FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files")),
            Some(r) => {
                let mut r = r.lock().unwrap_or_else(|e| e.into_inner());
                let next = FileId(u32::try_from(r.len()).expect("fewer than 2^32 files"));
                *r.entry(path.clone()).or_insert(next)
            }
        };
        let slot = id.0 as usize;
        if self.slots.len() <= slot {
            self.slots.resize(slot + 1, u32::MAX);
        }
        self.slots[slot] = self.files.len() as u32;
        self.files.push((id, SourceFile { path, kind, text: text.into(), parse: true }));
        id
    }

    /// Add a file that is shown in diagnostics but not parsed.
    pub fn add_unusable(&mut self, path: impl Into<String>, kind: FileKind, text: impl Into<String>) -> FileId {
        let id = self.add(path, kind, text);
        let slot = self.slots[id.0 as usize] as usize;
        self.files[slot].1.parse = false;
        id
    }

    /// The file with id `id`; ids come only from this set (or its registry's other sets
    /// for files this set also holds).
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[self.slots[id.0 as usize] as usize].1
    }

    pub fn path(&self, id: FileId) -> &str {
        &self.get(id).path
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().map(|(id, f)| (*id, f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|(_, f)| f.text.len()).sum()
    }

    /// Where `span` starts, as `path:line:col`.
    pub fn location(&self, span: crate::diagnostic::Span) -> String {
        format!("{}:{}:{}", self.path(span.file), span.start.line, span.start.col)
    }

    /// Does `name` (as written in a `config_template`) name a template file?
    /// The `.j2` suffix may be left out.
    pub fn find_template(&self, name: &str) -> Option<&str> {
        find_with_ext(&self.templates, name, &["j2"])
    }

    /// Does `name` (as written in a `schema`) name a schema file?
    /// The `.json`, `.yaml` or `.yml` suffix may be left out.
    pub fn find_schema(&self, name: &str) -> Option<&str> {
        find_with_ext(&self.schemas, name, &["json", "yaml", "yml"])
    }
}

fn find_with_ext<'a>(list: &'a [String], name: &str, exts: &[&str]) -> Option<&'a str> {
    let hit = |cand: &str| list.iter().find(|p| p.as_str() == cand).map(String::as_str);
    hit(name).or_else(|| exts.iter().find_map(|e| hit(&format!("{name}.{e}"))))
}
