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
use crate::schema::SchemaSet;
use crate::source::{FileKind, SourceSet};
use crate::template::Templates;
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
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, std::time::Duration)>,
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
    mut diagnostics: Vec<Diagnostic>,
    opts: &Options<'_>,
) -> Compilation {
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        let now = std::time::Instant::now();
        timings.push((name, now - clock));
        clock = now;
    };
    let limits = Limits::default();
    let files: Vec<_> = sources.iter().filter(|(_, f)| f.parse).collect();
    let lowered: Vec<(Inventory, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|(id, f)| {
            let mut diags = Vec::new();
            let mut inv = Inventory::default();
            match f.kind {
                FileKind::Inventory => {
                    if let Some(root) = yaml::parse(*id, &f.text, limits, &mut diags) {
                        inv = model::lower_file(&root, &mut diags);
                    }
                }
                FileKind::DeviceType => {
                    if let Some(root) = yaml::parse(*id, &f.text, limits, &mut diags)
                        && let Some(dt) = model::lower_device_type_file(&root, &mut diags)
                    {
                        inv.device_types.push(dt);
                    }
                }
                FileKind::Project | FileKind::Schema | FileKind::Template => {}
            }
            (inv, diags)
        })
        .collect();
    lap("parse and lower");
    let mut inventory = Inventory::default();
    for (inv, mut diags) in lowered {
        inventory.append(inv);
        diagnostics.append(&mut diags);
    }
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
    let templates = Templates::load(sources, &templates_dir, &world, opts.secrets.clone(), &mut diagnostics);
    let results = templates.render_all(&world, opts.progress.unwrap_or(&|| {}));
    diagnostics.extend(templates.render_diagnostics(&world, sources, &results));
    let configs = opts.keep_configs.then(|| results.into_iter().map(|r| r.ok().flatten()).collect());
    lap("render");
    diagnostic::sort(&mut diagnostics);
    Compilation { world, diagnostics, configs, timings }
}
