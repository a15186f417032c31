//! Every field type parses its valid forms and rejects each invalid one with the key named.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use microvisor_config::heapless::{String, Vec};
use microvisor_config::{
    Base64, ConfigValue, FetchError, Hex, ItemError, MicrovisorConfig, ParseError, Scope, Secret,
    Store,
};
use microvisor_config_sim::Cloud;

/// One field of type `$ty`, fetched from key "v".
macro_rules! one_field {
    ($name:ident, $ty:ty) => {
        #[derive(MicrovisorConfig, Debug)]
        #[config(scope = device, store = config)]
        struct $name {
            #[config(key = "v")]
            v: $ty,
        }
    };
}

fn fetch<T: MicrovisorConfig>(text: &[u8]) -> Result<T, FetchError> {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "v", text);
    T::fetch(&mut cloud.open_channel())
}

/// The value error of fetching `text`, checking that it names key "v".
fn invalid<T: MicrovisorConfig + core::fmt::Debug>(text: &[u8]) -> ItemError {
    match fetch::<T>(text) {
        Err(FetchError::Item { index: 0, key: "v", error, .. }) => error,
        other => panic!(
            "{:?}: expected an item error for key v, got {other:?}",
            String::<64>::try_from(core::str::from_utf8(text).unwrap_or("?")).ok()
        ),
    }
}

/// A `validate` check that accepts every value: what gives a field an ops entry of its own
/// without changing what it holds.
fn accept<T>(_: &T) -> Result<(), ParseError> {
    Ok(())
}

