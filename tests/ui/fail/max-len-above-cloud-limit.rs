use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(max_len = 8192)]
    host: String<8192>,
}

fn main() {}
