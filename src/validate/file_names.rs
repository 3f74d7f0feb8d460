//! Names that become file names must be safe as file names.
//!
//! Device names become `build/configs/<device>.cfg`; a name that is not safe as a
//! file name as it is (a path separator, `..`: NetBox allows `core/sw1`) gets a
//! file name derived from it (`emit::config_stem`). An empty name, NUL and control
//! characters are refused at check time.
//! Names that are safe but misread are warned about: two that differ only in
//! case are one file on a case-insensitive file system (W0109), and invisible
//! or bidirectional control characters make a name look like another (W0108).

use super::Check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Inventory;
use crate::resolve::Index;

pub struct FileNames;

impl Check for FileNames {
    fn name(&self) -> &'static str {
        "file-names"
    }

    fn check(&self, inv: &Inventory, _: &Index, out: &mut Vec<Diagnostic>) {
        // Names by their lowercase form: the first device of each.
        let mut folded: crate::hash::HashMap<String, usize> = crate::hash::HashMap::default();
        for (i, d) in inv.devices.iter().enumerate() {
            let name = &d.name.value;
            if let Some(&first) = folded.get(&name.to_lowercase()) {
                let earlier = &inv.devices[first].name;
                // Equal names are duplicates (E0201).
                if earlier.value != *name {
                    out.push(
                        Diagnostic::new(
                            Code::CaseCollision,
                            d.name.span,
                            format!("device name `{name}` differs from `{}` only in letter case", earlier.value),
                        )
                        .label("one file with the other on a case-insensitive file system")
                        .related(earlier.span, "the other device")
                        .help(
                            "rename one of them: their configurations would overwrite each other on macOS or Windows",
                        ),
                    );
                }
            } else {
                folded.insert(name.to_lowercase(), i);
            }
            if let Some(c) = name.chars().find(|&c| invisible(c).is_some()) {
                out.push(
                    Diagnostic::new(
                        Code::InvisibleCharacter,
                        d.name.span,
                        format!(
                            "device name `{}` holds U+{:04X} ({}), which is invisible or reorders the text around it",
                            name.escape_debug(),
                            c as u32,
                            invisible(c).unwrap_or_default()
                        ),
                    )
                    .label("this name does not read as it is")
                    .help("write the name with visible characters only"),
                );
            }
            if let Some(problem) = unusable_name(&d.name.value) {
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

/// Why `name` cannot name a device's configuration at all, if it cannot.
pub fn unusable_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.contains('\0') {
        Some("it contains a NUL character")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else {
        None
    }
}

/// Why `name` is not safe as a file name as it is, if it is not.
pub fn unsafe_file_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.contains('/') || name.contains('\\') {
        Some("it contains a path separator")
    } else if name == "." {
        Some("it is `.`, the directory itself")
    } else if name.contains("..") {
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

/// What `c` is, if it is an invisible character, a bidirectional control or an unusual space
/// (control characters, `Cc`, are refused by [`unsafe_file_name`]).
pub fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{061C}' => "Arabic letter mark",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "zero-width no-break space",
        '\u{00AD}' => "soft hyphen",
        '\u{034F}' => "combining grapheme joiner",
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{1680}' => "an unusual space",
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => "a Hangul filler",
        '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{2061}'..='\u{2064}' | '\u{206A}'..='\u{206F}' => {
            "an invisible format character"
        }
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => "a variation selector",
        '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}' | '\u{1D173}'..='\u{1D17A}' => {
            "an invisible format character"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{invisible, unsafe_file_name};

    #[test]
    fn names_that_misread_are_found() {
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{FEFF}', '\u{00A0}'] {
            assert!(invisible(c).is_some(), "{c:?}");
        }
        assert!("lon1-spine1.example.net_01 Ünïcødé".chars().all(|c| invisible(c).is_none()));
        assert_eq!(unsafe_file_name("."), Some("it is `.`, the directory itself"));
        assert_eq!(unsafe_file_name(".."), Some("it contains `..`"));
    }

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
