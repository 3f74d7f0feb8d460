//! Shared helpers for the integration tests.
//!
//! A fixture is one text file that lays out a small repository:
//!
//! ```text
//! # expect: E0202 inventory/a.yaml:7:11
//! # expect: E0102 inventory/a.yaml:3:5
//! --- sot.yaml
//! --- inventory/a.yaml
//! sites: ...
//! --- bytes inventory/b.yaml
//! name: caf\xe9
//! --- symlink inventory/evil.yaml -> /etc/hostname
//! ```
//!
//! `# expect: nothing` states a clean check. Lines before the first `---` that
//! are not `# expect:` are comments.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct Fixture {
    pub expect: Vec<String>,
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// Lay the fixture at `path` out in a fresh temporary directory.
pub fn materialise(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    materialise_str(&text)
}

pub fn materialise_str(text: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut expect = Vec::new();
    let mut current: Option<(String, String, Kind)> = None;
    let flush = |cur: Option<(String, String, Kind)>, root: &Path| {
        if let Some((name, body, kind)) = cur {
            write_entry(root, &name, &body, kind);
        }
    };
    for line in text.split_inclusive('\n') {
        if let Some(header) = line.strip_prefix("--- ") {
            flush(current.take(), dir.path());
            let header = header.trim_end();
            current = Some(if let Some(rest) = header.strip_prefix("bytes ") {
                (rest.to_string(), String::new(), Kind::Bytes)
            } else if let Some(rest) = header.strip_prefix("symlink ") {
                let (from, to) = rest.split_once(" -> ").expect("symlink FROM -> TO");
                (from.to_string(), to.to_string(), Kind::Symlink)
            } else {
                (header.to_string(), String::new(), Kind::Text)
            });
        } else if let Some((_, body, _)) = &mut current {
            body.push_str(line);
        } else if let Some(e) = line.strip_prefix("# expect:") {
            let e = e.trim();
            if e != "nothing" {
                expect.push(e.to_string());
            }
        }
    }
    flush(current, dir.path());
    expect.sort();
    Fixture { expect, dir }
}

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Bytes,
    Symlink,
}

fn write_entry(root: &Path, name: &str, body: &str, kind: Kind) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    match kind {
        Kind::Text => std::fs::write(&path, body).expect("write"),
        Kind::Bytes => std::fs::write(&path, unescape(body)).expect("write"),
        Kind::Symlink => {
            #[cfg(unix)]
            std::os::unix::fs::symlink(body, &path).expect("symlink");
        }
    }
}

/// `\xNN` escapes to bytes; everything else as written.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && b.get(i + 1) == Some(&b'x')
            && i + 3 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 2..i + 4], 16)
        {
            out.push(v);
            i += 4;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Load and compile a laid-out repository.
pub fn compile(root: &Path) -> sot::compile::Compilation {
    let loaded = sot::load::load_workdir(root).expect("load");
    sot::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics)
}

/// Check a laid-out repository; returns `CODE file:line:col` for each diagnostic, sorted.
pub fn check(root: &Path) -> Vec<String> {
    let loaded = sot::load::load_workdir(root).expect("load");
    let comp = sot::compile::compile(&loaded.sources, loaded.config, loaded.diagnostics);
    let mut got: Vec<String> = comp
        .diagnostics
        .iter()
        .map(|d| {
            let s = d.primary.span;
            format!("{} {}:{}:{}", d.code.as_str(), loaded.sources.path(s.file), s.start.line, s.start.col)
        })
        .collect();
    got.sort();
    got
}

/// Every fixture file below `dir`, sorted.
pub fn fixtures(dir: &str) -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&base)
        .unwrap_or_else(|e| panic!("{}: {e}", base.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v
}

/// Copy the directory tree `from` to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// The names of `dir`'s entries, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// A copy of the project's example inventory (sot.yaml, inventory, templates,
/// schemas, device types) in a temporary directory.
pub fn example_copy() -> tempfile::TempDir {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("tempdir");
    for d in ["inventory", "templates", "schemas", "device-types"] {
        if root.join(d).exists() {
            copy_dir(&root.join(d), &tmp.path().join(d));
        }
    }
    std::fs::copy(root.join("sot.yaml"), tmp.path().join("sot.yaml")).expect("copy sot.yaml");
    tmp
}

/// NetBox's REST schema, vendored in `tests/fixtures/netbox/` (its `VERSION` says which
/// NetBox; `scripts/refresh-openapi.py` refreshes it from a running one).
pub fn netbox_openapi() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/netbox/openapi.json.gz");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_reader(std::io::BufReader::new(flate2::read::GzDecoder::new(file)))
        .expect("the vendored OpenAPI document is gzip-compressed JSON")
}
