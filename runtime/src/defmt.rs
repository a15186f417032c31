//! `defmt::Format` for the errors, the report outcomes, the system-call values and `Secret`
//! (feature `defmt`), so a firmware can log a failed fetch over RTT as cheaply as any other
//! defmt message.
//!
//! Each impl says what its `Display` says, but as defmt's interned strings: a key is logged as
//! `{=str}` (the derive's `'static` text), a status by its header name. None of them prints a
//! value byte: the errors hold none, and [`Secret`] prints `[REDACTED]`.

use ::defmt::{write, Format, Formatter};

use crate::error::{FetchError, ItemError, JsonProblem, ParseError, WaitError};
use crate::ffi::{
    MvChannelType, MvClosureReason, MvConfigFetchResult, MvConfigKeyFetchResult,
    MvConfigKeyFetchScope, MvConfigKeyFetchStore, MvEventType, MvStatus,
};
use crate::outcome::FieldOutcome;
use crate::types::{Base64, Hex, Secret};

/// The `u32` newtypes of the system calls: their header name, or the raw value of one this
/// crate does not know (a newer Microvisor's), as their `Debug` does.
macro_rules! format_u32_enum {
    ($($name:ident),* $(,)?) => {$(
        impl Format for $name {
            fn format(&self, f: Formatter<'_>) {
                match self.name() {
                    Some(name) => write!(f, "{}::{=str}", stringify!($name), name),
                    None => write!(f, "{}({=u32:#x})", stringify!($name), self.0),
                }
            }
        }
    )*};
}

format_u32_enum!(
    MvStatus,
    MvEventType,
    MvChannelType,
    MvConfigKeyFetchScope,
    MvConfigKeyFetchStore,
    MvConfigFetchResult,
    MvConfigKeyFetchResult,
    MvClosureReason,
);

impl Format for FetchError {
    fn format(&self, f: Formatter<'_>) {
        match self {
            FetchError::Send(MvStatus::REQUESTALREADYSENT) => write!(
                f,
                "config fetch request not sent: the channel already carried its one request \
                 (open a new channel for each fetch)"
            ),
            FetchError::Send(status) => write!(f, "config fetch request not sent: {}", status),
            FetchError::Wait(error) => write!(f, "no config fetch response: {}", error),
            FetchError::Response(MvStatus::RESPONSENOTPRESENT) => write!(
                f,
                "config fetch response has not arrived yet (receive it after the channel's \
                 CHANNELDATAREADABLE notification)"
            ),
            FetchError::Response(status) => {
                write!(f, "config fetch response not readable: {}", status)
            }
            FetchError::ResponseTooLarge => write!(
                f,
                "config fetch response too large for the channel's receive buffer \
                 (enlarge the receive buffer)"
            ),
            FetchError::UnknownResponseResult(value) => {
                write!(f, "config fetch response has an unknown result {=u32:#x}", value)
            }
            FetchError::ItemCount { expected, got } => write!(
                f,
                "config fetch response has {=u32} items, but the request named {=u32}",
                got, expected
            ),
            FetchError::Item { index, key, scope, store, error } => write!(
                f,
                "config key `{=str}` ({=str} {=str}, item {=u16}): {}",
                key,
                scope.as_str(),
                store.as_str(),
                index,
                error
            ),
        }
    }
}

impl Format for ItemError {
    fn format(&self, f: Formatter<'_>) {
        match self {
            ItemError::NotFound => {
                write!(f, "not found in its store (upload it there, or make the field optional)")
            }
            ItemError::ServerError => write!(f, "the server failed to read it"),
            ItemError::UnknownResult(value) => write!(f, "unknown item result {=u32:#x}", value),
            ItemError::Read(status) => write!(f, "not readable: {}", status),
            ItemError::TooLong { len, max } => {
                write!(f, "value too long ({=u32} bytes or more, max_len is {=u32})", len, max)
            }
            ItemError::Invalid(error) => write!(f, "invalid value: {}", error),
        }
    }
}

