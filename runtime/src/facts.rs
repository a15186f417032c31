//! What the derive asks of a field's type, asked once: [`field_facts`] is the one place where
//! the generated code needs `T: ConfigValue`. Everything else it writes reads these facts, so a
//! field of a type that is not a `ConfigValue` is one error at its type, not one per use.

use core::marker::PhantomData;
use core::mem::MaybeUninit;

use crate::error::ParseError;
use crate::fetch::ops::{FieldOps, MissingFn};
use crate::fetch::table::FieldEntry;
use crate::value::{answered_in_slot, ConfigValue, CLOUD_MAX_VALUE_LEN};

/// The facts of a field type `T`, made only by [`field_facts`]: so a `FieldFacts<T>` always
/// describes `T`, and the functions that take one need no bound on `T`.
pub struct FieldFacts<T> {
    entry: FieldEntry,
    ops: FieldOps,
    max_len: usize,
    needs_max_len: bool,
    optional: bool,
    parse: ParseValueFn,
    _type: PhantomData<fn() -> T>,
}

/// A field's `validate` function.
pub type CheckFn<T> = fn(&T) -> Result<(), ParseError>;

/// Parses text into the place of a value, whose type's own parser checks the length.
type ParseValueFn = unsafe fn(&[u8], *mut u8) -> Result<(), ParseError>;

impl<T> Clone for FieldFacts<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for FieldFacts<T> {}

impl<T> core::fmt::Debug for FieldFacts<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FieldFacts")
            .field("entry", &self.entry)
            .field("max_len", &self.max_len)
            .field("optional", &self.optional)
            .finish_non_exhaustive()
    }
}

/// The facts of `T`.
pub const fn field_facts<T: ConfigValue>() -> FieldFacts<T> {
    FieldFacts {
        entry: FieldEntry::plain(T::FIELD_KIND, T::FIELD_OPS),
        ops: T::FIELD_OPS.ops(),
        max_len: T::MAX_LEN,
        needs_max_len: T::NEEDS_MAX_LEN,
        optional: T::OPTIONAL,
        parse: parse_value::<T>,
        _type: PhantomData,
    }
}

impl<T> FieldFacts<T> {
    /// The ops-table entry of a plain field of this type.
    pub const fn entry(&self) -> FieldEntry {
        self.entry
    }

    /// The type's ops, from which a field with its own entry borrows what it does not change.
    pub const fn ops(&self) -> FieldOps {
        self.ops
    }

    /// `ConfigValue::MAX_LEN`.
    pub const fn type_max_len(&self) -> usize {
        self.max_len
    }

    /// A field's `max_len` when none is written: the type's, capped at the cloud's limit.
    pub const fn max_len(&self) -> usize {
        if self.max_len < CLOUD_MAX_VALUE_LEN {
            self.max_len
        } else {
            CLOUD_MAX_VALUE_LEN
        }
    }

    /// Whether a field of the type must say its `max_len` (`ConfigValue::NEEDS_MAX_LEN`).
    pub const fn needs_max_len(&self) -> bool {
        self.needs_max_len
    }

    /// `ConfigValue::OPTIONAL`.
    pub const fn optional(&self) -> bool {
        self.optional
    }

    /// The value's missing value, if the type has one.
    pub const fn missing(&self) -> MissingFn {
        self.ops.missing
    }
}

/// Parses `text` as a `T` and checks it with `validate`, keeping nothing: a field's verdict,
/// for reports and checks of a cloud file.
///
/// # Errors
///
/// The parser's, then `validate`'s.
pub fn check_text<T>(
    facts: &FieldFacts<T>,
    text: &[u8],
    validate: Option<CheckFn<T>>,
) -> Result<(), ParseError> {
    let mut value = MaybeUninit::<T>::uninit();
    // SAFETY: `facts` describes `T` (only `field_facts` makes one), and the place is a `T`'s.
    unsafe { (facts.parse)(text, value.as_mut_ptr().cast()) }?;
    // SAFETY: `Ok` means the parser wrote a value there.
    let value = unsafe { value.assume_init() };
    validate.map_or(Ok(()), |validate| validate(&value))
}

/// Checks the value a missing key gives a `T` (if any) with `validate`.
///
/// # Errors
///
/// `validate`'s.
pub fn check_missing<T>(facts: &FieldFacts<T>, validate: CheckFn<T>) -> Result<(), ParseError> {
    let mut value = MaybeUninit::<T>::uninit();
    // SAFETY: as in `check_text`: a `T`'s place, and `T`'s missing value.
    if !unsafe { (facts.ops.missing)(value.as_mut_ptr().cast()) } {
        return Ok(());
    }
    // SAFETY: `true` means a value was written there.
    let value = unsafe { value.assume_init() };
    validate(&value)
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

/// A type whose `#[config(default = "text")]` is that text: `heapless::String<N>`, and a
/// `Secret` of one. The derive checks at compile time that the text fits, so building the
/// default cannot fail.
#[diagnostic::on_unimplemented(
    message = "`default = \"...\"` needs a text field, and `{Self}` is not one",
    label = "a text default for a field of this type",
    note = "a text default is for `heapless::String<N>` (or a `Secret` of one); for any other \
            type, write the default as a value of the type: `default = 8883`"
)]
pub trait TextDefault: Sized {
    /// The type's capacity and the function that builds it from text that fits.
    #[doc(hidden)]
    const TEXT_DEFAULT: TextDefaultOf<Self>;
}

/// What [`TextDefault`] tells the derive.
#[derive(Debug)]
pub struct TextDefaultOf<T> {
    /// The longest text, in bytes, the type holds.
    pub capacity: usize,
    /// Builds a value from text of at most `capacity` bytes.
    pub make: fn(&'static str) -> T,
}

#[diagnostic::do_not_recommend]
impl<const N: usize> TextDefault for heapless::String<N> {
    const TEXT_DEFAULT: TextDefaultOf<Self> = TextDefaultOf { capacity: N, make: string_of::<N> };
}

#[diagnostic::do_not_recommend]
impl<T: TextDefault> TextDefault for crate::Secret<T> {
    const TEXT_DEFAULT: TextDefaultOf<Self> =
        TextDefaultOf { capacity: T::TEXT_DEFAULT.capacity, make: secret_of::<T> };
}

/// `text` as a `String<N>`. The derive checked that it fits, so the push cannot fail; were it
/// not, the default would be empty rather than a panic.
fn string_of<const N: usize>(text: &'static str) -> heapless::String<N> {
    let mut string = heapless::String::new();
    let _fits = string.push_str(text);
    string
}

fn secret_of<T: TextDefault>(text: &'static str) -> crate::Secret<T> {
    crate::Secret::new((T::TEXT_DEFAULT.make)(text))
}
