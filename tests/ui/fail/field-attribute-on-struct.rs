use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, max_len = 16)]
struct Broker {
    port: u16,
}

fn main() {}
