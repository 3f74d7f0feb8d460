use super::*;
use crate::source::FileId;

fn parse_ok(text: &str) -> (Option<Node<'_>>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let root = parse(FileId(0), text, &Limits::default(), &mut diags);
    (root, diags)
}

fn codes(text: &str) -> Vec<(&'static str, u32, u32)> {
    let (_, diags) = parse_ok(text);
    diags.iter().map(|d| (d.code.as_str(), d.primary.span.start.line, d.primary.span.start.col)).collect()
}

#[test]
fn scalars_keep_their_position() {
    let (root, diags) = parse_ok("sites:\n  - name: London\n    slug: lon\n");
    assert!(diags.is_empty());
    let root = root.unwrap();
    let sites = &root.as_map().unwrap()[0].1;
    let site = &sites.as_seq().unwrap()[0];
    let (k, v) = &site.as_map().unwrap()[1];
    assert_eq!(k.key_text(), "slug");
    assert_eq!((v.span.start.line, v.span.start.col), (3, 11));
    assert_eq!((v.span.end.line, v.span.end.col), (3, 14));
}

#[test]
fn duplicate_keys_are_reported_with_the_first_place() {
    let (_, diags) = parse_ok("a: 1\nb: 2\na: 3\n");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::DuplicateKey);
    assert_eq!(diags[0].primary.span.start.line, 3);
    assert_eq!(diags[0].related[0].span.start.line, 1);
}

#[test]
fn duplicate_keys_in_large_maps_are_found() {
    let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k7: again\n");
    assert_eq!(codes(&text), vec![("E0002", 41, 1)]);
}

#[test]
fn tabs_and_syntax_errors_have_a_position() {
    let c = codes("a:\n\tb: 1\n");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].0, "E0001");
    assert_eq!(c[0].1, 2);
    assert_eq!(codes("a: [1, 2\n")[0].0, "E0001");
}

#[test]
fn billion_laughs_is_refused_quickly() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let c = codes(&text);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].0, "E0003");
}

#[test]
fn aliases_and_merge_keys_expand() {
    let (root, diags) = parse_ok("base: &b {mtu: 9214, enabled: true}\nx:\n  <<: *b\n  mtu: 1500\n");
    assert!(diags.is_empty(), "{diags:?}");
    let root = root.unwrap();
    let j = root.as_map().unwrap()[1].1.to_json();
    assert_eq!(j, serde_json::json!({"mtu": 1500, "enabled": true}));
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert_eq!(codes(&text)[0].0, "E0004");
}

#[test]
fn second_document_is_refused() {
    assert_eq!(codes("a: 1\n---\nb: 2\n"), vec![("E0005", 2, 1)]);
}

#[test]
fn empty_and_comment_only_files_are_null() {
    for text in ["", "# just a comment\n", "\n\n"] {
        let (root, diags) = parse_ok(text);
        assert!(diags.is_empty());
        assert_eq!(root.unwrap().value, Value::Null);
    }
}

#[test]
fn core_schema_typing() {
    let (root, _) = parse_ok("[42, '42', true, 'true', 1.5, ~, 0x1F, abc, 2027-03-15]");
    let j = root.unwrap().to_json();
    assert_eq!(j, serde_json::json!([42, "42", true, "true", 1.5, null, 31, "abc", "2027-03-15"]));
}

/// A NUL byte is reported as one, where it is, wherever it is (the scanner took it for the
/// end of the text in a quoted scalar, and elsewhere as "unprintable", which was taken for
/// a message about tabs).
#[test]
fn nul_bytes_and_unprintable_characters_are_named() {
    for (text, at) in [
        ("sites:\n  - name: a\0b\n", (2, 12)),
        ("sites:\n  - {name: \"\0\"}\n", (2, 13)),
        ("\0sites: []\n", (1, 1)),
        ("sites: [] # é\0\n", (1, 14)),
    ] {
        let (root, diags) = parse_ok(text);
        assert!(root.is_none(), "{text:?}");
        assert_eq!(diags.len(), 1, "{text:?}: {diags:#?}");
        let d = &diags[0];
        assert_eq!((d.primary.span.start.line, d.primary.span.start.col), at, "{text:?}");
        assert!(d.message.contains("a NUL byte (U+0000)"), "{}", d.message);
        assert!(!format!("{d:?}").contains("tab"), "{d:?}");
    }
    assert!(!about_tabs("found unprintable character") && about_tabs("found a tab") && about_tabs("tabs disallowed"));
    // Tabs are still tabs.
    let (_, diags) = parse_ok("sites:\n\t- name: ab\n");
    assert!(format!("{:?}", diags[0]).contains("use spaces"), "{diags:?}");
}

/// Values as PyYAML 6 reads them (`yaml.safe_load`), written here by hand.
#[test]
fn quoted_scalars_whose_lines_are_not_indented_read_as_pyyaml_reads_them() {
    let text = "comments: '[Data Sheet] \n\n### Product Code : C9300-24T\n\n\n### Dimensions\n\n<https://x.example/> '\nu_height: 1\n";
    let (root, diags) = parse_ok(text);
    let root = root.unwrap();
    let (k, v) = &root.as_map().unwrap()[0];
    assert_eq!(k.key_text(), "comments");
    let Value::Scalar(s) = &v.value else { panic!("not a scalar: {v:?}") };
    assert_eq!(s.text, "[Data Sheet]\n### Product Code : C9300-24T\n\n### Dimensions\n<https://x.example/> ");
    // The scalar's span ends where it ends in the file, not in the indented copy.
    assert_eq!((v.span.start.line, v.span.start.col, v.span.end.line, v.span.end.col), (1, 11, 8, 23));
    assert_eq!(root.as_map().unwrap()[1].1.span.start.line, 9);
    assert_eq!(codes(text), vec![("W0009", 3, 1)]);
    assert_eq!(diags[0].related[0].span.start, Pos { line: 1, col: 11 });

    let nested = "a:\n  b: \"x\n y \\\"q\\\"\nz\"\n  c: 1\n";
    let (root, _) = parse_ok(nested);
    let root = root.unwrap();
    let a = &root.as_map().unwrap()[0].1;
    let Value::Scalar(s) = &a.as_map().unwrap()[0].1.value else { panic!("not a scalar") };
    assert_eq!(s.text, "x y \"q\" z");
    assert_eq!(codes(nested), vec![("W0009", 3, 1)]);

    // Still refused: a document marker ends the document for PyYAML too, and so does an
    // unterminated scalar.
    assert_eq!(codes("a: 'x\n---\ny'\n"), vec![("E0001", 1, 4)]);
    assert_eq!(codes("a: 'x\ny\n"), vec![("E0001", 1, 4)]);
}

#[test]
fn the_run_alias_budget_grows_with_the_input() {
    // Small runs keep the fixed budget; large ones get one node per 8 bytes read.
    assert_eq!(Limits::for_input(0).run.limit(), MAX_RUN_ALIAS_NODES);
    assert_eq!(Limits::for_input(32_000_000).run.limit(), MAX_RUN_ALIAS_NODES);
    assert_eq!(Limits::for_input(135_000_000).run.limit(), 16_875_000);
    // The per-file budget does not move: one bomb is refused whatever the run's size.
    let limits = Limits::for_input(1 << 30);
    assert_eq!(limits.max_alias_nodes, MAX_ALIAS_NODES);
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    let mut diags = Vec::new();
    assert!(parse(FileId(0), bomb, &limits, &mut diags).is_none());
    assert_eq!(diags[0].code.as_str(), "E0003");
}
