//! The boot fetch of a realistic settings struct against the simulated cloud.
use microvisor_config::heapless::String;
use microvisor_config::{sim::Cloud, Hex, MicrovisorConfig, Scope, Secret, Store};

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Mqtt {
    #[config(key = "broker-host")]
    broker_host: String<128>,
    #[config(key = "broker-port")]
    broker_port: u16,
    #[config(key = "client-id")]
    client_id: Option<String<34>>,
    #[config(key = "root-CA")]
    root_ca: Hex<1536>,
    #[config(key = "private_key", store = secret)]
    private_key: Secret<Hex<1536>>,
}

fn main() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
        .insert(Scope::Device, Store::Config, "broker-port", "8883")
        .insert(Scope::Device, Store::Config, "root-CA", "3082")
        .insert(Scope::Device, Store::Secret, "private_key", "abcd");
    match Mqtt::fetch(&mut cloud.open_channel()) {
        Ok(settings) => println!("{settings:#?}"),
        Err(error) => {
            eprintln!("fetch failed: {error}");
            std::process::exit(1);
        }
    }
}
