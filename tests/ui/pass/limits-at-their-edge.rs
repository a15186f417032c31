//! Each limit is inclusive: a key of exactly 100 bytes, a `max_len` of exactly the cloud's
//! 4096 and one of exactly the type's capacity all compile, and fetch.
use microvisor_config::heapless::String;
use microvisor_config::{MicrovisorConfig, Scope, Store};
use microvisor_config_sim::Cloud;

const KEY_100: &str = "k123456789k123456789k123456789k123456789k123456789\
                       k123456789k123456789k123456789k123456789k123456789";

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Edges {
    #[config(key = "k123456789k123456789k123456789k123456789k123456789k123456789k123456789k123456789k123456789k123456789")]
    long_key: u8,
    #[config(max_len = 4096)]
    cloud_limit: String<4096>,
    #[config(max_len = 16)]
    capacity: String<16>,
}

fn main() {
    assert_eq!(KEY_100.len(), 100);
    assert_eq!(Edges::SCHEMA[0].key, KEY_100);
    assert_eq!((Edges::SCHEMA[1].max_len, Edges::SCHEMA[2].max_len), (4096, 16));
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, KEY_100, "7")
        .insert(Scope::Device, Store::Config, "cloud_limit", "x".repeat(4096).as_str())
        .insert(Scope::Device, Store::Config, "capacity", "0123456789abcdef");
    let edges = Edges::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(edges.long_key, 7);
    assert_eq!(edges.cloud_limit.len(), 4096);
    assert_eq!(edges.capacity.as_str(), "0123456789abcdef");
}
