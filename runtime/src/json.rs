//! `Json<T>` (feature `json`): a field holding any `T: DeserializeOwned`, parsed from the value's
//! JSON text by serde-json-core, with no allocation.
//!
//! serde-json-core reports what went wrong but not where. The position is found afterwards, on
//! the error path only: the text is cut after each of its tokens in turn (by a binary search)
//! and the cut parsed again. A cut before the mistake runs out of text, one after it fails as
//! the whole text did, so the first cut that fails outright ends at the token to blame.
//! Cutting only between tokens keeps the search honest: a number or a name cut in its middle
//! could fail for a reason the whole text does not have.

use core::fmt;
use core::ops::{Deref, DerefMut};

use serde::de::DeserializeOwned;
use serde_json_core::de::Error as JsonError;

use crate::error::{JsonProblem, ParseError};
use crate::value::{ConfigValue, CLOUD_MAX_VALUE_LEN};

/// A value stored in the cloud as JSON text: `T` is any `serde::de::DeserializeOwned` type
/// (`#[derive(Deserialize)]`, with `heapless::String<N>` for text), parsed without allocating.
///
/// A `Json` field needs `max_len = N`, the longest text: the type gives no bound. A JSON
/// string with escapes (`\"`, `\n`, `\u00e9`) is unescaped through a stack buffer of `UNESCAPE`
/// bytes: a longer escaped string is [`JsonProblem::ESCAPED_STRING_TOO_LONG`], never kept raw.
/// A text that is not JSON of `T` is `ParseError::Json` with the byte to blame, an empty one
/// [`ParseError::Empty`].
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
        match serde_json_core::from_slice_escaped::<T>(text, &mut unescape) {
            Ok((value, _)) => Ok(Json(value)),
            Err(error) => Err(ParseError::Json {
                at: blame(text, &mut unescape, probe::<T>),
                problem: JsonProblem::of(&error),
            }),
        }
    }
}

impl JsonProblem {
    fn of(error: &JsonError) -> Self {
        match error {
            JsonError::EofWhileParsingList
            | JsonError::EofWhileParsingObject
            | JsonError::EofWhileParsingString
            | JsonError::EofWhileParsingNumber
            | JsonError::EofWhileParsingValue => JsonProblem::UNEXPECTED_END,
            JsonError::InvalidType => JsonProblem::WRONG_TYPE,
            JsonError::InvalidNumber => JsonProblem::BAD_NUMBER,
            JsonError::CustomError => JsonProblem::REFUSED,
            JsonError::TrailingCharacters => JsonProblem::TRAILING_CHARACTERS,
            JsonError::EscapedStringIsTooLong => JsonProblem::ESCAPED_STRING_TOO_LONG,
            JsonError::AnyIsUnsupported | JsonError::BytesIsUnsupported => JsonProblem::UNSUPPORTED,
            _ => JsonProblem::SYNTAX,
        }
    }
}

/// Parses `text` as a `T` and drops it: whether the cut fails outright.
type ProbeFn = fn(&[u8], &mut [u8]) -> Outcome;

/// How a parse of a cut of the text ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Parsed, or ran out of text: the mistake, if any, is further on.
    NotYet,
    /// Failed as the whole text may: the mistake is in the cut.
    Failed,
}

fn probe<T: DeserializeOwned>(text: &[u8], unescape: &mut [u8]) -> Outcome {
    match serde_json_core::from_slice_escaped::<T>(text, unescape) {
        Err(error) if JsonProblem::of(&error) != JsonProblem::UNEXPECTED_END => Outcome::Failed,
        _ => Outcome::NotYet,
    }
}

