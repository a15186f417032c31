//! The public surface of issue 2, compiled from outside the workspace.

use microvisor_config::heapless::{String, Vec};
#[allow(unused_imports)]
use microvisor_config::{FetchError, Hex, ItemError, MicrovisorConfig, Scope, Secret, Store};

/// The struct, as written there.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)] // struct-level defaults (optional)
pub struct Mqtt {
    #[config(key = "broker-host", max_len = 128)]
    pub broker_host: String<128>,
    #[config(key = "broker-port")]
    pub broker_port: u16,
    #[config(key = "client-id")]
    pub client_id: Option<String<34>>, // KEYNOTFOUND -> None
    #[config(key = "root-CA")]
    pub root_ca: Hex<1536>, // hex text in the cloud, bytes here
    #[config(key = "private_key", store = secret)]
    pub private_key: Secret<Hex<1536>>,
    #[config(default = 60)]
    pub keepalive: u16, // key "keepalive"; KEYNOTFOUND -> 60
    #[config(key = "blob")]
    pub blob: Option<Vec<u8, 16>>,
}
