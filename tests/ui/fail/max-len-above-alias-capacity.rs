use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

/// Through an alias the derive cannot see the capacity; the compiler still checks it.
type Hostname = String<64>;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(max_len = 100)]
    host: Hostname,
}

fn main() {}
