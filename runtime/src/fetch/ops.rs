//! Ops entries and tables: how a field the loop does not write by its kind alone is parsed,
//! defaulted, dropped and checked.
//!
//! A struct's ops table holds its own entries first (a type with no built-in kind, or a field
//! with `default`, `with` or `validate`), then one entry per family of built-in kinds its
//! fields use. It is split by operation, so that an operation no entry has is a table the
//! optimiser folds to `None` and does not link.

use core::marker::PhantomData;

use crate::error::ParseError;
use crate::fetch::kind::FieldRow;

/// How the fields of one type (with one `default`, `with` and `validate`), or of one family of
/// built-in kinds, are filled.
#[derive(Clone, Copy, Debug)]
pub struct FieldOps {
    /// Parses the text into the field's place.
    pub parse: ParseFn,
    /// Writes the value of a key that is not found; `false` if the type has none (the key is
    /// required), the place then left alone.
    pub missing: MissingFn,
    /// Drops a field in place, for a fetch that abandons it and for a refresh that replaces
    /// it. `None` for a type whose drop does no more than zero its bytes, which a failed fetch
    /// and a refresh do to the whole struct anyway.
    pub drop: Option<DropFn>,
    /// Checks a field's value (`#[config(validate = path)]`).
    pub validate: Option<ValidateFn>,
}

/// [`FieldOps::parse`]: parses the text into the place of a field, which holds no value before;
/// `Ok` means it now holds one. The row tells the integer families the field's width.
///
/// Its safety contract: the place is valid for writes of the field's type and aligned for it,
/// and the text is at most that type's `ConfigValue::MAX_LEN` bytes (the built-in families
/// write it without checking its length again).
pub type ParseFn = unsafe fn(&[u8], *mut u8, &FieldRow) -> Result<(), ParseError>;

/// [`FieldOps::missing`]: writes the missing value, if the type has one.
pub type MissingFn = unsafe fn(*mut u8) -> bool;

/// [`FieldOps::drop`]: drops the value in a field's place.
pub type DropFn = unsafe fn(*mut u8);

/// [`FieldOps::validate`]: checks the value in a field's place.
pub type ValidateFn = unsafe fn(*const u8) -> Result<(), ParseError>;

/// A struct's ops table as the fetch loop reads it: one column per operation. Every entry has
/// a parser; only the struct's own entries, which come first, have the other operations, so
/// those columns end where the families start and a lookup past their end means "none".
///
/// [`OpsTable::new`] is the only constructor, so the columns' lengths agree and `drop_written`
/// and `validate_field` are set exactly when an entry has a drop or a check.
#[derive(Clone, Copy, Debug)]
pub struct OpsTable {
    pub(crate) parse: &'static [ParseFn],
    pub(crate) missing: &'static [MissingFn],
    pub(crate) drop: &'static [Option<DropFn>],
    pub(crate) validate: &'static [Option<ValidateFn>],
    /// [`drop_written`] if any entry has a drop: through a pointer, so that a fetch core
    /// shared by several structs links the loop only if one of them needs it.
    pub(crate) drop_written: Option<DropWrittenFn>,
    /// [`validate_field`] if any entry has a check, for the same reason.
    pub(crate) validate_field: Option<ValidateFieldFn>,
}

/// [`OpsTable`]'s `drop_written`.
pub(crate) type DropWrittenFn = unsafe fn(&[FieldRow], &OpsTable, *mut u8, usize);

/// [`OpsTable`]'s `validate_field`.
pub(crate) type ValidateFieldFn = unsafe fn(&OpsTable, usize, *mut u8) -> Result<(), ParseError>;

impl OpsTable {
    /// No entries: the table of a struct the derive refused (so that its errors are all
    /// that is reported).
    pub const EMPTY: OpsTable = OpsTable::new(&[], &[], &[], &[]);

