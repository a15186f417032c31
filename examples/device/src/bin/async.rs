//! The application as one embassy task: the settings fetched at boot and refreshed when due,
//! each fetch awaited (`fetch_async`, woken by the notification interrupt).
#![no_std]
#![no_main]

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use cortex_m_rt::entry;
use device_example::app::{self, App, NOTIFICATIONS};
use embassy_executor::Executor;
use stm32u5::stm32u585::{interrupt, Interrupt};

/// The notification center's interrupt: TIM8_BRK, as the vendor demos have it for config.
const IRQ: Interrupt = Interrupt::TIM8_BRK;

/// The executor set up by hand, as `#[embassy_executor::main]` does, but for the spawn of the
/// task: the macro unwraps it, a panic path the `panic-proof` build refuses. Here a spawn that
/// fails (it cannot: the task is spawned once) leaves the executor with nothing to run.
#[entry]
fn main() -> ! {
    let mut executor = Executor::new();
    // SAFETY: `main` never returns, so `executor` lives as long as the program, and this is the
    // only reference to it.
    let executor: &'static mut Executor = unsafe { &mut *core::ptr::addr_of_mut!(executor) };
    executor.run(|spawner| {
        if let Ok(task) = application() {
            spawner.spawn(task);
        }
    })
}

/// The application's one task.
#[embassy_executor::task]
async fn application() -> ! {
    if app::start(u32::from(IRQ.number())).is_ok() {
        // SAFETY: the handler below only reads the center's records and wakes the task waiting
        // on them; no code relies on the interrupt being masked.
        unsafe { NVIC::unmask(IRQ) };
        if let Ok(mut app) = App::new() {
            app.run_async().await;
        }
    }
    // Set up failed, and said why in the server log: nothing to do without notifications.
    sleep_forever()
}

fn sleep_forever() -> ! {
    loop {
        cortex_m::asm::wfi();
    }
}

/// Microvisor pends it after writing a notification record.
#[interrupt]
fn TIM8_BRK() {
    NOTIFICATIONS.on_interrupt();
}
