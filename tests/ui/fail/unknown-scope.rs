use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = fleet, store = config)]
struct Broker {
    port: u16,
}

// A path is no scope word, even one ending in a right one.
#[derive(MicrovisorConfig)]
#[config(scope = Scope::device, store = config)]
struct Clock {
    zone: u16,
}

fn main() {}
