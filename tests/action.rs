//! The GitHub Action's scripts (`scripts/action-plan.sh`, `scripts/action-install.sh`, run by
//! `action.yml`) against a fake release served on 127.0.0.1: an archive laid out as the
//! release workflow (dist) lays it out, holding a stand-in `sot`, with its SHA-256 file.
//! Needs bash, curl, tar and xz (as GitHub's runners have); skipped where one is missing.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TARGET: &str = "x86_64-unknown-linux-musl";

fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success())
}

fn tools_present() -> bool {
    let missing: Vec<_> = ["bash", "curl", "tar", "xz", "sha256sum"].into_iter().filter(|t| !have(t)).collect();
    if !missing.is_empty() {
        eprintln!("skipped: {missing:?} not installed");
    }
    missing.is_empty()
}

/// Serve the files under `root` over HTTP on 127.0.0.1 (GET only; 404 for anything else).
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
            let file = root.join(&path);
            let mut s = &stream;
            match (path.contains(".."), std::fs::read(&file)) {
                (false, Ok(body)) => {
                    let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                    let _ = s.write_all(&body);
                }
                _ => {
                    let _ = write!(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                }
            }
        }
    });
    format!("http://{addr}")
}

struct Release {
    _tmp: tempfile::TempDir,
    url: String,
    /// Where the action's files are, as a runner lays out `uses: sot-project/sot@v0`.
    action_path: PathBuf,
    served: PathBuf,
    tool_cache: PathBuf,
}

/// A fake release v0.1.0 of sot-project/sot.
fn release() -> Release {
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("www");
    let dl = served.join("sot-project/sot/releases/download/v0.1.0");
    let stage = tmp.path().join(format!("stage/sot-{TARGET}"));
    std::fs::create_dir_all(stage.join("man")).unwrap();
    std::fs::create_dir_all(&dl).unwrap();
    // A stand-in for the binary (this build's, with its debug information, would take
    // minutes to compress): it answers --version as sot does.
    let fake = format!("#!/bin/sh\necho 'sot {} (0123456789ab)'\n", env!("CARGO_PKG_VERSION"));
    std::fs::write(stage.join("sot"), fake).unwrap();
    std::fs::set_permissions(stage.join("sot"), std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    std::fs::write(stage.join("man/sot.1"), ".TH sot 1\n").unwrap();
    std::fs::write(stage.join("README.md"), "sot\n").unwrap();
    let archive = format!("sot-{TARGET}.tar.xz");
    let tar = Command::new("tar")
        .args(["-cJf", dl.join(&archive).to_str().unwrap(), "-C", tmp.path().join("stage").to_str().unwrap()])
        .arg(format!("sot-{TARGET}"))
        .output()
        .unwrap();
    assert!(tar.status.success(), "{}", String::from_utf8_lossy(&tar.stderr));
    let sum = Command::new("sha256sum").arg(&archive).current_dir(&dl).output().unwrap();
    std::fs::write(dl.join(format!("{archive}.sha256")), &sum.stdout).unwrap();

    // The runner checks the action out at <runner>/_actions/<owner>/<name>/<ref>.
    let action_path = tmp.path().join("runner/_actions/sot-project/sot/v0");
    std::fs::create_dir_all(&action_path).unwrap();
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"), action_path.join("Cargo.toml")).unwrap();
    let tool_cache = tmp.path().join("toolcache");
    Release { url: serve(served.clone()), _tmp: tmp, action_path, served, tool_cache }
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join(name)
}

/// Run `action-plan.sh`; its outputs as pairs.
fn plan(r: &Release, version: &str, os: &str, arch: &str) -> (Output, Vec<(String, String)>) {
    let out_file = r.tool_cache.parent().unwrap().join("github-output");
    let _ = std::fs::remove_file(&out_file);
    let out = Command::new("bash")
        .arg(script("action-plan.sh"))
        .env("INPUT_VERSION", version)
        .env("INPUT_REPOSITORY", "")
        .env("RUNNER_OS_NAME", os)
        .env("RUNNER_ARCH_NAME", arch)
        .env("TOOL_CACHE", &r.tool_cache)
        .env("GITHUB_ACTION_PATH", &r.action_path)
        .env("GITHUB_OUTPUT", &out_file)
        .output()
        .unwrap();
    let vars = std::fs::read_to_string(&out_file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    (out, vars)
}

fn get<'v>(vars: &'v [(String, String)], key: &str) -> &'v str {
    vars.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no output {key}"))
}

