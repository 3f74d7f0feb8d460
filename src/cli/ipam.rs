//! `sot ipam available` and `sot ipam usage`: pick free addresses and see how
//! full each prefix is, from the inventory itself.

use std::io::Write;

use ipnet::IpNet;

use super::{EXIT_OK, Failure};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// List the next free addresses (or, with --length, child prefixes) of a prefix.
    Available(AvailableArgs),
    /// Show how full every prefix is.
    Usage(UsageArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// The most `--count` may ask for: a list of that many prefixes is a few megabytes; larger
/// counts are refused before anything is computed (one of `::/0` once grew to 12.5 GB).
pub const MAX_COUNT: u32 = 100_000;

#[derive(clap::Args, Debug)]
pub struct AvailableArgs {
    /// The parent prefix, e.g. 10.1.0.0/24.
    prefix: String,
    /// The VRF (by name); default: the global table.
    #[arg(long)]
    vrf: Option<String>,
    /// How many to list (at most 100000).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_COUNT)))]
    count: u32,
    /// List free child prefixes of this length instead of addresses.
    #[arg(long)]
    length: Option<u8>,
    #[command(flatten)]
    repo: super::RepoArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(clap::Args, Debug)]
pub struct UsageArgs {
    #[command(flatten)]
    repo: super::RepoArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(cmd: Command, out: &mut dyn Write) -> Result<u8, Failure> {
    match cmd {
        Command::Available(a) => available(a, out),
        Command::Usage(a) => usage(a, out),
    }
}

fn available(a: AvailableArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let parent: IpNet =
        a.prefix.parse().map_err(|_| Failure::Message(format!("`{}` is not a prefix like 10.1.0.0/24", a.prefix)))?;
    if parent.trunc() != parent {
        return Err(Failure::Message(format!("`{parent}` has host bits set; the prefix is `{}`", parent.trunc())));
    }
    let (_, comp) = super::compile_at(&a.repo)?;
    let inv = &comp.inventory;
    let vrf = match &a.vrf {
        None => None,
        Some(name) => match comp.index.vrfs.get(name) {
            Some(&id) => Some(id),
            None => return Err(Failure::Message(format!("no VRF `{name}` in the inventory"))),
        },
    };
    let known = inv.prefixes.iter().any(|p| p.prefix.value == parent && p.vrf.as_ref().and_then(|v| v.id) == vrf);
    if !known {
        eprintln!("note: {parent} is not a prefix of the inventory in that VRF; listing from it anyway");
    }
    let found: Vec<IpNet> = match a.length {
        Some(len) => {
            if len < parent.prefix_len() || len > parent.max_prefix_len() {
                return Err(Failure::Message(format!(
                    "--length {len} must be between {} and {}",
                    parent.prefix_len(),
                    parent.max_prefix_len()
                )));
            }
            sot::allocation::available_prefixes(inv, vrf, parent, len, a.count as usize)
        }
        None => sot::allocation::available_ips(inv, vrf, parent, a.count as usize),
    };
    match a.format {
        Format::Table => {
            for n in &found {
                writeln!(out, "{n}")?;
            }
        }
        Format::Json => {
            let list: Vec<String> = found.iter().map(ToString::to_string).collect();
            serde_json::to_writer_pretty(&mut *out, &list).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
    }
    Ok(EXIT_OK)
}

fn usage(a: UsageArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let (_, comp) = super::compile_at(&a.repo)?;
    let rows = sot::allocation::usage(&comp.inventory);
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Table => {
            let w = rows.iter().map(|r| r.prefix.len()).max().unwrap_or(6).max(6);
            let v = rows.iter().map(|r| r.vrf.as_deref().map_or(6, str::len)).max().unwrap_or(6).max(6);
            let s = rows.iter().map(|r| r.site.as_deref().map_or(1, str::len)).max().unwrap_or(4).max(4);
            writeln!(
                out,
                "{:<w$}  {:<v$}  {:<s$}  {:<10}  {:>9}  {:>14}  {:>6}",
                "PREFIX", "VRF", "SITE", "STATUS", "MEASURE", "USED/SIZE", "USE"
            )?;
            for r in rows {
                let used = format!("{}/{}", r.used, human(r.size));
                writeln!(
                    out,
                    "{:<w$}  {:<v$}  {:<s$}  {:<10}  {:>9}  {:>14}  {:>5.1}%",
                    r.prefix,
                    r.vrf.as_deref().unwrap_or("global"),
                    r.site.as_deref().unwrap_or("-"),
                    r.status,
                    r.measure,
                    used,
                    r.percent
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}

fn human(n: u128) -> String {
    if n >= 1 << 32 { format!("2^{}", 127 - n.leading_zeros()) } else { n.to_string() }
}
