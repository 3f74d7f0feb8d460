//! Spanned YAML: the only module that talks to the YAML parser.
//!
//! [`parse`] turns a file's text into a [`Node`] tree where every node, key and
//! scalar keeps its [`Span`]. It enforces what a plain YAML loader does not:
//! duplicate keys are errors, aliases are expanded within a node budget, nesting
//! is bounded, and a file holds one document. It never panics and never stops
//! the run: a file that does not parse yields `None` and a diagnostic.

pub mod dump;
mod fast;
mod node;

pub use node::{Node, Scalar, Typed, Value};

use crate::hash::{HashMap, HashMapExt};

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

use crate::diagnostic::{Code, Diagnostic, Pos, Span};
use crate::source::FileId;

/// Limits that keep hostile files cheap to reject.
///
/// Clones share one [`RunBudget`]: every file parsed with a clone of the same limits draws
/// its alias expansion from it, so many small alias bombs cannot add up past it.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes alias expansion may add to one file.
    pub max_alias_nodes: usize,
    /// Nodes alias expansion may add to all the files of a run together.
    pub run: RunBudget,
}

/// Most nodes alias expansion may add to one file (about 60 MB of tree).
pub const MAX_ALIAS_NODES: usize = 1_000_000;
/// Most nodes alias expansion may add to every file of a run together (about 240 MB of tree).
pub const MAX_RUN_ALIAS_NODES: usize = 4_000_000;

/// A run reading more YAML than this many bytes per node of [`MAX_RUN_ALIAS_NODES`] gets a
/// budget of one node per this many bytes ([`Limits::for_input`]).
pub const RUN_ALIAS_BYTES_PER_NODE: usize = 8;

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 128, max_alias_nodes: MAX_ALIAS_NODES, run: RunBudget::new(MAX_RUN_ALIAS_NODES) }
    }
}

impl Limits {
    /// The limits of a run that reads `bytes` bytes of YAML: the run's alias budget is
    /// [`MAX_RUN_ALIAS_NODES`], or one node per [`RUN_ALIAS_BYTES_PER_NODE`] bytes read when
    /// that is more. A fixed budget refused large inventories written with merge keys (one
    /// expanded node per ~12 bytes: 40,000 devices passed 4,000,000 nodes); this one keeps
    /// the expansion linear in the input (a tree of at most ~8 times its size) at any size.
    pub fn for_input(bytes: usize) -> Limits {
        let nodes = MAX_RUN_ALIAS_NODES.max(bytes / RUN_ALIAS_BYTES_PER_NODE);
        Limits { run: RunBudget::new(nodes), ..Limits::default() }
    }
}

/// The alias-expansion budget of a whole run, shared by the files parsed with it (from any
/// thread). A file that finds it spent is refused at the alias that spent it.
#[derive(Clone, Debug)]
pub struct RunBudget(std::sync::Arc<(usize, std::sync::atomic::AtomicUsize, std::sync::atomic::AtomicBool)>);

impl RunBudget {
    pub fn new(nodes: usize) -> RunBudget {
        RunBudget(std::sync::Arc::new((
            nodes,
            std::sync::atomic::AtomicUsize::new(0),
            std::sync::atomic::AtomicBool::new(false),
        )))
    }

    /// The budget's size in nodes.
    pub fn limit(&self) -> usize {
        self.0.0
    }

