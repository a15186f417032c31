//! A device that fails to configure itself logs every bad key in one go.
//!
//! Run with `cargo run --example boot_report`.

use microvisor_config::heapless::String;
use microvisor_config::{Hex, MicrovisorConfig, Scope, Secret, Store};
use microvisor_config_sim::{Cloud, Fault};

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Mqtt {
    #[config(key = "broker-host")]
    broker_host: String<128>,
    #[config(key = "broker-port")]
    broker_port: u16,
    #[config(key = "root-CA")]
    root_ca: Hex<1536>,
    #[config(key = "private_key", store = secret)]
    private_key: Secret<Hex<1536>>,
    #[config(key = "password", store = secret)]
    password: Secret<String<128>>,
}

fn main() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
        .insert(Scope::Device, Store::Config, "broker-port", "88o3")
        .insert(Scope::Device, Store::Secret, "private_key", "30820122300d06")
        .fail(Scope::Device, Store::Secret, "password", Fault::ServerError);
    let report = Mqtt::fetch_report(&mut cloud.open_channel());
    print!("{report}");
    if let Ok(mqtt) = report.result() {
        println!(
            "would connect to {}:{} ({} byte CA, {} byte key, password {})",
            mqtt.broker_host,
            mqtt.broker_port,
            mqtt.root_ca.len(),
            mqtt.private_key.expose_secret().len(),
            mqtt.password
        );
    }
}
