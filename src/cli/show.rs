//! `sot show device NAME [--format yaml|json] [--explain]`.

use std::io::Write;

use super::{EXIT_OK, Failure};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// A device with its merged config context.
    Device(DeviceArgs),
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
    let Command::Device(a) = cmd;
    let (loaded, comp) = super::compile_at(&a.repo)?;
    let Some(&id) = comp.index.devices.get(&a.name) else {
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
        Format::Yaml => out.write_all(sot::yaml::emit::to_yaml(&v).as_bytes())?,
    }
    Ok(EXIT_OK)
}
