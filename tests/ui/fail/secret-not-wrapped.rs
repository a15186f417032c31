use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Login {
    user: String<32>,
    #[config(store = secret)]
    password: String<128>,
}

fn main() {}
