//! `with` and `validate` see the value inside a field's `Option` and `Secret`: the function
//! parses `T` (a missing key is `None`, and the derive wraps the value in its `Secret`), and
//! the check takes `&T` (and is not called for `None`).
use microvisor_config::heapless::String;
use microvisor_config::{MicrovisorConfig, ParseError, Scope, Secret, Store};
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

fn not_zero(value: &u8) -> Result<(), ParseError> {
    match value {
        0 => Err(ParseError::Custom("zero")),
        _ => Ok(()),
    }
}

fn token(text: &[u8]) -> Result<String<16>, ParseError> {
    let text = text.strip_prefix(b"tok-").ok_or(ParseError::Custom("expected tok-"))?;
    let text = core::str::from_utf8(text).map_err(|_| ParseError::Custom("not text"))?;
    String::try_from(text).map_err(|_| ParseError::Custom("too long"))
}

fn not_empty(value: &String<16>) -> Result<(), ParseError> {
    if value.is_empty() {
        Err(ParseError::Custom("empty token"))
    } else {
        Ok(())
    }
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Power {
    #[config(with = percent, max_len = 4)]
    low_battery: Option<u8>,
    #[config(with = percent, max_len = 4, validate = not_zero)]
    dim_to: Option<u8>,
    #[config(validate = not_zero)]
    sleep_after: Option<u8>,
    #[config(store = secret, with = token, max_len = 20, validate = not_empty)]
    api_token: Secret<String<16>>,
    #[config(store = secret, with = token, max_len = 20, validate = not_empty)]
    spare_token: Option<Secret<String<16>>>,
    #[config(store = secret, validate = not_empty)]
    pin: Secret<String<16>>,
}

fn main() {
    assert!(Power::SCHEMA.iter().filter(|spec| spec.required).count() == 2);
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "low_battery", "15%");
    cloud.insert(Scope::Device, Store::Secret, "api_token", "tok-abc");
    cloud.insert(Scope::Device, Store::Secret, "pin", "1234");
    let power = Power::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(power.low_battery, Some(15));
    // A missing key is `None`, and its check is not called.
    assert_eq!((power.dim_to, power.sleep_after), (None, None));
    assert_eq!(power.api_token.expose_secret(), "abc");
    assert!(power.spare_token.is_none());

    cloud.insert(Scope::Device, Store::Config, "dim_to", "0%");
    assert!(Power::fetch(&mut cloud.open_channel()).is_err());
    assert!(Power::check_item(1, b"0%").is_err());
    assert!(Power::check_item(1, b"40%").is_ok());
    assert!(Power::check_item(0, b"150%").is_err());
    assert_eq!(Power::check_item(2, b"0"), Err(ParseError::Custom("zero")));
    assert_eq!(Power::check_item(3, b"tok-"), Err(ParseError::Custom("empty token")));
    assert_eq!(Power::check_item(4, b"tok-"), Err(ParseError::Custom("empty token")));
    assert_eq!(Power::check_item(4, b"tok-x"), Ok(()));
    assert_eq!(Power::check_item(5, b""), Err(ParseError::Custom("empty token")));
    assert_eq!(Power::check_missing(4), Ok(()));
}
