use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(default = Some(1883))]
    port: Option<u16>,
}

fn main() {}
