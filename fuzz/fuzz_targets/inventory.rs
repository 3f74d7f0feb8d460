//! A small repository through the whole pipeline: see `sot_fuzz::fuzz_inventory`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sot_fuzz::fuzz_inventory(data));
