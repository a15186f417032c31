use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

// The secret store named on the struct applies to every field: each must still be a `Secret`.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = secret)]
struct Credentials {
    token: String<32>,
}

fn main() {}
