//! The protocol: one request per fetch, the response checks, and the channel closed on every
//! path.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use microvisor_config::{
    ConfigChannel, FetchError, ItemError, MicrovisorConfig, MvStatus, ParseError, Request, Scope,
    Store, WaitError,
};
use microvisor_config_sim::{ChannelFault, Cloud, Fault, Truncation};

/// Fetches, and checks the invariants every fetch keeps: exactly one request, one channel,
/// closed when the fetch returns.
fn fetch(cloud: &Cloud) -> Result<Mqtt, FetchError> {
    let requests = cloud.requests_sent();
    let closed = cloud.channels_closed();
    let mut channel = cloud.open_channel();
    let result = Mqtt::fetch(&mut channel);
    assert_eq!(cloud.requests_sent(), requests + 1, "exactly one request per fetch");
    assert!(channel.is_closed(), "the fetch closes its channel: {result:?}");
    assert_eq!(cloud.channels_closed(), closed + 1);
    result
}

#[test]
fn fetches_every_field_in_one_request() {
    let cloud = cloud();
    let settings = fetch(&cloud).unwrap();
    assert_eq!(settings.broker_host.as_str(), HOST);
    assert_eq!(settings.broker_port, 8883);
    assert_eq!(settings.client_id, None);
    assert_eq!(&*settings.root_ca, unhex(CA_HEX).as_slice());
    assert_eq!(&**settings.private_key.expose_secret(), unhex(KEY_HEX).as_slice());
    assert_eq!(settings.keepalive, 60);
    assert_eq!(settings.password.expose_secret().as_str(), PASSWORD);
}

#[test]
fn request_names_every_key_once_in_field_order() {
    let cloud = cloud();
    fetch(&cloud).unwrap();
    let sent: Vec<_> = cloud
        .last_request()
        .into_iter()
        .map(|k| (k.scope, k.store, String::from_utf8(k.key).unwrap()))
        .collect();
    let expected = [
        (Scope::Device, Store::Config, "broker-host"),
        (Scope::Device, Store::Config, "broker-port"),
        (Scope::Device, Store::Config, "client-id"),
        (Scope::Device, Store::Config, "root-CA"),
        (Scope::Device, Store::Secret, "private_key"),
        (Scope::Device, Store::Config, "keepalive"),
        (Scope::Device, Store::Secret, "password"),
    ];
    let expected: Vec<_> =
        expected.iter().map(|(scope, store, key)| (*scope, *store, (*key).to_owned())).collect();
    assert_eq!(sent, expected);
}

#[test]
fn keys_and_schema_describe_the_struct() {
    assert_eq!(Mqtt::KEYS.len(), 7);
    assert_eq!(Mqtt::SCHEMA.len(), 7);
    let spec = &Mqtt::SCHEMA[BROKER_PORT as usize];
    assert_eq!(spec.key, "broker-port");
    // An integer's bound, past its digits (see `a_port_is_read_far_enough_to_name_a_stray_byte`).
    assert_eq!(spec.max_len, 24);
    assert!(spec.required);
    assert!(!Mqtt::SCHEMA[CLIENT_ID as usize].required);
    assert!(!Mqtt::SCHEMA[KEEPALIVE as usize].required);
    assert_eq!(Mqtt::SCHEMA[KEEPALIVE as usize].default, Some("60"));
    assert_eq!(Mqtt::SCHEMA[ROOT_CA as usize].max_len, 128);
    assert_eq!(Mqtt::SCHEMA[PRIVATE_KEY as usize].store, Store::Secret);
    let ffi = &Mqtt::KEYS[PRIVATE_KEY as usize];
    assert_eq!(ffi.scope, Scope::Device.to_ffi());
    assert_eq!(ffi.store, Store::Secret.to_ffi());
    assert_eq!(ffi.key.length, 11);
    // The longest max_len (broker-host, 128 = root-CA's 2 * 64) plus the truncation byte.
    assert_eq!(Mqtt::SCRATCH_BYTES, 129);
    assert_eq!(Mqtt::RESPONSE_MAX_BYTES, 128 + 24 + 34 + 128 + 128 + 24 + 32);
}

