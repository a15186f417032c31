//! The value parsers alone, each against its reference: the first input byte picks a type,
//! the rest is the text.

use microvisor_config::heapless::{String, Vec as HVec};
use microvisor_config::{Base64, ConfigValue, Hex, ParseError, Secret};

use crate::model::Region;
use crate::reference as r;

/// `T::parse(text)` mapped to a comparable value must equal `reference(text)`.
fn same<T: ConfigValue, V: PartialEq + std::fmt::Debug>(
    text: &[u8],
    value: impl Fn(&T) -> V,
    reference: Result<V, ParseError>,
) {
    let got = T::parse(text).map(|parsed| value(&parsed));
    assert_eq!(got, reference, "{} of {:?}", std::any::type_name::<T>(), text);
}

macro_rules! unsigned {
    ($ty:ty, $text:expr) => {{
        let reference = r::unsigned($text, <$ty>::MAX as u128);
        // The standard parser agrees on what is valid, once its leading `+` is ruled out.
        let std = std::str::from_utf8($text)
            .ok()
            .filter(|s| !s.starts_with('+'))
            .and_then(|s| s.parse::<$ty>().ok());
        assert_eq!(reference.clone().ok(), std.map(|v| v as u128), "std parse of {:?}", $text);
        same::<$ty, u128>($text, |v| *v as u128, reference);
    }};
}

macro_rules! signed {
    ($ty:ty, $text:expr) => {{
        let reference = r::signed($text, <$ty>::MIN as i128, <$ty>::MAX as i128);
        let std = std::str::from_utf8($text).ok().and_then(|s| s.parse::<$ty>().ok());
        assert_eq!(reference.clone().ok(), std.map(|v| v as i128), "std parse of {:?}", $text);
        same::<$ty, i128>($text, |v| *v as i128, reference);
    }};
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let Some((&pick, text)) = data.split_first() else { return };
    match pick % 32 {
        0 => unsigned!(u8, text),
        1 => unsigned!(u16, text),
        2 => unsigned!(u32, text),
        3 => unsigned!(u64, text),
        4 => unsigned!(usize, text),
        5 => unsigned!(u128, text),
        6 => signed!(i8, text),
        7 => signed!(i16, text),
        8 => signed!(i32, text),
        9 => signed!(i64, text),
        10 => signed!(isize, text),
        11 => signed!(i128, text),
        12 => same::<bool, bool>(text, |v| *v, r::boolean(text)),
        13 => same::<f64, u64>(text, |v| v.to_bits(), r::float::<f64>(text).map(f64::to_bits)),
        14 => same::<f32, u32>(text, |v| v.to_bits(), r::float::<f32>(text).map(f32::to_bits)),
        15 => same::<String<0>, _>(text, |v| v.as_str().to_owned(), r::string(text, 0)),
        16 => same::<String<8>, _>(text, |v| v.as_str().to_owned(), r::string(text, 8)),
        17 => same::<String<64>, _>(text, |v| v.as_str().to_owned(), r::string(text, 64)),
        18 => same::<HVec<u8, 4>, _>(text, |v| v.to_vec(), r::bytes(text, 4)),
        19 => same::<Hex<0>, _>(text, |v| v.to_vec(), r::hex(text, 0)),
        20 => same::<Hex<1>, _>(text, |v| v.to_vec(), r::hex(text, 1)),
        21 => same::<Hex<5>, _>(text, |v| v.to_vec(), r::hex(text, 5)),
        22 => same::<Hex<64>, _>(text, |v| v.to_vec(), r::hex(text, 64)),
        23 => same::<Base64<0>, _>(text, |v| v.to_vec(), r::base64(text, 0)),
        24 => same::<Base64<1>, _>(text, |v| v.to_vec(), r::base64(text, 1)),
        25 => same::<Base64<2>, _>(text, |v| v.to_vec(), r::base64(text, 2)),
        26 => same::<Base64<4>, _>(text, |v| v.to_vec(), r::base64(text, 4)),
        27 => same::<Base64<10>, _>(text, |v| v.to_vec(), r::base64(text, 10)),
        28 => same::<Base64<64>, _>(text, |v| v.to_vec(), r::base64(text, 64)),
        29 => same::<Option<u16>, _>(text, |v| v.map(u128::from), {
            r::unsigned(text, u16::MAX.into()).map(Some)
        }),
        30 => same::<Secret<String<8>>, _>(
            text,
            |v| v.expose_secret().as_str().to_owned(),
            r::string(text, 8),
        ),
        _ => same::<Region, _>(text, |v| *v, {
            match text {
                b"eu" => Ok(Region::Eu),
                b"us-east" => Ok(Region::UsEast),
                b"ap" => Ok(Region::AsiaPacific),
                b"" => Err(ParseError::Empty),
                _ => Err(ParseError::UnknownVariant),
            }
        }),
    }
}

