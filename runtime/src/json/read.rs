//! The JSON reader under the serde deserializer ([`super::de`]): no allocation and no panic
//! path, every read of the text a checked `get`, so a firmware that proves itself panic-free by
//! linking can use `Json<T>`. It knows where it is at every step, so an error carries the byte
//! to blame.
//!
//! Strings without escapes are handed to the visitor borrowed from the text; a string with
//! escapes is unescaped into the caller's buffer. Unknown fields are skipped by a loop, not by
//! recursion, and nesting deeper than [`MAX_DEPTH`] is refused, so the stack a hostile text can
//! take is bounded by the type's own shape.

use core::fmt;

use serde::de::{self, Visitor};

use crate::error::JsonProblem;
use crate::parse::text::as_str;

/// How deep arrays and objects may nest where the type does not bound it (a self-describing
/// value, `deserialize_any`).
const MAX_DEPTH: u8 = 32;

/// A position not yet known: an error raised by a visitor, which the deserializer that called
/// it places.
pub(super) const UNPLACED: usize = usize::MAX;

/// What went wrong, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Error {
    pub(crate) at: usize,
    pub(crate) problem: JsonProblem,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.problem, self.at)
    }
}

impl de::StdError for Error {}

impl de::Error for Error {
    // A message would need allocation: the problem says what kind, the position where.
    fn custom<T: fmt::Display>(_: T) -> Self {
        Error { at: UNPLACED, problem: JsonProblem::REFUSED }
    }

    fn invalid_type(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        Error { at: UNPLACED, problem: JsonProblem::WRONG_TYPE }
    }
}

pub(super) type Result<T> = core::result::Result<T, Error>;

/// The deserializer: the text, where it is, and the buffer escaped strings are unescaped into.
pub(crate) struct Parser<'de, 'u> {
    text: &'de [u8],
    pub(super) at: usize,
    unescape: &'u mut [u8],
    pub(super) depth: u8,
}

/// A string's text: borrowed from the JSON, or the first bytes of the unescape buffer.
pub(super) enum Text<'de> {
    Borrowed(&'de str),
    Unescaped(usize),
}

impl<'de, 'u> Parser<'de, 'u> {
    pub(crate) fn new(text: &'de [u8], unescape: &'u mut [u8]) -> Self {
        Parser { text, at: 0, unescape, depth: 0 }
    }

    /// After the value: only whitespace may follow.
    pub(crate) fn end(&mut self) -> Result<()> {
        match self.skip_space() {
            None => Ok(()),
            Some(_) => Err(self.error(JsonProblem::TRAILING_CHARACTERS)),
        }
    }

    /// Where the next value starts, past whitespace.
    pub(super) fn value_start(&mut self) -> usize {
        self.skip_space();
        self.at
    }

    pub(super) fn error(&self, problem: JsonProblem) -> Error {
        Error { at: self.at, problem }
    }

    /// `problem` here, or the text ending early if it has.
    pub(super) fn error_or_end(&self, problem: JsonProblem) -> Error {
        if self.at >= self.text.len() {
            self.error(JsonProblem::UNEXPECTED_END)
        } else {
            self.error(problem)
        }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    /// The next byte that is not whitespace, not consumed.
    pub(super) fn skip_space(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
        self.peek()
    }

    /// The next byte that is not whitespace, which must be there.
    pub(super) fn next_token(&mut self) -> Result<u8> {
        self.skip_space().ok_or(self.error(JsonProblem::UNEXPECTED_END))
    }

    /// Consumes `byte`, after whitespace.
    pub(super) fn expect(&mut self, byte: u8) -> Result<()> {
        if self.next_token()? == byte {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(JsonProblem::SYNTAX))
        }
    }

    /// Consumes `word` (`true`, `false`, `null`) where it starts.
    pub(super) fn word(&mut self, word: &[u8]) -> Result<()> {
        for &expected in word {
            match self.peek() {
                Some(byte) if byte == expected => self.at += 1,
                _ => return Err(self.error_or_end(JsonProblem::SYNTAX)),
            }
        }
        Ok(())
    }

    /// A visitor's error placed at `start`, the value it was given, if it has no place yet.
    pub(super) fn placed<T>(start: usize, result: Result<T>) -> Result<T> {
        result.map_err(
            |error| if error.at == UNPLACED { Error { at: start, ..error } } else { error },
        )
    }

