//! Custom parsing and validation, enums from text and base64: the field types a schema of
//! your own needs.
//!
//! Run with `cargo run --example custom_types`.

use microvisor_config::heapless::String;
use microvisor_config::{Base64, ConfigValue, MicrovisorConfig, ParseError, Scope, Store};
use microvisor_config_sim::Cloud;

/// The clock's display region, stored as `"eu"`, `"us"` or `"ap"`.
#[derive(ConfigValue, Clone, Copy)]
#[config(rename_all = "lowercase")]
enum Region {
    Eu,
    Us,
    Ap,
}

/// Parses `"HH:MM"` into minutes after midnight.
fn parse_time(text: &[u8]) -> Result<u16, ParseError> {
    let [h1, h2, b':', m1, m2] = *text else {
        return Err(ParseError::Custom("expected HH:MM"));
    };
    let digits = [h1, h2, m1, m2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::Custom("expected HH:MM"));
    }
    let [h1, h2, m1, m2] = digits.map(|d| u16::from(d - b'0'));
    let (hours, minutes) = (h1 * 10 + h2, m1 * 10 + m2);
    if hours > 23 || minutes > 59 {
        return Err(ParseError::OutOfRange);
    }
    Ok(hours * 60 + minutes)
}

/// A brightness between 1 and 100.
fn brightness_in_range(value: &u8) -> Result<(), ParseError> {
    if (1..=100).contains(value) {
        Ok(())
    } else {
        Err(ParseError::Custom("brightness must be 1 to 100"))
    }
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
struct Clock {
    region: Region,
    #[config(with = parse_time, max_len = 5)]
    night_mode_from: u16,
    #[config(validate = brightness_in_range, default = 80)]
    brightness: u8,
    #[config(key = "display-name")]
    name: String<32>,
    /// A 16-byte token, base64 in the cloud.
    token: Base64<16>,
}

fn main() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "region", "eu")
        .insert(Scope::Device, Store::Config, "night-mode-from", "22:30")
        .insert(Scope::Device, Store::Config, "display-name", "Kitchen")
        .insert(Scope::Device, Store::Config, "token", "AAECAwQFBgcICQoLDA0ODw==");
    match Clock::fetch(&mut cloud.open_channel()) {
        Ok(clock) => println!(
            "{}: region {}, night mode from {:02}:{:02}, brightness {}, token {:02x?}",
            clock.name,
            clock.region.config_name(),
            clock.night_mode_from / 60,
            clock.night_mode_from % 60,
            clock.brightness,
            &*clock.token
        ),
        Err(error) => eprintln!("{error}"),
    }
    cloud.insert(Scope::Device, Store::Config, "brightness", "140");
    match Clock::fetch(&mut cloud.open_channel()) {
        Ok(clock) => println!("accepted brightness {}", clock.brightness),
        Err(error) => println!("rejected as expected: {error}"),
    }
}
