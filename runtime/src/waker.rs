//! The waker slot the device channel's notification center keeps per tag (feature `async`).

use core::task::Waker;

use crate::sync::{AtomicU32, Ordering, UnsafeCell};

/// One task's waker, set by the task that awaits a channel and taken by the interrupt that
/// wakes it: futures' `AtomicWaker` algorithm (a lock bit for the setter, a waking bit for the
/// taker, so neither ever waits on the other), written here without its `unwrap` on a path that
/// cannot be reached, so that the device fetch keeps no panic path.
#[derive(Debug)]
pub(crate) struct WakerSlot {
    state: AtomicU32,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the waker is only touched by whoever holds the lock bit (`REGISTERING`) or the waking
// bit (`WAKING`) alone, and `Waker` is `Send + Sync`.
unsafe impl Sync for WakerSlot {}

/// No one is setting or taking the waker.
const WAITING: u32 = 0;
/// The task is setting it.
const REGISTERING: u32 = 0b01;
/// The interrupt is taking it (or found it being set, and left the wake to the setter).
const WAKING: u32 = 0b10;

impl WakerSlot {
    /// An empty slot.
    #[cfg(not(all(test, loom)))]
    pub(crate) const fn new() -> Self {
        WakerSlot { state: AtomicU32::new(WAITING), waker: UnsafeCell::new(None) }
    }

    /// An empty slot (loom's atomics are not made in const context).
    #[cfg(all(test, loom))]
    pub(crate) fn new() -> Self {
        WakerSlot { state: AtomicU32::new(WAITING), waker: UnsafeCell::new(None) }
    }