fn parse_error(error: ItemError) -> ParseError {
    match error {
        ItemError::Invalid(e) => e,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

one_field!(U8, u8);
one_field!(U16, u16);
one_field!(U32, u32);
one_field!(U64, u64);
one_field!(U128, u128);
one_field!(Usize, usize);
one_field!(I8, i8);
one_field!(I16, i16);
one_field!(I32, i32);
one_field!(I64, i64);
one_field!(I128, i128);
one_field!(Isize, isize);

#[test]
fn unsigned_integers_are_strict_decimal() {
    assert_eq!(fetch::<U8>(b"255").unwrap().v, 255);
    assert_eq!(fetch::<U8>(b"0").unwrap().v, 0);
    assert_eq!(fetch::<U16>(b"8883").unwrap().v, 8883);
    assert_eq!(fetch::<U16>(b"65535").unwrap().v, 65535);
    assert_eq!(fetch::<U32>(b"4294967295").unwrap().v, u32::MAX);
    assert_eq!(fetch::<U64>(b"18446744073709551615").unwrap().v, u64::MAX);
    assert_eq!(fetch::<U128>(b"340282366920938463463374607431768211455").unwrap().v, u128::MAX);
    assert_eq!(fetch::<Usize>(b"7").unwrap().v, 7);
    // The vendor's strtoul turns these into 88, 4464 and 0.
    assert_eq!(parse_error(invalid::<U16>(b"88x3")), ParseError::NotDecimal { at: 2 });
    assert_eq!(parse_error(invalid::<U16>(b"70000")), ParseError::OutOfRange);
    assert_eq!(parse_error(invalid::<U16>(b"mqtt")), ParseError::NotDecimal { at: 0 });
    assert_eq!(parse_error(invalid::<U8>(b"256")), ParseError::OutOfRange);
    assert_eq!(parse_error(invalid::<U8>(b"-1")), ParseError::NotDecimal { at: 0 });
    assert_eq!(parse_error(invalid::<U8>(b"+1")), ParseError::NotDecimal { at: 0 });
    assert_eq!(parse_error(invalid::<U8>(b" 1")), ParseError::NotDecimal { at: 0 });
    assert_eq!(parse_error(invalid::<U8>(b"1 ")), ParseError::NotDecimal { at: 1 });
    assert_eq!(parse_error(invalid::<U8>(b"")), ParseError::Empty);
    assert_eq!(parse_error(invalid::<U8>(b"0x1")), ParseError::NotDecimal { at: 1 });
    assert_eq!(parse_error(invalid::<U32>(b"4294967296")), ParseError::OutOfRange);
    assert_eq!(parse_error(invalid::<U64>(b"18446744073709551616")), ParseError::OutOfRange);
    assert_eq!(
        parse_error(invalid::<U128>(b"340282366920938463463374607431768211456")),
        ParseError::OutOfRange
    );
    // Leading zeros within the integer's 24-byte bound are a value; past it, too long before it
    // is even parsed.
    assert_eq!(fetch::<U8>(b"0255").unwrap().v, 255);
    assert_eq!(invalid::<U8>(&[b'0'; 25]), ItemError::TooLong { len: 25, max: 24 });
}

#[test]
fn signed_integers_take_an_optional_sign() {
    assert_eq!(fetch::<I8>(b"-128").unwrap().v, -128);
    assert_eq!(fetch::<I8>(b"+127").unwrap().v, 127);
    assert_eq!(fetch::<I16>(b"-32768").unwrap().v, i16::MIN);
    assert_eq!(fetch::<I32>(b"-2147483648").unwrap().v, i32::MIN);
    assert_eq!(fetch::<I64>(b"-9223372036854775808").unwrap().v, i64::MIN);
    assert_eq!(fetch::<I128>(b"-170141183460469231731687303715884105728").unwrap().v, i128::MIN);
    assert_eq!(fetch::<Isize>(b"-5").unwrap().v, -5);
    assert_eq!(parse_error(invalid::<I8>(b"128")), ParseError::OutOfRange);
    assert_eq!(parse_error(invalid::<I8>(b"-129")), ParseError::OutOfRange);
    assert_eq!(parse_error(invalid::<I8>(b"-")), ParseError::NotDecimal { at: 1 });
    assert_eq!(parse_error(invalid::<I8>(b"1-")), ParseError::NotDecimal { at: 1 });
    assert_eq!(parse_error(invalid::<I16>(b"--1")), ParseError::NotDecimal { at: 1 });
    assert_eq!(parse_error(invalid::<I32>(b"1.0")), ParseError::NotDecimal { at: 1 });
    assert_eq!(parse_error(invalid::<I64>(b"9223372036854775808")), ParseError::OutOfRange);
}

one_field!(Bool, bool);
one_field!(F32, f32);
one_field!(F64, f64);

#[test]
fn bool_is_exactly_true_or_false() {
    assert!(fetch::<Bool>(b"true").unwrap().v);
    assert!(!fetch::<Bool>(b"false").unwrap().v);
    for bad in [&b"True"[..], b"1", b"yes", b"tru", b"false "] {
        assert!(matches!(invalid::<Bool>(bad), ItemError::Invalid(_) | ItemError::TooLong { .. }));
    }
    assert_eq!(parse_error(invalid::<Bool>(b"TRUE")), ParseError::NotBool);
    // Within bool's five bytes, a word that starts as one of the two is neither.
    for bad in [&b"trues"[..], b"true1", b"fals", b"falsE"] {
        assert_eq!(parse_error(invalid::<Bool>(bad)), ParseError::NotBool, "{bad:?}");
    }
    assert_eq!(parse_error(invalid::<Bool>(b"")), ParseError::Empty);
}

#[test]
fn floats_are_finite_decimals() {
    assert_eq!(fetch::<F32>(b"-0.5").unwrap().v, -0.5);
    assert_eq!(fetch::<F64>(b"2.5e3").unwrap().v, 2500.0);
    assert_eq!(fetch::<F64>(b"3").unwrap().v, 3.0);
    for not_finite in [&b"inf"[..], b"NaN", b"infinity", b"-inf"] {
        assert_eq!(parse_error(invalid::<F64>(not_finite)), ParseError::NotFloat);
        assert_eq!(parse_error(invalid::<F32>(not_finite)), ParseError::NotFloat);
    }
    assert_eq!(parse_error(invalid::<F32>(b"1e39")), ParseError::NotFloat);
    assert_eq!(parse_error(invalid::<F64>(b"1,5")), ParseError::NotFloat);
    assert_eq!(parse_error(invalid::<F64>(b"")), ParseError::Empty);
}

one_field!(Text, String<8>);
one_field!(Bytes, Vec<u8, 4>);

#[test]
fn strings_are_utf8_within_capacity() {
    assert_eq!(fetch::<Text>(b"caf\xc3\xa9").unwrap().v.as_str(), "caf\u{e9}");
    assert_eq!(fetch::<Text>(b"").unwrap().v.as_str(), "");
    assert_eq!(fetch::<Text>(b"12345678").unwrap().v.as_str(), "12345678");
    assert_eq!(parse_error(invalid::<Text>(b"ab\xffcd")), ParseError::NotUtf8 { at: 2 });
    assert_eq!(invalid::<Text>(b"123456789"), ItemError::TooLong { len: 9, max: 8 });
}

#[test]
fn byte_vectors_take_raw_bytes() {
    assert_eq!(fetch::<Bytes>(b"\x00\xff\x10").unwrap().v.as_slice(), b"\x00\xff\x10");
    assert_eq!(invalid::<Bytes>(b"12345"), ItemError::TooLong { len: 5, max: 4 });
}

one_field!(Hex4, Hex<4>);
one_field!(B64, Base64<5>);

#[test]
fn hex_is_even_length_hex_digits_in_either_case() {
    assert_eq!(&*fetch::<Hex4>(b"DEadBEef").unwrap().v, &[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(&*fetch::<Hex4>(b"00").unwrap().v, &[0]);
    assert!(fetch::<Hex4>(b"").unwrap().v.is_empty());
    assert_eq!(parse_error(invalid::<Hex4>(b"abc")), ParseError::OddLength);
    assert_eq!(parse_error(invalid::<Hex4>(b"0x12")), ParseError::NotHex { at: 1 });
    assert_eq!(parse_error(invalid::<Hex4>(b"12 4")), ParseError::NotHex { at: 2 });
    assert_eq!(parse_error(invalid::<Hex4>(b"g0")), ParseError::NotHex { at: 0 });
    // Hex pasted with a space or a line break is named at that byte, even at an odd length.
    // Hex pasted with a space or a line break is named at that byte, even at an odd length; a
    // stray last byte of an odd text reads as the odd length (its message says so).
    assert_eq!(parse_error(invalid::<Hex4>(b"de adbe")), ParseError::NotHex { at: 2 });
    assert_eq!(parse_error(invalid::<Hex4>(b"dead\nbe")), ParseError::NotHex { at: 4 });
    assert_eq!(parse_error(invalid::<Hex4>(b"deadbe\n")), ParseError::OddLength);
    assert_eq!(invalid::<Hex4>(b"0011223344"), ItemError::TooLong { len: 9, max: 8 });
    // Debug shows the length and at most four bytes.
    assert_eq!(format!("{:?}", fetch::<Hex4>(b"DEadBEef").unwrap().v), "Hex(4 bytes: deadbeef)");
    assert_eq!(format!("{:?}", fetch::<Hex4>(b"").unwrap().v), "Hex(0 bytes)");
    assert_eq!(format!("{:?}", Hex::<8>::parse(b"0011223344").unwrap()), "Hex(5 bytes: 00112233…)");
}

#[test]
fn base64_is_strict_and_padded() {
    assert_eq!(&*fetch::<B64>(b"aGVsbG8=").unwrap().v, b"hello");
    assert_eq!(B64::SCHEMA[0].max_len, 8);
    assert_eq!(parse_error(invalid::<B64>(b"aGVsbG8")), ParseError::NotBase64 { at: 7 });
    assert_eq!(parse_error(invalid::<B64>(b"aGVs\nbG8")), ParseError::NotBase64 { at: 4 });
    assert_eq!(parse_error(invalid::<B64>(b"aGVsbG9=")), ParseError::NotBase64 { at: 6 });
    // Debug shows the length and a short prefix, as Hex's does.
    assert_eq!(format!("{:?}", fetch::<B64>(b"aGVsbG8=").unwrap().v), "Base64(5 bytes: 68656c6c…)");
    // Stray bits under the padding, each of the last character's unused low bits (two under
    // one pad, four under two): "aGk=" is "hi".
    assert_eq!(&*fetch::<B64>(b"aGk=").unwrap().v, b"hi");
    for (bad, at) in
        [(&b"aGl="[..], 2), (b"aGm=", 2), (b"aB==", 1), (b"aC==", 1), (b"aE==", 1), (b"aI==", 1)]
    {
        assert_eq!(parse_error(invalid::<B64>(bad)), ParseError::NotBase64 { at }, "{bad:?}");
    }
}

one_field!(Opt, Option<u16>);
one_field!(SecretText, Secret<String<16>>);
one_field!(OptSecret, Option<Secret<Hex<2>>>);
one_field!(OptB64, Option<Base64<5>>);

#[test]
fn option_is_none_when_not_found_and_parsed_when_present() {
    let cloud = Cloud::new();
    assert_eq!(Opt::fetch(&mut cloud.open_channel()).unwrap().v, None);
    assert_eq!(fetch::<Opt>(b"7").unwrap().v, Some(7));
    assert_eq!(parse_error(invalid::<Opt>(b"x")), ParseError::NotDecimal { at: 0 });
    assert!(OptSecret::fetch(&mut cloud.open_channel()).unwrap().v.is_none());
    // A type of its own parser with a placeholder: its `Some` is built in place by its own
    // decoder, not a family's.
    assert_eq!(fetch::<OptB64>(b"aGVsbG8=").unwrap().v.as_deref(), Some(&b"hello"[..]));
    assert!(OptB64::fetch(&mut cloud.open_channel()).unwrap().v.is_none());
    assert_eq!(parse_error(invalid::<OptB64>(b"aGVsbG8")), ParseError::NotBase64 { at: 7 });
}

/// Optional fields of every built-in kind, those the loop fills by their row (`Option` kinds:
/// tag, then payload) and those with an ops entry of their own (a two-byte alignment, a niche,
/// a `Secret` payload), fetched present at the edges of their ranges, missing, and with a bad
/// value, which names its key; the report says a missing one was defaulted.
#[test]
fn optional_fields_of_every_built_in_kind() {
    use microvisor_config::FieldOutcome;
    #[derive(MicrovisorConfig, Debug)]
    #[config(scope = device, store = config)]
    struct Optionals {
        byte: Option<u8>,
        signed_byte: Option<i8>,
        port: Option<u16>,
        offset: Option<i16>,
        word: Option<u32>,
        signed_word: Option<i32>,
        text: Option<String<8>>,
        bytes: Option<Vec<u8, 4>>,
        hex: Option<Hex<4>>,
        flag: Option<bool>,
        #[config(store = secret)]
        secret_byte: Secret<Option<u8>>,
        #[config(store = secret)]
        secret_text: Option<Secret<String<8>>>,
        plain: u8,
    }
    let present = [
        ("byte", &b"255"[..]),
        ("signed_byte", b"-128"),
        ("port", b"65535"),
        ("offset", b"-32768"),
        ("word", b"4294967295"),
        ("signed_word", b"-2147483648"),
        ("text", "caf\u{e9}".as_bytes()),
        ("bytes", b"\x00\xff"),
        ("hex", b"DEADbeef"),
        ("flag", b"false"),
    ];
    let cloud = |values: &[(&str, &[u8])], secrets: bool| {
        let mut cloud = Cloud::new();
        cloud.insert(Scope::Device, Store::Config, "plain", "7");
        for (key, value) in values {
            cloud.insert(Scope::Device, Store::Config, key, value);
        }
        if secrets {
            cloud.insert(Scope::Device, Store::Secret, "secret_byte", "0");
            cloud.insert(Scope::Device, Store::Secret, "secret_text", "hunter2");
        }
        cloud
    };
    let o = Optionals::fetch(&mut cloud(&present, true).open_channel()).unwrap();
    assert_eq!(
        (o.byte, o.signed_byte, o.port, o.offset),
        (Some(255), Some(-128), Some(65535), Some(-32768))
    );
    assert_eq!((o.word, o.signed_word), (Some(u32::MAX), Some(i32::MIN)));
    assert_eq!(o.text.as_deref(), Some("caf\u{e9}"));
    assert_eq!(o.bytes.as_deref(), Some(&b"\x00\xff"[..]));
    assert_eq!(o.hex.as_deref(), Some(&[0xde, 0xad, 0xbe, 0xef][..]));
    assert_eq!(o.flag, Some(false));
    assert_eq!(*o.secret_byte.expose_secret(), Some(0));
    assert_eq!(o.secret_text.as_ref().map(|s| s.expose_secret().as_str()), Some("hunter2"));
    assert_eq!(o.plain, 7);

    let o = Optionals::fetch(&mut cloud(&[], false).open_channel()).unwrap();
    assert_eq!((o.byte, o.signed_byte, o.port, o.offset), (None, None, None, None));
    assert_eq!((o.word, o.signed_word, o.flag), (None, None, None));
    assert!(o.text.is_none() && o.bytes.is_none() && o.hex.is_none());
    assert!(o.secret_byte.expose_secret().is_none() && o.secret_text.is_none());
    assert_eq!(o.plain, 7);
    let report = Optionals::fetch_report(&mut cloud(&[], false).open_channel());
    let outcomes: std::vec::Vec<FieldOutcome> =
        report.fields().map(|(_, outcome)| *outcome).collect();
    let mut expected = [FieldOutcome::Defaulted; 13];
    expected[12] = FieldOutcome::Ok;
    assert_eq!(outcomes, expected);

    let bad = [
        ("byte", &b"256"[..], ParseError::OutOfRange),
        ("signed_byte", b"-", ParseError::NotDecimal { at: 1 }),
        ("port", b"65536", ParseError::OutOfRange),
        ("word", b"4294967296", ParseError::OutOfRange),
        ("signed_word", b"2147483648", ParseError::OutOfRange),
        ("text", b"ab\xff", ParseError::NotUtf8 { at: 2 }),
        ("hex", b"abc", ParseError::OddLength),
        ("flag", b"no", ParseError::NotBool),
    ];
    for (key, value, error) in bad {
        let result = Optionals::fetch(&mut cloud(&[(key, value)], false).open_channel());
        match result {
            Err(FetchError::Item { key: k, error: ItemError::Invalid(e), .. }) => {
                assert_eq!((k, e), (key, error));
            }
            other => panic!("{key}: {other:?}"),
        }
    }
}

/// `Option`s behind another wrapper, with an entry of their own (`validate`), nested, and an
/// `Option` the loop fills by its row beside fields with a check: each type's own parser, the
/// loop's tag written only where the row says so.
#[test]
fn wrapped_and_checked_options() {
    #[derive(MicrovisorConfig, Debug)]
    #[config(scope = device, store = config)]
    struct Wrapped {
        #[config(store = secret, validate = accept)]
        secret_text: Secret<Option<String<8>>>,
        #[config(store = secret, validate = accept)]
        secret_byte: Secret<Option<u8>>,
        nested: Option<Option<u8>>,
        #[config(validate = accept)]
        checked: Option<u8>,
        row: Option<String<8>>,
        word: Option<u32>,
    }
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Secret, "secret_text", "hunter2");
    cloud.insert(Scope::Device, Store::Secret, "secret_byte", "255");
    for (key, value) in [("nested", "7"), ("checked", "0"), ("row", "caf\u{e9}"), ("word", "9")] {
        cloud.insert(Scope::Device, Store::Config, key, value);
    }
    let w = Wrapped::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(w.secret_text.expose_secret().as_deref(), Some("hunter2"));
    assert_eq!(*w.secret_byte.expose_secret(), Some(255));
    assert_eq!((w.nested, w.checked, w.word), (Some(Some(7)), Some(0), Some(9)));
    assert_eq!(w.row.as_deref(), Some("caf\u{e9}"));
    let w = Wrapped::fetch(&mut Cloud::new().open_channel()).unwrap();
    assert!(w.secret_text.expose_secret().is_none() && w.secret_byte.expose_secret().is_none());
    assert_eq!((w.nested, w.checked, w.word), (None, None, None));
    assert!(w.row.is_none());
    for (store, key, value, error) in [
        (Store::Secret, "secret_text", &b"\xff"[..], ParseError::NotUtf8 { at: 0 }),
        (Store::Secret, "secret_byte", b"256", ParseError::OutOfRange),
        (Store::Config, "nested", b"x", ParseError::NotDecimal { at: 0 }),
        (Store::Config, "checked", b"-1", ParseError::NotDecimal { at: 0 }),
    ] {
        let mut cloud = Cloud::new();
        cloud.insert(Scope::Device, store, key, value);
        match Wrapped::fetch(&mut cloud.open_channel()) {
            Err(FetchError::Item { key: k, error: ItemError::Invalid(e), .. }) => {
                assert_eq!((k, e), (key, error));
            }
            other => panic!("{key}: {other:?}"),
        }
    }
}

#[test]
fn secret_wraps_its_type() {
    let fetched = fetch::<SecretText>(b"s3cr3t").unwrap();
    assert_eq!(fetched.v.expose_secret().as_str(), "s3cr3t");
    assert_eq!(format!("{fetched:?}"), "SecretText { v: [REDACTED] }");
    assert_eq!(format!("{}", fetched.v), "[REDACTED]");
    assert_eq!(parse_error(invalid::<SecretText>(b"\xff")), ParseError::NotUtf8 { at: 0 });
}

/// A user type implementing the value trait.
#[derive(Debug, PartialEq)]
enum Region {
    Eu,
    Us,
}

impl ConfigValue for Region {
    const MAX_LEN: usize = 2;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        match text {
            b"eu" => Ok(Region::Eu),
            b"us" => Ok(Region::Us),
            _ => Err(ParseError::UnknownVariant),
        }
    }
}

one_field!(UserType, Region);

#[test]
fn user_types_implement_the_value_trait() {
    assert_eq!(fetch::<UserType>(b"eu").unwrap().v, Region::Eu);
    assert_eq!(fetch::<UserType>(b"us").unwrap().v, Region::Us);
    assert_eq!(parse_error(invalid::<UserType>(b"ap")), ParseError::UnknownVariant);
    assert_eq!(invalid::<UserType>(b"asia"), ItemError::TooLong { len: 3, max: 2 });
}

/// `with` and `validate`.
fn parse_percent(text: &[u8]) -> Result<u8, ParseError> {
    let digits =
        text.strip_suffix(b"%").ok_or(ParseError::Custom("expected a percentage like 50%"))?;
    let value = <u8 as ConfigValue>::parse(digits)?;
    if value > 100 {
        return Err(ParseError::OutOfRange);
    }
    Ok(value)
}

fn nonzero(value: &u16) -> Result<(), ParseError> {
    if *value == 0 {
        Err(ParseError::Custom("must not be zero"))
    } else {
        Ok(())
    }
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = account, store = config, rename_all = "kebab-case")]
struct Custom {
    #[config(with = parse_percent, max_len = 4)]
    duty_cycle: u8,
    #[config(validate = nonzero)]
    poll_seconds: u16,
    #[config(with = parse_percent, max_len = 4, default = 50)]
    backlight_level: u8,
}

#[test]
fn with_and_validate_report_item_errors() {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Account, Store::Config, "duty-cycle", "75%");
    cloud.insert(Scope::Account, Store::Config, "poll-seconds", "30");
    let custom = Custom::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!((custom.duty_cycle, custom.poll_seconds, custom.backlight_level), (75, 30, 50));

    cloud.insert(Scope::Account, Store::Config, "poll-seconds", "0");
    let error = Custom::fetch(&mut cloud.open_channel()).unwrap_err();
    assert_eq!(
        error,
        FetchError::Item {
            index: 1,
            key: "poll-seconds",
            scope: Scope::Account,
            store: Store::Config,
            error: ItemError::Invalid(ParseError::Custom("must not be zero"))
        }
    );
    assert_eq!(
        error.to_string(),
        "config key `poll-seconds` (account config, item 1): invalid value: must not be zero"
    );

    cloud.insert(Scope::Account, Store::Config, "poll-seconds", "30");
    cloud.insert(Scope::Account, Store::Config, "duty-cycle", "75");
    assert_eq!(
        Custom::fetch(&mut cloud.open_channel()).unwrap_err().item_error(),
        Some(&ItemError::Invalid(ParseError::Custom("expected a percentage like 50%")))
    );
    cloud.remove(Scope::Account, Store::Config, "duty-cycle");
    assert_eq!(
        Custom::fetch(&mut cloud.open_channel()).unwrap_err(),
        FetchError::Item {
            index: 0,
            key: "duty-cycle",
            scope: Scope::Account,
            store: Store::Config,
            error: ItemError::NotFound
        }
    );
    // check_item runs the same parsers without a channel.
    assert_eq!(Custom::check_item(0, b"101%"), Err(ParseError::OutOfRange));
    assert_eq!(Custom::check_item(1, b"0"), Err(ParseError::Custom("must not be zero")));
    assert_eq!(Custom::check_item(1, b"5"), Ok(()));
    assert_eq!(Custom::check_item(9, b"anything"), Ok(()));
}

