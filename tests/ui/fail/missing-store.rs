use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device)]
struct Broker {
    port: u16,
}

fn main() {}
