//! The notification buffer Microvisor writes records into, and its interrupt handler.

use core::cell::UnsafeCell;
use core::mem::size_of;
use core::ptr::{addr_of, addr_of_mut};
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::center::NotificationCenter;
use crate::ffi::{self, sys, MvStatus};

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
        self.center.set_handle(handle);
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
