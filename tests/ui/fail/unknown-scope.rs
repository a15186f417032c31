use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = fleet, store = config)]
struct Broker {
    port: u16,
}

fn main() {}
