//! One mistake, one finding: findings that follow from another are dropped, and the
//! finding they follow from (the root cause) is listed first, saying how many it hides.
//!
//! Two kinds of root cause:
//!
//! - A file that could not be read (invalid YAML, too deep, not UTF-8, unreadable, too
//!   large): whatever it defines is missing. A reference to a name the file's text holds
//!   (`unknown-reference`), contexts that apply to no device (`context-unused`) and template
//!   failures follow from it and are not shown until the file reads; a reference that
//!   suggests a fix of its own ("did you mean") is another mistake and is kept.
//! - A device whose site, device type or role does not resolve: the device's VLANs (looked
//!   up at its site), its interfaces, its rules and its configuration (its contexts are
//!   chosen by site and role) cannot be checked. The findings inside the device's entry and
//!   its template failures are not shown; a finding there that suggests a fix of its own
//!   ("did you mean") is another mistake and is kept.

use super::{Code, Diagnostic};
use crate::model::Inventory;
use crate::source::{FileId, SourceSet};

/// Codes that mean a file was not read.
fn file_unread(code: Code) -> bool {
    matches!(
        code,
        Code::YamlSyntax
            | Code::AliasBudget
            | Code::TooDeep
            | Code::MultipleDocuments
            | Code::InvalidEncoding
            | Code::FileUnreadable
            | Code::FileTooLarge
    )
}

/// Codes whose findings may follow from an object missing because its file was not read.
fn follows_from_missing(code: Code) -> bool {
    matches!(code, Code::UnknownReference | Code::ContextUnused) || code.as_str().starts_with("E05")
}

/// Drop the findings that follow from a root cause in `diags` (sorted), note on each root
/// how many it hides, and move the roots first (each group keeps its order).
pub fn suppress_consequences(diags: &mut Vec<Diagnostic>, inv: &Inventory, sources: &SourceSet) {
    let n = diags.len();
    let mut hidden_by: Vec<Option<usize>> = vec![None; n];
    // Files not read: the first such finding stands for all of them.
    if let Some(root) = diags.iter().position(|d| file_unread(d.code)) {
        let unread: Vec<&str> = (diags.iter().filter(|d| file_unread(d.code)))
            .map(|d| sources.get(d.primary.span.file).text.as_str())
            .collect();
        // A name the message gives (in backticks; else a word with a digit, as in `no VLAN
        // 110 is available`) that an unread file's text holds.
        let names_unread = |message: &str| {
            let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).filter(|n| !n.is_empty()).collect();
            let names: Vec<&str> = if quoted.is_empty() {
                message.split_whitespace().filter(|w| w.bytes().any(|b| b.is_ascii_digit())).collect()
            } else {
                quoted
            };
            names.iter().any(|name| unread.iter().any(|t| t.contains(name)))
        };
        for (i, d) in diags.iter().enumerate() {
            let own_fix = d.help.as_deref().is_some_and(|h| h.contains("did you mean"));
            let follows = match d.code {
                Code::UnknownReference => !own_fix && names_unread(&d.message),
                c => follows_from_missing(c),
            };
            if follows {
                hidden_by[i] = Some(root);
            }
        }
    }
    // Devices whose site, type or role does not resolve.
    let unresolved: crate::hash::HashMap<(FileId, u32, u32), usize> = diags
        .iter()
        .enumerate()
        .filter(|(i, d)| d.code == Code::UnknownReference && hidden_by[*i].is_none())
        .map(|(i, d)| ((d.primary.span.file, d.primary.span.start.line, d.primary.span.start.col), i))
        .collect();
    if !unresolved.is_empty() {
        // Each device's entry: from its name to the next device's in the file, or (the last
        // in its file) to the last line any of its interfaces' spans reach.
        let mut starts: Vec<(FileId, u32, usize)> =
            inv.devices.iter().enumerate().map(|(i, d)| (d.name.span.file, d.name.span.start.line, i)).collect();
        starts.sort();
        for (k, &(file, line, i)) in starts.iter().enumerate() {
            let d = &inv.devices[i];
            let root = [&d.site.key, &d.device_type.key, &d.role.key]
                .into_iter()
                .find_map(|r| unresolved.get(&(r.span.file, r.span.start.line, r.span.start.col)).copied());
            let Some(root) = root else { continue };
            let end = match starts.get(k + 1) {
                Some(&(f, l, _)) if f == file => l,
                _ => {
                    // Interfaces written in the device (a type's are written elsewhere).
                    let spans = d.interfaces.iter().filter(|x| x.inline).flat_map(|x| {
                        let vlans = x.untagged_vlan.iter().map(|v| v.span);
                        std::iter::once(x.name.span).chain(vlans).chain(x.tagged_vlans.iter().map(|v| v.span))
                    });
                    let own = [d.site.key.span, d.role.key.span, d.device_type.key.span];
                    let lines = spans.chain(own).filter(|s| s.file == file).map(|s| s.end.line);
                    lines.max().unwrap_or(line).max(line) + 1
                }
            };
            let named = format!("device `{}`", d.name.value);
            for (j, x) in diags.iter().enumerate() {
                if j == root || hidden_by[j].is_some() {
                    continue;
                }
                let s = x.primary.span;
                let inside = s.file == file && s.start.line >= line && s.start.line < end;
                let renders = x.code.as_str().starts_with("E05") && x.message.contains(&named);
                let own_fix = x.help.as_deref().is_some_and(|h| h.contains("did you mean"));
                if (inside && !own_fix) || renders {
                    hidden_by[j] = Some(root);
                }
            }
        }
    }
    let mut counts = vec![0usize; n];
    for r in hidden_by.iter().flatten() {
        counts[*r] += 1;
    }
    if counts.iter().all(|&c| c == 0) && !diags.iter().any(|d| file_unread(d.code)) {
        return;
    }
    let mut roots = Vec::new();
    let mut rest = Vec::new();
    for (i, mut d) in std::mem::take(diags).into_iter().enumerate() {
        if hidden_by[i].is_some() {
            continue;
        }
        if counts[i] > 0 {
            let note = format!(
                "{} that may follow from this {} not shown",
                if counts[i] == 1 { "1 finding".to_string() } else { format!("{} findings", counts[i]) },
                if counts[i] == 1 { "is" } else { "are" }
            );
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h} ({note})"),
                None => note,
            });
        }
        if counts[i] > 0 || file_unread(d.code) { roots.push(d) } else { rest.push(d) }
    }
    roots.extend(rest);
    *diags = roots;
}
