//! Fault injection for `sot build`'s output: the output directory is replaced
//! atomically (src/emit/write.rs), so a build killed at any moment (SIGKILL,
//! SIGINT), or two builds racing into one directory, leave it holding exactly
//! one complete build: the previous one or the new one, never a mix, never
//! nothing. Stale staging directories of killed builds do not break, and are
//! cleaned by, the next build.

mod common;
use common::entries;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SOT: &str = env!("CARGO_BIN_EXE_sot");
/// Enough devices that a debug build takes a noticeable time (a few hundred ms).
const DEVICES: usize = 200;

type Tree = BTreeMap<String, Vec<u8>>;

/// An inventory of [`DEVICES`] devices whose every config carries `generation`.
fn write_repo(root: &Path, generation: u32) {
    let mut inv = String::from(
        "sites: [{name: S1}]\nmanufacturers: [{name: Acme}]\ndevice_roles: [{name: Leaf}]\n\
         platforms: [{name: EOS, config_template: eos}]\n\
         device_types:\n  - {manufacturer: Acme, model: T1, slug: t1, u_height: 1, is_full_depth: false, interfaces: [",
    );
    for i in 0..8 {
        inv.push_str(&format!("{}{{name: eth{i}, type: 10gbase-x-sfpp}}", if i > 0 { ", " } else { "" }));
    }
    inv.push_str("]}\nconfig_contexts:\n");
    inv.push_str(&format!(
        "  - {{name: base, data: {{banner: \"generation {generation}\", ntp: [10.0.0.1, 10.0.0.2], syslog: 10.0.0.9}}}}\n"
    ));
    inv.push_str("devices:\n");
    for d in 0..DEVICES {
        inv.push_str(&format!(
            "  - {{name: dev{d:04}, site: s1, role: leaf, device_type: t1, platform: eos, serial: SN{d:06}}}\n"
        ));
    }
    let template = "! {{ banner }}\nhostname {{ device.name }}\n{% for s in ntp %}ntp server {{ s }}\n{% endfor %}\
        logging host {{ syslog }}\n{% for i in device.interfaces %}interface {{ i.name }}\n \
        description {{ device.name }} {{ i.name }} {{ banner }} serial {{ device.serial }}\n!\n{% endfor %}end\n";
    std::fs::create_dir_all(root.join("inventory")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("sot.yaml"), "# fault-injection inventory\n").unwrap();
    std::fs::write(root.join("inventory/fleet.yaml"), inv).unwrap();
    std::fs::write(root.join("templates/eos.j2"), template).unwrap();
}

fn snapshot(dir: &Path) -> Option<Tree> {
    fn walk(base: &Path, dir: &Path, out: &mut Tree) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                walk(base, &entry.path(), out)?;
            } else {
                let rel = entry.path().strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(entry.path())?);
            }
        }
        Ok(())
    }
    let mut out = Tree::new();
    walk(dir, dir, &mut out).ok()?;
    Some(out)
}

fn restore(dir: &Path, tree: &Tree) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    for (rel, bytes) in tree {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn spawn_build(repo: &Path, out: &Path) -> Child {
    Command::new(SOT)
        .arg("build")
        .arg(repo)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sot build")
}

/// A complete build: the manifest lists every config on disk, with its digest.
fn assert_complete(tree: &Tree, devices: usize) {
    let m: serde_json::Value = serde_json::from_slice(&tree["manifest.json"]).expect("manifest.json is JSON");
    let arts = m["artifacts"].as_array().expect("artifacts");
    assert_eq!(arts.len(), devices, "one artifact per device");
    for a in arts {
        let path = a["path"].as_str().unwrap();
        let bytes = tree.get(path).unwrap_or_else(|| panic!("{path} is listed but missing"));
        assert_eq!(a["sha256"].as_str().unwrap(), sot::emit::sha256_hex(bytes), "{path}");
    }
    assert!(tree.contains_key(sot::emit::write::MARKER), "the output is marked as a build's");
    assert_eq!(tree.len(), devices + 2, "nothing but the configs, the manifest and the marker");
}

struct Setup {
    _tmp: tempfile::TempDir,
    repo_a: PathBuf,
    repo_b: PathBuf,
    work: PathBuf,
    out: PathBuf,
    old: Tree,
    new: Tree,
    build_time: Duration,
}

/// Two repositories (generations 1 and 2: every config differs), the output of
/// each, and `work/out` holding generation 1's.
fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let repo_a = tmp.path().join("repo-a");
    let repo_b = tmp.path().join("repo-b");
    write_repo(&repo_a, 1);
    write_repo(&repo_b, 2);
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let out = work.join("out");
    let build = |repo: &Path, out: &Path| {
        let t = Instant::now();
        let o = Command::new(SOT).arg("build").arg(repo).arg("--out").arg(out).output().unwrap();
        assert!(o.status.success(), "build: {}", String::from_utf8_lossy(&o.stderr));
        t.elapsed()
    };
    build(&repo_a, &out);
    let old = snapshot(&out).unwrap();
    let ref_b = tmp.path().join("ref-b");
    let build_time = build(&repo_b, &ref_b);
    let new = snapshot(&ref_b).unwrap();
    assert_complete(&old, DEVICES);
    assert_complete(&new, DEVICES);
    for (path, bytes) in old.iter().filter(|(p, _)| *p != sot::emit::write::MARKER) {
        assert_ne!(Some(bytes), new.get(path), "{path} is the same in both generations");
    }
    Setup { _tmp: tmp, repo_a, repo_b, work, out, old, new, build_time }
}

