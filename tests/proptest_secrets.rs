//! No error shows a value: random invalid values of the secret fields (and of a config field,
//! since any value may be confidential) never appear, not even six bytes of them, in the
//! error's `Display` or `Debug`, nor in the reporting fetch's `Display` and `Debug`.
//!
//! 256 cases by default, `PROPTEST_CASES` for more.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod reliability;

use microvisor_config::MicrovisorConfig;
use microvisor_config_sim::Truncation;
use proptest::prelude::*;
use reliability::*;

/// The fields tried: host (config text), private_key (secret hex), password (secret text).
const FIELDS_TRIED: [usize; 3] = [0, 8, 9];

/// Values that are invalid for each of those fields (longer than any of their `max_len`s, or
/// short with a byte that is neither UTF-8 nor hex), in letters and digits the crate's
/// messages are unlikely to hold six of in a row, behind a marker.
fn bad_value() -> impl Strategy<Value = Vec<u8>> {
    let byte = || {
        prop_oneof![
            4 => prop::sample::select(&b"QXJZqxjzVWKvwk0123456789"[..]),
            1 => 0x80u8..=0xff,
        ]
    };
    let long = prop::collection::vec(byte(), 21..60);
    let short = (prop::collection::vec(byte(), 2..10), any::<prop::sample::Index>()).prop_map(
        |(mut bytes, at)| {
            let at = at.index(bytes.len() + 1);
            bytes.insert(at, 0xff);
            bytes
        },
    );
    prop_oneof![long, short].prop_map(|mut bytes| {
        bytes.splice(0..0, *b"ZQXJ");
        bytes
    })
}

/// Whether `printed` holds six bytes in a row of `value`.
fn shows(printed: &str, value: &[u8]) -> Option<String> {
    value
        .windows(6)
        .map(String::from_utf8_lossy)
        .find(|window| !window.contains('\u{fffd}') && printed.contains(&**window))
        .map(|window| window.into_owned())
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn errors_and_reports_hold_no_value_bytes(
        field in prop::sample::select(&FIELDS_TRIED[..]),
        value in bad_value(),
        full_length in any::<bool>(),
    ) {
        let mut cloud = cloud_of(&GOOD);
        if full_length {
            cloud.truncation(Truncation::ReportFullLength);
        }
        put(&mut cloud, field, &value);
        let error = Rich::fetch(&mut cloud.open_channel()).unwrap_err();
        prop_assert_eq!(error.key(), Some(Rich::SCHEMA[field].key));
        let report = Rich::fetch_report(&mut cloud.open_channel());
        let printed = format!("{error} {error:?} {report} {report:?}");
        prop_assert!(!printed.contains("ZQXJ"), "{}", printed);
        if let Some(window) = shows(&printed, &value) {
            prop_assert!(false, "{} shows {:?} of the value", printed, window);
        }
    }
}

/// The check can fail: a message that quoted the value would be caught.
#[test]
fn a_quoted_value_would_be_seen() {
    let value = b"ZQXJqxjz0123";
    assert!(shows("invalid value `ZQXJqxjz0123`", value).is_some());
    assert!(shows("invalid value (12 bytes)", value).is_none());
}
