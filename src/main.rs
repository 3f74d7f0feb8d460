//! The `sot` command line: argument parsing, I/O and exit codes over the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
