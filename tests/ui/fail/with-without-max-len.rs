use microvisor_config::{MicrovisorConfig, ParseError};

struct Level(u8);

fn parse_level(text: &[u8]) -> Result<Level, ParseError> {
    match text {
        b"low" => Ok(Level(0)),
        _ => Ok(Level(1)),
    }
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Logging {
    #[config(with = parse_level)]
    level: Level,
}

fn main() {}
