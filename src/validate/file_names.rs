//! Names that become file names must be safe as file names.
//!
//! Device names become `build/configs/<device>.cfg`. A name with a path
//! separator, `..`, NUL or a control character could write outside the output
//! directory or fail on some filesystems, so it is refused at check time.

use super::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Inventory;
use crate::resolve::Index;

pub struct FileNames;

impl Rule for FileNames {
    fn name(&self) -> &'static str {
        "file-names"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        for d in &inv.devices {
            if let Some(problem) = unsafe_file_name(&d.name.value) {
                out.push(
                    Diagnostic::new(
                        Code::UnsafeName,
                        d.name.span,
                        format!("device name `{}` cannot be a file name: {problem}", d.name.value.escape_debug()),
                    )
                    .label("becomes build/configs/<name>.cfg")
                    .help("use letters, digits, `-`, `_` and `.`"),
                );
            }
        }
    }
}

/// Why `name` is not safe as a file name, if it is not.
pub fn unsafe_file_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.contains('/') || name.contains('\\') {
        Some("it contains a path separator")
    } else if name == "." || name.contains("..") {
        Some("it contains `..`")
    } else if name.contains('\0') {
        Some("it contains a NUL character")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name.len() > 200 {
        Some("it is longer than 200 bytes")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::unsafe_file_name;

    #[test]
    fn refuses_names_that_escape_or_break_paths() {
        for bad in ["", "a/b", "a\\b", "..", "x..y", "a\0b", "a\nb"] {
            assert!(unsafe_file_name(bad).is_some(), "{bad:?}");
        }
        for good in ["lon1-spine1", "r1.example.net", "leaf_01"] {
            assert!(unsafe_file_name(good).is_none(), "{good:?}");
        }
    }
}
