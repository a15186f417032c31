//! What the device's notification interrupt and the main code share: per tag, the events seen
//! and the task to wake. The interrupt records; a channel clears its tag when it opens, then
//! looks (blocking) or registers and looks (async). Built for the device, and on the host for
//! its tests and the loom model (`scripts/loom`).

use crate::error::WaitError;
use crate::ffi::{MvEventType, MvNotificationHandle};
use crate::sync::{AtomicU32, AtomicU8, Ordering};

/// The events of a tag: `CHANNELDATAREADABLE`, `CHANNELNOTCONNECTED`, `NETWORKSTATUSCHANGED`.
const READABLE: u8 = 0b001;
const NOT_CONNECTED: u8 = 0b010;
const NETWORK_CHANGED: u8 = 0b100;

/// The part of a notification center that channels and network requests share, whatever its
/// record count: the handle and which tags have seen their events. Tags are 0 to 31.
#[derive(Debug)]
pub struct NotificationCenter {
    handle: AtomicU32,
    /// Per tag, the events seen. A byte per tag rather than a mask per event: a channel that
    /// opens forgets its tag's events with one store, not a read-modify-write loop.
    events: [AtomicU8; 32],
    /// One waker per tag, woken by that tag's events (feature `async`).
    #[cfg(feature = "async")]
    wakers: [crate::waker::WakerSlot; 32],
}

impl NotificationCenter {
    #[cfg(not(all(test, loom)))]
    pub(crate) const fn new() -> Self {
        NotificationCenter {
            handle: AtomicU32::new(0),
            events: [const { AtomicU8::new(0) }; 32],
            #[cfg(feature = "async")]
            wakers: [const { crate::waker::WakerSlot::new() }; 32],
        }
    }

    /// A center (loom's atomics are not made in const context).
    #[cfg(all(test, loom))]
    pub(crate) fn new() -> Self {
        NotificationCenter {
            handle: AtomicU32::new(0),
            events: core::array::from_fn(|_| AtomicU8::new(0)),
            #[cfg(feature = "async")]
            wakers: core::array::from_fn(|_| crate::waker::WakerSlot::new()),
        }
    }

    /// The handle `mvSetupNotifications` gave, or 0 before setup.
    pub fn handle(&self) -> MvNotificationHandle {
        self.handle.load(Ordering::Acquire)
    }

    pub(crate) fn set_handle(&self, handle: MvNotificationHandle) {
        self.handle.store(handle, Ordering::Release);
    }

    /// Forgets the events seen for `tag`: done when a channel opens, before its request leaves,
    /// so that a stale event cannot answer it and its own cannot be lost to a late clear.
    pub fn clear(&self, tag: u32) {
        if let Some(events) = self.events_of(tag) {
            events.store(0, Ordering::Release);
        }
    }

    /// Whether `CHANNELDATAREADABLE` was seen for `tag`, clearing it.
    pub fn take_readable(&self, tag: u32) -> bool {
        self.take(tag, READABLE)
    }

    /// Whether `NETWORKSTATUSCHANGED` was seen for `tag`, clearing it.
    pub fn take_network_changed(&self, tag: u32) -> bool {
        self.take(tag, NETWORK_CHANGED)
    }

    fn take(&self, tag: u32, event: u8) -> bool {
        self.events_of(tag)
            .is_some_and(|events| events.fetch_and(!event, Ordering::AcqRel) & event != 0)
    }

    /// Whether `CHANNELNOTCONNECTED` was seen for `tag`.
    pub fn not_connected(&self, tag: u32) -> bool {
        self.events_of(tag)
            .is_some_and(|events| events.load(Ordering::Acquire) & NOT_CONNECTED != 0)
    }

