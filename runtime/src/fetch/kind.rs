//! Field rows and kind codes: how the fetch loop knows, from one byte, what a field is.
//!
//! A built-in kind is a type whose layout the loop writes itself (`heapless::String`/`Vec`,
//! `Hex`, `bool`, integers up to 32 bits, and an `Option` of most of them). The layouts are
//! checked at compile time for every type; a type that fails a check is `CUSTOM` and goes
//! through an ops entry of its own instead.

use core::marker::PhantomData;
use core::mem::{align_of, size_of, ManuallyDrop};

/// One field of a settings struct, as the fetch loop sees it: 6 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldRow {
    /// `offset_of!` the field in the struct; a settings struct's fields lie in its first
    /// 64 KiB (checked at compile time).
    pub offset: u16,
    /// The longest text accepted (at most 4096 in the rows the derive generates).
    pub max_len: u16,
    /// The field type's [`FieldKind`] code.
    pub kind: u8,
    /// Which entry of the struct's ops table fills it: its type's own, or its family's.
    pub ops: u8,
}

/// Kind codes of [`FieldKind`].
pub(crate) mod code {
    pub const CUSTOM: u8 = 0;
    /// `heapless::String<N>`: a `usize` length, then the bytes.
    pub const TEXT: u8 = 1;
    /// `heapless::Vec<u8, N>`: the same layout.
    pub const BYTES: u8 = 2;
    /// `Hex<N>` (`repr(C)`: a `usize` length, then the bytes).
    pub const HEX: u8 = 3;
    pub const BOOL: u8 = 4;
    /// `U8 + n`: an unsigned integer of `1 << n` bytes, at most four. The parsers read the
    /// width from the low two bits; wider integers have their own `ConfigValue` parser.
    pub const U8: u8 = 8;
    pub const U32: u8 = 10;
    /// `I8 + n`: a signed integer of `1 << n` bytes, at most four.
    pub const I8: u8 = U8 + SIGNED;
    pub const I32: u8 = U32 + SIGNED;
    /// The bit that tells a signed integer kind from an unsigned one.
    pub const SIGNED: u8 = 4;
    /// `Option` of a built-in kind: a tag, then the payload, whose code is in the [`PAYLOAD`]
    /// bits. The loop writes the tag and hands the payload to the payload's family parser.
    pub const OPTION: u8 = 0x80;
    /// With [`OPTION`]: a one-byte tag before a byte-aligned payload; without it, a word tag
    /// before a word-aligned payload.
    pub const OPTION_BYTE_TAG: u8 = 0x40;
    /// The bits of a kind that are a built-in kind's own code.
    pub const PAYLOAD: u8 = 0x0f;
}

/// How the fetch loop fills a field of type `T`: by a built-in kind's code, or through the
/// type's ops entry ([`FieldKind::CUSTOM`]).
///
/// The loop writes a built-in kind by its layout, so only this crate can make one: the
/// constructor is private, called only beside the one type whose layout it describes.
pub struct FieldKind<T> {
    code: u8,
    /// The code of `Option<T>` (see [`option_code`]).
    option: u8,
    _type: PhantomData<fn() -> T>,
}

impl<T> FieldKind<T> {
    /// Filled through the type's ops entry.
    pub const CUSTOM: Self =
        FieldKind { code: code::CUSTOM, option: code::CUSTOM, _type: PhantomData };

    /// A built-in kind. `some` is `Some` of `T`'s placeholder, whose first byte is initialized
    /// (a zero length, a zero): the `Option`'s layout is read from it.
    ///
    /// # Safety
    ///
    /// `code` describes `T`'s layout (see `code`).
    pub(crate) const unsafe fn new(code: u8, some: &ManuallyDrop<Option<T>>) -> Self {
        FieldKind { code, option: option_code(code, some), _type: PhantomData }
    }

    /// The kind of `Secret<T>` or another `repr(transparent)` wrapper of `T`: `T`'s code, and
    /// no `Option` kind (the wrapper's `Option` layout is not checked).
    ///
    /// # Safety
    ///
    /// `W` is laid out exactly as `T`.
    pub(crate) const unsafe fn transparent<W>(self) -> FieldKind<W> {
        FieldKind { code: self.code, option: code::CUSTOM, _type: PhantomData }
    }

    /// The code a [`FieldRow`] carries.
    pub const fn code(&self) -> u8 {
        self.code
    }

    /// Whether a family parser may be handed a place of this type: a built-in kind, but not
    /// an `Option` of one, whose tag only the loop writes.
    pub const fn is_parsed_by_family(&self) -> bool {
        self.code != code::CUSTOM && self.code & code::OPTION == 0
    }

    /// Whether the loop fills a field of this type by its row alone, with no ops entry.
    pub const fn is_parsed_by_loop(&self) -> bool {
        self.code != code::CUSTOM
    }
}

impl<T> FieldKind<Option<T>> {
    /// The kind of `Option<T>`.
    pub(crate) const fn option(inner: FieldKind<T>) -> Self {
        FieldKind { code: inner.option, option: code::CUSTOM, _type: PhantomData }
    }
}

impl<T> core::fmt::Debug for FieldKind<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("FieldKind").field(&self.code).finish()
    }
}

