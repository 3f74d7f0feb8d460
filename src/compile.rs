//! The pipeline driver: source set → parse → model → resolve → validate → contexts →
//! rules → templates.

use std::sync::Arc;

use rayon::prelude::*;

use crate::context;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::model::{self, Inventory};
use crate::project::Config;
use crate::resolve;
use crate::rules;
use crate::source::{FileKind, SourceSet};
use crate::team_schemas::SchemaSet;
use crate::template::{RenderResult, Templates};
use crate::validate;
use crate::view::World;
use crate::yaml::{self, Limits};

/// The result of compiling one inventory: the linked world (through `Deref`:
/// `comp.inventory`, `comp.index`, `comp.config`) and every diagnostic.
#[derive(Debug)]
pub struct Compilation {
    pub world: Arc<World>,
    /// Every diagnostic, in output order (file, position, code).
    pub diagnostics: Vec<Diagnostic>,
    /// Each device's rendered configuration (`None`: no template, or it failed),
    /// kept when [`Options::keep_configs`] asks for it.
    pub configs: Option<Vec<Option<String>>>,
    /// Whether each device's render resolved a secret (empty when none did).
    pub with_secrets: Vec<bool>,
    /// Each virtual machine's configuration, as `configs` (kept when asked).
    pub vm_configs: Option<Vec<Option<String>>>,
    /// Whether each virtual machine's render resolved a secret (empty when none did).
    pub vm_secrets: Vec<bool>,
    /// How long each stage took, in order.
    pub timings: Vec<Lap>,
}

/// One stage's time, and the process's resident memory and CPU time when it ended (for
/// `--timings`).
#[derive(Clone, Debug)]
pub struct Lap {
    pub stage: std::borrow::Cow<'static, str>,
    pub took: std::time::Duration,
    /// Resident set size in bytes (Linux only).
    pub resident: Option<u64>,
    /// CPU time the process has used so far, user and system, all threads (Linux only).
    pub cpu: Option<std::time::Duration>,
}

impl Lap {
    pub fn new(stage: impl Into<std::borrow::Cow<'static, str>>, took: std::time::Duration) -> Lap {
        let (resident, cpu) = PROBE.get().map_or((None, None), |probe| probe());
        Lap { stage: stage.into(), took, resident, cpu }
    }
}

/// Measures the process when a stage ends, for `--timings`: its resident set size in bytes
/// and the CPU time it has used so far. The library reads neither itself (it does no I/O
/// outside `load.rs` and the build writer): the binary installs a probe with [`set_probe`]
/// (the CLI's reads `/proc`), and without one laps carry neither figure.
pub type Probe = fn() -> (Option<u64>, Option<std::time::Duration>);

static PROBE: std::sync::OnceLock<Probe> = std::sync::OnceLock::new();

/// Install the probe laps are measured with (the first one installed stays).
pub fn set_probe(probe: Probe) {
    let _ = PROBE.set(probe);
}

/// How much of the work to keep.
#[derive(Default)]
pub struct Options<'a> {
    /// Keep rendered configurations (for `build`); `check` renders and drops them.
    pub keep_configs: bool,
    /// Called once per rendered device (for a progress bar).
    pub progress: Option<&'a (dyn Fn() + Sync)>,
    /// How templates' `secret("env:NAME")` calls resolve; `None` renders placeholders.
    pub secrets: Option<crate::template::SecretResolver>,
    /// Render only the device of this name (`sot render DEVICE`): every other device's
    /// result is `None` and its template's failures are not looked for; a name that is no
    /// device renders nothing. Every stage before rendering runs as without it.
    pub device: Option<&'a str>,
}

impl std::ops::Deref for Compilation {
    type Target = World;
    fn deref(&self) -> &World {
        &self.world
    }
}

