//! The errors of a fetch. None of them ever holds a byte of a value: a secret cannot leak
//! through `Debug`, `Display` or a log line of an error.

use core::fmt;

use crate::ffi::MvStatus;
use crate::schema::{Scope, Store};

/// Why a fetch failed. Every variant about one item names its key.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// `mvSendConfigFetchRequest` failed. `REQUESTALREADYSENT` means the channel already carried
    /// its one request: open a new channel for each fetch.
    Send(MvStatus),
    /// No response arrived, or the wait for it failed.
    Wait(WaitError),
    /// `mvReadConfigFetchResponseData` failed.
    Response(MvStatus),
    /// The whole response did not fit the channel's receive buffer: make the receive buffer at
    /// least `RESPONSE_MAX_BYTES` plus the per-item overhead ([the crate docs](crate#on-the-device)).
    ResponseTooLarge,
    /// The response's overall result is a value this crate does not know.
    UnknownResponseResult(u32),
    /// The response holds a different number of items than the request named.
    ItemCount {
        /// Items in the request.
        expected: u32,
        /// Items in the response.
        got: u32,
    },
    /// One item could not be used.
    Item {
        /// Its index in the request (the field's position in the struct; a struct's fields lie
        /// in its first 64 KiB, so there are fewer than 65536).
        index: u16,
        /// Its key.
        key: &'static str,
        /// The key's scope.
        scope: Scope,
        /// The key's store.
        store: Store,
        /// What was wrong.
        error: ItemError,
    },
}

impl FetchError {
    /// The key of the item that failed, if the error is about one item.
    pub const fn key(&self) -> Option<&'static str> {
        match self {
            FetchError::Item { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The item error, if the error is about one item.
    pub const fn item_error(&self) -> Option<&ItemError> {
        match self {
            FetchError::Item { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Send(status) if *status == MvStatus::REQUESTALREADYSENT => f.write_str(
                "config fetch request not sent: the channel already carried its one request \
                 (open a new channel for each fetch)",
            ),
            FetchError::Send(status) if *status == MvStatus::CHANNELCLOSED => f.write_str(
                "config fetch request not sent: the channel is closed (a channel carries one \
                 request, and a fetch closes it: open a new channel for each fetch)",
            ),
            FetchError::Send(status) => {
                write!(f, "config fetch request not sent: Microvisor answered {status}")
            }
            FetchError::Wait(error) => write!(f, "no config fetch response: {error}"),
            FetchError::Response(status) if *status == MvStatus::RESPONSENOTPRESENT => f.write_str(
                "config fetch response has not arrived yet (receive it after the channel's \
                 CHANNELDATAREADABLE notification)",
            ),
            FetchError::Response(status) => {
                write!(f, "config fetch response not readable: Microvisor answered {status}")
            }
            FetchError::ResponseTooLarge => f.write_str(
                "config fetch response too large for the channel's receive buffer \
                 (enlarge the receive buffer)",
            ),
            FetchError::UnknownResponseResult(value) => {
                write!(f, "config fetch response has an unknown result {value:#x}")
            }
            FetchError::ItemCount { expected, got } => {
                write!(f, "config fetch response has {got} items, but the request named {expected}")
            }
            FetchError::Item { index, key, scope, store, error } => write!(
                f,
                "config key `{key}` ({} {}, item {index}): {error}",
                scope.as_str(),
                store.as_str()
            ),
        }
    }
}

impl core::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            FetchError::Item { error, .. } => Some(error),
            FetchError::Wait(error) => Some(error),
            _ => None,
        }
    }
}

