//! The real channel on the device (`target_os = "none"`), over Microvisor's system calls.
//!
//! # Setting up
//!
//! ```ignore
//! use microvisor_config::device::{ChannelBuffers, DeviceChannel, Notifications};
//!
//! // A notification center: 16-byte records, 8-byte aligned, in a static.
//! static NOTIFICATIONS: Notifications<8> = Notifications::new();
//! // Channel buffers: 512-byte aligned, sizes a multiple of 512, as the vendor demos use.
//! static mut BUFFERS: ChannelBuffers<4096, 7168> = ChannelBuffers::new();
//!
//! #[interrupt]
//! fn TIM8_BRK() {
//!     // The one call the IRQ handler makes: it records CHANNELDATAREADABLE events.
//!     NOTIFICATIONS.on_interrupt();
//! }
//!
//! NOTIFICATIONS.setup(TIM8_BRK_IRQn)?;                 // mvSetupNotifications
//! let center = NOTIFICATIONS.center();
//! let mut channel = DeviceChannel::open(network, center, /* tag */ 7, buffers)?;
//! let settings = Settings::fetch(&mut channel)?;       // closes the channel on every path
//! ```

use core::cell::UnsafeCell;
use core::ptr::{addr_of, addr_of_mut};
use core::sync::atomic::{AtomicU32, AtomicU8, AtomicUsize, Ordering};

use crate::channel::{ConfigChannel, ItemRead, Request};
use crate::error::WaitError;
use crate::ffi::{self, sys, MvStatus};

/// How long [`DeviceChannel`] waits for a response unless told otherwise: ten seconds.
pub const DEFAULT_TIMEOUT_US: u64 = 10_000_000;

/// The part of a notification center that channels share, whatever its record count: the
/// handle and which tags have seen their events. Tags are 0 to 31.
#[derive(Debug)]
pub struct NotificationCenter {
    handle: AtomicU32,
    /// Per tag, the events seen: [`READABLE`], [`NOT_CONNECTED`]. A byte per tag rather than
    /// a bit mask per event: a channel that opens forgets its tag's events with one store, not
    /// a read-modify-write loop per mask.
    events: [AtomicU8; 32],
    /// One waker per tag, woken by that tag's events (feature `async`).
    #[cfg(feature = "async")]
    wakers: [crate::waker::WakerSlot; 32],
}

impl NotificationCenter {
    const fn new() -> Self {
        NotificationCenter {
            handle: AtomicU32::new(0),
            events: [const { AtomicU8::new(0) }; 32],
            #[cfg(feature = "async")]
            wakers: [const { crate::waker::WakerSlot::new() }; 32],
        }
    }

    /// The handle `mvSetupNotifications` gave, or 0 before setup.
    pub fn handle(&self) -> ffi::MvNotificationHandle {
        self.handle.load(Ordering::Acquire)
    }

    /// Forgets the events seen for `tag` (done when a channel opens, before its request
    /// leaves, so the response's event cannot be lost to a late clear).
    pub fn clear(&self, tag: u32) {
        if let Some(events) = self.events_of(tag) {
            events.store(0, Ordering::Release);
        }
    }

    /// Whether `CHANNELDATAREADABLE` was seen for `tag`, clearing it.
    pub fn take_readable(&self, tag: u32) -> bool {
        self.events_of(tag)
            .is_some_and(|events| events.fetch_and(!READABLE, Ordering::AcqRel) & READABLE != 0)
    }

    /// Whether `CHANNELNOTCONNECTED` was seen for `tag`.
    pub fn not_connected(&self, tag: u32) -> bool {
        self.events_of(tag)
            .is_some_and(|events| events.load(Ordering::Acquire) & NOT_CONNECTED != 0)
    }

    /// What has become of the response awaited on `tag`'s channel: arrived, the channel
    /// closed, or nothing yet. The blocking wait and the async poll both ask this. Both events
    /// are read with one load and neither is taken: a channel carries one request, and its
    /// tag's events are cleared when it opens ([`NotificationCenter::clear`]). So a second
    /// wait on an answered channel returns at once, and no read-modify-write loop is needed.
    #[inline(always)]
    fn response_event(&self, tag: u32) -> Option<Result<(), WaitError>> {
        let events = self.events_of(tag)?.load(Ordering::Acquire);
        if events & READABLE != 0 {
            Some(Ok(()))
        } else if events & NOT_CONNECTED != 0 {
            Some(Err(WaitError::ChannelClosed))
        } else {
            None
        }
    }

    /// Records one event. Used by [`Notifications::on_interrupt`]; public so that firmware with
    /// its own notification buffer can feed events in.
    pub fn record(&self, event: &ffi::MvNotification) {
        self.record_event(event.event_type, event.tag);
    }

    /// Records an event of type `event_type` for `tag`.
    fn record_event(&self, event_type: ffi::MvEventType, tag: u32) {
        let event = match event_type {
            ffi::MvEventType::CHANNELDATAREADABLE => READABLE,
            ffi::MvEventType::CHANNELNOTCONNECTED => NOT_CONNECTED,
            // Other events concern nobody waiting here.
            _ => return,
        };
        // A tag above 31 has no slot: no channel of this center has one (`DeviceChannel::open`
        // refuses them), so the event is someone else's.
        if let Some(events) = self.events_of(tag) {
            events.fetch_or(event, Ordering::AcqRel);
            self.wake(tag);
        }
    }

