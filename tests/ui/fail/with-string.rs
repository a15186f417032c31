use microvisor_config::{MicrovisorConfig, ParseError};

fn parse_port(_: &[u8]) -> Result<u16, ParseError> {
    Ok(8883)
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(with = "parse_port", max_len = 5)]
    port: u16,
}

fn main() {}
