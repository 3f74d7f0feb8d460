//! The human renderer: rustc-style snippets (annotate-snippets), optional colour.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Lines, Summary, count};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceSet;

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
        let file = d.primary.span.file;
        let src = sources.get(file);
        let mut primary = Snippet::source(&*src.text).path(src.path.as_str()).fold(true).annotation(
            AnnotationKind::Primary.span(lines.range(sources, d.primary.span)).label(non_empty(&d.primary.message)),
        );
        let mut others: Vec<Snippet<'_, _>> = Vec::new();
        for r in &d.related {
            let ann = AnnotationKind::Context.span(lines.range(sources, r.span)).label(non_empty(&r.message));
            if r.span.file == file {
                primary = primary.annotation(ann);
            } else {
                let rs = sources.get(r.span.file);
                others.push(Snippet::source(&*rs.text).path(rs.path.as_str()).fold(true).annotation(ann));
            }
        }
        let mut group = level.primary_title(d.message.as_str()).id(d.code.as_str()).element(primary);
        for o in others {
            group = group.element(o);
        }
        let mut report: Vec<Group<'_>> = vec![group];
        if let Some(h) = &d.help {
            report.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
        }
        writeln!(out, "{}\n", renderer.render(&report))?;
    }
    let errors = count(diags, Severity::Error);
    let warnings = count(diags, Severity::Warning);
    let checked = format!("checked {} files, {} objects", summary.files, summary.objects);
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
