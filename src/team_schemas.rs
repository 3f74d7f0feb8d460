//! JSON Schemas from `schemas/`: loaded and compiled once, offline.
//!
//! A schema file is JSON or YAML. `$ref`s resolve only to other files under
//! `schemas/` (never the network or the rest of the filesystem), and `pattern`
//! uses a linear-time regex engine, so a schema in a pull request cannot make
//! `sot check` hang.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Pos, Span};
use crate::source::{FileId, FileKind, SourceSet};
use crate::yaml::{self, Node, Value};

/// Every schema of the repository, by its path relative to `schemas/`.
#[derive(Default)]
pub struct SchemaSet {
    compiled: HashMap<String, (FileId, Option<jsonschema::Validator>)>,
}

/// One way an instance fails a schema: where (as path segments) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: Vec<String>,
    pub message: String,
}

const BASE: &str = "file:///schemas/";

struct LocalRetriever {
    docs: Arc<HashMap<String, serde_json::Value>>,
}

impl jsonschema::Retrieve for LocalRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let s = uri.as_str();
        let rel = s.strip_prefix(BASE).ok_or_else(|| format!("`{s}`: a $ref may only name a file under schemas/"))?;
        let rel = rel.split('#').next().unwrap_or(rel);
        self.docs.get(rel).cloned().ok_or_else(|| format!("no schema file `{rel}` under schemas/").into())
    }
}

impl SchemaSet {
    /// Parse and compile every schema file of `sources` (kind [`FileKind::Schema`]).
    pub fn load(sources: &SourceSet, schemas_dir: &str, diags: &mut Vec<Diagnostic>) -> SchemaSet {
        let prefix = format!("{}/", schemas_dir.trim_end_matches('/'));
        let mut docs = HashMap::new();
        let mut files = Vec::new();
        // One alias budget for every schema file together.
        let limits = yaml::Limits::default();
        for (id, f) in sources.iter().filter(|(_, f)| f.kind == FileKind::Schema && f.parse) {
            let rel = f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_string();
            if let Some(doc) = parse_doc(id, &f.path, &f.text, &limits, diags) {
                docs.insert(rel.clone(), doc);
                files.push((rel, id));
            }
        }
        let docs = Arc::new(docs);
        let mut compiled = HashMap::new();
        for (rel, id) in files {
            let doc = &docs[&rel];
            let built = jsonschema::options()
                .with_base_uri(format!("{BASE}{rel}"))
                .with_retriever(LocalRetriever { docs: Arc::clone(&docs) })
                .with_pattern_options(jsonschema::PatternOptions::regex())
                .build(doc);
            let validator = match built {
                Ok(v) => Some(v),
                Err(e) => {
                    diags.push(
                        Diagnostic::new(
                            Code::SchemaInvalid,
                            Span::file_start(id),
                            format!("`{rel}` is not a usable JSON Schema: {e}"),
                        )
                        .label("this schema does not compile")
                        .help("fix the schema; contexts that name it are not checked until it compiles"),
                    );
                    None
                }
            };
            compiled.insert(rel, (id, validator));
        }
        SchemaSet { compiled }
    }

    /// The compiled schema `name` names (relative path; extension optional), if it compiled.
    pub fn get(&self, name: &str) -> Option<&jsonschema::Validator> {
        let hit = |n: &str| self.compiled.get(n).and_then(|(_, v)| v.as_ref());
        hit(name).or_else(|| ["json", "yaml", "yml"].iter().find_map(|e| hit(&format!("{name}.{e}"))))
    }

    /// Every violation of `instance` against schema `name` (none if the schema is missing).
    pub fn violations(&self, name: &str, instance: &serde_json::Value) -> Vec<Violation> {
        let Some(v) = self.get(name) else { return Vec::new() };
        v.iter_errors(instance)
            .map(|e| Violation { path: pointer_segments(e.instance_path().as_str()), message: e.to_string() })
            .collect()
    }
}

fn pointer_segments(p: &str) -> Vec<String> {
    p.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

fn parse_doc(
    id: FileId,
    path: &str,
    text: &str,
    limits: &yaml::Limits,
    diags: &mut Vec<Diagnostic>,
) -> Option<serde_json::Value> {
    if path.ends_with(".json") {
        return match serde_json::from_str(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let p = Pos { line: e.line().max(1) as u32, col: e.column().max(1) as u32 };
                let span = Span { file: id, start: p, end: Pos { line: p.line, col: p.col + 1 } };
                diags.push(
                    Diagnostic::new(Code::SchemaInvalid, span, format!("invalid JSON: {e}"))
                        .label("the JSON parser stopped here"),
                );
                None
            }
        };
    }
    yaml::parse(id, text, limits, diags).map(|n| n.to_json())
}

/// The node under `root` at `path` (keys and list indexes), or the deepest one found.
pub fn node_at<'a>(root: &'a Node<'a>, path: &[String]) -> &'a Node<'a> {
    let mut node = root;
    for k in path {
        let next = match &node.value {
            Value::Map(entries) => entries.iter().find(|(key, _)| key.key_text() == k).map(|(_, v)| v),
            Value::Seq(items) => k.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}
