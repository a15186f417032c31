//! The server log: lines the application sends to the cloud, read with the vendor's CLI. A way
//! to see a device's boot without a debugger.

use core::cell::UnsafeCell;
use core::fmt::{self, Write};

use crate::ffi::{sys, MvStatus};
use crate::line::Line;

/// The buffer Microvisor queues server log messages in (`mvServerLoggingInit`), for a `static`:
/// 512-byte aligned and a multiple of 512 bytes, as the vendor's demos have it.
#[repr(C, align(512))]
pub struct ServerLog<const N: usize> {
    buffer: UnsafeCell<[u8; N]>,
}

impl<const N: usize> fmt::Debug for ServerLog<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerLog").field("bytes", &N).finish()
    }
}

// SAFETY: the buffer is Microvisor's once handed over (`init`); this crate never reads or writes
// it afterwards.
unsafe impl<const N: usize> Sync for ServerLog<N> {}

impl<const N: usize> Default for ServerLog<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> ServerLog<N> {
    const SIZE_OK: () =
        assert!(N > 0 && N.is_multiple_of(512), "a server log buffer is a multiple of 512 bytes");

    /// A buffer not yet handed over.
    pub const fn new() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::SIZE_OK;
        ServerLog { buffer: UnsafeCell::new([0; N]) }
    }

    /// Hands the buffer to Microvisor (`mvServerLoggingInit`). Call it once, before logging.
    ///
    /// # Errors
    ///
    /// The status Microvisor answered.
    pub fn init(&'static self) -> Result<(), MvStatus> {
        let length = u32::try_from(N).map_err(|_| MvStatus::INVALIDBUFFERSIZE)?;
        // SAFETY: the buffer is 'static and used by no one else from now on.
        unsafe { sys::mvServerLoggingInit(self.buffer.get().cast(), length) }.ok()
    }

    /// Queues one line for the server log (`mvServerLog`).
    ///
    /// # Errors
    ///
    /// `UNAVAILABLE` before `init`, `INVALIDBUFFERSIZE` while the buffer is full,
    /// `LOGMESSAGETOOLONG`, `LOGGINGDISABLEDBYSERVER`.
    pub fn log(&self, line: &str) -> Result<(), MvStatus> {
        let length = u16::try_from(line.len()).map_err(|_| MvStatus::LOGMESSAGETOOLONG)?;
        // SAFETY: `line` is valid for `length` bytes during the call, which copies them.
        unsafe { sys::mvServerLog(line.as_ptr(), length) }.ok()
    }

    /// Formats one line of at most [`LOG_LINE_BYTES`](crate::device::LOG_LINE_BYTES) on the stack and queues it: a longer line
    /// is cut, and says so with a trailing `...`, rather than being lost.
    ///
    /// # Errors
    ///
    /// As [`ServerLog::log`].
    pub fn log_fmt(&self, args: fmt::Arguments<'_>) -> Result<(), MvStatus> {
        let mut line = Line::new();
        // `Line` never fails a write: a line too long is cut, not refused.
        let _ = line.write_fmt(args);
        self.log(line.as_str())
    }
}
