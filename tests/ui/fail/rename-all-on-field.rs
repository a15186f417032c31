use microvisor_config::MicrovisorConfig;

// `rename_all` is a struct word: on a field it is pointed back to the struct.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Settings {
    #[config(rename_all = "kebab-case")]
    broker_host: microvisor_config::heapless::String<64>,
}

fn main() {}
