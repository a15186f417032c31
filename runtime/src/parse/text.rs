//! Text values: exact booleans, UTF-8, finite floats, and text or bytes copied into a
//! `heapless` string or vector.

use heapless::{string::StringView, vec::VecView};

use crate::error::ParseError;

/// Parses exactly `true` or `false`.
pub fn parse_bool(text: &[u8]) -> Result<bool, ParseError> {
    // Compared a word at a time: a byte-by-byte match of both words is four times the code.
    let word = |bytes: &[u8]| bytes.first_chunk::<4>().map(|w| u32::from_le_bytes(*w));
    let (head, tail) = (word(text), text.get(4..));
    if head == Some(u32::from_le_bytes(*b"true")) && tail == Some(b"") {
        Ok(true)
    } else if head == Some(u32::from_le_bytes(*b"fals")) && tail == Some(b"e") {
        Ok(false)
    } else if text.is_empty() {
        Err(ParseError::Empty)
    } else {
        Err(ParseError::NotBool)
    }
}

/// Checks that `text` is UTF-8 and returns it as `str`.
pub fn utf8(text: &[u8]) -> Result<&str, ParseError> {
    as_str(text).map_err(|at| ParseError::NotUtf8 { at })
}

/// `text` as `str`, or where its first sequence that is not UTF-8 starts: `core::str::from_utf8`
/// with the crate's own, smaller check.
pub fn as_str(text: &[u8]) -> Result<&str, usize> {
    match first_invalid_utf8(text) {
        // SAFETY: `first_invalid_utf8` found every sequence well formed, exactly as
        // `core::str::from_utf8` would (the tests compare the two on every short sequence).
        None => Ok(unsafe { core::str::from_utf8_unchecked(text) }),
        Some(at) => Err(at),
    }
}

/// Where the first sequence that is not well-formed UTF-8 starts (`Utf8Error::valid_up_to`),
/// or `None`. The same rules as `core::str::from_utf8` (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF) in a fraction of its flash: core's is tuned for speed
/// on long text with a 256-byte table, and a config value is short. Each byte of a sequence is
/// checked against a range (Unicode's table of well-formed byte sequences), not decoded: fewer
/// bytes of code than decoding the code point and checking it.
pub fn first_invalid_utf8(text: &[u8]) -> Option<usize> {
    let mut at = ascii_prefix_len(text);
    while let Some(&lead) = text.get(at) {
        let start = at;
        at += 1;
        if lead < 0x80 {
            continue;
        }
        // C0 and C1 lead only overlong forms; F5 and above points past U+10FFFF.
        let lead = u32::from(lead);
        if lead.wrapping_sub(0xc2) > 0xf4 - 0xc2 {
            return Some(start);
        }
        // C2..DF, E0..EF and F0..F4 lead one, two and three continuation bytes.
        let more = 1 + usize::from(lead >= 0xe0) + usize::from(lead >= 0xf0);
        // The range `low..=high` of the byte after the lead: 80..BF but for four leads, where it
        // rules out overlong forms (E0: A0..BF, F0: 90..BF), surrogates (ED: 80..9F) and points
        // past U+10FFFF (F4: 80..8F). Every later byte is 80..BF. Sums of flags, not a `match`:
        // conditional moves in a straight line, where a `match` compiles to a tree of branches.
        let mut low = 0x80 + 0x20 * u32::from(lead == 0xe0) + 0x10 * u32::from(lead == 0xf0);
        let mut high = 0xbf - 0x20 * u32::from(lead == 0xed) - 0x30 * u32::from(lead == 0xf4);
        for _ in 0..more {
            match text.get(at) {
                Some(&next) if (low..=high).contains(&u32::from(next)) => {}
                _ => return Some(start),
            }
            (low, high) = (0x80, 0xbf);
            at += 1;
        }
    }
    None
}

/// How many bytes `text` starts with that are ASCII, counted four at a time (most config text
/// is ASCII through and through); at most 3 short of the true count.
fn ascii_prefix_len(text: &[u8]) -> usize {
    let (words, _) = text.as_chunks::<4>();
    let mut at = 0;
    for &word in words {
        if u32::from_ne_bytes(word) & 0x8080_8080 != 0 {
            break;
        }
        at += 4;
    }
    at
}

/// The text of a decimal number, for core's float parser. That parser also takes "inf",
/// "infinity" and "nan"; a setting never means those, so only digits, a sign, a point and an
/// exponent are let through to it.
fn float_text(text: &[u8]) -> Result<&str, ParseError> {
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    if !text.iter().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')) {
        return Err(ParseError::NotFloat);
    }
    utf8(text)
}

