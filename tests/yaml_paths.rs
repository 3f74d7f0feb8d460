//! The YAML layer's two paths give the same answer.
//!
//! `sot::yaml::parse` reads the subset inventories are written in with its own scanner and
//! hands every other file to the general YAML parser. Whatever path a file takes, the tree,
//! every span in it and the diagnostics must be the general parser's. These tests compare the
//! two on every YAML file the project holds (the example inventory, the test fixtures, the
//! fuzz corpus), on hand-written corner cases, and on random documents built from the
//! pieces inventories are made of.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sot::source::FileId;
use sot::yaml::{Limits, parse, parse_general, parse_in_pieces, takes_fast_path};

/// Both paths on `text`: panics with both answers if they differ. Returns whether the fast
/// path took the text.
fn same(text: &str, what: &str) -> bool {
    let (mut d1, mut d2) = (Vec::new(), Vec::new());
    let a = parse(FileId(0), text, &Limits::default(), &mut d1);
    let b = parse_general(FileId(0), text, &Limits::default(), &mut d2);
    if a != b || d1 != d2 {
        let (fa, fb) = (flat(a.as_ref(), &d1), flat(b.as_ref(), &d2));
        let at = fa.iter().zip(&fb).position(|(x, y)| x != y).unwrap_or(fa.len().min(fb.len()));
        panic!(
            "{what}: the paths differ on\n{text:?}\nfirst difference (fast / general):\n  {}\n  {}",
            fa.get(at).map_or("(nothing)", String::as_str),
            fb.get(at).map_or("(nothing)", String::as_str)
        );
    }
    takes_fast_path(text)
}

/// `text` read in pieces of about `piece` bytes, against the general parser: panics if they
/// differ. Returns whether the text was read in pieces (else `parse` reads it whole).
fn same_in_pieces(text: &str, piece: usize, what: &str) -> bool {
    let (mut d1, mut d2) = (Vec::new(), Vec::new());
    let Some(a) = parse_in_pieces(FileId(0), text, &Limits::default(), &mut d1, piece) else {
        assert!(d1.is_empty(), "{what}: no tree but diagnostics");
        return false;
    };
    let b = parse_general(FileId(0), text, &Limits::default(), &mut d2);
    if Some(&a) != b.as_ref() || d1 != d2 {
        let (fa, fb) = (flat(Some(&a), &d1), flat(b.as_ref(), &d2));
        let at = fa.iter().zip(&fb).position(|(x, y)| x != y).unwrap_or(fa.len().min(fb.len()));
        panic!(
            "{what} (pieces of {piece} bytes): the paths differ on\n{text:?}\nfirst difference (pieces / general):\n  {}\n  {}",
            fa.get(at).map_or("(nothing)", String::as_str),
            fb.get(at).map_or("(nothing)", String::as_str)
        );
    }
    true
}

