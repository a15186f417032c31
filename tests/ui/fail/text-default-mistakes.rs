use microvisor_config::heapless::String;
use microvisor_config::{MicrovisorConfig, Secret};

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Clock {
    #[config(default = "a-server-name-longer-than-sixteen-bytes")]
    ntp_server: String<16>,
    #[config(default = "8883")]
    port: u16,
    #[config(store = secret, default = "123456789")]
    pin: Secret<String<4>>,
}

fn main() {}
