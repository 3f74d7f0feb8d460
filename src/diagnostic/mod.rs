//! One diagnostic model for every stage; renderers live in [`crate::render`].
//!
//! Stages never print. They push [`Diagnostic`]s into a `Vec` that the driver
//! sorts (file order, then position) before rendering, so output is stable no
//! matter how much work ran in parallel.

mod codes;

pub use codes::{Code, CodeInfo};

use crate::source::FileId;

/// A 1-based line and column; columns count Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A range in one file; `end` is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    /// The first character of a file (for findings about a whole file).
    pub fn file_start(file: FileId) -> Span {
        let p = Pos { line: 1, col: 1 };
        Span { file, start: p, end: Pos { line: 1, col: 2 } }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A location with something to say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is wrong; the label says what is wrong *here*.
    pub primary: Label,
    /// Other places that help ("first defined here").
    pub related: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.info().severity,
            message: message.into(),
            primary: Label { span, message: String::new() },
            related: Vec::new(),
            help: None,
        }
    }

    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.primary.message = text.into();
        self
    }

    pub fn related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push(Label { span, message: text.into() });
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    pub fn help_opt(mut self, text: Option<String>) -> Self {
        if text.is_some() {
            self.help = text;
        }
        self
    }

    /// The order diagnostics are shown in: by file, position, then code.
    pub fn sort_key(&self) -> (FileId, Pos, Code, &str) {
        (self.primary.span.file, self.primary.span.start, self.code, &self.message)
    }
}

/// Sort diagnostics into their stable output order and drop exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

/// "did you mean `x`?" for the candidate closest to `wrong`, if any is close.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wrong, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate closest to `wrong` by Jaro-Winkler similarity, above a threshold.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_l = wrong.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&wrong_l, &c.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("devcies", ["devices", "cables", "sites"]), Some("devices"));
        assert_eq!(closest("london-dc2", ["london-dc1", "amsterdam-dc1"]), Some("london-dc1"));
        assert_eq!(closest("zzz", ["devices", "cables"]), None);
    }
}
