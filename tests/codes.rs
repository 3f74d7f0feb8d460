//! One invalid and one valid fixture per diagnostic code, each with the exact
//! locations it must report (tests/fixtures/codes/<CODE>.{invalid,valid}.txt).

mod common;

use sot::diagnostic::Code;

#[test]
fn every_fixture_reports_exactly_what_it_expects() {
    let mut failures = Vec::new();
    for path in common::fixtures("tests/fixtures/codes") {
        let fx = common::materialise(&path);
        let got = common::check(fx.root());
        if got != fx.expect {
            failures.push(format!("{}\n  expected: {:?}\n  got:      {:?}", path.display(), fx.expect, got));
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_code_has_an_invalid_and_a_valid_fixture() {
    let names: Vec<String> = common::fixtures("tests/fixtures/codes")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for code in Code::ALL {
        let c = code.as_str();
        for kind in ["invalid", "valid"] {
            assert!(names.contains(&format!("{c}.{kind}.txt")), "no {kind} fixture for {c}");
        }
    }
}

#[test]
fn invalid_fixtures_name_their_own_code() {
    for path in common::fixtures("tests/fixtures/codes") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(code) = name.strip_suffix(".invalid.txt") else { continue };
        let fx = common::materialise(&path);
        assert!(fx.expect.iter().any(|e| e.starts_with(code)), "{name} does not expect {code}");
    }
}