/// Why one item of a response could not be used.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemError {
    /// The key is not in the store it was asked from, and the field is neither optional nor
    /// defaulted.
    NotFound,
    /// The server failed to read the key.
    ServerError,
    /// The item's result is a value this crate does not know.
    UnknownResult(u32),
    /// `mvReadConfigResponseItem` failed.
    Read(MvStatus),
    /// The value is longer than the field's `max_len`. When the device truncates, `len` is the
    /// length it wrote, so the true length is at least `len`.
    TooLong {
        /// The length the device reported.
        len: u32,
        /// The field's `max_len`.
        max: u32,
    },
    /// The value is not valid for the field's type.
    Invalid(ParseError),
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemError::NotFound => {
                f.write_str("not found in its store (upload it there, or make the field optional)")
            }
            ItemError::ServerError => f.write_str("the server failed to read it"),
            ItemError::UnknownResult(value) => write!(f, "unknown item result {value:#x}"),
            ItemError::Read(status) => write!(f, "not readable: Microvisor answered {status}"),
            ItemError::TooLong { len, max } => {
                write!(f, "value too long ({len} bytes or more, max_len is {max})")
            }
            ItemError::Invalid(error) => write!(f, "invalid value: {error}"),
        }
    }
}

impl core::error::Error for ItemError {}

/// Why a value's text is not valid for its type. Positions are byte offsets into the value; the
/// offending bytes themselves are never kept (the value may be a secret).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The value is empty.
    Empty,
    /// The value is not UTF-8 text.
    NotUtf8 {
        /// Where the first invalid byte is.
        at: usize,
    },
    /// The value is not a decimal integer (optional `-` or `+` for signed types only, digits
    /// only, no spaces).
    NotDecimal {
        /// Where the first unexpected byte is.
        at: usize,
    },
    /// The integer does not fit the field's type.
    OutOfRange,
    /// The value is neither `true` nor `false`.
    NotBool,
    /// The value is not a finite decimal number.
    NotFloat,
    /// Hex text has an odd number of digits.
    OddLength,
    /// The value is not hex.
    NotHex {
        /// Where the first non-hex byte is.
        at: usize,
    },
    /// The value is not strict padded base64.
    NotBase64 {
        /// Where the first unexpected byte is.
        at: usize,
    },
    /// The decoded value does not fit the field's capacity.
    Capacity {
        /// The field's capacity in bytes.
        capacity: usize,
    },
    /// The value is none of the text forms the field accepts.
    UnknownVariant,
    /// The value is shorter than the field's `min_len`.
    TooShort {
        /// The value's length in bytes.
        len: usize,
        /// The field's `min_len`.
        min: usize,
    },
    /// A user parser or validator rejected the value.
    Custom(&'static str),
    /// The value is not JSON of the field's type (a `Json<T>` field, feature `json`).
    Json {
        /// The byte to blame: where the text stops being JSON of the type (the start of the
        /// value of the wrong type, the stray character, the `}` of an object that misses a
        /// field), or its length if it ends early.
        at: usize,
        /// What was wrong.
        problem: JsonProblem,
    },
    /// A user parser rejected the value at a byte: [`ParseError::Custom`] with a position.
    /// Write the message behind a second `&` (`message: &"expected a colon"`): a thin
    /// reference, so that the error stays three words long on the device.
    CustomAt {
        /// Why.
        message: &'static &'static str,
        /// Where, as a byte offset into the value.
        at: usize,
    },
}

/// What was wrong with a JSON value. Where it went
/// wrong is [`ParseError::Json`]'s `at`.
///
/// A code with named values, as [`MvStatus`] is, and a word wide: so [`ParseError`] keeps the
/// layout it has without `Json` (a byte would sit beside its tag, and an enum's spare values
/// could become the tag; either costs every firmware flash in every copy of an error, `Json`
/// or not).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct JsonProblem(pub u32);

impl JsonProblem {
    /// Not JSON: a stray character, a missing `:` or `,`, a trailing comma, a bad number or
    /// escape.
    pub const SYNTAX: JsonProblem = JsonProblem(0);
    /// The text ends before the value does.
    pub const UNEXPECTED_END: JsonProblem = JsonProblem(1);
    /// A value of the wrong type for its place (a string for a number, say).
    pub const WRONG_TYPE: JsonProblem = JsonProblem(2);
    /// A number that is malformed, or out of its field's range (`800` for a `u8`).
    pub const BAD_NUMBER: JsonProblem = JsonProblem(3);
    /// The type refused a well-formed value: a missing or unknown field, or an enum variant
    /// it does not have.
    pub const REFUSED: JsonProblem = JsonProblem(4);
    /// More text after the value.
    pub const TRAILING_CHARACTERS: JsonProblem = JsonProblem(5);
    /// A string with escapes longer than `Json`'s unescape buffer.
    pub const ESCAPED_STRING_TOO_LONG: JsonProblem = JsonProblem(6);
    /// Arrays or objects nested deeper than 32 where the type does not bound them (a
    /// self-describing value), or 128 in a value the type skips: refused to bound the stack.
    pub const TOO_DEEP: JsonProblem = JsonProblem(7);

