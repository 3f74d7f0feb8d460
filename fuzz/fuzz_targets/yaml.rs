//! Bytes into the YAML layer: see `sot_fuzz::fuzz_yaml`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sot_fuzz::fuzz_yaml(data));
