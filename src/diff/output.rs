//! Writing a [`DiffReport`] as text, Markdown (sized for a pull-request comment) or JSON.

use std::fmt::Write;

use std::collections::{BTreeMap, HashMap};

use super::{DeviceChange, DiffReport, Event};

/// The default size of the Markdown report in characters: below the 65,536 a GitHub
/// pull-request comment holds, with room for what a workflow adds around it.
pub const DEFAULT_LIMIT: usize = 60_000;

fn short(rev: &str) -> &str {
    if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) { &rev[..12] } else { rev }
}

fn compact(v: &Option<serde_json::Value>) -> String {
    v.as_ref().map_or_else(|| "(none)".to_string(), |v| v.to_string())
}

fn sign(event: &str) -> &'static str {
    match event {
        "created" => "+",
        "deleted" => "-",
        _ => "~",
    }
}

fn event_line(e: &Event) -> String {
    format!("{} {} {}", sign(e.event), e.model, e.key)
}

/// `n` and the noun, singular or plural.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One line of the object listing.
struct ObjectLine {
    text: String,
    /// The event's sign, to colour it; `None` for a changed field under its event.
    sign: Option<&'static str>,
}

/// The object events as lines: each event, its changed fields (by path) under it; the
/// interfaces a device got from (or lost with) its type summarised in one line per device
/// ("58 interfaces from TYPE").
fn object_lines(r: &DiffReport) -> Vec<ObjectLine> {
    // (event, device, model) → (how many, the type)
    let mut from_type: HashMap<(&str, &str, &str), (usize, &str)> = HashMap::new();
    for e in &r.events {
        if let (Some(t), Some((device, _))) = (&e.from_type, e.key.split_once(':')) {
            from_type.entry((e.event, device, e.model)).or_insert((0, t)).0 += 1;
        }
    }
    let mut out = Vec::new();
    let summary = |event: &str, device: &str, model: &str, n: usize, t: &str| {
        let (one, many) = crate::model::COMPONENT_KINDS
            .iter()
            .find(|k| k.netbox == model)
            .map_or(("interface", "interfaces"), |k| (k.singular, k.plural));
        ObjectLine {
            text: format!("{} {model} {device}:* ({} from {t})", sign(event), count(n, one, many)),
            sign: Some(sign(event)),
        }
    };
    let mut done: std::collections::HashSet<(&str, &str, &str)> = Default::default();
    for e in &r.events {
        if e.from_type.is_some() {
            let device = e.key.split_once(':').map_or("", |x| x.0);
            if done.insert((e.event, device, e.model)) {
                let (n, t) = from_type[&(e.event, device, e.model)];
                out.push(summary(e.event, device, e.model, n, t));
            }
            continue;
        }
        out.push(ObjectLine { text: event_line(e), sign: Some(sign(e.event)) });
        for c in &e.changes {
            out.push(ObjectLine { text: format!("    {}: {} → {}", c.field, c.old, c.new), sign: None });
        }
    }
    out
}

/// Devices whose configuration and context changed alike, listed together: the devices
/// (in natural order) and the change of the first.
struct Group<'r> {
    devices: Vec<&'r DeviceChange>,
}

/// A device's change without what names it: the diff's hunks without file names and line
/// numbers, and the context changes.
fn group_key(d: &DeviceChange) -> String {
    let mut k = String::new();
    for line in d.config_diff.lines() {
        if line.starts_with("--- ") || line.starts_with("+++ ") {
            continue;
        }
        k.push_str(if line.starts_with("@@") { "@@" } else { line });
        k.push('\n');
    }
    for c in &d.context {
        let _ = writeln!(k, "{}\t{}\t{}\t{}", c.path, compact(&c.old), compact(&c.new), c.by);
    }
    k
}

