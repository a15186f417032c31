use microvisor_config::MicrovisorConfig;

fn parse_level(text: &str) -> Option<u8> {
    text.parse().ok()
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Logging {
    #[config(with = parse_level, max_len = 8)]
    level: u8,
}

fn main() {}
