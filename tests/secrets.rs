//! Secrets are never printed: not by the settings' Debug, not by any error.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use microvisor_config::sim::Truncation;
use microvisor_config::{MicrovisorConfig, Scope, Store};

#[test]
fn debug_of_fetched_settings_redacts_secrets() {
    let settings = Mqtt::fetch(&mut cloud().open_channel()).unwrap();
    let printed = format!("{settings:?} {settings:#?}");
    assert!(printed.contains("[REDACTED]"));
    assert!(!printed.contains(PASSWORD), "{printed}");
    assert!(!printed.contains(KEY_HEX), "{printed}");
    assert!(!printed.contains("deadbeef"), "{printed}");
}

#[test]
fn errors_about_secret_values_hold_no_value_bytes() {
    // Values made of text that no message of the crate contains.
    let bad_values: [(&str, &[u8]); 4] = [
        ("password", b"Zq7Wv\xffXk9Jm"),
        ("password", b"Zq7WvXk9JmZq7WvXk9JmZq7WvXk9JmZq7WvXk9Jm"),
        ("private_key", b"deadbeefZq7WvXk9"),
        ("private_key", b"deadbee"),
    ];
    for truncation in [Truncation::ReportWritten, Truncation::ReportFullLength] {
        for (key, value) in bad_values {
            let mut cloud = cloud();
            cloud.truncation(truncation);
            cloud.insert(Scope::Device, Store::Secret, key, value);
            let error = Mqtt::fetch(&mut cloud.open_channel()).unwrap_err();
            assert_eq!(error.key(), Some(key));
            let printed = format!("{error} {error:?}");
            let text = String::from_utf8_lossy(value);
            for window in text.as_bytes().windows(4) {
                let window = String::from_utf8_lossy(window);
                assert!(!printed.contains(&*window), "{printed} shows {window:?} of the value");
            }
        }
    }
}

/// Reads the next item of a fetch in progress into a new value, as generated code does into
/// a field's place.
fn value<T: microvisor_config::ConfigValue>(
    fetch: &mut microvisor_config::__private::Fetch<'_>,
) -> Result<T, microvisor_config::FetchError> {
    let mut slot = core::mem::MaybeUninit::uninit();
    fetch.value_into(&mut slot, T::parse_into, T::missing)?;
    // SAFETY: `value_into` answered `Ok`, so it wrote the slot.
    Ok(unsafe { slot.assume_init() })
}

/// The read buffer that held a secret is zero when the fetch is over, on success and on error.
/// Drives the runtime's fetch core with a buffer the test owns, so it can look afterwards.
#[test]
fn the_read_buffer_is_wiped_after_secret_items() {
    use microvisor_config::__private::Fetch;
    use microvisor_config::heapless::String as HString;
    use microvisor_config::{Hex, Secret};

    let run = |cloud: &microvisor_config::sim::Cloud, fail_last: bool| {
        let mut scratch = [0xaau8; Mqtt::SCRATCH_BYTES];
        let mut channel = cloud.open_channel();
        {
            let mut fetch =
                Fetch::begin(&mut channel, Mqtt::KEYS, Mqtt::SCHEMA, &mut scratch).unwrap();
            let _host: HString<128> = value(&mut fetch).unwrap();
            let _port: u16 = value(&mut fetch).unwrap();
            let _id: Option<HString<34>> = value(&mut fetch).unwrap();
            let _ca: Hex<64> = value(&mut fetch).unwrap();
            let _key: Secret<Hex<64>> = value(&mut fetch).unwrap();
            let _keepalive: Option<u16> = value(&mut fetch).unwrap();
            let password = value::<Secret<HString<32>>>(&mut fetch);
            assert_eq!(password.is_err(), fail_last);
        }
        assert!(channel.is_closed());
        scratch
    };

    let cloud = cloud();
    let scratch = run(&cloud, false);
    // The secrets' stretch (the longest secret's max_len + 1) is zero. (That an unwiped buffer
    // keeps what was read is shown by the next test.)
    let secret_extent = 2 * 64 + 1;
    assert!(scratch[..secret_extent].iter().all(|&b| b == 0), "{:?}", &scratch[..secret_extent]);
    assert_eq!(Mqtt::SCRATCH_BYTES, secret_extent, "the struct's longest field is a secret");

    let mut bad = common::cloud();
    bad.insert(Scope::Device, Store::Secret, "password", "x".repeat(33));
    let scratch = run(&bad, true);
    assert!(scratch.iter().all(|&b| b == 0));
}

/// Without secrets, nothing is wiped: the buffer keeps the last value read (this is what makes
/// the test above able to fail).
#[test]
fn buffers_without_secrets_are_left_as_they_are() {
    use microvisor_config::__private::Fetch;

    #[derive(MicrovisorConfig)]
    #[config(scope = device, store = config)]
    struct Plain {
        #[config(key = "broker-host", max_len = 128)]
        _host: microvisor_config::heapless::String<128>,
    }
    let cloud = cloud();
    let mut scratch = [0u8; Plain::SCRATCH_BYTES];
    let mut channel = cloud.open_channel();
    {
        let mut fetch =
            Fetch::begin(&mut channel, Plain::KEYS, Plain::SCHEMA, &mut scratch).unwrap();
        let _: microvisor_config::heapless::String<128> = value(&mut fetch).unwrap();
    }
    assert_eq!(&scratch[..HOST.len()], HOST.as_bytes());
}