    /// Sets the task to wake (before the task looks for its event, so that none is lost).
    pub(crate) fn register(&self, waker: &Waker) {
        match self.state.compare_exchange(
            WAITING,
            REGISTERING,
            Ordering::Acquire,
            Ordering::Acquire,
        ) {
            Ok(_) => {
                self.waker.with_mut(|slot| {
                    // SAFETY: the lock bit is ours: no one else touches the cell.
                    let slot = unsafe { &mut *slot };
                    if !slot.as_ref().is_some_and(|old| old.will_wake(waker)) {
                        *slot = Some(waker.clone());
                    }
                });
                let unlocked = self.state.compare_exchange(
                    REGISTERING,
                    WAITING,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
                if unlocked.is_err() {
                    // A wake came while the lock was held, and left it to us.
                    let woken = self.waker.with_mut(|slot| {
                        // SAFETY: as above: the lock bit is still ours.
                        unsafe { (*slot).take() }
                    });
                    self.state.swap(WAITING, Ordering::AcqRel);
                    if let Some(woken) = woken {
                        woken.wake();
                    }
                }
            }
            // A wake is under way: the task is to run again anyway.
            Err(WAKING) => waker.wake_by_ref(),
            // Another registration under way: one task per slot makes it impossible.
            Err(_) => {}
        }
    }

    /// Wakes the task set, if any (from the interrupt).
    pub(crate) fn wake(&self) {
        if self.state.fetch_or(WAKING, Ordering::AcqRel) == WAITING {
            let woken = self.waker.with_mut(|slot| {
                // SAFETY: the waking bit is ours, and no registration holds the lock.
                unsafe { (*slot).take() }
            });
            self.state.fetch_and(!WAKING, Ordering::Release);
            if let Some(woken) = woken {
                woken.wake();
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::WakerSlot;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    #[derive(Default)]
    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counted() -> (Arc<Counter>, Waker) {
        let counter = Arc::new(Counter::default());
        (counter.clone(), Waker::from(counter))
    }

    #[test]
    fn a_wake_reaches_the_waker_set_last_once() {
        let slot = WakerSlot::new();
        slot.wake(); // nothing set: nothing happens
        let ((first, first_waker), (second, second_waker)) = (counted(), counted());
        slot.register(&first_waker);
        slot.register(&second_waker);
        slot.wake();
        slot.wake(); // taken by the first wake
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
        // Set again after a wake, it is woken again.
        slot.register(&first_waker);
        slot.wake();
        assert_eq!(first.0.load(Ordering::SeqCst), 1);
    }

    /// The task's side (set the waker, then look for the event) against the interrupt's (raise
    /// the event, then wake) on two threads: whatever the interleaving, a task that found no
    /// event is woken. (Under Miri, which explores the interleavings and checks the accesses,
    /// fewer rounds.)
    #[test]
    fn no_wake_is_lost_between_setting_and_waking() {
        let rounds = if cfg!(miri) { 20 } else { 2000 };
        for _ in 0..rounds {
            let slot = Arc::new(WakerSlot::new());
            let event = Arc::new(AtomicBool::new(false));
            let (wakes, waker) = counted();
            let interrupt = {
                let (slot, event) = (slot.clone(), event.clone());
                std::thread::spawn(move || {
                    event.store(true, Ordering::SeqCst);
                    slot.wake();
                })
            };
            slot.register(&waker);
            let found = event.load(Ordering::SeqCst);
            interrupt.join().unwrap();
            assert!(found || wakes.0.load(Ordering::SeqCst) == 1, "the event was missed");
        }
    }
}

/// Every interleaving of the task's side and the interrupt's, model-checked by loom
/// (`scripts/loom`).
#[cfg(all(test, loom))]
#[allow(clippy::unwrap_used)]
mod loom_tests {
    use super::WakerSlot;
    use loom::sync::atomic::{AtomicBool, Ordering};
    use loom::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::task::{Wake, Waker};

    #[derive(Default)]
    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counted() -> (std::sync::Arc<Counter>, Waker) {
        let counter = std::sync::Arc::new(Counter::default());
        (counter.clone(), Waker::from(counter))
    }

    /// The task sets its waker, then looks for the event; the interrupt raises the event, then
    /// wakes. A task that found no event is woken, exactly once, and the slot is left ready for
    /// the next wait.
    #[test]
    fn no_wake_is_lost_between_setting_and_waking() {
        loom::model(|| {
            let slot = Arc::new(WakerSlot::new());
            let event = Arc::new(AtomicBool::new(false));
            let (wakes, waker) = counted();
            let interrupt = {
                let (slot, event) = (slot.clone(), event.clone());
                loom::thread::spawn(move || {
                    event.store(true, Ordering::Release);
                    slot.wake();
                })
            };
            slot.register(&waker);
            let found = event.load(Ordering::Acquire);
            interrupt.join().unwrap();
            let woken = wakes.0.load(Ordering::SeqCst);
            assert!(woken <= 1, "woken {woken} times");
            assert!(found || woken == 1, "the event was missed");
            // And the slot works afterwards: the next wait is woken too.
            let (next, next_waker) = counted();
            slot.register(&next_waker);
            assert_eq!(next.0.load(Ordering::SeqCst), 0, "woken with no wake");
            slot.wake();
            assert_eq!(next.0.load(Ordering::SeqCst), 1, "the slot is stuck");
        });
    }

    /// A task that sets its waker again (polled once more) while the interrupt wakes: the task
    /// finds the event, or its latest waker is woken. A wake that meets a registration under way
    /// wakes both wakers (the task runs again anyway); none is woken twice.
    #[test]
    fn a_second_registration_against_a_wake_loses_nothing() {
        loom::model(|| {
            let slot = Arc::new(WakerSlot::new());
            let event = Arc::new(AtomicBool::new(false));
            let ((first, first_waker), (second, second_waker)) = (counted(), counted());
            slot.register(&first_waker);
            let interrupt = {
                let (slot, event) = (slot.clone(), event.clone());
                loom::thread::spawn(move || {
                    event.store(true, Ordering::Release);
                    slot.wake();
                })
            };
            slot.register(&second_waker);
            let found = event.load(Ordering::Acquire);
            interrupt.join().unwrap();
            let first = first.0.load(Ordering::SeqCst);
            let second = second.0.load(Ordering::SeqCst);
            assert!(found || second == 1, "the event was missed");
            assert!(first <= 1 && second <= 1, "woken {first} and {second} times");
        });
    }
}
