//! A JSON deserializer for serde, no allocation and no panic path: every read of the text is a
//! checked `get`, so a firmware that proves itself panic-free by linking can use `Json<T>`. It
//! knows where it is at every step, so an error carries the byte to blame.
//!
//! Strings without escapes are handed to the visitor borrowed from the text; a string with
//! escapes is unescaped into the caller's buffer. Unknown fields are skipped by a loop, not by
//! recursion, and nesting deeper than [`MAX_DEPTH`] is refused, so the stack a hostile text can
//! take is bounded by the type's own shape.

use core::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

use crate::error::JsonProblem;

/// How deep arrays and objects may nest where the type does not bound it (a self-describing
/// value, `deserialize_any`).
const MAX_DEPTH: u8 = 32;

/// A position not yet known: an error raised by a visitor, which the deserializer that called
/// it places.
const UNPLACED: usize = usize::MAX;

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

type Result<T> = core::result::Result<T, Error>;

/// The deserializer: the text, where it is, and the buffer escaped strings are unescaped into.
pub(crate) struct Parser<'de, 'u> {
    text: &'de [u8],
    at: usize,
    unescape: &'u mut [u8],
    depth: u8,
}

/// A string's text: borrowed from the JSON, or the first bytes of the unescape buffer.
enum Text<'de> {
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
    fn value_start(&mut self) -> usize {
        self.skip_space();
        self.at
    }

    fn error(&self, problem: JsonProblem) -> Error {
        Error { at: self.at, problem }
    }

    /// `problem` here, or the text ending early if it has.
    fn error_or_end(&self, problem: JsonProblem) -> Error {
        if self.at >= self.text.len() {
            self.error(JsonProblem::UNEXPECTED_END)
        } else {
            self.error(problem)
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    /// The next byte that is not whitespace, not consumed.
    fn skip_space(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
        self.peek()
    }

    /// The next byte that is not whitespace, which must be there.
    fn next_token(&mut self) -> Result<u8> {
        self.skip_space().ok_or(self.error(JsonProblem::UNEXPECTED_END))
    }

    /// Consumes `byte`, after whitespace.
    fn expect(&mut self, byte: u8) -> Result<()> {
        if self.next_token()? == byte {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(JsonProblem::SYNTAX))
        }
    }

    /// Consumes `word` (`true`, `false`, `null`) where it starts.
    fn word(&mut self, word: &[u8]) -> Result<()> {
        for &expected in word {
            match self.peek() {
                Some(byte) if byte == expected => self.at += 1,
                _ => return Err(self.error_or_end(JsonProblem::SYNTAX)),
            }
        }
        Ok(())
    }

    /// A visitor's error placed at `start`, the value it was given, if it has no place yet.
    fn placed<T>(start: usize, result: Result<T>) -> Result<T> {
        result.map_err(
            |error| if error.at == UNPLACED { Error { at: start, ..error } } else { error },
        )
    }

    /// Enters an array or object that the type does not bound.
    fn deeper(&mut self) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(JsonProblem::TOO_DEEP));
        }
        self.depth += 1;
        Ok(())
    }

    /// A number's text, checked against JSON's grammar; whether it is an integer (no
    /// fraction, no exponent).
    fn number(&mut self) -> Result<(&'de [u8], bool)> {
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

    fn unsigned<T: TryFrom<u128>>(&mut self) -> Result<T> {
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

    fn signed<T: TryFrom<i128>>(&mut self) -> Result<T> {
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

    fn float(&mut self) -> Result<f64> {
        match self.next_token()? {
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                let (token, _) = self.number()?;
                let bad = Error { at: start, problem: JsonProblem::BAD_NUMBER };
                core::str::from_utf8(token).ok().and_then(|t| t.parse().ok()).ok_or(bad)
            }
            _ => Err(self.error(JsonProblem::WRONG_TYPE)),
        }
    }

    /// A string, its opening quote next.
    fn string(&mut self) -> Result<Text<'de>> {
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
                    let text = core::str::from_utf8(raw).map_err(|error| Error {
                        at: content + error.valid_up_to(),
                        problem: JsonProblem::SYNTAX,
                    })?;
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
        if core::str::from_utf8(unescaped).is_err() {
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
    fn visit_text<V: Visitor<'de>>(&mut self, visitor: V, bytes: bool) -> Result<V::Value> {
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
                    visitor.visit_str(core::str::from_utf8(unescaped).unwrap_or_default())
                }
            }
        };
        Self::placed(start, result)
    }

    /// Skips one value of any kind, by a loop: unknown fields cost no stack.
    fn skip_value(&mut self) -> Result<()> {
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
    fn key(&mut self) -> Result<()> {
        if self.next_token()? != b'"' {
            return Err(self.error(JsonProblem::SYNTAX));
        }
        self.string()?;
        self.expect(b':')
    }

    /// The end of an array or object the visitor has read: its closing byte.
    fn close(&mut self, byte: u8) -> Result<()> {
        match self.next_token()? {
            found if found == byte => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.error(JsonProblem::SYNTAX)),
        }
    }
}

