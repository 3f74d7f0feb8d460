//! The process's CPU time and resident memory, read from `/proc` (Linux; `None`
//! elsewhere): the probe `--timings` measures each stage with, installed into the
//! library by [`install`].

use std::time::Duration;

/// Install this probe for the library's stage laps (`sot::compile::Lap`).
pub fn install() {
    sot::compile::set_probe(|| (resident_bytes(), cpu_time()));
}

/// The CPU time the process has used, from `/proc/self/stat` (`None` elsewhere). Its unit
/// is the kernel's clock tick, 10 ms on Linux: enough for stages of tens of milliseconds.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// The process's resident set size, from `/proc/self/statm` (`None` elsewhere).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}
