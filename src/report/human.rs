//! The human renderer: rustc-style snippets (annotate-snippets), optional colour.
//!
//! Each snippet is given only the lines it shows, not the whole file, so the
//! cost of a report is proportional to what it prints, whatever the file size.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Lines, Summary, count};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceSet;

/// Labels further apart than this many lines get snippets of their own.
const CLUSTER_GAP: u32 = 8;

pub fn render(
    diags: &[Diagnostic],
    sources: &SourceSet,
    summary: Summary,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut lines = Lines::default();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        // The primary label first, then related ones; cluster nearby labels of one file.
        let mut labels: Vec<(&Label, bool)> = vec![(&d.primary, true)];
        labels.extend(d.related.iter().map(|l| (l, false)));
        let mut clusters: Vec<Vec<(&Label, bool)>> = Vec::new();
        for (l, primary) in labels {
            let near = clusters.iter_mut().find(|c| {
                c.iter().any(|(o, _)| {
                    o.span.file == l.span.file && o.span.start.line.abs_diff(l.span.start.line) <= CLUSTER_GAP
                })
            });
            match near {
                Some(c) => c.push((l, primary)),
                None => clusters.push(vec![(l, primary)]),
            }
        }
        let mut snippets = Vec::with_capacity(clusters.len());
        for cluster in &clusters {
            let file = cluster[0].0.span.file;
            let src = sources.get(file);
            let first = cluster.iter().map(|(l, _)| l.span.start.line).min().unwrap_or(1);
            let last = cluster.iter().map(|(l, _)| l.span.end.line.max(l.span.start.line)).max().unwrap_or(first);
            let (window, base) = lines.window(sources, file, first, last);
            let mut snippet = Snippet::source(window).path(src.path.as_str()).line_start(first as usize).fold(true);
            for (l, primary) in cluster {
                let r = lines.range(sources, l.span);
                let r =
                    (r.start.saturating_sub(base)).min(window.len())..(r.end.saturating_sub(base)).min(window.len());
                let kind = if *primary { AnnotationKind::Primary } else { AnnotationKind::Context };
                snippet = snippet.annotation(kind.span(r).label(non_empty(&l.message)));
            }
            snippets.push(snippet);
        }
        let group = level.primary_title(d.message.as_str()).id(d.code.as_str()).elements(snippets);
        let mut report: Vec<Group<'_>> = vec![group];
        if let Some(h) = &d.help {
            report.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
        }
        writeln!(out, "{}\n", renderer.render(&report))?;
    }
    let errors = count(diags, Severity::Error);
    let warnings = count(diags, Severity::Warning);
    let checked = format!("checked {}, {}", plural(summary.files, "file"), plural(summary.objects, "object"));
    if errors + warnings == 0 {
        writeln!(out, "{checked}: no problems found")
    } else {
        writeln!(out, "{checked}: {}, {}", plural(errors, "error"), plural(warnings, "warning"))
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}
