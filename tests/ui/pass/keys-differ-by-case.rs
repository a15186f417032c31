//! Keys are sent exactly as written (Microvisor does not document case folding): two keys that
//! differ only in case are two keys, in one store.
use microvisor_config::{MicrovisorConfig, Scope, Store};
use microvisor_config_sim::Cloud;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Ports {
    #[config(key = "port")]
    lower: u16,
    #[config(key = "Port")]
    capital: u16,
}

fn main() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "port", "1")
        .insert(Scope::Device, Store::Config, "Port", "2");
    let ports = Ports::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!((ports.lower, ports.capital), (1, 2));
}
