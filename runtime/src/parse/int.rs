//! Strict decimal integers. The fetch loop's families use the 32-bit parser
//! ([`narrow_digits`]); wider types use the 64- and 128-bit ones.
//!
//! Every parser answers the same for the same text: `Empty` for none, `NotDecimal` at the
//! first byte that is not a digit wherever it is (past digits that already overflow too),
//! otherwise `OutOfRange` for a number past the type's range.

use crate::error::ParseError;

/// Parses strict unsigned decimal text (digits only, no sign, no spaces) no greater than `max`.
pub fn parse_unsigned(text: &[u8], max: u64) -> Result<u64, ParseError> {
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    for (at, &byte) in text.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return Err(ParseError::NotDecimal { at });
        }
        match value.checked_mul(10).and_then(|v| v.checked_add(u64::from(digit))) {
            Some(next) => value = next,
            None => overflow = true,
        }
    }
    if overflow || value > max {
        return Err(ParseError::OutOfRange);
    }
    Ok(value)
}

/// Parses strict decimal text into an integer of `8 << log2_width` bits, at most 32: signed
/// (an optional `-` or `+`, then digits) or unsigned (digits only). The answer of
/// [`parse_signed`] or [`parse_unsigned`] for that type, without their 64-bit range arithmetic:
/// the digits add up in 32 bits, and the value comes back as its 32-bit two's complement bits,
/// which the caller truncates to the width.
pub fn parse_narrow(text: &[u8], signed: bool, log2_width: u8) -> Result<u32, ParseError> {
    let (negative, from) = if signed { sign_of(text) } else { (false, 0) };
    narrow_digits(text, from, negative, signed, log2_width)
}

/// The sign of a signed integer's text: whether it is `-`, and how many bytes it takes, 1 for
/// a `-` or `+`, else 0.
pub fn sign_of(text: &[u8]) -> (bool, usize) {
    // Without a branch: `+` and `-` are 0x2b and 0x2d, so less 0x2b they are 0 and 2, and no
    // other byte is.
    let first = text.first().copied().unwrap_or(0);
    let has_sign = first.wrapping_sub(b'+') & !2 == 0;
    (first == b'-', usize::from(has_sign))
}

/// [`parse_narrow`] past the sign: the digits of `text` from `from` on (`from` is 0, or 1 past
/// a sign that [`sign_of`] found, `negative` its answer), errors placed in the whole `text`.
/// Kept apart from the sign so that the fetch loop's unsigned parser, which has no sign, is
/// this alone, and the signed one the sign and a call of this.
#[inline]
pub fn narrow_digits(
    text: &[u8],
    from: usize,
    negative: bool,
    signed: bool,
    log2_width: u8,
) -> Result<u32, ParseError> {
    let digits = text.get(from..).unwrap_or_default();
    if digits.is_empty() {
        // No text at all is empty; a sign alone is not a number, wanting a digit after it.
        return Err(if from == 0 {
            ParseError::Empty
        } else {
            ParseError::NotDecimal { at: from }
        });
    }
    // The bits of a `u32` above the type's: `32 - (8 << log2_width)`, that is 24, 16 or 0 for
    // 1, 2 or 4 bytes, and 0 for any wider `log2_width` too (parsed as 32 bits), with no shift
    // that could overflow: the parser cannot panic. (The callers' widths are below 4, which
    // lets the optimiser drop the check for 32 and more.)
    let unused_bits = (!7u32).checked_shl(u32::from(log2_width)).unwrap_or(0) & 24;
    // A sign only counts for a signed type (the callers never say otherwise; this makes sure
    // the bound below cannot overflow).
    let negative = negative && signed;
    // The magnitude's bound on its side of zero: the type's maximum (all its bits ones, one
    // fewer for a sign), one more below zero. One expression, no branch on the sign.
    let bound = (u32::MAX >> (unused_bits + u32::from(signed))) + u32::from(negative);
    // The digits add up in 32 bits; what each step carries past them is or-ed into `carried`,
    // which stays non-zero once the value has left 32 bits, whatever digits follow. A step is
    // one multiply-accumulate into a register pair on a Cortex-M33, not 64-bit arithmetic.
    let (mut value, mut carried) = (0u32, 0u32);
    for (at, &byte) in digits.iter().enumerate() {
        // In `u32`: a `u8` digit would be masked back to 8 bits at every step.
        let digit = u32::from(byte).wrapping_sub(u32::from(b'0'));
        if digit > 9 {
            return Err(ParseError::NotDecimal { at: from + at });
        }
        let step = u64::from(value) * 10 + u64::from(digit);
        value = step as u32;
        carried |= (step >> 32) as u32;
    }
    if carried != 0 || value > bound {
        return Err(ParseError::OutOfRange);
    }
    Ok(if negative { value.wrapping_neg() } else { value })
}