impl Format for ParseError {
    fn format(&self, f: Formatter<'_>) {
        match self {
            ParseError::Empty => write!(f, "empty"),
            ParseError::NotUtf8 { at } => write!(f, "not UTF-8 text (byte {=usize})", at),
            ParseError::NotDecimal { at } => {
                write!(f, "not a decimal integer (unexpected byte at {=usize})", at)
            }
            ParseError::OutOfRange => write!(f, "integer out of range for the field's type"),
            ParseError::NotBool => write!(f, "expected `true` or `false`"),
            ParseError::NotFloat => write!(f, "not a finite decimal number"),
            ParseError::OddLength => {
                write!(f, "hex text of odd length (a digit missing, or a stray last character)")
            }
            ParseError::NotHex { at } => write!(f, "not hex (unexpected byte at {=usize})", at),
            ParseError::NotBase64 { at } => {
                write!(f, "not padded base64 (unexpected byte at {=usize})", at)
            }
            ParseError::Capacity { capacity } => {
                write!(f, "decoded value larger than the field's {=usize} bytes", capacity)
            }
            ParseError::UnknownVariant => write!(f, "not one of the accepted names"),
            ParseError::TooShort { len, min } => {
                write!(f, "too short ({=usize} bytes, min_len is {=usize})", len, min)
            }
            ParseError::Custom(message) => write!(f, "{=str}", message),
            ParseError::Json { at, problem } => write!(f, "{} (at byte {=usize})", problem, at),
            ParseError::CustomAt { message, at } => {
                write!(f, "{=str} (at byte {=usize})", *message, at)
            }
        }
    }
}

impl Format for JsonProblem {
    fn format(&self, f: Formatter<'_>) {
        match *self {
            JsonProblem::SYNTAX => write!(f, "not JSON"),
            JsonProblem::UNEXPECTED_END => write!(f, "the JSON text ends early"),
            JsonProblem::WRONG_TYPE => write!(f, "a JSON value of the wrong type"),
            JsonProblem::BAD_NUMBER => write!(f, "a JSON number malformed or out of range"),
            JsonProblem::REFUSED => write!(f, "a JSON value the field's type refuses"),
            JsonProblem::TRAILING_CHARACTERS => write!(f, "more text after the JSON value"),
            JsonProblem::ESCAPED_STRING_TOO_LONG => {
                write!(f, "a JSON string with escapes longer than the unescape buffer")
            }
            JsonProblem::TOO_DEEP => write!(f, "JSON arrays or objects nested too deep"),
            JsonProblem(code) => write!(f, "JSON problem {=u32}", code),
        }
    }
}

impl Format for WaitError {
    fn format(&self, f: Formatter<'_>) {
        match self {
            WaitError::Timeout => write!(f, "timed out waiting for the response"),
            WaitError::ChannelClosed => write!(f, "the channel closed before the response"),
            WaitError::Status(status) => write!(f, "{}", status),
        }
    }
}

impl Format for FieldOutcome {
    fn format(&self, f: Formatter<'_>) {
        match self {
            FieldOutcome::Ok => write!(f, "ok"),
            FieldOutcome::Defaulted => write!(f, "not set, default used"),
            FieldOutcome::Failed(error) => write!(f, "{}", error),
            FieldOutcome::NotRead => write!(f, "not read"),
        }
    }
}

/// `[REDACTED]`, whatever `T` is: a secret never reaches a log.
impl<T> Format for Secret<T> {
    fn format(&self, f: Formatter<'_>) {
        write!(f, "[REDACTED]")
    }
}

/// The length and the first bytes, as `Debug` prints them.
impl<const N: usize> Format for Hex<N> {
    fn format(&self, f: Formatter<'_>) {
        format_decoded(f, "Hex", self.as_bytes());
    }
}

/// As [`Hex`]'s.
impl<const N: usize> Format for Base64<N> {
    fn format(&self, f: Formatter<'_>) {
        format_decoded(f, "Base64", self.as_bytes());
    }
}

/// `Hex(1190 bytes: 3082049e…)`: the length and at most four bytes, as `Debug` prints them.
fn format_decoded(f: Formatter<'_>, name: &str, bytes: &[u8]) {
    let prefix = bytes.get(..4).unwrap_or(bytes);
    let more = if bytes.len() > prefix.len() { "…" } else { "" };
    write!(f, "{=str}({=usize} bytes: {=[u8]:02x}{=str})", name, bytes.len(), prefix, more);
}