/// Delays spread over the whole build (`total`: how long one took), denser from
/// 60% to 140% of it, around the end, where the output is written.
fn delays(total: Duration, n: u32) -> Vec<Duration> {
    let (early, late) = (n / 2, n - n / 2);
    let mut v: Vec<Duration> = (0..early).map(|i| total * i / early).collect();
    v.extend((0..late).map(|i| total * 3 / 5 + total * 4 * i / (5 * late)));
    v
}

/// Which generation `out` holds; panics if it holds anything else.
fn which(s: &Setup, what: &str) -> &'static str {
    match snapshot(&s.out) {
        Some(t) if t == s.old => "old",
        Some(t) if t == s.new => "new",
        Some(t) => panic!("{what}: the output is neither build ({} files; leftovers {:?})", t.len(), entries(&s.work)),
        None => panic!("{what}: the output directory is gone (leftovers {:?})", entries(&s.work)),
    }
}

/// Stale `.out.staging-*` / `.out.old-*` directories beside the output.
fn leftovers(s: &Setup) -> Vec<String> {
    entries(&s.work).into_iter().filter(|n| n != "out").collect()
}

fn interrupt(s: &Setup, signal: &str, n: u32) -> BTreeMap<&'static str, usize> {
    let mut seen = BTreeMap::new();
    for (i, d) in delays(s.build_time, n).into_iter().enumerate() {
        restore(&s.out, &s.old);
        let mut child = spawn_build(&s.repo_b, &s.out);
        std::thread::sleep(d);
        if signal == "KILL" {
            let _ = child.kill();
        } else {
            let _ = Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status();
        }
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_ne!(status.code(), Some(101), "{stderr}");
        *seen.entry(which(s, &format!("SIG{signal} #{i} after {d:?}"))).or_insert(0) += 1;
    }
    seen
}

#[test]
fn killed_builds_leave_old_or_new_output_and_the_next_build_cleans_up() {
    let s = setup();
    let kills = interrupt(&s, "KILL", 14);
    let ints = interrupt(&s, "INT", 6);
    eprintln!("build {:?}; SIGKILL: {kills:?}; SIGINT: {ints:?}; leftovers {:?}", s.build_time, leftovers(&s));
    assert!(kills.contains_key("old"), "no kill landed before the output was replaced: {kills:?}");

    // A stale staging directory of a process that is gone (marked, as every staging
    // directory is from its creation), with junk in it, plus whatever the kills left: the
    // next build neither trips over them nor keeps them.
    let mut dead = Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    dead.wait().unwrap();
    let stale = s.work.join(format!(".out.staging-{dead_pid}"));
    std::fs::create_dir_all(stale.join("configs")).unwrap();
    std::fs::write(stale.join("configs/junk.cfg"), "half a config").unwrap();
    std::fs::write(stale.join(sot::emit::write::MARKER), "").unwrap();
    restore(&s.out, &s.old);
    let o = Command::new(SOT).arg("build").arg(&s.repo_b).arg("--out").arg(&s.out).output().unwrap();
    assert!(o.status.success(), "the build after kills failed: {}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(which(&s, "after kills"), "new");
    assert_eq!(leftovers(&s), Vec::<String>::new(), "stale staging directories were not cleaned");
}

#[test]
fn concurrent_builds_into_one_directory_leave_one_complete_build() {
    let s = setup();
    for round in 0..4u32 {
        restore(&s.out, &s.old);
        // Two different inventories race; the loser may fail, but only cleanly.
        let (first, second) = if round % 2 == 0 { (&s.repo_a, &s.repo_b) } else { (&s.repo_b, &s.repo_a) };
        let a = spawn_build(first, &s.out);
        std::thread::sleep(s.build_time * round / 8);
        let b = spawn_build(second, &s.out);
        let mut ok = 0;
        for child in [a, b] {
            let o = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(!stderr.contains("panicked") && o.status.code() != Some(101), "round {round}: {stderr}");
            assert!(matches!(o.status.code(), Some(0) | Some(2)), "round {round}: {:?} {stderr}", o.status);
            ok += usize::from(o.status.success());
        }
        assert!(ok >= 1, "round {round}: neither build succeeded");
        which(&s, &format!("concurrent round {round}"));
    }
    // Whatever the races left beside the output, the next build cleans it.
    let o = Command::new(SOT).arg("build").arg(&s.repo_b).arg("--out").arg(&s.out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(which(&s, "after the races"), "new");
    assert_eq!(leftovers(&s), Vec::<String>::new());
}

/// The moment of truth, made deterministic: under `strace`, every rename syscall
/// of the build is held for seconds after it happens, and the build is killed
/// during the first one, when the new output is being moved in. With two plain
/// renames (`out` → `.out.old-PID`, staging → `out`) this moment has no `out` at
/// all. Skipped where `strace` cannot run (not installed, ptrace not allowed).
#[test]
fn a_kill_while_the_output_is_swapped_in_leaves_one_complete_build() {
    let probe = Command::new("strace").args(["-qq", "-o", "/dev/null", "true"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: strace cannot run here");
        return;
    }
    let s = setup();
    let log = s.work.join("../strace.log");
    let mut tracer = Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(&log)
        .args(["-e", "trace=rename,renameat,renameat2", "-e", "inject=rename,renameat,renameat2:delay_exit=5000000"])
        .arg(SOT)
        .arg("build")
        .arg(&s.repo_b)
        .arg("--out")
        .arg(&s.out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let held = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains("DELAYED")) {
            break line.to_string();
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the build never renamed anything:\n{text}");
        std::thread::sleep(Duration::from_millis(5));
    };
    let pid = held.split_whitespace().next().unwrap().trim_start_matches("[pid").trim();
    let _ = Command::new("kill").args(["-KILL", pid]).status();
    let _ = tracer.wait();
    let state = which(&s, &format!("killed during `{held}`"));
    eprintln!("killed during `{held}`: the output holds the {state} build");
}
