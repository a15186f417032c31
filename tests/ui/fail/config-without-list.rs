use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config]
    port: u16,
}

fn main() {}