    /// The table of these columns: `parse` for every entry, the others for the own entries.
    ///
    /// # Panics
    ///
    /// At compile time, where the generated code calls it, if the own entries' columns differ
    /// in length, or are longer than `parse`.
    #[allow(clippy::indexing_slicing, clippy::panic)] // `i < len` guards it; compile time only
    pub const fn new(
        parse: &'static [ParseFn],
        missing: &'static [MissingFn],
        drop: &'static [Option<DropFn>],
        validate: &'static [Option<ValidateFn>],
    ) -> Self {
        let own = missing.len();
        assert!(drop.len() == own && validate.len() == own && own <= parse.len());
        let (mut drops, mut validates) = (false, false);
        let mut i = 0;
        while i < own {
            drops |= drop[i].is_some();
            validates |= validate[i].is_some();
            i += 1;
        }
        let drop_written = if drops { Some(drop_written as DropWrittenFn) } else { None };
        let validate_field = if validates { Some(validate_field as ValidateFieldFn) } else { None };
        OpsTable { parse, missing, drop, validate, drop_written, validate_field }
    }
}

/// Whether any entry of an ops table drops its field: whether a refresh must drop the old
/// settings (by their drop glue), or may overwrite them.
pub const fn drops_fields(ops: OpsTable) -> bool {
    ops.drop_written.is_some()
}

/// The columns an [`OpsTable`] refers to, for `N` entries of which the first `OWN` are the
/// struct's own, built at compile time for the generated code to take references of.
#[derive(Clone, Copy, Debug)]
pub struct SplitOps<const N: usize, const OWN: usize> {
    /// The parsers.
    pub parse: [ParseFn; N],
    /// The missing values.
    pub missing: [MissingFn; OWN],
    /// The drops.
    pub drop: [Option<DropFn>; OWN],
    /// The checks.
    pub validate: [Option<ValidateFn>; OWN],
}

/// The [`FieldOps`] of a plain field of type `T`, as `ConfigValue::FIELD_OPS` carries it. Its
/// field is private and its constructors are the crate's, so that constant cannot be given any
/// other value.
#[derive(Debug)]
pub struct TypeOps<T>(FieldOps, PhantomData<fn() -> T>);

impl<T> TypeOps<T> {
    /// The entry `ops`, as the entry of `T`.
    pub(crate) const fn of(ops: FieldOps) -> Self {
        TypeOps(ops, PhantomData)
    }

    /// The table entry.
    pub const fn ops(&self) -> FieldOps {
        self.0
    }
}

impl FieldOps {
    /// The drop of `T`, if it needs one.
    pub const fn drop_of<T>() -> Option<DropFn> {
        if core::mem::needs_drop::<T>() {
            Some(drop_slot::<T>)
        } else {
            None
        }
    }
}

/// [`FieldOps::drop`] of a `T`.
///
/// # Safety
///
/// `slot` holds a `T`, which is not used again.
unsafe fn drop_slot<T>(slot: *mut u8) {
    // SAFETY: the caller's contract.
    unsafe { core::ptr::drop_in_place(slot.cast::<T>()) };
}

/// Drops the fields of `rows` before `failed` of the struct at `out` that have a drop of their
/// own: [`OpsTable`]'s `drop_written`.
///
/// # Safety
///
/// `out` is a struct `rows` describes, `ops` its table; the fields before `failed` hold values,
/// which are not used again.
unsafe fn drop_written(rows: &[FieldRow], ops: &OpsTable, out: *mut u8, failed: usize) {
    for row in rows.iter().take(failed) {
        // Built-in kinds have no drop.
        if let Some(&Some(drop)) = ops.drop.get(usize::from(row.ops)) {
            // SAFETY: a field of the struct, written; nothing else drops it, since the struct
            // never became whole.
            unsafe { drop(out.add(usize::from(row.offset))) };
        }
    }
}

/// Checks the field of entry `entry` at `slot` with the entry's `validate`, if it has one, and
/// drops it if the check fails: [`OpsTable`]'s `validate_field`.
///
/// # Safety
///
/// `slot` holds a value of the entry's type, which on `Err` is dropped and no longer does.
unsafe fn validate_field(ops: &OpsTable, entry: usize, slot: *mut u8) -> Result<(), ParseError> {
    if let Some(&Some(validate)) = ops.validate.get(entry) {
        // SAFETY: the field holds a value (the contract).
        if let Err(error) = unsafe { validate(slot) } {
            if let Some(&Some(drop)) = ops.drop.get(entry) {
                // SAFETY: written, and not used again: the fetch fails.
                unsafe { drop(slot) };
            }
            return Err(error);
        }
    }
    Ok(())
}

/// What a generated table that does not fit its struct would give; it never happens.
pub(crate) const TABLE_MISMATCH: ParseError = ParseError::Custom("field table out of step");
