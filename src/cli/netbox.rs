//! `sot netbox push --url URL [--token T] [--ca-cert FILE] [--dry-run] [--prune]`.
//!
//! Everything it prints goes through the client's [`Redactor`]: neither the
//! token nor the URL's credentials are ever shown.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use sot::diagnostic::Severity;
use sot::netbox::client::{Redactor, Roots};
use sot::netbox::push::{Action, Options, Outcome};
use sot::report::{self, Format};

use super::{EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, Failure, RepoArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Make a NetBox hold the inventory: create what is missing, update what differs,
    /// and with --prune delete what sot created that the inventory no longer has.
    Push(PushArgs),
    /// Read a NetBox and write it as an inventory repository in a new directory: one
    /// folder per site, global files, device types, config contexts and templates.
    Pull(PullArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct PushArgs {
    #[command(flatten)]
    repo: RepoArgs,
    /// The NetBox's address (e.g. https://netbox.example.com).
    #[arg(long, env = "NETBOX_URL")]
    url: String,
    /// An API token: `nbt_…` (sent as Bearer) or 40 hex characters (sent as Token).
    #[arg(long, env = "NETBOX_TOKEN", hide_env_values = true)]
    token: String,
    /// Trust only the certificate authorities in this PEM file for HTTPS (as curl's
    /// --cacert); without it, the system's trust store (or SSL_CERT_FILE / SSL_CERT_DIR).
    #[arg(long, env = "NETBOX_CA_CERT", value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also delete objects sot created that the inventory no longer has.
    #[arg(long)]
    prune: bool,
    /// Take over objects sot did not create that stand in the way of the inventory's
    /// (the same name under another slug, the same rack unit): update them in place
    /// instead of reporting a conflict.
    #[arg(long)]
    adopt: bool,
    /// Seconds to wait for one answer from NetBox.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// How many times to try again after a timeout or a 5xx answer (with backoff).
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// Objects per bulk request.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=5000))]
    batch: u64,
    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = PushFormat::Text)]
    format: PushFormat,
}

#[derive(clap::Args, Debug)]
pub struct PullArgs {
    /// The NetBox's address (e.g. https://netbox.example.com).
    #[arg(long, env = "NETBOX_URL")]
    url: String,
    /// An API token: `nbt_…` (sent as Bearer) or 40 hex characters (sent as Token).
    #[arg(long, env = "NETBOX_TOKEN", hide_env_values = true)]
    token: String,
    /// Trust only the certificate authorities in this PEM file for HTTPS (as curl's
    /// --cacert); without it, the system's trust store (or SSL_CERT_FILE / SSL_CERT_DIR).
    #[arg(long, env = "NETBOX_CA_CERT", value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// The directory to write the repository into (must be empty or missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace a non-empty DIR (its `.git` is kept).
    #[arg(long)]
    force: bool,
    /// Seconds to wait for one answer from NetBox.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// How many times to try again after a timeout or a 5xx answer (with backoff).
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = PushFormat::Text)]
    format: PushFormat,
}

pub fn run(cmd: Command, color: bool, out: &mut dyn Write) -> Result<u8, Failure> {
    match cmd {
        Command::Push(args) => push(args, color, out),
        Command::Pull(args) => super::pull::run(args, out),
    }
}

impl PullArgs {
    pub fn out(&self) -> &Path {
        &self.out
    }
    pub fn force(&self) -> bool {
        self.force
    }
    pub fn json(&self) -> bool {
        self.format == PushFormat::Json
    }