/// Parses a finite decimal number. Rejects `inf`, `NaN` and anything with spaces.
pub fn parse_f64(text: &[u8]) -> Result<f64, ParseError> {
    let value: f64 = float_text(text)?.parse().map_err(|_| ParseError::NotFloat)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ParseError::NotFloat)
    }
}

/// Parses a finite decimal number into an `f32` (rounded once, from the text).
pub fn parse_f32(text: &[u8]) -> Result<f32, ParseError> {
    let value: f32 = float_text(text)?.parse().map_err(|_| ParseError::NotFloat)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ParseError::NotFloat)
    }
}

/// Replaces the contents of `out` with the UTF-8 text `text`.
pub fn parse_string_into(out: &mut StringView, text: &[u8]) -> Result<(), ParseError> {
    out.clear();
    out.push_str(utf8(text)?).map_err(|_| ParseError::Capacity { capacity: out.capacity() })
}

/// Replaces the contents of `out` with the raw bytes `text`.
pub fn parse_bytes_into(out: &mut VecView<u8>, text: &[u8]) -> Result<(), ParseError> {
    out.clear();
    out.extend_from_slice(text).map_err(|_| ParseError::Capacity { capacity: out.capacity() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// Exactly `true` or `false`: a word that only starts as one is neither, at any length
    /// (a fetch never hands this parser more than bool's five bytes; `ConfigValue::parse` may).
    #[test]
    fn bool_is_the_whole_word() {
        assert_eq!(parse_bool(b"true"), Ok(true));
        assert_eq!(parse_bool(b"false"), Ok(false));
        assert_eq!(parse_bool(b""), Err(ParseError::Empty));
        for bad in [&b"t"[..], b"tru", b"trues", b"true\0", b"fals", b"falsy", b"falsey", b"false!"]
        {
            assert_eq!(parse_bool(bad), Err(ParseError::NotBool), "{bad:?}");
        }
    }

    #[test]
    fn floats_are_finite_decimals() {
        assert_eq!(parse_f64(b"1.5e3"), Ok(1500.0));
        assert_eq!(parse_f32(b"-0.25"), Ok(-0.25));
        assert_eq!(parse_f64(b"inf"), Err(ParseError::NotFloat));
        assert_eq!(parse_f64(b"NaN"), Err(ParseError::NotFloat));
        assert_eq!(parse_f64(b"1e999"), Err(ParseError::NotFloat));
        assert_eq!(parse_f64(b"1.2.3"), Err(ParseError::NotFloat));
        assert_eq!(parse_f64(b" 1"), Err(ParseError::NotFloat));
        assert_eq!(parse_f64(b""), Err(ParseError::Empty));
    }

    /// The validator agrees with core's on every sequence of up to three bytes, and on every
    /// four-byte sequence whose bytes are each on an edge of a range the rules care about.
    #[test]
    #[cfg_attr(miri, ignore = "16 million cases: run natively")]
    fn utf8_agrees_with_core() {
        let expected = |bytes: &[u8]| core::str::from_utf8(bytes).err().map(|e| e.valid_up_to());
        for a in 0..=255u8 {
            assert_eq!(first_invalid_utf8(&[a]), expected(&[a]));
            for b in 0..=255u8 {
                assert_eq!(first_invalid_utf8(&[a, b]), expected(&[a, b]), "{a:x} {b:x}");
                for c in 0..=255u8 {
                    let bytes = [a, b, c];
                    assert_eq!(first_invalid_utf8(&bytes), expected(&bytes), "{bytes:x?}");
                }
            }
        }
        let edges = [
            0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
            0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff,
        ];
        for a in edges {
            for b in edges {
                for c in edges {
                    for d in edges {
                        let bytes = [a, b, c, d, b'x', a, b];
                        assert_eq!(first_invalid_utf8(&bytes), expected(&bytes), "{bytes:x?}");
                    }
                }
            }
        }
        assert_eq!(utf8("caf\u{e9} \u{1f600}".as_bytes()), Ok("caf\u{e9} \u{1f600}"));
    }

    /// Text longer than the four-byte ASCII stride, with a non-ASCII sequence (valid or not)
    /// at every position: the stride must stop at the right word and hand over to the checks.
    #[test]
    fn utf8_agrees_with_core_past_the_ascii_stride() {
        let sequences: [&[u8]; 9] = [
            "\u{e9}".as_bytes(),
            "\u{20ac}".as_bytes(),
            "\u{1f600}".as_bytes(),
            b"\x80",
            b"\xc3",
            b"\xe2\x82",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\xff",
        ];
        for sequence in sequences {
            for at in 0..24 {
                let mut text = std::vec![b'a'; 24];
                text.splice(at..at, sequence.iter().copied());
                let expected = core::str::from_utf8(&text).err().map(|e| e.valid_up_to());
                assert_eq!(first_invalid_utf8(&text), expected, "{sequence:x?} at {at}");
            }
        }
    }
}
