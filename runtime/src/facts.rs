//! What the derive asks of a field's type, asked once: `ConfigValue::FIELD_FACTS` is the one
//! place where the generated code needs `T: ConfigValue`. Everything else it writes reads these
//! facts, so a field of a type that is not a `ConfigValue` is one error at its type, not one
//! per use. (The facts of a `T` are made beside the trait, in `value.rs`: this module sits
//! below it.)

use core::marker::PhantomData;
use core::mem::MaybeUninit;

use crate::error::ParseError;
use crate::fetch::ops::{FieldOps, MissingFn};
use crate::fetch::table::FieldEntry;
use crate::schema::CLOUD_MAX_VALUE_LEN;

/// The facts of a field type `T`, made only by `field_facts` (in `value.rs`): so a
/// `FieldFacts<T>` always describes `T`, and the functions that take one need no bound on `T`.
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
pub(crate) type ParseValueFn = unsafe fn(&[u8], *mut u8) -> Result<(), ParseError>;

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

impl<T> FieldFacts<T> {
    /// The facts of `T`, from what its `ConfigValue` impl says.
    ///
    /// # Safety
    ///
    /// Each part is `T`'s own: its plain entry and ops, its `MAX_LEN`, `NEEDS_MAX_LEN` and
    /// `OPTIONAL`, and a `parse` that writes a `T` (`check_text` trusts it with a `T`'s place).
    pub(crate) const unsafe fn new(
        entry: FieldEntry,
        ops: FieldOps,
        max_len: usize,
        needs_max_len: bool,
        optional: bool,
        parse: ParseValueFn,
    ) -> Self {
        FieldFacts { entry, ops, max_len, needs_max_len, optional, parse, _type: PhantomData }
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
