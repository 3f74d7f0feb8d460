//! The floor of `sot check`: parse every YAML file of an inventory and nothing else.
//!
//! Reads every `*.yaml` file under `DIR/inventory` and `DIR/device-types` (sorted by path),
//! then parses them all in parallel and prints one line:
//!
//!     parsed <files> files, <MB> MB in <secs> s: <MB/s> MB/s
//!
//! By default each file goes through the project's own YAML layer (`sot::yaml::parse`: the
//! spanned node tree, duplicate keys, limits), as `sot check` does; inventory files take its
//! fast path (`src/yaml/fast.rs`), so this is the floor of `check`. With `--raw` each file
//! only goes through the general YAML parser (`saphyr_parser`), its events drained and
//! dropped: what the floor was before the fast path, and what files outside its subset cost.
//!
//! Only the parse is timed (reading the files is not); MB are 10^6 bytes. Without `--raw` a
//! second line says how many files the fast path read to the end (not timed).
//!
//!     cargo run --release --example fleet -- --devices 10000 --out /tmp/fleet
//!     cargo run --release --example parse_only -- /tmp/fleet
//!     cargo run --release --example parse_only -- /tmp/fleet --raw

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

fn usage() -> ExitCode {
    eprintln!("usage: parse_only DIR [--raw]");
    ExitCode::from(2)
}

/// Every `*.yaml` file below `dir` (none when `dir` does not exist), sorted.
fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, walkdir::Error> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "yaml") {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

/// Parse with `sot::yaml::parse`; the number of files that did not parse.
fn parse_sot(texts: &[String]) -> usize {
    texts
        .par_iter()
        .enumerate()
        .filter(|(i, text)| {
            let id = sot::source::FileId(u32::try_from(*i).expect("fewer than 2^32 files"));
            let mut diags = Vec::new();
            sot::yaml::parse(id, text, &sot::yaml::Limits::default(), &mut diags).is_none()
        })
        .count()
}

/// Drain the YAML parser's events; the number of files that did not parse.
fn parse_raw(texts: &[String]) -> usize {
    texts
        .par_iter()
        .filter(|text| {
            let mut p = saphyr_parser::Parser::new_from_str(text);
            loop {
                match p.next_event() {
                    Some(Ok(_)) => {}
                    Some(Err(_)) => return true,
                    None => return false,
                }
            }
        })
        .count()
}

fn main() -> ExitCode {
    let mut dir = None;
    let mut raw = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--raw" => raw = true,
            "-h" | "--help" => return usage(),
            a if a.starts_with('-') => return usage(),
            a if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => return usage(),
        }
    }
    let Some(dir) = dir else { return usage() };

    let mut paths = Vec::new();
    for sub in ["inventory", "device-types"] {
        match yaml_files(&dir.join(sub)) {
            Ok(mut found) => paths.append(&mut found),
            Err(e) => {
                eprintln!("parse_only: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if paths.is_empty() {
        eprintln!("parse_only: no *.yaml files under {0}/inventory or {0}/device-types", dir.display());
        return ExitCode::from(2);
    }
    let mut texts = Vec::with_capacity(paths.len());
    for path in &paths {
        match std::fs::read_to_string(path) {
            Ok(text) => texts.push(text),
            Err(e) => {
                eprintln!("parse_only: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();

    let start = Instant::now();
    let failed = if raw { parse_raw(&texts) } else { parse_sot(&texts) };
    let secs = start.elapsed().as_secs_f64();

    let mb = bytes as f64 / 1e6;
    println!("parsed {} files, {mb:.2} MB in {secs:.3} s: {:.1} MB/s", texts.len(), mb / secs);
    if !raw {
        // Not timed: how many files the fast path reads to the end.
        let fast = texts.iter().filter(|t| sot::yaml::takes_fast_path(t)).count();
        println!("fast path: {fast} of {} files read to the end", texts.len());
    }
    if failed > 0 {
        eprintln!("parse_only: {failed} file(s) did not parse");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
