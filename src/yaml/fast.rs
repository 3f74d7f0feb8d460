//! The fast path: a scanner for the YAML that inventories are made of.
//!
//! Inventories are block mappings and sequences of one-line scalars and one-line flow
//! collections (`- {name: Ethernet1, mtu: 9214, tags: [uplink]}`). This module reads exactly
//! that subset, byte by byte, and feeds the same events the general parser would to the same
//! [`Builder`], with the same spans. Whatever it does not handle (anchors, aliases, tags, block
//! scalars, multi-line scalars and flows, documents markers, tabs, carriage returns, unusual
//! escapes, anything that is not valid YAML) makes it give up with [`Bail`], and the caller
//! parses the file again with the general parser, which also owns every error message.
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
pub(super) fn parse<'a>(file: FileId, text: &'a str, b: &mut Builder<'a, '_>) -> R<()> {
    let ascii = precheck(text)?;
    let mut p = Scanner { s: text.as_bytes(), text, pos: 0, line: 1, line_start: 0, ascii, file, b };
    p.document()
}

/// Whether every byte is one the fast path can take as it is: no tab, carriage return or
/// other control character, no byte order mark, and (outside ASCII) only characters YAML
/// prints and does not treat as line breaks. Returns whether the text is ASCII.
fn precheck(text: &str) -> R<bool> {
    let s = text.as_bytes();
    let mut ascii = true;
    for &c in s {
        if c < 0x20 && c != b'\n' || c == 0x7f {
            return Err(Bail);
        }
        ascii &= c < 0x80;
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
    Ok(ascii)
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
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    /// A blank or the end of a line or of the text.
    fn blank_at(&self, i: usize) -> bool {
        matches!(self.at(i), b' ' | b'\n' | 0)
    }

    fn mark(&self, at: usize) -> Pos {
        let col = if self.ascii { at - self.line_start } else { self.text[self.line_start..at].chars().count() };
        Pos { line: self.line, col: col as u32 + 1 }
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

    fn scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle, start: usize, end: usize) -> R<()> {
        let span = self.span(start, end);
        self.emit(Event::Scalar(text, style, 0, None), span)
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
    }

    /// From the end of a line, on to the next line with content. Returns its indentation with
    /// `pos` at its first character, or `None` at the end of the text.
    fn next_line(&mut self) -> R<Option<usize>> {
        loop {
            match self.peek() {
                0 if self.pos >= self.s.len() => return Ok(None),
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
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
        match self.peek() {
            b'-' if self.blank_at(self.pos + 1) => self.block_seq(indent, false),
            b'[' | b'{' => {
                self.flow_node()?;
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

    /// A block mapping in column `indent` whose first key has been read; `pos` is at its `:`.
    fn block_map(&mut self, indent: usize, first: (Cow<'a, str>, ScalarStyle, usize, usize)) -> R<Option<usize>> {
        let (text, style, start, end) = first;
        let at = self.span(start, start);
        self.emit(Event::MappingStart(0, None), at)?;
        self.scalar(text, style, start, end)?;
        loop {
            // `pos` is at the key's `:`.
            let colon = self.mark(self.pos);
            self.pos += 1;
            self.skip_spaces();
            let next = match self.peek() {
                b'\n' | 0 | b'#' => {
                    if self.peek() == b'#' {
                        self.skip_to_eol();
                    }
                    match self.next_line()? {
                        Some(i) if i > indent => self.block_node(i)?,
                        Some(i) if i == indent && self.peek() == b'-' && self.blank_at(self.pos + 1) => {
                            self.block_seq(indent, true)?
                        }
                        other => {
                            self.empty_scalar(colon)?;
                            other
                        }
                    }
                }
                _ => {
                    self.inline_value()?;
                    self.next_line()?
                }
            };
            match next {
                Some(i) if i == indent => {
                    let start = self.pos;
                    if self.peek() == b'-' && self.blank_at(self.pos + 1) {
                        return Err(Bail);
                    }
                    let (text, style, end) = self.block_scalar()?;
                    self.skip_spaces();
                    if !(self.peek() == b':' && self.blank_at(self.pos + 1)) {
                        return Err(Bail);
                    }
                    key_length(start, self.pos)?;
                    self.scalar(text, style, start, end)?;
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

    /// A mapping's value written on the key's line: a scalar or a flow collection, then the
    /// end of the line.
    fn inline_value(&mut self) -> R<()> {
        match self.peek() {
            b'[' | b'{' => self.flow_node()?,
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
            let next = if on_line {
                let col = self.pos - self.line_start;
                self.block_node(col)?
            } else {
                match self.next_line()? {
                    Some(i) if i > indent => self.block_node(i)?,
                    other => {
                        self.empty_scalar(item)?;
                        other
                    }
                }
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

    /// A flow sequence or mapping on one line, `pos` at its bracket.
    fn flow_node(&mut self) -> R<()> {
        let open = self.peek();
        let start = self.pos;
        self.pos += 1;
        // The general parser's bracket token takes the blanks after it.
        self.skip_spaces();
        let span = self.span(start, self.pos);
        let (close, start_event, end) = if open == b'[' {
            (b']', Event::SequenceStart(0, None), Event::SequenceEnd)
        } else {
            (b'}', Event::MappingStart(0, None), Event::MappingEnd)
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

    /// One item of a flow collection: a flow collection, or a quoted or plain scalar.
    fn flow_item(&mut self) -> R<()> {
        let start = self.pos;
        match self.peek() {
            b'[' | b'{' => return self.flow_node(),
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
                    b':' if !matches!(self.at(i + 1), b' ' | b',' | b'[' | b']' | b'{' | b'}' | b'\n' | 0) => {
                        // `a:b` is one scalar in a flow collection; leave such files to the general parser.
                        return Err(Bail);
                    }
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
            // The collection goes on past this line.
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
