//! `with` on an `Option<T>` field: the function parses `T`, and a missing key is `None`.
use microvisor_config::{MicrovisorConfig, ParseError, Scope, Store};
use microvisor_config_sim::Cloud;

fn percent(text: &[u8]) -> Result<u8, ParseError> {
    let digits = text.strip_suffix(b"%").ok_or(ParseError::Custom("expected a trailing %"))?;
    let value: u8 = core::str::from_utf8(digits)
        .ok()
        .and_then(|digits| digits.parse().ok())
        .ok_or(ParseError::Custom("expected a number"))?;
    if value <= 100 {
        Ok(value)
    } else {
        Err(ParseError::OutOfRange)
    }
}

fn not_zero(value: &Option<u8>) -> Result<(), ParseError> {
    match value {
        Some(0) => Err(ParseError::Custom("zero")),
        _ => Ok(()),
    }
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Power {
    #[config(with = percent, max_len = 4)]
    low_battery: Option<u8>,
    #[config(with = percent, max_len = 4, validate = not_zero)]
    dim_to: Option<u8>,
}

fn main() {
    assert!(Power::SCHEMA.iter().all(|spec| !spec.required));
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "low_battery", "15%");
    let power = Power::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(power.low_battery, Some(15));
    assert_eq!(power.dim_to, None);

    cloud.insert(Scope::Device, Store::Config, "dim_to", "0%");
    assert!(Power::fetch(&mut cloud.open_channel()).is_err());
    assert!(Power::check_item(1, b"0%").is_err());
    assert!(Power::check_item(1, b"40%").is_ok());
    assert!(Power::check_item(0, b"150%").is_err());
}
