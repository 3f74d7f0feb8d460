//! What users expect of a command-line tool: `--version` naming the commit, `sot init`,
//! shell completions, man pages (and that `docs/man/`, shipped in release archives, is
//! current).

use std::path::Path;
use std::process::{Command, Output};

fn sot(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sot")).args(args).current_dir(dir).output().expect("run sot")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn version_names_the_package_version_and_the_commit() {
    let out = sot(Path::new(env!("CARGO_MANIFEST_DIR")), &["--version"]);
    assert!(out.status.success());
    let line = text(&out.stdout);
    let commit = line
        .trim()
        .strip_prefix(&format!("sot {} (", env!("CARGO_PKG_VERSION")))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("unexpected version line: {line}"));
    assert!(
        commit == "unknown" || (commit.len() == 12 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "not a commit: {commit}"
    );
    // Built inside this package's own git checkout: the commit is HEAD's.
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| text(&o.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"]).and_then(|t| Path::new(&t).canonicalize().ok());
    if top.is_some() && top == Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().ok() {
        assert_eq!(Some(commit.to_string()), git(&["rev-parse", "--short=12", "HEAD"]));
    }
}

#[test]
fn init_writes_a_repository_that_checks_clean_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("network");
    let out = sot(tmp.path(), &["init", "network"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for f in [
        "sot.yaml",
        ".gitignore",
        ".github/workflows/sot.yml",
        ".pre-commit-config.yaml",
        ".sot/schema/inventory.schema.json",
        "device-types/Arista/DCS-7010TX-48.yaml",
        "templates/eos.j2",
        "schemas/ntp.json",
    ] {
        assert!(repo.join(f).is_file(), "{f} missing");
    }
    assert!(repo.join(".git").is_dir(), "no git repository");
    let ignore = std::fs::read_to_string(repo.join(".gitignore")).unwrap();
    assert!(ignore.contains("/build/") && ignore.contains("/site/"), "{ignore}");
    // Every modeline names a schema that init wrote.
    for f in ["inventory/global.yaml", "inventory/sites/site1.yaml", "device-types/Arista/DCS-7010TX-48.yaml"] {
        let p = repo.join(f);
        let first = std::fs::read_to_string(&p).unwrap().lines().next().unwrap().to_string();
        let target = first.strip_prefix("# yaml-language-server: $schema=").unwrap_or_else(|| panic!("{f}: {first}"));
        assert!(p.parent().unwrap().join(target).is_file(), "{f}: modeline names {target}, which is missing");
    }

    // Clean: no error and no warning.
    let check = sot(&repo, &["check", "--color", "never"]);
    let stdout = text(&check.stdout);
    assert!(check.status.success(), "{stdout}{}", text(&check.stderr));
    assert!(stdout.contains("no problems found"), "{stdout}");

    let build = sot(&repo, &["build"]);
    assert!(build.status.success(), "{}", text(&build.stderr));
    let cfg = std::fs::read_to_string(repo.join("build/configs/site1-leaf1.cfg")).unwrap();
    assert!(cfg.starts_with("hostname site1-leaf1\n"), "{cfg}");
    // The region's context outweighs the global one for NTP; syslog comes from the global one.
    assert!(cfg.contains("ntp server vrf mgmt 192.0.2.11 prefer\n"), "{cfg}");
    assert!(cfg.contains("logging vrf mgmt host 192.0.2.20\n"), "{cfg}");
    assert!(
        cfg.contains("interface Ethernet49\n   description uplink\n   mtu 9214\n   ip address 10.0.0.1/31\n"),
        "{cfg}"
    );

    // The build output is ignored by git, as .gitignore says.
    let git = git2::Repository::open(&repo).unwrap();
    assert!(git.is_path_ignored(Path::new("build/configs/site1-leaf1.cfg")).unwrap());
}

#[test]
fn a_second_init_refuses_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(sot(tmp.path(), &["init"]).status.success());
    let edited = "# my own project file\ninventory: [inventory]\n";
    std::fs::write(tmp.path().join("sot.yaml"), edited).unwrap();
    std::fs::remove_file(tmp.path().join("README.md")).unwrap();

    let again = sot(tmp.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(err.contains("sot.yaml") && err.contains("exist"), "{err}");
    assert_eq!(std::fs::read_to_string(tmp.path().join("sot.yaml")).unwrap(), edited);
    assert!(!tmp.path().join("README.md").exists(), "a refused init wrote a file");
}

#[test]
fn init_in_a_directory_holding_one_of_its_files_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
    std::fs::write(tmp.path().join("templates/eos.j2"), "mine\n").unwrap();
    let out = sot(tmp.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("eos.j2"));
    let mut left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, ["templates"], "a refused init wrote files");
    assert_eq!(std::fs::read_to_string(tmp.path().join("templates/eos.j2")).unwrap(), "mine\n");
}

#[test]
fn init_inside_an_existing_repository_adds_no_nested_one() {
    let tmp = tempfile::tempdir().unwrap();
    git2::Repository::init(tmp.path()).unwrap();
    let out = sot(tmp.path(), &["init", "net"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!tmp.path().join("net/.git").exists());
    assert!(sot(&tmp.path().join("net"), &["check"]).status.success());
}

#[test]
fn init_over_a_file_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), "").unwrap();
    let out = sot(tmp.path(), &["init", "f"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a directory"), "{}", text(&out.stderr));
}

#[test]
fn completions_cover_every_command_for_each_shell() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef sot"), ("fish", "complete -c sot")] {
        let out = sot(dir, &["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for cmd in ["check", "build", "diff", "query", "netbox", "init", "completions"] {
            assert!(script.contains(cmd), "{shell}: `{cmd}` is not completed");
        }
    }
    let bad = sot(dir, &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("tcsh"));
}

#[test]
fn bash_completion_script_is_valid_bash() {
    let out = sot(Path::new(env!("CARGO_MANIFEST_DIR")), &["completions", "bash"]);
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("sot.bash");
    std::fs::write(&f, &out.stdout).unwrap();
    let Ok(syntax) = Command::new("bash").arg("-n").arg(&f).output() else { return };
    assert!(syntax.status.success(), "{}", text(&syntax.stderr));
}

#[test]
fn man_pages_are_written_and_docs_man_is_current() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sot(tmp.path(), &["man", "--out", "man"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let generated = tmp.path().join("man");
    let names = |d: &Path| {
        let mut v: Vec<String> =
            std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    };
    let pages = names(&generated);
    for p in ["sot.1", "sot-check.1", "sot-build.1", "sot-diff.1", "sot-netbox-push.1", "sot-init.1"] {
        assert!(pages.iter().any(|n| n == p), "{p} missing from {pages:?}");
    }
    let check = std::fs::read_to_string(generated.join("sot-check.1")).unwrap();
    assert!(check.contains(".TH sot-check 1"), "not a man page");
    assert!(check.contains("\\-\\-format"), "options missing");

    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man");
    let fix = "regenerate with `cargo run -- man --out docs/man` (after removing docs/man)";
    assert_eq!(names(&committed), pages, "docs/man lists other pages: {fix}");
    for p in &pages {
        assert_eq!(
            std::fs::read(committed.join(p)).unwrap(),
            std::fs::read(generated.join(p)).unwrap(),
            "docs/man/{p} is stale: {fix}"
        );
    }
}
