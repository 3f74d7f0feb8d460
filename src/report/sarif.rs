//! SARIF 2.1.0 output, as GitHub code scanning accepts it.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diagnostic::{Code, Diagnostic, Label, Severity};
use crate::source::SourceSet;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn location(sources: &SourceSet, l: &Label) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": sources.path(l.span.file), "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": l.span.start.line,
                "startColumn": l.span.start.col,
                "endLine": l.span.end.line,
                "endColumn": l.span.end.col,
            }
        }
    })
}

/// `root`: the repository root as a `file:` URI (`%SRCROOT%`, against which every location's
/// path is relative).
pub fn render(diags: &[Diagnostic], sources: &SourceSet, root: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            let i = c.info();
            json!({
                "id": i.code,
                "name": i.name,
                "shortDescription": { "text": i.summary },
                "fullDescription": { "text": i.explanation },
                "help": { "text": format!("{}\n\nExample:\n{}", i.explanation, i.example) },
                "defaultConfiguration": { "level": level(i.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut loc = location(sources, r);
                    loc["id"] = json!(i);
                    loc["message"] = json!({ "text": r.message });
                    loc
                })
                .collect();
            let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [location(sources, &d.primary)],
            });
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "sot", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root.unwrap_or("file:///") } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