    /// Take `n` nodes; false when that passes the budget (the nodes stay taken, so every
    /// later request fails too).
    fn take(&self, n: usize) -> bool {
        let before = self.0.1.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        let ok = before.saturating_add(n) <= self.0.0;
        if !ok {
            self.0.2.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        ok
    }

    /// Give back `n` nodes taken by a parse whose tree is dropped (the fast path's, before
    /// the general parser reads the file again).
    fn give_back(&self, n: usize) {
        self.0.1.fetch_sub(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether some request was refused (even one whose nodes were given back since): which
    /// files were is then a matter of thread timing, and the caller re-parses the files that
    /// use aliases in order.
    pub fn exhausted(&self) -> bool {
        self.0.2.load(std::sync::atomic::Ordering::Relaxed)
            || self.0.1.load(std::sync::atomic::Ordering::Relaxed) > self.0.0
    }
}

/// Whether `text` may hold an alias (`*name`): the files whose parse draws on the run's budget.
pub fn may_alias(text: &str) -> bool {
    text.contains('*')
}

/// Parse one file. Returns the document's root (a null node for an empty file),
/// or `None` when the file is not usable; the reasons go to `diags`.
///
/// Files in the subset inventories are written in take the fast path ([`fast`]); any other
/// file, and every file with an error, goes through the general YAML parser. Both give the
/// same tree, spans and diagnostics.
pub fn parse<'t>(file: FileId, text: &'t str, limits: &Limits, diags: &mut Vec<Diagnostic>) -> Option<Node<'t>> {
    if text.len() >= SPLIT_AT {
        let piece = (text.len() / (4 * rayon::current_num_threads())).max(SPLIT_AT / 4);
        if let Some(node) = parse_in_pieces(file, text, limits, diags, piece) {
            return Some(node);
        }
    }
    parse_whole(file, text, limits, diags)
}

/// Files at least this large are read in pieces in parallel ([`parse_in_pieces`]).
const SPLIT_AT: usize = 1 << 20;

/// [`parse`] without splitting the file.
fn parse_whole<'t>(file: FileId, text: &'t str, limits: &Limits, diags: &mut Vec<Diagnostic>) -> Option<Node<'t>> {
    let mut b = Builder::new(limits);
    if fast::parse(file, text, &mut b).is_ok() {
        diags.append(&mut b.dups);
        return Some(b.finish(file));
    }
    // The general parser takes the aliases' nodes again.
    limits.run.give_back(b.run_taken);
    parse_general(file, text, limits, diags)
}

/// A large file read in pieces of about `piece` bytes, in parallel, with the fast path:
/// the file is cut at its top-level entries (lines in column 0 that start a key) and at the
/// items of a top-level entry's block sequence (lines with a `- ` in that sequence's
/// column, but its first), each piece is read on its own (with its first line's number),
/// and the trees are joined: entries after entries, items after items. `None` (and nothing
/// in `diags`) when the file is not a top-level mapping cut so, when it has anchors or
/// aliases (which could cross pieces), when a top-level key repeats or merges, or when
/// the fast path does not read every piece: [`parse`] then reads it whole. The tree and
/// the diagnostics are those of reading it whole (tested against the general parser).
#[doc(hidden)]
pub fn parse_in_pieces<'t>(
    file: FileId,
    text: &'t str,
    limits: &Limits,
    diags: &mut Vec<Diagnostic>,
    piece: usize,
) -> Option<Node<'t>> {
    use rayon::prelude::*;
    if text.contains(['&', '*', '\t']) {
        return None;
    }
    let cuts = cuts(text, piece.max(1));
    if cuts.len() < 2 {
        return None;
    }
    // Items of a sequence are one level down from the top-level mapping.
    let mut deeper = limits.clone();
    deeper.max_depth = limits.max_depth.saturating_sub(1);
    let read: Vec<Option<(Node<'t>, Vec<Diagnostic>)>> = cuts
        .par_iter()
        .enumerate()
        .map(|(k, &(start, line, items, _))| {
            // A piece takes the blanks that indent the next one's first line: the general
            // parser ends a block scalar's span after them.
            let end = cuts.get(k + 1).map_or(text.len(), |c| c.0 + c.3);
            let mut b = Builder::new(if items { &deeper } else { limits });
            fast::parse_from(file, &text[start..end], line, &mut b).ok()?;
            let dups = std::mem::take(&mut b.dups);
            Some((b.finish(file), dups))
        })
        .collect();
    let mut read = read.into_iter();
    let (mut root, mut found) = read.next()??;
    let Value::Map(entries) = &mut root.value else { return None };
    let mut keys: crate::hash::HashSet<String> = entries.iter().map(|(k, _)| k.key_text().to_string()).collect();
    for (k, next) in read.enumerate() {
        let ((node, mut dups), items) = (next?, cuts[k + 1].2);
        match (node.value, items) {
            (Value::Seq(more), true) => {
                let (_, last) = entries.last_mut()?;
                let Value::Seq(items) = &mut last.value else { return None };
                items.extend(more);
                last.span.end = last.span.end.max(items.last()?.span.end);
            }
            (Value::Map(more), false) => {
                for (key, _) in &more {
                    if !keys.insert(key.key_text().to_string()) {
                        return None;
                    }
                }
                entries.extend(more);
            }
            _ => return None,
        }
        found.append(&mut dups);
    }
    root.span.end = root.span.end.max(entries.last()?.1.span.end);
    diags.append(&mut found);
    Some(root)
}

