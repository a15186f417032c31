use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Login {
    #[config(min_len = 0)]
    user: String<16>,
    #[config(min_len = 12, max_len = 8)]
    password: String<16>,
    #[config(min_len = 5000)]
    banner: String<16>,
    #[config(min_len = 20)]
    realm: String<16>,
    // Right at the limits: a fixed length, and a value as long as the cloud allows.
    #[config(min_len = 8, max_len = 8)]
    serial: String<16>,
    #[config(min_len = 4096)]
    certificate: String<4096>,
}

fn main() {}
