use external_consumer::Mqtt;
use microvisor_config_sim::Cloud;
use microvisor_config::{ffi, FetchError, ItemError, KeySpec, MicrovisorConfig, Scope, Store};

#[test]
fn the_public_surface_behaves_as_documented() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
        .insert(Scope::Device, Store::Config, "broker-port", "8883")
        .insert(Scope::Device, Store::Config, "root-CA", "c0ffee")
        .insert(Scope::Device, Store::Secret, "private_key", "00ff");
    let mqtt = Mqtt::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(mqtt.broker_host.as_str(), "mqtt.example.com");
    assert_eq!(mqtt.broker_port, 8883);
    assert_eq!(mqtt.client_id, None);
    assert_eq!(&*mqtt.root_ca, &[0xc0, 0xff, 0xee]);
    assert_eq!(&**mqtt.private_key.expose_secret(), &[0x00, 0xff]);
    assert_eq!(format!("{:?}", mqtt.private_key), "[REDACTED]");
    assert_eq!(mqtt.keepalive, 60);

    let keys: &'static [ffi::MvConfigKeyToFetch] = Mqtt::KEYS;
    let schema: &'static [KeySpec] = Mqtt::SCHEMA;
    assert_eq!(keys.len(), 7);
    assert_eq!(schema[4].store, Store::Secret);
    assert_eq!(schema[3].max_len, 3072);

    cloud.insert(Scope::Device, Store::Config, "broker-port", "88x3");
    let mut settings = mqtt;
    let error: FetchError = settings.refresh(&mut cloud.open_channel()).unwrap_err();
    assert_eq!(error.key(), Some("broker-port"));
    assert!(matches!(error, FetchError::Item { error: ItemError::Invalid(_), .. }));
    assert_eq!(settings.broker_port, 8883);
}
