//! Templates: compile every file under `templates/` once, pick each device's
//! template as NetBox does, and render devices (in parallel, in memory).
//!
//! The loader serves only the template files of the source set, so a template
//! cannot read anything outside `templates/` (nor the environment: no function
//! gives access to it).

pub mod deps;
mod filters;
mod vms;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use minijinja::value::merge_maps;
use minijinja::{Environment, Value};
use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Pos, Span};
use crate::model::{Device, Id, Text};
use crate::source::{FileId, FileKind, SourceSet};
use crate::view::{DeviceView, World};

/// The compiled templates of a repository.
pub struct Templates {
    env: Environment<'static>,
    /// Template name (relative to `templates/`) → its file.
    files: HashMap<String, FileId>,
    /// Template name → its text.
    texts: Arc<HashMap<String, String>>,
    /// The secrets resolved so far.
    revealed: Arc<Revealed>,
}

/// Resolves a secret reference (`env:NAME`, `file:PATH`) to its value, or says why not.
pub type SecretResolver = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

/// The secrets a build resolved: their values, so that no message ever shows one, and
/// whether the render running on this thread used any (so that its output is written as
/// a secret-bearing file).
#[derive(Default)]
pub struct Revealed {
    values: std::sync::Mutex<Vec<String>>,
}

thread_local! {
    /// Set when the render running on this thread resolves a secret.
    static USED_SECRET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Revealed {
    fn add(&self, value: &str) {
        if value.is_empty() {
            return;
        }
        let mut values = self.values.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !values.iter().any(|v| v == value) {
            values.push(value.to_string());
            // Longest first, so that a secret holding another is replaced whole.
            values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// `text` with every resolved secret's value replaced by `[secret]`.
    pub fn redact(&self, text: &str) -> String {
        let values = self.values.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = text.to_string();
        for v in values.iter() {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), "[secret]");
            }
        }
        out
    }
}

/// `secret("env:NAME")` / `secret("file:PATH")`: resolved at build time only; without
/// a resolver (`sot check`, `sot diff`) it renders a placeholder, so secrets never
/// reach diagnostics, diffs or anything but the rendered configurations. With one, every
/// value resolved is recorded in `revealed`, and messages are redacted through it: a
/// value computed from a secret (an include of it, a secret named by another, a filter's
/// error about it) is printed as `[secret]`.
fn register_secret(env: &mut Environment<'static>, resolver: Option<SecretResolver>, revealed: Arc<Revealed>) {
    env.add_function("secret", move |reference: String| -> Result<String, minijinja::Error> {
        let valid =
            reference.strip_prefix("env:").or_else(|| reference.strip_prefix("file:")).is_some_and(|r| !r.is_empty());
        if !valid {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("secret(\"{reference}\"): a reference is `env:NAME` or `file:PATH`"),
            ));
        }
        match &resolver {
            None => Ok(format!("<secret {reference}>")),
            Some(r) => {
                USED_SECRET.with(|u| u.set(true));
                let value = r(&reference).map_err(|why| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("secret(\"{reference}\"): {why}"),
                    )
                })?;
                revealed.add(&value);
                Ok(value)
            }
        }
    });
}

/// What rendering one device gives: its configuration, `None` without a template, or the error.
pub type RenderResult = Result<Option<String>, minijinja::Error>;

/// A device that failed to render.
pub struct RenderFailure<'r> {
    pub device: Id<Device>,
    /// The template file and position the error points at, when known.
    pub at: Option<Span>,
    /// The error's kind and detail: with `at`, what makes two failures the same.
    pub what: String,
    pub error: &'r minijinja::Error,
}

impl Templates {
    /// Load every template of `sources` and compile it; syntax errors go to `diags`.
    pub fn load(
        sources: &SourceSet,
        templates_dir: &str,
        world: &World,
        secrets: Option<SecretResolver>,
        diags: &mut Vec<Diagnostic>,
    ) -> Templates {
        let prefix = format!("{}/", templates_dir.trim_end_matches('/'));
        let mut texts: HashMap<String, String> = HashMap::new();
        let mut files = HashMap::new();
        for (id, f) in sources.iter().filter(|(_, f)| f.kind == FileKind::Template && f.parse) {
            let name = f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_string();
            texts.insert(name.clone(), f.text.to_string());
            files.insert(name, id);
        }
        let texts = Arc::new(texts);
        let mut env = crate::jinja::environment(&world.config.render);
        filters::register(&mut env, world.config.render.max_output_bytes);
        let revealed = Arc::new(Revealed::default());
        register_secret(&mut env, secrets, Arc::clone(&revealed));
        let loader_texts = Arc::clone(&texts);
        env.set_loader(move |name| Ok(resolve_name_in(&loader_texts, name).map(|n| loader_texts[n].clone())));
        let t = Templates { env, files, texts: Arc::clone(&texts), revealed };
        let mut names: Vec<&String> = texts.keys().collect();
        names.sort();
        for name in names {
            if !name.ends_with(".j2") && !name.ends_with(".jinja") && !name.ends_with(".jinja2") {
                continue;
            }
            if let Err(e) = t.env.get_template(name) {
                diags.push(t.error_diagnostic(&e, sources, None, Code::TemplateSyntax, "template does not compile"));
            }
        }
        t
    }

