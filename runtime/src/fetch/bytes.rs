//! Byte-level helpers the fetch shares: wiping, and moving or swapping a whole struct's bytes.
//! Non-generic, so every settings struct uses one copy.

use core::mem::{size_of, MaybeUninit};

use zeroize::Zeroize;

/// Overwrites `len` bytes at `at` with zeros in a way the optimiser keeps. As `MaybeUninit`
/// bytes: a half-written struct may hold bytes that are not initialized.
///
/// # Safety
///
/// `at` is valid for writes of `len` bytes.
// Not inlined: the read buffer's wipe, a failed fetch's and a refresh's share it.
#[inline(never)]
pub(crate) unsafe fn wipe(at: *mut u8, len: usize) {
    // SAFETY: the caller's contract; any bytes are valid for `MaybeUninit<u8>`.
    unsafe { core::slice::from_raw_parts_mut(at.cast::<MaybeUninit<u8>>(), len) }.zeroize();
}

/// Moves the `len` bytes at `from` over those at `to`, then wipes `from`: the commit of a
/// refresh whose fields need no drop. Every byte of `to` is overwritten, padding and unused
/// capacity included, so no part of an old secret survives past a shorter new value.
///
/// # Safety
///
/// `from` is valid for reads and writes of `len` bytes, `to` for writes, and they do not
/// overlap; what `to` held needs no drop.
pub(crate) unsafe fn move_and_wipe(to: *mut u8, from: *mut u8, len: usize) {
    // SAFETY: the caller's contract. As `MaybeUninit` bytes: padding and unused capacity are
    // uninitialized, and pointers keep their provenance through the copy.
    unsafe {
        core::ptr::copy_nonoverlapping(
            from.cast::<MaybeUninit<u8>>(),
            to.cast::<MaybeUninit<u8>>(),
            len,
        );
        wipe(from, len);
    }
}

/// Swaps the `len` bytes at `a` with those at `b`: the commit of a refresh whose fields need a
/// drop. Sixteen bytes a step, four words in registers.
///
/// # Safety
///
/// `a` and `b` are valid for reads and writes of `len` bytes and do not overlap.
pub(crate) unsafe fn swap_bytes(a: *mut u8, b: *mut u8, len: usize) {
    const STEP: usize = 16;
    let mut at = 0;
    while at + STEP <= len {
        // SAFETY: `at + STEP <= len`, within both (the contract); unaligned accesses. As
        // `MaybeUninit`: padding and unused capacity are uninitialized, and pointers keep
        // their provenance.
        unsafe {
            let (a, b) = (
                a.add(at).cast::<[MaybeUninit<u32>; 4]>(),
                b.add(at).cast::<[MaybeUninit<u32>; 4]>(),
            );
            let from_a = a.read_unaligned();
            a.write_unaligned(b.read_unaligned());
            b.write_unaligned(from_a);
        }
        at += STEP;
    }
    while at < len {
        // SAFETY: `at < len`, within both.
        unsafe {
            core::ptr::swap_nonoverlapping(
                a.add(at).cast::<MaybeUninit<u8>>(),
                b.add(at).cast::<MaybeUninit<u8>>(),
                1,
            );
        }
        at += 1;
    }
}

/// The bytes of the place `out`: what the cores are handed, for the struct and its read buffer.
pub(crate) fn bytes_of<T>(out: &mut MaybeUninit<T>) -> &mut [MaybeUninit<u8>] {
    // SAFETY: the place's `size_of::<T>()` bytes, exclusively borrowed for the lifetime of the
    // answer; any bytes are valid for `MaybeUninit<u8>`, and the answer cannot write anything
    // that `MaybeUninit<T>` would not hold.
    unsafe { core::slice::from_raw_parts_mut(out.as_mut_ptr().cast(), size_of::<T>()) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use heapless::String;

    #[test]
    fn swap_bytes_swaps_every_length() {
        for len in 0..40 {
            let mut a: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut b: Vec<u8> = (0..len).map(|i| 200 - i as u8).collect();
            let (a0, b0) = (a.clone(), b.clone());
            // SAFETY: two buffers of `len` bytes.
            unsafe { swap_bytes(a.as_mut_ptr(), b.as_mut_ptr(), len) };
            assert_eq!((a, b), (b0, a0), "{len}");
        }
    }

    /// Settings hold padding, unused capacity (uninitialized bytes) and pointers: the swap
    /// moves them all as they are (Miri checks it reads no uninitialized byte as an integer and
    /// keeps the pointers' provenance).
    #[test]
    fn swap_bytes_moves_padding_capacity_and_pointers() {
        type Settings = (u8, u32, &'static str, String<8>);
        let mut a: Settings = (1, 2, "left", String::try_from("ab").unwrap());
        let mut b: Settings = (3, 4, "right", String::try_from("xyz").unwrap());
        // SAFETY: two values of one type, not overlapping.
        unsafe {
            swap_bytes((&raw mut a).cast(), (&raw mut b).cast(), size_of::<Settings>());
        }
        assert_eq!(a, (3, 4, "right", String::try_from("xyz").unwrap()));
        assert_eq!(b, (1, 2, "left", String::try_from("ab").unwrap()));
    }

    #[test]
    fn move_and_wipe_moves_every_byte_and_zeroes_the_source() {
        for len in 0..40 {
            let mut from: Vec<u8> = (0..len).map(|i| i as u8 + 1).collect();
            let mut to = std::vec![0xa5u8; len];
            let moved = from.clone();
            // SAFETY: two buffers of `len` bytes.
            unsafe { move_and_wipe(to.as_mut_ptr(), from.as_mut_ptr(), len) };
            assert_eq!(to, moved, "{len}");
            assert!(from.iter().all(|&b| b == 0), "{len}");
        }
    }
}