/// Splits an optional `-` or `+` ([`sign_of`]) from the digits: whether it is `-`, where the
/// digits start, and the digits. A sign alone is not a number.
fn split_sign(text: &[u8]) -> Result<(bool, usize, &[u8]), ParseError> {
    let (negative, from) = sign_of(text);
    if from != 0 && text.len() == from {
        return Err(ParseError::NotDecimal { at: from });
    }
    Ok((negative, from, text.get(from..).unwrap_or_default()))
}

/// Moves a digit parser's error position past the sign (`from` bytes), to count in the whole
/// value.
fn after_sign(error: ParseError, from: usize) -> ParseError {
    match error {
        ParseError::NotDecimal { at } => ParseError::NotDecimal { at: at + from },
        other => other,
    }
}

/// Parses strict signed decimal text (an optional `-` or `+`, then digits) within `min..=max`.
pub fn parse_signed(text: &[u8], min: i64, max: i64) -> Result<i64, ParseError> {
    let (negative, from, digits) = split_sign(text)?;
    // The magnitude is bounded by the range on its side of zero (for i64::MIN one more than
    // i64::MAX).
    let bound = if negative { min.unsigned_abs() } else { max.max(0).unsigned_abs() };
    let magnitude = parse_unsigned(digits, bound).map_err(|e| after_sign(e, from))?;
    let value =
        if negative { 0i64.checked_sub_unsigned(magnitude) } else { i64::try_from(magnitude).ok() }
            .ok_or(ParseError::OutOfRange)?;
    if value < min || value > max {
        return Err(ParseError::OutOfRange);
    }
    Ok(value)
}

/// Parses strict unsigned decimal text into a `u128`.
pub fn parse_u128(text: &[u8]) -> Result<u128, ParseError> {
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let mut value: u128 = 0;
    let mut overflow = false;
    for (at, &byte) in text.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return Err(ParseError::NotDecimal { at });
        }
        match value.checked_mul(10).and_then(|v| v.checked_add(u128::from(digit))) {
            Some(next) => value = next,
            None => overflow = true,
        }
    }
    if overflow {
        return Err(ParseError::OutOfRange);
    }
    Ok(value)
}

/// Parses strict signed decimal text into an `i128`.
pub fn parse_i128(text: &[u8]) -> Result<i128, ParseError> {
    let (negative, from, digits) = split_sign(text)?;
    let magnitude = parse_u128(digits).map_err(|e| after_sign(e, from))?;
    if negative { 0i128.checked_sub_unsigned(magnitude) } else { i128::try_from(magnitude).ok() }
        .ok_or(ParseError::OutOfRange)
}

/// The longest text an integer field reads: at least [`TEXT_MIN`] bytes, more for a type whose
/// decimal width is larger.
pub const fn text_bound(min: i128, max: u128) -> usize {
    let width = decimal_width(min, max);
    if width > TEXT_MIN {
        width
    } else {
        TEXT_MIN
    }
}

/// The shortest bound of an integer's text: room past the decimal width, so that a value that
/// is not decimal (`0x22B3` for a port) is named at its stray byte rather than cut as too long,
/// and a few leading zeros are taken.
pub const TEXT_MIN: usize = 24;

