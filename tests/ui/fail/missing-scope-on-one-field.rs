use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(store = config)]
struct Broker {
    #[config(scope = device)]
    port: u16,
    #[config(scope = account)]
    region: u8,
    tls: bool,
}

fn main() {}