impl Compilation {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// Compile `sources` read with `config`; `diagnostics` holds what loading found.
/// Files are parsed and lowered in parallel; the result does not depend on
/// scheduling: fragments are appended in file order and diagnostics are sorted.
pub fn compile(sources: &SourceSet, config: Config, diagnostics: Vec<Diagnostic>) -> Compilation {
    compile_with(sources, config, diagnostics, &Options::default())
}

/// [`compile`] with options.
pub fn compile_with(
    sources: &SourceSet,
    config: Config,
    diagnostics: Vec<Diagnostic>,
    opts: &Options<'_>,
) -> Compilation {
    let (mut comp, templates, clock) = front(sources, config, diagnostics, opts);
    let progress = opts.progress.unwrap_or(&|| {});
    let tracked = match opts.device {
        None => templates.render_all_tracked(&comp.world, opts.keep_configs, progress),
        Some(name) => {
            let one = comp.index.devices.get(name).copied();
            let mut tracked: Vec<(RenderResult, bool)> =
                (0..comp.inventory.devices.len()).map(|_| (Ok(None), false)).collect();
            if let Some(id) = one {
                tracked[id.index()] = templates.render_tracked(&comp.world, id);
                progress();
            }
            tracked
        }
    };
    let (results, with_secrets): (Vec<RenderResult>, Vec<bool>) = tracked.into_iter().unzip();
    if with_secrets.iter().any(|s| *s) {
        comp.with_secrets = with_secrets;
    }
    comp.diagnostics.extend(templates.render_diagnostics(&comp.world, sources, &results));
    comp.configs = opts.keep_configs.then(|| results.into_iter().map(|r| r.ok().flatten()).collect());
    if !comp.world.inventory.virtual_machines.is_empty() {
        let vms = templates.render_vms(&comp.world);
        comp.diagnostics.extend(templates.vm_render_diagnostics(&comp.world, sources, &vms));
        if vms.iter().any(|(_, s)| *s) {
            comp.vm_secrets = vms.iter().map(|(_, s)| *s).collect();
        }
        comp.vm_configs = opts.keep_configs.then(|| vms.into_iter().map(|(r, _)| r.ok().flatten()).collect());
    }
    comp.timings.push(Lap::new("render", clock.elapsed()));
    diagnostic::sort(&mut comp.diagnostics);
    diagnostic::roots::suppress_consequences(&mut comp.diagnostics, &comp.world.inventory, sources);
    comp
}

/// Every stage before rendering, and the templates compiled; diagnostics not yet sorted.
/// Returns when the last lap ended.
fn front(
    sources: &SourceSet,
    config: Config,
    diagnostics: Vec<Diagnostic>,
    opts: &Options<'_>,
) -> (Compilation, Templates, std::time::Instant) {
    let clock = std::time::Instant::now();
    let files: Vec<_> = data_files(sources).collect();
    let bytes = files.iter().map(|(_, f)| f.text.len()).sum();
    let limits = Limits::for_input(bytes);
    let mut lowered: Vec<Lowered> =
        files.par_iter().map(|(id, f)| parse_and_lower(*id, f, 1, &limits).remove(0)).collect();
    if limits.run.exhausted() {
        // Which files found the run's alias budget spent depended on thread timing: parse the
        // files that may use aliases again, one after another in path order.
        let limits = Limits::for_input(bytes);
        for (k, (id, f)) in files.iter().enumerate() {
            if yaml::may_alias(&f.text) {
                lowered[k] = parse_and_lower(*id, f, 1, &limits).remove(0);
            }
        }
    }
    let timings = vec![Lap::new("parse and lower", clock.elapsed())];
    back(sources, config, diagnostics, lowered, timings, opts)
}

/// One file lowered: its fragment and diagnostics.
type Lowered = (Inventory, Vec<Diagnostic>);

/// The files that are parsed: data files and device types.
fn data_files(sources: &SourceSet) -> impl Iterator<Item = (crate::source::FileId, &crate::source::SourceFile)> {
    sources
        .iter()
        .filter(|(_, f)| f.parse && matches!(f.kind, FileKind::Inventory | FileKind::DeviceType | FileKind::ModuleType))
}

/// Parse one file and lower it; `times` copies of the result.
fn parse_and_lower(
    id: crate::source::FileId,
    f: &crate::source::SourceFile,
    times: usize,
    limits: &Limits,
) -> Vec<Lowered> {
    let mut diags = Vec::new();
    let root = yaml::parse(id, &f.text, limits, &mut diags);
    let mut inv = Inventory::default();
    if let Some(root) = root {
        match f.kind {
            FileKind::Inventory if f.text.len() >= LOWER_IN_PIECES => inv = lower_in_pieces(root, &mut diags),
            FileKind::Inventory => inv = model::lower_file(&root, &mut diags),
            FileKind::DeviceType => {
                if let Some(dt) = model::lower_device_type_file(&root, &mut diags) {
                    inv.device_types.push(dt);
                }
            }
            FileKind::ModuleType => {
                if let Some(mt) = model::lower_module_type_file(&root, &mut diags) {
                    inv.module_types.push(mt);
                }
            }
            FileKind::Project | FileKind::Schema | FileKind::Template => {}
        }
    }
    // Lowering is a pure function of the tree: further copies are clones (cheaper than
    // lowering again).
    let mut out = Vec::with_capacity(times);
    for _ in 1..times {
        out.push((inv.clone(), diags.clone()));
    }
    out.push((inv, diags));
    out
}

/// Inventory files at least this large are lowered in pieces ([`lower_in_pieces`]).
const LOWER_IN_PIECES: usize = 1 << 20;

/// A large inventory file lowered in pieces, in parallel (a file is otherwise lowered on one
/// core): its collections, and the items of its large collections in runs. Each item is
/// lowered on its own and the pieces are appended in the file's order, so the fragment and
/// the diagnostics are the ones of lowering the file whole.
fn lower_in_pieces(root: yaml::Node<'_>, diags: &mut Vec<Diagnostic>) -> Inventory {
    use yaml::{Node, Value};
    let span = root.span;
    let entries = match root.value {
        Value::Map(entries) => entries,
        value => return model::lower_file(&Node { span, value }, diags),
    };
    let items: usize = entries.iter().map(|(_, v)| if let Value::Seq(i) = &v.value { i.len() } else { 1 }).sum();
    let run = (items / (4 * rayon::current_num_threads())).max(64);
    let mut pieces = Vec::new();
    for (key, value) in entries {
        let known = model::COLLECTIONS.contains(&key.key_text());
        match value.value {
            Value::Seq(mut list) if known && list.len() > run => {
                while !list.is_empty() {
                    let rest = list.split_off(run.min(list.len()));
                    let seq = Node { span: value.span, value: Value::Seq(list) };
                    pieces.push(Node { span, value: Value::Map(vec![(key.clone(), seq)]) });
                    list = rest;
                }
            }
            v => pieces.push(Node { span, value: Value::Map(vec![(key, Node { span: value.span, value: v })]) }),
        }
    }
    let lowered: Vec<(Inventory, Vec<Diagnostic>)> = pieces
        .par_iter()
        .map(|p| {
            let mut d = Vec::new();
            (model::lower_file(p, &mut d), d)
        })
        .collect();
    let mut inv = Inventory::default();
    let mut parts = Vec::with_capacity(lowered.len());
    for (part, mut d) in lowered {
        parts.push(part);
        diags.append(&mut d);
    }
    inv.append_all(parts);
    inv
}

/// The stages after lowering, and the templates compiled; diagnostics not yet sorted.
fn back(
    sources: &SourceSet,
    config: Config,
    mut diagnostics: Vec<Diagnostic>,
    lowered: Vec<Lowered>,
    mut timings: Vec<Lap>,
    opts: &Options<'_>,
) -> (Compilation, Templates, std::time::Instant) {
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        let now = std::time::Instant::now();
        timings.push(Lap::new(name, now - clock));
        clock = now;
    };
    let mut inventory = Inventory::default();
    diagnostics.reserve(lowered.iter().map(|(_, d)| d.len()).sum());
    let mut parts = Vec::with_capacity(lowered.len());
    for (inv, mut diags) in lowered {
        parts.push(inv);
        diagnostics.append(&mut diags);
    }
    inventory.append_all(parts);
    lap("append");
    let index = resolve::resolve(&mut inventory, sources, &mut diagnostics);
    lap("resolve");
    let schemas = SchemaSet::load(sources, &config.schemas.value, &mut diagnostics);
    diagnostics.extend(validate::run(&inventory, &index, &config));
    lap("validate");
    diagnostics.extend(context::check(&inventory, &config, &schemas));
    lap("contexts");
    let templates_dir = config.templates.value.clone();
    let world = World::new(config, inventory, index);
    diagnostics.extend(rules::check(&world));
    lap("rules");
    // Compiling the templates counts as rendering.
    let templates = Templates::load(sources, &templates_dir, &world, opts.secrets.clone(), &mut diagnostics);
    (
        Compilation {
            world,
            diagnostics,
            configs: None,
            with_secrets: Vec::new(),
            vm_configs: None,
            vm_secrets: Vec::new(),
            timings,
        },
        templates,
        clock,
    )
}

