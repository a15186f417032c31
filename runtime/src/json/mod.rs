//! `Json<T>` (feature `json`): a field holding any `T: DeserializeOwned`, parsed from the value's
//! JSON text by the crate's own deserializer ([`read`], [`de`]): no allocation, no panic path, and the
//! byte to blame in every error.

mod de;
mod read;

use core::fmt;
use core::ops::{Deref, DerefMut};

use serde::de::DeserializeOwned;

use crate::error::ParseError;
use crate::value::{ConfigValue, CLOUD_MAX_VALUE_LEN};

/// A value stored in the cloud as JSON text: `T` is any `serde::de::DeserializeOwned` type
/// (`#[derive(Deserialize)]`, with `heapless::String<N>` for text), parsed without allocating.
///
/// A `Json` field needs `max_len = N`, the longest text: the type gives no bound. A JSON
/// string with escapes (`\"`, `\n`, `\u00e9`) is unescaped through a stack buffer of `UNESCAPE`
/// bytes: a longer escaped string is [`JsonProblem::ESCAPED_STRING_TOO_LONG`], never kept raw.
/// A text that is not JSON of `T` is `ParseError::Json` with the byte to blame, an empty one
/// [`ParseError::Empty`]. A struct is a JSON object: serde_json's other form, an array of the
/// fields in order, is refused (it would cost every struct a second visitor's flash).
///
/// [`JsonProblem::ESCAPED_STRING_TOO_LONG`]: crate::JsonProblem::ESCAPED_STRING_TOO_LONG
///
/// # Examples
///
/// ```
/// use microvisor_config::heapless::String;
/// use microvisor_config::{ConfigValue, Json, JsonProblem, ParseError};
///
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Prefs {
///     format: String<3>,
///     brightness: u8,
/// }
///
/// let prefs = Json::<Prefs>::parse(br#"{"format":"24h","brightness":8}"#).unwrap();
/// assert_eq!(prefs.brightness, 8);
/// assert_eq!(
///     Json::<Prefs>::parse(br#"{"format":"24h","brightness":"high"}"#).err(),
///     Some(ParseError::Json { at: 29, problem: JsonProblem::WRONG_TYPE }) // at `"high"`
/// );
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Json<T, const UNESCAPE: usize = 64>(pub T);

impl<T, const UNESCAPE: usize> Json<T, UNESCAPE> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T, const UNESCAPE: usize> Deref for Json<T, UNESCAPE> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T, const UNESCAPE: usize> DerefMut for Json<T, UNESCAPE> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: fmt::Debug, const UNESCAPE: usize> fmt::Debug for Json<T, UNESCAPE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Json").field(&self.0).finish()
    }
}

#[cfg(feature = "defmt")]
impl<T: defmt::Format, const UNESCAPE: usize> defmt::Format for Json<T, UNESCAPE> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Json({})", self.0);
    }
}

