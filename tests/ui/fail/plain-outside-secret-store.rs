use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Login {
    #[config(plain)]
    user: String<32>,
}

fn main() {}
