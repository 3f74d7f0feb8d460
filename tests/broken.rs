//! Hostile and broken inventories, through the built binary.
//!
//! Each directory of `tests/fixtures/broken/` is a small, complete repository
//! with exactly one defect, and an `expect` file:
//!
//! ```text
//! # what is wrong (a comment)
//! error E0202 inventory/devices.yaml:2:22     the diagnostic that must be reported
//! clean                                       no defect: check passes, build writes
//! check clean                                 check passes ...
//! build-fails                                 ... but build must fail (and write nothing)
//! symlink inventory/evil.yaml -> @outside/evil.yaml   made at run time (@outside: a
//!                                             directory beside the repository)
//! pad inventory/a.yaml 200000                 `@PAD@` in the file becomes 200000 `x`s
//! fifo inventory/pipe.yaml                    a named pipe, made at run time (reading it would hang)
//! ```
//!
//! For a broken fixture, `sot check --format json` exits 1 with the expected code
//! at that file:line:column and no other error code (warnings are allowed);
//! `sot build --out DIR` exits non-zero and writes nothing (no DIR, no staging
//! directory beside it); and a failing build leaves the output of an earlier
//! good build byte-identical. No run may panic.

mod common;
use common::{copy_dir, entries};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SOT: &str = env!("CARGO_BIN_EXE_sot");

#[derive(Debug, Default)]
struct Expect {
    /// (code, file, line, column)
    errors: Vec<(String, String, u32, u32)>,
    clean: bool,
    check_clean: bool,
    build_fails: bool,
    symlinks: Vec<(String, String)>,
    pads: Vec<(String, usize)>,
    fifos: Vec<String>,
}

fn parse_expect(text: &str) -> Expect {
    let mut e = Expect::default();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["error", code, at] => {
                let mut parts = at.rsplitn(3, ':');
                let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("column in {line}"));
                let ln = parts.next().and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("line in {line}"));
                let file = parts.next().unwrap_or_else(|| panic!("file in {line}"));
                e.errors.push((code.to_string(), file.to_string(), ln, col));
            }
            ["clean"] => e.clean = true,
            ["check", "clean"] => e.check_clean = true,
            ["build-fails"] => e.build_fails = true,
            ["symlink", from, "->", to] => e.symlinks.push((from.to_string(), to.to_string())),
            ["pad", file, n] => e.pads.push((file.to_string(), n.parse().expect("pad count"))),
            ["fifo", file] => e.fifos.push(file.to_string()),
            _ => panic!("unknown expect line: {line}"),
        }
    }
    e
}

/// Every file below `dir` (relative path → bytes), and every directory (→ None).
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if entry.file_type().unwrap().is_dir() {
                out.insert(rel, None);
                walk(base, &entry.path(), out);
            } else {
                out.insert(rel, Some(std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Run `sot` with `args`; a run that takes a minute is a hang (and is killed).
fn run(args: &[&std::ffi::OsStr]) -> Output {
    let child = Command::new(SOT)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOT_BROKEN_FIXTURE_UNSET")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run sot");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(out) => out.expect("run sot"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("`sot {args:?}` hung for a minute")
        }
    }
}

/// Problems with a run that no input may cause: a panic or a crash.
fn crashed(what: &str, out: &Output) -> Option<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code().is_none() || out.status.code() == Some(101) || stderr.contains("panicked") {
        return Some(format!("{what}: crashed ({:?}):\n{stderr}", out.status));
    }
    None
}

/// A fixture laid out in a fresh temporary directory: `<tmp>/repo`, `<tmp>/outside`.
struct Laid {
    tmp: tempfile::TempDir,
    expect: Expect,
}

impl Laid {
    fn repo(&self) -> PathBuf {
        self.tmp.path().join("repo")
    }
}

fn lay_out(fixture: &Path) -> Laid {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(fixture, &repo);
    let expect = parse_expect(&std::fs::read_to_string(repo.join("expect")).unwrap());
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("evil.yaml"), "regions: [{name: Evil}]\n").unwrap();
    for (file, n) in &expect.pads {
        let p = repo.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("@PAD@"), "{}: no @PAD@ in {file}", fixture.display());
        std::fs::write(&p, text.replace("@PAD@", &"x".repeat(*n))).unwrap();
    }
    for (from, to) in &expect.symlinks {
        let target = match to.strip_prefix("@outside") {
            Some(rest) => PathBuf::from(format!("{}{rest}", outside.display())),
            None => PathBuf::from(to),
        };
        let link = repo.join(from);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, &link).unwrap();
    }
    for fifo in &expect.fifos {
        let ok = Command::new("mkfifo").arg(repo.join(fifo)).status().is_ok_and(|s| s.success());
        assert!(ok, "mkfifo {fifo}");
    }
    Laid { tmp, expect }
}