    /// What has become of the response awaited on `tag`'s channel: arrived, the channel
    /// closed, or nothing yet. Both events are read with one load and neither is taken: a
    /// channel carries one request, and its tag is cleared when it opens. So a second wait on
    /// an answered channel returns at once.
    #[inline(always)]
    pub(crate) fn response_event(&self, tag: u32) -> Option<Result<(), WaitError>> {
        let events = self.events_of(tag)?.load(Ordering::Acquire);
        if events & READABLE != 0 {
            Some(Ok(()))
        } else if events & NOT_CONNECTED != 0 {
            Some(Err(WaitError::ChannelClosed))
        } else {
            None
        }
    }

    /// Records one event: what the notification interrupt does for each record. Public so
    /// that firmware with its own notification buffer can feed events in.
    pub fn record(&self, event: &crate::ffi::MvNotification) {
        self.record_event(event.event_type, event.tag);
    }

    /// Records an event of type `event_type` for `tag`, and wakes the task waiting on it.
    pub(crate) fn record_event(&self, event_type: MvEventType, tag: u32) {
        let event = match event_type {
            MvEventType::CHANNELDATAREADABLE => READABLE,
            MvEventType::CHANNELNOTCONNECTED => NOT_CONNECTED,
            MvEventType::NETWORKSTATUSCHANGED => NETWORK_CHANGED,
            // Other events concern nobody waiting here.
            _ => return,
        };
        // A tag above 31 has no slot: no channel or network of this center has one (both
        // refuse them), so the event is someone else's.
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

    #[cfg(not(feature = "async"))]
    fn wake(&self, _tag: u32) {}

    /// Sets the task [`NotificationCenter::record`] wakes for `tag`: before the task looks for
    /// its event, so that an event between the two still wakes it.
    #[cfg(feature = "async")]
    pub(crate) fn register(&self, tag: u32, waker: &core::task::Waker) {
        if let Some(slot) = self.wakers.get(tag as usize) {
            slot.register(waker);
        }
    }

    /// The events of `tag`; none for a tag above 31, whose events are ignored.
    fn events_of(&self, tag: u32) -> Option<&AtomicU8> {
        self.events.get(tag as usize)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// Each event is kept for its own tag only; a tag above 31 has no slot, so its events touch
    /// none and it has none to take.
    #[test]
    fn events_are_kept_per_tag() {
        let center = NotificationCenter::new();
        center.record_event(MvEventType::CHANNELDATAREADABLE, 3);
        center.record_event(MvEventType::CHANNELNOTCONNECTED, 4);
        center.record_event(MvEventType::NETWORKSTATUSCHANGED, 5);
        center.record_event(MvEventType::UPDATEDOWNLOADED, 6);
        center.record_event(MvEventType::CHANNELDATAREADABLE, 32);
        assert_eq!(center.response_event(3), Some(Ok(())));
        assert_eq!(center.response_event(4), Some(Err(WaitError::ChannelClosed)));
        assert!(center.not_connected(4) && !center.not_connected(3));
        assert_eq!(center.response_event(5), None);
        assert_eq!(center.response_event(6), None);
        assert_eq!(center.response_event(31), None);
        assert!(!center.take_readable(32) && !center.take_readable(31));
        assert!(center.take_network_changed(5) && !center.take_network_changed(5));
        assert!(center.take_readable(3) && !center.take_readable(3));
        center.clear(4);
        assert_eq!(center.response_event(4), None);
    }
}

/// Every interleaving of the interrupt's record against the main code's clear, look and take,
/// and (feature `async`) against a task's register-then-look, model-checked by loom
/// (`scripts/loom`). The interrupt is a thread: a superset of the interleavings an interrupt,
/// which runs to completion once taken, can make.
#[cfg(all(test, loom))]
#[allow(clippy::unwrap_used)]
mod loom_tests {
    use super::*;
    use loom::sync::atomic::AtomicBool;
    use loom::sync::Arc;

    const TAG: u32 = 7;

    /// The channel opens (clears its tag), sends, then waits: the response, whenever it arrives
    /// after the send, before the first look or between looks, is seen; no event of another
    /// tag is.
    #[test]
    fn a_response_after_the_send_is_never_missed() {
        loom::model(|| {
            let center = Arc::new(NotificationCenter::new());
            let sent = Arc::new(AtomicBool::new(false));
            let interrupt = {
                let (center, sent) = (center.clone(), sent.clone());
                loom::thread::spawn(move || {
                    center.record_event(MvEventType::CHANNELDATAREADABLE, TAG + 1);
                    while !sent.load(Ordering::Acquire) {
                        loom::thread::yield_now();
                    }
                    center.record_event(MvEventType::CHANNELDATAREADABLE, TAG);
                })
            };
            center.clear(TAG);
            sent.store(true, Ordering::Release);
            while center.response_event(TAG).is_none() {
                loom::thread::yield_now();
            }
            assert_eq!(center.response_event(TAG), Some(Ok(())));
            interrupt.join().unwrap();
        });
    }

    /// A stale event of the tag, recorded before the channel opens, is gone once it has: the
    /// clear erases it, whatever the interleaving of the record with the clear's store, so
    /// long as the record came first.
    #[test]
    fn an_event_before_the_clear_does_not_answer_the_new_request() {
        loom::model(|| {
            let center = Arc::new(NotificationCenter::new());
            let recorded = Arc::new(AtomicBool::new(false));
            let interrupt = {
                let (center, recorded) = (center.clone(), recorded.clone());
                loom::thread::spawn(move || {
                    center.record_event(MvEventType::CHANNELDATAREADABLE, TAG);
                    recorded.store(true, Ordering::Release);
                })
            };
            let stale_first = recorded.load(Ordering::Acquire);
            center.clear(TAG);
            let seen = center.response_event(TAG);
            interrupt.join().unwrap();
            if stale_first {
                assert_eq!(seen, None, "the clear left a stale event");
            }
        });
    }

    /// An event recorded once is taken once, however the take and the record interleave.
    #[test]
    fn an_event_is_taken_exactly_once() {
        loom::model(|| {
            let center = Arc::new(NotificationCenter::new());
            let interrupt = {
                let center = center.clone();
                loom::thread::spawn(move || {
                    center.record_event(MvEventType::NETWORKSTATUSCHANGED, TAG);
                })
            };
            let first = center.take_network_changed(TAG);
            interrupt.join().unwrap();
            let second = center.take_network_changed(TAG);
            assert!(first ^ second, "taken {} times", u8::from(first) + u8::from(second));
        });
    }

    /// The async wait: the channel opens and sends; the task registers, then looks; the
    /// interrupt records after the send, which wakes. A task that found nothing is woken.
    #[cfg(feature = "async")]
    #[test]
    fn a_task_that_found_nothing_is_woken() {
        use std::sync::atomic::AtomicUsize;
        use std::task::{Wake, Waker};

        #[derive(Default)]
        struct Counter(AtomicUsize);
        impl Wake for Counter {
            fn wake(self: std::sync::Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }

        loom::model(|| {
            let center = Arc::new(NotificationCenter::new());
            let sent = Arc::new(AtomicBool::new(false));
            let counter = std::sync::Arc::new(Counter::default());
            let waker = Waker::from(counter.clone());
            let interrupt = {
                let (center, sent) = (center.clone(), sent.clone());
                loom::thread::spawn(move || {
                    while !sent.load(Ordering::Acquire) {
                        loom::thread::yield_now();
                    }
                    center.record_event(MvEventType::CHANNELDATAREADABLE, TAG);
                })
            };
            center.clear(TAG);
            sent.store(true, Ordering::Release);
            center.register(TAG, &waker);
            let found = center.response_event(TAG).is_some();
            interrupt.join().unwrap();
            let woken = counter.0.load(Ordering::SeqCst);
            assert!(found || woken == 1, "nothing found and nothing woke the task");
        });
    }
}
