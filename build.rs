//! Records the commit the binary is built from, for `sot --version`.
//!
//! `SOT_BUILD_COMMIT` wins when set (a container build has no `.git`); otherwise `git` is
//! asked inside this repository; a build from a source archive says `unknown`. Nothing outside
//! the repository is read.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=SOT_BUILD_COMMIT");
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let commit = match std::env::var("SOT_BUILD_COMMIT") {
        Ok(c) if !c.trim().is_empty() => c.trim().chars().take(12).collect(),
        _ => {
            // Only a repository whose top is this package: a source archive unpacked inside
            // some other repository must not take that repository's commit.
            let top = git(&dir, &["rev-parse", "--show-toplevel"]);
            let ours = top.is_some_and(|t| Path::new(&t).canonicalize().ok() == dir.canonicalize().ok());
            let commit = ours.then(|| git(&dir, &["rev-parse", "--short=12", "HEAD"])).flatten();
            if commit.is_some() {
                // Rebuild when HEAD moves: HEAD itself, the branch it names, packed refs.
                for rel in ["HEAD", "packed-refs"] {
                    if let Some(p) = git(&dir, &["rev-parse", "--git-path", rel]) {
                        println!("cargo:rerun-if-changed={}", dir.join(p).display());
                    }
                }
                if let Some(r) = git(&dir, &["symbolic-ref", "-q", "HEAD"])
                    && let Some(p) = git(&dir, &["rev-parse", "--git-path", &r])
                {
                    println!("cargo:rerun-if-changed={}", dir.join(p).display());
                }
            }
            if commit.is_none() {
                // No repository now; look again when one appears (a build directory shared
                // with a copy of the sources that has no `.git` must not keep its answer).
                println!("cargo:rerun-if-changed={}", dir.join(".git").display());
            }
            commit.unwrap_or_else(|| "unknown".to_string())
        }
    };
    println!("cargo:rustc-env=SOT_COMMIT={commit}");
}
