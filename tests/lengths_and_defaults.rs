//! One rule for empty values, `min_len`, and text defaults.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use microvisor_config::heapless::{String, Vec};
use microvisor_config::{
    Base64, ConfigValue, FetchError, FieldOutcome, Hex, ItemError, MicrovisorConfig, ParseError,
    Scope, Secret, Store,
};
use microvisor_config_sim::Cloud;

#[derive(ConfigValue, Debug, PartialEq)]
#[config(rename_all = "lowercase")]
enum Mode {
    Fast,
    Slow,
}

/// Every kind of field, each given an empty value.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Empties {
    text: String<8>,
    bytes: Vec<u8, 4>,
    hex: Hex<4>,
    base64: Base64<3>,
    maybe_text: Option<String<8>>,
    number: u16,
    wide: u64,
    signed: i32,
    flag: bool,
    ratio: f32,
    mode: Mode,
    maybe_number: Option<u16>,
}

/// Text, bytes, hex and base64 hold an empty value; numbers, booleans, floats and enums answer
/// `Empty`, whatever their width and whether or not in an `Option`.
#[test]
fn an_empty_value_is_empty_text_or_an_empty_error() {
    let holds_empty = ["text", "bytes", "hex", "base64", "maybe_text"];
    for (index, spec) in Empties::SCHEMA.iter().enumerate() {
        let verdict = Empties::check_item(index, b"");
        if holds_empty.contains(&spec.key) {
            assert_eq!(verdict, Ok(()), "{}", spec.key);
        } else {
            assert_eq!(verdict, Err(ParseError::Empty), "{}", spec.key);
        }
    }
    let mut cloud = Cloud::new();
    for spec in Empties::SCHEMA {
        cloud.insert(Scope::Device, Store::Config, spec.key, "");
    }
    let report = Empties::fetch_report(&mut cloud.open_channel());
    let failed: std::vec::Vec<&str> = report.bad_fields().map(|(spec, _)| spec.key).collect();
    assert_eq!(failed, ["number", "wide", "signed", "flag", "ratio", "mode", "maybe_number"]);
    assert_eq!(Mode::parse(b""), Err(ParseError::Empty));
    assert_eq!(Mode::parse(b"fast"), Ok(Mode::Fast));
}

fn upper(text: &[u8]) -> Result<[u8; 4], ParseError> {
    <[u8; 4]>::try_from(text).map_err(|_| ParseError::Custom("four bytes"))
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Lengths {
    #[config(min_len = 8)]
    password: String<32>,
    #[config(min_len = 2, max_len = 8)]
    code: Option<Hex<4>>,
    #[config(min_len = 3, with = upper, max_len = 4)]
    tag: [u8; 4],
    #[config(min_len = 1, store = secret)]
    token: Secret<String<16>>,
}

fn lengths_cloud(password: &str) -> Cloud {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "password", password);
    cloud.insert(Scope::Device, Store::Config, "tag", "abcd");
    cloud.insert(Scope::Device, Store::Secret, "token", "t");
    cloud
}

