//! `sot netbox push --url URL [--token T] [--dry-run] [--prune]`.

use std::io::Write;
use std::time::Duration;

use serde_json::{Value, json};
use sot::diagnostic::Severity;
use sot::netbox::push::{Action, Options, Outcome};
use sot::report::{self, Format, Summary};

use super::{EXIT_ERRORS, EXIT_OK, Failure, RepoArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Make a NetBox hold the inventory: create what is missing, update what differs,
    /// and with --prune delete what sot created that the inventory no longer has.
    Push(PushArgs),
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
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also delete objects sot created that the inventory no longer has.
    #[arg(long)]
    prune: bool,
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

pub fn run(cmd: Command, color: bool, out: &mut dyn Write) -> Result<u8, Failure> {
    match cmd {
        Command::Push(args) => push(args, color, out),
    }
}

fn push(args: PushArgs, color: bool, out: &mut dyn Write) -> Result<u8, Failure> {
    let (loaded, _) = super::load_at(&args.repo.path, args.repo.rev.as_deref())?;
    let comp = sot::compile::compile(&loaded.sources, loaded.config.clone(), loaded.diagnostics);
    let errors = comp.count(Severity::Error);
    if errors > 0 {
        let summary = Summary { files: loaded.sources.len(), objects: comp.inventory.object_count() };
        report::render(Format::Human, &comp.diagnostics, &loaded.sources, summary, color, &mut std::io::stderr())?;
        eprintln!("error: the inventory has {errors} errors; nothing was pushed");
        return Ok(EXIT_ERRORS);
    }
    let bundle = sot::netbox::records(&comp.inventory);
    let mut client = sot::netbox::client::Client::new(&args.url, &args.token, Duration::from_secs(args.timeout));
    client.attempts = args.retries.saturating_add(1);
    let opts = Options { dry_run: args.dry_run, prune: args.prune, batch: args.batch as usize };
    let outcome = sot::netbox::push::push(&client, &bundle, &opts)
        .map_err(|e| Failure::Message(format!("{e}{}", if args.dry_run { "" } else { partial_note() })))?;
    let at = |o: Option<sot::diagnostic::Span>| o.map(|s| loaded.sources.location(s));
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
                    json!({"action": c.action, "model": c.model, "key": c.key, "source": at(c.origin), "fields": fields})
                })
                .collect();
            let problems: Vec<Value> = outcome
                .problems
                .iter()
                .map(|p| json!({"model": p.model, "key": p.key, "message": p.message, "source": at(p.origin)}))
                .collect();
            let doc = json!({
                "url": client.base(),
                "netbox_version": outcome.netbox_version,
                "dry_run": args.dry_run,
                "summary": summary_json(&outcome),
                "changes": changes,
                "problems": problems,
            });
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| Failure::Message(e.to_string()))?;
            writeln!(out)?;
        }
        PushFormat::Text => {
            writeln!(out, "NetBox {} at {}", outcome.netbox_version, client.base())?;
            for c in &outcome.changes {
                let verb = match c.action {
                    Action::Create => "create",
                    Action::Update => "update",
                    Action::Delete => "delete",
                };
                match at(c.origin) {
                    Some(src) => writeln!(out, "{verb} {} {}  ({src})", c.model, c.key)?,
                    None => writeln!(out, "{verb} {} {}", c.model, c.key)?,
                }
                for (k, old, new) in &c.fields {
                    writeln!(out, "    {k}: {old} -> {new}")?;
                }
            }
            let (verbs, tail) = if args.dry_run {
                (["to create", "to update", "to delete"], " (dry run: nothing was changed)")
            } else {
                (["created", "updated", "deleted"], "")
            };
            writeln!(
                out,
                "{} {}, {} {}, {} {}, {} unchanged{tail}",
                outcome.count(Action::Create),
                verbs[0],
                outcome.count(Action::Update),
                verbs[1],
                outcome.count(Action::Delete),
                verbs[2],
                outcome.unchanged,
            )?;
            if outcome.stale > 0 {
                writeln!(
                    out,
                    "{} objects sot created are no longer in the inventory; --prune deletes them",
                    outcome.stale
                )?;
            }
        }
    }
    for p in &outcome.problems {
        match at(p.origin) {
            Some(src) => eprintln!("error: {} `{}`: {}\n  --> {src}", p.model, p.key, p.message),
            None => eprintln!("error: {} `{}`: {}", p.model, p.key, p.message),
        }
    }
    Ok(if outcome.problems.is_empty() { EXIT_OK } else { EXIT_ERRORS })
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

fn partial_note() -> &'static str {
    "\nnote: what was sent before this error stays in NetBox; pushing again continues from there"
}
