use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(max_len = 0)]
    host: String<128>,
}

fn main() {}
