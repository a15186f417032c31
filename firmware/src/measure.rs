//! Stack painting and the markers the instruction count is taken between.
//!
//! Stack: [`run`] fills the free stack below its own frame with a pattern, calls the code under
//! test, and finds the lowest word that no longer holds the pattern. Everything happens in one
//! frame whose size is fixed on entry, with the paint and scan loops in assembly, so nothing
//! but the call itself (and any interrupt taken during it) writes below the stack pointer.
//!
//! Instructions: the benchmark runs QEMU with one instruction per translation block and logs
//! every block executed; `bench/run` counts the log lines between the first execution of
//! [`bench_begin`] and of [`bench_end`].

use core::arch::asm;
use core::hint::black_box;
use core::sync::atomic::AtomicU32;

/// What free stack is painted with.
pub const PAINT: u32 = 0xa5c3_5a3c;
/// How much stack below the caller is painted (and so the most that can be measured).
pub const WINDOW: usize = 32 * 1024;

extern "C" {
    /// The end of the statics: the stack may grow down to here (cortex-m-rt's link.x).
    static __sheap: u32;
}

static MARK: AtomicU32 = AtomicU32::new(0);

/// The instruction count starts here.
#[no_mangle]
#[inline(never)]
pub extern "C" fn bench_begin() {
    // SAFETY: a plain store to a static; volatile so the two markers differ and stay.
    unsafe { MARK.as_ptr().write_volatile(1) };
}

/// The instruction count ends here.
#[no_mangle]
#[inline(never)]
pub extern "C" fn bench_end() {
    // SAFETY: as in `bench_begin`.
    unsafe { MARK.as_ptr().write_volatile(2) };
}

/// What one measured call did.
#[derive(Clone, Copy, Debug)]
pub struct Measured {
    /// What the call returned.
    pub ok: bool,
    /// The deepest stack below the caller's stack pointer, in bytes (the call's return
    /// address push included).
    pub stack: u32,
    /// The painted window was used up: `stack` is a lower bound.
    pub overflowed: bool,
}

/// Calls `f` between the markers on a freshly painted stack and measures its peak stack use.
#[inline(never)]
pub fn run(f: fn() -> bool) -> Measured {
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
    // SAFETY: only the address of the linker symbol is taken.
    let heap = core::ptr::addr_of!(__sheap) as usize;
    let bottom = sp.saturating_sub(WINDOW).max((heap + 3) & !3) & !3;
    // SAFETY: [bottom, sp) is free stack (below the stack pointer, above the statics), word
    // aligned; nothing else uses it until `f` runs.
    unsafe {
        asm!(
            "2:",
            "cmp {p}, {end}",
            "bhs 3f",
            "str {v}, [{p}], #4",
            "b 2b",
            "3:",
            p = inout(reg) bottom => _,
            end = in(reg) sp,
            v = in(reg) PAINT,
            options(nostack),
        );
    }
    // Called through opaque pointers: inlined into this function, the fetch's frame would be
    // allocated by this function's prologue, above the painted stack, and the markers would
    // vanish from the trace.
    let (begin, f, end) = (
        black_box(bench_begin as extern "C" fn()),
        black_box(f),
        black_box(bench_end as extern "C" fn()),
    );
    begin();
    let ok = f();
    end();
    let mut lowest = bottom;
    // SAFETY: reads the words of [bottom, sp) painted above.
    unsafe {
        asm!(
            "2:",
            "cmp {p}, {end}",
            "bhs 3f",
            "ldr {t}, [{p}]",
            "cmp {t}, {v}",
            "bne 3f",
            "adds {p}, #4",
            "b 2b",
            "3:",
            p = inout(reg) lowest,
            end = in(reg) sp,
            v = in(reg) PAINT,
            t = out(reg) _,
            options(nostack, readonly),
        );
    }
    Measured { ok, stack: (sp - lowest) as u32, overflowed: lowest == bottom }
}

/// Whether `needle` appears anywhere in the `WINDOW` bytes below the caller's stack pointer:
/// what a call left behind in its dead frames.
#[inline(never)]
pub fn stack_holds(needle: &[u8]) -> bool {
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
    // SAFETY: only the address of the linker symbol is taken.
    let heap = core::ptr::addr_of!(__sheap) as usize;
    // Skip this function's own frame and the frames of what it calls (256 bytes is plenty).
    let top = sp.saturating_sub(256);
    let bottom = sp.saturating_sub(WINDOW).max(heap);
    if needle.is_empty() || top <= bottom {
        return false;
    }
    // SAFETY: [bottom, top) is RAM between the statics and the stack pointer: dead stack that
    // nothing writes while this runs (this function's callees stay above `top`).
    let dead = unsafe { core::slice::from_raw_parts(bottom as *const u8, top - bottom) };
    dead.windows(needle.len()).any(|window| window == needle)
}