    /// A client for the NetBox named, with its redactor; warns of a clear-text URL.
    pub fn client(&self) -> Result<(sot::netbox::client::Client, Redactor), Failure> {
        let redactor = Redactor::new(&self.token, &self.url);
        let roots = roots(&self.url, self.ca_cert.as_deref(), &redactor)?;
        if let Some(host) = clear_text_host(&self.url) {
            eprintln!(
                "warning: {} is plain http to {host}: the token travels in clear text; use https",
                sot::netbox::client::redact_url(&self.url)
            );
        }
        let mut client =
            sot::netbox::client::Client::new(&self.url, &self.token, Duration::from_secs(self.timeout), roots);
        client.attempts = self.retries.saturating_add(1);
        Ok((client, redactor))
    }
}

fn push(args: PushArgs, color: bool, out: &mut dyn Write) -> Result<u8, Failure> {
    let redactor = Redactor::new(&args.token, &args.url);
    let roots = roots(&args.url, args.ca_cert.as_deref(), &redactor)?;
    if let Some(host) = clear_text_host(&args.url) {
        eprintln!(
            "warning: {} is plain http to {host}: the token travels in clear text; use https",
            sot::netbox::client::redact_url(&args.url)
        );
    }
    let (loaded, _) = super::load_at(&args.repo.dir(), args.repo.rev.as_deref())?;
    let comp = sot::compile::compile(&loaded.sources, loaded.config.clone(), loaded.diagnostics);
    let errors = comp.count(Severity::Error);
    if errors > 0 {
        let summary = super::summary(&loaded.sources, &loaded.root, &comp);
        report::render(Format::Human, &comp.diagnostics, &loaded.sources, summary, color, &mut std::io::stderr())?;
        eprintln!("error: the inventory has {errors} errors; nothing was pushed");
        return Ok(EXIT_ERRORS);
    }
    let mut bundle = sot::netbox::records(&comp.inventory);
    sot::netbox::push::add_config_templates(&mut bundle, &comp.inventory, &loaded.sources, &loaded.config);
    let mut client = sot::netbox::client::Client::new(&args.url, &args.token, Duration::from_secs(args.timeout), roots);
    client.attempts = args.retries.saturating_add(1);
    let opts = Options { dry_run: args.dry_run, prune: args.prune, adopt: args.adopt, batch: args.batch as usize };
    let (outcome, error) = match sot::netbox::push::push(&client, &bundle, &opts) {
        Ok(o) => (o, None),
        Err(f) => (f.outcome, Some(redactor.text(&f.error.to_string()))),
    };
    let at = |o: Option<sot::diagnostic::Span>| o.map(|s| loaded.sources.location(s));
    // Printed in one piece once redacted: nothing reaches the terminal unredacted.
    let mut buf: Vec<u8> = Vec::new();
    match args.format {
        PushFormat::Json => {
            let changes: Vec<Value> = outcome
                .changes
                .iter()
                .map(|c| {
                    let fields: serde_json::Map<String, Value> = c
                        .fields
                        .iter()
                        .map(|(k, old, new)| (k.clone(), json!({"netbox": old, "inventory": new})))
                        .collect();
                    let mut c_json = json!({"action": c.action, "model": c.model, "key": c.key, "source": at(c.origin), "fields": fields});
                    if let Some(w) = &c.with {
                        c_json["with"] = json!(w);
                    }
                    c_json
                })
                .collect();
            let problems: Vec<Value> = outcome
                .problems
                .iter()
                .map(|p| {
                    let mut p_json =
                        json!({"model": p.model, "key": p.key, "message": p.message, "source": at(p.origin)});
                    if let Some(c) = &p.cause {
                        p_json["cause"] = json!(c);
                    }
                    p_json
                })
                .collect();
            let by_model: serde_json::Map<String, Value> = outcome
                .by_model()
                .into_iter()
                .map(|(m, [c, u, d])| (m.to_string(), json!({"create": c, "update": u, "delete": d})))
                .collect();
            let doc = json!({
                "url": client.base(),
                "netbox_version": outcome.netbox_version,
                "dry_run": args.dry_run,
                "failed": error.is_some(),
                "error": error,
                "summary": summary_json(&outcome),
                "by_model": by_model,
                "changes": changes,
                "problems": problems,
            });
            let doc = redactor.value(doc);
            serde_json::to_writer_pretty(&mut buf, &doc).map_err(|e| Failure::Message(e.to_string()))?;
            writeln!(buf)?;
        }
        PushFormat::Text if error.is_some() && outcome.changes.is_empty() && outcome.unchanged == 0 => {}
        PushFormat::Text => {
            writeln!(buf, "NetBox {} at {}", outcome.netbox_version, client.base())?;
            for c in &outcome.changes {
                let verb = match c.action {
                    Action::Create => "create",
                    Action::Update => "update",
                    Action::Delete => "delete",
                };
                match (at(c.origin), &c.with) {
                    (_, Some(with)) => writeln!(buf, "{verb} {} {}  (by NetBox, with {with})", c.model, c.key)?,
                    (Some(src), None) => writeln!(buf, "{verb} {} {}  ({src})", c.model, c.key)?,
                    (None, None) => writeln!(buf, "{verb} {} {}", c.model, c.key)?,
                }
                for (k, old, new) in &c.fields {
                    writeln!(buf, "    {k}: {old} -> {new}")?;
                }
            }
            let (verbs, tail) = if args.dry_run {
                (["to create", "to update", "to delete"], " (dry run: nothing was changed)")
            } else {
                (["created", "updated", "deleted"], "")
            };
            let counts = format!(
                "{} {}, {} {}, {} {}, {} unchanged",
                outcome.count(Action::Create),
                verbs[0],
                outcome.count(Action::Update),
                verbs[1],
                outcome.count(Action::Delete),
                verbs[2],
                outcome.unchanged,
            );
            if error.is_some() {
                writeln!(buf, "the push stopped on an error; before it: {counts}{tail}")?;
                for (model, [c, u, d]) in outcome.by_model() {
                    let parts: Vec<String> = [(c, verbs[0]), (u, verbs[1]), (d, verbs[2])]
                        .into_iter()
                        .filter(|(n, _)| *n > 0)
                        .map(|(n, v)| format!("{n} {v}"))
                        .collect();
                    writeln!(buf, "    {model}: {}", parts.join(", "))?;
                }
            } else {
                writeln!(buf, "{counts}{tail}")?;
            }
            if outcome.stale > 0 {
                writeln!(
                    buf,
                    "{} objects sot created are no longer in the inventory; --prune deletes them",
                    outcome.stale
                )?;
            }
        }
    }
    out.write_all(redactor.text(&String::from_utf8_lossy(&buf)).as_bytes())?;
    out.flush()?;
    for line in problem_lines(&outcome, &at) {
        eprintln!("{}", redactor.text(&line));
    }
    if let Some(e) = error {
        let done = outcome.changes.len();
        let note = if args.dry_run {
            String::new()
        } else if done == 0 {
            "\nnote: nothing was changed in NetBox before this error".to_string()
        } else {
            format!(
                "\nnote: the {done} changes listed {} were made before this error and stay in NetBox; \
                 the request that failed may or may not have been applied; pushing again continues from there",
                if args.format == PushFormat::Json { "in `changes`" } else { "above" }
            )
        };
        eprintln!("error: {e}{note}");
        return Ok(EXIT_FAILURE);
    }
    Ok(if outcome.problems.is_empty() { EXIT_OK } else { EXIT_ERRORS })
}

