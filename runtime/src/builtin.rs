//! `ConfigValue` for the built-in field types: the integers, `bool`, the floats,
//! `heapless::String` and `Vec<u8, N>`, and `Option`; with the kinds the fetch loop writes them
//! by.

use core::mem::{size_of, ManuallyDrop, MaybeUninit};

use heapless::{String, Vec};

use crate::error::ParseError;
use crate::facts::{TextDefault, TextDefaultOf};
use crate::fetch::kind::{code, len_then_bytes, FieldKind};
use crate::fetch::ops::TypeOps;
use crate::parse::{int, text};
use crate::value::{answered_in_slot, parse_into_by_kind, ConfigValue};

/// The 64-bit parse of an integer type wider than 32 bits: `unsigned` or `signed`.
macro_rules! wide_parse {
    (unsigned, $ty:ty, $text:expr) => {
        int::parse_unsigned($text, <$ty>::MAX as u64)
    };
    (signed, $ty:ty, $text:expr) => {
        int::parse_signed($text, <$ty>::MIN as i64, <$ty>::MAX as i64)
    };
}

/// The primitive integers, `signed` or not: up to 32 bits by the 32-bit parser the fetch loop
/// uses too, wider by the 64-bit one of their signedness (`wide_parse!`).
macro_rules! integers {
    (signed = $signed:literal, wide = $wide:ident: $($ty:ty),*) => {$(
        impl ConfigValue for $ty {
            const MAX_LEN: usize = int::text_bound(<$ty>::MIN as i128, <$ty>::MAX as u128);
            fn parse(text: &[u8]) -> Result<Self, ParseError> {
                if size_of::<$ty>() <= 4 {
                    // In range, so the truncation of the 32-bit two's complement keeps the value.
                    let width = size_of::<$ty>().trailing_zeros() as u8;
                    return int::parse_narrow(text, $signed, width).map(|bits| bits as $ty);
                }
                let value = wide_parse!($wide, $ty, text)?;
                <$ty>::try_from(value).map_err(|_| ParseError::OutOfRange)
            }
            #[doc(hidden)]
            #[inline(always)]
            fn placeholder() -> Option<Self> {
                Some(0)
            }
            #[doc(hidden)]
            const FIELD_KIND: FieldKind<Self> =
                // SAFETY: a primitive integer, signed as said.
                unsafe {
                    integer_kind::<$ty>($signed, &core::mem::ManuallyDrop::new(Some(0)))
                };
        }
    )*};
}
integers!(signed = false, wide = unsigned: u8, u16, u32, u64, usize);
integers!(signed = true, wide = signed: i8, i16, i32, i64, isize);

impl ConfigValue for u128 {
    const MAX_LEN: usize = int::text_bound(0, u128::MAX);
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        int::parse_u128(text)
    }
}

impl ConfigValue for i128 {
    const MAX_LEN: usize = int::text_bound(i128::MIN, i128::MAX as u128);
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        int::parse_i128(text)
    }
}

impl ConfigValue for bool {
    const MAX_LEN: usize = 5;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        text::parse_bool(text)
    }
    #[doc(hidden)]
    const FIELD_KIND: FieldKind<Self> = FieldKind::boolean();
    #[doc(hidden)]
    #[inline(always)]
    fn placeholder() -> Option<Self> {
        Some(false)
    }
}

/// Floats accept finite decimal text (`-1.5`, `2e-3`); 64 bytes covers every `f64` written out
/// in full.
impl ConfigValue for f64 {
    const MAX_LEN: usize = 64;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        text::parse_f64(text)
    }
}

/// See the `f64` impl.
impl ConfigValue for f32 {
    const MAX_LEN: usize = 64;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        text::parse_f32(text)
    }
}

/// UTF-8 text of at most `N` bytes.
#[diagnostic::do_not_recommend]
impl<const N: usize> ConfigValue for String<N> {
    const MAX_LEN: usize = N;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        let mut value = String::new();
        text::parse_string_into(value.as_mut_view(), text)?;
        Ok(value)
    }
    fn parse_into<'s>(
        text: &[u8],
        slot: &'s mut MaybeUninit<Self>,
    ) -> Result<&'s mut Self, ParseError> {
        let value = slot.write(String::new());
        text::parse_string_into(value.as_mut_view(), text)?;
        Ok(value)
    }
    #[doc(hidden)]
    const FIELD_KIND: FieldKind<Self> = FieldKind::text();
    #[doc(hidden)]
    #[inline(always)]
    fn placeholder() -> Option<Self> {
        Some(String::new())
    }
}

/// The value's raw bytes, at most `N`.
#[diagnostic::do_not_recommend]
impl<const N: usize> ConfigValue for Vec<u8, N> {
    const MAX_LEN: usize = N;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        let mut value = Vec::new();
        text::parse_bytes_into(value.as_mut_view(), text)?;
        Ok(value)
    }
    fn parse_into<'s>(
        text: &[u8],
        slot: &'s mut MaybeUninit<Self>,
    ) -> Result<&'s mut Self, ParseError> {
        let value = slot.write(Vec::new());
        text::parse_bytes_into(value.as_mut_view(), text)?;
        Ok(value)
    }
    #[doc(hidden)]
    const FIELD_KIND: FieldKind<Self> = FieldKind::bytes();
    #[doc(hidden)]
    #[inline(always)]
    fn placeholder() -> Option<Self> {
        Some(Vec::new())
    }
}

