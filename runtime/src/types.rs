//! Field types for binary values and secrets.

use core::fmt;
use core::mem::{ManuallyDrop, MaybeUninit};
use core::ops::Deref;

use crate::error::ParseError;
use crate::facts::{TextDefault, TextDefaultOf};
use crate::fetch::kind::{code, FieldKind};
use crate::fetch::ops::TypeOps;
use crate::parse::binary;
use crate::value::{answered_in_slot, ConfigValue};

/// What `Hex<N>` and `Base64<N>` share: decoded bytes in a fixed array and their count, the
/// accessors, and the value impl. Only how the text decodes, and so how long it may be,
/// differs.
macro_rules! decoded_bytes {
    (
        $(#[$meta:meta])* $name:ident, max_len = $max_len:expr, decode = $decode:path
        $(, field_kind = $field_kind:expr)?
    ) => {
        $(#[$meta])*
        // `repr(C)`, the length first: the fetch loop decodes into a `Hex` field in place
        // (the hex family parser), knowing where the length and the bytes are. Bytes past the
        // length are never read, so they need not be initialized, and decoding a value does not
        // first zero all `N` bytes.
        #[repr(C)]
        pub struct $name<const N: usize> {
            len: usize,
            bytes: [MaybeUninit<u8>; N],
        }

        impl<const N: usize> $name<N> {
            /// An empty value.
            pub const fn new() -> Self {
                Self { len: 0, bytes: [MaybeUninit::uninit(); N] }
            }

            /// The decoded bytes.
            pub fn as_bytes(&self) -> &[u8] {
                let initialized = self.bytes.get(..self.len).unwrap_or(&[]);
                // SAFETY: the first `len` bytes were written by the decoder (its contract), and
                // `MaybeUninit<u8>` has `u8`'s layout.
                unsafe { &*(initialized as *const [MaybeUninit<u8>] as *const [u8]) }
            }
        }

        impl<const N: usize> Clone for $name<N> {
            fn clone(&self) -> Self {
                Self { len: self.len, bytes: self.bytes }
            }
        }

        impl<const N: usize> PartialEq for $name<N> {
            fn eq(&self, other: &Self) -> bool {
                self.as_bytes() == other.as_bytes()
            }
        }

        impl<const N: usize> Eq for $name<N> {}

        impl<const N: usize> Default for $name<N> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<const N: usize> Deref for $name<N> {
            type Target = [u8];
            fn deref(&self) -> &[u8] {
                self.as_bytes()
            }
        }

        impl<const N: usize> AsRef<[u8]> for $name<N> {
            fn as_ref(&self) -> &[u8] {
                self.as_bytes()
            }
        }

        impl<const N: usize> ConfigValue for $name<N> {
            const MAX_LEN: usize = $max_len;
            fn parse(text: &[u8]) -> Result<Self, ParseError> {
                let mut value = Self::new();
                value.len = $decode(&mut value.bytes, text)?;
                Ok(value)
            }
            fn parse_into<'s>(
                text: &[u8],
                slot: &'s mut MaybeUninit<Self>,
            ) -> Result<&'s mut Self, ParseError> {
                let value = slot.write(Self::new());
                value.len = $decode(&mut value.bytes, text)?;
                Ok(value)
            }
            $(
                #[doc(hidden)]
                const FIELD_KIND: FieldKind<Self> = $field_kind;
            )?
            #[doc(hidden)]
            #[inline(always)]
            fn placeholder() -> Option<Self> {
                Some(Self::new())
            }
        }
    };
}

decoded_bytes! {
    /// Binary data of at most `N` bytes, stored in the cloud as hex text (even length, either
    /// case, hex digits only; at most `2 * N` characters).
    ///
    /// # Examples
    ///
    /// ```
    /// use microvisor_config::{ConfigValue, Hex};
    ///
    /// let key = Hex::<4>::parse(b"DEADbeef").unwrap();
    /// assert_eq!(&*key, &[0xde, 0xad, 0xbe, 0xef]);
    /// assert!(Hex::<4>::parse(b"dead-eef").is_err());
    /// ```
    Hex, max_len = 2 * N, decode = binary::decode_hex, field_kind = FieldKind::hex()
}

impl<const N: usize> fmt::Debug for Hex<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_decoded(f, "Hex", self.as_bytes())
    }
}

/// How many bytes `Debug` of [`Hex`] and [`Base64`] shows: enough to tell two values apart at a
/// glance, not a certificate's worth of log.
const DEBUG_PREFIX: usize = 4;

/// `Debug` of [`Hex`] and [`Base64`] alike: the length and the first bytes in hex, `…` if there
/// are more (`Hex(1190 bytes: 3082049e…)`). Behind a `Secret`, neither is shown.
fn debug_decoded(f: &mut fmt::Formatter<'_>, name: &str, bytes: &[u8]) -> fmt::Result {
    write!(f, "{name}({} bytes", bytes.len())?;
    if !bytes.is_empty() {
        f.write_str(": ")?;
        for byte in bytes.iter().take(DEBUG_PREFIX) {
            write!(f, "{byte:02x}")?;
        }
        if bytes.len() > DEBUG_PREFIX {
            f.write_str("…")?;
        }
    }
    f.write_str(")")
}