#[test]
fn a_failed_validation_leaves_refresh_atomic() {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Account, Store::Config, "duty-cycle", "75%");
    cloud.insert(Scope::Account, Store::Config, "poll-seconds", "30");
    cloud.insert(Scope::Account, Store::Config, "backlight-level", "10%");
    let mut custom = Custom::fetch(&mut cloud.open_channel()).unwrap();
    // Every value changes, but the validator rejects the second: nothing may change.
    cloud.insert(Scope::Account, Store::Config, "duty-cycle", "20%");
    cloud.insert(Scope::Account, Store::Config, "poll-seconds", "0");
    cloud.insert(Scope::Account, Store::Config, "backlight-level", "90%");
    assert!(custom.refresh(&mut cloud.open_channel()).is_err());
    assert_eq!((custom.duty_cycle, custom.poll_seconds, custom.backlight_level), (75, 30, 10));
}

/// The two other families, `bool` and raw bytes, with entries of their own: parsed as plain
/// fields are.
#[test]
fn bool_and_bytes_with_their_own_entries_parse_as_plain_fields() {
    #[derive(MicrovisorConfig, Debug)]
    #[config(scope = device, store = config)]
    struct Own {
        #[config(key = "flag", default = true)]
        flag: bool,
        #[config(key = "raw", validate = accept)]
        raw: Vec<u8, 4>,
    }
    let cloud = |flag: &str, raw: &[u8]| {
        let mut cloud = Cloud::new();
        cloud.insert(Scope::Device, Store::Config, "flag", flag);
        cloud.insert(Scope::Device, Store::Config, "raw", raw);
        cloud
    };
    let own = Own::fetch(&mut cloud("false", b"\x00\xff").open_channel()).unwrap();
    assert_eq!((own.flag, own.raw.as_slice()), (false, &[0x00, 0xff][..]));
    let own = Own::fetch(&mut cloud("true", b"").open_channel()).unwrap();
    assert_eq!((own.flag, own.raw.as_slice()), (true, &[][..]));
    let result = Own::fetch(&mut cloud("yes", b"").open_channel());
    assert!(
        matches!(
            result,
            Err(FetchError::Item {
                key: "flag",
                error: ItemError::Invalid(ParseError::NotBool),
                ..
            })
        ),
        "{result:?}"
    );
}

