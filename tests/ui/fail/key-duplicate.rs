use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(key = "broker-host")]
    host: String<128>,
    #[config(key = "broker-host")]
    fallback_host: String<128>,
}

fn main() {}