/// A tree and its diagnostics as lines: each node's kind, span and text, in document order.
fn flat(node: Option<&sot::yaml::Node>, diags: &[sot::diagnostic::Diagnostic]) -> Vec<String> {
    fn walk(n: &sot::yaml::Node, out: &mut Vec<String>) {
        use sot::yaml::Value;
        let s = n.span;
        let at = format!("{}:{}-{}:{}", s.start.line, s.start.col, s.end.line, s.end.col);
        match &n.value {
            Value::Null => out.push(format!("null {at}")),
            Value::Scalar(sc) => out.push(format!("scalar {at} {:?} quoted={}", sc.text, sc.quoted)),
            Value::Seq(items) => {
                out.push(format!("seq {at} ({} items)", items.len()));
                items.iter().for_each(|i| walk(i, out));
            }
            Value::Map(entries) => {
                out.push(format!("map {at} ({} entries)", entries.len()));
                for (k, v) in entries {
                    walk(k, out);
                    walk(v, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    match node {
        Some(n) => walk(n, &mut out),
        None => out.push("no tree".to_string()),
    }
    for d in diags {
        let s = d.primary.span;
        out.push(format!("{} {}:{} {}", d.code.as_str(), s.start.line, s.start.col, d.message));
    }
    out
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            files_under(&p, out);
        } else if ft.is_file() {
            out.push(p);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dirs` that is UTF-8 (a BOM stripped as the loader does), with its path.
fn texts(dirs: &[&str], only_yaml: bool) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    for d in dirs {
        files_under(&root().join(d), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .filter(|p| !only_yaml || p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
            Some((p, text))
        })
        .collect()
}

#[test]
fn the_example_inventory_takes_the_fast_path_with_the_same_result() {
    let files = texts(&["inventory", "device-types"], true);
    assert!(files.len() > 10, "the example inventory is there");
    let slow: Vec<_> = files.iter().filter(|(p, t)| !same(t, &p.display().to_string())).map(|(p, _)| p).collect();
    assert!(slow.is_empty(), "files of the example inventory left to the general parser: {slow:?}");
}

#[test]
fn every_yaml_file_of_the_project_reads_the_same_on_both_paths() {
    let files = texts(&["tests/fixtures", "schemas", "docs", "examples", ".github", "sot.yaml"], true);
    let fast = files.iter().filter(|(p, t)| same(t, &p.display().to_string())).count();
    assert!(files.len() > 100 && fast > files.len() / 2, "{fast} of {} files on the fast path", files.len());
}

#[test]
fn the_fuzz_corpus_reads_the_same_on_both_paths() {
    // The yaml target's inputs are YAML files; the inventory target's hold several files each.
    let mut n = 0;
    for (p, t) in texts(&["fuzz/corpus/yaml", "fuzz/regressions"], false) {
        same(&t, &p.display().to_string());
        n += 1;
    }
    for (p, t) in texts(&["fuzz/corpus/inventory"], false) {
        for part in t.split("\n--- ") {
            let body = part.split_once('\n').map_or("", |(_, b)| b);
            same(body, &p.display().to_string());
            n += 1;
        }
    }
    assert!(n > 1000, "the corpus is there ({n} inputs)");
}

/// Corner cases of spans and of the subset's edges; each says whether the fast path takes it.
#[test]
fn corner_cases() {
    let cases: &[(&str, bool)] = &[
        ("", true),
        ("# only a comment\n", true),
        ("\n\n   \n", true),
        ("foo\n", true),
        ("a: 1\n", true),
        ("a: 1", true),
        ("g:   # comment\nh: 2\n", true),
        ("g:\nh:\n", true),
        ("top:\n- a: 1\n  b: 2\n-\n- x\nnext: 1\n", true),
        ("top:\n-   # c\n- x\n", true),
        ("top:\n- # c\n  a: 1\n", true),
        ("m:\n  - \n  - y\n", true),
        ("- - 2\n  - 3\n- 4\n", true),
        ("-   a: 1\n    b: 2\n", true),
        ("\"q k\": 1\n'p''s': 2\n", true),
        ("ws:    val   \n", true),
        ("n:\n    deep: 1\n", true),
        ("  k: v\n  j: [a, {b: c}, \"d\" ]\n", true),
        ("a: [a, b, ]\n", true),
        ("a: {}\nb: []\nc: [[], {}]\n", true),
        ("a: {\"k\": 1, 'j': x}\n", true),
        ("---\na: 1\n", true),
        ("# schema modeline\n--- # c\na: 1\n", true),
        ("a: \"\\t\\u00e9\\x41\\U0001F600\\\\\\\"\"\n", true),
        ("name: Zürich — 東京 😀\nx: [é, ü]\n", true),
        ("a: b # c\nd: e#f\n", true),
        ("url: http://x.example/a#b\n", true),
        ("a: -1\nb: -x\nc: 1:2\n", true),
        ("a: 1\na: 2\n", true),
        ("a: null\nb: ~\nc: Null\n", true),
        ("a: 'x' # c\n", true),
        ("a:\n  b:\n    c:\n      - d\n", true),
        // `device:interface` strings, in flow collections too.
        ("a: [a:b]\n", true),
        ("c: {a: s1:Ethernet1, b: s2:et-0/0/1, x: a:b:c}\n", true),
        ("c: [a:, b]\n", false),
        ("c: [a:[b]]\n", false),
        // Flow collections spanning lines: breaks after a comma, right of the block's column.
        ("a: [b,\n  c]\n", true),
        ("- {name: x,\n   mtu: 1,   # c\n\n   # d\n   tags: [a, b]}\n", true),
        ("a: [b,\nc]\n", false),
        ("a: [\n  b]\n", false),
        ("a: [b\n  , c]\n", false),
        ("a: {b: c,\n  d: e,\n  }\n", true),
        ("a: {b: c,\n  d: e,\n}\n", false),
        // CRLF line ends.
        ("a: 1\r\nb: 2\r\n", true),
        ("a: 1\r\nb: [x, \"y\"]  # c\r\n# d\r\nc:\r\n  - z\r\n", true),
        ("a: 1\rb: 2\n", false),
        // Anchors, aliases and merge keys on nodes written on one line.
        ("a: &x 1\nb: *x\n", true),
        ("d: &d {mtu: 1}\ni: [{<<: *d, name: a}, *d]\n", true),
        ("- &a [x]\n- *a\n- &b y\n- *b\n", true),
        ("a: &x 1\na: &x 2\nb: *x\n", true),
        ("a: *x\n", false),
        ("a: &x\n  b: 1\n", false),
        ("&x a: 1\n", false),
        ("a: {*x : 1}\n", false),
        ("a: &x.y 1\n", false),
        // Left to the general parser.
        ("a: !!str 1\n", false),
        ("a: |\n  text\n", true),
        ("a: >\n  text\n", true),
        ("a: |\n  text", true),
        ("a: |\n\ttext\n", false),
        ("a: |\n  \ttext\n", true),
        ("a:\n  - |2-\n     x\n    y\n", true),
        ("a: &x |\n  text\n", false),
        ("a: |\n    x\n  y\n", false),
        ("a: |\n\n    \n  x\n", false),
        ("a: |0\n  x\n", false),
        ("a: |#c\n  x\n", false),
        ("a: |\n", false),
        ("a: b\n  c\n", false),
        ("a: 'b\n  c'\n", false),
        ("---\n", false),
        ("--- a: 1\n", false),
        ("a: 1\n---\nb: 2\n", false),
        ("a: {\"k\":1}\n", false),
        ("a: 1\n...\n", false),
        ("a:\tb\n", false),
        ("a: [b: c]\n", false),
        ("a: {b}\n", false),
        ("a: {b: }\n", false),
        ("? a\n: b\n", false),
        ("a: b: c\n", false),
        ("a: 1\n b: 2\n", false),
        ("- a\nb: 1\n", false),
        ("a: [b]c\n", false),
        ("a: \"b\"c\n", false),
        ("a: [b]#c\n", false),
        ("e: [-]\n", false),
        ("e: [-, a]\n", false),
        ("e: {a: -}\n", false),
        ("e: [-1, -a]\n", true),
        ("e: -]\n", true),
        ("a: \"\\q\"\n", false),
        ("[a, b]: c\n", false),
        ("a: 1\n  # indented comment\nb: [x\n", false),
        ("a\u{2028}b: 1\n", false),
    ];
    let mut wrong = Vec::new();
    for (text, fast) in cases {
        if same(text, "corner case") != *fast {
            wrong.push((text, *fast));
        }
    }
    assert!(wrong.is_empty(), "expected path not taken (text, expected fast): {wrong:#?}");
}

/// An entry of a block collection that starts its line and holds a construct outside the
/// subset goes to the general parser alone; the fast path reads on after it. Each case says
/// how many entries the general parser reads (`None`: the whole file).
#[test]
fn entries_outside_the_subset_alone_go_to_the_general_parser() {
    let cases: &[(&str, Option<usize>)] = &[
        ("a: 1\nb: !!str x\nc: 2\n", Some(1)),
        ("d:\n  - {name: a}\n  - name: b\n    description: long\n      text\n  - {name: c}\n", Some(1)),
        ("d:\n- name: b\n  x: !!str t\n\n- c\n", Some(1)),
        // Block scalars are the fast path's own.
        ("a: 1\nb: |\n  text\nc: 2\n", Some(0)),
        ("d:\n  - {name: a}\n  - name: b\n    description: >-\n      long\n      text\n  - {name: c}\n", Some(0)),
        ("d:\n- name: b\n  x: |+\n    t\n\n- c\n", Some(0)),
        // A tab where only the general parser reads it right: the entry, or the whole file.
        ("a: 1\nb: !!str \"x\ty\"\nc: 2\n", Some(1)),
        ("a: [1,\t2]\n", None),
        ("a: !!str 1\nb: 2\n", Some(1)),
        ("- a\n- 'b\n  c'\n- d\n", Some(1)),
        ("a:\n  b: !!str x\n  c: !!str y\n", Some(2)),
        ("a: 1\r\nb: !!str x\r\nc: 2\r\n", Some(1)),
        ("a: b\n  c\nd: [e,\n f]\n", Some(1)),
        ("a: &x 1\nb: !!str x\nc: *x\n", Some(1)),
        ("a: !!str x\nb: &y 2\nc: *y\n", Some(1)),
        ("a: 1\nb:\n  - x\n  - !!str y\n  # c\n\nc: 2\n", Some(1)),
        ("a: 1\nb: |\n  x\n  y\n", Some(0)),
        ("k:\n  a: 1\n  b: 'x\n\n    y'\n  c: 2\n", Some(1)),
        // The whole file.
        ("a: &x 1\nb: !!str *x\n", None),
        ("a: |\n  x\n---\nb: 1\n", None),
        ("a: |\n  x\nb: 'c\n", None),
        ("- a\n- |\n x\n- b\nc: 1\n", None),
        ("a: 1\n{b: c}\n", None),
        ("- x: 1\n  y: !!str t\n", Some(1)),
        ("- - !!str t\n", Some(1)),
        ("- x: 1\n  y: |\n    t\n", Some(0)),
        ("- - |\n    t\n", Some(0)),
        // An anchor the general parser defines is not known to the fast path after it.
        ("b: &y |\n  x\nc: *y\n", None),
    ];
    let mut wrong = Vec::new();
    for (text, expected) in cases {
        same(text, "entry case");
        let got = sot::yaml::fast_path_entries(text);
        if got != *expected {
            wrong.push((text, *expected, got));
        }
    }
    assert!(wrong.is_empty(), "(text, expected, got): {wrong:#?}");
}

/// Block scalars of every shape (`|` and `>`; chomping `-`, `+` or none; an explicit
/// indentation or none; a comment after the header), with every kind of body (leading,
/// inner and trailing blank lines, more-indented lines, spaces-only lines, tabs in the
/// content, a less-indented line that ends the scalar), as a mapping's value and as a
/// sequence's item, nested, with LF and CRLF line ends and with and without a final line
/// break: the fast path reads them as the general parser does, and reads the ordinary ones.
#[test]
fn block_scalars_of_every_shape_read_the_same_on_both_paths() {
    let mut headers = Vec::new();
    for style in ["|", ">"] {
        for chomp in ["", "-", "+"] {
            for explicit in ["", "1", "2", "4"] {
                headers.push(format!("{style}{chomp}{explicit}"));
                if !chomp.is_empty() && !explicit.is_empty() {
                    headers.push(format!("{style}{explicit}{chomp}"));
                }
            }
        }
    }
    // Bodies, each line relative to the scalar's indentation (`>` marks it).
    let bodies: &[&[&str]] = &[
        &[">one line"],
        &[">first", ">second"],
        &[">para one", "", ">para two"],
        &[">text", "", ""],
        &[">text", ">", ">  "],
        &["", ">after a blank line"],
        &[">folded", ">  more indented", ">back"],
        &[">  starts more indented", ">then not"],
        &[">a\ttab", ">\tleading tab", ">\t"],
        &[">x", "  ", ">y"],
        &[">x #not a comment", "# a comment, less indented"],
        &[">é ü 東京", ">😀"],
        &[">a: b", ">- c", ">[d, {e: f}]", ">&g *h !i"],
        &[">x", " less indented"],
    ];
    let mut n = 0;
    let mut fast = 0;
    for header in &headers {
        for (which, body) in bodies.iter().enumerate() {
            for (ctx, parent, before, after) in [
                ("map", 0, "a: 1\nkey: ", "next: 2\n"),
                ("seq", 0, "- 1\n- ", "- 2\n"),
                ("nested", 2, "top:\n  k: 1\n  key: ", "  j: 2\nlast: 3\n"),
                ("item", 2, "l:\n- name: x\n  description: ", "- name: y\n"),
                ("indentless", 0, "l:\n- ", "- z\nm: 1\n"),
            ] {
                let explicit: usize = header[1..].trim_matches(['-', '+']).parse().unwrap_or(2);
                let pad = " ".repeat(parent + explicit);
                let mut text = format!("{before}{header}\n");
                for l in body.iter() {
                    match l.strip_prefix('>') {
                        Some(rest) => text.push_str(&format!("{pad}{rest}\n")),
                        None => text.push_str(&format!("{l}\n")),
                    }
                }
                for (end, eol, what) in [(after, "\n", "LF"), (after, "\r\n", "CRLF"), ("", "\n", "at the end")] {
                    let mut t = format!("{text}{end}").replace('\n', eol);
                    let cut = t.trim_end_matches('\n').len();
                    for last in [t.len(), cut] {
                        t.truncate(last);
                        let name = format!("{header} body {which} {ctx} {what}");
                        fast += usize::from(same(&t, &name));
                        n += 1;
                    }
                }
            }
        }
    }
    // The ordinary shapes are the fast path's: most of these are.
    assert!(fast * 3 > n * 2, "only {fast} of {n} block scalars took the fast path");
    for text in [
        "a: |\n  one\n  two\nb: 1\n",
        "- description: >-\n    folded\n    text\n  name: x\n",
        "a: |+\n  kept\n\n\nb: 1\n",
        "a: |2\n    more\n  less\n",
        "a: |\r\n  crlf\r\n",
        "a: >\n  no final break",
        "a: |\n  tab\there\n",
    ] {
        assert!(same(text, "ordinary block scalar"), "not on the fast path: {text:?}");
    }
}

/// A large file is read in pieces (its top-level entries, its top-level sequences' items) in
/// parallel: the tree and diagnostics are those of the whole file, and what could read
/// differently in pieces is read whole.
#[test]
fn files_read_in_pieces_read_as_whole_files() {
    let mut fleet = String::from("# one file for everything\nsites:\n");
    for s in 0..30 {
        fleet.push_str(&format!("  - {{name: s{s}, status: active}}\n"));
    }
    fleet.push_str("devices:\n");
    for d in 0..60 {
        fleet.push_str(&format!(
            "- name: d{d}\n  site: s{}\n  description: |\n    line one\n\n    - not an item\n  interfaces:\n  - {{name: e1, mtu: 9214}}\n  # between\n\n  - name: e2\n    tags: [a, b]\n",
            d % 30
        ));
    }
    fleet.push_str("cables:\n  - {a: d1:e1, b: d2:e1}\n  - a: d3:e1\n    b: d4:e1\nvlans: []\nempty:\n");
    for piece in [1, 10, 100, 1000] {
        assert!(same_in_pieces(&fleet, piece, "fleet"), "the fleet is read in pieces of {piece} bytes");
        let crlf = fleet.replace('\n', "\r\n");
        assert!(same_in_pieces(&crlf, piece, "fleet, CRLF"));
        assert!(same_in_pieces(fleet.trim_end(), piece, "fleet, no final line break"));
    }
    // Read whole: what a piece alone would read otherwise.
    for text in [
        "a: 1\n---\nb: 2\n",
        "a: &x 1\nb: *x\n",
        "a: 1\na: 2\n",
        "a: [x,\nb: y]\n",
        "a: \"x\nb: y\"\n",
        "a: 1\n<<: {b: 2}\n",
        "- a\n- b\n",
        "a: 1\n\tb: 2\n",
        "a: 1\n%YAML 1.2\nb: 2\n",
    ] {
        same(text, "whole");
        assert!(!same_in_pieces(text, 1, "whole"), "read in pieces: {text:?}");
    }
    // Errors are the whole file's.
    for text in ["a:\n- 1\n- [2\nb: 3\n", "a: 1\nb: c: d\n", "a:\n  - x\n  - y\n z\n"] {
        assert!(!same_in_pieces(text, 1, "error"));
    }
    let (read, all) =
        run((tree(), prop::collection::vec(any::<u8>(), 1..64), 1usize..40), 3000, |(t, choices, piece)| {
            same_in_pieces(&write(&t, &choices), piece, "random tree")
        });
    // Most random trees are too small to cut (one top-level entry) or not mappings.
    assert!(read * 12 > all, "only {read} of {all} random trees were read in pieces");
}

#[test]
fn long_keys_are_left_to_the_general_parser() {
    let long = "k".repeat(1100);
    assert!(!same(&format!("{long}: 1\n"), "long key"));
    assert!(!same(&format!("a: {{{long}: 1}}\n"), "long flow key"));
    assert!(same(&format!("a: {long}\n"), "long value"));
}

#[test]
fn nesting_past_the_limit_is_reported_as_the_general_parser_does() {
    let deep = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
    assert!(!same(&deep, "deep flow"));
    let mut block = String::new();
    for i in 0..200 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    assert!(!same(&block, "deep block"));
}

/// A random tree, written out below in a random mix of the styles inventories use.
#[derive(Clone, Debug)]
enum Tree {
    Scalar(&'static str),
    Seq(Vec<Tree>),
    Map(Vec<(&'static str, Tree)>),
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop::sample::select(vec![
        "a",
        "Ethernet1",
        "10.0.0.1/31",
        "-1",
        "x y",
        "it's",
        "é ü",
        "a#b",
        "",
        "~",
        "true",
        "9214",
        "say \"hi\"",
    ])
    .prop_map(Tree::Scalar);
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop::sample::select(vec!["name", "k", "a b", "x", "y", "é", "name"]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Tree::Seq),
            prop::collection::vec((key, inner), 0..5).prop_map(Tree::Map),
        ]
    })
}

/// Writes a tree as YAML, taking each style decision from `choices` in turn.
struct Writer<'a> {
    choices: &'a [u8],
    next: usize,
    out: String,
}

impl Writer<'_> {
    fn pick(&mut self, n: u8) -> u8 {
        let c = self.choices[self.next % self.choices.len()];
        self.next += 1;
        c % n
    }

    fn scalar(&mut self, s: &str, flow: bool) {
        let plain_ok = !(s.is_empty() || s.contains('"') || flow && s.contains(' '));
        match self.pick(4) {
            0 | 1 if plain_ok => self.out.push_str(s),
            2 => self.out.push_str(&format!("'{}'", s.replace('\'', "''"))),
            _ => self.out.push_str(&format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))),
        }
    }

    fn flow(&mut self, t: &Tree) {
        match t {
            Tree::Scalar(s) => self.scalar(s, true),
            Tree::Seq(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        let sep = if self.pick(2) == 0 { ", " } else { ",  " };
                        self.out.push_str(sep);
                    }
                    self.flow(item);
                }
                self.out.push(']');
            }
            Tree::Map(entries) => {
                let open = if self.pick(2) == 0 { "{" } else { "{ " };
                self.out.push_str(open);
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.scalar(k, true);
                    self.out.push_str(": ");
                    self.flow(v);
                }
                self.out.push('}');
            }
        }
    }

    fn end_line(&mut self) {
        match self.pick(5) {
            0 => self.out.push_str("  # note"),
            1 => self.out.push(' '),
            _ => {}
        }
        self.out.push('\n');
        if self.pick(8) == 0 {
            self.out.push_str("\n# between\n");
        }
    }

    /// `t` as a block node whose first line continues the current one; `indent` is the
    /// column of the collection it belongs to.
    fn block(&mut self, t: &Tree, indent: usize, in_seq: bool) {
        let flow = matches!(t, Tree::Scalar(_)) || self.pick(3) == 0;
        let empty = matches!(t, Tree::Seq(v) if v.is_empty()) || matches!(t, Tree::Map(v) if v.is_empty());
        if let Tree::Scalar(s) = t
            && self.pick(4) == 0
        {
            // A block scalar, its words on lines of their own.
            let header = ["|", ">", "|-", ">+", "|2"][self.pick(5) as usize];
            let pad = " ".repeat(indent + 2);
            self.out.push_str(&format!(" {header}\n"));
            for word in s.split(' ') {
                self.out.push_str(&format!("{pad}{word}\n"));
                if self.pick(4) == 0 {
                    self.out.push('\n');
                }
            }
            return;
        }
        if flow || empty {
            if !in_seq || matches!(t, Tree::Scalar(_)) || self.pick(2) == 0 {
                self.out.push(' ');
            }
            self.flow(t);
            self.end_line();
            return;
        }
        match t {
            Tree::Seq(items) => {
                let own = indent + if in_seq || self.pick(2) == 0 { 2 } else { 0 };
                self.end_line();
                for item in items {
                    self.out.push_str(&" ".repeat(own));
                    self.out.push('-');
                    self.block(item, own, true);
                }
            }
            Tree::Map(entries) => {
                let own = indent + 2;
                let compact = in_seq && self.pick(2) == 0;
                if compact {
                    self.out.push(' ');
                } else {
                    self.end_line();
                }
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 || !compact {
                        self.out.push_str(&" ".repeat(own));
                    }
                    self.scalar(k, false);
                    self.out.push(':');
                    self.block(v, own, false);
                }
            }
            Tree::Scalar(_) => unreachable!(),
        }
    }
}

fn write(t: &Tree, choices: &[u8]) -> String {
    let mut w = Writer { choices, next: 0, out: String::new() };
    if w.pick(4) == 0 {
        w.out.push_str("# modeline\n---\n");
    }
    match t {
        Tree::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                w.scalar(k, false);
                w.out.push(':');
                w.block(v, 0, false);
            }
        }
        _ => {
            w.flow(t);
            w.out.push('\n');
        }
    }
    w.out
}

/// Runs `check` on `cases` random values of `strategy`; returns how many took the fast path.
fn run<S: Strategy>(strategy: S, cases: u32, check: impl Fn(S::Value) -> bool) -> (u32, u32) {
    let fast = std::cell::Cell::new(0);
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(
        ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() },
        proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let result = runner.run(&strategy, |v| {
        if check(v) {
            fast.set(fast.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    (fast.get(), cases)
}

#[test]
fn random_trees_written_in_inventory_styles_read_the_same_on_both_paths() {
    let (fast, all) = run((tree(), prop::collection::vec(any::<u8>(), 1..64)), 4000, |(t, choices)| {
        same(&write(&t, &choices), "random tree")
    });
    // Nearly all of these are in the subset; if few were, this test would prove little.
    assert!(fast * 10 > all * 8, "only {fast} of {all} random trees took the fast path");
}

/// Random documents made of the pieces inventories use (and some they should not), laid out
/// with random indentation, so the paths meet every combination of them.
fn piece() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "name",
        "10.0.0.1/31",
        "-1",
        "x y",
        "'q'",
        "'it''s'",
        "\"d\\n\"",
        "\"\"",
        "~",
        "é",
        "a#b",
        "a:b",
        "",
    ])
    .prop_flat_map(|a| {
        prop::sample::select(vec![
            ": ", ":", " : ", "- ", "-", ", ", ",", "[", "]", "{", "}", " # c", "\n", "\n  ", "\n    ", "\n- ",
            "\n  - ", " ", "&a ", "*a", "|\n  ", "---\n", "[-]", "-,", "{-", "-}", ":]", "?", ">-\n    ", "\r\n",
            "<<: ", "!!str ", ",\n   ", "&b\n  ", "|+\n", "|2\n   ", ">\n\n  ", "|-\r\n  ", "\t", "|\n  \t", "\n\n",
            ">1-\n ",
        ])
        .prop_map(move |b| format!("{a}{b}"))
    })
}

#[test]
fn random_token_soup_reads_the_same_on_both_paths() {
    let (fast, all) =
        run(prop::collection::vec(piece(), 0..40), 6000, |pieces| same(&pieces.concat(), "random document"));
    assert!(fast * 20 > all, "only {fast} of {all} random documents took the fast path");
}

#[test]
fn random_indented_lines_read_the_same_on_both_paths() {
    let line = (0usize..4, piece(), piece(), piece());
    let (fast, all) = run(prop::collection::vec(line, 0..20), 6000, |lines| {
        let mut text = String::new();
        for (indent, a, b, c) in lines {
            text.push_str(&"  ".repeat(indent));
            text.push_str(&a);
            text.push_str(&b);
            text.push_str(&c);
            text.push('\n');
        }
        same(&text, "random lines")
    });
    assert!(fast * 20 > all, "only {fast} of {all} random documents took the fast path");
}
