//! Flash of a strict padded base64 decode into 64 bytes: this crate's `Base64<N>` decoder
//! against the `base64` crate (STANDARD engine, no default features). See `run`.
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

/// Decodes `len` bytes of base64 at `text` into the 64 bytes at `out`; the length or -1.
///
/// # Safety
///
/// `out` must be valid for 64 bytes of writes, `text` for `len` bytes of reads.
#[no_mangle]
pub unsafe extern "C" fn b64_decode(out: *mut u8, text: *const u8, len: usize) -> isize {
    // SAFETY: the caller's contract above.
    let out = unsafe { &mut *(out as *mut [u8; 64]) };
    // SAFETY: the caller's contract above.
    let text = unsafe { core::slice::from_raw_parts(text, len) };
    #[cfg(feature = "ours")]
    {
        use microvisor_config::ConfigValue;
        match microvisor_config::Base64::<64>::parse(text) {
            Ok(value) => {
                out[..value.len()].copy_from_slice(&value);
                value.len() as isize
            }
            Err(_) => -1,
        }
    }
    #[cfg(feature = "crate")]
    {
        use base64::Engine;
        match base64::engine::general_purpose::STANDARD.decode_slice(text, out) {
            Ok(n) => n as isize,
            Err(_) => -1,
        }
    }
}