/// Where [`parse_in_pieces`] cuts `text`: each piece's first byte, first line, whether it
/// holds items of a sequence (else top-level entries), and its first line's indentation.
fn cuts(text: &str, piece: usize) -> Vec<(usize, u32, bool, usize)> {
    let s = text.as_bytes();
    let mut cuts = vec![(0usize, 1u32, false, 0usize)];
    let (mut at, mut line) = (0usize, 1u32);
    // The column of the current top-level entry's sequence items, once its first is seen.
    let mut column: Option<usize> = None;
    let (mut after_key, mut key_seen) = (false, false);
    while at < s.len() {
        let end = s[at..].iter().position(|&c| c == b'\n').map_or(s.len(), |i| at + i + 1);
        let indent = s[at..end].iter().take_while(|&&c| c == b' ').count();
        let first = s.get(at + indent).copied().unwrap_or(b'\n');
        let dash = first == b'-' && matches!(s.get(at + indent + 1), None | Some(b' ' | b'\n' | b'\r'));
        let content = !matches!(first, b'\n' | b'\r' | b'#');
        let last = *cuts.last().unwrap_or(&(0, 1, false, 0));
        let big = at - last.0 >= piece;
        // A `---` before the first key is the document's start, not an entry.
        let start = s[at..].starts_with(b"---") && !key_seen;
        if content && indent == 0 && !dash && !start {
            // A top-level entry: a piece of items ends here. Markers, directives, merge keys
            // (merged entries go after the mapping's own) and what cannot start a plain key
            // are left to a whole read.
            if s[at..].starts_with(b"---")
                || s[at..].starts_with(b"...")
                || s[at..].starts_with(b"<<")
                || b"%?[{!|>:@`,]}".contains(&first)
            {
                return Vec::new();
            }
            if key_seen && (big || last.2) {
                cuts.push((at, line, false, 0));
            }
            key_seen = true;
            column = None;
            after_key = true;
        } else if content && after_key {
            column = dash.then_some(indent);
            after_key = false;
        } else if content && dash && column == Some(indent) && big {
            cuts.push((at, line, true, indent));
        }
        at = end;
        line += 1;
    }
    cuts
}

/// [`parse`] with the general YAML parser only. For tests that compare the two paths.
#[doc(hidden)]
pub fn parse_general<'t>(
    file: FileId,
    text: &'t str,
    limits: &Limits,
    diags: &mut Vec<Diagnostic>,
) -> Option<Node<'t>> {
    // The scanner takes a NUL byte for the end of the text (or, unquoted, for "unprintable"):
    // say what it is, where it is.
    if let Some(at) = text.find('\0') {
        let p = pos_of_byte(text, at);
        let span = Span { file, start: p, end: Pos { line: p.line, col: p.col + 1 } };
        diags.push(
            Diagnostic::new(Code::YamlSyntax, span, "invalid YAML: a NUL byte (U+0000), which YAML does not allow")
                .label("a NUL byte")
                .help("remove it; a NUL byte in a text file usually means binary content, or a file saved as UTF-16 rather than UTF-8"),
        );
        return None;
    }
    let mut b = Builder::new(limits);
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                if e.info() == "invalid indentation in quoted scalar"
                    && let Some(node) = pyyaml_quoted(file, text, pos(*e.marker()), limits, diags)
                {
                    return Some(node);
                }
                diags.append(&mut b.dups);
                diags.push(scan_error(file, text, &e));
                return None;
            }
        };
        let span = Span { file, start: pos(span.start), end: pos(span.end) };
        let outcome = b.on_event(event, span);
        diags.append(&mut b.dups);
        match outcome {
            Ok(true) => break,
            Ok(false) => {}
            Err(d) => {
                diags.push(*d);
                return None;
            }
        }
    }
    Some(b.finish(file))
}