/// Seeds: a valid and an invalid text of each type.
pub fn corpus() -> Vec<(std::string::String, Vec<u8>)> {
    let texts: [(u8, &[&[u8]]); 32] = [
        (0, &[b"255", b"256", b"0x1"]),
        (1, &[b"8883", b"65536", b"88x3"]),
        (2, &[b"4294967295", b"+1"]),
        (3, &[b"18446744073709551615", b"18446744073709551616"]),
        (4, &[b"00042", b" 1"]),
        (
            5,
            &[
                b"340282366920938463463374607431768211455",
                b"340282366920938463463374607431768211456",
            ],
        ),
        (6, &[b"-128", b"128", b"-"]),
        (7, &[b"+32767", b"--1"]),
        (8, &[b"-3600", b"1-"]),
        (9, &[b"-9223372036854775808", b"9223372036854775808"]),
        (10, &[b"-0", b"+"]),
        (
            11,
            &[
                b"-170141183460469231731687303715884105728",
                b"170141183460469231731687303715884105728",
            ],
        ),
        (12, &[b"true", b"false", b"True"]),
        (13, &[b"1.5e3", b"inf", b"1e999", b"-.5"]),
        (14, &[b"-0.25", b"NaN", b"3.4e39"]),
        (15, &[b"", b"a"]),
        (16, &[b"hunter2", b"\xff\xfe", b"123456789"]),
        (17, &[b"mqtt.example.com", b"caf\xc3\xa9", b"caf\xc3"]),
        (18, &[b"\x00\x01\x02\x03", b"12345"]),
        (19, &[b"", b"00"]),
        (20, &[b"ff", b"+f", b"0g"]),
        (21, &[b"DEADbeef00", b"abc", b"deadbeef0011"]),
        (22, &[b"3082010a0282010100c0ffee"]),
        (23, &[b"", b"AA=="]),
        (24, &[b"aA==", b"aB==", b"a==="]),
        (25, &[b"aGk=", b"aGk", b"a=Gk"]),
        (26, &[b"aGVsbA==", b"aGVsbG8="]),
        (27, &[b"aGVsbG8gd29y", b"aGVsbG8gd2*y"]),
        (28, &[b"aGVsbG8gd29ybGQ=", b"aGVs\nbG8="]),
        (29, &[b"8883", b""]),
        (30, &[b"hunter2", b"hunter2-too-long"]),
        (31, &[b"eu", b"us-east", b"ap", b"EU", b""]),
    ];
    let mut seeds = Vec::new();
    for (pick, cases) in texts {
        for (i, text) in cases.iter().enumerate() {
            let mut input = vec![pick];
            input.extend_from_slice(text);
            seeds.push((format!("type{pick:02}-{i}"), input));
        }
    }
    seeds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_pass() {
        for (_, input) in corpus() {
            run(&input);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads files")]
    fn committed_seeds_are_current() {
        crate::assert_seeds_current("parsers", corpus());
    }
}