fn item_error(result: Result<Mqtt, FetchError>) -> (u16, &'static str, ItemError) {
    match result {
        Err(FetchError::Item { index, key, error, .. }) => (index, key, error),
        other => panic!("expected an item error, got {other:?}"),
    }
}

#[test]
fn required_key_missing_is_not_found_with_its_key() {
    let mut cloud = cloud();
    cloud.remove(Scope::Device, Store::Config, "broker-port");
    let error = fetch(&cloud).unwrap_err();
    assert_eq!(error.key(), Some("broker-port"));
    assert_eq!(item_error(Err(error)), (BROKER_PORT, "broker-port", ItemError::NotFound));
}

#[test]
fn key_in_the_wrong_store_is_not_found() {
    let mut cloud = cloud();
    cloud.remove(Scope::Device, Store::Secret, "password");
    cloud.insert(Scope::Device, Store::Config, "password", PASSWORD);
    assert_eq!(item_error(fetch(&cloud)), (PASSWORD_INDEX, "password", ItemError::NotFound));
}

#[test]
fn optional_and_defaulted_keys_take_their_values_when_present() {
    let mut cloud = cloud();
    cloud.insert(Scope::Device, Store::Config, "client-id", "dev-42");
    cloud.insert(Scope::Device, Store::Config, "keepalive", "15");
    let settings = fetch(&cloud).unwrap();
    assert_eq!(settings.client_id.as_deref(), Some("dev-42"));
    assert_eq!(settings.keepalive, 15);
}

#[test]
fn server_error_and_unknown_item_results_name_the_key() {
    let mut cloud = cloud();
    cloud.fail(Scope::Device, Store::Config, "root-CA", Fault::ServerError);
    assert_eq!(item_error(fetch(&cloud)), (ROOT_CA, "root-CA", ItemError::ServerError));

    let mut cloud = common::cloud();
    cloud.fail(Scope::Device, Store::Config, "client-id", Fault::UnknownResult(7));
    assert_eq!(item_error(fetch(&cloud)), (CLIENT_ID, "client-id", ItemError::UnknownResult(7)));

    let mut cloud = common::cloud();
    cloud.fail(
        Scope::Device,
        Store::Config,
        "broker-host",
        Fault::ReadStatus(MvStatus::INTERNALERROR),
    );
    assert_eq!(
        item_error(fetch(&cloud)),
        (BROKER_HOST, "broker-host", ItemError::Read(MvStatus::INTERNALERROR))
    );
}

#[test]
fn a_server_error_on_an_optional_key_is_still_an_error() {
    let mut cloud = cloud();
    cloud.fail(Scope::Device, Store::Config, "keepalive", Fault::ServerError);
    assert_eq!(item_error(fetch(&cloud)), (KEEPALIVE, "keepalive", ItemError::ServerError));
}

#[test]
fn too_long_values_are_rejected_under_both_truncation_behaviours() {
    for truncation in [Truncation::ReportWritten, Truncation::ReportFullLength] {
        // Exactly max_len is fine...
        let mut cloud = cloud();
        cloud.truncation(truncation);
        let host = "h".repeat(128);
        cloud.insert(Scope::Device, Store::Config, "broker-host", &host);
        assert_eq!(fetch(&cloud).unwrap().broker_host.as_str(), host);
        // ...one byte more is not, however the device reports it.
        let host = "h".repeat(129);
        cloud.insert(Scope::Device, Store::Config, "broker-host", &host);
        let (index, key, error) = item_error(fetch(&cloud));
        assert_eq!((index, key), (BROKER_HOST, "broker-host"));
        assert_eq!(error, ItemError::TooLong { len: 129, max: 128 });
        // Far longer: the written length is capped at the buffer, the full one is not.
        cloud.insert(Scope::Device, Store::Config, "broker-host", "h".repeat(4000));
        let expected_len = match truncation {
            Truncation::ReportWritten => 129,
            Truncation::ReportFullLength => 4000,
        };
        assert_eq!(item_error(fetch(&cloud)).2, ItemError::TooLong { len: expected_len, max: 128 });
    }
}

