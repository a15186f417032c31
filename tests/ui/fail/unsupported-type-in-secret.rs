use microvisor_config::{MicrovisorConfig, Secret};

struct Credentials {
    user: [u8; 16],
    password: [u8; 32],
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = secret)]
struct Login {
    credentials: Option<Secret<Credentials>>,
}

fn main() {}
