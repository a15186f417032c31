//! The network every channel needs: requested with its events on a notification center, waited
//! for until it is connected, and released when dropped.

use crate::center::NotificationCenter;
use crate::device::clock::now_us;
use crate::error::WaitError;
use crate::ffi::PARAMS_VERSION_1;
use crate::ffi::{sys, MvNetworkHandle, MvNetworkStatus, MvRequestNetworkParams, MvStatus};

/// How long [`Network::wait_connected`] waits unless told otherwise: a minute, as a cellular
/// attach can take tens of seconds.
pub const DEFAULT_CONNECT_TIMEOUT_US: u64 = 60_000_000;

/// A request for the network (`mvRequestNetwork`). Microvisor connects while it is held; its
/// `NETWORKSTATUSCHANGED` events go to the center with its tag. Dropping it releases the
/// network (`mvReleaseNetwork`): close the channels opened on its handle first (a channel
/// holds the handle, a plain number, not a borrow of this request).
#[derive(Debug)]
pub struct Network<'a> {
    handle: MvNetworkHandle,
    center: &'a NotificationCenter,
    tag: u32,
}

impl<'a> Network<'a> {
    /// Asks for the network, its events going to `center` with `tag` (0 to 31, not a channel's).
    ///
    /// # Errors
    ///
    /// `INVALIDHANDLE` without a call if the center is not set up or the tag is past 31; else
    /// what `mvRequestNetwork` answered.
    pub fn request(center: &'a NotificationCenter, tag: u32) -> Result<Self, MvStatus> {
        let notification_handle = center.handle();
        if notification_handle == 0 || tag > 31 {
            return Err(MvStatus::INVALIDHANDLE);
        }
        let params = MvRequestNetworkParams {
            version: PARAMS_VERSION_1,
            notification_handle,
            notification_tag: tag,
        };
        // Before the call: a status change Microvisor posts at once is then kept.
        center.clear(tag);
        let mut handle = 0;
        // SAFETY: `params` and `handle` are valid for the call.
        let status = unsafe { sys::mvRequestNetwork(&params, &mut handle) };
        status.ok()?;
        Ok(Network { handle, center, tag })
    }

    /// The handle [`DeviceChannel::open`](crate::device::DeviceChannel::open) takes.
    pub fn handle(&self) -> MvNetworkHandle {
        self.handle
    }

    /// The network's state now (`mvGetNetworkStatus`).
    ///
    /// # Errors
    ///
    /// The status Microvisor answered.
    pub fn status(&self) -> Result<MvNetworkStatus, MvStatus> {
        let mut status = MvNetworkStatus::DELIBERATELYOFFLINE;
        // SAFETY: `status` is valid for the call.
        unsafe { sys::mvGetNetworkStatus(self.handle, &mut status) }.ok()?;
        Ok(status)
    }

    /// Waits until the network is connected, at most `timeout_us` microseconds; answers the
    /// handle channels open on. The state is read again at each `NETWORKSTATUSCHANGED` event,
    /// not in a busy loop of system calls.
    ///
    /// # Errors
    ///
    /// [`WaitError::Timeout`], or [`WaitError::Status`] if a call failed.
    pub fn wait_connected(&self, timeout_us: u64) -> Result<MvNetworkHandle, WaitError> {
        let start = now_us().map_err(WaitError::Status)?;
        loop {
            if self.status().map_err(WaitError::Status)? == MvNetworkStatus::CONNECTED {
                return Ok(self.handle);
            }
            while !self.center.take_network_changed(self.tag) {
                let now = now_us().map_err(WaitError::Status)?;
                if now.wrapping_sub(start) >= timeout_us {
                    return Err(WaitError::Timeout);
                }
                core::hint::spin_loop();
            }
        }
    }

    /// Resolves once the network is connected, with the handle channels open on (feature
    /// `async`): woken by the center's `NETWORKSTATUSCHANGED` events. Time out from outside
    /// (embassy's `with_timeout`, say); dropping the future leaves the request held.
    ///
    /// # Errors
    ///
    /// [`WaitError::Status`] if reading the state failed.
    #[cfg(feature = "async")]
    pub fn connected(
        &self,
    ) -> impl core::future::Future<Output = Result<MvNetworkHandle, WaitError>> + '_ {
        core::future::poll_fn(move |cx| {
            // Register first, then look: an event between the two still wakes this task.
            self.center.register(self.tag, cx.waker());
            self.center.take_network_changed(self.tag);
            match self.status() {
                Ok(MvNetworkStatus::CONNECTED) => core::task::Poll::Ready(Ok(self.handle)),
                Ok(_) => core::task::Poll::Pending,
                Err(status) => core::task::Poll::Ready(Err(WaitError::Status(status))),
            }
        })
    }
}

impl Drop for Network<'_> {
    fn drop(&mut self) {
        // SAFETY: `self.handle` is valid for the call. Whatever it answers, the request is not
        // ours after this.
        let _ = unsafe { sys::mvReleaseNetwork(&mut self.handle) };
    }
}
