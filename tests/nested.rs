//! Nested settings: `#[config(nested, prefix = "...")]` fetches a struct's leaves in the one
//! request of the struct it is nested in.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use microvisor_config::heapless::String;
use microvisor_config::{
    FetchError, FieldOutcome, Hex, ItemError, MicrovisorConfig, ParseError, Scope, Secret, Store,
};
use microvisor_config_sim::Cloud;

/// One TLS identity: the vendor demos' three keys.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
struct Tls {
    cert: Hex<32>,
    #[config(store = secret)]
    private_key: Secret<Hex<16>>,
    #[config(default = 443)]
    port: u16,
}

/// Two identities and a field of its own between them.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Device {
    #[config(nested, prefix = "mqtt-")]
    mqtt: Tls,
    #[config(key = "broker-host")]
    broker_host: String<32>,
    #[config(nested, prefix = "ota-")]
    ota: Tls,
    #[config(validate = not_zero)]
    retries: Option<u8>,
}

fn not_zero(value: &u8) -> Result<(), ParseError> {
    if *value == 0 {
        Err(ParseError::Custom("zero"))
    } else {
        Ok(())
    }
}

fn cloud() -> Cloud {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "mqtt-cert", "3082");
    cloud.insert(Scope::Device, Store::Secret, "mqtt-private-key", "00ff");
    cloud.insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com");
    cloud.insert(Scope::Device, Store::Config, "ota-cert", "aabbcc");
    cloud.insert(Scope::Device, Store::Secret, "ota-private-key", "11");
    cloud.insert(Scope::Device, Store::Config, "ota-port", "8443");
    cloud
}

#[test]
fn the_tree_is_one_request_of_its_leaves_in_field_order() {
    let keys: Vec<&str> = Device::SCHEMA.iter().map(|spec| spec.key).collect();
    assert_eq!(
        keys,
        [
            "mqtt-cert",
            "mqtt-private-key",
            "mqtt-port",
            "broker-host",
            "ota-cert",
            "ota-private-key",
            "ota-port",
            "retries"
        ]
    );
    let fields: Vec<&str> = Device::SCHEMA.iter().map(|spec| spec.field).collect();
    assert_eq!(fields[..3], ["mqtt.cert", "mqtt.private_key", "mqtt.port"]);
    assert_eq!(Device::KEYS.len(), 8);
    for (key, spec) in Device::KEYS.iter().zip(Device::SCHEMA) {
        // SAFETY: a request entry points at its key's text, `length` bytes of static memory.
        let sent = unsafe { core::slice::from_raw_parts(key.key.data, key.key.length as usize) };
        assert_eq!(sent, spec.key.as_bytes());
        assert_eq!((key.scope, key.store), (spec.scope.to_ffi(), spec.store.to_ffi()));
    }
    assert_eq!(Device::NO_OUTCOMES.len(), 8);
    assert_eq!(Device::SCHEMA[1].store, Store::Secret);

    let device = Device::fetch(&mut cloud().open_channel()).unwrap();
    assert_eq!(&*device.mqtt.cert, &[0x30, 0x82]);
    assert_eq!(&**device.mqtt.private_key.expose_secret(), &[0x00, 0xff]);
    assert_eq!(device.mqtt.port, 443);
    assert_eq!(device.broker_host.as_str(), "mqtt.example.com");
    assert_eq!(&*device.ota.cert, &[0xaa, 0xbb, 0xcc]);
    assert_eq!(device.ota.port, 8443);
    assert_eq!(device.retries, None);
}