/// `validate` checks the value the field gets, a default included: a default that fails its
/// check is the key's error, as a parsed value that fails it is.
#[test]
fn validate_checks_a_default_too() {
    #[derive(MicrovisorConfig, Debug)]
    #[config(scope = device, store = config)]
    struct Checked {
        #[config(key = "v", default = 0, validate = nonzero)]
        v: u16,
    }
    let result = Checked::fetch(&mut Cloud::new().open_channel());
    assert!(
        matches!(
            result,
            Err(FetchError::Item {
                key: "v",
                error: ItemError::Invalid(ParseError::Custom("must not be zero")),
                ..
            })
        ),
        "{result:?}"
    );
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "v", "3");
    assert_eq!(Checked::fetch(&mut cloud.open_channel()).unwrap().v, 3);
}

/// An `Option` of integers of each width with `validate` (an entry of its own, whose
/// parse is the `Option`'s): parsed at its own width and sign (the range's edges are taken,
/// one past them refused), and the plain fields beside them read right. (Not a check that a
/// store stays within its field: fields are fetched in order, so a later one would overwrite
/// what a too-wide store spilled into it.)
#[test]
fn optional_integers_with_their_own_entries_parse_at_their_width() {
    #[derive(MicrovisorConfig, Debug)]
    #[config(scope = device, store = config)]
    struct Narrow {
        #[config(key = "byte", validate = accept)]
        byte: Option<u8>,
        #[config(key = "after-byte")]
        after_byte: u8,
        #[config(key = "port", validate = accept)]
        port: Option<u16>,
        #[config(key = "after-port")]
        after_port: u16,
        #[config(key = "offset", validate = accept)]
        offset: Option<i16>,
        #[config(key = "secret", store = secret, validate = accept)]
        secret: Option<Secret<i8>>,
    }
    let cloud = |byte: &str, port: &str, offset: &str| {
        let mut cloud = Cloud::new();
        let config = [
            ("byte", byte),
            ("after-byte", "7"),
            ("port", port),
            ("after-port", "9"),
            ("offset", offset),
        ];
        for (key, text) in config {
            cloud.insert(Scope::Device, Store::Config, key, text);
        }
        cloud.insert(Scope::Device, Store::Secret, "secret", "-128");
        cloud
    };
    let settings = Narrow::fetch(&mut cloud("255", "65535", "-32768").open_channel()).unwrap();
    assert_eq!((settings.byte, settings.after_byte), (Some(255), 7));
    assert_eq!((settings.port, settings.after_port), (Some(65535), 9));
    assert_eq!(settings.offset, Some(-32768));
    assert_eq!(settings.secret.as_ref().map(|s| *s.expose_secret()), Some(-128));
    for (byte, port, offset, key) in
        [("256", "1", "1", "byte"), ("1", "70000", "1", "port"), ("1", "1", "32768", "offset")]
    {
        let result = Narrow::fetch(&mut cloud(byte, port, offset).open_channel());
        assert!(
            matches!(
                result,
                Err(FetchError::Item { key: k, error: ItemError::Invalid(ParseError::OutOfRange), .. })
                    if k == key
            ),
            "{key}: {result:?}"
        );
    }
}

