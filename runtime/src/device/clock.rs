//! Microvisor's free-running microsecond clock, which every wait times out by.

use crate::ffi::{sys, MvStatus};

/// Microseconds since Microvisor started (`mvGetMicroseconds`): the clock every wait here times
/// out by, for an application's own timing too.
///
/// # Errors
///
/// The status Microvisor answered.
pub fn now_us() -> Result<u64, MvStatus> {
    let mut now = 0;
    // SAFETY: `now` is valid for the call.
    let status = unsafe { sys::mvGetMicroseconds(&mut now) };
    status.ok().map(|()| now)
}
