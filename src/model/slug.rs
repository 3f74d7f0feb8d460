//! Slugs as NetBox makes and accepts them.

use super::{Spanned, Text};
use crate::diagnostic::{Code, Diagnostic};

/// The longest slug NetBox keeps (every `slug` field is 100 characters).
pub const MAX_LEN: usize = 100;

/// Derive a slug from a name as NetBox's UI does (its `slugify`, checked on NetBox
/// 4.7.3): characters other than `-`, `.`, ASCII letters, digits, `_` and white space
/// are dropped (`ospf_cost=500` → `ospf_cost500`); white space and dots at either end
/// are trimmed; runs of `-`, `.` and white space become one `-`; lowercase; at most
/// [`MAX_LEN`] characters.
pub fn slugify(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') || c.is_whitespace())
        .collect();
    let trimmed = kept.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let mut out = String::with_capacity(trimmed.len());
    let mut run = false;
    for c in trimmed.chars() {
        if c == '-' || c == '.' || c.is_whitespace() {
            if !run {
                out.push('-');
            }
            run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            run = false;
        }
    }
    out.chars().take(MAX_LEN).collect()
}

/// Is `s` a slug NetBox accepts (`^[-a-zA-Z0-9_]+$`)?
pub fn is_valid(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The written slug (checked), or one derived from `name`.
pub fn slug_or_derive(slug: Option<Text>, name: &Text, diags: &mut Vec<Diagnostic>) -> Option<Text> {
    match slug {
        Some(s) if is_valid(&s.value) => Some(s),
        Some(s) => {
            let fix = slugify(&s.value);
            diags.push(
                Diagnostic::new(Code::InvalidSlug, s.span, format!("`{}` is not a valid slug", s.value))
                    .label("only letters, digits, `-` and `_` are allowed")
                    .help_opt((!fix.is_empty()).then(|| format!("use `{fix}`"))),
            );
            None
        }
        None => {
            let derived = slugify(&name.value);
            if derived.is_empty() {
                diags.push(
                    Diagnostic::new(
                        Code::InvalidSlug,
                        name.span,
                        format!("no slug can be derived from `{}`", name.value),
                    )
                    .label("this name has no letter or digit")
                    .help("add a `slug:`"),
                );
                return None;
            }
            Some(Spanned::new(derived.into(), name.span))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_like_netbox() {
        // Each as NetBox 4.7.3's slugify (project-static/dist/netbox.js) makes it.
        assert_eq!(slugify("London DC1"), "london-dc1");
        assert_eq!(slugify("  Core / Spine  "), "core-spine");
        assert_eq!(slugify("ospf_cost=500"), "ospf_cost500");
        assert_eq!(slugify("route:customer:emea"), "routecustomeremea");
        assert_eq!(slugify("Ärzte"), "rzte");
        assert_eq!(slugify("--a--"), "-a-");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("a.b c"), "a-b-c");
        assert_eq!(slugify("x_y__z"), "x_y__z");
        assert_eq!(slugify("Amsterdam DC1 (old)"), "amsterdam-dc1-old");
        assert_eq!(slugify(".hidden."), "hidden");
        assert_eq!(slugify("Tab\there"), "tab-here");
        assert_eq!(slugify(&"x".repeat(150)).len(), MAX_LEN);
    }

    #[test]
    fn validates() {
        assert!(is_valid("lon1_dc-2"));
        assert!(!is_valid("lon 1"));
        assert!(!is_valid(""));
    }
}
