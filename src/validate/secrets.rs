//! The article's practice: keep secret references in the inventory, never
//! secrets. A literal value under a key that names a secret is a warning.

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{CustomValue, Inventory};
use crate::resolve::Index;
use crate::yaml::{Node, Typed, Value};

pub struct SecretLiterals {
    pub keys: Vec<String>,
}

/// Words that make a key name a reference to a secret rather than the secret.
const REFERENCE_WORDS: [&str; 7] = ["path", "ref", "reference", "id", "name", "file", "length"];

impl SecretLiterals {
    fn is_secret_key(&self, key: &str) -> bool {
        let words: Vec<String> = key.split(|c: char| !c.is_ascii_alphanumeric()).map(str::to_lowercase).collect();
        words.iter().any(|w| self.keys.contains(w)) && !words.iter().any(|w| REFERENCE_WORDS.contains(&w.as_str()))
    }

    fn walk(&self, node: &Node, whose: &str, out: &mut Vec<Diagnostic>) {
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    if self.is_secret_key(k.key_text())
                        && let Some(s) = v.as_scalar()
                        && literal(&s.typed())
                    {
                        out.push(
                            Diagnostic::new(Code::SecretLiteral, v.span, format!("`{}` in {whose} looks like a secret written in the inventory", k.key_text()))
                                .label("a literal secret")
                                .help("reference it instead: `secret(\"env:NAME\")` in the template, resolved by `sot build`, or a vault path"),
                        );
                    }
                    self.walk(v, whose, out);
                }
            }
            Value::Seq(items) => items.iter().for_each(|i| self.walk(i, whose, out)),
            _ => {}
        }
    }

    fn custom(&self, values: &[CustomValue], whose: &str, out: &mut Vec<Diagnostic>) {
        for v in values {
            if self.is_secret_key(&v.name.value)
                && let Some(s) = v.value.as_scalar()
                && literal(&s.typed())
            {
                out.push(
                    Diagnostic::new(
                        Code::SecretLiteral,
                        v.value.span,
                        format!("custom field `{}` of {whose} looks like a secret", v.name.value),
                    )
                    .label("a literal secret")
                    .help("store a reference (a vault path) in the custom field, not the secret"),
                );
            }
        }
    }
}

/// A value that is itself a secret: not empty, and not a reference.
fn literal(t: &Typed<'_>) -> bool {
    match t {
        Typed::Str(s) => {
            !s.is_empty()
                && !["env:", "file:", "vault:", "secret/", "secret:"].iter().any(|p| s.starts_with(p))
                && !s.contains("{{")
        }
        Typed::Int(_) => true,
        _ => false,
    }
}

impl Check for SecretLiterals {
    fn name(&self) -> &'static str {
        "secret-literals"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        if self.keys.is_empty() {
            return;
        }
        for c in &inv.config_contexts {
            if let Some(d) = &c.data {
                self.walk(d, &format!("context `{}`", c.name.value), out);
            }
        }
        for d in &inv.devices {
            if let Some(l) = &d.local_context_data {
                self.walk(l, &format!("the local context of `{}`", d.name.value), out);
            }
            self.custom(&d.custom_fields, &format!("`{}`", d.name.value), out);
        }
        for s in &inv.sites {
            self.custom(&s.custom_fields, &format!("site `{}`", s.slug.value), out);
        }
        for x in &inv.circuits {
            self.custom(&x.custom_fields, &format!("circuit `{}`", x.cid.value), out);
        }
    }
}
