//! Attribute mistakes and type mistakes in one struct: all of them in one compile, each once.
use microvisor_config::heapless::String;
use microvisor_config::{MicrovisorConfig, ParseError};

struct Address {
    host: [u8; 64],
}

fn parse_port(_: &[u8]) -> Result<u32, ParseError> {
    Ok(1)
}

fn check_name(_: &u8) -> Result<(), ParseError> {
    Ok(())
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(kye = "broker-host")]
    host: String<64>,
    address: Address,
    #[config(max_len = 99)]
    name: String<8>,
    #[config(with = parse_port, max_len = 5)]
    port: u16,
    #[config(validate = check_name)]
    label: String<8>,
    #[config(defualt)]
    retries: Option<u8>,
    backup: Option<Address>,
}

fn main() {}