/// The certificate authorities HTTPS trusts: the PEM file `ca_cert` alone when
/// given (checked even for an http URL, so that a mistake shows at once);
/// otherwise the system's store (which `SSL_CERT_FILE` / `SSL_CERT_DIR` replace),
/// or the built-in Mozilla roots on a system that has none.
fn roots(url: &str, ca_cert: Option<&Path>, redactor: &Redactor) -> Result<Roots, Failure> {
    if let Some(path) = ca_cert {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::Message(format!("--ca-cert {}: cannot be read: {e}", path.display())))?;
        let certs = sot::netbox::client::pem_certificates(&bytes)
            .map_err(|e| Failure::Message(format!("--ca-cert {}: {e}", path.display())))?;
        return Ok(Roots::Certs(certs));
    }
    if !url.trim_start().to_ascii_lowercase().starts_with("https://") {
        return Ok(Roots::Bundled);
    }
    let found = rustls_native_certs::load_native_certs();
    let errors: Vec<String> = found.errors.iter().map(|e| redactor.text(&e.to_string())).collect();
    if found.certs.is_empty() {
        if !errors.is_empty() {
            let set = ["SSL_CERT_FILE", "SSL_CERT_DIR"].into_iter().filter(|v| std::env::var_os(v).is_some());
            let set: Vec<&str> = set.collect();
            let hint = if set.is_empty() { String::new() } else { format!(" (set by {})", set.join(" and ")) };
            return Err(Failure::Message(format!("the trust store{hint} could not be read: {}", errors.join("; "))));
        }
        return Ok(Roots::Bundled);
    }
    for e in errors {
        eprintln!("warning: part of the trust store could not be read: {e}");
    }
    Ok(Roots::Certs(found.certs.into_iter().map(|c| c.to_vec()).collect()))
}

