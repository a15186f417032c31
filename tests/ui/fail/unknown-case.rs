use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "kebab")]
struct Broker {
    broker_port: u16,
}

fn main() {}