#[test]
/// An integer is read well past its digits: text that is not decimal is named at its stray
/// byte (`0x22B3`), not cut as too long; leading zeros are a value; only text past the bound
/// (24 bytes) is too long, and never truncated into a number.
fn a_port_is_read_far_enough_to_name_a_stray_byte() {
    let mut cloud = cloud();
    cloud.insert(Scope::Device, Store::Config, "broker-port", "0x22B3");
    assert_eq!(
        item_error(fetch(&cloud)),
        (BROKER_PORT, "broker-port", ItemError::Invalid(ParseError::NotDecimal { at: 1 }))
    );
    cloud.insert(Scope::Device, Store::Config, "broker-port", "123456");
    assert_eq!(
        item_error(fetch(&cloud)),
        (BROKER_PORT, "broker-port", ItemError::Invalid(ParseError::OutOfRange))
    );
    cloud.insert(Scope::Device, Store::Config, "broker-port", "000008883");
    assert_eq!(fetch(&cloud).unwrap().broker_port, 8883);
    cloud.insert(Scope::Device, Store::Config, "broker-port", "0".repeat(25));
    assert_eq!(
        item_error(fetch(&cloud)),
        (BROKER_PORT, "broker-port", ItemError::TooLong { len: 25, max: 24 })
    );
}

#[test]
fn response_too_large() {
    let mut cloud = cloud();
    cloud.receive_buffer(64);
    assert_eq!(fetch(&cloud).unwrap_err(), FetchError::ResponseTooLarge);
}

#[test]
fn unknown_response_result() {
    let mut cloud = cloud();
    cloud.channel_fault(ChannelFault::ResponseResult(9));
    assert_eq!(fetch(&cloud).unwrap_err(), FetchError::UnknownResponseResult(9));
}

#[test]
fn wrong_item_count() {
    for got in [0, 6, 8, u32::MAX] {
        let mut cloud = cloud();
        cloud.channel_fault(ChannelFault::ItemCount(got));
        assert_eq!(fetch(&cloud).unwrap_err(), FetchError::ItemCount { expected: 7, got });
    }
}

#[test]
fn send_failures() {
    for status in [
        MvStatus::INVALIDBUFFERSIZE,
        MvStatus::LATEFAULT,
        MvStatus::CHANNELCLOSED,
        MvStatus::TOOMANYCONFIGKEYS,
        MvStatus(0x99),
    ] {
        let mut cloud = cloud();
        cloud.channel_fault(ChannelFault::SendStatus(status));
        assert_eq!(fetch(&cloud).unwrap_err(), FetchError::Send(status));
    }
}

#[test]
fn too_many_keys() {
    let mut cloud = cloud();
    cloud.max_keys(6);
    assert_eq!(fetch(&cloud).unwrap_err(), FetchError::Send(MvStatus::TOOMANYCONFIGKEYS));
}

#[test]
fn no_response_and_closed_while_waiting() {
    let mut cloud = cloud();
    cloud.channel_fault(ChannelFault::NoResponse);
    assert_eq!(fetch(&cloud).unwrap_err(), FetchError::Wait(WaitError::Timeout));

    let mut cloud = common::cloud();
    cloud.channel_fault(ChannelFault::ClosedWhileWaiting);
    assert_eq!(fetch(&cloud).unwrap_err(), FetchError::Wait(WaitError::ChannelClosed));
}

/// A wait on a channel that sent no request answers at once, as the device channel does:
/// there is nothing to wait for.
#[test]
fn waiting_without_a_request_is_channel_closed() {
    let cloud = cloud();
    let mut channel = cloud.open_channel();
    assert_eq!(channel.wait_response(), Err(WaitError::ChannelClosed));
}

