//! The vendor's MQTT demo schema (docs/PROTOCOL.md), in Rust and as the C baseline's struct, with
//! the cloud that serves it and the checks of what came back.

use microvisor_config::heapless::String;
use microvisor_config::{Hex, MicrovisorConfig, Secret};

use crate::cloud::{self, text, Bytes, CONFIG, DEVICE, SECRET};
use crate::fake;

/// The MQTT demo's settings struct, its four text fields of type `$text<N>`, with `empty()` and
/// `$check`, whether the settings are what the cloud holds. Written once for [`Mqtt`] and
/// [`MqttTextAsBytes`], so that the benchmark's two Rust builds of the schema fetch the same keys
/// into the same fields and differ only in the text type.
macro_rules! mqtt_settings {
    ($(#[$doc:meta])* $name:ident, $text:ident, $check:ident) => {
        $(#[$doc])*
        #[derive(MicrovisorConfig)]
        #[config(scope = device, store = config)]
        pub struct $name {
            /// The broker's host name.
            #[config(key = "broker-host")]
            pub broker_host: $text<128>,
            /// The broker's port.
            #[config(key = "broker-port")]
            pub broker_port: u16,
            /// The MQTT client id; the demo otherwise uses the 34-byte device id.
            #[config(key = "client-id")]
            pub client_id: Option<$text<34>>,
            /// The broker's CA certificate, DER.
            #[config(key = "root-CA")]
            pub root_ca: Hex<1536>,
            /// The device's certificate, DER.
            #[config(key = "cert")]
            pub cert: Hex<1024>,
            /// The device's private key, DER.
            #[config(key = "private_key", store = secret)]
            pub private_key: Secret<Hex<1536>>,
            /// The broker user name.
            #[config(key = "username")]
            pub username: $text<128>,
            /// The broker password.
            #[config(key = "password", store = secret)]
            pub password: Secret<$text<128>>,
        }

        impl $name {
            /// Empty settings, for a `static`.
            pub const fn empty() -> Self {
                $name {
                    broker_host: $text::new(),
                    broker_port: 0,
                    client_id: None,
                    root_ca: Hex::new(),
                    cert: Hex::new(),
                    private_key: Secret::new(Hex::new()),
                    username: $text::new(),
                    password: Secret::new($text::new()),
                }
            }
        }

        /// Whether the settings are what the cloud holds.
        pub fn $check(settings: &$name) -> bool {
            text(&settings.broker_host) == fake::value_of(b"broker-host")
                && settings.broker_port == 8883
                && same_optional(settings.client_id.as_ref().map(text), b"client-id")
                && cloud::same_hex(&settings.root_ca, fake::value_of(b"root-CA"))
                && cloud::same_hex(&settings.cert, fake::value_of(b"cert"))
                && cloud::same_hex(
                    settings.private_key.expose_secret(),
                    fake::value_of(b"private_key"),
                )
                && text(&settings.username) == fake::value_of(b"username")
                && text(settings.password.expose_secret()) == fake::value_of(b"password")
        }
    };
}

mqtt_settings!(
    /// The MQTT demo's settings, all device-scoped.
    Mqtt,
    String,
    check
);

mqtt_settings!(
    /// [`Mqtt`] with its four text fields as bytes (`heapless::Vec<u8, N>`), not `String`: the
    /// same fetch without UTF-8 validation, which `bench/run` measures beside the others to
    /// show what that check costs (the C baseline does not make it; see bench/README.md).
    MqttTextAsBytes,
    Bytes,
    check_text_as_bytes
);

/// The C baseline's `struct mqtt_config` (bench/c-baseline/mqtt_config.h), field for field.
#[repr(C)]
pub struct CMqtt {
    pub broker_host: [u8; 129],
    pub client_id: [u8; 35],
    pub has_client_id: u8,
    pub broker_port: u16,
    pub username: [u8; 129],
    pub password: [u8; 129],
    pub root_ca_len: u16,
    pub cert_len: u16,
    pub private_key_len: u16,
    pub root_ca: [u8; 1536],
    pub cert: [u8; 1024],
    pub private_key: [u8; 1536],
}

impl CMqtt {
    /// Zeroed settings, for a `static`.
    pub const fn empty() -> Self {
        CMqtt {
            broker_host: [0; 129],
            client_id: [0; 35],
            has_client_id: 0,
            broker_port: 0,
            username: [0; 129],
            password: [0; 129],
            root_ca_len: 0,
            cert_len: 0,
            private_key_len: 0,
            root_ca: [0; 1536],
            cert: [0; 1024],
            private_key: [0; 1536],
        }
    }
}

/// Sizes of the DER blobs the cloud serves: a CA certificate, a device certificate and an RSA
/// 2048 private key are about these.
pub const ROOT_CA_BYTES: usize = 1000;
/// See [`ROOT_CA_BYTES`].
pub const CERT_BYTES: usize = 700;
/// See [`ROOT_CA_BYTES`].
pub const PRIVATE_KEY_BYTES: usize = 1190;

/// The texts of one MQTT cloud, and the seeds of its hex values.
struct CloudValues {
    host: &'static [u8],
    port: &'static [u8],
    client_id: Option<&'static [u8]>,
    /// Seeds of the root CA, the certificate and the private key (`cloud::insert_hex`).
    hex_seeds: [u32; 3],
    username: &'static [u8],
    password: &'static [u8],
}

const GOOD: CloudValues = CloudValues {
    host: b"mqtt.broker.example.com",
    port: b"8883",
    client_id: Some(b"dev-0123456789abcdef"),
    hex_seeds: [0x1001, 0x2002, 0x3003],
    username: b"device-user",
    password: b"correct horse battery staple",
};

/// Other values under every key than [`GOOD`]'s (the port too: [`check`] wants 8883).
const OTHER: CloudValues = CloudValues {
    host: b"other.broker.example.net",
    port: b"1883",
    client_id: Some(b"other-client"),
    hex_seeds: [0x1111, 0x2222, 0x3333],
    username: b"other-user",
    password: b"another password",
};

fn load(values: &CloudValues) -> bool {
    let [ca_seed, cert_seed, key_seed] = values.hex_seeds;
    let mut ok = true;
    ok &= fake::insert(DEVICE, CONFIG, crate::cloud_key!(b"broker-host"), values.host);
    ok &= fake::insert(DEVICE, CONFIG, crate::cloud_key!(b"broker-port"), values.port);
    if let Some(client_id) = values.client_id {
        ok &= fake::insert(DEVICE, CONFIG, crate::cloud_key!(b"client-id"), client_id);
    }
    ok &= cloud::insert_hex(DEVICE, CONFIG, crate::cloud_key!(b"root-CA"), ROOT_CA_BYTES, ca_seed);
    ok &= cloud::insert_hex(DEVICE, CONFIG, crate::cloud_key!(b"cert"), CERT_BYTES, cert_seed);
    ok &= cloud::insert_hex(
        DEVICE,
        SECRET,
        crate::cloud_key!(b"private_key"),
        PRIVATE_KEY_BYTES,
        key_seed,
    );
    ok &= fake::insert(DEVICE, CONFIG, crate::cloud_key!(b"username"), values.username);
    ok &= fake::insert(DEVICE, SECRET, crate::cloud_key!(b"password"), values.password);
    ok
}

/// Fills the fake cloud with a good MQTT configuration. `client_id` says whether the optional
/// key is there.
pub fn load_cloud(client_id: bool) -> bool {
    load(&CloudValues { client_id: GOOD.client_id.filter(|_| client_id), ..GOOD })
}

/// Loads other values than [`load_cloud`]'s under every key: what a refresh that must not land
/// is served, so that a field written in place would show.
pub fn load_other_cloud() -> bool {
    load(&OTHER)
}

/// Whether `value` holds exactly what the cloud has under `key` (a missing key: `None`).
fn same_optional(value: Option<&[u8]>, key: &[u8]) -> bool {
    let cloud = fake::value_of(key);
    match value {
        Some(value) => !cloud.is_empty() && value == cloud,
        None => cloud.is_empty(),
    }
}

/// Whether the C baseline's settings are what the cloud holds.
pub fn check_c(settings: &CMqtt) -> bool {
    let present = settings.has_client_id != 0;
    cloud::same_c_text(&settings.broker_host, fake::value_of(b"broker-host"))
        && settings.broker_port == 8883
        && present != fake::value_of(b"client-id").is_empty()
        && (!present || cloud::same_c_text(&settings.client_id, fake::value_of(b"client-id")))
        && cloud::same_c_hex(&settings.root_ca, settings.root_ca_len, fake::value_of(b"root-CA"))
        && cloud::same_c_hex(&settings.cert, settings.cert_len, fake::value_of(b"cert"))
        && cloud::same_c_hex(
            &settings.private_key,
            settings.private_key_len,
            fake::value_of(b"private_key"),
        )
        && cloud::same_c_text(&settings.username, fake::value_of(b"username"))
        && cloud::same_c_text(&settings.password, fake::value_of(b"password"))
}

extern "C" {
    /// `mqtt_config_fetch` of bench/c-baseline/mqtt_config.c.
    pub fn mqtt_config_fetch(
        network: u32,
        live: *mut CMqtt,
        err: *mut crate::cbaseline::CfError,
    ) -> i32;
}
