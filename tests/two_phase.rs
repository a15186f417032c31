//! The two-phase fetch of event loops: send on one event, receive on the notification.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use microvisor_config::{FetchError, ItemError, MicrovisorConfig, MvStatus, Scope, Store};
use microvisor_config_sim::Fault;

#[test]
fn send_then_receive_after_the_notification() {
    let mut cloud = cloud();
    cloud.deliver_manually();
    let mut channel = cloud.open_channel();
    let pending = Mqtt::send(&mut channel).unwrap();
    assert_eq!(cloud.requests_sent(), 1);
    // ... the event loop runs; the response's notification arrives:
    cloud.deliver();
    let settings = pending.receive().unwrap();
    assert_eq!(settings.broker_port, 8883);
    assert!(channel.is_closed());
    assert_eq!(cloud.requests_sent(), 1);
}

#[test]
fn an_owned_channel_moves_into_the_token() {
    let mut cloud = cloud();
    cloud.deliver_manually();
    let pending = Mqtt::send(cloud.open_channel()).unwrap();
    assert!(!pending.channel().is_closed());
    // The token shows the channel it holds, for a log line.
    assert!(format!("{pending:?}").starts_with("Pending { channel: SimChannel {"), "{pending:?}");
    cloud.deliver();
    assert_eq!(pending.receive().unwrap().broker_host.as_str(), HOST);
    assert_eq!(cloud.channels_closed(), 1);
}

#[test]
fn receiving_before_the_response_is_a_clear_error_and_closes() {
    let mut cloud = cloud();
    cloud.deliver_manually();
    let mut channel = cloud.open_channel();
    let pending = Mqtt::send(&mut channel).unwrap();
    let error = pending.receive().unwrap_err();
    assert_eq!(error, FetchError::Response(MvStatus::RESPONSENOTPRESENT));
    assert_eq!(
        error.to_string(),
        "config fetch response has not arrived yet (receive it after the channel's \
         CHANNELDATAREADABLE notification)"
    );
    assert!(channel.is_closed());
}

#[test]
fn dropping_the_token_closes_the_channel() {
    let mut cloud = cloud();
    cloud.deliver_manually();
    let mut channel = cloud.open_channel();
    drop(Mqtt::send(&mut channel).unwrap());
    assert!(channel.is_closed());
}

#[test]
fn a_failed_send_closes_and_says_why() {
    let cloud = cloud();
    let mut channel = cloud.open_channel();
    Mqtt::fetch(&mut channel).unwrap();
    assert_eq!(Mqtt::send(&mut channel).unwrap_err(), FetchError::Send(MvStatus::CHANNELCLOSED));
}

#[test]
fn wait_and_receive_is_the_blocking_second_half() {
    let mut cloud = cloud();
    cloud.fail(Scope::Device, Store::Config, "broker-port", Fault::ServerError);
    let pending = Mqtt::send(cloud.open_channel()).unwrap();
    assert_eq!(
        pending.wait_and_receive().unwrap_err(),
        FetchError::Item {
            index: BROKER_PORT,
            key: "broker-port",
            scope: Scope::Device,
            store: Store::Config,
            error: ItemError::ServerError
        }
    );
    assert_eq!(cloud.channels_closed(), 1);
}
