//! Pipeline stages on a generated 1,000-device fleet (see `examples/fleet.rs`).
//!
//!     cargo bench --bench pipeline
//!     cargo bench --bench pipeline -- compile      # one stage
//!
//! The fleet is generated once per run by invoking the `fleet` example through cargo, into a
//! temporary directory removed at the end. Set `SOT_BENCH_FLEET=DIR` to bench an inventory
//! that already exists instead (any size, e.g. one written by `bench/run.sh`'s generator).
//!
//! Stages:
//! - `yaml_parse`: every inventory and device-type file through `sot::yaml::parse`, in
//!   parallel as `compile` does it (throughput in bytes of YAML);
//! - `compile`: what `sot check` does after loading;
//! - `compile_keep_configs`: the same, keeping every rendered configuration (what `sot build`
//!   does before writing);
//! - `diff_one_file`: `sot::diff::run` between the fleet and the fleet with one VLAN added to
//!   its first site's file and the AS number of that site's context changed (what `sot diff`
//!   does after loading both sides; `bench/run.sh` makes the same change).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

use sot::compile::{self, Options};
use sot::source::FileKind;

const DEVICES: &str = "1000";

/// Where the fleet is: `SOT_BENCH_FLEET`, or a fresh one in a temporary directory
/// (kept alive by the returned guard).
fn fleet() -> (PathBuf, Option<tempfile::TempDir>) {
    if let Some(dir) = std::env::var_os("SOT_BENCH_FLEET") {
        return (PathBuf::from(dir), None);
    }
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let out = tmp.path().join("fleet");
    let status = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--release", "--example", "fleet", "--", "--devices", DEVICES, "--seed", "1", "--out"])
        .arg(&out)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "generating the fleet failed: {status}");
    (out, Some(tmp))
}

fn load(dir: &Path) -> sot::load::Loaded {
    let loaded = sot::load::load_workdir(dir).unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()));
    assert!(loaded.diagnostics.is_empty(), "loading {} reported problems", dir.display());
    loaded
}

fn pipeline(c: &mut Criterion) {
    let (dir, _guard) = fleet();
    let loaded = load(&dir);

    // The fleet must be clean, or the stages would measure error paths.
    let first = compile::compile(&loaded.sources, loaded.config.clone(), vec![]);
    let errors = first.count(sot::diagnostic::Severity::Error);
    assert_eq!(errors, 0, "the fleet in {} has {errors} errors", dir.display());
    drop(first);

    let yaml: Vec<_> = loaded
        .sources
        .iter()
        .filter(|(_, f)| f.parse && matches!(f.kind, FileKind::Inventory | FileKind::DeviceType))
        .collect();
    let yaml_bytes: usize = yaml.iter().map(|(_, f)| f.text.len()).sum();

    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(yaml_bytes as u64));

    group.bench_function("yaml_parse", |b| {
        b.iter(|| {
            yaml.par_iter()
                .filter(|(id, f)| {
                    let mut diags = Vec::new();
                    let root = sot::yaml::parse(*id, &f.text, &sot::yaml::Limits::default(), &mut diags);
                    black_box(root).is_some()
                })
                .count()
        });
    });

    group.bench_function("compile", |b| {
        b.iter(|| compile::compile(&loaded.sources, loaded.config.clone(), vec![]));
    });

    group.bench_function("compile_keep_configs", |b| {
        let opts = Options { keep_configs: true, ..Default::default() };
        b.iter(|| compile::compile_with(&loaded.sources, loaded.config.clone(), vec![], &opts));
    });

    group.bench_function("diff_one_file", |b| {
        // Both sides from one id registry, as `sot diff` loads them.
        let ids = sot::source::IdRegistry::default();
        let base = sot::load::load_workdir_with(&dir, Some(ids.clone())).expect("the fleet loads");
        let mut head = sot::source::SourceSet::with_registry(ids);
        let mut changed = 0;
        for (_, f) in base.sources.iter() {
            let text: String =
                if f.path.ends_with("sites/site0000.yaml") {
                    changed += 1;
                    f.text
                        .replacen("vlans:\n", "vlans:\n  - {vid: 190, name: v190, group: site0000-vlans}\n", 1)
                        .replacen("{local_as: 64512,", "{local_as: 64999,", 1)
                } else {
                    f.text.to_string()
                };
            if f.parse {
                head.add(f.path.clone(), f.kind, text);
            } else {
                head.add_unusable(f.path.clone(), f.kind, text);
            }
        }
        assert_eq!(changed, 1, "the fleet has no sites/site0000.yaml");
        assert!(
            head.iter().any(|(_, f)| f.text.contains("{local_as: 64999,")),
            "the AS number in sites/site0000.yaml was not changed: did the fleet generator change?"
        );
        let input = |sources| sot::diff::Input {
            label: String::new(),
            sources,
            config: base.config.clone(),
            diagnostics: Vec::new(),
        };
        b.iter(|| sot::diff::run(input(&base.sources), input(&head)));
    });

    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
