//! Reference parsers: what each value type must make of a text, written from the rules in the
//! crate's documentation with the standard library's own parsers (`str::parse`,
//! `str::from_utf8`, `char::to_digit`) plus the strictness rules stated next to each, never
//! from the crate's parser code.
//!
//! Errors are exact, including positions: an error names the first offending byte scanning
//! from the left, with two documented orderings: hex checks its length (odd, then capacity)
//! before its digits, and base64 reports a bad character unless the quads before it already
//! decoded to more than the capacity. An integer names a byte that is not a digit wherever it
//! is, past digits that already overflow too; only text of digits alone can be out of range.

use microvisor_config::ParseError;

/// Strict unsigned decimal: ASCII digits only (no sign, no space, leading zeros allowed), at
/// most `max`. A byte that is not a digit is named wherever it is, however many digits come
/// before it; otherwise a number above `max` is out of range.
pub fn unsigned(text: &[u8], max: u128) -> Result<u128, ParseError> {
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let end = text.iter().position(|b| !b.is_ascii_digit()).unwrap_or(text.len());
    if end < text.len() {
        return Err(ParseError::NotDecimal { at: end });
    }
    // All digits: the standard parser reads the value (leading zeros allowed), or overflows.
    match std::str::from_utf8(text).unwrap().parse::<u128>() {
        Ok(value) if value <= max => Ok(value),
        _ => Err(ParseError::OutOfRange),
    }
}

/// Strict signed decimal: an optional `+` or `-`, then as [`unsigned`]; within `min..=max`.
pub fn signed(text: &[u8], min: i128, max: i128) -> Result<i128, ParseError> {
    let (negative, digits, offset) = match text.first() {
        Some(b'-') => (true, &text[1..], 1),
        Some(b'+') => (false, &text[1..], 1),
        _ => (false, text, 0),
    };
    if offset == 1 && digits.is_empty() {
        return Err(ParseError::NotDecimal { at: 1 });
    }
    let magnitude = unsigned(digits, u128::MAX).map_err(|e| match e {
        ParseError::NotDecimal { at } => ParseError::NotDecimal { at: at + offset },
        other => other,
    })?;
    let limit = if negative { min.unsigned_abs() } else { max.unsigned_abs() };
    if (negative && min >= 0 && magnitude != 0) || magnitude > limit {
        return Err(ParseError::OutOfRange);
    }
    // `magnitude <= 2^127` here, and `as` maps 2^127 to i128::MIN, whose negation is itself.
    let value = if negative { (magnitude as i128).wrapping_neg() } else { magnitude as i128 };
    Ok(value)
}

/// Exactly `true` or `false`.
pub fn boolean(text: &[u8]) -> Result<bool, ParseError> {
    match text {
        b"true" => Ok(true),
        b"false" => Ok(false),
        b"" => Err(ParseError::Empty),
        _ => Err(ParseError::NotBool),
    }
}

/// A finite decimal number: only digits, signs, `.`, `e`, `E` (so no `inf`, `nan`, space),
/// then the standard parser of the type, then finiteness. Returns the value's bits as `f64`.
pub fn float<F>(text: &[u8]) -> Result<F, ParseError>
where
    F: std::str::FromStr + Copy + Into<f64>,
{
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    if !text.iter().all(|b| b.is_ascii_digit() || b"+-.eE".contains(b)) {
        return Err(ParseError::NotFloat);
    }
    let value: F = std::str::from_utf8(text)
        .map_err(|_| ParseError::NotFloat)?
        .parse()
        .map_err(|_| ParseError::NotFloat)?;
    if value.into().is_finite() {
        Ok(value)
    } else {
        Err(ParseError::NotFloat)
    }
}

/// UTF-8 text of at most `capacity` bytes; UTF-8 is checked first.
pub fn string(text: &[u8], capacity: usize) -> Result<String, ParseError> {
    let text =
        std::str::from_utf8(text).map_err(|e| ParseError::NotUtf8 { at: e.valid_up_to() })?;
    if text.len() > capacity {
        return Err(ParseError::Capacity { capacity });
    }
    Ok(text.to_owned())
}

/// Raw bytes, at most `capacity`.
pub fn bytes(text: &[u8], capacity: usize) -> Result<Vec<u8>, ParseError> {
    if text.len() > capacity {
        return Err(ParseError::Capacity { capacity });
    }
    Ok(text.to_vec())
}

