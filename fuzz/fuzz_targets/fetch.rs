//! Drives the generated fetch of a struct with every kind of field through a channel whose
//! every answer comes from the input (statuses of each call, the response's result and item
//! count, each item's result, length and bytes), and checks what it returned against the
//! oracle in `src/model.rs`: exactly the reference parsers' values, or exactly the error the
//! script called for, with the channel closed and never used after.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    microvisor_config_fuzz::model::run(data);
});
