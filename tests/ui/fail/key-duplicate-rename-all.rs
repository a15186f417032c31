use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
struct Broker {
    broker_host: String<128>,
    #[config(key = "broker-host")]
    host: String<128>,
}

fn main() {}
