use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(store = config)]
struct Broker {
    port: u16,
}

fn main() {}
