use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(key = "broker host\n")]
    host: String<128>,
    #[config(store = "secret")]
    token: String<64>,
    #[config(max_len = 0)]
    port: u16,
}

fn main() {}