/// A quoted scalar starting at `at` whose continuation lines are not indented past its line
/// (the general parser refuses it there), as PyYAML reads it: PyYAML, which NetBox's
/// device-type import and devicetype-library's checks use, does not look at the indentation
/// of a quoted scalar's lines, and a quoted scalar's line breaks fold and its lines' leading
/// blanks are dropped whatever their indentation, so the meaning is not in doubt. The file is
/// parsed again with those lines indented (the value is the same), spans on them moved
/// back, and a warning points at the first such line. `None` if it is something else, or
/// still does not parse.
fn pyyaml_quoted(
    file: FileId,
    text: &str,
    at: Pos,
    limits: &Limits,
    diags: &mut Vec<Diagnostic>,
) -> Option<Node<'static>> {
    let line_start = text.split_inclusive('\n').take(at.line as usize - 1).map(str::len).sum::<usize>();
    let line = text[line_start..].split('\n').next()?;
    let open = line_start + line.char_indices().nth(at.col as usize - 1)?.0;
    let quote = *text.as_bytes().get(open)?;
    if quote != b'\'' && quote != b'"' {
        return None;
    }
    // Lines of the scalar must be indented past the line it starts on.
    let need = line.len() - line.trim_start_matches(' ').len() + 1;
    let s = text.as_bytes();
    let mut i = open + 1;
    let mut pads: Vec<(u32, usize)> = Vec::new();
    let mut line_no = at.line;
    loop {
        match s.get(i)? {
            b'\'' if quote == b'\'' && s.get(i + 1) == Some(&b'\'') => i += 2,
            b'\\' if quote == b'"' => i += 2,
            &c if c == quote => break,
            b'\n' => {
                i += 1;
                line_no += 1;
                let rest = &s[i..];
                let indent = rest.iter().take_while(|&&c| c == b' ').count();
                let blank = matches!(rest.get(indent), None | Some(b'\n' | b'\r'));
                if !blank && indent < need {
                    // A document marker there ends the document for PyYAML too.
                    if indent == 0 && (rest.starts_with(b"---") || rest.starts_with(b"...")) {
                        return None;
                    }
                    pads.push((line_no, need - indent));
                }
            }
            _ => i += 1,
        }
    }
    let (first, _) = *pads.first()?;
    let mut patched = String::with_capacity(text.len() + pads.len() * need);
    let mut next = pads.iter().peekable();
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if let Some((_, pad)) = next.next_if(|(p, _)| *p == n as u32 + 1) {
            patched.extend(std::iter::repeat_n(' ', *pad));
        }
        patched.push_str(l);
    }
    let mut inner = Vec::new();
    let mut node = parse_general(file, &patched, limits, &mut inner)?.to_static();
    unpad(&mut node, &pads);
    let start = Span { file, start: at, end: Pos { line: at.line, col: at.col + 1 } };
    let offending = Span { file, start: Pos { line: first, col: 1 }, end: Pos { line: first, col: 2 } };
    diags.push(
        Diagnostic::new(
            Code::YamlPortability,
            offending,
            "a quoted scalar continues on a line not indented past its start: PyYAML reads this, YAML 1.2 parsers refuse it",
        )
        .label("this line belongs to the quoted scalar but is not indented")
        .related(start, "the quoted scalar starts here")
        .help("indent the scalar's following lines past its key (the value does not change), or write it as a block scalar (`|`); PyYAML (NetBox's import, devicetype-library's checks) accepts either"),
    );
    diags.append(&mut inner);
    Some(node)
}

