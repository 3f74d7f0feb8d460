//! GitHub Actions workflow commands: one `::error`/`::warning` line per diagnostic.

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceSet;

/// Escape a command's message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a command property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(diags: &[Diagnostic], sources: &SourceSet, out: &mut dyn Write) -> io::Result<()> {
    for d in diags {
        let cmd = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let s = d.primary.span;
        let mut message = d.message.clone();
        for r in &d.related {
            message.push_str(&format!(
                "\n{}:{}:{}: {}",
                sources.path(r.span.file),
                r.span.start.line,
                r.span.start.col,
                r.message
            ));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        writeln!(
            out,
            "::{cmd} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(sources.path(s.file)),
            s.start.line,
            s.start.col,
            s.end.line,
            s.end.col,
            escape_property(&format!("{} {}", d.code.as_str(), d.code.info().name)),
            escape_data(&message),
        )?;
    }
    Ok(())
}
