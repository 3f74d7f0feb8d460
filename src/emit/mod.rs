//! Emit: the artifacts of `sot build`, planned in memory, then written
//! atomically (`write.rs`).
//!
//! `configs/<device>.cfg` for every device with a template, exports for other
//! tools (`exports.rs`), and `manifest.json` with the tool version, the source
//! revision, a digest of the inputs and each artifact's sha256. Nothing here
//! depends on time or scheduling: two builds of the same input are identical.

pub mod exports;
pub mod write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::compile::Compilation;
use crate::source::SourceSet;

/// What `sot build` can produce besides configurations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// An Ansible YAML inventory grouped by site, role and platform.
    Ansible,
    /// Nornir SimpleInventory hosts, groups and defaults files.
    Nornir,
    /// A NetBox import bundle: REST payloads per model in dependency order, and
    /// CSV files in NetBox's bulk-import format (`netbox/`).
    Netbox,
}

/// One file of the output directory.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Relative to the output directory, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
    pub device: Option<String>,
    /// Holds resolved secrets: written readable by its owner only, and listed in the
    /// manifest without a digest (a digest of a secret-bearing file lets a guess be
    /// confirmed).
    pub secret: bool,
}

impl Artifact {
    /// A file of no device, without secrets.
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> Artifact {
        Artifact { path: path.into(), bytes, device: None, secret: false }
    }
}

#[derive(Serialize)]
struct ManifestEntry<'a> {
    path: &'a str,
    /// `None` for a file holding secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    secret: bool,
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    source: &'a SourceRevision,
    inputs_sha256: String,
    devices_rendered: usize,
    devices_without_template: Vec<&'a str>,
    artifacts: Vec<ManifestEntry<'a>>,
}

/// Where the inputs came from.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRevision {
    /// A commit id, or `working tree`.
    pub revision: String,
    /// For a working tree: whether it differs from HEAD (unknown outside git).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dirty: Option<bool>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest of every input file (path and content, in source order).
pub fn inputs_digest(sources: &SourceSet) -> String {
    let mut h = Sha256::new();
    for (_, f) in sources.iter() {
        h.update(f.path.as_bytes());
        h.update([0]);
        h.update((f.text.len() as u64).to_le_bytes());
        h.update(f.text.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The build's result: artifacts and which devices had no template.
pub struct Plan {
    pub artifacts: Vec<Artifact>,
    pub without_template: Vec<String>,
    pub rendered: usize,
}

/// Plan the output: configurations of `devices` (all when empty), exports, manifest.
pub fn plan(
    comp: &Compilation,
    sources: &SourceSet,
    revision: &SourceRevision,
    targets: &[Target],
    only: &[String],
) -> Plan {
    let inv = &comp.inventory;
    let configs = comp.configs.as_deref().unwrap_or_default();
    let mut artifacts = Vec::new();
    let mut without_template = Vec::new();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    for (i, d) in inv.devices.iter().enumerate() {
        if !wanted(&d.name.value) {
            continue;
        }
        match configs.get(i).and_then(Option::as_ref) {
            Some(text) => artifacts.push(Artifact {
                path: format!("configs/{}.cfg", config_stem(&d.name.value)),
                bytes: text.clone().into_bytes(),
                device: Some(d.name.value.to_string()),
                secret: comp.with_secrets.get(i).is_some_and(|s| *s),
            }),
            None => without_template.push(d.name.value.to_string()),
        }
    }
    let rendered = artifacts.len();
    // Virtual machines with a template: `configs/<vm>.cfg`, unless the name is no safe file
    // name or a device's configuration has that file (both reported by check: E0361).
    let vm_configs = comp.vm_configs.as_deref().unwrap_or_default();
    for (i, vm) in inv.virtual_machines.iter().enumerate() {
        let name = &vm.name.value;
        let Some(text) = vm_configs.get(i).and_then(Option::as_ref) else { continue };
        if !wanted(name) || !crate::validate::safe_file_name(name) {
            continue;
        }
        let path = format!("configs/{name}.cfg");
        if artifacts.iter().any(|a| a.path.eq_ignore_ascii_case(&path)) {
            continue;
        }
        artifacts.push(Artifact {
            path,
            bytes: text.clone().into_bytes(),
            device: Some(name.to_string()),
            secret: comp.vm_secrets.get(i).is_some_and(|s| *s),
        });
    }
    for t in targets {
        artifacts.extend(match t {
            Target::Ansible => exports::ansible(comp, &wanted),
            Target::Nornir => exports::nornir(comp, &wanted),
            Target::Netbox => crate::netbox::files::artifacts(&crate::netbox::records(&comp.inventory), sources),
        });
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        tool: "sot",
        version: env!("CARGO_PKG_VERSION"),
        source: revision,
        inputs_sha256: inputs_digest(sources),
        devices_rendered: rendered,
        devices_without_template: without_template.iter().map(String::as_str).collect(),
        artifacts: artifacts
            .iter()
            .map(|a| ManifestEntry {
                path: &a.path,
                sha256: (!a.secret).then(|| sha256_hex(&a.bytes)),
                bytes: (!a.secret).then_some(a.bytes.len()),
                device: a.device.as_deref(),
                secret: a.secret,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("the manifest serialises");
    bytes.push(b'\n');
    artifacts.push(Artifact::new("manifest.json", bytes));
    Plan { artifacts, without_template, rendered }
}

/// The file name (without `.cfg`) of a device's configuration: the name itself when it
/// is safe as one (`lon1-spine1`), else its letters, digits, `-`, `_` and `.` (every
/// other run of characters one `-`) and `~` with eight hex digits of the name's SHA-256,
/// so that two names never share a file (`Ethernet1/1` at a site that also has
/// `Ethernet1-1`): `core/sw1` is `core-sw1~f787a991`. NetBox allows any device name.
pub fn config_stem(name: &str) -> std::borrow::Cow<'_, str> {
    if crate::validate::file_names::unsafe_file_name(name).is_none() && !name.contains('~') {
        return name.into();
    }
    use sha2::Digest;
    let hash = sha2::Sha256::digest(name.as_bytes());
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    let mut out = out.trim_start_matches(['.', '-']).replace("..", "-");
    out.truncate(120);
    format!("{out}~{:02x}{:02x}{:02x}{:02x}", hash[0], hash[1], hash[2], hash[3]).into()
}