    /// Enters an array or object that the type does not bound.
    pub(super) fn deeper(&mut self) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(JsonProblem::TOO_DEEP));
        }
        self.depth += 1;
        Ok(())
    }

    /// A number's text, checked against JSON's grammar; whether it is an integer (no
    /// fraction, no exponent).
    pub(super) fn number(&mut self) -> Result<(&'de [u8], bool)> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                // No leading zeros.
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error(JsonProblem::BAD_NUMBER));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error_or_end(JsonProblem::BAD_NUMBER)),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.at += 1;
            integer = false;
            self.required_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.required_digits()?;
        }
        let token = self.text.get(start..self.at).ok_or(self.error(JsonProblem::BAD_NUMBER))?;
        Ok((token, integer))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            _ => Err(self.error_or_end(JsonProblem::BAD_NUMBER)),
        }
    }

    /// An integer, as its sign and magnitude; `start` is where its token starts.
    fn integer(&mut self) -> Result<(bool, u128, usize)> {
        let start = self.at;
        let (token, integer) = self.number()?;
        let bad = Error { at: start, problem: JsonProblem::BAD_NUMBER };
        if !integer {
            return Err(bad);
        }
        let (negative, digits) = match token.split_first() {
            Some((b'-', digits)) => (true, digits),
            _ => (false, token),
        };
        let mut magnitude: u128 = 0;
        for &digit in digits {
            magnitude = magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(u128::from(digit - b'0')))
                .ok_or(bad)?;
        }
        Ok((negative, magnitude, start))
    }

    pub(super) fn unsigned<T: TryFrom<u128>>(&mut self) -> Result<T> {
        match self.next_token()? {
            b'-' | b'0'..=b'9' => {
                let (negative, magnitude, start) = self.integer()?;
                let bad = Error { at: start, problem: JsonProblem::BAD_NUMBER };
                if negative && magnitude != 0 {
                    return Err(bad);
                }
                T::try_from(magnitude).map_err(|_| bad)
            }
            _ => Err(self.error(JsonProblem::WRONG_TYPE)),
        }
    }

    pub(super) fn signed<T: TryFrom<i128>>(&mut self) -> Result<T> {
        match self.next_token()? {
            b'-' | b'0'..=b'9' => {
                let (negative, magnitude, start) = self.integer()?;
                let bad = Error { at: start, problem: JsonProblem::BAD_NUMBER };
                let value = if negative {
                    0i128.checked_sub_unsigned(magnitude).ok_or(bad)?
                } else {
                    i128::try_from(magnitude).map_err(|_| bad)?
                };
                T::try_from(value).map_err(|_| bad)
            }
            _ => Err(self.error(JsonProblem::WRONG_TYPE)),
        }
    }

    pub(super) fn float(&mut self) -> Result<f64> {
        match self.next_token()? {
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                let (token, _) = self.number()?;
                let bad = Error { at: start, problem: JsonProblem::BAD_NUMBER };
                as_str(token).ok().and_then(|t| t.parse().ok()).ok_or(bad)
            }
            _ => Err(self.error(JsonProblem::WRONG_TYPE)),
        }
    }

    /// A string, its opening quote next.
    pub(super) fn string(&mut self) -> Result<Text<'de>> {
        let start = self.value_start();
        if self.next_token()? != b'"' {
            return Err(self.error(JsonProblem::WRONG_TYPE));
        }
        self.at += 1;
        let content = self.at;
        // Without escapes, the text itself.
        loop {
            match self.peek() {
                None => return Err(self.error(JsonProblem::UNEXPECTED_END)),
                Some(b'"') => {
                    let raw = self.text.get(content..self.at).unwrap_or_default();
                    let text = as_str(raw)
                        .map_err(|bad| Error { at: content + bad, problem: JsonProblem::SYNTAX })?;
                    self.at += 1;
                    return Ok(Text::Borrowed(text));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return Err(self.error(JsonProblem::SYNTAX)),
                Some(_) => self.at += 1,
            }
        }
        // With escapes: unescaped into the buffer, from the start.
        let mut len = 0;
        let mut at = content;
        let too_long = Error { at: start, problem: JsonProblem::ESCAPED_STRING_TOO_LONG };
        loop {
            self.at = at;
            let byte = self.peek().ok_or(self.error(JsonProblem::UNEXPECTED_END))?;
            let mut encoded = [0u8; 4];
            let piece: &[u8] = match byte {
                b'"' => break,
                b'\\' => {
                    let (c, next) = self.escape(at)?;
                    at = next;
                    c.encode_utf8(&mut encoded).as_bytes()
                }
                0..=0x1f => return Err(self.error(JsonProblem::SYNTAX)),
                _ => {
                    at += 1;
                    core::slice::from_ref(self.text.get(at - 1).unwrap_or(&0))
                }
            };
            let end = len + piece.len();
            self.unescape.get_mut(len..end).ok_or(too_long)?.copy_from_slice(piece);
            len = end;
        }
        let unescaped = self.unescape.get(..len).unwrap_or_default();
        if as_str(unescaped).is_err() {
            // Bytes of the text that are not UTF-8, among escapes: the string is blamed.
            return Err(Error { at: start, problem: JsonProblem::SYNTAX });
        }
        self.at += 1;
        Ok(Text::Unescaped(len))
    }

    /// The escape at `at` (its backslash): the character, and where the text goes on.
    fn escape(&mut self, at: usize) -> Result<(char, usize)> {
        self.at = at + 1;
        let simple = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let first = self.hex4(at + 2)?;
                let (code, next) = if (0xd800..0xdc00).contains(&first) {
                    // A high surrogate: its low one must follow.
                    self.at = at + 6;
                    if self.text.get(at + 6..at + 8) != Some(b"\\u") {
                        return Err(self.error_or_end(JsonProblem::SYNTAX));
                    }
                    let second = self.hex4(at + 8)?;
                    if !(0xdc00..0xe000).contains(&second) {
                        return Err(Error { at: at + 6, problem: JsonProblem::SYNTAX });
                    }
                    (0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00), at + 12)
                } else {
                    (first, at + 6)
                };
                let c = char::from_u32(code).ok_or(Error { at, problem: JsonProblem::SYNTAX })?;
                return Ok((c, next));
            }
            _ => return Err(self.error_or_end(JsonProblem::SYNTAX)),
        };
        Ok((simple, at + 2))
    }

    /// Four hex digits at `at`.
    fn hex4(&mut self, at: usize) -> Result<u32> {
        let mut value = 0;
        for offset in 0..4 {
            self.at = at + offset;
            let digit = match self.peek() {
                Some(d @ b'0'..=b'9') => d - b'0',
                Some(d @ b'a'..=b'f') => d - b'a' + 10,
                Some(d @ b'A'..=b'F') => d - b'A' + 10,
                _ => return Err(self.error_or_end(JsonProblem::SYNTAX)),
            };
            value = value * 16 + u32::from(digit);
        }
        Ok(value)
    }

    /// Hands a string to the visitor, borrowed or unescaped.
    pub(super) fn visit_text<V: Visitor<'de>>(
        &mut self,
        visitor: V,
        bytes: bool,
    ) -> Result<V::Value> {
        let start = self.value_start();
        let text = self.string()?;
        let result = match text {
            Text::Borrowed(text) if bytes => visitor.visit_borrowed_bytes(text.as_bytes()),
            Text::Borrowed(text) => visitor.visit_borrowed_str(text),
            Text::Unescaped(len) => {
                let unescaped = self.unescape.get(..len).unwrap_or_default();
                if bytes {
                    visitor.visit_bytes(unescaped)
                } else {
                    // Checked by `string`.
                    visitor.visit_str(as_str(unescaped).unwrap_or_default())
                }
            }
        };
        Self::placed(start, result)
    }

    /// Skips one value of any kind, by a loop: unknown fields cost no stack.
    pub(super) fn skip_value(&mut self) -> Result<()> {
        // Open arrays and objects, innermost last, as bits: 1 for an object.
        let (mut open, mut depth) = (0u128, 0u32);
        loop {
            // One value.
            match self.next_token()? {
                b'"' => {
                    self.string()?;
                }
                b't' => self.word(b"true")?,
                b'f' => self.word(b"false")?,
                b'n' => self.word(b"null")?,
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                byte @ (b'[' | b'{') => {
                    if depth >= 128 {
                        return Err(self.error(JsonProblem::TOO_DEEP));
                    }
                    self.at += 1;
                    let object = byte == b'{';
                    open = open << 1 | u128::from(object);
                    depth += 1;
                    let close = if object { b'}' } else { b']' };
                    if self.next_token()? == close {
                        self.at += 1;
                        open >>= 1;
                        depth -= 1;
                    } else {
                        if object {
                            self.key()?;
                        }
                        continue;
                    }
                }
                _ => return Err(self.error(JsonProblem::SYNTAX)),
            }
            // After a value: the next element of the innermost array or object, or its end.
            loop {
                if depth == 0 {
                    return Ok(());
                }
                let object = open & 1 == 1;
                let close = if object { b'}' } else { b']' };
                match self.next_token()? {
                    b',' => {
                        self.at += 1;
                        if object {
                            self.key()?;
                        }
                        break;
                    }
                    byte if byte == close => {
                        self.at += 1;
                        open >>= 1;
                        depth -= 1;
                    }
                    _ => return Err(self.error(JsonProblem::SYNTAX)),
                }
            }
        }
    }

    /// An object's key and its colon.
    pub(super) fn key(&mut self) -> Result<()> {
        if self.next_token()? != b'"' {
            return Err(self.error(JsonProblem::SYNTAX));
        }
        self.string()?;
        self.expect(b':')
    }

    /// Before the next element of an array or entry of an object that `close` ends: `false`
    /// at its end, else `true`, past the comma after the one before (none before the first,
    /// none trailing).
    pub(super) fn next_item(&mut self, close: u8, first: bool) -> Result<bool> {
        match self.next_token()? {
            found if found == close => return Ok(false),
            b',' if !first => {
                self.at += 1;
                if self.next_token()? == close {
                    return Err(self.error(JsonProblem::SYNTAX));
                }
            }
            _ if first => {}
            _ => return Err(self.error(JsonProblem::SYNTAX)),
        }
        Ok(true)
    }

    /// The end of an array or object the visitor has read: its closing byte.
    pub(super) fn close(&mut self, byte: u8) -> Result<()> {
        match self.next_token()? {
            found if found == byte => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.error(JsonProblem::SYNTAX)),
        }
    }
}
