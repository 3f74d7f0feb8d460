//! GitLab Code Quality (the CodeClimate subset GitLab reads): a JSON array of issues, shown in
//! the merge request's widget and diff when saved as a `codequality` report artifact.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::emit::sha256_hex;
use crate::source::SourceSet;

pub fn render(diags: &[Diagnostic], sources: &SourceSet, out: &mut dyn Write) -> io::Result<()> {
    // A fingerprint names a finding across runs: its code, file and message, not its line (a
    // finding that moves down when lines are added above is the same finding), and which of
    // identical findings it is.
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let issues: Vec<Value> = diags
        .iter()
        .map(|d| {
            let path = sources.path(d.primary.span.file);
            let n = seen.entry((d.code.as_str(), path, &d.message)).or_insert(0);
            let fingerprint = sha256_hex(format!("{}\0{path}\0{}\0{n}", d.code.as_str(), d.message).as_bytes());
            *n += 1;
            let mut description = d.message.clone();
            if let Some(help) = &d.help {
                description.push_str(&format!(" (help: {help})"));
            }
            json!({
                "description": description,
                "check_name": format!("{} {}", d.code.as_str(), d.code.info().name),
                "fingerprint": &fingerprint[..32],
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {
                    "path": path,
                    "lines": { "begin": d.primary.span.start.line, "end": d.primary.span.end.line },
                },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
