//! The `sot` command line: argument parsing, I/O and exit codes over the library.

mod cli;

/// mimalloc: the pipeline allocates many small nodes and strings from several threads;
/// the system allocator spent a quarter of `sot check`'s time in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