/// Hex: the capacity first, then the first byte of the digit pairs that is no hex digit of
/// either case (`char::to_digit(16)`: so no sign, unlike `u8::from_str_radix`), then an odd
/// length (whatever its last byte).
pub fn hex(text: &[u8], capacity: usize) -> Result<Vec<u8>, ParseError> {
    if text.len() / 2 > capacity {
        return Err(ParseError::Capacity { capacity });
    }
    let digit = |b: u8| char::from(b).to_digit(16);
    let pairs = &text[..text.len() / 2 * 2];
    if let Some(at) = pairs.iter().position(|&b| digit(b).is_none()) {
        return Err(ParseError::NotHex { at });
    }
    if !text.len().is_multiple_of(2) {
        return Err(ParseError::OddLength);
    }
    Ok(text
        .chunks(2)
        .map(|pair| (digit(pair[0]).unwrap() * 16 + digit(pair[1]).unwrap()) as u8)
        .collect())
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Strict padded base64 (RFC 4648 §4): a length that is a multiple of four (else the error is
/// at the end), at most two `=` and only at the very end, unused bits of the last digit zero
/// (else the error is at that digit), then the capacity. A bad character is reported as such
/// unless the quads before its own already decoded to more than `capacity` bytes.
pub fn base64(text: &[u8], capacity: usize) -> Result<Vec<u8>, ParseError> {
    if !text.len().is_multiple_of(4) {
        return Err(ParseError::NotBase64 { at: text.len() });
    }
    let padding = text.iter().rev().take_while(|&&b| b == b'=').count().min(2);
    let body = &text[..text.len() - padding];
    let mut bad = None;
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for (at, &byte) in body.iter().enumerate() {
        let Some(value) = BASE64.iter().position(|&c| c == byte) else {
            bad = Some(at);
            break;
        };
        acc = (acc << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bad.is_none() && acc != 0 {
        bad = Some(body.len() - 1);
    }
    if let Some(at) = bad {
        if 3 * (at / 4) > capacity {
            return Err(ParseError::Capacity { capacity });
        }
        return Err(ParseError::NotBase64 { at });
    }
    if out.len() > capacity {
        return Err(ParseError::Capacity { capacity });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(unsigned(b"0065535", 65535), Ok(65535));
        assert_eq!(unsigned(b"65536", 65535), Err(ParseError::OutOfRange));
        assert_eq!(unsigned(b"88x3", 65535), Err(ParseError::NotDecimal { at: 2 }));
        assert_eq!(unsigned(b"+1", 65535), Err(ParseError::NotDecimal { at: 0 }));
        let long = b"99999999999999999999x";
        assert_eq!(unsigned(long, 255), Err(ParseError::NotDecimal { at: 20 }));
        assert_eq!(unsigned(&long[..20], 255), Err(ParseError::OutOfRange));
        assert_eq!(signed(b"-128", -128, 127), Ok(-128));
        assert_eq!(signed(b"-", -128, 127), Err(ParseError::NotDecimal { at: 1 }));
        assert_eq!(signed(b"1-", -128, 127), Err(ParseError::NotDecimal { at: 1 }));
        assert_eq!(
            signed(b"-170141183460469231731687303715884105728", i128::MIN, i128::MAX),
            Ok(i128::MIN)
        );
    }

    #[test]
    fn base64_rules() {
        assert_eq!(base64(b"aGVsbG8=", 8), Ok(b"hello".to_vec()));
        assert_eq!(base64(b"aB==", 8), Err(ParseError::NotBase64 { at: 1 }));
        assert_eq!(base64(b"a=Gk", 8), Err(ParseError::NotBase64 { at: 1 }));
        assert_eq!(base64(b"a===", 8), Err(ParseError::NotBase64 { at: 1 }));
        assert_eq!(base64(b"aGVsbG8gd29y", 8), Err(ParseError::Capacity { capacity: 8 }));
        assert_eq!(base64(b"aGVsbG8gd2*y", 8), Err(ParseError::NotBase64 { at: 10 }));
        assert_eq!(base64(b"aGVsbG8gd29yaG*s", 3), Err(ParseError::Capacity { capacity: 3 }));
        assert_eq!(hex(b"+f", 1), Err(ParseError::NotHex { at: 0 }));
    }
}
