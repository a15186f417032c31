use microvisor_config::heapless::String;
use microvisor_config::{MicrovisorConfig, Secret};

#[derive(MicrovisorConfig)]
#[config(scope = device, store = secret)]
struct Login {
    #[config(plain)]
    password: Secret<String<32>>,
}

fn main() {}