/// One side of [`compile_pair_unrendered`]: its files, configuration and what loading found.
pub type Side<'a> = (&'a SourceSet, Config, Vec<Diagnostic>);

/// [`compile_with`] up to rendering, of two source sets whose ids come from one registry (the two
/// sides of a diff): a file both hold with the same text is parsed once, lowered for each
/// side, and its tree dropped at once (nothing is held for the second side).
pub fn compile_pair_unrendered(
    a: Side<'_>,
    b: Side<'_>,
    opts: &Options<'_>,
) -> ((Compilation, Templates), (Compilation, Templates)) {
    let clock = std::time::Instant::now();
    let fa: Vec<_> = data_files(a.0).collect();
    let fb: Vec<_> = data_files(b.0).collect();
    let in_b: crate::hash::HashMap<crate::source::FileId, usize> =
        fb.iter().enumerate().map(|(k, (id, _))| (*id, k)).collect();
    // Jobs: (position in a, position in b); a file of both with the same text is one job.
    let mut paired = vec![false; fb.len()];
    let mut jobs: Vec<(Option<usize>, Option<usize>)> = Vec::with_capacity(fa.len() + fb.len());
    for (k, (id, f)) in fa.iter().enumerate() {
        match in_b.get(id) {
            Some(&j) if fb[j].1.text == f.text && fb[j].1.kind == f.kind => {
                paired[j] = true;
                jobs.push((Some(k), Some(j)));
            }
            _ => jobs.push((Some(k), None)),
        }
    }
    jobs.extend((0..fb.len()).filter(|&j| !paired[j]).map(|j| (None, Some(j))));
    let job = |(ka, kb): (Option<usize>, Option<usize>), limits: &Limits| {
        let (id, f) = match (ka, kb) {
            (Some(k), _) => fa[k],
            (None, Some(j)) => fb[j],
            (None, None) => unreachable!("every job has a side"),
        };
        let times = usize::from(ka.is_some()) + usize::from(kb.is_some());
        (ka, kb, parse_and_lower(id, f, times, limits))
    };
    let bytes =
        jobs.iter().map(|&(ka, kb)| ka.map(|k| fa[k].1).or(kb.map(|j| fb[j].1)).map_or(0, |f| f.text.len())).sum();
    let limits = Limits::for_input(bytes);
    let mut done: Vec<(Option<usize>, Option<usize>, Vec<Lowered>)> =
        jobs.par_iter().map(|&k| job(k, &limits)).collect();
    if limits.run.exhausted() {
        // As in `front`: again in job order, so that which files pass the budget is fixed.
        let limits = Limits::for_input(bytes);
        for (n, &k) in jobs.iter().enumerate() {
            let f = match k {
                (Some(a), _) => fa[a].1,
                (None, Some(b)) => fb[b].1,
                (None, None) => continue,
            };
            if yaml::may_alias(&f.text) {
                done[n] = job(k, &limits);
            }
        }
    }
    // Back into each side's file order.
    let mut la: Vec<Option<Lowered>> = (0..fa.len()).map(|_| None).collect();
    let mut lb: Vec<Option<Lowered>> = (0..fb.len()).map(|_| None).collect();
    for (ka, kb, mut lowered) in done {
        if let Some(j) = kb {
            lb[j] = lowered.pop();
        }
        if let Some(k) = ka {
            la[k] = lowered.pop();
        }
    }
    let timings = vec![Lap::new("parse and lower (both sides)", clock.elapsed())];
    let side = |s: Side<'_>, lowered: Vec<Option<Lowered>>| {
        let (mut comp, templates, _) =
            back(s.0, s.1, s.2, lowered.into_iter().flatten().collect(), timings.clone(), opts);
        diagnostic::sort(&mut comp.diagnostics);
        diagnostic::roots::suppress_consequences(&mut comp.diagnostics, &comp.world.inventory, s.0);
        (comp, templates)
    };
    // The sides are independent, and several of their stages run on one thread: run them
    // side by side.
    rayon::join(|| side(a, la), || side(b, lb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileKind, IdRegistry};

    /// A file lowered in pieces gives the fragment and diagnostics of lowering it whole,
    /// problems included (an unknown field, a wrong type, an unknown collection).
    #[test]
    fn a_large_file_lowers_in_pieces_as_it_does_whole() {
        let mut text = String::from("sites:\n");
        for s in 0..300 {
            let extra = if s % 97 == 5 { ", colour: red" } else { "" };
            text.push_str(&format!("  - {{name: s{s}, status: active{extra}}}\n"));
        }
        text.push_str("racks: 7\nwidgets:\n  - {name: w}\ndevices:\n");
        for d in 0..500 {
            let role = if d % 211 == 3 { "[x]" } else { "leaf" };
            text.push_str(&format!("- {{name: d{d}, site: s{}, role: {role}, device_type: t}}\n", d % 300));
        }
        let file = crate::source::FileId(0);
        let (mut d1, mut d2) = (Vec::new(), Vec::new());
        let whole = model::lower_file(&yaml::parse(file, &text, &Limits::default(), &mut d1).unwrap(), &mut d1);
        let pieces = lower_in_pieces(yaml::parse(file, &text, &Limits::default(), &mut d2).unwrap(), &mut d2);
        assert_eq!(format!("{whole:?}"), format!("{pieces:?}"));
        assert_eq!(d1, d2);
        assert_eq!(whole.devices.len(), 497, "three devices have a wrong role");
        assert!(d1.len() >= 6, "the problems are reported: {d1:?}");
    }

    /// With a device named, only that device is rendered: its configuration is kept, no
    /// other device's is, and another device's failing template is not reported; a name that
    /// is no device renders nothing.
    #[test]
    fn a_named_device_is_rendered_alone() {
        let mut s = SourceSet::default();
        s.add("sot.yaml", FileKind::Project, "");
        s.add(
            "inventory/a.yaml",
            FileKind::Inventory,
            "sites: [{name: L1, slug: l1}]\ndevice_roles: [{name: leaf}]\nmanufacturers: [{name: M}]\n\
             platforms: [{name: good, config_template: good}, {name: bad, config_template: bad}]\n\
             device_types: [{model: T, slug: t, manufacturer: M, u_height: 1, is_full_depth: true}]\n\
             devices:\n  - {name: d1, site: l1, role: leaf, device_type: t, platform: good}\n  \
             - {name: d2, site: l1, role: leaf, device_type: t, platform: bad}\n",
        );
        s.add("templates/good.j2", FileKind::Template, "hostname {{ device.name }}\n");
        s.add("templates/bad.j2", FileKind::Template, "{{ device.nope.deeper }}\n");
        s.templates = vec!["bad.j2".into(), "good.j2".into()];
        let run = |device| {
            let opts = Options { keep_configs: true, device, ..Default::default() };
            compile_with(&s, Config::default(), vec![], &opts)
        };
        let all = run(None);
        assert_eq!(all.configs.as_ref().unwrap()[0].as_deref(), Some("hostname d1\n"));
        assert_eq!(all.count(Severity::Error), 1, "{:#?}", all.diagnostics);
        let one = run(Some("d1"));
        assert_eq!(one.configs.as_ref().unwrap(), &[Some("hostname d1\n".to_string()), None]);
        assert_eq!(one.count(Severity::Error), 0, "{:#?}", one.diagnostics);
        let bad = run(Some("d2"));
        assert_eq!(bad.configs.as_ref().unwrap(), &[None, None]);
        assert_eq!(bad.count(Severity::Error), 1, "{:#?}", bad.diagnostics);
        let none = run(Some("d9"));
        assert_eq!(none.configs.as_ref().unwrap(), &[None, None]);
        assert_eq!(none.count(Severity::Error), 0);
    }

    fn set(ids: &IdRegistry, files: &[(&str, &str)]) -> SourceSet {
        let mut s = SourceSet::with_registry(ids.clone());
        s.add("sot.yaml", FileKind::Project, "");
        for (p, t) in files {
            s.add(*p, FileKind::Inventory, *t);
        }
        s
    }

    /// Files each well under the per-file alias budget are refused once together they pass
    /// the run's: the first past it in path order and every later file that uses aliases,
    /// the same files on every run.
    #[test]
    fn the_alias_budget_is_shared_by_the_whole_run() {
        // Each file's aliases add 672,588 nodes (the per-file budget is 1,000,000).
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let ids = IdRegistry::default();
        let names: Vec<String> = (0..8).map(|i| format!("inventory/bomb{i}.yaml")).collect();
        let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), bomb)).collect();
        let sources = set(&ids, &files);
        let refused = || -> Vec<String> {
            compile(&sources, Config::default(), vec![])
                .diagnostics
                .iter()
                .filter(|d| d.code == crate::diagnostic::Code::AliasBudget)
                .map(|d| {
                    format!("{} {}: {}", sources.get(d.primary.span.file).path, d.primary.span.start.line, d.message)
                })
                .collect()
        };
        let first = refused();
        // 4,000,000 / 672,588: five files fit, the sixth passes the budget.
        assert_eq!(first.len(), 3, "{first:#?}");
        assert!(
            first[0]
                .starts_with("inventory/bomb5.yaml 6: aliases in the files read so far expand to more than 4000000"),
            "{first:#?}"
        );
        for _ in 0..3 {
            assert_eq!(refused(), first);
        }
        // So does a diff's pair.
        let ((pa, _), _) = compile_pair_unrendered(
            (&sources, Config::default(), vec![]),
            (&set(&ids, &[]), Config::default(), vec![]),
            &Options::default(),
        );
        assert_eq!(pa.diagnostics.iter().filter(|d| d.code == crate::diagnostic::Code::AliasBudget).count(), 3);
    }

    #[test]
    fn a_pair_compiles_like_two_compilations() {
        let ids = IdRegistry::default();
        let a = set(
            &ids,
            &[("inventory/a.yaml", "sites: [{name: L1}]\n"), ("inventory/b.yaml", "sites: [{name: L2}, {nme: x}]\n")],
        );
        let b = set(
            &ids,
            &[("inventory/a.yaml", "sites: [{name: L1}]\n"), ("inventory/c.yaml", "sites: [{name: L3}, {name: L1}]\n")],
        );
        let ((pa, _), (pb, _)) = compile_pair_unrendered(
            (&a, Config::default(), vec![]),
            (&b, Config::default(), vec![]),
            &Options::default(),
        );
        for (pair, set) in [(pa, &a), (pb, &b)] {
            let one = compile_with(set, Config::default(), vec![], &Options::default());
            assert_eq!(format!("{:?}", pair.diagnostics), format!("{:?}", one.diagnostics));
            assert_eq!(format!("{:?}", pair.inventory.sites), format!("{:?}", one.inventory.sites));
        }
    }
}
