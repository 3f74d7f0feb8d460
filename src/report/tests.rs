use super::github::{escape_data, escape_property};
use super::*;
use crate::diagnostic::{Code, Diagnostic, Pos, Span};
use crate::source::{FileKind, SourceSet};

#[test]
fn github_commands_escape_what_would_break_them() {
    assert_eq!(escape_data("50% of\r\nlinks"), "50%25 of%0D%0Alinks");
    assert_eq!(escape_property("inventory/a,b:c.yaml"), "inventory/a%2Cb%3Ac.yaml");
}

#[test]
fn columns_count_characters_not_bytes() {
    let text = "name: Café\nsite: lön\n";
    let ix = LineIndex::new(text);
    // `l` of `lön` is column 7 of line 2; `n` after the two-byte `ö` is column 9.
    assert_eq!(&text[ix.offset(text, Pos { line: 2, col: 7 })..][..1], "l");
    assert_eq!(&text[ix.offset(text, Pos { line: 2, col: 9 })..][..1], "n");
    // Past the end of a line clamps to its end, never panics.
    assert_eq!(ix.offset(text, Pos { line: 1, col: 99 }), 10 + 1);
    assert_eq!(ix.offset(text, Pos { line: 99, col: 1 }), text.len());
}

fn one_diag() -> (SourceSet, Vec<Diagnostic>) {
    let mut s = SourceSet::default();
    let f = s.add("inventory/a.yaml", FileKind::Inventory, "sites:\n  - {name: L, region: uk}\n");
    let span = Span { file: f, start: Pos { line: 2, col: 22 }, end: Pos { line: 2, col: 24 } };
    let d = Diagnostic::new(Code::UnknownReference, span, "no region `uk` exists")
        .label("unknown region")
        .help("did you mean `gb`?");
    (s, vec![d])
}

#[test]
fn json_has_the_documented_shape() {
    let (s, d) = one_diag();
    let mut out = Vec::new();
    render(Format::Json, &d, &s, Summary { files: 1, objects: 1, ..Default::default() }, false, &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let d0 = &v["diagnostics"][0];
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(d0["code"], "E0202");
    assert_eq!(d0["severity"], "error");
    assert_eq!((d0["line"].as_u64(), d0["column"].as_u64()), (Some(2), Some(22)));
    assert_eq!(d0["end"]["column"], 24);
    assert_eq!(d0["help"], "did you mean `gb`?");
}

#[test]
fn sarif_is_2_1_0_with_rules_and_regions() {
    let (s, d) = one_diag();
    let mut out = Vec::new();
    render(Format::Sarif, &d, &s, Summary::default(), false, &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let r = &run["results"][0];
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], r["ruleId"]);
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startColumn"], 22);
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "inventory/a.yaml");
}

#[test]
fn human_output_shows_the_line_and_caret() {
    let (s, d) = one_diag();
    let mut out = Vec::new();
    render(Format::Human, &d, &s, Summary { files: 1, objects: 1, ..Default::default() }, false, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("error[E0202]: no region `uk` exists"), "{text}");
    assert!(text.contains("--> inventory/a.yaml:2:22"), "{text}");
    assert!(text.contains("^^ unknown region"), "{text}");
    assert!(text.ends_with("checked 1 file, 1 object: 1 error, 0 warnings\n"), "{text}");
}

#[test]
fn gitlab_code_quality_issues_have_stable_distinct_fingerprints() {
    let (s, mut d) = one_diag();
    // The same finding twice (same code, file and message), and once more on another line.
    let mut twin = d[0].clone();
    twin.primary.span.start.line = 1;
    twin.primary.span.end.line = 1;
    d.push(twin);
    let mut out = Vec::new();
    render(Format::Gitlab, &d, &s, Summary::default(), false, &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), 2);
    let i = &issues[0];
    assert_eq!(i["check_name"], "E0202 unknown-reference");
    assert_eq!(i["severity"], "major");
    assert_eq!(i["location"]["path"], "inventory/a.yaml");
    assert_eq!(i["location"]["lines"]["begin"], 2);
    assert!(i["description"].as_str().unwrap().contains("did you mean `gb`?"));
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"], "GitLab would show one of them");

    // A finding keeps its fingerprint when lines above it move it down.
    let (s2, mut moved) = one_diag();
    moved[0].primary.span.start.line = 40;
    let mut out2 = Vec::new();
    render(Format::Gitlab, &moved, &s2, Summary::default(), false, &mut out2).unwrap();
    let v2: serde_json::Value = serde_json::from_slice(&out2).unwrap();
    assert_eq!(v2[0]["fingerprint"], issues[0]["fingerprint"]);
}
