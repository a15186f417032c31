//! The real config-fetch channel, over Microvisor's system calls, and its buffers.

use crate::center::NotificationCenter;
use crate::channel::{ConfigChannel, ItemRead, Request};
use crate::device::clock::now_us;
use crate::error::WaitError;
use crate::ffi::{self, sys, MvStatus};

/// How long [`DeviceChannel`] waits for a response unless told otherwise: ten seconds.
pub const DEFAULT_TIMEOUT_US: u64 = 10_000_000;

/// A channel's send and receive buffers, 512-byte aligned as every vendor demo has them. Sizes
/// must be multiples of 512; 4096 and 7168 are the demos' choice. Size `RECV` from
/// `T::RESPONSE_MAX_BYTES` ([the crate docs](crate#on-the-device)).
#[repr(C, align(512))]
#[derive(Debug)]
pub struct ChannelBuffers<const SEND: usize, const RECV: usize> {
    send: [u8; SEND],
    receive: [u8; RECV],
}

impl<const SEND: usize, const RECV: usize> ChannelBuffers<SEND, RECV> {
    const SIZES_OK: () = assert!(
        SEND.is_multiple_of(512) && RECV.is_multiple_of(512) && SEND > 0 && RECV > 0,
        "channel buffer sizes must be non-zero multiples of 512 bytes"
    );

    /// Zeroed buffers.
    pub const fn new() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::SIZES_OK;
        ChannelBuffers { send: [0; SEND], receive: [0; RECV] }
    }
}

impl<const SEND: usize, const RECV: usize> Default for ChannelBuffers<SEND, RECV> {
    fn default() -> Self {
        Self::new()
    }
}

/// An open `CONFIGFETCH` channel. It carries one request; dropping it closes it.
#[derive(Debug)]
pub struct DeviceChannel<'a> {
    handle: ffi::MvChannelHandle,
    center: &'a NotificationCenter,
    tag: u32,
    sent: bool,
    timeout_us: u64,
}

impl<'a> DeviceChannel<'a> {
    /// Opens a config-fetch channel on `network`, whose events go to `center` with `tag`
    /// (0 to 31, unique among open channels). The buffers stay borrowed while it is open.
    ///
    /// # Errors
    ///
    /// `INVALIDHANDLE` without a call if the center is not set up; else what `mvOpenChannel`
    /// answered (`RATELIMITED`: wait one second; `TOOMANYCHANNELS`: four are open).
    pub fn open<const SEND: usize, const RECV: usize>(
        network: ffi::MvNetworkHandle,
        center: &'a NotificationCenter,
        tag: u32,
        buffers: &'a mut ChannelBuffers<SEND, RECV>,
    ) -> Result<Self, MvStatus> {
        let notification_handle = center.handle();
        if notification_handle == 0 || tag > 31 {
            return Err(MvStatus::INVALIDHANDLE);
        }
        let params = ffi::MvOpenChannelParams {
            version: ffi::PARAMS_VERSION_1,
            notification_handle,
            notification_tag: tag,
            network_handle: network,
            receive_buffer: buffers.receive.as_mut_ptr(),
            receive_buffer_len: u32::try_from(RECV).map_err(|_| MvStatus::INVALIDBUFFERSIZE)?,
            send_buffer: buffers.send.as_mut_ptr(),
            send_buffer_len: u32::try_from(SEND).map_err(|_| MvStatus::INVALIDBUFFERSIZE)?,
            channel_type: ffi::MvChannelType::CONFIGFETCH,
            endpoint: ffi::MvSizedString { data: b"".as_ptr(), length: 0 },
        };
        center.clear(tag);
        let mut handle = 0;
        // SAFETY: `params` and `handle` are valid for the call; the buffers it names are
        // borrowed for 'a, as long as the returned channel, which closes on drop.
        let status = unsafe { sys::mvOpenChannel(&params, &mut handle) };
        status.ok()?;
        Ok(DeviceChannel { handle, center, tag, sent: false, timeout_us: DEFAULT_TIMEOUT_US })
    }

    /// Sets how long a fetch waits for the response, in microseconds.
    #[must_use]
    pub fn with_timeout_us(mut self, timeout_us: u64) -> Self {
        self.timeout_us = timeout_us;
        self
    }

    /// The channel's handle (0 once closed).
    pub fn handle(&self) -> ffi::MvChannelHandle {
        self.handle
    }

    /// Whether a request was sent on this open channel: only then is there a response to wait
    /// for.
    #[inline(always)]
    fn awaits_response(&self) -> bool {
        self.sent && self.handle != 0
    }