decoded_bytes! {
    /// Binary data of at most `N` bytes, stored in the cloud as standard base64 with padding
    /// (RFC 4648 §4), decoded strictly: no line breaks, no missing padding, no stray bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use microvisor_config::{Base64, ConfigValue};
    ///
    /// let token = Base64::<8>::parse(b"aGVsbG8=").unwrap();
    /// assert_eq!(&*token, b"hello");
    /// assert!(Base64::<8>::parse(b"aGVsbG8").is_err());
    /// ```
    Base64, max_len = N.div_ceil(3) * 4, decode = binary::decode_base64
}

impl<const N: usize> fmt::Debug for Base64<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_decoded(f, "Base64", self.as_bytes())
    }
}

/// A value that must not be shown: `Debug` and `Display` print `[REDACTED]`, the value is
/// reached only through [`Secret::expose_secret`], it is neither `Clone` nor `Copy`, and its
/// bytes are overwritten with zeros when it is dropped.
///
/// Moving a `Secret` (as returning it from a function does) may leave a copy of its bytes on
/// the stack that only later stack use overwrites; keep secrets in a long-lived place.
///
/// # Examples
///
/// ```
/// use microvisor_config::{ConfigValue, Secret, heapless::String};
///
/// let password = Secret::<String<16>>::parse(b"hunter2").unwrap();
/// assert_eq!(format!("{password:?}"), "[REDACTED]");
/// assert_eq!(password.expose_secret().as_str(), "hunter2");
/// ```
// `repr(transparent)`: a `Secret<T>` has `T`'s layout (`ManuallyDrop` is transparent too), so
// `parse_into` can build the `T` right in the `Secret`'s place.
#[repr(transparent)]
pub struct Secret<T>(ManuallyDrop<T>);

impl<T> Secret<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Self(ManuallyDrop::new(value))
    }

    /// The value. Every read of a secret goes through here, so a search finds them all.
    pub fn expose_secret(&self) -> &T {
        &self.0
    }
}

impl<T> Drop for Secret<T> {
    fn drop(&mut self) {
        // SAFETY: the value is dropped exactly once, here; `self.0` is not used again.
        unsafe { ManuallyDrop::drop(&mut self.0) };
        let storage: *mut ManuallyDrop<T> = &mut self.0;
        // SAFETY: the pointer comes from an exclusive reference to storage this value owns, and
        // after the drop above that storage holds no live `T`, so any bytes, zeros included,
        // are valid for it as `MaybeUninit<T>`.
        unsafe { zeroize::zeroize_flat_type(storage.cast::<MaybeUninit<T>>()) };
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl<T: ConfigValue> ConfigValue for Secret<T> {
    const MAX_LEN: usize = T::MAX_LEN;
    const OPTIONAL: bool = T::OPTIONAL;
    #[doc(hidden)]
    const NEEDS_MAX_LEN: bool = T::NEEDS_MAX_LEN;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        T::parse(text).map(Secret::new)
    }
    fn parse_into<'s>(
        text: &[u8],
        slot: &'s mut MaybeUninit<Self>,
    ) -> Result<&'s mut Self, ParseError> {
        let place: *mut MaybeUninit<Self> = slot;
        let inner_place = place.cast::<MaybeUninit<T>>();
        // SAFETY: `Secret<T>` is `repr(transparent)` over `ManuallyDrop<T>`, itself transparent
        // over `T`, so the slot is a valid `MaybeUninit<T>` place, exclusively borrowed for 's.
        let inner = unsafe { &mut *inner_place };
        match answered_in_slot(T::parse_into(text, inner), inner_place.cast::<T>()) {
            // SAFETY: `T::parse_into` initialized the slot (it answered with a reference to it),
            // and a `Secret<T>` is exactly a `T` in memory.
            Ok(_) => Ok(unsafe { &mut *place.cast::<Self>() }),
            Err(error) => {
                // A value that failed half-way may have left secret bytes in the slot, which
                // no drop will wipe: wipe them here.
                // SAFETY: the slot is ours for 's, and any bytes are valid for a MaybeUninit.
                unsafe { zeroize::zeroize_flat_type(place) };
                Err(error)
            }
        }
    }
    fn missing() -> Option<Self> {
        T::missing().map(Secret::new)
    }
    #[doc(hidden)]
    #[inline(always)]
    fn placeholder() -> Option<Self> {
        T::placeholder().map(Secret::new)
    }
    #[doc(hidden)]
    // SAFETY: `Secret<T>` is `repr(transparent)` over `ManuallyDrop<T>`, itself over `T`.
    const FIELD_KIND: FieldKind<Self> = unsafe { T::FIELD_KIND.transparent() };
    // Its own entry for a `T` of `CUSTOM` kind; its drop zeroes bytes, and drops `T`.
    #[doc(hidden)]
    const FIELD_OPS: TypeOps<Self> = TypeOps::wrapping::<T>();
}

#[diagnostic::do_not_recommend]
impl<T: TextDefault> TextDefault for Secret<T> {
    const TEXT_DEFAULT: TextDefaultOf<Self> =
        TextDefaultOf { capacity: T::TEXT_DEFAULT.capacity, make: secret_of::<T> };
}

fn secret_of<T: TextDefault>(text: &'static str) -> Secret<T> {
    Secret::new((T::TEXT_DEFAULT.make)(text))
}

impl<T: Default> Default for Secret<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<const N: usize> FieldKind<Hex<N>> {
    const fn hex() -> Self {
        // SAFETY: `Hex<N>` is `repr(C)`: a `usize` length, then `N` bytes.
        unsafe { Self::new(code::HEX, &ManuallyDrop::new(Some(Hex::new()))) }
    }
}
