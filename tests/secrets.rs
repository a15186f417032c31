//! Secrets are never printed: not by the settings' Debug, not by any error.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use microvisor_config::{MicrovisorConfig, Scope, Store};
use microvisor_config_sim::Truncation;

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

/// Fetches a `T`: sends its request, waits, then reads the response through
/// `common::receive_with_scratch`, into a read buffer the test owns so that it can look at it
/// afterwards. Returns whether the fetch succeeded.
fn fetch_with_buffer<T: MicrovisorConfig>(
    channel: &mut dyn microvisor_config::ConfigChannel,
    scratch: &mut [u8],
) -> bool {
    use microvisor_config::__private::{send, wait};
    send(channel, microvisor_config::Request::of::<T>()).unwrap();
    wait(channel).unwrap();
    let mut out = core::mem::MaybeUninit::<T>::uninit();
    let result = receive_with_scratch(channel, None, &mut out, scratch);
    if result.is_ok() {
        // SAFETY: `receive_fields` answered `Ok`, so every field is written; dropped once.
        unsafe { out.assume_init_drop() };
    }
    result.is_ok()
}

/// The read buffer that held a secret is zero when the fetch is over, on success and on error.
/// Drives the runtime's fetch core with a buffer the test owns, so it can look afterwards.
#[test]
fn the_read_buffer_is_wiped_after_secret_items() {
    let run = |cloud: &microvisor_config_sim::Cloud, succeeds: bool| {
        let mut scratch = [0xaau8; Mqtt::SCRATCH_BYTES];
        let mut channel = cloud.open_channel();
        assert_eq!(fetch_with_buffer::<Mqtt>(&mut channel, &mut scratch), succeeds);
        assert!(channel.is_closed());
        scratch
    };

    let cloud = cloud();
    let scratch = run(&cloud, true);
    // The secrets' stretch (the longest secret's max_len + 1) is zero. (That an unwiped buffer
    // keeps what was read is shown by the next test.)
    let secret_extent = 2 * 64 + 1;
    assert!(scratch[..secret_extent].iter().all(|&b| b == 0), "{:?}", &scratch[..secret_extent]);
    assert_eq!(Mqtt::SCRATCH_BYTES, secret_extent, "the struct's longest field is a secret");

    let mut bad = common::cloud();
    bad.insert(Scope::Device, Store::Secret, "password", "x".repeat(33));
    let scratch = run(&bad, false);
    assert!(scratch.iter().all(|&b| b == 0));

    // A fetch that stops before any secret wipes their stretch all the same: its length is
    // known at compile time, not found on the way.
    let mut early = common::cloud();
    early.insert(Scope::Device, Store::Config, "broker-port", "port");
    let scratch = run(&early, false);
    assert!(scratch[..secret_extent].iter().all(|&b| b == 0), "{:?}", &scratch[..secret_extent]);
}

/// Without secrets, nothing is wiped: the buffer keeps the last value read (this is what makes
/// the test above able to fail).
#[test]
fn buffers_without_secrets_are_left_as_they_are() {
    #[derive(MicrovisorConfig)]
    #[config(scope = device, store = config)]
    struct Plain {
        #[config(key = "broker-host", max_len = 128)]
        _host: microvisor_config::heapless::String<128>,
    }
    let cloud = cloud();
    let mut scratch = [0u8; Plain::SCRATCH_BYTES];
    assert!(fetch_with_buffer::<Plain>(&mut cloud.open_channel(), &mut scratch));
    assert_eq!(&scratch[..HOST.len()], HOST.as_bytes());
}
