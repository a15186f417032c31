//! Output through semihosting, without `core::fmt`: the formatting machinery of `core` carries
//! panic paths of its own, and the panic-free link must not see any.

use core::sync::atomic::{AtomicUsize, Ordering};

use cortex_m_semihosting::{debug, nr, syscall};

/// The host's stdout handle plus one, opened on first use (0: not yet).
static STDOUT: AtomicUsize = AtomicUsize::new(0);

/// Writes bytes to the host's stdout (nothing if the host has none).
pub fn bytes(text: &[u8]) {
    let mut handle = STDOUT.load(Ordering::Relaxed);
    if handle == 0 {
        const TT: &[u8] = b":tt\0";
        // SAFETY: SYS_OPEN with a NUL-terminated name, its length without the NUL, and mode 4
        // ("w"): the host's stdout.
        let fd = unsafe { syscall!(OPEN, TT.as_ptr(), nr::open::W_TRUNC, TT.len() - 1) };
        handle = fd.wrapping_add(1);
        STDOUT.store(handle, Ordering::Relaxed);
    }
    if handle == 0 {
        return; // the open failed (-1)
    }
    // SAFETY: SYS_WRITE of `text`, valid for its length. A short write is not retried: the
    // output is a log, not data.
    let _ = unsafe { syscall!(WRITE, handle - 1, text.as_ptr(), text.len()) };
}

/// Writes text.
pub fn str(text: &str) {
    bytes(text.as_bytes());
}

/// Writes an unsigned number in decimal.
pub fn num(value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || at == 0 {
            break;
        }
    }
    bytes(digits.get(at..).unwrap_or(&[]));
}

/// Ends the run: QEMU exits with status 0 on success, 1 on failure.
pub fn exit(success: bool) -> ! {
    debug::exit(if success { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    #[allow(clippy::empty_loop)]
    loop {}
}