macro_rules! integers {
    ($($method:ident $visit:ident $ty:ty, $parse:ident;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let start = self.value_start();
            let value: $ty = self.$parse()?;
            Parser::placed(start, visitor.$visit(value))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Parser<'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        match self.next_token()? {
            b'n' => {
                self.word(b"null")?;
                Parser::placed(start, visitor.visit_unit())
            }
            b't' | b'f' => self.deserialize_bool(visitor),
            b'"' => self.visit_text(visitor, false),
            b'[' => self.deserialize_seq(visitor),
            b'{' => self.deserialize_map(visitor),
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                let (token, integer) = self.number()?;
                self.at = start;
                if integer && token.first() == Some(&b'-') {
                    let value: i64 = self.signed()?;
                    Parser::placed(start, visitor.visit_i64(value))
                } else if integer {
                    let value: u64 = self.unsigned()?;
                    Parser::placed(start, visitor.visit_u64(value))
                } else {
                    let value = self.float()?;
                    Parser::placed(start, visitor.visit_f64(value))
                }
            }
            _ => Err(self.error(JsonProblem::SYNTAX)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        let value = match self.next_token()? {
            b't' => {
                self.word(b"true")?;
                true
            }
            b'f' => {
                self.word(b"false")?;
                false
            }
            _ => return Err(self.error(JsonProblem::WRONG_TYPE)),
        };
        Parser::placed(start, visitor.visit_bool(value))
    }

    integers! {
        deserialize_u8 visit_u8 u8, unsigned;
        deserialize_u16 visit_u16 u16, unsigned;
        deserialize_u32 visit_u32 u32, unsigned;
        deserialize_u64 visit_u64 u64, unsigned;
        deserialize_u128 visit_u128 u128, unsigned;
        deserialize_i8 visit_i8 i8, signed;
        deserialize_i16 visit_i16 i16, signed;
        deserialize_i32 visit_i32 i32, signed;
        deserialize_i64 visit_i64 i64, signed;
        deserialize_i128 visit_i128 i128, signed;
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        let value = self.float()?;
        Parser::placed(start, visitor.visit_f32(value as f32))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        let value = self.float()?;
        Parser::placed(start, visitor.visit_f64(value))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_text(visitor, false)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_text(visitor, false)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_text(visitor, false)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.next_token()? {
            b'"' => self.visit_text(visitor, true),
            _ => self.deserialize_seq(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        if self.next_token()? == b'n' {
            self.word(b"null")?;
            Parser::placed(start, visitor.visit_none())
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        if self.next_token()? != b'n' {
            return Err(self.error(JsonProblem::WRONG_TYPE));
        }
        self.word(b"null")?;
        Parser::placed(start, visitor.visit_unit())
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.value_start();
        if self.next_token()? != b'[' {
            return Err(self.error(JsonProblem::WRONG_TYPE));
        }
        self.at += 1;
        self.deeper()?;
        let value =
            Parser::placed(start, visitor.visit_seq(Elements { parser: self, first: true }));
        self.depth -= 1;
        let value = value?;
        self.close(b']')?;
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.next_token()? != b'{' {
            return Err(self.error(JsonProblem::WRONG_TYPE));
        }
        self.at += 1;
        self.deeper()?;
        let result = visitor.visit_map(Entries { parser: &mut *self, first: true });
        self.depth -= 1;
        // A visitor's own error (a missing field) is placed where it stopped reading: the
        // closing brace, or the entry it refused.
        let at = self.at;
        let value = Parser::placed(at, result)?;
        self.close(b'}')?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // As serde_json: a struct is an object, or an array of its fields in order.
        match self.next_token()? {
            b'[' => self.deserialize_seq(visitor),
            _ => self.deserialize_map(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let start = self.value_start();
        match self.next_token()? {
            // A unit variant, by its name.
            b'"' => Parser::placed(start, visitor.visit_enum(UnitVariant { parser: self })),
            // `{"Variant": value}`.
            b'{' => {
                self.at += 1;
                self.deeper()?;
                let value = Parser::placed(start, visitor.visit_enum(Variant { parser: self }));
                self.depth -= 1;
                let value = value?;
                self.close(b'}')?;
                Ok(value)
            }
            _ => Err(self.error(JsonProblem::WRONG_TYPE)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_text(visitor, false)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_value()?;
        visitor.visit_unit()
    }
}

/// The elements of an array.
struct Elements<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        match self.parser.next_token()? {
            b']' => return Ok(None),
            b',' if !self.first => {
                self.parser.at += 1;
                // No trailing comma.
                if self.parser.next_token()? == b']' {
                    return Err(self.parser.error(JsonProblem::SYNTAX));
                }
            }
            _ if self.first => {}
            _ => return Err(self.parser.error(JsonProblem::SYNTAX)),
        }
        self.first = false;
        seed.deserialize(&mut *self.parser).map(Some)
    }
}

/// The entries of an object.
struct Entries<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Entries<'_, 'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.parser.next_token()? {
            b'}' => return Ok(None),
            b',' if !self.first => {
                self.parser.at += 1;
                if self.parser.next_token()? == b'}' {
                    return Err(self.parser.error(JsonProblem::SYNTAX));
                }
            }
            _ if self.first => {}
            _ => return Err(self.parser.error(JsonProblem::SYNTAX)),
        }
        self.first = false;
        if self.parser.next_token()? != b'"' {
            return Err(self.parser.error(JsonProblem::SYNTAX));
        }
        seed.deserialize(Key { parser: &mut *self.parser }).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.parser.expect(b':')?;
        seed.deserialize(&mut *self.parser)
    }
}

/// An object's key: a string, whatever the key's type asks (a number key is quoted in JSON).
struct Key<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
}

impl<'de> de::Deserializer<'de> for Key<'_, 'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.parser.visit_text(visitor, false)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// A unit variant named by a string.
struct UnitVariant<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
}

impl<'de> de::EnumAccess<'de> for UnitVariant<'_, 'de, '_> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(&mut *self.parser)?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_, 'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value> {
        Err(self.parser.error(JsonProblem::WRONG_TYPE))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(self.parser.error(JsonProblem::WRONG_TYPE))
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Result<V::Value> {
        Err(self.parser.error(JsonProblem::WRONG_TYPE))
    }
}

/// A variant in an object of one entry: `{"Variant": value}`.
struct Variant<'p, 'de, 'u> {
    parser: &'p mut Parser<'de, 'u>,
}

impl<'de> de::EnumAccess<'de> for Variant<'_, 'de, '_> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(&mut *self.parser)?;
        self.parser.expect(b':')?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(&mut *self.parser)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(&mut *self.parser)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(&mut *self.parser, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(&mut *self.parser, visitor)
    }
}
