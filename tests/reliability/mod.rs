//! The struct the reliability tests (`proptest_fetch`, `proptest_secrets`, `fault_sweep`,
//! `zeroize`) fetch: every kind of field (declared in `tests/fixtures/every_kind.rs`, which the
//! fuzz target's struct shares), with a cloud of valid values and one of other valid values;
//! and the property tests' configuration.
#![allow(dead_code)]

use microvisor_config::{MicrovisorConfig, Scope, Store};
use microvisor_config_sim::Cloud;

#[path = "../fixtures/every_kind.rs"]
mod every_kind;

use every_kind::{at_least_one, every_kind_struct};
// Not every test names `NO_RETRIES`.
#[allow(unused_imports)]
pub use every_kind::{Region, NO_RETRIES};

every_kind_struct! {
    /// The twelve fields of the shared fixture (`tests/fixtures/every_kind.rs`) and no more:
    /// the property tests' strategies, the tables below and the fault sweep's invalid texts
    /// are written for exactly these, by index.
    pub struct Rich {}
}

pub const FIELDS: usize = 12;

/// A field's value, comparable (secrets exposed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    Text(String),
    Unsigned(u64),
    Signed(i64),
    Bool(bool),
    Bytes(Vec<u8>),
    Region(Region),
    None,
}

/// Every field's value, in field order.
pub fn values(s: &Rich) -> Vec<Val> {
    let text = |t: &str| Val::Text(t.to_owned());
    vec![
        text(&s.host),
        Val::Unsigned(s.port.into()),
        Val::Signed(s.offset.into()),
        Val::Bool(s.tls),
        s.client_id.as_ref().map_or(Val::None, |t| text(t)),
        Val::Bytes(s.root_ca.to_vec()),
        Val::Bytes(s.token.to_vec()),
        Val::Unsigned(s.keepalive.into()),
        Val::Bytes(s.private_key.expose_secret().to_vec()),
        text(s.password.expose_secret()),
        Val::Region(s.region),
        Val::Unsigned(s.retries.into()),
    ]
}

/// Stores `value` under field `index`'s key, in its scope and store.
pub fn put(cloud: &mut Cloud, index: usize, value: impl AsRef<[u8]>) {
    let spec = &Rich::SCHEMA[index];
    cloud.insert(spec.scope, spec.store, spec.key, value);
}

/// Removes field `index`'s key.
pub fn remove(cloud: &mut Cloud, index: usize) {
    let spec = &Rich::SCHEMA[index];
    cloud.remove(spec.scope, spec.store, spec.key);
}

/// Valid texts of every field, and the values they mean.
pub const GOOD: [&str; FIELDS] = [
    "mqtt.example.com",
    "8883",
    "-3600",
    "true",
    "device-0042",
    "3082010a",
    "aGVsbG8=",
    "30",
    "deadbeef00112233",
    "hunter2-very-secret",
    "us-east",
    "3",
];

/// Other valid texts, each different from its `GOOD` one.
pub const OTHER: [&str; FIELDS] = [
    "other.example.com",
    "1883",
    "7200",
    "false",
    "device-0099",
    "00ff",
    "b3RoZXI=",
    "5",
    "0badc0de",
    "correct-horse",
    "ap",
    "9",
];

/// Valid texts exactly `max_len` long: the longest a field takes.
pub const LONGEST: [&str; FIELDS] = [
    "abcdefghij.example.c",
    // An integer's bound is 24 bytes, past its digits: leading zeros fill it.
    "000000000000000000065535",
    "-00000000000002147483648",
    "false",
    "0123456789abcdef",
    "000102030405060708090a0b0c0d0e0f",
    "AAAAAAAAAAAAAA==",
    "000000000000000000000060",
    "0011223344556677",
    "correct-horse-battery-st",
    "us-east",
    "000000000000000000000255",
];

/// A cloud holding `texts`, one per field.
pub fn cloud_of(texts: &[&str; FIELDS]) -> Cloud {
    let mut cloud = Cloud::new();
    for (index, text) in texts.iter().enumerate() {
        put(&mut cloud, index, text);
    }
    cloud
}

/// `GOOD`'s values.
pub fn good_values() -> Vec<Val> {
    vec![
        Val::Text("mqtt.example.com".into()),
        Val::Unsigned(8883),
        Val::Signed(-3600),
        Val::Bool(true),
        Val::Text("device-0042".into()),
        Val::Bytes(vec![0x30, 0x82, 0x01, 0x0a]),
        Val::Bytes(b"hello".to_vec()),
        Val::Unsigned(30),
        Val::Bytes(vec![0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33]),
        Val::Text("hunter2-very-secret".into()),
        Val::Region(Region::UsEast),
        Val::Unsigned(3),
    ]
}

/// What a missing key gives: `Some(value)` for optional and defaulted fields.
pub fn missing_value(index: usize) -> Option<Val> {
    match index {
        4 => Some(Val::None),
        7 => Some(Val::Unsigned(60)),
        10 => Some(Val::Region(Region::Eu)),
        _ => None,
    }
}

/// Settings fetched from `GOOD`: the value a refresh starts from.
pub fn fetched_good() -> Rich {
    let settings = Rich::fetch(&mut cloud_of(&GOOD).open_channel()).unwrap();
    assert_eq!(values(&settings), good_values());
    settings
}

/// The keys a request must carry: every field's, once, in field order.
pub fn request_keys() -> Vec<(Scope, Store, Vec<u8>)> {
    Rich::SCHEMA.iter().map(|spec| (spec.scope, spec.store, spec.key.as_bytes().to_vec())).collect()
}

/// The property tests' configuration: 256 cases, or `PROPTEST_CASES`.
pub fn proptest_config() -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok());
    proptest::test_runner::Config { cases: cases.unwrap_or(256), ..Default::default() }
}
