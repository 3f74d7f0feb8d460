//! `sot explain CODE` and `sot explain --all [--markdown]`.

use std::io::Write;

use sot::diagnostic::Code;

use super::{EXIT_OK, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A code (`E0202`) or its name (`unknown-reference`).
    #[arg(required_unless_present = "all")]
    code: Option<String>,
    /// Explain every code.
    #[arg(long)]
    all: bool,
    /// Write Markdown (the source of docs/diagnostics.md).
    #[arg(long)]
    markdown: bool,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8, Failure> {
    let codes: Vec<Code> = match (&args.code, args.all) {
        (_, true) => Code::ALL.to_vec(),
        (Some(c), false) => match Code::lookup(c) {
            Some(code) => vec![code],
            None => {
                return Err(Failure::Message(format!("unknown diagnostic code `{c}`; `sot explain --all` lists them")));
            }
        },
        (None, false) => unreachable!("clap requires a code unless --all"),
    };
    if args.markdown {
        out.write_all(sot::diagnostic::markdown(&codes).as_bytes())?;
    } else {
        // Several codes: first an index, one line each.
        if codes.len() > 1 {
            for c in &codes {
                let i = c.info();
                writeln!(out, "{} {:<28} {:<7} {}", i.code, i.name, i.severity.as_str(), i.summary)?;
            }
            writeln!(out)?;
        }
        for c in codes {
            let i = c.info();
            writeln!(
                out,
                "{} {} ({})\n\n{}\n\n{}\n\nExample:\n",
                i.code,
                i.name,
                i.severity.as_str(),
                i.summary,
                i.explanation
            )?;
            for line in i.example.lines() {
                writeln!(out, "    {line}")?;
            }
            writeln!(out)?;
        }
    }
    Ok(EXIT_OK)
}
