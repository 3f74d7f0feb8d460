//! `sot.yaml`: where things are, and template and policy settings.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Obj, Spanned, Text};
use crate::yaml::Node;

/// How undefined template variables behave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undefined {
    Strict,
    Lenient,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RenderOptions {
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    pub keep_trailing_newline: bool,
    pub undefined: Undefined,
    /// Most bytes one device's configuration may render to; a render that writes past it fails.
    pub max_output_bytes: u64,
    /// Fuel of one evaluation (see [`crate::jinja::FUEL`]): steps, and data at 64 bytes a fuel.
    pub fuel: u64,
}

/// The default `render.max_output_bytes`: a thousand times the example's largest configuration
/// (a realistic template runs out of the default fuel before; a cheap one, writing a long
/// string many times, does not).
pub const MAX_OUTPUT_BYTES: u64 = 4 * 1024 * 1024;

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            trim_blocks: true,
            lstrip_blocks: true,
            keep_trailing_newline: true,
            undefined: Undefined::Strict,
            max_output_bytes: MAX_OUTPUT_BYTES,
            fuel: crate::jinja::FUEL,
        }
    }
}

/// The weight bands a config context of each assignment kind must keep to.
pub const BAND_KINDS: [&str; 11] = [
    "global",
    "region",
    "site_group",
    "site",
    "location",
    "tenant_group",
    "tenant",
    "device_type",
    "role",
    "platform",
    "tag",
];

#[derive(Clone, Debug)]
pub struct WeightBand {
    pub kind: Text,
    pub min: i64,
    pub max: i64,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub inventory: Vec<Text>,
    pub device_types: Vec<Text>,
    pub module_types: Vec<Text>,
    pub templates: Text,
    pub schemas: Text,
    pub output: Text,
    pub render: RenderOptions,
    pub weights: Vec<WeightBand>,
    pub enforce_global_unique: bool,
    /// Key words that mark a value as a secret (the `secret-literal` lint).
    pub secret_keys: Vec<String>,
    /// Files larger than this many bytes are refused unread.
    pub max_file_size: u64,
}

/// The default `max_file_size`: generous (a 100,000-device fleet's site files are far smaller).
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// The default words of `secret_keys`.
pub const SECRET_KEYS: [&str; 5] = ["password", "secret", "community", "key", "token"];

impl Default for Config {
    fn default() -> Self {
        let t = |s: &str| Spanned::new(s.into(), crate::diagnostic::Span::file_start(crate::source::FileId(0)));
        Config {
            inventory: vec![t("inventory")],
            device_types: vec![t("device-types")],
            module_types: vec![t("module-types")],
            templates: t("templates"),
            schemas: t("schemas"),
            output: t("build"),
            render: RenderOptions::default(),
            weights: Vec::new(),
            enforce_global_unique: true,
            secret_keys: SECRET_KEYS.iter().map(|s| s.to_string()).collect(),
            max_file_size: MAX_FILE_SIZE,
        }
    }
}

/// Read `sot.yaml`'s root node; problems go to `diags` and fall back to defaults.
pub fn read_config(root: &Node, diags: &mut Vec<Diagnostic>) -> Config {
    let mut cfg = Config::default();
    if root.value == crate::yaml::Value::Null {
        return cfg;
    }
    let Some(mut o) = Obj::new(root, "project file", diags) else { return cfg };
    if let Some(v) = paths(&mut o, "inventory") {
        cfg.inventory = v;
    }
    if let Some(v) = paths(&mut o, "device_types") {
        cfg.device_types = v;
    }
    if let Some(v) = paths(&mut o, "module_types") {
        cfg.module_types = v;
    }
    for (key, slot) in [("templates", &mut cfg.templates), ("schemas", &mut cfg.schemas), ("output", &mut cfg.output)] {
        if let Some(p) = o.str(key)
            && check_path(&p, o.diags)
        {
            *slot = p;
        }
    }
    if let Some(b) = o.bool("enforce_global_unique") {
        cfg.enforce_global_unique = b.value;
    }
    if let Some(n) = o.int("max_file_size", 1, i64::MAX) {
        cfg.max_file_size = n.value as u64;
    }
    if o.node("secret_keys").is_some() {
        cfg.secret_keys = o.str_list("secret_keys").into_iter().map(|t| t.value.to_lowercase()).collect();
    }
    if let Some(n) = o.map("render")
        && let Some(mut r) = Obj::new(n, "render options", o.diags)
    {
        let d = RenderOptions::default();
        cfg.render.trim_blocks = r.bool("trim_blocks").map_or(d.trim_blocks, |b| b.value);
        cfg.render.lstrip_blocks = r.bool("lstrip_blocks").map_or(d.lstrip_blocks, |b| b.value);
        cfg.render.keep_trailing_newline = r.bool("keep_trailing_newline").map_or(d.keep_trailing_newline, |b| b.value);
        if let Some(n) = r.int("max_output_bytes", 1, i64::MAX) {
            cfg.render.max_output_bytes = n.value as u64;
        }
        if let Some(n) = r.int("fuel", 1, i64::MAX) {
            cfg.render.fuel = n.value as u64;
        }
        if let Some(u) = r.str("undefined") {
            match u.as_str() {
                "strict" => cfg.render.undefined = Undefined::Strict,
                "lenient" => cfg.render.undefined = Undefined::Lenient,
                other => r.diags.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        u.span,
                        format!("`undefined` must be `strict` or `lenient`, not `{other}`"),
                    )
                    .label("unknown mode"),
                ),
            }
        }
        r.finish();
    }
    if let Some(n) = o.map("weights") {
        for (k, v) in n.as_map().unwrap_or_default() {
            let kind = Spanned::new(k.key_text().into(), k.span);
            if !BAND_KINDS.contains(&kind.as_str()) {
                o.diags.push(
                    Diagnostic::new(Code::UnknownField, k.span, format!("unknown weight band `{}`", kind.value))
                        .label("not an assignment kind")
                        .help_opt(crate::diagnostic::did_you_mean(&kind.value, BAND_KINDS)),
                );
                continue;
            }
            let nums: Vec<_> = v
                .as_seq()
                .unwrap_or_default()
                .iter()
                .filter_map(|n| crate::model::decode::read_int(n, "weight", 0, 32767, o.diags))
                .collect();
            match nums.as_slice() {
                [lo, hi] if lo.value <= hi.value => cfg.weights.push(WeightBand { kind, min: lo.value, max: hi.value }),
                _ => o.diags.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        v.span,
                        format!("weight band `{}` must be `[low, high]`", kind.value),
                    )
                    .label("expected two weights, low first"),
                ),
            }
        }
    }
    o.finish();
    cfg
}

fn paths(o: &mut Obj<'_, '_>, key: &'static str) -> Option<Vec<Text>> {
    let n = o.node(key)?;
    let list = if n.as_seq().is_some() { o.str_list(key) } else { vec![o.str(key)?] };
    Some(list.into_iter().filter(|p| check_path(p, o.diags)).collect())
}

/// Configured paths are relative and stay inside the repository.
fn check_path(p: &Text, diags: &mut Vec<Diagnostic>) -> bool {
    let v = p.as_str();
    let bad = v.is_empty() || v.starts_with('/') || v.starts_with('\\') || v.split(['/', '\\']).any(|c| c == "..");
    if bad {
        diags.push(
            Diagnostic::new(
                Code::InvalidValue,
                p.span,
                format!("path `{v}` must be relative and inside the repository"),
            )
            .label("outside the repository"),
        );
    }
    !bad
}
