use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(key = broker_port)]
    port: u16,
    // A path is no key either, and has no one word to quote.
    #[config(key = keys::HOST)]
    host: u16,
}

fn main() {}
