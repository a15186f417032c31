//! A struct whose derive failed is still usable as a `MicrovisorConfig` in the rest of the
//! crate: the only error is the mistake itself, not "trait not implemented" at every use.
use microvisor_config::{MicrovisorConfig};
use microvisor_config_sim::Cloud;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(max_len = 0)]
    port: u16,
}

fn sizes<T: MicrovisorConfig>() -> usize {
    T::RESPONSE_MAX_BYTES + T::SCRATCH_BYTES
}

fn main() {
    let cloud = Cloud::new();
    let _ = Broker::fetch(&mut cloud.open_channel());
    let _ = sizes::<Broker>();
    let _ = Broker::SCHEMA;
}
