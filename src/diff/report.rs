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
    // Findings first: they are what a reviewer must act on.
    for (title, list) in [("Introduced", &r.introduced), ("Fixed", &r.fixed)] {
        if !list.is_empty() {
            let _ = writeln!(s, "\n{title} diagnostics:");
            for d in list {
                let _ = writeln!(s, "  {}[{}] {}:{}:{}: {}", d.severity, d.code, d.file, d.line, d.column, d.message);
                if let Some(h) = &d.help {
                    let _ = writeln!(s, "      help: {h}");
                }
            }
        }
    }
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
    s
}

/// The longest run of backticks in `s`.
fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A fenced code block of `content` (ending in a newline or empty): the fence is a run of
/// backticks longer than any in the content, so no line of it can close the block.
fn fenced(info: &str, content: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(content).max(2) + 1);
    let nl = if content.is_empty() || content.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{info}\n{content}{nl}{fence}\n")
}

/// One line of user text: line breaks (which could start a heading or end an HTML block)
/// become spaces.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n', '\u{2028}', '\u{2029}'], " ")
}

/// `s` as an inline code span: delimited by more backticks than it holds, on one line.
fn code(s: &str) -> String {
    let s = one_line(s);
    let ticks = "`".repeat(longest_backtick_run(&s) + 1);
    // A span that starts or ends with a backtick needs a space inside its delimiters.
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

/// `s` as Markdown text on one line: characters Markdown or HTML would interpret are
/// escaped (a backslash before ASCII punctuation renders as the character itself).
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` inside an HTML element (`<summary><code>…</code>`): escaped as HTML, on one line.
fn html(s: &str) -> String {
    one_line(s).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Markdown for a pull-request comment: a summary table, then a collapsible
/// section per device; cut with a note once it passes `limit` bytes. Every piece of user
/// text (revisions, names, paths, messages, values, configuration lines) is fenced, put in
/// a code span or escaped, so none can close a block or start a heading, a table or HTML.
pub fn markdown(r: &DiffReport, limit: usize) -> String {
    let m = &r.summary;
    let mut s = String::new();
    let _ = writeln!(s, "### sot diff {} → {}\n", code(short(&r.base)), code(short(&r.head)));
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
            let message = md_text(&d.message.replace('`', "'"));
            let help =
                d.help.as_ref().map(|h| format!(" (help: {})", md_text(&h.replace('`', "'")))).unwrap_or_default();
            let at = code(&format!("{}:{}:{}", d.file, d.line, d.column));
            let _ = writeln!(s, "- `{}` {} {}: {}{}", d.code, d.severity, at, message, help);
        }
        s.push('\n');
    }
    if !r.events.is_empty() {
        let mut lines = String::new();
        for e in &r.events {
            let _ = writeln!(lines, "{}", one_line(&event_line(e)));
            for c in &e.changes {
                let _ = writeln!(lines, "    {}", one_line(&format!("{}: {} → {}", c.field, c.old, c.new)));
            }
        }
        let _ = write!(s, "<details><summary>Objects</summary>\n\n{}</details>\n\n", fenced("diff", &lines));
    }
    let mut cut = 0;
    for (i, d) in r.devices.iter().enumerate() {
        let mut sec = String::new();
        let _ = writeln!(
            sec,
            "<details><summary><code>{}</code> +{} −{}</summary>\n",
            html(&d.device),
            d.lines_added,
            d.lines_removed
        );
        for c in &d.context {
            let _ = writeln!(
                sec,
                "- {}: {} → {} ({})",
                code(&c.path),
                code(&compact(&c.old)),
                code(&compact(&c.new)),
                md_text(&c.by)
            );
        }
        if !d.config_diff.is_empty() {
            let _ = write!(sec, "\n{}", fenced("diff", &d.config_diff));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{ContextChange, DeviceChange, DiagnosticRef, Event, FieldChange, Summary};

    /// `line` without its code spans (whose text Markdown shows literally), as CommonMark
    /// delimits them: a run of backticks to the next run of the same length; `\\`` is no delimiter.
    fn without_code_spans(line: &str) -> String {
        let b = line.as_bytes();
        let run = |i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
        let (mut out, mut i) = (String::new(), 0);
        while i < b.len() {
            if b[i] == b'\\' && i + 1 < b.len() {
                out.push_str(&line[i..i + 2]);
                i += 2;
            } else if b[i] == b'`' {
                let n = run(i);
                let close = (i + n..b.len()).find(|&j| b[j] == b'`' && run(j) == n && (j == 0 || b[j - 1] != b'`'));
                match close {
                    Some(j) => i = j + n,
                    None => {
                        out.push_str(&line[i..i + n]);
                        i += n;
                    }
                }
            } else {
                let c = line[i..].chars().next().unwrap();
                out.push(c);
                i += c.len_utf8();
            }
        }
        out
    }

    /// No user text can break out of where the report puts it: a configuration line of
    /// backticks does not close its fence, names and messages cannot start a heading, a
    /// table row or HTML.
    #[test]
    fn user_text_cannot_break_out_of_the_markdown() {
        let evil = "x`y``` <img src=x onerror=alert(1)> | a |\n# Heading\n\n</details><script>";
        let r = DiffReport {
            base: "main`".into(),
            head: "```\n# head".into(),
            summary: Summary::default(),
            events: vec![Event {
                event: "updated",
                model: "dcim.device",
                key: evil.into(),
                prechange: None,
                postchange: None,
                changes: vec![FieldChange { field: evil.into(), old: evil.into(), new: serde_json::json!("````") }],
            }],
            devices: vec![DeviceChange {
                device: evil.into(),
                context: vec![ContextChange { path: evil.into(), old: Some(evil.into()), new: None, by: evil.into() }],
                config_diff: "@@ -1,3 +1,5 @@\n ```\n # pwned\n-a\n+```\n+# pwned\n+``````\n".into(),
                lines_added: 3,
                lines_removed: 1,
            }],
            introduced: vec![DiagnosticRef {
                code: "E0102",
                name: "duplicate-key",
                severity: "error",
                file: "inventory/`a`|b\n# c.yaml".into(),
                line: 3,
                column: 5,
                message: evil.into(),
                help: Some(evil.into()),
            }],
            fixed: vec![],
        };
        let md = markdown(&r, 1 << 20);
        // Outside fenced blocks, walk the lines: the only heading is the report's own, no
        // line starts a table but the summary's, and HTML is only the report's own.
        // CommonMark: a fence line may be indented up to three spaces, and closes on a run of
        // at least the opening's length; so may a heading.
        fn unindent(l: &str) -> &str {
            let n = l.len() - l.trim_start_matches(' ').len();
            if n <= 3 { &l[n..] } else { "" }
        }
        let mut fence: Option<usize> = None;
        let mut fenced_lines = Vec::new();
        for line in md.lines() {
            let l = unindent(line);
            let ticks = l.len() - l.trim_start_matches('`').len();
            if let Some(f) = fence {
                if ticks >= f && l[ticks..].trim().is_empty() {
                    fence = None;
                } else {
                    fenced_lines.push(line);
                }
                continue;
            }
            if ticks >= 3 {
                fence = Some(ticks);
                continue;
            }
            assert!(!l.starts_with('#') || line.starts_with("### sot diff "), "{line}\n{md}");
            assert!(
                !l.starts_with('|')
                    || line.starts_with("| objects")
                    || line.starts_with("|---")
                    || line.starts_with("| 0 "),
                "{line}"
            );
            let bare = without_code_spans(line);
            assert!(!bare.contains("<img") && !bare.contains("<script") && !bare.contains("</details><"), "{line}");
        }
        assert!(fence.is_none(), "a fence is left open:\n{md}");
        // The configuration lines are all inside the fence, as written.
        for l in [" ```", " # pwned", "+```", "+# pwned", "+``````"] {
            assert!(fenced_lines.contains(&l), "{l}\n{md}");
        }
        assert!(
            md.contains(
                "<code>x`y``` &lt;img src=x onerror=alert(1)&gt; | a | # Heading  &lt;/details&gt;&lt;script&gt;</code>"
            ),
            "{md}"
        );
        assert!(md.starts_with("### sot diff `` main` `` → ```` ``` # head ````\n"), "{md}");
        // Text that is safe reads as before.
        let plain = md_text;
        assert_eq!(plain("unknown field `regoin`"), "unknown field \\`regoin\\`");
        assert_eq!(code("lon1-r2"), "`lon1-r2`");
        assert_eq!(fenced("diff", "+a\n"), "```diff\n+a\n```\n");
    }
}