#[test]
fn response_data_failure() {
    let mut cloud = cloud();
    cloud.channel_fault(ChannelFault::ResponseStatus(MvStatus::CHANNELCLOSED));
    assert_eq!(fetch(&cloud).unwrap_err(), FetchError::Response(MvStatus::CHANNELCLOSED));
}

#[test]
fn channel_closed_mid_read() {
    for after in 0..7 {
        let mut cloud = cloud();
        cloud.channel_fault(ChannelFault::CloseAfterItems(after));
        let (index, key, error) = item_error(fetch(&cloud));
        assert_eq!(u32::from(index), after);
        assert_eq!(key, Mqtt::SCHEMA[after as usize].key);
        assert_eq!(error, ItemError::Read(MvStatus::CHANNELCLOSED));
    }
}

#[test]
fn a_second_fetch_on_one_channel_is_request_already_sent() {
    let cloud = cloud();
    let mut channel = cloud.open_channel();
    Mqtt::fetch(&mut channel).unwrap();
    // The first fetch closed it; a channel carries one request anyway.
    assert_eq!(Mqtt::fetch(&mut channel).unwrap_err(), FetchError::Send(MvStatus::CHANNELCLOSED));
    assert_eq!(cloud.requests_sent(), 2);
}

/// Whatever state the channel is in after its request, another is REQUESTALREADYSENT: the
/// response arrived or not, read or not.
#[test]
fn the_simulator_answers_request_already_sent() {
    let cloud = cloud();
    let mut channel = cloud.open_channel();
    channel.send_request(Request::of::<Mqtt>()).unwrap();
    assert_eq!(channel.send_request(Request::of::<Mqtt>()), Err(MvStatus::REQUESTALREADYSENT));
    channel.wait_response().unwrap();
    assert_eq!(channel.send_request(Request::of::<Mqtt>()), Err(MvStatus::REQUESTALREADYSENT));
    channel.read_response_data().unwrap();
    assert_eq!(channel.send_request(Request::of::<Mqtt>()), Err(MvStatus::REQUESTALREADYSENT));
    // And the fetch on it reports it, closing the channel.
    assert_eq!(
        Mqtt::fetch(&mut channel).unwrap_err(),
        FetchError::Send(MvStatus::REQUESTALREADYSENT)
    );
    assert!(channel.is_closed());
}

#[test]
fn the_response_is_readable_only_after_the_wait() {
    let cloud = cloud();
    let mut channel = cloud.open_channel();
    channel.send_request(Request::of::<Mqtt>()).unwrap();
    assert_eq!(channel.read_response_data(), Err(MvStatus::RESPONSENOTPRESENT));
    let mut buf = [0u8; 8];
    assert_eq!(channel.read_item(0, &mut buf), Err(MvStatus::RESPONSENOTPRESENT));
    channel.wait_response().unwrap();
    assert_eq!(channel.read_response_data().unwrap().num_items, 7);
    assert_eq!(channel.read_item(7, &mut buf), Err(MvStatus::INDEXINVALID));
}

/// What the simulator answers a request of one device config key `key`.
fn send_one_key(key: &[u8]) -> Result<(), MvStatus> {
    use microvisor_config::ffi::{
        MvConfigKeyFetchScope, MvConfigKeyFetchStore, MvConfigKeyToFetch, MvSizedString,
    };
    let keys = [MvConfigKeyToFetch {
        scope: MvConfigKeyFetchScope::DEVICE,
        store: MvConfigKeyFetchStore::CONFIG,
        key: MvSizedString { data: key.as_ptr(), length: key.len() as u32 },
    }];
    // SAFETY: the key points at `key`, alive for the call.
    let request = unsafe { Request::from_raw(&keys) };
    let cloud = Cloud::new();
    let mut channel = cloud.open_channel();
    let answer = channel.send_request(request);
    // Refused or not, it counts as sent.
    assert_eq!(channel.send_request(request), Err(MvStatus::REQUESTALREADYSENT));
    answer
}

