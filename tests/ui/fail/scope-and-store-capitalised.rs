use microvisor_config::MicrovisorConfig;

// The words are exact: a capitalised one is not read as the lowercase word (nor, silently, as
// the other scope or store).
#[derive(MicrovisorConfig)]
#[config(scope = Account, store = config)]
struct Broker {
    port: u16,
    #[config(store = Secret)]
    token: u16,
}

fn main() {}
