use microvisor_config::MicrovisorConfig;

struct Address {
    host: [u8; 64],
    port: u16,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    address: Address,
}

fn main() {}