/// An error names the full key; a failed refresh anywhere in the tree keeps every old value.
#[test]
fn errors_name_the_full_key_and_refresh_is_all_or_nothing() {
    let mut device = Device::fetch(&mut cloud().open_channel()).unwrap();
    let mut bad = cloud();
    bad.insert(Scope::Device, Store::Config, "mqtt-cert", "1234");
    bad.insert(Scope::Device, Store::Config, "ota-port", "x");
    let error = device.refresh(&mut bad.open_channel()).unwrap_err();
    match error {
        FetchError::Item {
            index: 6,
            key: "ota-port",
            scope: Scope::Device,
            store: Store::Config,
            error,
        } => {
            assert_eq!(error, ItemError::Invalid(ParseError::NotDecimal { at: 0 }))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(&*device.mqtt.cert, &[0x30, 0x82]);
    assert_eq!(device.ota.port, 8443);

    bad.insert(Scope::Device, Store::Config, "ota-port", "9443");
    bad.insert(Scope::Device, Store::Config, "retries", "0");
    let report = Device::fetch_report(&mut bad.open_channel());
    let outcomes: Vec<FieldOutcome> = report.fields().map(|(_, outcome)| *outcome).collect();
    assert_eq!(outcomes[2], FieldOutcome::Defaulted);
    assert_eq!(outcomes[7], FieldOutcome::Failed(ItemError::Invalid(ParseError::Custom("zero"))));
    let bad_keys: Vec<&str> = report.bad_fields().map(|(spec, _)| spec.key).collect();
    assert_eq!(bad_keys, ["retries"]);

    bad.remove(Scope::Device, Store::Secret, "ota-private-key");
    let error = Device::fetch(&mut bad.open_channel()).unwrap_err();
    assert_eq!(error.key(), Some("ota-private-key"));
    assert!(
        error.to_string().contains("config key `ota-private-key` (device secret, item 5)"),
        "{error}"
    );
}

/// The checks of a leaf are its struct's, by the leaf's index in the tree.
#[test]
fn checks_reach_the_nested_structs() {
    assert_eq!(Device::check_item(0, b"zz"), Err(ParseError::NotHex { at: 0 }));
    assert_eq!(Device::check_item(6, b"70000"), Err(ParseError::OutOfRange));
    assert_eq!(Device::check_item(3, b"host"), Ok(()));
    assert_eq!(Device::check_item(7, b"0"), Err(ParseError::Custom("zero")));
    assert_eq!(Device::check_item(8, b"anything"), Ok(()));
    let report = cloud().check::<Device>();
    assert!(report.is_ok(), "{report}");
    let template = microvisor_config_sim::template::<Device>();
    assert!(template.contains("# mqtt.private_key: Secret<Hex<16>>, at most 32 bytes, required\nmqtt-private-key = \"\""), "{template}");
}

/// A struct nested twice over, without prefixes, and nested in one of another scope.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = account, store = config)]
struct Region {
    name: String<8>,
}

#[derive(MicrovisorConfig, Debug)]
struct Site {
    #[config(nested)]
    region: Region,
    #[config(nested, prefix = "site-")]
    device: Device,
}

#[test]
fn trees_nest_and_keep_their_own_scopes() {
    let keys: Vec<(&str, Scope)> = Site::SCHEMA.iter().map(|spec| (spec.key, spec.scope)).collect();
    assert_eq!(keys[0], ("name", Scope::Account));
    assert_eq!(keys[1], ("site-mqtt-cert", Scope::Device));
    assert_eq!(Site::SCHEMA[1].field, "device.mqtt.cert");
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Account, Store::Config, "name", "eu");
    for (scope, store, key, value) in [
        (Scope::Device, Store::Config, "site-mqtt-cert", "01"),
        (Scope::Device, Store::Secret, "site-mqtt-private-key", "02"),
        (Scope::Device, Store::Config, "site-broker-host", "h"),
        (Scope::Device, Store::Config, "site-ota-cert", "03"),
        (Scope::Device, Store::Secret, "site-ota-private-key", "04"),
    ] {
        cloud.insert(scope, store, key, value);
    }
    let site = Site::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(site.region.name.as_str(), "eu");
    assert_eq!(&**site.device.ota.private_key.expose_secret(), &[4]);
    assert_eq!(Site::check_item(5, b"zz"), Err(ParseError::NotHex { at: 0 }));
}
