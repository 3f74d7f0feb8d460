//! HTML building blocks: escaping, the page frame, tables and field lists.

use std::fmt::Write;

/// `s` with `& < > " '` escaped, for text and attribute values alike.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link; `href` is already relative to the page.
pub fn a(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", esc(href), esc(text))
}

/// A table with a caption; cells are HTML.
pub fn table(caption: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    table_rows(caption, headers, rows.iter().map(|r| ("", "", r)))
}

/// A table whose rows carry a class (a diff mark) and an id (an anchor).
pub fn table_marked(caption: &str, headers: &[&str], rows: &[(String, &str, Vec<String>)]) -> String {
    table_rows(caption, headers, rows.iter().map(|(id, class, r)| (id.as_str(), *class, r)))
}

/// The one table writer: rows of (id, class, cells), an empty id or class left out.
fn table_rows<'r>(
    caption: &str,
    headers: &[&str],
    rows: impl Iterator<Item = (&'r str, &'r str, &'r Vec<String>)>,
) -> String {
    let mut s = String::from("<div class=\"scroll\"><table>");
    if !caption.is_empty() {
        let _ = write!(s, "<caption>{}</caption>", esc(caption));
    }
    s.push_str("<thead><tr>");
    for h in headers {
        let _ = write!(s, "<th scope=\"col\">{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for (id, class, r) in rows {
        s.push_str("<tr");
        if !id.is_empty() {
            let _ = write!(s, " id=\"{}\"", esc(id));
        }
        if !class.is_empty() {
            let _ = write!(s, " class=\"{class}\"");
        }
        s.push('>');
        for c in r {
            s.push_str("<td>");
            s.push_str(c);
            s.push_str("</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    s
}

/// A list of fields; pairs whose value is empty are left out. Values are HTML.
pub fn fields(rows: &[(&str, String)]) -> String {
    let mut s = String::from("<dl class=\"fields\">");
    for (k, v) in rows {
        if v.is_empty() {
            continue;
        }
        let _ = write!(s, "<dt>{}</dt><dd>{v}</dd>", esc(k));
    }
    s.push_str("</dl>");
    s
}

/// A utilisation bar with its figure.
pub fn bar(percent: f64) -> String {
    let p = percent.clamp(0.0, 100.0);
    let level = if p >= 90.0 {
        "hi"
    } else if p >= 70.0 {
        "mid"
    } else {
        "lo"
    };
    format!(
        "<span class=\"bar {level}\" role=\"img\" aria-label=\"{p:.1}% used\"><span style=\"width:{p:.1}%\"></span></span> {p:.1}%"
    )
}

/// The badge of a diff mark (`added`, `changed`, `removed`).
pub fn badge(mark: &str) -> String {
    if mark.is_empty() { String::new() } else { format!(" <span class=\"badge {mark}\">{mark}</span>") }
}

/// The sections of the navigation bar: (path from the root, label).
pub const NAV: &[(&str, &str)] = &[
    ("sites.html", "Sites"),
    ("racks.html", "Racks"),
    ("devices.html", "Devices"),
    ("topology.html", "Topology"),
    ("prefixes.html", "Prefixes"),
    ("vlans.html", "VLANs"),
    ("circuits.html", "Circuits"),
    ("config-contexts.html", "Contexts"),
    ("device-types.html", "Device types"),
    ("diagnostics.html", "Diagnostics"),
];

/// What every page shares.
pub struct Frame<'a> {
    /// The source revision and the diff base, for the footer and banner.
    pub revision: &'a str,
    pub diff_base: Option<&'a str>,
}

/// A whole page. `depth` is how many folders below the root it lives (0 or 1);
/// `scripts` are file names under the root to load at the end of the body.
pub fn page(frame: &Frame<'_>, depth: usize, title: &str, body: &str, scripts: &[&str]) -> String {
    let root = "../".repeat(depth);
    let mut s = String::with_capacity(body.len() + 2048);
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{t} · sot</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"{root}style.css\"></head>\n\
<body><a class=\"skip\" href=\"#main\">Skip to content</a><header><nav aria-label=\"Sections\">\
<a class=\"brand\" href=\"{root}index.html\">sot</a>",
        t = esc(title)
    );
    for (path, label) in NAV {
        let _ = write!(s, " <a href=\"{root}{path}\">{label}</a>");
    }
    if frame.diff_base.is_some() {
        let _ = write!(s, " <a href=\"{root}changes.html\">Changes</a>");
    }
    let _ = write!(
        s,
        "</nav><form role=\"search\" action=\"{root}search.html\"><label for=\"q\" class=\"vh\">Search the inventory</label>\
<input id=\"q\" name=\"q\" type=\"search\" placeholder=\"Search names, addresses…\"> <button type=\"submit\">Search</button></form></header>"
    );
    s.push('\n');
    if let Some(base) = frame.diff_base {
        let _ = write!(
            s,
            "<aside class=\"banner\" aria-label=\"Change view\">Change view: what this revision changes from <code>{}</code> \
(<a href=\"{root}changes.html\">all changes</a>). Marked: <span class=\"badge added\">added</span> \
<span class=\"badge changed\">changed</span> <span class=\"badge removed\">removed</span></aside>",
            esc(base)
        );
        s.push('\n');
    }
    let _ = write!(
        s,
        "<main id=\"main\">\n{body}\n</main>\n<footer>Written by <code>sot site</code> from {}.</footer>\n",
        esc(frame.revision)
    );
    for js in scripts {
        let _ = write!(s, "<script src=\"{root}{js}\"></script>");
    }
    s.push_str("</body></html>\n");
    s
}

/// A link-safe file name for a key: lower-case letters, digits, `.`, `_` and `-`; a
/// key that had to be changed gets a short digest of itself, so two keys never share
/// a name (and names do not clash on case-insensitive file systems).
pub fn file_name(key: &str) -> String {
    let mut out: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let changed = out != key || out.is_empty() || out.starts_with('.');
    if out.len() > 80 {
        let mut cut = 80;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    if changed {
        let _ = write!(out, "-{:08x}", fnv(key));
    }
    out
}

/// FNV-1a: a stable digest for names (the same on every run and platform).
pub fn fnv(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The colour of text that reads best on a background `#rrggbb` (black or white,
/// whichever contrasts more).
pub fn text_on(bg: &str) -> &'static str {
    let Some(l) = luminance(bg) else { return "#000" };
    // Contrast with black: (l + .05) / .05; with white: 1.05 / (l + .05).
    if (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) { "#000" } else { "#fff" }
}

fn luminance(hex: &str) -> Option<f64> {
    let h = hex.trim_start_matches('#');
    if h.len() != 6 {
        return None;
    }
    let ch = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(h.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) })
    };
    Some(0.2126 * ch(0)? + 0.7152 * ch(2)? + 0.0722 * ch(4)?)
}

/// `#rrggbb` from a NetBox colour (`rrggbb`), or `fallback`.
pub fn color(c: Option<&str>, fallback: &str) -> String {
    match c {
        Some(c) if c.len() == 6 && c.chars().all(|x| x.is_ascii_hexdigit()) => format!("#{}", c.to_ascii_lowercase()),
        _ => fallback.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_name("lon1-leaf1"), "lon1-leaf1");
        let a = file_name("R1/../x");
        assert!(!a.contains('/') && !a.contains(".."), "{a}");
        assert_ne!(file_name("Leaf1"), file_name("leaf1"));
        assert_ne!(file_name("a b"), file_name("a-b"));
        assert!(!file_name("").is_empty());
    }

    #[test]
    fn text_colour_contrasts() {
        assert_eq!(text_on("#ffffff"), "#000");
        assert_eq!(text_on("#000000"), "#fff");
        assert_eq!(text_on("#3f51b5"), "#fff");
    }
}