/// Moves spans on the lines [`pyyaml_quoted`] indented back to the file's columns.
fn unpad(node: &mut Node<'_>, pads: &[(u32, usize)]) {
    for p in [&mut node.span.start, &mut node.span.end] {
        if let Ok(k) = pads.binary_search_by_key(&p.line, |(l, _)| *l) {
            p.col = p.col.saturating_sub(pads[k].1 as u32).max(1);
        }
    }
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| unpad(n, pads)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            unpad(k, pads);
            unpad(v, pads);
        }),
        Value::Null | Value::Scalar(_) => {}
    }
}

/// Whether [`parse`] takes its fast path for `text` to the end, without handing any entry to
/// the general parser. For tests and benchmarks.
#[doc(hidden)]
pub fn takes_fast_path(text: &str) -> bool {
    fast::parse(FileId(0), text, &mut Builder::new(&Limits::default())).is_ok_and(|general| general == 0)
}

/// How [`parse`] reads `text`: `Some(n)` when its fast path reads it to the end with `n`
/// entries read by the general parser, `None` when the general parser reads it all. For
/// tests and benchmarks.
#[doc(hidden)]
pub fn fast_path_entries(text: &str) -> Option<usize> {
    fast::parse(FileId(0), text, &mut Builder::new(&Limits::default())).ok()
}

fn pos(m: Marker) -> Pos {
    Pos { line: m.line() as u32, col: m.col() as u32 + 1 }
}

/// The 1-based position of byte offset `at` (a char boundary) in `text`, columns in characters.
fn pos_of_byte(text: &str, at: usize) -> Pos {
    let before = &text[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or_default().chars().count() as u32 + 1;
    Pos { line, col }
}

/// Whether a scanner message is about a tab (the word, not `unprintable`).
fn about_tabs(info: &str) -> bool {
    info.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w == "tab" || w == "tabs")
}

fn scan_error(file: FileId, text: &str, e: &ScanError) -> Diagnostic {
    let mut p = pos(*e.marker());
    let info = e.info();
    if about_tabs(info) {
        // The scanner reports where the token began; point at the tab itself.
        p = first_tab_from(text, p).unwrap_or(p);
    }
    let span = Span { file, start: p, end: Pos { line: p.line, col: p.col + 1 } };
    if about_tabs(info) {
        return Diagnostic::new(Code::YamlSyntax, span, format!("invalid YAML: {info}"))
            .label("a tab")
            .help("use spaces: YAML does not allow tabs for indentation");
    }
    Diagnostic::new(Code::YamlSyntax, span, format!("invalid YAML: {info}")).label(info.to_string())
}

enum Frame<'t> {
    Seq {
        span: Span,
        anchor: usize,
        items: Vec<Node<'t>>,
    },
    Map {
        span: Span,
        anchor: usize,
        entries: Vec<(Node<'t>, Node<'t>)>,
        key: Option<Node<'t>>,
        index: Option<HashMap<Box<str>, usize>>,
    },
}

struct Builder<'t, 'l> {
    limits: &'l Limits,
    stack: Vec<Frame<'t>>,
    anchors: HashMap<usize, (Node<'t>, usize)>,
    alias_nodes: usize,
    /// Nodes asked of the run's budget.
    run_taken: usize,
    root: Option<Node<'t>>,
    docs: usize,
    /// Duplicate keys found so far; they do not stop the file.
    dups: Vec<Diagnostic>,
}

impl<'t, 'l> Builder<'t, 'l> {
    fn new(limits: &'l Limits) -> Self {
        Builder {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            run_taken: 0,
            root: None,
            docs: 0,
            dups: Vec::new(),
        }
    }

