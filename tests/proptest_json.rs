//! `Json<T>` against serde_json, the reference JSON parser: every document serde_json writes of
//! a value, with any whitespace, parses to that value; and on any text, the two agree on
//! whether it is a value of the type, and on which value, but for one thing: `Json` takes a
//! struct as an object only, not as the array of its fields serde_json also takes. An error
//! names a byte within the text.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use microvisor_config::heapless::String as HString;
use microvisor_config::{ConfigValue, Json, ParseError};
use proptest::prelude::*;

#[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq, Clone)]
struct Prefs {
    format: HString<3>,
    brightness: u8,
    offset: i16,
    colon: bool,
    tz: HString<24>,
}

/// The same shape with std's types, for serde_json to write and read.
#[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq, Clone)]
struct Reference {
    format: String,
    brightness: u8,
    offset: i16,
    colon: bool,
    tz: String,
}

fn reference() -> impl Strategy<Value = Reference> {
    ("[0-9a-z]{0,3}", any::<u8>(), any::<i16>(), any::<bool>(), "[ -~é/\"\\\\]{0,8}").prop_map(
        |(format, brightness, offset, colon, tz)| Reference {
            format,
            brightness,
            offset,
            colon,
            tz,
        },
    )
}

fn ours(text: &[u8]) -> Result<Reference, ParseError> {
    Json::<Prefs>::parse(text).map(|json| Reference {
        format: json.format.as_str().to_owned(),
        brightness: json.brightness,
        offset: json.offset,
        colon: json.colon,
        tz: json.tz.as_str().to_owned(),
    })
}

/// serde_json's verdict, with the capacities of `Prefs` applied, and a struct an object.
fn theirs(text: &[u8]) -> Option<Reference> {
    if text.trim_ascii_start().first() == Some(&b'[') {
        return None;
    }
    let value: Reference = serde_json::from_slice(text).ok()?;
    (value.format.len() <= 3 && value.tz.len() <= 24).then_some(value)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn what_serde_json_writes_parses_back(value in reference(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        prop_assert_eq!(ours(text.as_bytes()), Ok(value));
    }

    /// A document with one byte changed, inserted or removed: the verdicts agree.
    #[test]
    fn the_two_parsers_agree_on_a_damaged_document(
        value in reference(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(b"{}[]:,\"\\ 0123456789-+.eEtrufalsn\x00\xff".to_vec()),
        edit in 0..3u8,
    ) {
        let mut text = serde_json::to_vec(&value).unwrap();
        let at = at.index(text.len());
        match edit {
            0 => text[at] = byte,
            1 => text.insert(at, byte),
            _ => { text.remove(at); }
        }
        match (ours(&text), theirs(&text)) {
            (Ok(ours), Some(theirs)) => prop_assert_eq!(ours, theirs),
            (Err(ParseError::Json { at, .. }), None) => prop_assert!(at <= text.len()),
            (Err(ParseError::Empty), None) => prop_assert!(text.is_empty()),
            (ours, theirs) => prop_assert!(
                false,
                "{:?}: ours {:?}, serde_json {:?}",
                String::from_utf8_lossy(&text),
                ours,
                theirs
            ),
        }
    }
}
