//! The application with a blocking main loop (cortex-m-rt's entry): the settings fetched at
//! boot and refreshed when due (`device_example::app`).
#![no_std]
#![no_main]

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use cortex_m_rt::entry;
use device_example::app::{self, App, NOTIFICATIONS};
use stm32u5::stm32u585::{interrupt, Interrupt};

/// The notification center's interrupt: TIM8_BRK, as the vendor demos have it for config.
const IRQ: Interrupt = Interrupt::TIM8_BRK;

#[entry]
fn main() -> ! {
    if app::start(u32::from(IRQ.number())).is_ok() {
        // SAFETY: the handler below only reads the center's records; no code relies on the
        // interrupt being masked.
        unsafe { NVIC::unmask(IRQ) };
        if let Ok(app) = App::new() {
            app.run();
        }
    }
    // Set up failed, and said why in the server log: nothing to do without notifications.
    loop {
        cortex_m::asm::wfi();
    }
}

/// Microvisor pends it after writing a notification record.
#[interrupt]
fn TIM8_BRK() {
    NOTIFICATIONS.on_interrupt();
}
