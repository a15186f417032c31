use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(default = 1883, required)]
    port: u16,
}

fn main() {}
