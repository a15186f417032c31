#![no_std]
//! Settings of a device, fetched through the real device channel.

use microvisor_config::device::{ChannelBuffers, DeviceChannel, Notifications};
use microvisor_config::heapless::String;
use microvisor_config::{ConfigValue, FetchError, Hex, MicrovisorConfig, Secret};

/// Where the broker lives.
#[derive(ConfigValue, Clone, Copy)]
#[config(rename_all = "lowercase")]
pub enum Region {
    /// Europe.
    Eu,
    /// The Americas.
    Us,
}

/// The device's settings.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
pub struct Settings {
    /// The broker.
    pub broker_host: String<64>,
    /// Its port.
    pub broker_port: u16,
    /// Where.
    pub region: Region,
    /// The key.
    #[config(store = secret)]
    pub private_key: Secret<Hex<256>>,
    /// Optional.
    pub client_id: Option<String<34>>,
}

/// The notification center the IRQ handler serves.
pub static NOTIFICATIONS: Notifications<4> = Notifications::new();

/// Fetches the settings on an open network.
///
/// # Errors
///
/// Why the channel did not open, or why the fetch failed.
pub fn fetch(
    network: u32,
    buffers: &mut ChannelBuffers<1024, 2048>,
) -> Result<Settings, Result<FetchError, microvisor_config::MvStatus>> {
    let mut channel = DeviceChannel::open(network, NOTIFICATIONS.center(), 1, buffers).map_err(Err)?;
    Settings::fetch(&mut channel).map_err(Ok)
}

/// The interrupt handler's body.
pub fn on_irq() {
    NOTIFICATIONS.on_interrupt();
}