impl<T: DeserializeOwned, const UNESCAPE: usize> ConfigValue for Json<T, UNESCAPE> {
    const MAX_LEN: usize = CLOUD_MAX_VALUE_LEN;
    #[doc(hidden)]
    const NEEDS_MAX_LEN: bool = true;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        if text.is_empty() {
            return Err(ParseError::Empty);
        }
        let mut unescape = [0u8; UNESCAPE];
        let mut parser = read::Parser::new(text, &mut unescape);
        let value = T::deserialize(&mut parser).and_then(|value| parser.end().map(|()| value));
        value.map(Json).map_err(|error| ParseError::Json { at: error.at, problem: error.problem })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;
    use crate::error::JsonProblem;
    use heapless::String;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Prefs {
        format: String<3>,
        brightness: u8,
        colon: Colon,
        tz: String<32>,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Colon {
        Blink,
        On,
    }

    fn error(text: &str) -> (usize, JsonProblem) {
        match Json::<Prefs>::parse(text.as_bytes()) {
            Err(ParseError::Json { at, problem }) => (at, problem),
            other => panic!("{text}: {other:?}"),
        }
    }

    const GOOD: &str = r#"{"format":"24h","brightness":8,"colon":"blink","tz":"Europe/London"}"#;

    #[test]
    fn parses_the_clock_demos_prefs() {
        let prefs = Json::<Prefs>::parse(GOOD.as_bytes()).unwrap();
        assert_eq!(prefs.format.as_str(), "24h");
        assert_eq!(
            (prefs.brightness, &prefs.colon, prefs.tz.as_str()),
            (8, &Colon::Blink, "Europe/London")
        );
    }

    /// Each mistake is blamed on its first byte, whatever the mistake.
    #[test]
    fn blames_the_byte_where_the_text_went_wrong() {
        let at = |text: &str, needle: &str| text.find(needle).unwrap();
        let wrong_type = r#"{"format":"24h","brightness":"8","colon":"blink","tz":"x"}"#;
        assert_eq!(error(wrong_type), (at(wrong_type, r#""8""#), JsonProblem::WRONG_TYPE));
        let out_of_range = r#"{"format":"24h","brightness":800,"colon":"blink","tz":"x"}"#;
        assert_eq!(error(out_of_range), (at(out_of_range, "800"), JsonProblem::BAD_NUMBER));
        let bad_variant = r#"{"format":"24h","brightness":8,"colon":"off","tz":"x"}"#;
        assert_eq!(error(bad_variant), (at(bad_variant, r#""off""#), JsonProblem::REFUSED));
        let missing = r#"{"format":"24h","brightness":8,"colon":"on"}"#;
        assert_eq!(error(missing), (missing.len() - 1, JsonProblem::REFUSED));
        let no_colon = r#"{"format" "24h","brightness":8,"colon":"on","tz":"x"}"#;
        assert_eq!(error(no_colon), (at(no_colon, r#""24h""#), JsonProblem::SYNTAX));
        let negative = r#"{"format":"24h","brightness":-8,"colon":"on","tz":"x"}"#;
        assert_eq!(error(negative).0, at(negative, "-8"));
        let trailing = format!("{GOOD} x");
        assert_eq!(error(&trailing), (GOOD.len() + 1, JsonProblem::TRAILING_CHARACTERS));
        let cut = &GOOD[..40];
        assert_eq!(error(cut), (cut.len(), JsonProblem::UNEXPECTED_END));
        let too_long = r#"{"format":"24hx","brightness":8,"colon":"on","tz":"x"}"#;
        assert_eq!(error(too_long).0, at(too_long, r#""24hx""#));
        assert_eq!(Json::<Prefs>::parse(b""), Err(ParseError::Empty));
        assert_eq!(error(" "), (1, JsonProblem::UNEXPECTED_END));
    }

    /// Escapes are unescaped, within the buffer; a longer escaped string is an error.
    #[test]
    fn unescapes_strings_within_the_buffer() {
        let text = r#"{"format":"24h","brightness":8,"colon":"on","tz":"Europe\/Paris"}"#;
        assert_eq!(Json::<Prefs>::parse(text.as_bytes()).unwrap().tz.as_str(), "Europe/Paris");
        let short = Json::<Prefs, 4>::parse(text.as_bytes());
        assert_eq!(
            short,
            Err(ParseError::Json {
                at: text.find(r#""Europe"#).unwrap(),
                problem: JsonProblem::ESCAPED_STRING_TOO_LONG
            })
        );
    }

    /// Every problem has a name and a text of its own.
    #[test]
    fn problems_are_named_and_told() {
        let known: std::collections::BTreeSet<u32> =
            (0..=255).filter(|code| JsonProblem(*code).name().is_some()).collect();
        assert_eq!(known, (0..8).collect());
        let texts: std::collections::BTreeSet<std::string::String> =
            (0..9).map(|code| JsonProblem(code).to_string()).collect();
        assert_eq!(texts.len(), 9);
        for code in 0..8 {
            let problem = JsonProblem(code);
            assert_eq!(format!("{problem:?}"), problem.name().unwrap());
        }
        assert_eq!(format!("{:?}", JsonProblem(200)), "JsonProblem(200)");
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Shapes {
        list: heapless::Vec<i16, 4>,
        pair: (u8, bool),
        maybe: Option<u32>,
        big: u128,
        small: i128,
        ratio: f32,
        letter: char,
        unit: (),
        wrapped: Wrapped,
        mode: Mode,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Wrapped(u8);

    #[derive(serde::Deserialize, Debug, PartialEq)]
    enum Mode {
        Off,
        Level(u8),
        Pair(u8, u8),
        Window { from: u8, to: u8 },
    }

    fn shapes(text: &str) -> Result<Shapes, ParseError> {
        Json::<Shapes>::parse(text.as_bytes()).map(Json::into_inner)
    }

    const SHAPES: &str = r#"{"list":[-1,2],"pair":[7,false],"maybe":null,"big":340282366920938463463374607431768211455,"small":-170141183460469231731687303715884105728,"ratio":-1.5e1,"letter":"\u00e9","unit":null,"wrapped":9,"mode":{"Window":{"from":1,"to":2}}}"#;

    /// Every shape serde asks of a deserializer: sequences, tuples, options, the widest
    /// integers, floats, characters, units, newtypes and every kind of enum variant.
    #[test]
    fn every_shape_serde_asks_for() {
        let value = shapes(SHAPES).unwrap();
        assert_eq!(&value.list[..], &[-1, 2]);
        assert_eq!((value.pair, value.maybe), ((7, false), None));
        assert_eq!((value.big, value.small), (u128::MAX, i128::MIN));
        assert_eq!((value.ratio, value.letter, value.wrapped), (-15.0, 'é', Wrapped(9)));
        assert_eq!(value.mode, Mode::Window { from: 1, to: 2 });
        for (mode, expected) in [
            (r#""Off""#, Mode::Off),
            (r#"{"Level":3}"#, Mode::Level(3)),
            (r#"{"Pair":[1,2]}"#, Mode::Pair(1, 2)),
        ] {
            let text = SHAPES.replace(r#"{"Window":{"from":1,"to":2}}"#, mode);
            assert_eq!(shapes(&text).unwrap().mode, expected, "{mode}");
        }
        let some = SHAPES.replace(r#""maybe":null"#, r#""maybe":4294967295"#);
        assert_eq!(shapes(&some).unwrap().maybe, Some(u32::MAX));
        // A struct is an object only, not the array of its fields serde_json also takes.
        assert_eq!(
            Json::<Prefs>::parse(br#" ["24h",8,"on","UTC"]"#).map(Json::into_inner),
            Err(ParseError::Json { at: 1, problem: JsonProblem::WRONG_TYPE })
        );
    }

    /// Unknown fields are skipped whatever they hold; JSON's rules hold everywhere, each
    /// mistake blamed on its byte.
    #[test]
    fn unknown_fields_are_skipped_and_the_grammar_holds() {
        let extra = r#"{"x":[1,{"y":[[],{},"\"]"]},-0.5e-3,true,null],"format":"24h","brightness":8,"colon":"on","tz":"UTC","z":{}}"#;
        assert_eq!(Json::<Prefs>::parse(extra.as_bytes()).unwrap().tz.as_str(), "UTC");
        let base = r#"{"format":"24h","brightness":8,"colon":"on","tz":"UTC"}"#;
        // Each damaged text, the piece of it to blame, and the problem.
        for (text, blamed, problem) in [
            (base.replace("8,", "08,"), "8,\"colon", JsonProblem::BAD_NUMBER),
            (base.replace("8,", "8.,"), ",\"colon", JsonProblem::BAD_NUMBER),
            (base.replace("8,", "1e,"), ",\"colon", JsonProblem::BAD_NUMBER),
            (base.replace("8,", "8.5,"), "8.5", JsonProblem::BAD_NUMBER),
            (base.replace("UTC\"}", "UTC\",}"), "}", JsonProblem::SYNTAX),
            (base.replace("UTC", "U\tC"), "\t", JsonProblem::SYNTAX),
            (base.replace("UTC", r"U\xC"), "xC", JsonProblem::SYNTAX),
            (base.replace("UTC", r"\ud800x"), "x\"", JsonProblem::SYNTAX),
            (base.replace("UTC", r"\ud800\u0041"), r"\u0041", JsonProblem::SYNTAX),
            (base.replace("UTC", r"\u12g4"), "g4", JsonProblem::SYNTAX),
            (base.replace("\"on\"", "tru"), "tru", JsonProblem::WRONG_TYPE),
            (base.replace("{\"format\"", "{format"), "format", JsonProblem::SYNTAX),
            (
                base.replace(",\"brightness\"", " \"brightness\""),
                "\"brightness\"",
                JsonProblem::SYNTAX,
            ),
        ] {
            let expected = ParseError::Json { at: text.rfind(blamed).unwrap(), problem };
            assert_eq!(Json::<Prefs>::parse(text.as_bytes()).err(), Some(expected), "{text}");
        }
        // A surrogate pair is one character.
        let pair = base.replace("UTC", r"\ud83d\ude00");
        assert_eq!(Json::<Prefs>::parse(pair.as_bytes()).unwrap().tz.as_str(), "\u{1f600}");
        // Nesting the type does not bound is refused past 128 levels in a skipped value.
        let nested = |levels: usize| {
            format!(r#"{{"x":{}{},{}"#, "[".repeat(levels), "]".repeat(levels), &base[1..])
        };
        assert!(Json::<Prefs>::parse(nested(128).as_bytes()).is_ok());
        assert_eq!(
            Json::<Prefs>::parse(nested(129).as_bytes()).err(),
            Some(ParseError::Json { at: 5 + 128, problem: JsonProblem::TOO_DEEP })
        );
    }
}
