//! The atomics and the cell that the interrupt and the main code share: core's, or loom's when
//! the notification center and the waker slot are model-checked (`--cfg loom`, the `loom`
//! tests in center.rs and waker.rs).

#[cfg(all(test, loom))]
pub(crate) use loom::cell::UnsafeCell;
#[cfg(all(test, loom))]
pub(crate) use loom::sync::atomic::{AtomicU32, AtomicU8, Ordering};

#[cfg(not(all(test, loom)))]
pub(crate) use core::sync::atomic::{AtomicU32, AtomicU8, Ordering};

/// `core`'s `UnsafeCell` with loom's way in (`with_mut`), so that the code that uses it is the
/// same code loom checks. Only the waker slot (feature `async`) has one.
#[cfg(all(feature = "async", not(all(test, loom))))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(core::cell::UnsafeCell<T>);

#[cfg(all(feature = "async", not(all(test, loom))))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        UnsafeCell(core::cell::UnsafeCell::new(value))
    }

    /// Calls `f` with a pointer to the value; the caller keeps the accesses exclusive.
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}