fn install(r: &Release, vars: &[(String, String)]) -> Output {
    Command::new("bash")
        .arg(script("action-install.sh"))
        .env("SOT_RELEASES_URL", &r.url)
        .env("GH_TOKEN", "not-sent-to-other-hosts")
        .env("SOT_REPOSITORY", get(vars, "repository"))
        .env("SOT_VERSION", get(vars, "version"))
        .env("SOT_TARGET", get(vars, "target"))
        .env("SOT_ARCHIVE", get(vars, "archive"))
        .env("SOT_DIR", get(vars, "dir"))
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_action_installs_the_release_its_ref_names_for_the_runner_platform() {
    if !tools_present() {
        return;
    }
    let r = release();
    let (out, vars) = plan(&r, "", "Linux", "X64");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The repository from where the runner put the action, the version from its Cargo.toml.
    assert_eq!(get(&vars, "repository"), "sot-project/sot");
    assert_eq!(get(&vars, "version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(get(&vars, "target"), TARGET);
    let dir = PathBuf::from(get(&vars, "dir"));
    assert!(dir.starts_with(&r.tool_cache), "installs under the tool cache, which actions/cache keeps");

    let out = install(&r, &vars);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let version = Command::new(dir.join("sot")).arg("--version").output().unwrap();
    assert!(text(&version.stdout).starts_with(&format!("sot {} (", env!("CARGO_PKG_VERSION"))));
    assert!(dir.join("man/sot.1").is_file(), "man pages come along");
}

#[test]
fn every_runner_platform_maps_to_a_release_target_and_others_are_refused() {
    if !tools_present() {
        return;
    }
    let r = release();
    for (os, arch, target, archive) in [
        ("Linux", "ARM64", "aarch64-unknown-linux-musl", "tar.xz"),
        ("macOS", "ARM64", "aarch64-apple-darwin", "tar.xz"),
        ("macOS", "X64", "x86_64-apple-darwin", "tar.xz"),
        ("Windows", "X64", "x86_64-pc-windows-msvc", "zip"),
    ] {
        let (out, vars) = plan(&r, "v0.1.0", os, arch);
        assert!(out.status.success(), "{os}/{arch}: {}", text(&out.stderr));
        assert_eq!(get(&vars, "target"), target);
        assert_eq!(get(&vars, "archive"), format!("sot-{target}.{archive}"));
        assert_eq!(get(&vars, "version"), "0.1.0", "a leading v is dropped");
    }
    let (out, _) = plan(&r, "", "Windows", "ARM64");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no sot release for Windows on ARM64"), "{}", text(&out.stderr));
    let (out, _) = plan(&r, "latest; rm -rf /", "Linux", "X64");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("is not a sot version"), "{}", text(&out.stderr));
}

#[test]
fn an_archive_that_does_not_match_its_checksum_is_not_installed() {
    if !tools_present() {
        return;
    }
    let r = release();
    let (_, vars) = plan(&r, "", "Linux", "X64");
    let dl = r.served.join("sot-project/sot/releases/download/v0.1.0");
    let sum = dl.join(format!("sot-{TARGET}.tar.xz.sha256"));
    let forged = format!("{}  sot-{TARGET}.tar.xz\n", "0".repeat(64));
    std::fs::write(&sum, forged).unwrap();
    let out = install(&r, &vars);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("does not match its published SHA-256"), "{}", text(&out.stderr));
    assert!(!Path::new(get(&vars, "dir")).join("sot").exists(), "a binary was installed");
}

#[test]
fn a_version_without_a_release_says_so() {
    if !tools_present() {
        return;
    }
    let r = release();
    let (_, vars) = plan(&r, "9.9.9", "Linux", "X64");
    let out = install(&r, &vars);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("cannot download") && err.contains("v9.9.9"), "{err}");
}
