//! Binary values written as text: hex and strict padded base64, decoded into a byte buffer.

use core::mem::MaybeUninit;

use crate::error::ParseError;

/// The value of one hex digit, either case, or `None`: what `char::from(byte).to_digit(16)`
/// answers (the unit tests compare the two), in less code: that one's general radix code does
/// not fold away entirely.
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
    let len = text.len() / 2;
    let Some(out) = out.get_mut(..len) else {
        return Err(ParseError::Capacity { capacity: out.len() });
    };
    // The pairs before the length: hex pasted with a space or a line break is named at that
    // byte, not taken for an odd length.
    decode_hex_pairs(out, text).map_err(|at| ParseError::NotHex { at })?;
    if !text.len().is_multiple_of(2) {
        return Err(ParseError::OddLength);
    }
    Ok(len)
}

/// Decodes the digit pairs of `text` into `out`, as many as both hold, or names the first
/// digit that is not a hex digit.
///
/// A digit at a time, the smallest of the decoders measured (CHANGELOG.md): a config value's
/// hex is a key or a certificate, a few KiB decoded once at boot, so flash counts more than
/// speed.
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// A decoder: `decode_hex` or `decode_base64`.
    type Decoder = fn(&mut [MaybeUninit<u8>], &[u8]) -> Result<usize, ParseError>;

    /// Decodes with `decode` into `N` bytes, and answers the bytes written.
    fn decoded<const N: usize>(decode: Decoder, text: &[u8]) -> Result<Vec<u8>, ParseError> {
        let mut out = [MaybeUninit::uninit(); N];
        let len = decode(&mut out, text)?;
        // SAFETY: the decoder initialized the first `len` bytes.
        Ok(out[..len].iter().map(|byte| unsafe { byte.assume_init() }).collect())
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
}
