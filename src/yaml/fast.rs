//! The fast path: a scanner for the YAML that inventories are made of.
//!
//! Inventories are block mappings and sequences of one-line scalars and flow collections
//! (`- {name: Ethernet1, mtu: 9214, tags: [uplink]}`, which may break lines after a comma),
//! with comments, CRLF or LF line ends, anchors, aliases and merge keys on nodes written
//! on one line, and block scalars (`|`, `>`, with their indicators) as a mapping's value or
//! a sequence's item. This module reads exactly that subset, byte by byte, and feeds the same
//! events the general parser would to the same [`Builder`], with the same spans.
//!
//! Whatever it does not handle (multi-line flow scalars, tags, anchors on block collections
//! and block scalars, unusual escapes, tabs outside block scalars, anything that is not
//! valid YAML) makes it give up
//! with [`Bail`]. When that happens inside an entry of a block collection that starts its
//! line (a device, an interface, a mapping's key and value), only that entry goes to the
//! general parser, and the scan resumes after it ([`Scanner::resume`]): a file costs one
//! pass, the general parser reading only the entries it must. Anything else (a bail outside
//! such an entry, a general-parser error in the entry) leaves the whole file to the general
//! parser, which also owns every error message.
//!
//! The contract, tested by comparing the two on every file the project holds and on the fuzz
//! corpus: when this returns `Ok`, the tree and diagnostics are the ones the general parser
//! gives.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

use super::Builder;
use crate::diagnostic::{Pos, Span};
use crate::source::FileId;

/// The file is outside the subset; parse it with the general parser.
#[derive(Debug)]
pub(super) struct Bail;

type R<T> = Result<T, Bail>;

/// Feed `text`'s events to `b`. On `Err`, `b` holds a partial tree and must be dropped.
///
/// A construct outside the subset inside an entry of a block collection that starts its line
/// does not end the fast path: that entry alone (its lines) goes to the general parser, whose
/// events join the tree, and the scan resumes after it ([`Scanner::resume`]). Returns how
/// many entries were read so.
pub(super) fn parse<'a>(file: FileId, text: &'a str, b: &mut Builder<'a, '_>) -> R<usize> {
    parse_from(file, text, 1, b)
}

/// [`parse`] of a piece of a file that starts on line `line`.
pub(super) fn parse_from<'a>(file: FileId, text: &'a str, line: u32, b: &mut Builder<'a, '_>) -> R<usize> {
    let (ascii, tabs) = precheck(text)?;
    let mut p = Scanner {
        s: text.as_bytes(),
        text,
        pos: 0,
        line,
        line_start: 0,
        ascii,
        file,
        b,
        flow_min: 0,
        anchors: Vec::new(),
        next_anchor: 0,
        pending: None,
        fatal: false,
        resumed: 0,
        tabs_ok: Vec::new(),
    };
    p.document()?;
    if tabs {
        // A tab is read as the general parser reads it only inside a block scalar's content
        // or an entry the general parser read; anywhere else, the general parser reads the file.
        let ok = &p.tabs_ok;
        for (at, _) in text.bytes().enumerate().filter(|&(_, c)| c == b'\t') {
            let k = ok.partition_point(|&(start, _)| start <= at);
            if k == 0 || ok[k - 1].1 <= at {
                return Err(Bail);
            }
        }
    }
    Ok(p.resumed)
}

/// Where an entry of a block collection starts, to go back to: the scanner's line and the
/// tree builder's state.
struct Entry {
    line: u32,
    line_start: usize,
    anchors: usize,
    tree: super::Mark,
}

/// Whether every byte is one the fast path can take as it is: no carriage return (but in a
/// CRLF line end) or other control character but tabs, no byte order mark, and (outside
/// ASCII) only characters YAML prints and does not treat as line breaks. Returns whether the
/// text is ASCII and whether it holds a tab (which [`parse`] accepts only where the general
/// parser read it, or in a block scalar's content).
fn precheck(text: &str) -> R<(bool, bool)> {
    let s = text.as_bytes();
    let (mut ascii, mut tabs) = (true, false);
    let mut from = 0;
    while from < s.len() {
        let to = (from + 32).min(s.len());
        // Most of a file is printable ASCII and line feeds: a block of them passes at once
        // (a test without branches, which the compiler vectorises; it was an eighth of the
        // parse byte by byte).
        if s[from..to].iter().fold(true, |ok, &c| ok & ((0x20..0x7f).contains(&c) | (c == b'\n'))) {
            from = to;
            continue;
        }
        for (i, &c) in s.iter().enumerate().take(to).skip(from) {
            if c < 0x20 && c != b'\n' && c != b'\t' && !(c == b'\r' && s.get(i + 1) == Some(&b'\n')) || c == 0x7f {
                return Err(Bail);
            }
            tabs |= c == b'\t';
            ascii &= c < 0x80;
        }
        from = to;
    }
    if !ascii {
        for ch in text.chars() {
            let ok = match ch as u32 {
                0..=0x7f => true,
                0xa0..=0xd7ff => !matches!(ch, '\u{2028}' | '\u{2029}'),
                0xe000..=0xfffd => ch != '\u{feff}',
                0x10000.. => true,
                _ => false,
            };
            if !ok {
                return Err(Bail);
            }
        }
    }
    Ok((ascii, tabs))
}

