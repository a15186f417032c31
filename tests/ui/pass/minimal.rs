use microvisor_config::{sim::Cloud, MicrovisorConfig, Scope, Store};

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    port: u16,
}

fn main() {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "port", "8883");
    let broker = Broker::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(broker.port, 8883);
}