    /// The document's root; a null node for an empty file.
    fn finish(self, file: FileId) -> Node<'t> {
        self.root.unwrap_or(Node { span: Span::file_start(file), value: Value::Null })
    }
}

/// A [`Builder`]'s state between two entries of the innermost open collection, to go back to.
pub(super) struct Mark {
    depth: usize,
    len: usize,
    dups: usize,
    anchors: usize,
    alias_nodes: usize,
}

impl Builder<'_, '_> {
    pub(super) fn mark(&self) -> Mark {
        let len = match self.stack.last() {
            Some(Frame::Seq { items, .. }) => items.len(),
            Some(Frame::Map { entries, .. }) => entries.len(),
            None => 0,
        };
        Mark {
            depth: self.stack.len(),
            len,
            dups: self.dups.len(),
            anchors: self.anchors.len(),
            alias_nodes: self.alias_nodes,
        }
    }

    /// Back to `m`, dropping what came since; false when that cannot be done exactly (an
    /// anchor was defined or an alias expanded since: the run's budget keeps what it gave).
    pub(super) fn restore(&mut self, m: &Mark) -> bool {
        if self.anchors.len() != m.anchors
            || self.alias_nodes != m.alias_nodes
            || self.stack.len() < m.depth
            || self.root.is_some()
        {
            return false;
        }
        self.stack.truncate(m.depth);
        self.dups.truncate(m.dups);
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.truncate(m.len),
            Some(Frame::Map { entries, key, index, .. }) => {
                if let Some(idx) = index {
                    for (k, _) in entries.get(m.len..).unwrap_or_default() {
                        idx.remove(k.key_text());
                    }
                }
                entries.truncate(m.len);
                *key = None;
            }
            None => return false,
        }
        true
    }
}

/// Maps at or above this many keys index their keys for the duplicate check.
const INDEX_AT: usize = 16;