struct Scanner<'a, 'b, 'l> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    /// The current line (1-based) and the byte where it starts.
    line: u32,
    line_start: usize,
    ascii: bool,
    file: FileId,
    b: &'b mut Builder<'a, 'l>,
    /// In a flow collection: the least column (0-based) its continuation lines may start at.
    flow_min: usize,
    /// Anchors defined so far: name and id (the last definition of a name wins).
    anchors: Vec<(&'a str, usize)>,
    next_anchor: usize,
    /// An anchor read for the next node: its id and where it starts.
    pending: Option<(usize, usize)>,
    /// Set when going on is pointless (the general parser must read the whole file).
    fatal: bool,
    /// Entries read by the general parser.
    resumed: usize,
    /// Byte ranges where a tab is read right: block scalars' content and entries the general
    /// parser read, in order, without overlaps.
    tabs_ok: Vec<(usize, usize)>,
}

/// Bytes that end a plain scalar in a flow collection (or may: `:` and `#` are checked further).
const fn flow_stops() -> [bool; 256] {
    let mut t = [false; 256];
    let stops = b",[]{}:#\n";
    let mut i = 0;
    while i < stops.len() {
        t[stops[i] as usize] = true;
        i += 1;
    }
    t
}
static FLOW_STOP: [bool; 256] = flow_stops();

impl<'a> Scanner<'a, '_, '_> {
    /// The byte at `i` (0 past the end); the CR of a CRLF reads as `\n` (`precheck` lets no
    /// other CR through).
    fn at(&self, i: usize) -> u8 {
        match self.s.get(i) {
            Some(b'\r') => b'\n',
            Some(&c) => c,
            None => 0,
        }
    }

    fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    /// A blank or the end of a line or of the text.
    fn blank_at(&self, i: usize) -> bool {
        matches!(self.at(i), b' ' | b'\n' | 0)
    }

    fn mark(&self, at: usize) -> Pos {
        self.mark_on(self.line, self.line_start, at)
    }

    /// The position of `at` on line `line`, which starts at `line_start`.
    fn mark_on(&self, line: u32, line_start: usize, at: usize) -> Pos {
        let col = if self.ascii { at - line_start } else { self.text[line_start..at].chars().count() };
        Pos { line, col: col as u32 + 1 }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span { file: self.file, start: self.mark(start), end: self.mark(end) }
    }

    fn emit(&mut self, event: Event<'a>, span: Span) -> R<()> {
        match self.b.on_event(event, span) {
            Ok(_) => Ok(()),
            Err(_) => Err(Bail),
        }
    }

