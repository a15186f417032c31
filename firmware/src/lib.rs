//! The on-target test firmware and benchmark of microvisor-config: the runtime's real
//! `DeviceChannel` (its `extern "C"` system calls) linked against a fake Microvisor, on a
//! Cortex-M33 under QEMU. See `src/bin/scenarios.rs` (the tests), `src/bin/bench.rs` (the
//! benchmark firmware) and bench/README.md.
#![no_std]

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU32, Ordering};

use microvisor_config::device::{ChannelBuffers, DeviceChannel, Notifications};
use microvisor_config::ffi::{self, sys};
use microvisor_config::MvStatus;

pub mod cbaseline;
pub mod cloud;
pub mod fake;
pub mod measure;
pub mod mqtt;
pub mod out;
pub mod synthetic64;

/// The interrupt the runtime's notification center is set up with (TIM8_BRK on the STM32U585,
/// the vendor demos' choice; on the AN505 the line is otherwise unused).
pub const RUST_IRQ: u32 = 51;
/// The channel tag of the runtime's config-fetch channels.
pub const RUST_TAG: u32 = 1;

/// The runtime's notification center.
pub static NOTIFICATIONS: Notifications<8> = Notifications::new();

/// The handler of [`RUST_IRQ`]: the one call the runtime asks of it.
#[no_mangle]
pub extern "C" fn rust_notification_isr() {
    NOTIFICATIONS.on_interrupt();
}

/// The panic-free proof, for every firmware of this crate: any panic path left in it makes the
/// link fail on this undefined symbol. (A `loop {}` handler would link and hide the path.)
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    extern "C" {
        fn microvisor_config_firmware_has_a_panic_path() -> !;
    }
    // SAFETY: never linked: the call exists to fail the link.
    unsafe { microvisor_config_firmware_has_a_panic_path() }
}

/// A `static` for single-threaded firmware state.
pub struct Global<T>(UnsafeCell<T>);

// SAFETY: the firmware has one thread; the interrupt handlers never touch a `Global`.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Global(UnsafeCell::new(value))
    }

    /// The value.
    ///
    /// # Safety
    ///
    /// Thread mode only, and no other reference to the value may be live.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn get(&self) -> &mut T {
        // SAFETY: see the contract.
        unsafe { &mut *self.0.get() }
    }

    /// The value's address.
    pub const fn get_ptr(&self) -> *mut T {
        self.0.get()
    }
}

/// The runtime's channel buffers, sized as the vendor's demos size theirs.
pub static BUFFERS: Global<ChannelBuffers<4096, 7168>> = Global::new(ChannelBuffers::new());

/// Unmasks an interrupt in the NVIC.
pub fn enable_irq(irq: u32) {
    const NVIC_ISER: *mut u32 = 0xe000_e100 as *mut u32;
    // SAFETY: ISER is the NVIC's set-enable register bank; the firmware owns the NVIC.
    unsafe { NVIC_ISER.add((irq / 32) as usize).write_volatile(1 << (irq % 32)) };
}

/// Sets up the runtime's notification center on [`RUST_IRQ`] and unmasks the interrupt.
pub fn setup_rust_notifications() -> Result<(), MvStatus> {
    NOTIFICATIONS.setup(RUST_IRQ)?;
    enable_irq(RUST_IRQ);
    Ok(())
}

/// Sets up the C baseline's notification buffer on its interrupt and unmasks it.
pub fn setup_c_notifications() -> Result<(), MvStatus> {
    // SAFETY: a plain C function over the fake's system calls.
    let status = MvStatus(unsafe { cbaseline::cf_notifications_setup() });
    if status != MvStatus::OKAY {
        return Err(status);
    }
    enable_irq(cbaseline::CF_IRQ);
    Ok(())
}

/// The network handle `mvRequestNetwork` gave (0 before [`request_network`]).
pub static NETWORK: AtomicU32 = AtomicU32::new(0);

/// Asks for the network (`mvRequestNetwork`), as an application does once at start.
pub fn request_network() -> Result<ffi::MvNetworkHandle, MvStatus> {
    let params = ffi::MvRequestNetworkParams {
        version: ffi::PARAMS_VERSION_1,
        notification_handle: NOTIFICATIONS.center().handle(),
        notification_tag: 31,
    };
    let mut handle = 0;
    // SAFETY: `params` and `handle` are valid for the call.
    let status = unsafe { sys::mvRequestNetwork(&params, &mut handle) };
    if status != MvStatus::OKAY {
        return Err(status);
    }
    NETWORK.store(handle, Ordering::Relaxed);
    Ok(handle)
}

/// Opens a config-fetch channel for the runtime on the static buffers.
///
/// # Safety
///
/// No other channel on [`BUFFERS`] may be open.
pub unsafe fn open_channel() -> Result<DeviceChannel<'static>, MvStatus> {
    // SAFETY: the caller promises the buffers are free.
    let buffers = unsafe { BUFFERS.get() };
    DeviceChannel::open(NETWORK.load(Ordering::Relaxed), NOTIFICATIONS.center(), RUST_TAG, buffers)
}

/// The memory functions every firmware links (here from `compiler_builtins`; in a C firmware
/// from its C library). The benchmark keeps them in every build, the `none` one included, so
/// that neither implementation is charged for them.
pub mod mem_functions {
    extern "C" {
        fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8;
        fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8;
        fn memset(dst: *mut u8, value: i32, n: usize) -> *mut u8;
        fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32;
        fn __aeabi_memcpy(dst: *mut u8, src: *const u8, n: usize);
        fn __aeabi_memcpy4(dst: *mut u8, src: *const u8, n: usize);
        fn __aeabi_memcpy8(dst: *mut u8, src: *const u8, n: usize);
        fn __aeabi_memmove(dst: *mut u8, src: *const u8, n: usize);
        fn __aeabi_memset(dst: *mut u8, n: usize, value: i32);
        fn __aeabi_memset4(dst: *mut u8, n: usize, value: i32);
        fn __aeabi_memclr(dst: *mut u8, n: usize);
        fn __aeabi_memclr4(dst: *mut u8, n: usize);
        fn __aeabi_memclr8(dst: *mut u8, n: usize);
    }

    /// Their addresses; `core::hint::black_box(&ADDRESSES)` keeps them all linked.
    pub static ADDRESSES: [unsafe extern "C" fn(); 13] = {
        type F = unsafe extern "C" fn();
        // SAFETY (of the transmutes): only the addresses are kept; nothing calls through `F`.
        unsafe {
            [
                core::mem::transmute::<*const (), F>(memcpy as *const ()),
                core::mem::transmute::<*const (), F>(memmove as *const ()),
                core::mem::transmute::<*const (), F>(memset as *const ()),
                core::mem::transmute::<*const (), F>(memcmp as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memcpy as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memcpy4 as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memcpy8 as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memmove as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memset as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memset4 as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memclr as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memclr4 as *const ()),
                core::mem::transmute::<*const (), F>(__aeabi_memclr8 as *const ()),
            ]
        }
    };
}
