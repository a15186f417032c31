use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Settings {
    host: String<64>,
    port: u16,
}

impl Drop for Settings {
    fn drop(&mut self) {}
}

fn main() {}
