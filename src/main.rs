//! The `sot` command line: argument parsing, I/O and exit codes over the library.

mod cli;

/// mimalloc: the pipeline allocates many small nodes and strings from several threads;
/// the system allocator spent a quarter of `sot check`'s time in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (`mimalloc.h`; the enum keeps
/// deprecated slots so that its numbering stays stable). The Rust bindings name no constant
/// for it; `tests::the_purge_delay_option_is_where_we_think` checks it against its default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's default purge delay, in milliseconds.
const DEFAULT_PURGE_DELAY: std::ffi::c_long = 1000;

/// Keep freed memory instead of handing it back to the OS a second after it is freed: a run
/// is short, and the pipeline soon allocates again what it freed (the YAML trees of one file
/// become the next file's). At 100,000 devices, handing pages back and faulting them in
/// again was half of `sot check`'s system time (6.2–12.5 s → 3.6–5.2 s). Left alone if the
/// option does not hold its documented default (another mimalloc, or the user's
/// `MIMALLOC_PURGE_DELAY`). The CLI calls it for every command. (`diff`, which holds two
/// inventories, was left out while this raised its peak at 10,000 devices past 1 GiB; since
/// parsed trees borrow their text it peaks at 930–950 MiB with it, and runs 9% faster.)
pub(crate) fn keep_freed_memory() {
    // SAFETY: `mi_option_get` and `mi_option_set` read and write one entry of mimalloc's
    // option table; any option index and value is accepted (an unknown index is ignored).
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == DEFAULT_PURGE_DELAY {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        }
    }
}

fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_where_we_think() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return; // the environment chose a value: the default cannot be seen
        }
        // SAFETY: as in `keep_freed_memory`.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, DEFAULT_PURGE_DELAY, "option {MI_OPTION_PURGE_DELAY} is not mimalloc's purge delay");
        keep_freed_memory();
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, -1);
    }
}