    #[cfg(feature = "async")]
    fn wake(&self, tag: u32) {
        if let Some(waker) = self.wakers.get(tag as usize) {
            waker.wake();
        }
    }

    /// Sets the task [`NotificationCenter::wake`] wakes for `tag`.
    #[cfg(feature = "async")]
    fn register(&self, tag: u32, waker: &core::task::Waker) {
        if let Some(slot) = self.wakers.get(tag as usize) {
            slot.register(waker);
        }
    }

    #[cfg(not(feature = "async"))]
    fn wake(&self, _tag: u32) {}
}

/// [`NotificationCenter`]'s event bits: `CHANNELDATAREADABLE` seen, `CHANNELNOTCONNECTED` seen.
const READABLE: u8 = 0b01;
const NOT_CONNECTED: u8 = 0b10;

impl NotificationCenter {
    /// The events of `tag`; none for a tag above 31, which no channel has (`DeviceChannel::open`
    /// refuses them): its events are ignored, and it has none to clear or take.
    fn events_of(&self, tag: u32) -> Option<&AtomicU8> {
        self.events.get(tag as usize)
    }
}

/// A notification center of `N` records (`N` ≥ 2: Microvisor wants at least 32 bytes), for a
/// `static`. Microvisor writes the records; [`Notifications::on_interrupt`] reads them.
#[repr(C, align(8))]
pub struct Notifications<const N: usize> {
    records: UnsafeCell<[ffi::MvNotification; N]>,
    next: AtomicUsize,
    center: NotificationCenter,
}

impl<const N: usize> core::fmt::Debug for Notifications<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Notifications").field("records", &N).field("center", &self.center).finish()
    }
}

// SAFETY: the records are written by Microvisor and read and cleared only through volatile
// accesses in `on_interrupt`, which runs in the one IRQ handler the center is set up with;
// everything else is atomics.
unsafe impl<const N: usize> Sync for Notifications<N> {}

impl<const N: usize> Default for Notifications<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Notifications<N> {
    const ENOUGH_RECORDS: () = assert!(
        N >= 2,
        "a Microvisor notification buffer needs at least 32 bytes: use Notifications<2> or more"
    );

    /// An empty center.
    pub const fn new() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::ENOUGH_RECORDS;
        Notifications {
            records: UnsafeCell::new(
                [ffi::MvNotification {
                    microseconds: 0,
                    event_type: ffi::MvEventType::NOEVENT,
                    tag: 0,
                }; N],
            ),
            next: AtomicUsize::new(0),
            center: NotificationCenter::new(),
        }
    }

    /// Registers the buffer with Microvisor (`mvSetupNotifications`) for interrupt `irq`.
    ///
    /// # Errors
    ///
    /// The status Microvisor answered.
    pub fn setup(&'static self, irq: u32) -> Result<ffi::MvNotificationHandle, MvStatus> {
        let setup = ffi::MvNotificationSetup {
            irq,
            buffer: self.records.get().cast::<ffi::MvNotification>(),
            buffer_size: u32::try_from(N * size_of::<ffi::MvNotification>())
                .map_err(|_| MvStatus::INVALIDBUFFERSIZE)?,
        };
        let mut handle = 0;
        // SAFETY: `setup` and `handle` are valid for the call; the buffer is 'static, so it
        // outlives Microvisor's use of it.
        let status = unsafe { sys::mvSetupNotifications(&setup, &mut handle) };
        status.ok()?;
        self.center.handle.store(handle, Ordering::Release);
        Ok(handle)
    }

    /// What channels need of this center.
    pub fn center(&self) -> &NotificationCenter {
        &self.center
    }

    /// Call this from the center's interrupt handler, and nowhere else: it consumes the new
    /// records, remembering for each channel tag that its data is readable.
    pub fn on_interrupt(&self) {
        let records = self.records.get().cast::<ffi::MvNotification>();
        for _ in 0..N {
            let index = self.next.load(Ordering::Relaxed) % N;
            // SAFETY: `index < N`, so the pointer is inside the records array; Microvisor writes
            // records asynchronously, hence the volatile accesses.
            let slot = unsafe { records.add(index) };
            // Only the two fields it needs are read, and only the type cleared (as the vendor's
            // handlers do): the handler runs on the stack of whatever it interrupted, so its
            // frame adds to the deepest stack a fetch can reach.
            // SAFETY: as above; the fields are plain data, valid for any bytes.
            let event_type = unsafe { addr_of!((*slot).event_type).read_volatile() };
            if event_type == ffi::MvEventType::NOEVENT {
                break;
            }
            // SAFETY: as above.
            let tag = unsafe { addr_of!((*slot).tag).read_volatile() };
            self.center.record_event(event_type, tag);
            // SAFETY: as above. A record whose type is NOEVENT is consumed.
            unsafe { addr_of_mut!((*slot).event_type).write_volatile(ffi::MvEventType::NOEVENT) };
            self.next.store((index + 1) % N, Ordering::Relaxed);
        }
    }
}

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

fn now_us() -> Result<u64, MvStatus> {
    let mut now = 0;
    // SAFETY: `now` is valid for the call.
    let status = unsafe { sys::mvGetMicroseconds(&mut now) };
    status.ok().map(|()| now)
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
