//! GitLab Code Quality (the CodeClimate subset GitLab reads): a JSON array of issues, shown in
//! the merge request's widget and diff when saved as a `codequality` report artifact.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceSet;

pub fn render(diags: &[Diagnostic], sources: &SourceSet, out: &mut dyn Write) -> io::Result<()> {
    // A fingerprint names a finding across runs: its code, file and message, not its line (a
    // finding that moves down when lines are added above is the same finding), and which of
    // identical findings it is.
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    let issues: Vec<Value> = diags
        .iter()
        .map(|d| {
            let path = sources.path(d.primary.span.file);
            let mut h = Sha256::new();
            for part in [d.code.as_str(), path, &d.message] {
                h.update(part.as_bytes());
                h.update([0]);
            }
            let key: [u8; 32] = h.clone().finalize().into();
            let n = seen.entry(key).or_insert(0);
            h.update(n.to_le_bytes());
            *n += 1;
            let fingerprint: String = h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
            let mut description = d.message.clone();
            if let Some(help) = &d.help {
                description.push_str(&format!(" (help: {help})"));
            }
            json!({
                "description": description,
                "check_name": format!("{} {}", d.code.as_str(), d.code.info().name),
                "fingerprint": fingerprint,
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
