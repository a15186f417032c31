//! The derive's output compiles without a warning under strict lints, as a user's crate may
//! set them: rustc's here, clippy's when CI runs `cargo clippy --all-targets -- -D warnings`
//! (clippy lints only run under clippy). Every attribute is used, so every shape of generated
//! code is linted. (thiserror's `tests/test_lints.rs` does the same.)
//!
//! Lints skip most tokens a derive creates with its own (call-site) span, but not the ones it
//! spans at the user's tokens so that errors point at them (`quote_spanned!` at a field's type,
//! a `max_len` literal, a `with` path): those are linted as if the user had written them, and
//! are what this test guards.
#![deny(warnings)]
#![deny(
    unused_qualifications,
    missing_docs,
    rust_2018_idioms,
    unsafe_code,
    trivial_casts,
    trivial_numeric_casts,
    unused_results,
    unused_lifetimes,
    single_use_lifetimes,
    unreachable_pub,
    missing_debug_implementations,
    clippy::all,
    clippy::pedantic
)]
// The workspace's own restriction lints are for library code, not for a test's asserts.
#![allow(clippy::expect_used)]

use microvisor_config::heapless::String;
use microvisor_config::{Base64, Hex, MicrovisorConfig, ParseError, Scope, Secret, Store};
use microvisor_config_sim::Cloud;

/// `with`: a level written as a word.
fn parse_level(text: &[u8]) -> Result<u8, ParseError> {
    match text {
        b"low" => Ok(0),
        b"high" => Ok(1),
        _ => Err(ParseError::UnknownVariant),
    }
}

/// `validate`: a host name without spaces.
fn no_spaces(host: &String<128>) -> Result<(), ParseError> {
    if host.contains(' ') {
        Err(ParseError::Custom("a host name has no spaces"))
    } else {
        Ok(())
    }
}

/// Every attribute and most field types.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
pub struct Settings {
    /// A key as written, with a `max_len` under the capacity, validated.
    #[config(key = "host", max_len = 64, validate = no_spaces)]
    pub broker_host: String<128>,
    /// An integer.
    pub broker_port: u16,
    /// Optional.
    pub client_id: Option<String<34>>,
    /// Defaulted by `Default`.
    #[config(default)]
    pub retries: u8,
    /// Defaulted by an expression.
    #[config(default = 2.5)]
    pub backoff: f32,
    /// Required, said out loud.
    #[config(required)]
    pub enabled: bool,
    /// Parsed `with` a function.
    #[config(with = parse_level, max_len = 4)]
    pub level: u8,
    /// Hex.
    pub root_ca: Hex<16>,
    /// A secret from the account scope.
    #[config(scope = account, store = secret)]
    pub api_token: Secret<Base64<24>>,
    /// A secret-store value that may be shown.
    #[config(store = secret, plain)]
    pub username: String<16>,
    /// Signed and wide.
    pub offset: i64,
}

#[test]
fn strict_lints_pass_and_the_fetch_works() {
    let mut cloud = Cloud::new();
    let _ = cloud
        .insert(Scope::Device, Store::Config, "host", "mqtt.example.com")
        .insert(Scope::Device, Store::Config, "broker-port", "8883")
        .insert(Scope::Device, Store::Config, "enabled", "true")
        .insert(Scope::Device, Store::Config, "level", "high")
        .insert(Scope::Device, Store::Config, "root-ca", "00ff")
        .insert(Scope::Account, Store::Secret, "api-token", "aGVsbG8=")
        .insert(Scope::Device, Store::Secret, "username", "device-7")
        .insert(Scope::Device, Store::Config, "offset", "-5");
    let settings = Settings::fetch(&mut cloud.open_channel()).expect("every key is there");
    assert_eq!(settings.broker_host.as_str(), "mqtt.example.com");
    assert_eq!(settings.broker_port, 8883);
    assert!(settings.client_id.is_none());
    assert_eq!(settings.retries, 0);
    assert!((settings.backoff - 2.5).abs() < f32::EPSILON);
    assert!(settings.enabled);
    assert_eq!(settings.level, 1);
    assert_eq!(&*settings.root_ca, &[0x00, 0xff]);
    assert_eq!(&**settings.api_token.expose_secret(), b"hello");
    assert_eq!(settings.username.as_str(), "device-7");
    assert_eq!(settings.offset, -5);
}
