//! Rules and templates against a fixed inventory: see `sot_fuzz::fuzz_rules`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sot_fuzz::fuzz_rules(data));
