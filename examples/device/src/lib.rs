//! A complete application for the STM32U585 under Microvisor: its settings and secrets fetched
//! from the cloud at boot and refreshed periodically, the outcome in the server log. The logic
//! is [`app`]; the binaries `blocking` and `async` add the board: the interrupt vector, its
//! unmasking and the entry point.
#![no_std]

pub mod app;

/// A panic stops the application: ask for a system reset, so that it starts again. (Where the
/// secure side does not let the application reset the chip, `sys_reset` waits for the reset
/// forever, which halts it.) The fetch and this application have no panic path: the
/// `panic-proof` build (`check-image`) links only if none survived.
#[cfg(not(feature = "panic-proof"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    cortex_m::peripheral::SCB::sys_reset()
}

/// The panic-free proof: any panic path left in the image makes the link fail on this undefined
/// symbol. (A handler that links whatever happens would hide the path.)
#[cfg(feature = "panic-proof")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    extern "C" {
        fn microvisor_config_device_example_has_a_panic_path() -> !;
    }
    // SAFETY: never linked: the call exists to fail the link.
    unsafe { microvisor_config_device_example_has_a_panic_path() }
}