/// The code of `Option<T>`, `T` of built-in kind `code`: an `Option` kind if the `Option` is a
/// tag as wide as `T`'s alignment (a byte or a word), 1 for `Some` and 0 for `None`, then the
/// payload; `CUSTOM` otherwise (a two-byte alignment, a niche as `bool`'s).
///
/// Rust does not promise `Option`'s layout, so it is checked here for every type: the size is
/// `T`'s plus its alignment, the first byte of `Some(placeholder)` is 1 (the placeholder's
/// would be 0), and the first byte of `None` is 0. The loop writes the whole tag width, so a
/// one-byte tag with padding after it gets its byte right only on a little-endian target.
const fn option_code<T>(code: u8, some: &ManuallyDrop<Option<T>>) -> u8 {
    let align = align_of::<T>();
    if code == code::CUSTOM
        || code & code::OPTION != 0
        || cfg!(target_endian = "big")
        || (align != 1 && align != size_of::<usize>())
        || align_of::<Option<T>>() != align
        || size_of::<Option<T>>() != size_of::<T>() + align
    {
        return code::CUSTOM;
    }
    // SAFETY: the first byte of a value two bytes long or more (sizes checked above): the
    // tag's, or the payload's, which `some`'s placeholder initializes.
    let some_tag = unsafe { *(some as *const ManuallyDrop<Option<T>>).cast::<u8>() };
    if some_tag != 1 {
        return code::CUSTOM;
    }
    let none = ManuallyDrop::new(None::<T>);
    // SAFETY: as above; the payload is one alignment in (`some_tag`), so this is the tag's.
    let none_tag = unsafe { *(&none as *const ManuallyDrop<Option<T>>).cast::<u8>() };
    if none_tag != 0 {
        return code::CUSTOM;
    }
    let tag = if align == 1 { code::OPTION_BYTE_TAG } else { 0 };
    code::OPTION | tag | code
}

/// Whether `V`, a `heapless` string or vector of `u8` with room for `capacity` bytes, is laid
/// out as the loop writes it: a `usize` length, then the bytes. `heapless` does not promise a
/// layout, so it is checked for every capacity: one word plus the bytes, and the first word of
/// an empty value initialized (only the length is). A failed size check falls back to the
/// type's own parser; an uninitialized first word fails to compile.
pub(crate) const fn len_then_bytes<V>(empty: &ManuallyDrop<V>, capacity: usize) -> bool {
    let word = size_of::<usize>();
    let align = align_of::<usize>();
    if align_of::<V>() != align || size_of::<V>() != (word + capacity).div_ceil(align) * align {
        return false;
    }
    let first_word = (empty as *const ManuallyDrop<V>).cast::<usize>();
    // SAFETY: `ManuallyDrop` is transparent, and `V` is at least a word long and word-aligned
    // (checked above), so its first word is in bounds and aligned.
    unsafe { *first_word == 0 }
}

/// Writes the tag of an `Option` of kind `kind` at `slot`, `Some` or `None`, and returns its
/// payload's place.
///
/// # Safety
///
/// `slot` is valid for writes of an `Option` laid out as `kind` says, and aligned for it.
#[inline(always)]
pub(crate) unsafe fn write_option_tag(slot: *mut u8, kind: u8, some: bool) -> *mut u8 {
    // SAFETY: the caller's contract: a tag of one byte, or of a word, then the payload.
    unsafe {
        if kind & code::OPTION_BYTE_TAG != 0 {
            slot.write(u8::from(some));
            slot.add(1)
        } else {
            slot.cast::<usize>().write(usize::from(some));
            slot.add(size_of::<usize>())
        }
    }
}

#[cfg(test)]
mod tests {
    use core::num::NonZeroU8;

    use super::*;

    fn some<T>(value: T) -> ManuallyDrop<Option<T>> {
        ManuallyDrop::new(Some(value))
    }

    /// Only a built-in payload code gets an `Option` kind, and only where the layout is a tag
    /// then the payload: a niche (`None` is a payload value), or a tag narrower or wider than
    /// the loop writes, keeps the type's own entry.
    #[test]
    fn an_option_kind_needs_a_built_in_payload_and_a_tag_the_loop_writes() {
        let byte_tag = code::OPTION | code::OPTION_BYTE_TAG;
        assert_eq!(option_code(code::U8, &some(0u8)), byte_tag | code::U8);
        assert_eq!(option_code(code::CUSTOM, &some(0u8)), code::CUSTOM);
        assert_eq!(
            option_code(byte_tag | code::U8, &some(0u8)),
            code::CUSTOM,
            "no Option kind of an Option kind"
        );
        // One byte in all, the tag in the payload's niche: a tag written before the payload
        // would write past it.
        let one = NonZeroU8::MIN;
        assert_eq!(size_of::<Option<NonZeroU8>>(), 1);
        assert_eq!(option_code(code::U8, &some(one)), code::CUSTOM);
        assert_eq!(option_code(code::BOOL, &some(false)), code::CUSTOM, "bool's None is 2");
        assert_eq!(option_code(code::U8 + 1, &some(0u16)), code::CUSTOM, "a two-byte tag");
    }

    /// A layout other than a word of length and the bytes is not written by the loop.
    #[test]
    fn only_a_length_word_then_the_bytes_is_len_then_bytes() {
        assert!(len_then_bytes(&ManuallyDrop::new(heapless::String::<5>::new()), 5));
        assert!(len_then_bytes(&ManuallyDrop::new([0usize; 2]), size_of::<usize>()));
        assert!(!len_then_bytes(&ManuallyDrop::new([0usize; 2]), 0), "size past the capacity");
        assert!(!len_then_bytes(&ManuallyDrop::new([0u8; 16]), 8), "not word-aligned");
        assert!(
            !len_then_bytes(&ManuallyDrop::new([1usize, 0]), size_of::<usize>()),
            "length not zero"
        );
    }

    #[test]
    fn a_kind_shows_its_code() {
        let kind = FieldKind::<u8>::CUSTOM;
        assert_eq!(std::format!("{kind:?}"), "FieldKind(0)");
    }
}
