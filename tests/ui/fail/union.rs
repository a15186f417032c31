use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
union Port {
    number: u16,
    raw: u32,
}

fn main() {}
