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
}

fn main() {}