    /// A scalar from `start` to `end`, or from the anchor before it.
    fn scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle, start: usize, end: usize) -> R<()> {
        let (anchor, start) = self.pending.take().unwrap_or((0, start));
        let span = self.span(start, end);
        self.emit(Event::Scalar(text, style, anchor, None), span)
    }

    fn empty_scalar(&mut self, at: Pos) -> R<()> {
        let span = Span { file: self.file, start: at, end: at };
        self.emit(Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None), span)
    }

    fn skip_spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    /// After a node on this line: only blanks and a comment may follow. Leaves `pos` at the
    /// end of the line.
    fn end_of_line(&mut self) -> R<()> {
        let before = self.pos;
        self.skip_spaces();
        match self.peek() {
            b'\n' | 0 => Ok(()),
            b'#' if self.pos > before || self.pos == self.line_start => {
                self.skip_to_eol();
                Ok(())
            }
            _ => Err(Bail),
        }
    }

    fn skip_to_eol(&mut self) {
        self.pos = self.s[self.pos..].iter().position(|&c| c == b'\n').map_or(self.s.len(), |i| self.pos + i);
        if self.pos > 0 && self.s.get(self.pos - 1) == Some(&b'\r') && self.pos < self.s.len() {
            self.pos -= 1;
        }
    }

    /// Past the line break at `pos` (`\n` or `\r\n`), to the start of the next line.
    fn break_line(&mut self) {
        self.pos += if self.s[self.pos] == b'\r' { 2 } else { 1 };
        self.line += 1;
        self.line_start = self.pos;
    }

    /// From the end of a line, on to the next line with content. Returns its indentation with
    /// `pos` at its first character, or `None` at the end of the text.
    fn next_line(&mut self) -> R<Option<usize>> {
        loop {
            match self.peek() {
                0 if self.pos >= self.s.len() => return Ok(None),
                b'\n' => self.break_line(),
                _ => return Err(Bail),
            }
            self.skip_spaces();
            match self.peek() {
                b'\n' => continue,
                b'#' => {
                    self.skip_to_eol();
                    continue;
                }
                0 if self.pos >= self.s.len() => return Ok(None),
                _ => {}
            }
            let indent = self.pos - self.line_start;
            if indent == 0 {
                self.not_a_marker(self.pos)?;
            }
            return Ok(Some(indent));
        }
    }

    fn document(&mut self) -> R<()> {
        // The first line is not preceded by a newline: look at it as `next_line` would.
        self.skip_spaces();
        let mut first = match self.peek() {
            b'\n' | b'#' => {
                self.skip_to_eol();
                self.next_line()
            }
            0 => Ok(None),
            _ if self.pos == 0 => self.not_a_marker(0).map(|()| Some(0)),
            _ => Ok(Some(self.pos)),
        };
        if matches!(first, Err(Bail)) && self.s[self.pos..].starts_with(b"---") && self.pos == self.line_start {
            // One explicit document start before the content, as device-type files have.
            self.pos += 3;
            self.end_of_line()?;
            first = match self.next_line()? {
                Some(i) => Ok(Some(i)),
                None => Err(Bail),
            };
        }
        let Some(indent) = first? else { return Ok(()) };
        match self.block_node(indent)? {
            None => Ok(()),
            Some(_) => Err(Bail),
        }
    }

    /// Document markers and directives at the start of a line are left to the general parser.
    fn not_a_marker(&self, at: usize) -> R<()> {
        let head = &self.s[at..];
        if (head.starts_with(b"---") || head.starts_with(b"...")) && self.blank_at(at + 3)
            || head.first() == Some(&b'%')
        {
            return Err(Bail);
        }
        Ok(())
    }

    /// A node in block context starting at `pos`, in column `indent`. Returns where the next
    /// line with content is (its indentation), or `None` at the end of the text.
    fn block_node(&mut self, indent: usize) -> R<Option<usize>> {
        if self.peek() == b'&' {
            // An anchor on a node written on this line (one on a block collection is left to
            // the general parser, as is an anchored key).
            self.anchor()?;
            if matches!(self.peek(), b'[' | b'{') {
                self.flow_min = indent + 1;
                self.flow_node()?;
            } else {
                let start = self.pos;
                let (text, style, end) = self.block_scalar()?;
                let after = self.pos;
                self.skip_spaces();
                if self.peek() == b':' {
                    return Err(Bail);
                }
                self.pos = after;
                self.scalar(text, style, start, end)?;
            }
            self.end_of_line()?;
            return self.next_line();
        }
        match self.peek() {
            b'-' if self.blank_at(self.pos + 1) => self.block_seq(indent, false),
            b'[' | b'{' => {
                self.flow_min = indent + 1;
                self.flow_node()?;
                self.end_of_line()?;
                self.next_line()
            }
            b'*' => {
                self.alias()?;
                self.end_of_line()?;
                self.next_line()
            }
            _ => {
                let start = self.pos;
                let (text, style, end) = self.block_scalar()?;
                let after = self.pos;
                self.skip_spaces();
                if self.peek() == b':' && self.blank_at(self.pos + 1) {
                    key_length(start, self.pos)?;
                    self.block_map(indent, (text, style, start, end))
                } else {
                    self.pos = after;
                    self.scalar(text, style, start, end)?;
                    self.end_of_line()?;
                    self.next_line()
                }
            }
        }
    }

    /// Where the entry starting at `at` starts, if it is the first thing on its line.
    fn entry_at(&self, at: usize) -> Option<Entry> {
        self.s[self.line_start..at].iter().all(|&c| c == b' ').then(|| Entry {
            line: self.line,
            line_start: self.line_start,
            anchors: self.anchors.len(),
            tree: self.b.mark(),
        })
    }

    /// A block mapping in column `indent` whose first key has been read; `pos` is at its `:`.
    fn block_map(&mut self, indent: usize, first: (Cow<'a, str>, ScalarStyle, usize, usize)) -> R<Option<usize>> {
        let at = self.span(first.2, first.2);
        self.emit(Event::MappingStart(0, None), at)?;
        let mut key = Some(first);
        loop {
            let entry = self.entry_at(key.as_ref().map_or(self.pos, |k| k.2));
            // A line more indented than the keys, or a `- ` at their column, after the entry
            // is still the entry's (invalid, or outside the subset).
            let read = self.map_entry(key.take()).and_then(|next| match next {
                Some(i) if i > indent || i == indent && self.peek() == b'-' && self.blank_at(self.pos + 1) => Err(Bail),
                next => Ok(next),
            });
            let next = match read {
                Ok(next) => next,
                Err(Bail) => match entry {
                    Some(e) => self.resume(e, indent, false)?,
                    None => return Err(Bail),
                },
            };
            match next {
                Some(i) if i == indent => {
                    if self.peek() == b'-' && self.blank_at(self.pos + 1) {
                        return Err(Bail);
                    }
                }
                Some(i) if i > indent => return Err(Bail),
                other => {
                    let span = self.span(self.pos, self.pos);
                    self.emit(Event::MappingEnd, span)?;
                    return Ok(other);
                }
            }
        }
    }

    /// One entry of a block mapping in column `indent`: its key (read already, with `pos` at
    /// its `:`, or at `pos`) and value. Returns where the next line with content is.
    fn map_entry(&mut self, key: Option<(Cow<'a, str>, ScalarStyle, usize, usize)>) -> R<Option<usize>> {
        let (text, style, start, end) = match key {
            Some(k) => k,
            None => {
                let start = self.pos;
                let (text, style, end) = self.block_scalar()?;
                self.skip_spaces();
                if !(self.peek() == b':' && self.blank_at(self.pos + 1)) {
                    return Err(Bail);
                }
                key_length(start, self.pos)?;
                (text, style, start, end)
            }
        };
        let indent = start - self.line_start;
        self.scalar(text, style, start, end)?;
        // `pos` is at the key's `:`.
        let colon = self.mark(self.pos);
        self.pos += 1;
        self.skip_spaces();
        match self.peek() {
            b'\n' | 0 | b'#' => {
                if self.peek() == b'#' {
                    self.skip_to_eol();
                }
                match self.next_line()? {
                    Some(i) if i > indent => self.block_node(i),
                    Some(i) if i == indent && self.peek() == b'-' && self.blank_at(self.pos + 1) => {
                        self.block_seq(indent, true)
                    }
                    other => {
                        self.empty_scalar(colon)?;
                        Ok(other)
                    }
                }
            }
            _ => {
                self.inline_value(indent)?;
                self.next_line()
            }
        }
    }

    /// A mapping's value written on the key's line (the mapping in column `indent`): a
    /// scalar, an alias or a flow collection, maybe anchored, then the end of the line.
    fn inline_value(&mut self, indent: usize) -> R<()> {
        if self.peek() == b'&' {
            self.anchor()?;
        }
        match self.peek() {
            b'[' | b'{' => {
                self.flow_min = indent + 1;
                self.flow_node()?
            }
            b'*' => self.alias()?,
            b'|' | b'>' => return self.block_text(indent),
            b'-' if self.blank_at(self.pos + 1) => return Err(Bail),
            _ => {
                let start = self.pos;
                let (text, style, end) = self.block_scalar()?;
                if self.peek() == b':' {
                    return Err(Bail);
                }
                self.scalar(text, style, start, end)?;
            }
        }
        self.end_of_line()
    }

    /// A block sequence whose first `-` is at `pos`, in column `indent`. An `indentless` one
    /// is a mapping's value written at the mapping's own indentation.
    fn block_seq(&mut self, indent: usize, indentless: bool) -> R<Option<usize>> {
        let mut first = true;
        loop {
            let dash = self.pos;
            // `pos` is at a `-` followed by a blank. The general parser marks an item (and an
            // indentless sequence) where scanning stopped after the dash, blanks and comment.
            self.pos += 1;
            self.skip_spaces();
            let on_line = !matches!(self.peek(), b'\n' | 0 | b'#');
            if !on_line {
                self.skip_to_eol();
            }
            let item = self.mark(self.pos);
            if first {
                first = false;
                let at = if indentless { item } else { self.mark(dash) };
                self.emit(Event::SequenceStart(0, None), Span { file: self.file, start: at, end: at })?;
            }
            let entry = self.entry_at(dash);
            let read = self.seq_item(indent, on_line, item).and_then(|next| match next {
                Some(i) if i > indent => Err(Bail),
                next => Ok(next),
            });
            let next = match read {
                Ok(next) => next,
                Err(Bail) => match entry {
                    Some(e) => self.resume(e, indent, true)?,
                    None => return Err(Bail),
                },
            };
            match next {
                Some(i) if i == indent && self.peek() == b'-' && self.blank_at(self.pos + 1) => {}
                Some(i) if i == indent && !indentless => return Err(Bail),
                Some(i) if i > indent => return Err(Bail),
                other => {
                    let span = self.span(self.pos, self.pos);
                    self.emit(Event::SequenceEnd, span)?;
                    return Ok(other);
                }
            }
        }
    }

    /// One item of a block sequence in column `indent`, `pos` after its dash and blanks.
    fn seq_item(&mut self, indent: usize, on_line: bool, item: Pos) -> R<Option<usize>> {
        if on_line {
            if matches!(self.peek(), b'|' | b'>') {
                self.block_text(indent)?;
                return self.next_line();
            }
            let col = self.pos - self.line_start;
            return self.block_node(col);
        }
        match self.next_line()? {
            Some(i) if i > indent => self.block_node(i),
            other => {
                self.empty_scalar(item)?;
                Ok(other)
            }
        }
    }

    /// The general parser reads the entry of a block collection in column `indent` that
    /// starts at `from` (a construct outside the subset is in it): the lines from there to
    /// the next line with content at most as indented (for a mapping's entry, a `- ` at the
    /// mapping's indentation still belongs to it: an indentless sequence). Its events,
    /// with their spans moved to the file's lines, go to the tree; the scan goes on after
    /// it. Anything unexpected (a syntax error, more or less than one entry, an anchor the
    /// entry refers to from before it) leaves the whole file to the general parser.
    fn resume(&mut self, from: Entry, indent: usize, seq: bool) -> R<Option<usize>> {
        // A flow collection there would be read as the region's root, not as a key.
        let head = self.s[from.line_start + indent..].first();
        if self.fatal || matches!(head, Some(b'[' | b'{')) || !self.b.restore(&from.tree) {
            self.fatal = true;
            return Err(Bail);
        }
        self.anchors.truncate(from.anchors);
        self.pending = None;
        while self.tabs_ok.last().is_some_and(|r| r.0 >= from.line_start) {
            self.tabs_ok.pop();
        }
        let s = self.s;
        let (mut at, mut lines) = (from.line_start, 0u32);
        let end = loop {
            let Some(nl) = s[at..].iter().position(|&c| c == b'\n') else { break s.len() };
            at += nl + 1;
            lines += 1;
            let mut i = at;
            while s.get(i) == Some(&b' ') {
                i += 1;
            }
            let Some(&c) = s.get(i) else { break s.len() };
            if matches!(c, b'\n' | b'\r' | b'#') {
                continue;
            }
            let dash = c == b'-' && matches!(s.get(i + 1), None | Some(b' ' | b'\n' | b'\r'));
            if i - at < indent || i - at == indent && (seq || !dash) {
                break i;
            }
        };
        let region = &self.text[from.line_start..end];
        // Where the region ends, as the general parser marks it (an empty node there might have
        // been marked further on in the whole file).
        let last = Pos { line: from.line + lines, col: (end - at) as u32 + 1 };
        if self.general(region, from.line - 1, seq, last).is_err() {
            self.fatal = true;
            return Err(Bail);
        }
        self.resumed += 1;
        self.tabs_ok.push((from.line_start, end));
        self.pos = end;
        if end >= s.len() {
            return Ok(None);
        }
        self.line = from.line + lines;
        self.line_start = at;
        let indent = end - at;
        if indent == 0 && self.not_a_marker(end).is_err() {
            self.fatal = true;
            return Err(Bail);
        }
        Ok(Some(indent))
    }

    /// Feed the general parser's events for `region` (lines of the file after the first
    /// `lines_before`: one entry of a block sequence if `seq`, else of a block mapping) to
    /// the tree, without the collection around the entry.
    fn general(&mut self, region: &'a str, lines_before: u32, seq: bool, last: Pos) -> R<()> {
        let mut parser = saphyr_parser::Parser::new_from_str(region);
        let (mut depth, mut nodes, mut done, mut docs) = (0usize, 0usize, false, 0);
        let (base, mut top) = (self.next_anchor, 0usize);
        let mut remap = |a: usize| {
            if a == 0 {
                0
            } else {
                top = top.max(a);
                base + a
            }
        };
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|_| Bail)?;
            let pos = |m: saphyr_parser::Marker| Pos { line: lines_before + m.line() as u32, col: m.col() as u32 + 1 };
            let span = Span { file: self.file, start: pos(span.start), end: pos(span.end) };
            let event = match event {
                Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => continue,
                Event::DocumentStart(_) => {
                    docs += 1;
                    if docs > 1 {
                        return Err(Bail);
                    }
                    continue;
                }
                _ if done => return Err(Bail),
                Event::SequenceStart(a, ref t) | Event::MappingStart(a, ref t) if depth == 0 => {
                    if a != 0 || t.is_some() || seq != matches!(event, Event::SequenceStart(..)) {
                        return Err(Bail);
                    }
                    depth = 1;
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd if depth == 1 => {
                    done = true;
                    continue;
                }
                _ if depth == 0 => return Err(Bail),
                Event::Scalar(t, style, a, tag) => {
                    // An empty node, or a block scalar with no content, at the region's end
                    // might have been read differently in the whole file.
                    let blank =
                        t.bytes().all(|c| c == b'\n') && matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                    if (t.is_empty() || blank) && span.end >= last {
                        return Err(Bail);
                    }
                    nodes += usize::from(depth == 1);
                    Event::Scalar(t, style, remap(a), tag)
                }
                Event::Alias(a) => {
                    nodes += usize::from(depth == 1);
                    Event::Alias(remap(a))
                }
                Event::SequenceStart(a, t) => {
                    depth += 1;
                    Event::SequenceStart(remap(a), t)
                }
                Event::MappingStart(a, t) => {
                    depth += 1;
                    Event::MappingStart(remap(a), t)
                }
                e @ (Event::SequenceEnd | Event::MappingEnd) => {
                    depth -= 1;
                    nodes += usize::from(depth == 1);
                    e
                }
            };
            match self.b.on_event(event, span) {
                Ok(false) => {}
                _ => return Err(Bail),
            }
        }
        self.next_anchor = base + top;
        if done && nodes == if seq { 1 } else { 2 } { Ok(()) } else { Err(Bail) }
    }

    /// A block scalar (`|` or `>`, maybe with a chomping indicator and an indentation
    /// indicator) at `pos`, the value of an entry of a block collection in column `parent`,
    /// read as the general parser reads it: its content lines are those at least as indented
    /// as the first (or as the indicator says), its span runs from the first content
    /// character to where the scan stopped (after the next line's indentation, up to the
    /// scalar's). `pos` goes to the line break before the first line it does not take, or to
    /// the end of the text. A scalar with no content line, anchored, or whose lines are
    /// indented in a way the general parser refuses, is left to it.
    fn block_text(&mut self, parent: usize) -> R<()> {
        if self.pending.is_some() {
            return Err(Bail);
        }
        let (s, len) = (self.s, self.s.len());
        let literal = self.peek() == b'|';
        let head = self.pos;
        let mut i = head + 1;
        let (mut chomp, mut explicit) = (b' ', 0usize);
        for _ in 0..2 {
            match self.at(i) {
                c @ (b'+' | b'-') if chomp == b' ' => chomp = c,
                c @ b'1'..=b'9' if explicit == 0 => explicit = usize::from(c - b'0'),
                _ => break,
            }
            i += 1;
        }
        let indicators = i;
        while self.at(i) == b' ' {
            i += 1;
        }
        if self.at(i) == b'#' && i > indicators {
            i = s[i..].iter().position(|&c| c == b'\n').map_or(len, |k| i + k);
            if s[i - 1] == b'\r' {
                i -= 1;
            }
        }
        if i >= len || self.at(i) != b'\n' {
            return Err(Bail);
        }
        // The scan: `i` in line `line`, which starts at `ls`; `last` is the last line break
        // read (where, on which line, which starts where).
        let (mut line, mut ls) = (self.line, self.line_start);
        let mut last = (i, line, ls);
        let step = |i: usize| i + if s[i] == b'\r' { 2 } else { 1 };
        i = step(i);
        line += 1;
        ls = i;
        if s.get(i) == Some(&b'\t') {
            return Err(Bail);
        }
        // Blank lines before the first content line, and the content's indentation.
        let mut breaks = 0usize;
        let mut widest = 0;
        loop {
            while self.at(i) == b' ' && (explicit == 0 || i - ls < parent + explicit) {
                i += 1;
            }
            widest = widest.max(i - ls);
            if i < len && self.at(i) == b'\n' {
                last = (i, line, ls);
                i = step(i);
                line += 1;
                ls = i;
                breaks += 1;
            } else {
                break;
            }
        }
        let indent = if explicit > 0 { parent + explicit } else { widest.max(parent + 1) };
        // A first line less indented than the content ends a scalar with no content, if it
        // is not more indented than the collection (else it is an error). The general parser
        // reads one with no line after it in its own way.
        if i >= len || i - ls != indent && i - ls > parent {
            return Err(Bail);
        }
        let start = self.mark_on(line, ls, i);
        let mut out = String::new();
        let push_breaks = |out: &mut String, n: usize| out.extend(std::iter::repeat_n('\n', n));
        let (mut leading_break, mut leading_blank, mut in_content) = (false, false, false);
        while i - ls == indent && i < len && self.at(i) != b'\n' {
            let blank = matches!(s[i], b' ' | b'\t');
            if !literal && leading_break && !leading_blank && !blank {
                if breaks == 0 {
                    out.push(' ');
                }
                push_breaks(&mut out, breaks);
            } else {
                if leading_break {
                    out.push('\n');
                }
                push_breaks(&mut out, breaks);
            }
            (leading_break, breaks, leading_blank) = (false, 0, blank);
            let nl = s[i..].iter().position(|&c| c == b'\n').map_or(len, |k| i + k);
            let end = if nl < len && s[nl - 1] == b'\r' { nl - 1 } else { nl };
            out.push_str(&self.text[i..end]);
            i = end;
            if i >= len {
                in_content = true;
                break;
            }
            last = (i, line, ls);
            i = step(i);
            line += 1;
            ls = i;
            leading_break = true;
            loop {
                while self.at(i) == b' ' && i - ls < indent {
                    i += 1;
                }
                if i < len && self.at(i) == b'\n' {
                    last = (i, line, ls);
                    i = step(i);
                    line += 1;
                    ls = i;
                    breaks += 1;
                } else {
                    break;
                }
            }
        }
        if chomp != b'-' {
            if leading_break {
                out.push('\n');
            }
            if i >= len && i - ls >= indent {
                out.push('\n');
            }
        }
        if chomp == b'+' {
            push_breaks(&mut out, breaks);
        }
        let span = Span { file: self.file, start, end: self.mark_on(line, ls, i) };
        let style = if literal { ScalarStyle::Literal } else { ScalarStyle::Folded };
        self.emit(Event::Scalar(Cow::Owned(out), style, 0, None), span)?;
        self.tabs_ok.push((head, i));
        (self.pos, self.line, self.line_start) = if in_content { (len, line, ls) } else { last };
        Ok(())
    }

    /// An anchor (`&name` and blanks) at `pos`, for the node that follows on this line.
    fn anchor(&mut self) -> R<()> {
        let start = self.pos;
        let end = self.name(start + 1)?;
        if self.pending.is_some() || self.at(end) != b' ' {
            return Err(Bail);
        }
        self.next_anchor += 1;
        self.anchors.push((&self.text[start + 1..end], self.next_anchor));
        self.pending = Some((self.next_anchor, start));
        self.pos = end;
        self.skip_spaces();
        Ok(())
    }

    /// An alias (`*name`) at `pos`, to an anchor defined before.
    fn alias(&mut self) -> R<()> {
        let start = self.pos;
        let end = self.name(start + 1)?;
        let name = &self.text[start + 1..end];
        let id = self.anchors.iter().rev().find(|(n, _)| *n == name).ok_or(Bail)?.1;
        if self.pending.is_some() {
            return Err(Bail);
        }
        self.pos = end;
        let span = self.span(start, end);
        self.emit(Event::Alias(id), span)
    }

    /// The end of an anchor's name starting at `from`: letters, digits, `_` and `-`, then a
    /// blank, the end of a line or flow punctuation (other names are left to the general parser).
    fn name(&self, from: usize) -> R<usize> {
        let mut end = from;
        while self.at(end).is_ascii_alphanumeric() || matches!(self.at(end), b'_' | b'-') {
            end += 1;
        }
        if end == from || !matches!(self.at(end), b' ' | b'\n' | 0 | b',' | b']' | b'}') {
            return Err(Bail);
        }
        Ok(end)
    }

    /// A scalar in block context: quoted, or plain up to `: `, ` #` or the end of the line.
    /// Returns its value, style and end; `pos` is after it.
    fn block_scalar(&mut self) -> R<(Cow<'a, str>, ScalarStyle, usize)> {
        match self.peek() {
            b'"' | b'\'' => self.quoted(),
            c if plain_may_start(c, self.at(self.pos + 1), false) => {
                let start = self.pos;
                let mut i = self.pos;
                let mut end = i;
                loop {
                    match self.at(i) {
                        b'\n' | 0 => break,
                        b':' if self.blank_at(i + 1) => break,
                        b'#' if self.s[i - 1] == b' ' => break,
                        b' ' => {}
                        _ => end = i + 1,
                    }
                    i += 1;
                }
                self.pos = end;
                Ok((Cow::Borrowed(&self.text[start..end]), ScalarStyle::Plain, end))
            }
            _ => Err(Bail),
        }
    }

    /// A flow sequence or mapping, `pos` at its bracket (or at the anchor before it). Lines
    /// may break after a `,`; the next line's content must be right of `flow_min`.
    fn flow_node(&mut self) -> R<()> {
        let open = self.peek();
        let (anchor, start) = self.pending.take().unwrap_or((0, self.pos));
        self.pos += 1;
        // The general parser's bracket token takes the blanks after it.
        self.skip_spaces();
        if matches!(self.peek(), b'\n' | b'#') {
            return Err(Bail);
        }
        let span = self.span(start, self.pos);
        let (close, start_event, end) = if open == b'[' {
            (b']', Event::SequenceStart(anchor, None), Event::SequenceEnd)
        } else {
            (b'}', Event::MappingStart(anchor, None), Event::MappingEnd)
        };
        self.emit(start_event, span)?;
        while self.peek() != close {
            if open == b'[' {
                self.flow_item()?;
                self.skip_spaces();
                if self.peek() == b':' {
                    // A single-pair mapping inside a sequence.
                    return Err(Bail);
                }
            } else {
                let key = self.pos;
                if matches!(self.peek(), b'&' | b'*') {
                    return Err(Bail);
                }
                self.flow_item()?;
                self.skip_spaces();
                key_length(key, self.pos)?;
                if self.peek() != b':' {
                    return Err(Bail);
                }
                // `{"k":v}` and empty values are left to the general parser.
                if self.at(self.pos + 1) != b' ' {
                    return Err(Bail);
                }
                self.pos += 1;
                self.skip_spaces();
                if matches!(self.peek(), b',' | b'}' | b']' | b'\n' | 0 | b'#') {
                    return Err(Bail);
                }
                self.flow_item()?;
                self.skip_spaces();
            }
            match self.peek() {
                b',' => {
                    self.pos += 1;
                    self.skip_spaces();
                    if matches!(self.peek(), b'\n' | b'#') {
                        self.flow_break()?;
                    }
                    if self.peek() == b',' {
                        return Err(Bail);
                    }
                }
                c if c == close => {}
                _ => return Err(Bail),
            }
        }
        let span = self.span(self.pos, self.pos + 1);
        self.pos += 1;
        self.emit(end, span)
    }

    /// After a `,` and blanks in a flow collection, at a comment or the end of a line: on to
    /// the next line with content, which must start right of `flow_min`.
    fn flow_break(&mut self) -> R<()> {
        loop {
            if self.peek() == b'#' {
                if !(self.pos == self.line_start || self.at(self.pos - 1) == b' ') {
                    return Err(Bail);
                }
                self.skip_to_eol();
            }
            if self.peek() != b'\n' {
                return Err(Bail);
            }
            self.break_line();
            self.skip_spaces();
            if !matches!(self.peek(), b'\n' | b'#') {
                break;
            }
        }
        if self.pos - self.line_start < self.flow_min || self.pos >= self.s.len() {
            return Err(Bail);
        }
        Ok(())
    }

    /// One item of a flow collection: a flow collection, an alias, or a quoted or plain
    /// scalar, maybe anchored.
    fn flow_item(&mut self) -> R<()> {
        if self.peek() == b'&' {
            self.anchor()?;
        }
        let start = self.pos;
        match self.peek() {
            b'[' | b'{' => return self.flow_node(),
            b'*' => return self.alias(),
            b'"' | b'\'' => {
                let (text, style, end) = self.quoted()?;
                return self.scalar(text, style, start, end);
            }
            c if plain_may_start(c, self.at(self.pos + 1), true) => {}
            _ => return Err(Bail),
        }
        let mut i = self.pos;
        let mut end = i;
        loop {
            let c = self.at(i);
            if FLOW_STOP[c as usize] {
                match c {
                    // `a:b` is one scalar in a flow collection.
                    b':' if !matches!(self.at(i + 1), b' ' | b',' | b'[' | b']' | b'{' | b'}' | b'\n' | 0) => {}
                    b'#' if self.s[i - 1] != b' ' => return Err(Bail),
                    _ => break,
                }
            }
            if c == 0 && i >= self.s.len() {
                break;
            }
            if c != b' ' {
                end = i + 1;
            }
            i += 1;
        }
        if matches!(self.at(i), b'\n' | b'#' | 0) {
            // The scalar may go on on the next line.
            return Err(Bail);
        }
        self.pos = end;
        self.scalar(Cow::Borrowed(&self.text[start..end]), ScalarStyle::Plain, start, end)
    }

    /// A quoted scalar on one line, `pos` at its opening quote: `'…'` (where `''` stands for
    /// a quote) or `"…"` (with backslash escapes). Returns its value, style and end.
    fn quoted(&mut self) -> R<(Cow<'a, str>, ScalarStyle, usize)> {
        let quote = self.peek();
        let start = self.pos + 1;
        let (mut i, mut from) = (start, start);
        let mut owned: Option<String> = None;
        loop {
            match self.at(i) {
                b'\n' | 0 => return Err(Bail),
                b'\'' if quote == b'\'' && self.at(i + 1) == b'\'' => {
                    owned.get_or_insert_with(String::new).push_str(&self.text[from..=i]);
                    i += 2;
                    from = i;
                }
                b'\\' if quote == b'"' => {
                    let o = owned.get_or_insert_with(String::new);
                    o.push_str(&self.text[from..i]);
                    let (ch, len) = self.escape(i + 1)?;
                    o.push(ch);
                    i += 1 + len;
                    from = i;
                }
                c if c == quote => break,
                _ => i += 1,
            }
        }
        let text = match owned {
            Some(mut o) => {
                o.push_str(&self.text[from..i]);
                Cow::Owned(o)
            }
            None => Cow::Borrowed(&self.text[start..i]),
        };
        self.pos = i + 1;
        let end = self.after_quote()?;
        let style = if quote == b'"' { ScalarStyle::DoubleQuoted } else { ScalarStyle::SingleQuoted };
        Ok((text, style, end))
    }

    /// The character an escape stands for and the bytes it takes after the backslash.
    fn escape(&self, i: usize) -> R<(char, usize)> {
        let simple = match self.at(i) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(i, 2),
            b'u' => return self.hex_escape(i, 4),
            b'U' => return self.hex_escape(i, 8),
            _ => return Err(Bail),
        };
        Ok((simple, 1))
    }

    fn hex_escape(&self, i: usize, digits: usize) -> R<(char, usize)> {
        let hex = self.s.get(i + 1..i + 1 + digits).ok_or(Bail)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return Err(Bail);
        }
        let code = u32::from_str_radix(std::str::from_utf8(hex).map_err(|_| Bail)?, 16).map_err(|_| Bail)?;
        Ok((char::from_u32(code).ok_or(Bail)?, 1 + digits))
    }

    /// After a closing quote: checks what follows on the line (blanks, then a `:`, a comment,
    /// the end of the line, or a flow collection's punctuation) and returns where the general
    /// parser ends the scalar: past the blanks and a comment that follow it. `pos` goes there.
    fn after_quote(&mut self) -> R<usize> {
        if !matches!(self.peek(), b' ' | b'\n' | 0 | b':' | b',' | b']' | b'}') {
            return Err(Bail);
        }
        let quote_end = self.pos;
        self.skip_spaces();
        if self.peek() == b'#' && self.pos > quote_end {
            self.skip_to_eol();
        }
        Ok(self.pos)
    }
}

/// The general parser refuses implicit keys longer than 1024 characters; leave those to it.
fn key_length(start: usize, colon: usize) -> R<()> {
    if colon - start > 1000 { Err(Bail) } else { Ok(()) }
}

/// Whether a plain scalar may start with `c` (followed by `next`). Indicators cannot start
/// one; `-` can when a non-blank follows (`-1`), and in a flow collection only when that is
/// not flow punctuation (`[-]` is not a scalar). `?` and `:` are left to the general parser.
fn plain_may_start(c: u8, next: u8, flow: bool) -> bool {
    match c {
        b'-' => !(matches!(next, b' ' | b'\n' | 0) || flow && matches!(next, b',' | b'[' | b']' | b'{' | b'}')),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"'
        | b'%' | b'@' | b'`' | b' ' | b'\n' | 0 => false,
        _ => true,
    }
}