    /// The name of a known problem.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            JsonProblem::SYNTAX => "SYNTAX",
            JsonProblem::UNEXPECTED_END => "UNEXPECTED_END",
            JsonProblem::WRONG_TYPE => "WRONG_TYPE",
            JsonProblem::BAD_NUMBER => "BAD_NUMBER",
            JsonProblem::REFUSED => "REFUSED",
            JsonProblem::TRAILING_CHARACTERS => "TRAILING_CHARACTERS",
            JsonProblem::ESCAPED_STRING_TOO_LONG => "ESCAPED_STRING_TOO_LONG",
            JsonProblem::TOO_DEEP => "TOO_DEEP",
            _ => return None,
        })
    }
}

impl fmt::Debug for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "JsonProblem({})", self.0),
        }
    }
}

impl fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match *self {
            JsonProblem::SYNTAX => "not JSON",
            JsonProblem::UNEXPECTED_END => "the JSON text ends early",
            JsonProblem::WRONG_TYPE => "a JSON value of the wrong type",
            JsonProblem::BAD_NUMBER => "a JSON number malformed or out of its field's range",
            JsonProblem::REFUSED => {
                "a JSON value the field's type refuses (a missing or unknown field, or an unknown \
                 variant)"
            }
            JsonProblem::TRAILING_CHARACTERS => "more text after the JSON value",
            JsonProblem::ESCAPED_STRING_TOO_LONG => {
                "a JSON string with escapes longer than the unescape buffer"
            }
            JsonProblem::TOO_DEEP => "JSON arrays or objects nested too deep",
            _ => "a JSON problem of a newer version",
        })
    }
}

impl ParseError {
    /// The error of a parser that was handed the value from byte `by` on, as an error about
    /// the whole value: every position moves `by` bytes on. A parser of a field made of parts
    /// hands each part to the part's parser and shifts what it answers:
    ///
    /// ```
    /// use microvisor_config::ParseError;
    ///
    /// // "host:port", the port parsed by a parser of its own.
    /// let text = b"broker:80x";
    /// let colon = 6;
    /// let port_error = ParseError::NotDecimal { at: 2 };
    /// assert_eq!(port_error.shifted(colon + 1), ParseError::NotDecimal { at: 9 });
    /// assert_eq!(text[9], b'x');
    /// ```
    #[must_use]
    pub const fn shifted(self, by: usize) -> Self {
        match self {
            ParseError::NotUtf8 { at } => ParseError::NotUtf8 { at: at.saturating_add(by) },
            ParseError::NotDecimal { at } => ParseError::NotDecimal { at: at.saturating_add(by) },
            ParseError::NotHex { at } => ParseError::NotHex { at: at.saturating_add(by) },
            ParseError::NotBase64 { at } => ParseError::NotBase64 { at: at.saturating_add(by) },
            ParseError::Json { at, problem } => {
                ParseError::Json { at: at.saturating_add(by), problem }
            }
            ParseError::CustomAt { message, at } => {
                ParseError::CustomAt { message, at: at.saturating_add(by) }
            }
            other => other,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => f.write_str("empty"),
            ParseError::NotUtf8 { at } => write!(f, "not UTF-8 text (byte {at})"),
            ParseError::NotDecimal { at } => {
                write!(f, "not a decimal integer (unexpected byte at {at})")
            }
            ParseError::OutOfRange => f.write_str("integer out of range for the field's type"),
            ParseError::NotBool => f.write_str("expected `true` or `false`"),
            ParseError::NotFloat => f.write_str("not a finite decimal number"),
            ParseError::OddLength => {
                f.write_str("hex text of odd length (a digit missing, or a stray last character)")
            }
            ParseError::NotHex { at } => write!(f, "not hex (unexpected byte at {at})"),
            ParseError::NotBase64 { at } => {
                write!(f, "not padded base64 (unexpected byte at {at})")
            }
            ParseError::Capacity { capacity } => {
                write!(f, "decoded value larger than the field's {capacity} bytes")
            }
            ParseError::UnknownVariant => f.write_str("not one of the accepted names"),
            ParseError::TooShort { len, min } => {
                write!(f, "too short ({len} bytes, min_len is {min})")
            }
            ParseError::Custom(message) => f.write_str(message),
            ParseError::Json { at, problem } => write!(f, "{problem} (at byte {at})"),
            ParseError::CustomAt { message, at } => write!(f, "{message} (at byte {at})"),
        }
    }
}