/// A value shorter than `min_len` is refused, naming the key, with its length and the
/// minimum; one of exactly `min_len` bytes is accepted; a missing optional key is still `None`.
#[test]
fn min_len_refuses_a_shorter_value() {
    let ok = Lengths::fetch(&mut lengths_cloud("12345678").open_channel()).unwrap();
    assert_eq!((ok.password.as_str(), ok.code.is_none(), &ok.tag), ("12345678", true, b"abcd"));
    match Lengths::fetch(&mut lengths_cloud("1234567").open_channel()) {
        Err(FetchError::Item { key: "password", error, .. }) => {
            assert_eq!(error, ItemError::Invalid(ParseError::TooShort { len: 7, min: 8 }))
        }
        other => panic!("{other:?}"),
    }
    let mut empty_token = lengths_cloud("12345678");
    empty_token.insert(Scope::Device, Store::Secret, "token", "");
    let error = Lengths::fetch(&mut empty_token.open_channel()).unwrap_err();
    assert_eq!(
        error.item_error(),
        Some(&ItemError::Invalid(ParseError::TooShort { len: 0, min: 1 }))
    );
    assert!(error.to_string().contains("too short (0 bytes, min_len is 1)"), "{error}");

    assert_eq!(Lengths::check_item(1, b"ab"), Ok(()));
    assert_eq!(Lengths::check_item(1, b"a"), Err(ParseError::TooShort { len: 1, min: 2 }));
    assert_eq!(Lengths::check_item(2, b"ab"), Err(ParseError::TooShort { len: 2, min: 3 }));
    // Long enough, then the parser's own verdict.
    assert_eq!(Lengths::check_item(2, b"abc"), Err(ParseError::Custom("four bytes")));
    assert_eq!(Lengths::check_item(1, b"zz"), Err(ParseError::NotHex { at: 0 }));

    let mins: std::vec::Vec<usize> = Lengths::SCHEMA.iter().map(|spec| spec.min_len).collect();
    assert_eq!(mins, [8, 2, 3, 1]);
    assert_eq!(Empties::SCHEMA[0].min_len, 0);

    let report = Lengths::fetch_report(&mut lengths_cloud("short").open_channel());
    let outcomes: std::vec::Vec<FieldOutcome> =
        report.fields().map(|(_, outcome)| *outcome).collect();
    assert_eq!(
        outcomes,
        [
            FieldOutcome::Failed(ItemError::Invalid(ParseError::TooShort { len: 5, min: 8 })),
            FieldOutcome::Defaulted,
            FieldOutcome::Ok,
            FieldOutcome::Ok,
        ]
    );
}

/// The template says how long a value must be.
#[test]
fn the_template_shows_the_lengths() {
    let template = microvisor_config_sim::template::<Lengths>();
    assert!(template.contains("# password: String<32>, 8 to 32 bytes, required"), "{template}");
    assert!(template.contains("# code: Option<Hex<4>>, 2 to 8 bytes, optional"), "{template}");
    assert!(
        microvisor_config_sim::template::<Empties>().contains("# text: String<8>, at most 8 bytes")
    );
}

fn no_spaces(text: &String<24>) -> Result<(), ParseError> {
    match text.find(' ') {
        Some(at) => Err(ParseError::CustomAt { message: &"a space", at }),
        None => Ok(()),
    }
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct TextDefaults {
    #[config(default = "pool.ntp.org")]
    ntp_server: String<24>,
    #[config(default = "Europe/London", validate = no_spaces)]
    timezone: String<24>,
    #[config(default = "", store = secret)]
    pin: Secret<String<8>>,
    #[config(default = "12345678")]
    exactly_full: String<8>,
}

/// A text default is the field's value when its key is missing, and the cloud's value wins
/// when it is set; it shows in the schema as written.
#[test]
fn a_text_default_fills_a_missing_key() {
    let defaults = TextDefaults::fetch(&mut Cloud::new().open_channel()).unwrap();
    assert_eq!(defaults.ntp_server.as_str(), "pool.ntp.org");
    assert_eq!(defaults.timezone.as_str(), "Europe/London");
    assert_eq!(defaults.pin.expose_secret().as_str(), "");
    assert_eq!(defaults.exactly_full.as_str(), "12345678");
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "ntp_server", "time.example.com");
    let set = TextDefaults::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(set.ntp_server.as_str(), "time.example.com");
    assert_eq!(TextDefaults::SCHEMA[0].default, Some("\"pool.ntp.org\""));
    assert!(!TextDefaults::SCHEMA[0].required);
    cloud.insert(Scope::Device, Store::Config, "timezone", "New York");
    assert_eq!(
        TextDefaults::fetch(&mut cloud.open_channel()).unwrap_err().item_error(),
        Some(&ItemError::Invalid(ParseError::CustomAt { message: &"a space", at: 3 }))
    );
}
