//! `refresh` replaces the settings only when every item succeeded.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use microvisor_config::{MicrovisorConfig, Scope, Store};
use microvisor_config_sim::{ChannelFault, Cloud, Fault, Truncation};

fn snapshot(settings: &Mqtt) -> String {
    format!(
        "{:?} {} {:?} {:?} {:?} {}",
        settings.broker_host,
        settings.broker_port,
        settings.client_id,
        settings.root_ca,
        settings.private_key.expose_secret(),
        settings.keepalive
    ) + settings.password.expose_secret()
}

/// Every way a refresh can fail, each applied to a cloud whose other values all changed.
fn failing_clouds() -> Vec<(&'static str, Cloud)> {
    let changed = || {
        let mut cloud = cloud();
        cloud
            .insert(Scope::Device, Store::Config, "broker-host", "other.example.com")
            .insert(Scope::Device, Store::Config, "broker-port", "1883")
            .insert(Scope::Device, Store::Config, "client-id", "new-id")
            .insert(Scope::Device, Store::Config, "root-CA", "00")
            .insert(Scope::Device, Store::Secret, "private_key", "11")
            .insert(Scope::Device, Store::Config, "keepalive", "5")
            .insert(Scope::Device, Store::Secret, "password", "new");
        cloud
    };
    let mut cases = Vec::new();
    let mut c = changed();
    c.remove(Scope::Device, Store::Secret, "password");
    cases.push(("last key missing", c));
    let mut c = changed();
    c.fail(Scope::Device, Store::Config, "keepalive", Fault::ServerError);
    cases.push(("server error", c));
    let mut c = changed();
    c.insert(Scope::Device, Store::Config, "root-CA", "zz");
    cases.push(("invalid hex", c));
    let mut c = changed();
    c.insert(Scope::Device, Store::Secret, "password", "p".repeat(33));
    cases.push(("too long", c));
    let mut c = changed();
    c.truncation(Truncation::ReportFullLength);
    c.insert(Scope::Device, Store::Secret, "password", "p".repeat(300));
    cases.push(("too long, full length reported", c));
    let mut c = changed();
    c.channel_fault(ChannelFault::ItemCount(3));
    cases.push(("item count", c));
    let mut c = changed();
    c.receive_buffer(32);
    cases.push(("response too large", c));
    let mut c = changed();
    c.channel_fault(ChannelFault::NoResponse);
    cases.push(("no response", c));
    let mut c = changed();
    c.channel_fault(ChannelFault::CloseAfterItems(6));
    cases.push(("closed mid-read", c));
    cases
}

#[test]
fn refresh_keeps_the_old_settings_on_every_failure() {
    let mut settings = Mqtt::fetch(&mut cloud().open_channel()).unwrap();
    let before = snapshot(&settings);
    for (name, cloud) in failing_clouds() {
        let result = settings.refresh(&mut cloud.open_channel());
        assert!(result.is_err(), "{name}: refresh should fail");
        assert_eq!(snapshot(&settings), before, "{name}: settings changed on a failed refresh");
        assert_eq!(cloud.channels_closed(), 1, "{name}: channel left open");
    }
}

#[test]
fn refresh_replaces_every_field_on_success() {
    let mut settings = Mqtt::fetch(&mut cloud().open_channel()).unwrap();
    let mut newer = cloud();
    newer
        .insert(Scope::Device, Store::Config, "broker-port", "1883")
        .insert(Scope::Device, Store::Config, "client-id", "c1")
        .insert(Scope::Device, Store::Secret, "password", "rotated");
    settings.refresh(&mut newer.open_channel()).unwrap();
    assert_eq!(settings.broker_port, 1883);
    assert_eq!(settings.client_id.as_deref(), Some("c1"));
    assert_eq!(settings.password.expose_secret().as_str(), "rotated");
    // And back: an optional key that disappears becomes None again.
    settings.refresh(&mut cloud().open_channel()).unwrap();
    assert_eq!(settings.client_id, None);
}
