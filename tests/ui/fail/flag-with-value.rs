use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = secret)]
struct Login {
    #[config(plain = true)]
    user: String<32>,
}

fn main() {}