    /// Why Microvisor closed the channel (`mvGetChannelClosureReason`).
    ///
    /// # Errors
    ///
    /// The status Microvisor answered.
    pub fn closure_reason(&self) -> Result<ffi::MvClosureReason, MvStatus> {
        let mut reason = ffi::MvClosureReason::NONE;
        // SAFETY: `reason` is valid for the call.
        let status = unsafe { sys::mvGetChannelClosureReason(self.handle, &mut reason) };
        status.ok().map(|()| reason)
    }
}

impl ConfigChannel for DeviceChannel<'_> {
    #[inline(always)]
    fn send_request(&mut self, request: Request<'_>) -> Result<(), MvStatus> {
        let keys = request.keys();
        // One request per channel: say so without troubling Microvisor.
        if self.sent {
            return Err(MvStatus::REQUESTALREADYSENT);
        }
        if self.handle == 0 {
            return Err(MvStatus::CHANNELCLOSED);
        }
        let params = ffi::MvConfigKeyFetchParams {
            num_items: u32::try_from(keys.len()).map_err(|_| MvStatus::TOOMANYCONFIGKEYS)?,
            keys_to_fetch: keys.as_ptr(),
        };
        // SAFETY: `params` and the keys it points at are valid for the call (`Request`'s
        // promise covers the key texts), which copies the request into the channel's send
        // buffer before it returns.
        let status = unsafe { sys::mvSendConfigFetchRequest(self.handle, &params) };
        self.sent = !status.leaves_request_unsent();
        status.ok()
    }

    // Inlined into the fetch, as are `send_request` and `read_response_data`: the notification
    // interrupt is taken on top of the wait, so a frame of its own here adds to the deepest
    // stack a fetch reaches.
    #[inline(always)]
    fn wait_response(&mut self) -> Result<(), WaitError> {
        if !self.awaits_response() {
            return Err(WaitError::ChannelClosed);
        }
        let start = now_us().map_err(WaitError::Status)?;
        loop {
            if let Some(event) = self.center.response_event(self.tag) {
                return event;
            }
            let now = now_us().map_err(WaitError::Status)?;
            if now.wrapping_sub(start) >= self.timeout_us {
                return Err(WaitError::Timeout);
            }
            core::hint::spin_loop();
        }
    }

    #[inline(always)]
    fn read_response_data(&mut self) -> Result<ffi::MvConfigResponseData, MvStatus> {
        let mut data = ffi::MvConfigResponseData::default();
        // SAFETY: `data` is valid for the call.
        let status = unsafe { sys::mvReadConfigFetchResponseData(self.handle, &mut data) };
        status.ok().map(|()| data)
    }

    fn read_item(&mut self, index: u32, buf: &mut [u8]) -> Result<ItemRead, MvStatus> {
        // A result Microvisor never writes shows up as an unknown result, not as OK.
        let mut result = ffi::MvConfigKeyFetchResult(u32::MAX);
        let mut length: u32 = 0;
        let params = ffi::MvConfigResponseReadItemParams {
            item_index: index,
            result: &mut result,
            buf: ffi::MvSizedStringBuffer {
                data: buf.as_mut_ptr(),
                size: u32::try_from(buf.len()).map_err(|_| MvStatus::INVALIDBUFFERSIZE)?,
                length: &mut length,
            },
        };
        // SAFETY: `params`, `result`, `length` and `buf` (of `size` bytes) are valid and
        // exclusively borrowed for the call.
        let status = unsafe { sys::mvReadConfigResponseItem(self.handle, &params) };
        status.ok().map(|()| ItemRead { result, length })
    }

    // Not inlined: a fetch closes the channel from four places (a failed send, a failed wait,
    // the end of the read, the drop), and one call each is smaller than four copies.
    #[inline(never)]
    fn close(&mut self) {
        if self.handle != 0 {
            // SAFETY: `self.handle` is valid for the call. Whatever it answers (it zeroes the
            // handle on success; INVALIDHANDLE: the channel is gone already), the channel is
            // not ours now.
            let _ = unsafe { sys::mvCloseChannel(&mut self.handle) };
            self.handle = 0;
        }
    }
}

impl Drop for DeviceChannel<'_> {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(feature = "async")]
impl crate::asynch::AsyncConfigChannel for DeviceChannel<'_> {
    fn poll_response(
        &mut self,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Result<(), WaitError>> {
        use core::task::Poll;
        if !self.awaits_response() {
            return Poll::Ready(Err(WaitError::ChannelClosed));
        }
        // Register first, then look: an event between the two still wakes this task.
        self.center.register(self.tag, cx.waker());
        match self.center.response_event(self.tag) {
            Some(event) => Poll::Ready(event),
            None => Poll::Pending,
        }
    }
}
