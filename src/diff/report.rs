//! Writing a [`DiffReport`] as text, Markdown (sized for a pull-request comment) or JSON.

use std::fmt::Write;

use super::{DiffReport, Event};

fn short(rev: &str) -> &str {
    if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) { &rev[..12] } else { rev }
}

fn compact(v: &Option<serde_json::Value>) -> String {
    v.as_ref().map_or_else(|| "(none)".to_string(), |v| v.to_string())
}

fn event_line(e: &Event) -> String {
    let sign = match e.event {
        "created" => "+",
        "deleted" => "-",
        _ => "~",
    };
    format!("{sign} {} {}", e.model, e.key)
}

/// Plain text; `color` adds ANSI colours for a terminal.
pub fn text(r: &DiffReport, color: bool) -> String {
    let paint = |code: &str, s: &str| if color { format!("\u{1b}[{code}m{s}\u{1b}[0m") } else { s.to_string() };
    let mut s = String::new();
    let _ = writeln!(s, "sot diff {} → {}", short(&r.base), short(&r.head));
    let m = &r.summary;
    let _ = writeln!(
        s,
        "{} objects created, {} updated, {} deleted; {} devices affected (+{} -{} config lines); {} diagnostics introduced, {} fixed",
        m.objects_created,
        m.objects_updated,
        m.objects_deleted,
        m.devices_affected,
        m.config_lines_added,
        m.config_lines_removed,
        m.diagnostics_introduced,
        m.diagnostics_fixed
    );
    if !r.events.is_empty() {
        s.push_str("\nObjects:\n");
        for e in &r.events {
            let line = event_line(e);
            let code = match e.event {
                "created" => "32",
                "deleted" => "31",
                _ => "33",
            };
            let _ = writeln!(s, "  {}", paint(code, &line));
            for c in &e.changes {
                let _ = writeln!(s, "      {}: {} → {}", c.field, c.old, c.new);
            }
        }
    }
    for d in &r.devices {
        let _ = writeln!(s, "\nDevice {} (+{} -{})", d.device, d.lines_added, d.lines_removed);
        for c in &d.context {
            let _ = writeln!(s, "  context {}: {} → {}  [{}]", c.path, compact(&c.old), compact(&c.new), c.by);
        }
        for line in d.config_diff.lines() {
            let colored = if line.starts_with('+') && !line.starts_with("+++") {
                paint("32", line)
            } else if line.starts_with('-') && !line.starts_with("---") {
                paint("31", line)
            } else if line.starts_with("@@") {
                paint("36", line)
            } else {
                line.to_string()
            };
            let _ = writeln!(s, "  {colored}");
        }
    }
    for (title, list) in [("Introduced", &r.introduced), ("Fixed", &r.fixed)] {
        if !list.is_empty() {
            let _ = writeln!(s, "\n{title} diagnostics:");
            for d in list {
                let _ = writeln!(s, "  {}[{}] {}:{}: {}", d.severity, d.code, d.file, d.line, d.message);
            }
        }
    }
    s
}

/// Markdown for a pull-request comment: a summary table, then a collapsible
/// section per device; cut with a note once it passes `limit` bytes.
pub fn markdown(r: &DiffReport, limit: usize) -> String {
    let m = &r.summary;
    let mut s = String::new();
    let _ = writeln!(s, "### sot diff `{}` → `{}`\n", short(&r.base), short(&r.head));
    s.push_str("| objects created | updated | deleted | devices affected | config lines | diagnostics |\n|---|---|---|---|---|---|\n");
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | +{} −{} | {} new, {} fixed |\n",
        m.objects_created,
        m.objects_updated,
        m.objects_deleted,
        m.devices_affected,
        m.config_lines_added,
        m.config_lines_removed,
        m.diagnostics_introduced,
        m.diagnostics_fixed
    );
    if !r.introduced.is_empty() {
        s.push_str("**Diagnostics introduced**\n\n");
        for d in &r.introduced {
            let _ =
                writeln!(s, "- `{}` {} `{}:{}`: {}", d.code, d.severity, d.file, d.line, d.message.replace('`', "'"));
        }
        s.push('\n');
    }
    if !r.events.is_empty() {
        s.push_str("<details><summary>Objects</summary>\n\n```diff\n");
        for e in &r.events {
            let _ = writeln!(s, "{}", event_line(e));
            for c in &e.changes {
                let _ = writeln!(s, "    {}: {} → {}", c.field, c.old, c.new);
            }
        }
        s.push_str("```\n</details>\n\n");
    }
    let mut cut = 0;
    for (i, d) in r.devices.iter().enumerate() {
        let mut sec = String::new();
        let _ = writeln!(
            sec,
            "<details><summary><code>{}</code> +{} −{}</summary>\n",
            d.device, d.lines_added, d.lines_removed
        );
        for c in &d.context {
            let _ = writeln!(sec, "- `{}`: `{}` → `{}` ({})", c.path, compact(&c.old), compact(&c.new), c.by);
        }
        if !d.config_diff.is_empty() {
            let _ = writeln!(sec, "\n```diff\n{}```", d.config_diff);
        }
        sec.push_str("</details>\n\n");
        if s.len() + sec.len() > limit {
            cut = r.devices.len() - i;
            break;
        }
        s.push_str(&sec);
    }
    if cut > 0 {
        let _ = writeln!(
            s,
            "_{cut} more devices not shown (comment size limit); run `sot diff` locally for the full report._"
        );
    }
    s
}

pub fn json(r: &DiffReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default() + "\n"
}