/// An optional value: a key that is not found is `None`.
impl<T: ConfigValue> ConfigValue for Option<T> {
    const MAX_LEN: usize = T::MAX_LEN;
    #[doc(hidden)]
    const NEEDS_MAX_LEN: bool = T::NEEDS_MAX_LEN;
    const OPTIONAL: bool = true;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        T::parse(text).map(Some)
    }
    /// In place when `T` has a placeholder: writes `Some(placeholder)`, then parses into it.
    fn parse_into<'s>(
        text: &[u8],
        slot: &'s mut MaybeUninit<Self>,
    ) -> Result<&'s mut Self, ParseError> {
        let Some(placeholder) = T::placeholder() else {
            return Ok(slot.write(T::parse(text).map(Some)?));
        };
        let value = slot.write(Some(placeholder));
        let Some(inner) = value.as_mut() else {
            return Err(ParseError::Custom("Some became None"));
        };
        let inner: *mut T = inner;
        // SAFETY: `inner` is the payload of the `Some` just written, exclusively ours; as a
        // `MaybeUninit<T>` it asks nothing of its bytes, and the placeholder owns nothing that
        // overwriting it would leak (the crate's own types only have one).
        let inner_slot = unsafe { &mut *inner.cast::<MaybeUninit<T>>() };
        // On `Err` the caller treats the whole slot as uninitialized; what a family parser
        // wrote there is wiped (`parse_into_by_kind`), and a type's own `parse_into` answers
        // for what it wrote.
        answered_in_slot(parse_into_by_kind(text, inner_slot), inner)?;
        Ok(value)
    }
    fn missing() -> Option<Self> {
        Some(None)
    }
    /// An `Option` kind if `T` is of a built-in kind and the `Option` is laid out as the loop
    /// writes one: the loop writes its tag and parses the payload by `T`'s family, with no ops
    /// entry.
    #[doc(hidden)]
    const FIELD_KIND: FieldKind<Self> = FieldKind::option(T::FIELD_KIND);
    // Used by a field with an entry of its own (`default`, `validate`), and by one whose kind is
    // `CUSTOM`: for `T` of a built-in kind, an entry that writes `Some` and hands the payload to
    // the kind's parser.
    #[doc(hidden)]
    const FIELD_OPS: TypeOps<Self> = if T::FIELD_KIND.is_parsed_by_family() {
        TypeOps::option()
    } else {
        TypeOps::wrapping::<T>()
    };
}

// The kinds of the types above: each checked against its type's layout where it is made.

impl<const N: usize> FieldKind<String<N>> {
    const fn text() -> Self {
        if len_then_bytes(&ManuallyDrop::new(String::<N>::new()), N) {
            // SAFETY: the layout is checked just above.
            unsafe { Self::new(code::TEXT, &ManuallyDrop::new(Some(String::new()))) }
        } else {
            Self::CUSTOM
        }
    }
}

impl<const N: usize> FieldKind<Vec<u8, N>> {
    const fn bytes() -> Self {
        if len_then_bytes(&ManuallyDrop::new(Vec::<u8, N>::new()), N) {
            // SAFETY: the layout is checked just above.
            unsafe { Self::new(code::BYTES, &ManuallyDrop::new(Some(Vec::new()))) }
        } else {
            Self::CUSTOM
        }
    }
}

impl FieldKind<bool> {
    const fn boolean() -> Self {
        // SAFETY: a `bool` is one byte, 0 or 1.
        unsafe { Self::new(code::BOOL, &ManuallyDrop::new(Some(false))) }
    }
}

/// The kind of an integer type: `U8 + n` or `I8 + n` for one of `1 << n` bytes, up to four.
/// `zero` is `Some(0)`.
///
/// # Safety
///
/// `T` is a primitive integer, signed as `signed` says.
const unsafe fn integer_kind<T>(signed: bool, zero: &ManuallyDrop<Option<T>>) -> FieldKind<T> {
    let log2_width = size_of::<T>().trailing_zeros() as u8;
    if size_of::<T>() > 4 {
        return FieldKind::CUSTOM;
    }
    // SAFETY: the caller's contract.
    unsafe { FieldKind::new(if signed { code::I8 } else { code::U8 } + log2_width, zero) }
}

#[diagnostic::do_not_recommend]
impl<const N: usize> TextDefault for String<N> {
    const TEXT_DEFAULT: TextDefaultOf<Self> = TextDefaultOf { capacity: N, make: string_of::<N> };
}

/// `text` as a `String<N>`. The derive checked that it fits, so the push cannot fail; were it
/// not, the default would be empty rather than a panic.
fn string_of<const N: usize>(text: &'static str) -> String<N> {
    let mut string = String::new();
    let _fits = string.push_str(text);
    string
}
