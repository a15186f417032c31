use microvisor_config::MicrovisorConfig;

// Rule names are serde's, capitals included.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "camelcase")]
struct Broker {
    broker_port: u16,
}

fn main() {}