/// The host of a plain-http `url`, unless it is this machine (the token does
/// not leave it).
fn clear_text_host(url: &str) -> Option<String> {
    let t = url.trim();
    let (scheme, rest) = t.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| host.to_string())
}

/// The problems as printed: each on its own, except objects not sent because they
/// depend on one NetBox does not have, which are counted under that cause (one line
/// and an example, not one line each).
fn problem_lines(outcome: &Outcome, at: &dyn Fn(Option<sot::diagnostic::Span>) -> Option<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut groups: Vec<(&str, Vec<&sot::netbox::push::Problem>)> = Vec::new();
    for p in &outcome.problems {
        match &p.cause {
            Some(c) => match groups.iter_mut().find(|(k, _)| k == c) {
                Some((_, v)) => v.push(p),
                None => groups.push((c, vec![p])),
            },
            None => out.push(match at(p.origin) {
                Some(src) => format!("error: {} `{}`: {}\n  --> {src}", p.model, p.key, p.message),
                None => format!("error: {} `{}`: {}", p.model, p.key, p.message),
            }),
        }
    }
    for (cause, deps) in groups {
        let first = deps[0];
        let example = match at(first.origin) {
            Some(src) => format!("{} `{}` ({src})", first.model, first.key),
            None => format!("{} `{}`", first.model, first.key),
        };
        let n = deps.len();
        let (objects, depend) = if n == 1 { ("object", "depends") } else { ("objects", "depend") };
        out.push(format!(
            "error: {n} {objects} not sent: {depend} on {cause}, which NetBox does not have (it was refused)\n  \
             e.g. {example}"
        ));
    }
    out
}

fn summary_json(o: &Outcome) -> Value {
    json!({
        "create": o.count(Action::Create),
        "update": o.count(Action::Update),
        "delete": o.count(Action::Delete),
        "unchanged": o.unchanged,
        "stale": o.stale,
        "problems": o.problems.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::clear_text_host;

    #[test]
    fn plain_http_is_flagged_unless_it_stays_on_this_machine() {
        assert_eq!(clear_text_host("http://netbox.example.com/").as_deref(), Some("netbox.example.com"));
        assert_eq!(clear_text_host("HTTP://u:p@10.0.0.5:8000").as_deref(), Some("10.0.0.5"));
        assert_eq!(clear_text_host("http://[2001:db8::1]:80/api").as_deref(), Some("2001:db8::1"));
        for quiet in ["https://netbox.example.com", "http://127.0.0.1:8000", "http://localhost/", "http://[::1]:80"] {
            assert_eq!(clear_text_host(quiet), None, "{quiet}");
        }
    }
}