/// The number of decimal digits (and sign) of the longest text of an integer range.
pub const fn decimal_width(min: i128, max: u128) -> usize {
    let mut width = 1;
    let mut rest = max / 10;
    while rest > 0 {
        width += 1;
        rest /= 10;
    }
    if min < 0 {
        let mut neg_width = 2; // sign and first digit
        let mut rest = min.unsigned_abs() / 10;
        while rest > 0 {
            neg_width += 1;
            rest /= 10;
        }
        if neg_width > width {
            width = neg_width;
        }
    }
    width
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn unsigned_is_strict() {
        assert_eq!(parse_unsigned(b"8883", 65535), Ok(8883));
        assert_eq!(parse_unsigned(b"0065535", 65535), Ok(65535));
        assert_eq!(parse_unsigned(b"65536", 65535), Err(ParseError::OutOfRange));
        assert_eq!(parse_unsigned(b"70000", 65535), Err(ParseError::OutOfRange));
        assert_eq!(parse_unsigned(b"88x3", 65535), Err(ParseError::NotDecimal { at: 2 }));
        assert_eq!(parse_unsigned(b" 1", 65535), Err(ParseError::NotDecimal { at: 0 }));
        assert_eq!(parse_unsigned(b"+1", 65535), Err(ParseError::NotDecimal { at: 0 }));
        assert_eq!(parse_unsigned(b"", 65535), Err(ParseError::Empty));
        assert_eq!(parse_unsigned(b"18446744073709551616", u64::MAX), Err(ParseError::OutOfRange));
        assert_eq!(parse_unsigned(b"18446744073709551615", u64::MAX), Ok(u64::MAX));
    }

    #[test]
    fn signed_is_strict() {
        assert_eq!(parse_signed(b"-128", -128, 127), Ok(-128));
        assert_eq!(parse_signed(b"+127", -128, 127), Ok(127));
        assert_eq!(parse_signed(b"-129", -128, 127), Err(ParseError::OutOfRange));
        assert_eq!(parse_signed(b"-", -128, 127), Err(ParseError::NotDecimal { at: 1 }));
        assert_eq!(parse_signed(b"--1", -128, 127), Err(ParseError::NotDecimal { at: 1 }));
        assert_eq!(parse_signed(b"1-", -128, 127), Err(ParseError::NotDecimal { at: 1 }));
        assert_eq!(parse_signed(b"-9223372036854775808", i64::MIN, i64::MAX), Ok(i64::MIN));
        assert_eq!(
            parse_signed(b"9223372036854775808", i64::MIN, i64::MAX),
            Err(ParseError::OutOfRange)
        );
        assert_eq!(parse_i128(b"-170141183460469231731687303715884105728"), Ok(i128::MIN));
        assert_eq!(
            parse_i128(b"170141183460469231731687303715884105728"),
            Err(ParseError::OutOfRange)
        );
    }

    /// A sign is a `-` or a `+` and nothing else, whatever the first byte; no text, no sign.
    #[test]
    fn only_a_minus_or_a_plus_is_a_sign() {
        assert_eq!(sign_of(b""), (false, 0));
        for first in 0..=255u8 {
            let expected = match first {
                b'-' => (true, 1),
                b'+' => (false, 1),
                _ => (false, 0),
            };
            assert_eq!(sign_of(&[first, b'1']), expected, "{first:#x}");
        }
    }

    /// The 64-bit parsers at the bounds of narrow types: a stray byte past an overflow of 32
    /// bits is still named, and each bound is exact on both sides of zero.
    #[test]
    fn narrow_integers_parse_as_wide_ones_do() {
        assert_eq!(parse_unsigned(b"99999999999x", 65535), Err(ParseError::NotDecimal { at: 11 }));
        assert_eq!(parse_unsigned(b"99999999999", 65535), Err(ParseError::OutOfRange));
        assert_eq!(parse_unsigned(b"4294967295", u64::from(u32::MAX)), Ok(u64::from(u32::MAX)));
        assert_eq!(parse_unsigned(b"4294967296", u64::from(u32::MAX)), Err(ParseError::OutOfRange));
        assert_eq!(parse_unsigned(b"4294967296", u64::MAX), Ok(4_294_967_296));
        assert_eq!(
            parse_signed(b"-99999999999x", -32768, 32767),
            Err(ParseError::NotDecimal { at: 12 })
        );
        assert_eq!(parse_signed(b"-32768", -32768, 32767), Ok(-32768));
        assert_eq!(parse_signed(b"-32769", -32768, 32767), Err(ParseError::OutOfRange));
        assert_eq!(parse_signed(b"32768", -32768, 32767), Err(ParseError::OutOfRange));
        assert_eq!(parse_signed(b"-0", 0, 10), Ok(0));
        assert_eq!(parse_signed(b"-2", 3, 10), Err(ParseError::OutOfRange));
        assert_eq!(
            parse_signed(b"-2147483648", i64::from(i32::MIN), i64::from(i32::MAX)),
            Ok(-2_147_483_648)
        );
    }

    /// The 32-bit parse of every integer type up to 32 bits answers as the 64-bit parsers do
    /// for the type's range, on every short text over digits, signs and a stray byte, and on
    /// long ones around the overflow of 32 and 64 bits.
    #[test]
    #[cfg_attr(miri, ignore = "60 000 texts of integer arithmetic: run natively")]
    fn narrow_parse_agrees_with_the_wide_parsers() {
        let alphabet = [b'0', b'1', b'5', b'9', b'-', b'+', b'x'];
        let mut texts: Vec<Vec<u8>> = std::vec![Vec::new()];
        let mut previous = texts.clone();
        for _ in 0..5 {
            let next: Vec<Vec<u8>> = previous
                .iter()
                .flat_map(|text| {
                    alphabet.iter().map(move |&byte| [text.as_slice(), &[byte]].concat())
                })
                .collect();
            texts.extend(next.iter().cloned());
            previous = next;
        }
        for digits in [9, 10, 11, 19, 20, 21, 25] {
            for lead in [b"1".as_slice(), b"4294967295", b"-", b"-2147483648", b"9"] {
                let mut text = [lead, &std::vec![b'9'; digits]].concat();
                texts.push(text.clone());
                text.push(b'x');
                texts.push(text);
            }
        }
        for text in &texts {
            for log2_width in 0..3u8 {
                let bits = 8u32 << log2_width;
                let max = u64::MAX >> (64 - bits);
                let unsigned = parse_narrow(text, false, log2_width).map(u64::from);
                assert_eq!(unsigned, parse_unsigned(text, max), "{text:?} u{bits}");
                let (min, max) = (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1);
                let signed = parse_narrow(text, true, log2_width)
                    .map(|value| i64::from(value as i32) << (32 - bits) >> (32 - bits));
                assert_eq!(signed, parse_signed(text, min, max), "{text:?} i{bits}");
            }
        }
    }

    /// A byte that is not a digit is named wherever it is, past an overflow too.
    #[test]
    fn a_stray_byte_is_named_past_an_overflow() {
        let long = b"99999999999999999999999x";
        assert_eq!(parse_unsigned(long, u64::MAX), Err(ParseError::NotDecimal { at: 23 }));
        assert_eq!(parse_narrow(long, false, 2), Err(ParseError::NotDecimal { at: 23 }));
        assert_eq!(
            parse_signed(b"-99999999999999999999x", i64::MIN, i64::MAX),
            Err(ParseError::NotDecimal { at: 21 })
        );
        let long_128 = [&[b'9'; 40][..], b"x"].concat();
        assert_eq!(parse_u128(&long_128), Err(ParseError::NotDecimal { at: 40 }));
        assert_eq!(parse_u128(&[b'9'; 40]), Err(ParseError::OutOfRange));
    }

    #[test]
    fn widths() {
        assert_eq!(decimal_width(0, u8::MAX as u128), 3);
        // No sign for a range without negatives, even one of a single digit.
        assert_eq!(decimal_width(0, 9), 1);
        assert_eq!(decimal_width(-9, 9), 2);
        assert_eq!(decimal_width(i8::MIN as i128, i8::MAX as u128), 4);
        assert_eq!(decimal_width(0, u64::MAX as u128), 20);
        assert_eq!(decimal_width(i64::MIN as i128, i64::MAX as u128), 20);
        assert_eq!(decimal_width(i128::MIN, i128::MAX as u128), 40);
        assert_eq!(decimal_width(0, u128::MAX), 39);
        assert_eq!(text_bound(0, u16::MAX as u128), TEXT_MIN);
        assert_eq!(text_bound(i64::MIN as i128, i64::MAX as u128), TEXT_MIN);
        assert_eq!(text_bound(i128::MIN, i128::MAX as u128), 40);
    }
}