/// The byte to blame for a text that is not JSON of the probed type: the start of the first
/// token after which a cut of the text fails outright; the text's end if none does (it ends
/// early). Non-generic: one copy, whatever the types.
fn blame(text: &[u8], unescape: &mut [u8], probe: ProbeFn) -> usize {
    let count = Tokens::new(text).count();
    // The first token whose cut fails is in `low..high`.
    let (mut low, mut high) = (0, count);
    while low < high {
        let middle = low + (high - low) / 2;
        let (_, end) = token(text, middle);
        if probe(text.get(..end).unwrap_or(text), unescape) == Outcome::Failed {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    if low < count {
        token(text, low).0
    } else {
        text.len()
    }
}

/// Where token `index` of `text` starts and ends.
fn token(text: &[u8], index: usize) -> (usize, usize) {
    Tokens::new(text).nth(index).unwrap_or((text.len(), text.len()))
}

/// The tokens of a JSON text, as `(start, end)`: punctuation, strings (to their closing quote,
/// escapes skipped), numbers, names (`true`, `null`), and any other byte on its own. Only where
/// they end matters; serde-json-core judges them.
struct Tokens<'t> {
    text: &'t [u8],
    at: usize,
}

impl<'t> Tokens<'t> {
    fn new(text: &'t [u8]) -> Self {
        Tokens { text, at: 0 }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.get(at).copied()
    }

    /// The end of the run of bytes from `at` that `part` accepts.
    fn run(&self, mut at: usize, part: fn(u8) -> bool) -> usize {
        while self.byte(at).is_some_and(part) {
            at += 1;
        }
        at
    }
}

impl Iterator for Tokens<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let start = self.run(self.at, |b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        let first = self.byte(start)?;
        let end = match first {
            b'"' => {
                let mut at = start + 1;
                loop {
                    match self.byte(at) {
                        None => break at,
                        Some(b'"') => break at + 1,
                        Some(b'\\') => at += 2,
                        Some(_) => at += 1,
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                self.run(start, |b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            }
            b'a'..=b'z' | b'A'..=b'Z' => self.run(start, |b| b.is_ascii_alphabetic()),
            _ => start + 1,
        };
        let end = end.min(self.text.len());
        self.at = end;
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;
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

    /// Every problem serde-json-core can answer has a name and a text of its own.
    #[test]
    fn problems_are_named_and_told() {
        let known: std::collections::BTreeSet<u32> =
            (0..=255).filter(|code| JsonProblem(*code).name().is_some()).collect();
        assert_eq!(known, (0..8).collect());
        for code in 0..8 {
            let problem = JsonProblem(code);
            let name = problem.name().unwrap();
            assert_eq!(format!("{problem:?}"), name);
            assert_ne!(problem.to_string(), JsonProblem(200).to_string(), "{name}");
        }
        assert_eq!(format!("{:?}", JsonProblem(200)), "JsonProblem(200)");
        assert_eq!(JsonProblem::of(&JsonError::EofWhileParsingString), JsonProblem::UNEXPECTED_END);
        assert_eq!(JsonProblem::of(&JsonError::ExpectedColon), JsonProblem::SYNTAX);
        assert_eq!(JsonProblem::of(&JsonError::BytesIsUnsupported), JsonProblem::UNSUPPORTED);
        assert_eq!(JsonProblem::of(&JsonError::AnyIsUnsupported), JsonProblem::UNSUPPORTED);
        assert_eq!(JsonProblem::of(&JsonError::CustomError), JsonProblem::REFUSED);
    }

    #[test]
    fn tokens_end_where_json_tokens_end() {
        let text = br#" {"a\"b": [-1.5e3, true,null]}x"#;
        let tokens: Vec<&[u8]> = Tokens::new(text).map(|(start, end)| &text[start..end]).collect();
        let expected: [&[u8]; 12] = [
            b"{",
            br#""a\"b""#,
            b":",
            b"[",
            b"-1.5e3",
            b",",
            b"true",
            b",",
            b"null",
            b"]",
            b"}",
            b"x",
        ];
        assert_eq!(tokens, expected);
        let open: Vec<(usize, usize)> = Tokens::new(br#""ab\"#).collect();
        assert_eq!(open, [(0, 4)]);
    }
}