fn fixtures() -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(&base).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    v.sort();
    v
}

/// (severity, code, file, line, column) of one reported diagnostic.
type Reported = (String, String, String, u32, u32);

/// Every diagnostic of a `--format json` report.
fn diagnostics(json: &[u8]) -> Result<Vec<Reported>, String> {
    let v: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| format!("not JSON ({e}): {}", String::from_utf8_lossy(json)))?;
    let list = v["diagnostics"].as_array().ok_or("no `diagnostics` array")?;
    Ok(list
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap_or_default().to_string(),
                d["code"].as_str().unwrap_or_default().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default() as u32,
                d["column"].as_u64().unwrap_or_default() as u32,
            )
        })
        .collect())
}

/// Check and build one fixture; `previous` is the snapshot of a good build's output.
/// Returns what went wrong.
fn run_fixture(fixture: &Path, previous: &BTreeMap<String, Option<Vec<u8>>>, good_out: &Path) -> Vec<String> {
    let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
    let laid = lay_out(fixture);
    let e = &laid.expect;
    let repo = laid.repo();
    let mut problems = Vec::new();
    let mut fail = |s: String| problems.push(format!("{name}: {s}"));

    // sot check --format json
    let out = run(&["check".as_ref(), repo.as_os_str(), "--format".as_ref(), "json".as_ref()]);
    if let Some(c) = crashed("check", &out) {
        fail(c);
    }
    let passes = e.clean || e.check_clean;
    let want = if passes { 0 } else { 1 };
    if out.status.code() != Some(want) {
        fail(format!(
            "check exited {:?}, expected {want}\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    match diagnostics(&out.stdout) {
        Err(err) => fail(format!("check: {err}")),
        Ok(diags) => {
            for (code, file, line, col) in &e.errors {
                let hit = diags.iter().any(|(_, c, f, l, k)| c == code && f == file && l == line && k == col);
                if !hit {
                    fail(format!("expected {code} at {file}:{line}:{col}; got {diags:?}"));
                }
            }
            let extra: Vec<_> =
                diags.iter().filter(|(s, c, ..)| s == "error" && !e.errors.iter().any(|x| &x.0 == c)).collect();
            if !extra.is_empty() {
                fail(format!("errors other than the one intended defect: {extra:?}"));
            }
        }
    }

    // sot build --out <tmp>/out/build, with no previous output
    let parent = laid.tmp.path().join("out");
    std::fs::create_dir_all(&parent).unwrap();
    let out_dir = parent.join("build");
    let out = run(&["build".as_ref(), repo.as_os_str(), "--out".as_ref(), out_dir.as_os_str()]);
    if let Some(c) = crashed("build", &out) {
        fail(c);
    }
    if e.clean {
        if out.status.code() != Some(0) {
            fail(format!(
                "build of a clean fixture exited {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if let Err(err) = manifest_matches(&out_dir) {
            fail(format!("build output: {err}"));
        }
        if entries(&parent) != ["build"] {
            fail(format!("leftovers beside the output: {:?}", entries(&parent)));
        }
    } else {
        if out.status.success() {
            fail("build succeeded".into());
        }
        if !entries(&parent).is_empty() {
            fail(format!("a failed build wrote {:?}", entries(&parent)));
        }
        // Again, over the output of an earlier good build: it must stay byte-identical.
        let prev_parent = laid.tmp.path().join("prev");
        copy_dir(good_out, &prev_parent.join("build"));
        let prev = prev_parent.join("build");
        let out = run(&["build".as_ref(), repo.as_os_str(), "--out".as_ref(), prev.as_os_str()]);
        if let Some(c) = crashed("build over a previous output", &out) {
            fail(c);
        }
        if out.status.success() {
            fail("build over a previous output succeeded".into());
        }
        if &snapshot(&prev) != previous {
            fail("a failed build changed the previous output".into());
        }
        if entries(&prev_parent) != ["build"] {
            fail(format!("leftovers beside the previous output: {:?}", entries(&prev_parent)));
        }
    }
    if !e.clean && !e.build_fails && e.errors.is_empty() {
        fail("the expect file names no error, `clean` or `build-fails`".into());
    }
    problems
}

/// The manifest of a build lists every config it wrote, with matching digests and sizes.
fn manifest_matches(out: &Path) -> Result<(), String> {
    let text = std::fs::read(out.join("manifest.json")).map_err(|e| format!("manifest.json: {e}"))?;
    let m: serde_json::Value = serde_json::from_slice(&text).map_err(|e| format!("manifest.json: {e}"))?;
    let listed: Vec<String> = m["artifacts"]
        .as_array()
        .ok_or("no artifacts")?
        .iter()
        .map(|a| a["path"].as_str().unwrap_or_default().to_string())
        .collect();
    for a in m["artifacts"].as_array().unwrap() {
        let path = a["path"].as_str().unwrap_or_default();
        let bytes = std::fs::read(out.join(path)).map_err(|e| format!("{path}: {e}"))?;
        if a["sha256"].as_str() != Some(sot::emit::sha256_hex(&bytes).as_str()) {
            return Err(format!("{path}: digest differs from the manifest"));
        }
        if a["bytes"].as_u64() != Some(bytes.len() as u64) {
            return Err(format!("{path}: size differs from the manifest"));
        }
    }
    let mut on_disk: Vec<String> = snapshot(out)
        .into_iter()
        .filter(|(p, b)| b.is_some() && p != "manifest.json" && p != sot::emit::write::MARKER)
        .map(|(p, _)| p)
        .collect();
    on_disk.sort();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    if on_disk != listed_sorted {
        return Err(format!("files {on_disk:?} but the manifest lists {listed_sorted:?}"));
    }
    Ok(())
}

#[test]
fn broken_inventories_are_reported_and_never_written() {
    let all = fixtures();
    assert!(all.len() >= 50, "only {} broken fixtures", all.len());
    // A good build whose output every failing build must leave alone.
    let good = lay_out(&all.iter().find(|p| p.ends_with("good-empty-and-comments")).expect("the good fixture").clone());
    let good_out = good.tmp.path().join("golden").join("build");
    let out = run(&["build".as_ref(), good.repo().as_os_str(), "--out".as_ref(), good_out.as_os_str()]);
    assert!(out.status.success(), "the good build failed: {}", String::from_utf8_lossy(&out.stderr));
    let previous = snapshot(&good_out);
    assert!(previous.contains_key("manifest.json") && previous.len() > 2, "{:?}", previous.keys());

    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(f) = all.get(i) else { break };
                        mine.extend(run_fixture(f, &previous, &good_out));
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker")).collect()
    });
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n\n"));
}

#[test]
fn the_fixtures_are_tiny_and_the_codes_diverse() {
    let mut codes = std::collections::BTreeSet::new();
    let (mut clean, mut broken) = (0, 0);
    for f in fixtures() {
        let e = parse_expect(&std::fs::read_to_string(f.join("expect")).unwrap());
        if e.clean {
            clean += 1;
        } else {
            broken += 1;
        }
        codes.extend(e.errors.iter().map(|x| x.0.clone()));
        let size: u64 = snapshot(&f).values().flatten().map(|b| b.len() as u64).sum();
        assert!(size < 4096, "{}: {size} bytes; keep fixtures tiny (generate big ones with `pad`)", f.display());
    }
    assert!(broken >= 50, "{broken} broken fixtures");
    assert!(clean >= 3, "{clean} clean fixtures");
    assert!(codes.len() >= 40, "only {} distinct codes: {codes:?}", codes.len());
}

/// The fuzz targets' code (fuzz/src/lib.rs), shared so that their crashes replay here.
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz;

/// Every input the fuzzers found a crash or hang with (`fuzz/regressions/<target>/`),
/// replayed through the targets' own code; and 25 inputs of each corpus, evenly
/// spread (all of them take far longer in a debug build).
#[test]
fn fuzz_regressions_and_seeds_replay_cleanly() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 3] =
        [("yaml", fuzz::fuzz_yaml), ("inventory", fuzz::fuzz_inventory), ("rules", fuzz::fuzz_rules)];
    for (name, run) in targets {
        let mut replayed = 0;
        for (dir, sample) in [(base.join("regressions").join(name), false), (base.join("corpus").join(name), true)] {
            // A target may have no regressions yet; every target has a corpus (checked below).
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
            files.sort();
            let step = if sample { (files.len() / 25).max(1) } else { 1 };
            for f in files.iter().step_by(step) {
                let data = std::fs::read(f).unwrap();
                let r = std::panic::catch_unwind(|| run(&data));
                assert!(r.is_ok(), "{name}: {} panics", f.display());
                replayed += 1;
            }
        }
        assert!(replayed >= 25, "{name}: only {replayed} fuzz inputs found under {}", base.display());
    }
}
