//! The non-generic parsers every field type shares. Generic impls are one-line shims over
//! these, so ten integer or string fields of ten widths or capacities cost one parser each in
//! flash, not ten.

use core::mem::MaybeUninit;

use heapless::{string::StringView, vec::VecView};

use crate::error::ParseError;

// Every integer parser here answers the same for the same text: `Empty` for none, `NotDecimal`
// at the first byte that is not a digit wherever it is (past digits that already overflow
// too), otherwise `OutOfRange` for a number past the type's range.

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
    // Without a branch (two bytes less than a `match`): `+` and `-` are 0x2b and 0x2d, so less
    // 0x2b they are 0 and 2, and no other byte is.
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
    match first_invalid_utf8(text) {
        // SAFETY: `first_invalid_utf8` found every sequence well formed, exactly as
        // `core::str::from_utf8` would (the tests compare the two on every short sequence).
        None => Ok(unsafe { core::str::from_utf8_unchecked(text) }),
        Some(at) => Err(ParseError::NotUtf8 { at }),
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

/// The value of one hex digit, either case, or `None`: what `char::from(byte).to_digit(16)`
/// answers (the unit tests compare the two), in 16 bytes less flash on the MQTT schema
/// (`bench/run`), as that one's general radix code does not fold away entirely.
fn hex_digit(byte: u8) -> Option<u32> {
    let digit = u32::from(byte).wrapping_sub(u32::from(b'0'));
    if digit < 10 {
        return Some(digit);
    }
    // `A-F` folded onto `a-f`; nothing else lands in `a-f` by the fold.
    let letter = u32::from(byte | 0x20).wrapping_sub(u32::from(b'a'));
    if letter < 6 {
        Some(letter + 10)
    } else {
        None
    }
}

/// Decodes hex text (even length, either case, digits only) into `out`, returning the number of
/// bytes written: those bytes of `out` are initialized. `out` is left unspecified on error.
/// `out` may be uninitialized, so a value's storage need not be zeroed before it is decoded
/// into.
pub fn decode_hex(out: &mut [MaybeUninit<u8>], text: &[u8]) -> Result<usize, ParseError> {
    if !text.len().is_multiple_of(2) {
        return Err(ParseError::OddLength);
    }
    let len = text.len() / 2;
    let Some(out) = out.get_mut(..len) else {
        return Err(ParseError::Capacity { capacity: out.len() });
    };
    decode_hex_pairs(out, text).map_err(|at| ParseError::NotHex { at })?;
    Ok(len)
}

/// Decodes the digit pairs of `text` into `out`, as many as both hold, or names the first
/// digit that is not a hex digit.
///
/// A digit at a time: about 18 instructions a byte on a Cortex-M33, loop included. The hex
/// family's parser is 122 bytes of flash with it (`bench/run`, MQTT schema), about 86 more with
/// a four-digits-a-word decoder (15 instructions a byte), and a 256-byte table costs more than
/// either. A config value's hex is a key or a certificate, a
/// few KiB decoded once at boot: flash is what counts.
fn decode_hex_pairs(out: &mut [MaybeUninit<u8>], text: &[u8]) -> Result<(), usize> {
    let (pairs, _) = text.as_chunks::<2>();
    for (at, (&[high, low], byte)) in pairs.iter().zip(out).enumerate() {
        let high = hex_digit(high).ok_or(2 * at)?;
        let low = hex_digit(low).ok_or(2 * at + 1)?;
        // Both below 16: the byte they make.
        byte.write((high << 4 | low) as u8);
    }
    Ok(())
}

fn base64_digit(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes strict standard base64 with padding (RFC 4648 §4: length a multiple of four, `=`
/// only at the end, unused bits zero) into `out`, returning the number of bytes written: those
/// bytes of `out` are initialized. `out` is left unspecified on error.
pub fn decode_base64(out: &mut [MaybeUninit<u8>], text: &[u8]) -> Result<usize, ParseError> {
    if !text.len().is_multiple_of(4) {
        return Err(ParseError::NotBase64 { at: text.len() });
    }
    let padding = match text {
        [.., b'=', b'='] => 2,
        [.., b'='] => 1,
        _ => 0,
    };
    // Capacity is checked quad by quad, after each quad's characters, so that a bad
    // character is reported as such even in a value that would not fit.
    let mut written = 0;
    for (quad_index, quad) in text.chunks_exact(4).enumerate() {
        let base = quad_index * 4;
        let last = base + 4 == text.len();
        let mut acc: u32 = 0;
        let mut digits = 0;
        for (i, &byte) in quad.iter().enumerate() {
            if byte == b'=' && last && i >= 4 - padding {
                continue;
            }
            let value = base64_digit(byte).ok_or(ParseError::NotBase64 { at: base + i })?;
            acc |= u32::from(value) << (18 - 6 * i);
            digits += 1;
        }
        let bytes = acc.to_be_bytes();
        let produced = match digits {
            4 => 3,
            3 => 2,
            _ => 1,
        };
        // Unused low bits of a padded quad must be zero, or two texts would mean one value.
        let unused_mask: u32 = match produced {
            2 => 0xff,
            1 => 0xffff,
            _ => 0,
        };
        if acc & unused_mask != 0 {
            return Err(ParseError::NotBase64 { at: base + digits - 1 });
        }
        let chunk = bytes.get(1..1 + produced).unwrap_or(&[]);
        let Some(dest) = out.get_mut(written..written + produced) else {
            return Err(ParseError::Capacity { capacity: out.len() });
        };
        for (dest, &byte) in dest.iter_mut().zip(chunk) {
            dest.write(byte);
        }
        written += produced;
    }
    Ok(written)
}

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

    /// A decoder: `decode_hex` or `decode_base64`.
    type Decoder = fn(&mut [MaybeUninit<u8>], &[u8]) -> Result<usize, ParseError>;

    /// Decodes with `decode` into `N` bytes, and answers the bytes written.
    fn decoded<const N: usize>(decode: Decoder, text: &[u8]) -> Result<Vec<u8>, ParseError> {
        let mut out = [MaybeUninit::uninit(); N];
        let len = decode(&mut out, text)?;
        // SAFETY: the decoder initialized the first `len` bytes.
        Ok(out[..len].iter().map(|byte| unsafe { byte.assume_init() }).collect())
    }

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
    fn hex_rejects_garbage() {
        let mut out = [MaybeUninit::uninit(); 4];
        assert_eq!(decode_hex(&mut out, b"DEadBE"), Ok(3));
        assert_eq!(decoded::<4>(decode_hex, b"DEadBE").unwrap(), [0xde, 0xad, 0xbe]);
        assert_eq!(decode_hex(&mut out, b"abc"), Err(ParseError::OddLength));
        assert_eq!(decode_hex(&mut out, b"zz"), Err(ParseError::NotHex { at: 0 }));
        assert_eq!(decode_hex(&mut out, b"0g"), Err(ParseError::NotHex { at: 1 }));
        assert_eq!(decode_hex(&mut out, b"0011223344"), Err(ParseError::Capacity { capacity: 4 }));
        assert_eq!(decode_hex(&mut out, b""), Ok(0));
    }

    #[test]
    fn base64_is_strict() {
        let mut out = [MaybeUninit::uninit(); 8];
        assert_eq!(decode_base64(&mut out, b"aGVsbG8="), Ok(5));
        assert_eq!(decoded::<8>(decode_base64, b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64(&mut out, b"aGk="), Ok(2));
        assert_eq!(decode_base64(&mut out, b"aA=="), Ok(1));
        assert_eq!(decode_base64(&mut out, b""), Ok(0));
        assert_eq!(decode_base64(&mut out, b"aGVsbG8"), Err(ParseError::NotBase64 { at: 7 }));
        assert_eq!(decode_base64(&mut out, b"aB=="), Err(ParseError::NotBase64 { at: 1 }));
        assert_eq!(decode_base64(&mut out, b"a=Gk"), Err(ParseError::NotBase64 { at: 1 }));
        assert_eq!(decode_base64(&mut out, b"aGk*"), Err(ParseError::NotBase64 { at: 3 }));
        assert_eq!(
            decode_base64(&mut out, b"aGVsbG8gd29y"),
            Err(ParseError::Capacity { capacity: 8 })
        );
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

    /// Every pair of bytes decodes as `char::to_digit(16)` reads its two digits, or names the
    /// first that is not one.
    #[test]
    #[cfg_attr(miri, ignore = "65 536 pairs of safe arithmetic: run natively")]
    fn hex_pairs_decode_as_digits_do() {
        for high in 0..=255u8 {
            for low in 0..=255u8 {
                let digit = |byte: u8| char::from(byte).to_digit(16);
                let expected = match (digit(high), digit(low)) {
                    (Some(high), Some(low)) => Ok(std::vec![(high << 4 | low) as u8]),
                    (None, _) => Err(ParseError::NotHex { at: 0 }),
                    (Some(_), None) => Err(ParseError::NotHex { at: 1 }),
                };
                assert_eq!(decoded::<1>(decode_hex, &[high, low]), expected, "{high:x} {low:x}");
            }
        }
    }

    /// Every length up to 14 digits, decoded whole and with a bad digit at each place: the
    /// bytes in order, and the error positions across pairs.
    #[test]
    fn hex_decodes_every_length_and_names_every_bad_digit() {
        let digits = b"0123456789abcdefABCDEF0123456789";
        for len in (0..=14).map(|pairs| 2 * pairs) {
            let text = &digits[..len];
            let expected: Vec<u8> = text
                .chunks(2)
                .map(|pair| u8::from_str_radix(core::str::from_utf8(pair).unwrap(), 16).unwrap())
                .collect();
            assert_eq!(decoded::<16>(decode_hex, text).unwrap(), expected, "{len}");
            for bad_at in 0..len {
                for bad in [b'g', b'G', b'/', b':', b'@', b'`', 0xb0, 0] {
                    let mut text = text.to_vec();
                    text[bad_at] = bad;
                    assert_eq!(
                        decode_hex(&mut [MaybeUninit::uninit(); 16], &text),
                        Err(ParseError::NotHex { at: bad_at }),
                        "{text:x?}"
                    );
                }
            }
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
        assert_eq!(decimal_width(i8::MIN as i128, i8::MAX as u128), 4);
        assert_eq!(decimal_width(0, u64::MAX as u128), 20);
        assert_eq!(decimal_width(i64::MIN as i128, i64::MAX as u128), 20);
        assert_eq!(decimal_width(i128::MIN, i128::MAX as u128), 40);
        assert_eq!(decimal_width(0, u128::MAX), 39);
    }
}