    /// A diagnostic at the template position an error points to.
    fn error_diagnostic(
        &self,
        e: &minijinja::Error,
        sources: &SourceSet,
        device: Option<&Text>,
        code: Code,
        what: &str,
    ) -> Diagnostic {
        let span = self.error_span(e, sources);
        let detail = e.detail().map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
        let detail = self.revealed.redact(&detail);
        let message = match device {
            Some(d) => format!("{what} for device `{}`: {detail}", d.value),
            None => format!("{what}: {detail}"),
        };
        let mut d = Diagnostic::new(
            code,
            span.unwrap_or_else(|| device.map_or(Span::file_start(FileId(0)), |d| d.span)),
            message,
        )
        .label(self.revealed.redact(&e.kind().to_string()));
        if let (Some(dev), Some(_)) = (device, span) {
            d = d.related(dev.span, "the device is declared here");
        }
        d
    }

    /// Where in which template file an error happened.
    pub fn error_span(&self, e: &minijinja::Error, sources: &SourceSet) -> Option<Span> {
        let name = e.name()?;
        let file = *self.files.get(resolve_name_in(&self.files, name)?)?;
        let text = &sources.get(file).text;
        let (start, end) = match e.range() {
            Some(r) => (pos_of(text, r.start), pos_of(text, r.end.max(r.start + 1))),
            None => {
                let line = e.line()? as u32;
                (Pos { line, col: 1 }, Pos { line, col: 2 })
            }
        };
        Some(Span { file, start, end })
    }

    /// The template a device renders with: its own `config_template`, else its
    /// role's, else its platform's (NetBox's order), as the name of a file.
    pub fn template_for<'w>(&self, world: &'w World, d: &'w Device) -> Option<&'w Text> {
        let inv = &world.inventory;
        d.config_template
            .as_ref()
            .or_else(|| d.role.id.and_then(|r| inv.device_roles[r.index()].config_template.as_ref()))
            .or_else(|| {
                d.platform.as_ref().and_then(|p| p.id).and_then(|p| inv.platforms[p.index()].config_template.as_ref())
            })
    }