#[test]
fn the_simulator_takes_keys_of_printable_ascii_up_to_100_bytes() {
    assert_eq!(send_one_key("caf\u{e9}".as_bytes()), Err(MvStatus::INVALIDCONFIGKEY));
    for outside in [&b"a\x7f"[..], b"a\x1f", b"tab\t"] {
        assert_eq!(send_one_key(outside), Err(MvStatus::INVALIDCONFIGKEY), "{outside:?}");
    }
    assert_eq!(send_one_key(b" ~"), Ok(()));
    assert_eq!(send_one_key(&[b'k'; 100]), Ok(()));
    assert_eq!(send_one_key(&[b'k'; 101]), Err(MvStatus::INVALIDCONFIGKEY));
}

/// A response too large for the receive buffer carries no items; a request of exactly the
/// most keys Microvisor takes is taken.
#[test]
fn the_simulator_answers_limits_as_microvisor() {
    use microvisor_config::ffi::MvConfigFetchResult;
    let mut cloud = cloud();
    cloud.receive_buffer(64);
    let mut channel = cloud.open_channel();
    channel.send_request(Request::of::<Mqtt>()).unwrap();
    channel.wait_response().unwrap();
    let data = channel.read_response_data().unwrap();
    assert_eq!((data.result, data.num_items), (MvConfigFetchResult::RESPONSETOOLARGE, 0));
    let mut cloud = self::cloud();
    cloud.max_keys(Mqtt::SCHEMA.len());
    assert!(fetch(&cloud).is_ok());
}

/// `key()` names a key only for an item's error; `source()` is the item's or the wait's error.
#[test]
fn errors_name_their_key_and_cause() {
    use std::error::Error as _;
    for whole in [
        FetchError::ResponseTooLarge,
        FetchError::Wait(WaitError::Timeout),
        FetchError::Send(MvStatus::TOOMANYCONFIGKEYS),
    ] {
        assert_eq!(whole.key(), None, "{whole:?}");
    }
    let item = FetchError::Item {
        index: 1,
        key: "broker-port",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::NotFound,
    };
    assert_eq!(item.key(), Some("broker-port"));
    let cause = |error: &FetchError| error.source().map(ToString::to_string);
    assert_eq!(cause(&item), Some(ItemError::NotFound.to_string()));
    let wait = FetchError::Wait(WaitError::Timeout);
    assert_eq!(cause(&wait), Some(WaitError::Timeout.to_string()));
    assert_eq!(cause(&FetchError::ResponseTooLarge), None);
}

#[test]
fn errors_say_what_to_do() {
    let mut cloud = cloud();
    cloud.remove(Scope::Device, Store::Config, "broker-port");
    assert_eq!(
        fetch(&cloud).unwrap_err().to_string(),
        "config key `broker-port` (device config, item 1): not found in its store (upload it \
         there, or make the field optional)"
    );
    assert_eq!(
        FetchError::Send(MvStatus::REQUESTALREADYSENT).to_string(),
        "config fetch request not sent: the channel already carried its one request (open a \
         new channel for each fetch)"
    );
    assert_eq!(
        FetchError::Send(MvStatus::CHANNELCLOSED).to_string(),
        "config fetch request not sent: the channel is closed (a channel carries one request, \
         and a fetch closes it: open a new channel for each fetch)"
    );
    assert_eq!(
        FetchError::Send(MvStatus(0x99)).to_string(),
        "config fetch request not sent: Microvisor answered unknown value 0x99"
    );
    assert_eq!(format!("{:?}", MvStatus(0x99)), "MvStatus(0x99)");
    assert_eq!(format!("{:?}", MvStatus::LATEFAULT), "MvStatus::LATEFAULT");
}
