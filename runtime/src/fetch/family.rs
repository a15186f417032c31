//! The parsers of the built-in families: one per family (text, bytes, hex, bool, unsigned,
//! signed), whatever the capacity or width, so ten fields of ten types cost one parser each.
//!
//! Each parser is handed the place of a value of the row's kind, which holds no value, and a
//! text of at most that type's `MAX_LEN` (the read refuses a longer one): it writes without
//! checking the length again. None is inlined: a call is smaller than a copy.

use core::mem::{size_of, MaybeUninit};

use crate::error::ParseError;
use crate::fetch::kind::{code, FieldRow};
use crate::fetch::ops::{FieldOps, ParseFn, TABLE_MISMATCH};
use crate::parse::{binary, int, text};

/// The family of built-in kind `kind`: the code of the parser that fills it (`U8` for every
/// unsigned integer, `I8` for every signed one).
pub(crate) const fn family(kind: u8) -> u8 {
    match kind & code::PAYLOAD {
        code::U8..=code::U32 => code::U8,
        code::I8..=code::I32 => code::I8,
        other => other,
    }
}

/// The parser of built-in kind `kind`: its family's.
pub(crate) const fn family_parser(kind: u8) -> ParseFn {
    builtin_ops(family(kind)).parse
}

/// The ops of a family of built-in kinds: its parser, and no default, drop or check.
pub(crate) const fn builtin_ops(family: u8) -> FieldOps {
    let parse: ParseFn = match family {
        code::TEXT => parse_text_field,
        code::BYTES => parse_bytes_field,
        code::HEX => parse_hex_field,
        code::BOOL => parse_bool_field,
        code::U8 => parse_unsigned_field,
        code::I8 => parse_signed_field,
        _ => |_, _, _| Err(TABLE_MISMATCH),
    };
    FieldOps { parse, missing: |_| false, drop: None, validate: None }
}

/// `TEXT`, `heapless::String`: checked to be UTF-8, then copied.
///
/// # Safety
///
/// See the module documentation.
#[inline(never)]
unsafe fn parse_text_field(text: &[u8], slot: *mut u8, _: &FieldRow) -> Result<(), ParseError> {
    let text = text::utf8(text)?.as_bytes();
    // SAFETY: the caller's contract.
    unsafe { write_len_then_bytes(text, slot) };
    Ok(())
}

/// `BYTES`, `heapless::Vec<u8, N>`: copied as they are.
///
/// # Safety
///
/// See the module documentation.
#[inline(never)]
unsafe fn parse_bytes_field(text: &[u8], slot: *mut u8, _: &FieldRow) -> Result<(), ParseError> {
    // SAFETY: the caller's contract.
    unsafe { write_len_then_bytes(text, slot) };
    Ok(())
}

/// Writes `bytes` into a field laid out as a `usize` length, then the bytes.
///
/// # Safety
///
/// `slot` is such a field, with room for `bytes` after its length; `bytes` is elsewhere (the
/// read buffer).
unsafe fn write_len_then_bytes(bytes: &[u8], slot: *mut u8) {
    // SAFETY: the caller's contract: a length word, then room for `bytes`.
    unsafe {
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), slot.add(size_of::<usize>()), bytes.len());
        slot.cast::<usize>().write(bytes.len());
    }
}

/// `HEX`, `Hex<N>` (`repr(C)`: a `usize` length, then the bytes), decoded in place.
///
/// # Safety
///
/// See the module documentation.
#[inline(never)]
unsafe fn parse_hex_field(text: &[u8], slot: *mut u8, _: &FieldRow) -> Result<(), ParseError> {
    // SAFETY: `Hex<N>` holds `N` bytes after its length, and `text` is at most its `MAX_LEN`,
    // `2 * N`, bytes long (the caller's contract).
    let bytes = unsafe {
        core::slice::from_raw_parts_mut(
            slot.add(size_of::<usize>()).cast::<MaybeUninit<u8>>(),
            text.len() / 2,
        )
    };
    let len = binary::decode_hex(bytes, text)?;
    // SAFETY: the length word.
    unsafe { slot.cast::<usize>().write(len) };
    Ok(())
}

/// `BOOL`.
///
/// # Safety
///
/// See the module documentation.
#[inline(never)]
unsafe fn parse_bool_field(text: &[u8], slot: *mut u8, _: &FieldRow) -> Result<(), ParseError> {
    let value = text::parse_bool(text)?;
    // SAFETY: a `bool` field.
    unsafe { slot.cast::<bool>().write(value) };
    Ok(())
}

/// `U8 + n`, an unsigned integer of `1 << n` bytes: digits only.
///
/// # Safety
///
/// See the module documentation.
#[inline(never)]
unsafe fn parse_unsigned_field(
    text: &[u8],
    slot: *mut u8,
    row: &FieldRow,
) -> Result<(), ParseError> {
    // SAFETY: the caller's contract.
    unsafe { store_integer(text, 0, false, false, slot, row.kind) }
}

/// `I8 + n`, a signed integer of `1 << n` bytes: a sign, then the unsigned family's digits. A
/// family of its own, so that settings without a signed field carry no sign code.
///
/// # Safety
///
/// See the module documentation.
#[inline(never)]
unsafe fn parse_signed_field(text: &[u8], slot: *mut u8, row: &FieldRow) -> Result<(), ParseError> {
    let (negative, from) = int::sign_of(text);
    // SAFETY: the caller's contract.
    unsafe { store_integer(text, from, negative, true, slot, row.kind) }
}

/// Parses the digits of `text` from `from` on into the integer field of kind `kind` at `slot`
/// (see [`int::narrow_digits`]).
///
/// # Safety
///
/// `slot` is valid for writes of an integer of kind `kind`, and aligned for it.
unsafe fn store_integer(
    text: &[u8],
    from: usize,
    negative: bool,
    signed: bool,
    slot: *mut u8,
    kind: u8,
) -> Result<(), ParseError> {
    // At most 2 for the integer kinds, the only rows these parsers are handed. Not clamped: 3
    // would parse and write 32 bits, as 2 does.
    let log2_width = kind & 3;
    let bits = int::narrow_digits(text, from, negative, signed, log2_width)?;
    // SAFETY: an integer field of `1 << log2_width` bytes; the truncation of an in-range
    // value's two's complement keeps it.
    unsafe { write_integer(slot, bits, log2_width) };
    Ok(())
}

/// Writes the low `1 << log2_width` bytes of `value` at `slot`.
///
/// # Safety
///
/// `slot` is valid for writes of an integer of that width and aligned for it.
unsafe fn write_integer(slot: *mut u8, value: u32, log2_width: u8) {
    // SAFETY: the caller's contract. The casts truncate to the field's width.
    unsafe {
        match log2_width {
            0 => slot.write(value as u8),
            1 => slot.cast::<u16>().write(value as u16),
            _ => slot.cast::<u32>().write(value),
        }
    }
}
