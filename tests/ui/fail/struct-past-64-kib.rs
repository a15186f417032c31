use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

/// The fetch's field rows hold 16-bit offsets: a field past 64 KiB is refused at compile time.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Huge {
    #[config(max_len = 100)]
    first: String<40000>,
    #[config(max_len = 100)]
    second: String<40000>,
    #[config(max_len = 100)]
    third: String<40000>,
}

fn main() {}
