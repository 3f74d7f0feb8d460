//! Slugs as NetBox makes and accepts them.

use super::{Spanned, Text};
use crate::diagnostic::{Code, Diagnostic};

/// Derive a slug from a name: lowercase; runs of characters other than
/// `a-z`, `0-9`, `_` and `-` become one `-`; leading and trailing `-` trimmed.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out.trim_matches('-').to_string()
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
        assert_eq!(slugify("London DC1"), "london-dc1");
        assert_eq!(slugify("  Core / Spine  "), "core-spine");
        assert_eq!(slugify("ospf_cost=500"), "ospf_cost-500");
        assert_eq!(slugify("route:customer:emea"), "route-customer-emea");
        assert_eq!(slugify("Ärzte"), "rzte");
        assert_eq!(slugify("--a--"), "a");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn validates() {
        assert!(is_valid("lon1_dc-2"));
        assert!(!is_valid("lon 1"));
        assert!(!is_valid(""));
    }
}
