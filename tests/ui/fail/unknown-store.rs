use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = configs)]
struct Broker {
    port: u16,
}

fn main() {}
