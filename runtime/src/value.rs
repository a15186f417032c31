//! The value trait, and how a value type becomes an entry of the fetch's tables: its ops
//! entry ([`TypeOps`]) and the generic shims over the non-generic family parsers.

use core::mem::{size_of, MaybeUninit};

use crate::error::ParseError;
use crate::facts::FieldFacts;
use crate::fetch::bytes::wipe;
use crate::fetch::family::family_parser;
use crate::fetch::kind::{FieldKind, FieldRow};
use crate::fetch::ops::{DropFn, FieldOps, ParseFn, TypeOps, TABLE_MISMATCH};

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

pub use crate::schema::CLOUD_MAX_VALUE_LEN;

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
    const FIELD_OPS: TypeOps<Self> = TypeOps::new();

    /// Whether a field of this type must say its `max_len`: `true` for a type whose bound is
    /// only the cloud's limit (`Json<T>`), so that no read buffer is 4 KiB by accident.
    #[doc(hidden)]
    const NEEDS_MAX_LEN: bool = false;

    /// What the derive asks of a field of this type, in one constant, so that a type that is
    /// not a `ConfigValue` is one error at the field. Not to be set, as `FIELD_OPS`.
    #[doc(hidden)]
    const FIELD_FACTS: FieldFacts<Self> = field_facts::<Self>();

    /// Whether the fetch loop parses this type itself, by its layout. Not to be set: only the
    /// crate's own types can have a kind other than `CUSTOM`.
    #[doc(hidden)]
    const FIELD_KIND: FieldKind<Self> = FieldKind::CUSTOM;

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

impl<T: ConfigValue> TypeOps<T> {
    /// The entry of `T`. A plain field of a built-in kind is filled by its family's row, so the
    /// loop reads this only for a field with an entry of its own (`default`, `validate`); its
    /// parser is then the family's too, so that `port: u16` and a `u16` with a `default` link
    /// one integer parser, not two.
    pub const fn new() -> Self {
        let parse: ParseFn = if T::FIELD_KIND.is_parsed_by_family() {
            parse_by_family::<T>
        } else {
            parse_slot::<T>
        };
        TypeOps::of(FieldOps {
            parse,
            missing: missing_slot::<T>,
            drop: drop_of_value::<T>(),
            validate: None,
        })
    }

    /// The entry of `T`, a type that holds one `W` and whose drop does nothing but drop it
    /// and zero bytes (`Option<W>`, `Secret<W>`): it needs a drop only if `W` does.
    pub(crate) const fn wrapping<W: ConfigValue>() -> Self {
        let mut ops = Self::new().ops();
        if W::FIELD_OPS.ops().drop.is_none() {
            ops.drop = None;
        }
        TypeOps::of(ops)
    }
}

impl<T: ConfigValue> Default for TypeOps<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: ConfigValue> TypeOps<Option<T>> {
    /// The entry of `Option<T>`, `T` of a built-in kind: `Some` written, then the payload
    /// parsed by its kind's parser. Used by a field with an entry of its own, and by an
    /// `Option` whose layout the loop does not write from a row.
    pub(crate) const fn option() -> Self {
        TypeOps::of(FieldOps {
            parse: parse_option::<T>,
            missing: missing_slot::<Option<T>>,
            // `T` is of a built-in kind: `Some(T)` needs no drop beyond the wipe either.
            drop: None,
            validate: None,
        })
    }
}

/// The drop of a field of type `T`: none for a built-in kind, whose drop only zeroes bytes
/// that the fetch or refresh zeroes anyway.
const fn drop_of_value<T: ConfigValue>() -> Option<DropFn> {
    if T::FIELD_KIND.is_parsed_by_family() {
        None
    } else {
        FieldOps::drop_of::<T>()
    }
}

/// `T::parse_into`, by the parser of `T`'s built-in family when it has one: the fetch loop's
/// own parsers, which a firmware links anyway, rather than `T`'s generic ones. It is how
/// `Option` of a built-in type parses into its `Some`.
pub(crate) fn parse_into_by_kind<'s, T: ConfigValue>(
    text: &[u8],
    slot: &'s mut MaybeUninit<T>,
) -> Result<&'s mut T, ParseError> {
    // The family parsers take only a built-in kind, and no text longer than the field's
    // capacity: any other gets the type's own answer (an error, for most), from its own parser.
    if !T::FIELD_KIND.is_parsed_by_family() || text.len() > T::MAX_LEN {
        return T::parse_into(text, slot);
    }
    // SAFETY: `slot` is a place of `T`, of a built-in kind, and whose capacity is its
    // `MAX_LEN`, which `text` does not exceed (checked above).
    if let Err(error) = unsafe { parse_by_family_of::<T>(text, slot.as_mut_ptr().cast()) } {
        // What a parse that failed half-way wrote is wiped: the `T` may be a `Secret`, whose
        // own `parse_into`, bypassed here, wipes too.
        // SAFETY: the slot's bytes; it holds no value.
        unsafe { wipe(slot.as_mut_ptr().cast(), size_of::<T>()) };
        return Err(error);
    }
    // SAFETY: `Ok` means the parser wrote a value there.
    Ok(unsafe { slot.assume_init_mut() })
}

