use microvisor_config::{Hex, MicrovisorConfig};

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Pairing {
    #[config(max_len = 17)]
    device_key: Hex<8>,
}

fn main() {}
