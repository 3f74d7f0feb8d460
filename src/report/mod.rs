//! Renderers of the one diagnostic model: human, JSON, GitHub Actions, SARIF, GitLab Code
//! Quality.
//!
//! Each takes the sorted diagnostics and the source set and writes to a
//! `Write`; none prints on its own or reads the environment (colour is decided
//! by the caller).

mod github;
mod gitlab;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Pos, Severity, Span};
use crate::source::{FileId, SourceSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Source snippets with carets, for people.
    Human,
    /// One JSON document (see docs/json-output.md).
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitLab Code Quality JSON (a `codequality` report artifact of a merge request).
    Gitlab,
}

/// What was checked, for summaries.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub objects: usize,
    /// The repository root as a `file:` URI ending in `/` (SARIF's `%SRCROOT%`), if known.
    pub root: Option<String>,
}

/// `dir` as a `file:` URI ending in `/`, its bytes percent-encoded where a URI needs it.
pub fn root_uri(dir: &std::path::Path) -> String {
    let path = dir.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !path.starts_with('/') {
        uri.push('/');
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

pub fn render(
    format: Format,
    diags: &[Diagnostic],
    sources: &SourceSet,
    summary: Summary,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(diags, sources, summary, color, out),
        Format::Json => json::render(diags, sources, summary, out),
        Format::Github => github::render(diags, sources, out),
        Format::Sarif => sarif::render(diags, sources, summary.root.as_deref(), out),
        Format::Gitlab => gitlab::render(diags, sources, out),
    }
}

pub fn count(diags: &[Diagnostic], sev: Severity) -> usize {
    diags.iter().filter(|d| d.severity == sev).count()
}

/// Byte offsets of line starts, to turn (line, column) into byte ranges.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The byte offset where 1-based `line` starts (the text's end past the last line).
    pub fn line_start(&self, line: u32) -> usize {
        self.starts.get(line.max(1) as usize - 1).copied().unwrap_or(usize::MAX)
    }

    /// The byte offset of a 1-based position (clamped to the text).
    pub fn offset(&self, text: &str, p: Pos) -> usize {
        let line = (p.line.max(1) as usize - 1).min(self.starts.len() - 1);
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let line_text = &text[start..end];
        let col = p.col.max(1) as usize - 1;
        start + line_text.char_indices().nth(col).map_or(line_text.trim_end_matches(['\n', '\r']).len(), |(i, _)| i)
    }
}

/// A cache of line indexes per file.
#[derive(Default)]
pub(crate) struct Lines {
    map: crate::hash::HashMap<FileId, LineIndex>,
}

impl Lines {
    /// Lines `first..=last` (1-based) of a file, and the byte offset they start at.
    pub fn window<'s>(&mut self, sources: &'s SourceSet, file: FileId, first: u32, last: u32) -> (&'s str, usize) {
        let text: &'s str = &sources.get(file).text;
        let ix = self.map.entry(file).or_insert_with(|| LineIndex::new(text));
        let start = ix.line_start(first).min(text.len());
        let end = ix.line_start(last + 1).min(text.len()).max(start);
        (text[start..end].trim_end_matches(['\n', '\r']), start)
    }

    pub fn range(&mut self, sources: &SourceSet, span: Span) -> std::ops::Range<usize> {
        let text = &sources.get(span.file).text;
        let ix = self.map.entry(span.file).or_insert_with(|| LineIndex::new(text));
        let a = ix.offset(text, span.start);
        let b = ix.offset(text, span.end).max(a);
        a..b
    }
}

#[cfg(test)]
mod tests;
