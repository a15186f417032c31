//! The value trait and its impls for the built-in field types.

use core::mem::MaybeUninit;

use heapless::{String, Vec};

use crate::error::ParseError;
use crate::parse;

/// What a fetch makes of `T::parse_into`'s answer for the slot at `place`: `Ok` only if it is a
/// reference to that very slot. A safe impl could answer with a reference to some other value,
/// leaving the slot uninitialized; that is refused rather than trusted.
pub(crate) fn answered_in_slot<T>(
    answer: Result<&mut T, ParseError>,
    place: *const T,
) -> Result<&mut T, ParseError> {
    match answer {
        Ok(value) if core::ptr::eq(value, place) => Ok(value),
        Ok(_) => Err(ParseError::Custom("parse_into answered outside its slot")),
        Err(error) => Err(error),
    }
}

/// The longest value the cloud stores, in bytes of text.
pub const CLOUD_MAX_VALUE_LEN: usize = 4096;

/// A type a config field can have: it parses the value's text as the cloud stores it.
///
/// Implement it for your own types to fetch them; keep `parse` thin over a non-generic function
/// if the type is generic, so that each instance does not copy the parser.
///
/// # Examples
///
/// ```
/// use microvisor_config::{ConfigValue, ParseError};
///
/// /// A log level stored as `"debug"`, `"info"` or `"warn"`.
/// enum Level { Debug, Info, Warn }
///
/// impl ConfigValue for Level {
///     const MAX_LEN: usize = 5;
///     fn parse(text: &[u8]) -> Result<Self, ParseError> {
///         match text {
///             b"debug" => Ok(Level::Debug),
///             b"info" => Ok(Level::Info),
///             b"warn" => Ok(Level::Warn),
///             _ => Err(ParseError::UnknownVariant),
///         }
///     }
/// }
/// assert!(matches!(Level::parse(b"info"), Ok(Level::Info)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be fetched as a config value",
    label = "this field's type does not implement `microvisor_config::ConfigValue`",
    note = "use a supported type (heapless::String<N>, heapless::Vec<u8, N>, an integer, bool, \
            f32, f64, Hex<N>, Base64<N>, Secret<T>, Option<T>), parse it with \
            `#[config(with = path, max_len = N)]`, or implement `microvisor_config::ConfigValue` \
            for it (`#[derive(ConfigValue)]` does so for an enum of unit variants)"
)]
pub trait ConfigValue: Sized {
    /// The longest text, in bytes, that this type can hold. A field's `max_len` may not exceed
    /// it, and defaults to it (or to 4096, the cloud's limit, if it is larger).
    const MAX_LEN: usize;

    /// `true` if a key that is not found is a value of this type (`Option<T>`), not an error.
    const OPTIONAL: bool = false;

    /// Parses the value's text.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] saying why the text is not a value of this type. It must not hold the
    /// text: the value may be a secret.
    fn parse(text: &[u8]) -> Result<Self, ParseError>;

    /// Parses the value's text straight into `slot` and returns the value there: what a fetch
    /// calls for a type it does not parse itself, so a large value is built in its field and
    /// not copied there. Override it for a large type (the crate does for `Hex`, `Base64`,
    /// `String`, `Vec`, `Secret` and `Option`); the default parses and moves.
    ///
    /// The fetch accepts only a reference into `slot` itself, and treats the slot as
    /// uninitialized on `Err` (a value left there is not dropped).
    ///
    /// # Errors
    ///
    /// As [`ConfigValue::parse`].
    fn parse_into<'s>(
        text: &[u8],
        slot: &'s mut MaybeUninit<Self>,
    ) -> Result<&'s mut Self, ParseError> {
        Ok(slot.write(Self::parse(text)?))
    }

    /// How the fetch loop fills a field of this type. Not to be set: its type's one
    /// constructor gives the only value it can have.
    #[doc(hidden)]
    const FIELD_OPS: crate::fetch::TypeOps<Self> = crate::fetch::TypeOps::new();

    /// Whether the fetch loop parses this type itself, by its layout. Not to be set: only the
    /// crate's own types can have a kind other than `CUSTOM`.
    #[doc(hidden)]
    const FIELD_KIND: crate::fetch::FieldKind<Self> = crate::fetch::FieldKind::CUSTOM;

    /// A value that costs next to nothing to write (an empty string, zero), if the type has
    /// one: `Option<Self>` writes it into its `Some` and parses the text into it in place,
    /// instead of parsing a whole value on the stack and moving it there. Not to be set: the
    /// crate's own types have one.
    ///
    /// A function, not a constant: a constant `Some(String::new())` is stored whole in flash,
    /// unused buffer included, and copied whole; built here, only its length is written.
    #[doc(hidden)]
    #[inline(always)]
    fn placeholder() -> Option<Self> {
        None
    }

    /// The value of a key that is not found, if this type has one.
    fn missing() -> Option<Self> {
        None
    }
}

/// The 64-bit parse of an integer type wider than 32 bits: `unsigned` or `signed`.
macro_rules! wide_parse {
    (unsigned, $ty:ty, $text:expr) => {
        parse::parse_unsigned($text, <$ty>::MAX as u64)
    };
    (signed, $ty:ty, $text:expr) => {
        parse::parse_signed($text, <$ty>::MIN as i64, <$ty>::MAX as i64)
    };
}