/// [`FieldOps::parse`] of a `T` of a built-in kind with an entry of its own: its family's
/// parser, handed a row of `T`'s kind (the field's own row says `CUSTOM`).
///
/// # Safety
///
/// [`ParseFn`]'s contract for a `T`: `slot` is valid for writes of a `T` and aligned for it;
/// `text` is at most `T::MAX_LEN` bytes.
unsafe fn parse_by_family<T: ConfigValue>(
    text: &[u8],
    slot: *mut u8,
    _: &FieldRow,
) -> Result<(), ParseError> {
    // SAFETY: the caller's contract.
    unsafe { parse_by_family_of::<T>(text, slot) }
}

/// Parses `text` into the place of a `T` of a built-in kind by its family's parser, handed a
/// constant row of `T`'s kind: what [`parse_by_family`] and [`parse_into_by_kind`] share.
///
/// # Safety
///
/// As [`parse_by_family`].
#[inline(always)]
unsafe fn parse_by_family_of<T: ConfigValue>(text: &[u8], slot: *mut u8) -> Result<(), ParseError> {
    let parse = const { family_parser(T::FIELD_KIND.code()) };
    let row = &const { FieldRow { offset: 0, max_len: 0, kind: T::FIELD_KIND.code(), ops: 0 } };
    // SAFETY: the caller's contract; the row carries `T`'s kind, as the parser asks.
    unsafe { parse(text, slot, row) }
}

/// [`FieldOps::parse`] of a `T`.
///
/// # Safety
///
/// `slot` is valid for writes of a `T` and aligned for it.
unsafe fn parse_slot<T: ConfigValue>(
    text: &[u8],
    slot: *mut u8,
    _: &FieldRow,
) -> Result<(), ParseError> {
    // SAFETY: the caller's contract; `MaybeUninit` asks nothing of the bytes there.
    let slot = unsafe { &mut *slot.cast::<MaybeUninit<T>>() };
    let place = slot.as_ptr();
    answered_in_slot(T::parse_into(text, slot), place).map(|_| ())
}

/// [`FieldOps::parse`] of an `Option<T>`, `T` of a built-in kind, for a field with an entry of
/// its own: writes `Some` of `T`'s placeholder, then hands the payload to the kind's parser
/// with a row of `T`'s kind (the field's row says `CUSTOM`). Called last, the parser is a jump:
/// no copy of it and no frame on top of its own. Not `Option::parse_into`, which also checks
/// the length and wipes on failure: here the read bounds the length and the unwind wipes.
///
/// # Safety
///
/// `slot` is valid for writes of an `Option<T>` and aligned for it; `text` is at most
/// `T::MAX_LEN` bytes ([`ParseFn`]'s contract: `Option<T>`'s `MAX_LEN` is `T`'s).
unsafe fn parse_option<T: ConfigValue>(
    text: &[u8],
    slot: *mut u8,
    row: &FieldRow,
) -> Result<(), ParseError> {
    // SAFETY: the caller's contract; `MaybeUninit` asks nothing of the bytes there.
    let option = unsafe { &mut *slot.cast::<MaybeUninit<Option<T>>>() };
    // Every built-in kind has a placeholder (a unit test checks).
    let Some(payload) = option.write(T::placeholder()).as_mut() else {
        return Err(TABLE_MISMATCH);
    };
    // SAFETY: the payload is a place of `T`; `text` is at most `Option<T>`'s `MAX_LEN`, which
    // is `T`'s (the caller's contract); the placeholder there owns nothing that overwriting it
    // would leak.
    unsafe { parse_by_family::<T>(text, (payload as *mut T).cast(), row) }
}

/// [`FieldOps::missing`] of a `T`.
///
/// # Safety
///
/// `slot` is valid for writes of a `T` and aligned for it.
unsafe fn missing_slot<T: ConfigValue>(slot: *mut u8) -> bool {
    match T::missing() {
        Some(value) => {
            // SAFETY: the caller's contract.
            unsafe { slot.cast::<T>().write(value) };
            true
        }
        None => false,
    }
}

/// The facts of `T`, what `ConfigValue::FIELD_FACTS` holds.
pub(crate) const fn field_facts<T: ConfigValue>() -> FieldFacts<T> {
    // SAFETY: every part is `T`'s own, and `parse_value::<T>` writes a `T`.
    unsafe {
        FieldFacts::new(
            crate::fetch::table::FieldEntry::plain(T::FIELD_KIND, T::FIELD_OPS),
            T::FIELD_OPS.ops(),
            T::MAX_LEN,
            T::NEEDS_MAX_LEN,
            T::OPTIONAL,
            parse_value::<T>,
        )
    }
}

/// [`FieldFacts`]'s parser of a `T`: the type's own `parse_into`, which checks the length.
///
/// # Safety
///
/// `slot` is valid for writes of a `T` and aligned for it.
unsafe fn parse_value<T: ConfigValue>(text: &[u8], slot: *mut u8) -> Result<(), ParseError> {
    // SAFETY: the caller's contract; `MaybeUninit` asks nothing of the bytes there.
    let slot = unsafe { &mut *slot.cast::<MaybeUninit<T>>() };
    let place = slot.as_ptr();
    answered_in_slot(T::parse_into(text, slot), place).map(|_| ())
}