    /// The template file (a key of the template set) a device renders with, if any.
    pub fn file_for<'s>(&'s self, world: &World, d: &Device) -> Option<&'s str> {
        resolve_name_in(&self.files, &self.template_for(world, d)?.value)
    }

    /// What rendering with template file `file` reads of the template set: a digest of the
    /// texts of `file` and of every template it can include, import or extend (all of
    /// them when a name is computed), and whether any of those may read beyond the device
    /// (see [`deps`]).
    pub fn closure(&self, file: &str) -> deps::Closure {
        deps::closure(&self.texts, file, |name| resolve_name_in(&self.texts, name))
    }

    /// Render one device. `Ok(None)`: the device has no template.
    pub fn render(&self, world: &Arc<World>, id: Id<Device>) -> RenderResult {
        self.render_kept(world, id, true)
    }

    /// Render one device; without `keep`, the output is counted (against the output limit)
    /// and dropped as it is written, and `Ok(None)` returned.
    fn render_kept(&self, world: &Arc<World>, id: Id<Device>, keep: bool) -> RenderResult {
        let d = &world.inventory.devices[id.index()];
        // A name that is no file was reported when references were resolved (E0206).
        let Some(file) = self.file_for(world, d) else { return Ok(None) };
        let tmpl = self.env.get_template(file)?;
        let explicit = minijinja::context! {
            device => Value::from_object(DeviceView { world: Arc::clone(world), id }),
            inventory => world.inventory_value(),
        };
        // As in NetBox, `device` and `inventory` win over context keys of those names: the
        // last map given wins in `merge_maps` (its documentation says the first; the test
        // `context_keys_do_not_hide_the_device_or_the_inventory` holds the behaviour).
        let ctx = merge_maps([world.config_context(id), explicit]);
        let limit = world.config.render.max_output_bytes;
        let mut out = Capped { buf: keep.then(Vec::new), written: 0, limit, over: false };
        match tmpl.render_captured_to(ctx, &mut out).map(drop) {
            Ok(_) => Ok(out
                .buf
                .map(|b| String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))),
            Err(_) if out.over => Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!(
                    "template `{file}` renders more than {limit} bytes, the output limit \
                     (`render.max_output_bytes` in sot.yaml)"
                ),
            )),
            Err(e) => Err(e),
        }
    }

    /// [`Templates::render`], and whether the render resolved a secret.
    pub fn render_tracked(&self, world: &Arc<World>, id: Id<Device>) -> (RenderResult, bool) {
        USED_SECRET.with(|u| u.set(false));
        let r = self.render(world, id);
        (r, USED_SECRET.with(|u| u.replace(false)))
    }

    /// Render every device in parallel; results in device order. Without `keep`, each
    /// configuration is dropped as it is rendered (its device's result is `Ok(None)`), for
    /// when only the failures matter: the memory then serves the next device rather than
    /// holding every configuration at once.
    pub fn render_all(&self, world: &Arc<World>, keep: bool, progress: &(dyn Fn() + Sync)) -> Vec<RenderResult> {
        self.render_all_tracked(world, keep, progress).into_iter().map(|(r, _)| r).collect()
    }

    /// [`Templates::render_all`], with whether each device's render resolved a secret.
    pub fn render_all_tracked(
        &self,
        world: &Arc<World>,
        keep: bool,
        progress: &(dyn Fn() + Sync),
    ) -> Vec<(RenderResult, bool)> {
        (0..world.inventory.devices.len())
            .into_par_iter()
            .map(|i| {
                USED_SECRET.with(|u| u.set(false));
                let r = self.render_kept(world, Id::new(i), keep);
                progress();
                (r, USED_SECRET.with(|u| u.replace(false)))
            })
            .collect()
    }

    /// The devices that failed to render, in device order. `results` pairs each rendered
    /// device's index with its result.
    pub fn failures<'r>(
        &self,
        sources: &SourceSet,
        results: impl IntoIterator<Item = (usize, &'r RenderResult)>,
    ) -> Vec<RenderFailure<'r>> {
        results
            .into_iter()
            .filter_map(|(device, r)| match r {
                // Syntax errors were reported once per template when it was compiled.
                Err(error) if error.kind() != minijinja::ErrorKind::SyntaxError => Some(RenderFailure {
                    device: Id::new(device),
                    at: self.error_span(error, sources),
                    what: error.detail().unwrap_or_default().to_string() + &error.kind().to_string(),
                    error,
                }),
                _ => None,
            })
            .collect()
    }

    /// Diagnostics for failed renders of `world`'s devices, one per template position and
    /// error, naming the first device and how many others failed the same way.
    pub fn failure_diagnostics<'f, 'r: 'f>(
        &self,
        world: &World,
        sources: &SourceSet,
        failures: impl IntoIterator<Item = &'f RenderFailure<'r>>,
    ) -> Vec<Diagnostic> {
        let mut groups: BTreeMap<(Option<Span>, &str), (&RenderFailure<'_>, usize)> = BTreeMap::new();
        for f in failures {
            groups.entry((f.at, &f.what)).or_insert((f, 0)).1 += 1;
        }
        groups
            .into_values()
            .map(|(first, count)| {
                let e = first.error;
                let dev = &world.inventory.devices[first.device.index()].name;
                let code = if e.kind() == minijinja::ErrorKind::UndefinedError {
                    Code::TemplateUndefined
                } else {
                    Code::TemplateRender
                };
                let mut d = self.error_diagnostic(e, sources, Some(dev), code, "template fails");
                if count > 1 {
                    d.message.push_str(&format!(" (and {})", crate::diagnostic::other_devices(count - 1)));
                }
                if code == Code::TemplateUndefined {
                    d = d.help("define the value in a config context or on the device, or guard it with `is defined`");
                }
                d
            })
            .collect()
    }

    /// [`Templates::failure_diagnostics`] of every device's result, in device order.
    pub fn render_diagnostics(&self, world: &World, sources: &SourceSet, results: &[RenderResult]) -> Vec<Diagnostic> {
        self.failure_diagnostics(world, sources, &self.failures(sources, results.iter().enumerate()))
    }
}

/// Where a render writes: a buffer (or nothing, when the output is not kept) that refuses
/// to grow past `limit` bytes, so one device's output is bounded whatever its template does.
struct Capped {
    buf: Option<Vec<u8>>,
    written: u64,
    limit: u64,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.write_all(data).map(|()| data.len())
    }

    /// All or nothing, so that the buffer holds whole strings (valid UTF-8).
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        let n = data.len() as u64;
        if self.over || self.written.saturating_add(n) > self.limit {
            self.over = true;
            return Err(std::io::Error::other("the render output limit"));
        }
        self.written += n;
        if let Some(b) = &mut self.buf {
            b.extend_from_slice(data);
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A template name as written (`eos`, `eos.j2`, `partials/ntp.j2`) to a key of `names`;
/// names that try to leave `templates/` resolve to nothing.
fn resolve_name_in<'a, V>(names: &'a HashMap<String, V>, name: &str) -> Option<&'a str> {
    if name.split('/').any(|c| c == ".." || c.is_empty()) || name.starts_with('/') || name.contains('\\') {
        return None;
    }
    names.get_key_value(name).or_else(|| names.get_key_value(&format!("{name}.j2"))).map(|(k, _)| k.as_str())
}

/// The 1-based position of byte offset `at` in `text`.
fn pos_of(text: &str, at: usize) -> Pos {
    let at = at.min(text.len());
    let before = &text[..text.floor_char_boundary(at)];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or_default().chars().count() as u32 + 1;
    Pos { line, col }
}

#[cfg(test)]
mod tests;