/// The primitive integers, `signed` or not: up to 32 bits by the 32-bit parser the fetch loop
/// uses too, wider by the 64-bit one of their signedness (`wide_parse!`).
macro_rules! integers {
    (signed = $signed:literal, wide = $wide:ident: $($ty:ty),*) => {$(
        impl ConfigValue for $ty {
            const MAX_LEN: usize = parse::decimal_width(<$ty>::MIN as i128, <$ty>::MAX as u128);
            fn parse(text: &[u8]) -> Result<Self, ParseError> {
                if size_of::<$ty>() <= 4 {
                    // In range, so the truncation of the 32-bit two's complement keeps the value.
                    let width = size_of::<$ty>().trailing_zeros() as u8;
                    return parse::parse_narrow(text, $signed, width).map(|bits| bits as $ty);
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
            const FIELD_KIND: crate::fetch::FieldKind<Self> =
                // SAFETY: a primitive integer, signed as said.
                unsafe {
                    crate::fetch::integer_kind::<$ty>($signed, &core::mem::ManuallyDrop::new(Some(0)))
                };
        }
    )*};
}
integers!(signed = false, wide = unsigned: u8, u16, u32, u64, usize);
integers!(signed = true, wide = signed: i8, i16, i32, i64, isize);

impl ConfigValue for u128 {
    const MAX_LEN: usize = parse::decimal_width(0, u128::MAX);
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        parse::parse_u128(text)
    }
}

impl ConfigValue for i128 {
    const MAX_LEN: usize = parse::decimal_width(i128::MIN, i128::MAX as u128);
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        parse::parse_i128(text)
    }
}

impl ConfigValue for bool {
    const MAX_LEN: usize = 5;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        parse::parse_bool(text)
    }
    #[doc(hidden)]
    const FIELD_KIND: crate::fetch::FieldKind<Self> = crate::fetch::FieldKind::boolean();
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
        parse::parse_f64(text)
    }
}

/// See the `f64` impl.
impl ConfigValue for f32 {
    const MAX_LEN: usize = 64;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        parse::parse_f32(text)
    }
}

/// UTF-8 text of at most `N` bytes.
impl<const N: usize> ConfigValue for String<N> {
    const MAX_LEN: usize = N;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        let mut value = String::new();
        parse::parse_string_into(value.as_mut_view(), text)?;
        Ok(value)
    }
    fn parse_into<'s>(
        text: &[u8],
        slot: &'s mut MaybeUninit<Self>,
    ) -> Result<&'s mut Self, ParseError> {
        let value = slot.write(String::new());
        parse::parse_string_into(value.as_mut_view(), text)?;
        Ok(value)
    }
    #[doc(hidden)]
    const FIELD_KIND: crate::fetch::FieldKind<Self> = crate::fetch::FieldKind::text();
    #[doc(hidden)]
    #[inline(always)]
    fn placeholder() -> Option<Self> {
        Some(String::new())
    }
}

/// The value's raw bytes, at most `N`.
impl<const N: usize> ConfigValue for Vec<u8, N> {
    const MAX_LEN: usize = N;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        let mut value = Vec::new();
        parse::parse_bytes_into(value.as_mut_view(), text)?;
        Ok(value)
    }
    fn parse_into<'s>(
        text: &[u8],
        slot: &'s mut MaybeUninit<Self>,
    ) -> Result<&'s mut Self, ParseError> {
        let value = slot.write(Vec::new());
        parse::parse_bytes_into(value.as_mut_view(), text)?;
        Ok(value)
    }
    #[doc(hidden)]
    const FIELD_KIND: crate::fetch::FieldKind<Self> = crate::fetch::FieldKind::bytes();
    #[doc(hidden)]
    #[inline(always)]
    fn placeholder() -> Option<Self> {
        Some(Vec::new())
    }
}

/// An optional value: a key that is not found is `None`.
impl<T: ConfigValue> ConfigValue for Option<T> {
    const MAX_LEN: usize = T::MAX_LEN;
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
        answered_in_slot(crate::fetch::parse_into_by_kind(text, inner_slot), inner)?;
        Ok(value)
    }
    fn missing() -> Option<Self> {
        Some(None)
    }
    /// An `Option` kind if `T` is of a built-in kind and the `Option` is laid out as the loop
    /// writes one: the loop writes its tag and parses the payload by `T`'s family, with no ops
    /// entry.
    #[doc(hidden)]
    const FIELD_KIND: crate::fetch::FieldKind<Self> =
        crate::fetch::FieldKind::option(T::FIELD_KIND);
    // Used by a field with an entry of its own (`default`, `validate`), and by one whose kind is
    // `CUSTOM`: for `T` of a built-in kind, an entry that writes `Some` and hands the payload to
    // the kind's parser.
    #[doc(hidden)]
    const FIELD_OPS: crate::fetch::TypeOps<Self> = if T::FIELD_KIND.is_parsed_by_family() {
        crate::fetch::TypeOps::option()
    } else {
        crate::fetch::TypeOps::wrapping::<T>()
    };
}
