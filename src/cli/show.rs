//! `sot show device NAME [--format yaml|json] [--explain]`; `sot show site|prefix|vlan|interface`.

use std::io::Write;

use super::{EXIT_OK, Failure};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// A device with its merged config context.
    Device(DeviceArgs),
    /// A site with its racks, devices, prefixes and VLANs.
    Site(SiteArgs),
    /// A prefix with its utilisation, child prefixes and addresses.
    Prefix(PrefixArgs),
    /// A VLAN with the interfaces that carry it.
    Vlan(VlanArgs),
    /// An interface (`DEVICE:INTERFACE`) with its addresses, VLANs and peer.
    Interface(InterfaceArgs),
}

#[derive(clap::Args, Debug)]
pub struct SiteArgs {
    /// The site's slug.
    slug: String,
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    #[command(flatten)]
    repo: super::RepoArgs,
}

#[derive(clap::Args, Debug)]
pub struct PrefixArgs {
    /// The prefix (`10.1.0.0/24`).
    prefix: String,
    /// Its VRF (default: the global table).
    #[arg(long)]
    vrf: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    #[command(flatten)]
    repo: super::RepoArgs,
}

#[derive(clap::Args, Debug)]
pub struct VlanArgs {
    /// The VLAN id.
    vid: i64,
    /// The site whose VLAN it is, when several have the id.
    #[arg(long)]
    site: Option<String>,
    /// The VLAN group it is in, when several have the id.
    #[arg(long)]
    group: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    #[command(flatten)]
    repo: super::RepoArgs,
}

#[derive(clap::Args, Debug)]
pub struct InterfaceArgs {
    /// The interface, as `DEVICE:INTERFACE`.
    name: String,
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    #[command(flatten)]
    repo: super::RepoArgs,
}

fn print(v: &serde_json::Value, format: Format, out: &mut dyn Write) -> Result<u8, Failure> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, v).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Yaml => out.write_all(sot::yaml::dump::to_yaml(v).as_bytes())?,
    }
    Ok(EXIT_OK)
}

/// "; did you mean `x`?" among `candidates`, or nothing.
fn hint<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    sot::diagnostic::did_you_mean(wrong, candidates).map_or(String::new(), |h| format!("; {h}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct DeviceArgs {
    /// The device's name.
    name: String,
    /// For each merged context value: the context that set it and those it overrode.
    #[arg(long)]
    explain: bool,
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    #[command(flatten)]
    repo: super::RepoArgs,
}

pub fn run(cmd: Command, out: &mut dyn Write) -> Result<u8, Failure> {
    let a = match cmd {
        Command::Device(a) => a,
        Command::Site(a) => {
            let (_, comp) = super::compile_at(&a.repo)?;
            let Some(v) = sot::show::site_json(&comp.world, &a.slug) else {
                let h = hint(&a.slug, comp.inventory.sites.iter().map(|s| s.slug.value.as_str()));
                return Err(Failure::Message(format!("no site `{}` in the inventory{h}", a.slug)));
            };
            return print(&v, a.format, out);
        }
        Command::Prefix(a) => {
            let net: ipnet::IpNet = a
                .prefix
                .parse()
                .map_err(|_| Failure::Message(format!("`{}` is not a prefix like 10.1.0.0/24", a.prefix)))?;
            let (_, comp) = super::compile_at(&a.repo)?;
            let Some(v) = sot::show::prefix_json(&comp.world, net, a.vrf.as_deref()) else {
                let vrf = a.vrf.as_deref().map_or("the global table".to_string(), |v| format!("VRF `{v}`"));
                let h = hint(
                    &a.prefix,
                    comp.inventory
                        .prefixes
                        .iter()
                        .map(|p| p.prefix.value.to_string())
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str),
                );
                return Err(Failure::Message(format!("no prefix `{net}` in {vrf}{h}")));
            };
            return print(&v, a.format, out);
        }
        Command::Vlan(a) => {
            let (_, comp) = super::compile_at(&a.repo)?;
            let found = sot::show::vlans_json(&comp.world, a.vid, a.site.as_deref(), a.group.as_deref());
            return match found.as_slice() {
                [one] => print(one, a.format, out),
                [] => Err(Failure::Message(format!(
                    "no VLAN {}{}{} in the inventory",
                    a.vid,
                    a.site.as_deref().map_or(String::new(), |s| format!(" at site `{s}`")),
                    a.group.as_deref().map_or(String::new(), |g| format!(" in group `{g}`"))
                ))),
                many => {
                    let scopes: Vec<String> = many
                        .iter()
                        .map(|v| match (v["site"].as_str(), v["group"].as_str()) {
                            (_, Some(g)) => format!("group {g}"),
                            (Some(s), None) => format!("site {s}"),
                            (None, None) => "global".to_string(),
                        })
                        .collect();
                    Err(Failure::Message(format!(
                        "{} VLANs have id {} ({}); name one with --site or --group",
                        many.len(),
                        a.vid,
                        scopes.join(", ")
                    )))
                }
            };
        }
        Command::Interface(a) => {
            let Some((device, interface)) = a.name.split_once(':') else {
                return Err(Failure::Message(format!("`{}`: write the interface as DEVICE:INTERFACE", a.name)));
            };
            let (_, comp) = super::compile_at(&a.repo)?;
            let Ok(id) = sot::resolve::find_device(device, &comp.inventory, &comp.index) else {
                let h = hint(device, comp.index.devices.keys().map(String::as_str));
                return Err(Failure::Message(format!("no device `{device}` in the inventory{h}")));
            };
            let Some(v) = sot::show::interface_json(&comp.world, id, interface) else {
                let d = &comp.inventory.devices[id.index()];
                let h = hint(interface, d.interfaces.iter().map(|i| i.name.value.as_str()));
                return Err(Failure::Message(format!("device `{device}` has no interface `{interface}`{h}")));
            };
            return print(&v, a.format, out);
        }
    };
    let (loaded, comp) = super::compile_at(&a.repo)?;
    let Ok(id) = sot::resolve::find_device(&a.name, &comp.inventory, &comp.index) else {
        let hint = sot::diagnostic::did_you_mean(&a.name, comp.index.devices.keys().map(String::as_str))
            .map_or(String::new(), |h| format!("; {h}"));
        return Err(Failure::Message(format!("no device `{}` in the inventory{hint}", a.name)));
    };
    if a.explain {
        let rows = sot::show::explain(&comp.world, &loaded.sources, id);
        match a.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, &rows).map_err(std::io::Error::from)?;
                writeln!(out)?;
            }
            Format::Yaml => {
                for r in rows {
                    writeln!(out, "{} = {}", r.path, r.value)?;
                    let w = r.set_by.weight.map_or(String::new(), |w| format!(" (weight {w})"));
                    writeln!(out, "    set by    {}{w} at {}", r.set_by.context, r.set_by.location)?;
                    for o in r.overrode.iter().rev() {
                        let w = o.weight.map_or(String::new(), |w| format!(" (weight {w})"));
                        writeln!(out, "    overrides {}{w} at {}", o.context, o.location)?;
                    }
                }
            }
        }
        return Ok(EXIT_OK);
    }
    let v = sot::show::device_json(&comp.world, id);
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &v).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Yaml => out.write_all(sot::yaml::dump::to_yaml(&v).as_bytes())?,
    }
    Ok(EXIT_OK)
}
