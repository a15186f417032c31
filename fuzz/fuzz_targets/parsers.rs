//! The value parsers alone against the reference parsers of `src/reference.rs`: the first
//! byte picks one of 32 types (every integer width, bool, both floats, strings, bytes, hex and
//! base64 of several capacities, Option, Secret, a derived enum), the rest is the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    microvisor_config_fuzz::parsers::run(data);
});
