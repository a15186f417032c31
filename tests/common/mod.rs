//! The settings struct of the vendor's MQTT demo, and a cloud that holds valid values for it;
//! a two-field struct and a cloud file for it, and the loading of cloud files.
#![allow(dead_code)]

use microvisor_config::heapless::String;
use std::task::{Context, Poll};

use microvisor_config::ffi::MvConfigResponseData;
use microvisor_config::{
    AsyncConfigChannel, ConfigChannel, FetchError, Hex, ItemError, ItemRead, MicrovisorConfig,
    MvStatus, Request, Scope, Secret, Store, WaitError,
};
use microvisor_config_sim::{Cloud, SimChannel};

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
pub struct Mqtt {
    #[config(key = "broker-host", max_len = 128)]
    pub broker_host: String<128>,
    #[config(key = "broker-port")]
    pub broker_port: u16,
    #[config(key = "client-id")]
    pub client_id: Option<String<34>>,
    #[config(key = "root-CA")]
    pub root_ca: Hex<64>,
    #[config(key = "private_key", store = secret)]
    pub private_key: Secret<Hex<64>>,
    #[config(default = 60)]
    pub keepalive: u16,
    #[config(key = "password", store = secret)]
    pub password: Secret<String<32>>,
}

pub const HOST: &str = "mqtt.example.com";
pub const CA_HEX: &str = "3082010a0282010100c0ffee";
pub const KEY_HEX: &str = "deadbeef00112233";
pub const PASSWORD: &str = "hunter2-very-secret";

/// Index of each field in the request, as the struct declares them.
pub const BROKER_HOST: u16 = 0;
pub const BROKER_PORT: u16 = 1;
pub const CLIENT_ID: u16 = 2;
pub const ROOT_CA: u16 = 3;
pub const PRIVATE_KEY: u16 = 4;
pub const KEEPALIVE: u16 = 5;
pub const PASSWORD_INDEX: u16 = 6;

pub fn cloud() -> Cloud {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "broker-host", HOST)
        .insert(Scope::Device, Store::Config, "broker-port", "8883")
        .insert(Scope::Device, Store::Config, "root-CA", CA_HEX)
        .insert(Scope::Device, Store::Secret, "private_key", KEY_HEX)
        .insert(Scope::Device, Store::Secret, "password", PASSWORD);
    cloud
}

pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// A cloud from TOML text; the test fails with the file's problems if it is not valid.
pub fn load(text: &str) -> Cloud {
    Cloud::from_toml_str(text).unwrap_or_else(|error| panic!("{error}"))
}

/// Two fields, for the tests of cloud files and reports.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
pub struct Small {
    pub host: String<16>,
    pub port: u16,
}

/// A cloud file that holds [`Small`].
pub const SMALL: &str = "[device.config]\nhost = \"mqtt.example.com\"\nport = 8883\n";

/// Runs the fetch core on `T` as `MicrovisorConfig::receive_into` does, with `T::PLAN`, but with
/// a read buffer the test owns, so that it can look at it afterwards (and with the report given).
pub fn receive_with_scratch<T: MicrovisorConfig>(
    channel: &mut dyn ConfigChannel,
    report: Option<&mut microvisor_config::__private::ReportSink<'_>>,
    out: &mut core::mem::MaybeUninit<T>,
    scratch: &mut [u8],
) -> Result<(), FetchError> {
    use microvisor_config::__private::receive_fields;
    // SAFETY: the same bytes, seen as bytes that may be uninitialized: the core writes only
    // initialized bytes into them, so they stay valid `u8`s for the test to read afterwards.
    let scratch =
        unsafe { core::slice::from_raw_parts_mut(scratch.as_mut_ptr().cast(), scratch.len()) };
    // SAFETY: `out` is a `MaybeUninit<T>`, and the plan is `T`'s own.
    unsafe { receive_fields(channel, report, T::PLAN, out.as_mut_ptr().cast(), scratch) }
}

/// A channel whose wait, blocking or async, fails with a status and does not close the
/// channel: the simulator has no such fault (its own failures all close it).
pub struct WaitFails<'a>(pub SimChannel<'a>, pub MvStatus);

impl ConfigChannel for WaitFails<'_> {
    fn send_request(&mut self, request: Request<'_>) -> Result<(), MvStatus> {
        self.0.send_request(request)
    }
    fn wait_response(&mut self) -> Result<(), WaitError> {
        Err(WaitError::Status(self.1))
    }
    fn read_response_data(&mut self) -> Result<MvConfigResponseData, MvStatus> {
        self.0.read_response_data()
    }
    fn read_item(&mut self, index: u32, buf: &mut [u8]) -> Result<ItemRead, MvStatus> {
        self.0.read_item(index, buf)
    }
    fn close(&mut self) {
        self.0.close();
    }
}

impl AsyncConfigChannel for WaitFails<'_> {
    fn poll_response(&mut self, _: &mut Context<'_>) -> Poll<Result<(), WaitError>> {
        Poll::Ready(Err(WaitError::Status(self.1)))
    }
}

/// The error a fetch of `T` returns when its item `index` fails with `error`: named by the
/// item's key, scope and store.
#[allow(clippy::indexing_slicing)]
pub fn item_error<T: MicrovisorConfig>(index: usize, error: ItemError) -> FetchError {
    let spec = &T::SCHEMA[index];
    FetchError::Item {
        index: index as u16,
        key: spec.key,
        scope: spec.scope,
        store: spec.store,
        error,
    }
}