fn groups(r: &DiffReport) -> Vec<Group<'_>> {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Group<'_>> = Vec::new();
    for d in &r.devices {
        let k = group_key(d);
        match by_key.get(&k) {
            Some(&i) => out[i].devices.push(d),
            None => {
                by_key.insert(k, out.len());
                out.push(Group { devices: vec![d] });
            }
        }
    }
    out
}

/// The diff of a group's first device; for several devices, without the file names.
fn group_diff(g: &Group<'_>) -> String {
    let d = g.devices[0];
    if g.devices.len() == 1 {
        return d.config_diff.clone();
    }
    d.config_diff
        .lines()
        .filter(|l| !l.starts_with("--- ") && !l.starts_with("+++ "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Every device the change touches (its configuration or context changed, or the device
/// was created, updated or deleted), in natural order, with what happened to it.
fn changed_devices(r: &DiffReport) -> Vec<(&str, Option<&'static str>, Option<&DeviceChange>)> {
    let mut m: BTreeMap<&str, (Option<&'static str>, Option<&DeviceChange>)> = BTreeMap::new();
    for e in r.events.iter().filter(|e| e.model == "dcim.device") {
        m.entry(&e.key).or_default().0 = Some(match e.event {
            "created" => "new",
            "deleted" => "deleted",
            _ => "updated",
        });
    }
    for d in &r.devices {
        m.entry(&d.device).or_default().1 = Some(d);
    }
    let mut out: Vec<_> = m.into_iter().map(|(n, (e, d))| (n, e, d)).collect();
    crate::natural::sort_by_key(&mut out, |x| x.0);
    out
}

/// Plain text; `color` adds ANSI colours for a terminal.
pub fn text(r: &DiffReport, color: bool) -> String {
    let paint = |code: &str, s: &str| if color { format!("\u{1b}[{code}m{s}\u{1b}[0m") } else { s.to_string() };
    let mut s = String::new();
    let _ = writeln!(s, "sot diff {} → {}", short(&r.base), short(&r.head));
    let _ = writeln!(s, "{}", summary_line(r));
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
    if !r.duplicates.is_empty() {
        s.push_str("\nDuplicate keys (not compared):\n");
        for d in &r.duplicates {
            let _ = writeln!(s, "  ! {}", duplicate_line(d));
        }
    }
    let lines = object_lines(r);
    if !lines.is_empty() {
        s.push_str("\nObjects:\n");
        for l in &lines {
            let code = match l.sign {
                Some("+") => "32",
                Some("-") => "31",
                Some(_) => "33",
                None => "",
            };
            let _ = writeln!(s, "  {}", if code.is_empty() { l.text.clone() } else { paint(code, &l.text) });
        }
    }
    for g in groups(r) {
        let d = g.devices[0];
        if g.devices.len() == 1 {
            let _ = writeln!(s, "\nDevice {} (+{} -{})", d.device, d.lines_added, d.lines_removed);
        } else {
            let names: Vec<&str> = g.devices.iter().map(|d| d.device.as_str()).collect();
            let _ = writeln!(
                s,
                "\n{} (+{} -{} each): {}",
                count(g.devices.len(), "device", "devices"),
                d.lines_added,
                d.lines_removed,
                names.join(", ")
            );
        }
        for c in &d.context {
            let _ = writeln!(s, "  context {}: {} → {}  [{}]", c.path, compact(&c.old), compact(&c.new), c.by);
        }
        for line in group_diff(&g).lines() {
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

fn summary_line(r: &DiffReport) -> String {
    let m = &r.summary;
    format!(
        "{} created, {} updated, {} deleted; {} affected (+{} -{} config lines); {} introduced, {} fixed",
        count(m.objects_created, "object", "objects"),
        m.objects_updated,
        m.objects_deleted,
        count(m.devices_affected, "device", "devices"),
        m.config_lines_added,
        m.config_lines_removed,
        count(m.diagnostics_introduced, "diagnostic", "diagnostics"),
        m.diagnostics_fixed
    )
}

fn duplicate_line(d: &super::Duplicate) -> String {
    format!(
        "{} {}: {} in base, {} in head (a key written more than once: its objects are not paired)",
        d.model,
        d.key,
        count(d.base, "object", "objects"),
        count(d.head, "object", "objects")
    )
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

/// Characters, as a comment limit counts them.
fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Markdown for a pull-request comment, at most `limit` characters (0: no limit): a
/// summary table, the diagnostics introduced and fixed (with their help), keys written
/// twice, every changed device named in one list, the object events (interfaces a device
/// has from its type summarised) in a collapsible block, then a collapsible section per
/// device, devices changed alike in one section. What does not fit is cut, least important
/// first (configuration diffs, then the object list's changed fields, then its lines), and
/// a closing note says what was left out and where the full report is.
///
/// Every piece of user text (revisions, names, paths, messages, values, configuration
/// lines) is fenced, put in a code span or escaped, so none can close a block or start a
/// heading, a table or HTML.
pub fn markdown(r: &DiffReport, limit: usize) -> String {
    let budget = if limit == 0 { usize::MAX } else { limit };
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
    // Room kept for the closing note.
    let reserve = 600.min(budget / 4);
    let mut used = chars(&s);
    let room = |used: usize| budget.saturating_sub(used + reserve);
    let mut left_out: Vec<String> = Vec::new();

    // Diagnostics: what a reviewer must act on.
    for (title, list) in [("Diagnostics introduced", &r.introduced), ("Diagnostics fixed", &r.fixed)] {
        if list.is_empty() {
            continue;
        }
        let mut block = format!("**{title}**\n\n");
        let mut kept = 0;
        for d in list.iter() {
            let message = md_text(&d.message.replace('`', "'"));
            let help =
                d.help.as_ref().map(|h| format!(" (help: {})", md_text(&h.replace('`', "'")))).unwrap_or_default();
            let at = code(&format!("{}:{}:{}", d.file, d.line, d.column));
            let line = format!("- `{}` {} {}: {}{}\n", d.code, d.severity, at, message, help);
            // Room is kept for the device names too.
            if used + chars(&block) + chars(&line) > budget.saturating_sub(2 * reserve) {
                break;
            }
            block.push_str(&line);
            kept += 1;
        }
        if kept < list.len() {
            left_out.push(format!("{} {}", list.len() - kept, title.to_lowercase()));
        }
        block.push('\n');
        used += chars(&block);
        s.push_str(&block);
    }
    if !r.duplicates.is_empty() {
        let mut block = String::from("**Keys written more than once** (their objects are not compared)\n\n");
        for d in &r.duplicates {
            let _ = writeln!(block, "- {}", code(&duplicate_line(d)));
        }
        block.push('\n');
        used += chars(&block);
        s.push_str(&block);
    }

    // Every changed device, by name.
    let changed = changed_devices(r);
    if !changed.is_empty() {
        let mut block = format!("**{}:** ", count(changed.len(), "device", "devices"));
        for (i, (name, what, d)) in changed.iter().enumerate() {
            let mut item = code(name);
            if let Some(w) = what {
                let _ = write!(item, " {w}");
            }
            if let Some(d) = d.filter(|d| !d.config_diff.is_empty()) {
                let _ = write!(item, " +{} −{}", d.lines_added, d.lines_removed);
            }
            let sep = if i == 0 { "" } else { ", " };
            if used + chars(&block) + chars(sep) + chars(&item) + 40 > budget.saturating_sub(reserve / 2) {
                let _ = write!(block, " and {} more", changed.len() - i);
                left_out.push(count(changed.len() - i, "device name", "device names"));
                break;
            }
            block.push_str(sep);
            block.push_str(&item);
        }
        block.push_str("\n\n");
        used += chars(&block);
        s.push_str(&block);
    }

    // The object events and the device sections share what is left: objects first, in
    // full if they fit, else without their changed fields and given at least half.
    let lines = object_lines(r);
    let sections: Vec<String> = groups(r).iter().map(section).collect();
    let sections_size: usize = sections.iter().map(|x| chars(x)).sum();
    const OBJECTS_FRAME: usize = 80;
    let full: usize = lines.iter().map(|l| chars(&l.text) + 1).sum::<usize>() + OBJECTS_FRAME;
    if !lines.is_empty() {
        let room_now = room(used);
        let with_fields = full + sections_size <= room_now || full <= room_now / 2;
        let cap = if with_fields { room_now } else { (room_now / 2).max(room_now.saturating_sub(sections_size)) };
        let mut body = String::new();
        let (mut size, mut kept, mut total, mut fields_cut) = (OBJECTS_FRAME, 0, 0, 0);
        for l in &lines {
            if l.sign.is_none() && !with_fields {
                fields_cut += 1;
                continue;
            }
            total += 1;
            let line = one_line(&l.text);
            let n = chars(&line) + 1;
            if size + n > cap || kept < total - 1 {
                continue;
            }
            size += n;
            kept += 1;
            body.push_str(&line);
            body.push('\n');
        }
        if fields_cut > 0 {
            left_out
                .push(format!("{} of the object list", count(fields_cut, "changed-field line", "changed-field lines")));
        }
        if kept < total {
            left_out.push(count(total - kept, "object line", "object lines"));
        }
        if kept > 0 {
            let block = format!("<details><summary>Objects</summary>\n\n{}</details>\n\n", fenced("diff", &body));
            used += chars(&block);
            s.push_str(&block);
        }
    }
    let mut shown = 0;
    for sec in &sections {
        if used + chars(sec) > budget.saturating_sub(reserve) {
            break;
        }
        used += chars(sec);
        s.push_str(sec);
        shown += 1;
    }
    if shown < sections.len() {
        left_out.insert(0, format!("{} of {} device sections", sections.len() - shown, sections.len()));
    }
    if !left_out.is_empty() {
        let _ = writeln!(
            s,
            "_Left out to fit {limit} characters: {}. The full report is the `sot-diff` artifact of this run; `sot diff --format markdown --limit 0` prints it._",
            left_out.join(", ")
        );
    }
    s
}

/// One collapsible section: a device (or devices changed alike), its context changes and
/// its configuration diff.
fn section(g: &Group<'_>) -> String {
    let d = g.devices[0];
    let mut sec = String::new();
    if g.devices.len() == 1 {
        let _ = writeln!(
            sec,
            "<details><summary><code>{}</code> +{} −{}</summary>\n",
            html(&d.device),
            d.lines_added,
            d.lines_removed
        );
    } else {
        let names: Vec<String> = g.devices.iter().map(|d| format!("<code>{}</code>", html(&d.device))).collect();
        let _ = writeln!(
            sec,
            "<details><summary>{}: {} +{} −{} each</summary>\n",
            count(g.devices.len(), "device", "devices"),
            names.join(", "),
            d.lines_added,
            d.lines_removed
        );
    }
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
    let diff = group_diff(g);
    if !diff.is_empty() {
        let _ = write!(sec, "\n{}", fenced("diff", &diff));
    }
    sec.push_str("</details>\n\n");
    sec
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
                data: serde_json::Value::Null,
                snapshots: Default::default(),
                changes: vec![FieldChange { field: evil.into(), old: evil.into(), new: serde_json::json!("````") }],
                from_type: None,
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
            duplicates: vec![],
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

    fn device(name: &str, diff_lines: usize, what: &str) -> DeviceChange {
        let mut d = format!("--- a/configs/{name}.cfg\n+++ b/configs/{name}.cfg\n@@ -1,0 +1,{diff_lines} @@\n");
        for i in 0..diff_lines {
            d.push_str(&format!("+set interfaces et-0/0/{i} description {what}\n"));
        }
        DeviceChange { device: name.into(), context: vec![], config_diff: d, lines_added: diff_lines, lines_removed: 0 }
    }

    fn created(model: &'static str, key: String, from_type: Option<&str>) -> Event {
        Event {
            event: "created",
            model,
            key,
            data: serde_json::Value::Null,
            snapshots: Default::default(),
            changes: vec![],
            from_type: from_type.map(str::to_string),
        }
    }

    fn report(devices: Vec<DeviceChange>, events: Vec<Event>) -> DiffReport {
        DiffReport {
            base: "main".into(),
            head: "working tree".into(),
            summary: Summary::default(),
            events,
            devices,
            introduced: vec![DiagnosticRef {
                code: "E0202",
                name: "unknown-reference",
                severity: "error",
                file: "inventory/a.yaml".into(),
                line: 3,
                column: 9,
                message: "no site `lon2` exists".into(),
                help: Some("did you mean `lon1`?".into()),
            }],
            fixed: vec![],
            duplicates: vec![],
        }
    }

    /// However small the budget, the report stays within it, keeps the diagnostics and
    /// names every changed device, and says what it left out.
    #[test]
    fn the_markdown_fits_its_budget_and_names_every_device() {
        let names: Vec<String> = (1..=40).map(|i| format!("leaf{i}")).collect();
        let devices: Vec<DeviceChange> = names.iter().map(|n| device(n, 60, n)).collect();
        let events: Vec<Event> = (names.iter().map(|n| created("dcim.device", n.clone(), None)))
            .chain(names.iter().flat_map(|n| {
                (0..58).map(move |i| created("dcim.interface", format!("{n}:et-0/0/{i}"), Some("qfx5120-48y")))
            }))
            .collect();
        let r = report(devices, events);
        let full = markdown(&r, 0);
        assert!(chars(&full) > 100_000, "the whole report is big: {}", chars(&full));
        assert!(!full.contains("Left out"), "nothing is left out without a limit");
        // Template-made interfaces are one line per device.
        assert!(full.contains("+ dcim.interface leaf7:* (58 interfaces from qfx5120-48y)\n"), "{full}");
        assert!(!full.contains("leaf7:et-0/0/3\n"), "{full}");
        for limit in [DEFAULT_LIMIT, 20_000, 4_000] {
            let md = markdown(&r, limit);
            assert!(chars(&md) <= limit, "{limit}: {} characters", chars(&md));
            for n in &names {
                assert!(md.contains(&format!("`{n}`")), "{limit}: {n} is not named");
            }
            assert!(md.contains("did you mean 'lon1'?"), "{limit}: the diagnostic's help is kept");
            assert!(md.contains("_Left out to fit ") && md.contains("device sections"), "{limit}: {md}");
            assert!(md.contains("--limit 0"), "{limit}: says how to see the full report");
        }
        // Device names in natural order: leaf9 before leaf10.
        let md = markdown(&r, DEFAULT_LIMIT);
        assert!(md.find("`leaf9`").unwrap() < md.find("`leaf10`").unwrap());
    }

    /// Devices whose change is the same are one section naming them all.
    #[test]
    fn identical_changes_are_grouped_across_devices() {
        let mut devices: Vec<DeviceChange> = (1..=7).map(|i| device(&format!("spine{i}"), 1, "same")).collect();
        devices.push(device("border1", 1, "other"));
        let r = report(devices, vec![]);
        let md = markdown(&r, 0);
        assert!(md.contains("<summary>7 devices: <code>spine1</code>, <code>spine2</code>"), "{md}");
        assert_eq!(md.matches("+set interfaces et-0/0/0 description same").count(), 1, "{md}");
        assert!(md.contains("<summary><code>border1</code> +1 −0</summary>"), "{md}");
        let text = text(&r, false);
        assert!(text.contains("7 devices (+1 -0 each): spine1, spine2, spine3"), "{text}");
    }
}