impl core::error::Error for ParseError {}

/// Why waiting for a response failed.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitError {
    /// No response arrived within the channel's timeout.
    Timeout,
    /// The channel closed before the response arrived.
    ChannelClosed,
    /// A system call failed while waiting.
    Status(MvStatus),
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Timeout => f.write_str("timed out waiting for the response"),
            WaitError::ChannelClosed => f.write_str("the channel closed before the response"),
            WaitError::Status(status) => write!(f, "Microvisor answered {status}"),
        }
    }
}

impl core::error::Error for WaitError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two statuses with advice of their own get it; any other is named as Microvisor's.
    #[test]
    fn statuses_with_advice_are_told_apart() {
        let text = |error: FetchError| std::format!("{error}");
        assert!(text(FetchError::Send(MvStatus::REQUESTALREADYSENT)).contains("open a new channel"));
        assert_eq!(
            text(FetchError::Send(MvStatus::RATELIMITED)),
            "config fetch request not sent: Microvisor answered RATELIMITED"
        );
        assert!(text(FetchError::Response(MvStatus::RESPONSENOTPRESENT)).contains("not arrived"));
        assert_eq!(
            text(FetchError::Response(MvStatus::CHANNELCLOSED)),
            "config fetch response not readable: Microvisor answered CHANNELCLOSED"
        );
    }

    /// Every error with a position moves by the shift; the others stay as they are.
    #[test]
    fn a_shift_moves_every_position() {
        let shifted = |error: ParseError| error.shifted(10);
        assert_eq!(shifted(ParseError::NotUtf8 { at: 1 }), ParseError::NotUtf8 { at: 11 });
        assert_eq!(shifted(ParseError::NotDecimal { at: 2 }), ParseError::NotDecimal { at: 12 });
        assert_eq!(shifted(ParseError::NotHex { at: 3 }), ParseError::NotHex { at: 13 });
        assert_eq!(shifted(ParseError::NotBase64 { at: 4 }), ParseError::NotBase64 { at: 14 });
        assert_eq!(
            shifted(ParseError::CustomAt { message: &"m", at: 5 }),
            ParseError::CustomAt { message: &"m", at: 15 }
        );
        for unmoved in [
            ParseError::Empty,
            ParseError::Capacity { capacity: 3 },
            ParseError::TooShort { len: 1, min: 2 },
            ParseError::Custom("m"),
        ] {
            assert_eq!(shifted(unmoved), unmoved);
        }
        assert_eq!(
            ParseError::CustomAt { message: &"m", at: 5 }.shifted(usize::MAX),
            ParseError::CustomAt { message: &"m", at: usize::MAX }
        );
        assert_eq!(
            ParseError::NotHex { at: 5 }.shifted(usize::MAX),
            ParseError::NotHex { at: usize::MAX }
        );
    }

    /// A position and a minimum are told as such; the error stays three words long, as it
    /// was before either was added (it is kept per field in a report).
    #[test]
    fn positions_and_minimums_are_shown() {
        let text = |error: ParseError| std::format!("{error}");
        assert_eq!(
            text(ParseError::CustomAt { message: &"expected `:`", at: 7 }),
            "expected `:` (at byte 7)"
        );
        assert_eq!(
            text(ParseError::TooShort { len: 3, min: 8 }),
            "too short (3 bytes, min_len is 8)"
        );
        assert_eq!(size_of::<ParseError>(), 3 * size_of::<usize>());
    }
}
