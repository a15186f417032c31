//! The device side (`target_os = "none"`): Microvisor's notification center and its interrupt,
//! the network, the config-fetch channel over the system calls, and the server log.
//!
//! # Setting up
//!
//! ```ignore
//! use microvisor_config::device::{ChannelBuffers, DeviceChannel, Network, Notifications};
//!
//! // A notification center: 16-byte records, 8-byte aligned, in a static.
//! static NOTIFICATIONS: Notifications<8> = Notifications::new();
//! // Channel buffers: 512-byte aligned, sizes a multiple of 512, as the vendor demos use.
//! static mut BUFFERS: ChannelBuffers<4096, 7168> = ChannelBuffers::new();
//!
//! #[interrupt]
//! fn TIM8_BRK() {
//!     // The one call the IRQ handler makes: it records the center's events.
//!     NOTIFICATIONS.on_interrupt();
//! }
//!
//! NOTIFICATIONS.setup(Interrupt::TIM8_BRK as u32)?;    // mvSetupNotifications
//! let center = NOTIFICATIONS.center();
//! let network = Network::request(center, /* tag */ 0)?;
//! network.wait_connected(DEFAULT_CONNECT_TIMEOUT_US)?;
//! let mut channel = DeviceChannel::open(network.handle(), center, /* tag */ 1, buffers)?;
//! let settings = Settings::fetch(&mut channel)?;       // closes the channel on every path
//! ```
//!
//! The system calls are linked by address: add `-Tmicrovisor.x` to the firmware's link
//! arguments (the crate's build script provides the file), or link the vendor's
//! `mv_syscalls.o`.

mod channel;
mod clock;
mod log;
mod network;
mod notifications;

pub use crate::center::NotificationCenter;
pub use crate::line::LOG_LINE_BYTES;
pub use channel::{ChannelBuffers, DeviceChannel, DEFAULT_TIMEOUT_US};
pub use clock::now_us;
pub use log::ServerLog;
pub use network::{Network, DEFAULT_CONNECT_TIMEOUT_US};
pub use notifications::Notifications;