impl<'t> Builder<'t, '_> {
    /// Handle one event; `Ok(true)` ends parsing.
    fn on_event(&mut self, event: Event<'t>, span: Span) -> Result<bool, Box<Diagnostic>> {
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.docs += 1;
                if self.docs > 1 {
                    return Err(Box::new(
                        Diagnostic::new(Code::MultipleDocuments, span, "this file holds more than one YAML document")
                            .label("a second document starts here")
                            .help("split the documents into separate files"),
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let forced_str = tag.as_ref().is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
                let quoted = forced_str || !matches!(style, ScalarStyle::Plain);
                let value =
                    if !quoted && is_null(&text) { Value::Null } else { Value::Scalar(Scalar { text, quoted }) };
                self.push_node(Node { span, value }, anchor)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Seq { span, anchor, items: Vec::new() });
            }
            Event::MappingStart(anchor, _) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Map { span, anchor, entries: Vec::new(), key: None, index: None });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { mut span, anchor, items }) = self.stack.pop() {
                    span.end = items.last().map_or(span.end, |n: &Node| n.span.end).max(span.end);
                    self.push_node(Node { span, value: Value::Seq(items) }, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { mut span, anchor, entries, .. }) = self.stack.pop() {
                    span.end =
                        entries.last().map_or(span.end, |(_, v): &(Node<'t>, Node<'t>)| v.span.end).max(span.end);
                    let entries = apply_merge_keys(entries);
                    self.push_node(Node { span, value: Value::Map(entries) }, anchor)?;
                }
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err(Box::new(
                        Diagnostic::new(Code::YamlSyntax, span, "alias to an unknown anchor").label("unknown anchor"),
                    ));
                };
                self.alias_nodes += size;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(Box::new(
                        Diagnostic::new(
                            Code::AliasBudget,
                            span,
                            format!("aliases in this file expand to more than {} nodes", self.limits.max_alias_nodes),
                        )
                        .label("expansion passes the budget here")
                        .help("write the data out instead of nesting aliases"),
                    ));
                }
                self.run_taken += size;
                if !self.limits.run.take(*size) {
                    return Err(Box::new(
                        Diagnostic::new(
                            Code::AliasBudget,
                            span,
                            format!(
                                "aliases in the files read so far expand to more than {} nodes together",
                                self.limits.run.limit()
                            ),
                        )
                        .label("expansion passes the run's budget here")
                        .help("write the data out instead of nesting aliases; files are read in path order, and this is the first past the budget"),
                    ));
                }
                let mut node = node.clone();
                node.span = span;
                self.push_node(node, 0)?;
            }
        }
        Ok(false)
    }

    fn check_depth(&self, span: Span) -> Result<(), Box<Diagnostic>> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Box::new(
                Diagnostic::new(
                    Code::TooDeep,
                    span,
                    format!("collections nest deeper than {} levels", self.limits.max_depth),
                )
                .label("too deep"),
            ));
        }
        Ok(())
    }

    fn push_node(&mut self, node: Node<'t>, anchor: usize) -> Result<(), Box<Diagnostic>> {
        if anchor != 0 {
            let size = node.count();
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, index, .. }) => match key.take() {
                None => {
                    if !matches!(node.value, Value::Scalar(_) | Value::Null) {
                        return Err(Box::new(
                            Diagnostic::new(Code::WrongType, node.span, "mapping keys must be plain strings")
                                .label("a complex key"),
                        ));
                    }
                    *key = Some(node);
                }
                Some(k) => {
                    let name = k.key_text();
                    if name != "<<" {
                        if let Some(first) = find_key(entries, index, name) {
                            let first_span = entries[first].0.span;
                            // Reported, not fatal: the second value is dropped and the file goes on.
                            self.dups.push(
                                Diagnostic::new(Code::DuplicateKey, k.span, format!("duplicate key `{name}`"))
                                    .label("the key appears again here")
                                    .related(first_span, "first defined here")
                                    .help("remove one of the two keys"),
                            );
                            return Ok(());
                        }
                        if entries.len() + 1 >= INDEX_AT {
                            let idx = index.get_or_insert_with(|| {
                                entries.iter().enumerate().map(|(i, (k, _))| (k.key_text().into(), i)).collect()
                            });
                            idx.insert(name.into(), entries.len());
                        }
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }
}

fn find_key(entries: &[(Node<'_>, Node<'_>)], index: &Option<HashMap<Box<str>, usize>>, name: &str) -> Option<usize> {
    match index {
        Some(idx) => idx.get(name).copied(),
        None => entries.iter().position(|(k, _)| k.key_text() == name),
    }
}

/// YAML 1.1 merge keys (`<<: *defaults`): keys written in the mapping win over merged ones.
fn apply_merge_keys<'t>(entries: Vec<(Node<'t>, Node<'t>)>) -> Vec<(Node<'t>, Node<'t>)> {
    if !entries.iter().any(|(k, _)| k.key_text() == "<<" && !k.is_quoted()) {
        return entries;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) =
        entries.into_iter().partition(|(k, _)| k.key_text() == "<<" && !k.is_quoted());
    let mut seen: crate::hash::HashSet<String> = own.iter().map(|(k, _)| k.key_text().to_string()).collect();
    for (_, src) in merges {
        let maps: Vec<Node<'t>> = match src.value {
            Value::Seq(items) => items,
            _ => vec![src],
        };
        for m in maps {
            if let Value::Map(es) = m.value {
                for (k, v) in es {
                    if seen.insert(k.key_text().to_string()) {
                        own.push((k, v));
                    }
                }
            }
        }
    }
    own
}

/// The position of the first tab at or after the start of `from`'s line.
fn first_tab_from(text: &str, from: Pos) -> Option<Pos> {
    for (i, line) in text.split('\n').enumerate().skip(from.line as usize - 1) {
        if let Some(c) = line.chars().position(|c| c == '\t') {
            return Some(Pos { line: i as u32 + 1, col: c as u32 + 1 });
        }
    }
    None
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

#[cfg(test)]
mod tests;
