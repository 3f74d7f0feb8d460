//! The JSON renderer. Its shape is a public contract (docs/json-output.md):
//! fields may be added, never renamed or removed.

use std::io::{self, Write};

use serde::Serialize;

use super::{Summary, count};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceSet;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    summary: JsonSummary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    files: usize,
    objects: usize,
}

#[derive(Serialize)]
pub(crate) struct Position {
    pub line: u32,
    pub column: u32,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end: Position,
    #[serde(skip_serializing_if = "str::is_empty")]
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end: Position,
    message: &'a str,
}

pub fn render(diags: &[Diagnostic], sources: &SourceSet, summary: Summary, out: &mut dyn Write) -> io::Result<()> {
    let report = Report {
        version: 1,
        summary: JsonSummary {
            errors: count(diags, Severity::Error),
            warnings: count(diags, Severity::Warning),
            files: summary.files,
            objects: summary.objects,
        },
        diagnostics: diags
            .iter()
            .map(|d| {
                let s = d.primary.span;
                JsonDiagnostic {
                    code: d.code.as_str(),
                    name: d.code.info().name,
                    severity: d.severity,
                    message: &d.message,
                    file: sources.path(s.file),
                    line: s.start.line,
                    column: s.start.col,
                    end: Position { line: s.end.line, column: s.end.col },
                    label: &d.primary.message,
                    help: d.help.as_deref(),
                    related: d.related.iter().map(|l| related(sources, l)).collect(),
                }
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

fn related<'a>(sources: &'a SourceSet, l: &'a Label) -> JsonRelated<'a> {
    JsonRelated {
        file: sources.path(l.span.file),
        line: l.span.start.line,
        column: l.span.start.col,
        end: Position { line: l.span.end.line, column: l.span.end.col },
        message: &l.message,
    }
}