/// Fields of built-in kinds with `default` or `validate`, an entry of their own whose parser is
/// their family's, handed a row of their own kind (not the entry's): integers parsed at their
/// own width and sign (the range's edges taken, one past them refused), text checked to be
/// UTF-8, hex decoded, a missing key given its default.
#[test]
fn built_in_kinds_with_their_own_entries_parse_as_plain_fields() {
    #[derive(MicrovisorConfig, Debug)]
    #[config(scope = device, store = config)]
    struct Own {
        #[config(key = "byte", default = 1)]
        byte: u8,
        #[config(key = "port", validate = accept)]
        port: u16,
        #[config(key = "offset", default = -1)]
        offset: i16,
        #[config(key = "count", validate = accept)]
        count: i32,
        #[config(key = "name", validate = accept)]
        name: String<8>,
        #[config(key = "id", default = Hex::new())]
        id: Hex<2>,
        #[config(key = "secret", store = secret, validate = accept)]
        secret: Secret<i8>,
    }
    const LOW: [&str; 7] = ["0", "0", "-32768", "-2147483648", "", "", "-128"];
    const HIGH: [&str; 7] = ["255", "65535", "32767", "2147483647", "caf\u{e9}", "beef", "127"];
    const PAST: [&[u8]; 7] =
        [b"256", b"65536", b"-32769", b"2147483648", b"caf\xe9", b"bee", b"-129"];
    const KEYS: [&str; 7] = ["byte", "port", "offset", "count", "name", "id", "secret"];
    let cloud = |values: [&[u8]; 7]| {
        let mut cloud = Cloud::new();
        for (key, value) in KEYS.into_iter().zip(values) {
            let store = if key == "secret" { Store::Secret } else { Store::Config };
            cloud.insert(Scope::Device, store, key, value);
        }
        cloud
    };
    let low = Own::fetch(&mut cloud(LOW.map(str::as_bytes)).open_channel()).unwrap();
    assert_eq!((low.byte, low.port, low.offset, low.count), (0, 0, -32768, i32::MIN));
    assert_eq!(
        (low.name.as_str(), low.id.as_bytes(), *low.secret.expose_secret()),
        ("", &[][..], -128)
    );
    let high = Own::fetch(&mut cloud(HIGH.map(str::as_bytes)).open_channel()).unwrap();
    assert_eq!((high.byte, high.port, high.offset, high.count), (255, 65535, 32767, i32::MAX));
    assert_eq!(high.name.as_str(), "caf\u{e9}");
    assert_eq!((high.id.as_bytes(), *high.secret.expose_secret()), (&[0xbe, 0xef][..], 127));
    for (i, key) in KEYS.into_iter().enumerate() {
        let mut values = HIGH.map(str::as_bytes);
        values[i] = PAST[i];
        let expected = match key {
            "name" => ParseError::NotUtf8 { at: 3 },
            "id" => ParseError::OddLength,
            _ => ParseError::OutOfRange,
        };
        let result = Own::fetch(&mut cloud(values).open_channel());
        assert!(
            matches!(
                &result,
                Err(FetchError::Item { key: k, error: ItemError::Invalid(e), .. })
                    if *k == key && *e == expected
            ),
            "{key}: {result:?}"
        );
    }
    // Without the keys that have a default, those fields take it.
    let mut without = Cloud::new();
    for (key, value) in KEYS.into_iter().zip(HIGH) {
        if !matches!(key, "byte" | "offset" | "id") {
            let store = if key == "secret" { Store::Secret } else { Store::Config };
            without.insert(Scope::Device, store, key, value);
        }
    }
    let defaults = Own::fetch(&mut without.open_channel()).unwrap();
    assert_eq!((defaults.byte, defaults.offset, defaults.id.as_bytes()), (1, -1, &[][..]));
}
