use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(default = 1.5)]
    keepalive: u16,
}

fn main() {}
