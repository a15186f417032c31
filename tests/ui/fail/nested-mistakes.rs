use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Tls {
    cert: String<64>,
}

struct Plain {
    cert: String<64>,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Device {
    #[config(nested, key = "tls", max_len = 8)]
    mqtt: Tls,
    #[config(nested)]
    plain: Plain,
    #[config(prefix = "x-")]
    name: String<8>,
    #[config(nested, prefix = "")]
    ota: Tls,
    #[config(nested, prefix = "caf\u{e9}-")]
    backup: Tls,
}

fn main() {}
