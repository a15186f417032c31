//! The non-generic core of every generated fetch.
//!
//! The derive generates tables, not code: per struct the request (`KEYS`) and one [`FieldRow`]
//! per field (where the field lives, how long its text may be, and its [`FieldKind`]). One loop,
//! [`receive_fields`], reads item after item into the read buffer and writes each value straight
//! into its field's place. The field types the crate knows (`heapless::String`/`Vec`, `Hex`,
//! integers, `bool`, `Secret` of those, and `Option` of most of them) are parsed here by their
//! kind code, by a parser per family of kinds: a struct's fields cost a table row each,
//! whatever their types and capacities; for an `Option` the loop writes the tag, then hands the
//! payload to its family's parser. Other types (floats, `Base64`, your own, an `Option` the
//! loop does not lay out, fields with `with`, `default` or `validate`) go through a
//! [`FieldOps`] entry of their own, one per distinct type; that of an `Option` of a built-in
//! kind writes `Some` and hands the payload to the kind's parser. All the protocol logic
//! (response checks, item reads, length checks, secret wiping, closing, dropping what was
//! written when a fetch stops half-way) lives here once, however many structs and fields a
//! firmware has.

use core::marker::PhantomData;
use core::mem::{align_of, size_of, ManuallyDrop, MaybeUninit};

use zeroize::Zeroize;

use crate::channel::{ConfigChannel, KeySpec, Request};
use crate::error::{FetchError, ItemError, ParseError};
use crate::ffi::{MvConfigFetchResult, MvConfigKeyFetchResult};
use crate::parse;
use crate::report::FieldOutcome;
use crate::value::ConfigValue;

/// One field of a settings struct, as the fetch loop sees it: 6 bytes, so a struct of 64
/// fields has 384 bytes of rows (the request beside them is 16 bytes a key, as the system call
/// reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldRow {
    /// `offset_of!` the field in the struct: a settings struct is at most 64 KiB (as the C
    /// baseline's, whose rows hold the offset in 16 bits too), checked at compile time.
    pub offset: u16,
    /// The longest text accepted (at most 4096 in the rows the derive generates).
    pub max_len: u16,
    /// The field type's [`FieldKind`] code: a type the loop parses itself, or
    /// [`FieldKind::CUSTOM`] for one with an entry of its own.
    pub kind: u8,
    /// Which entry of the struct's [`OpsTable`] fills it: its type's own, or its family's.
    pub ops: u8,
}

/// Kind codes of [`FieldKind`].
mod code {
    pub const CUSTOM: u8 = 0;
    /// `heapless::String<N>`: a `usize` length, then the bytes (checked by `FieldKind::text`).
    pub const TEXT: u8 = 1;
    /// `heapless::Vec<u8, N>`: the same layout.
    pub const BYTES: u8 = 2;
    /// `Hex<N>` (`repr(C)`: a `usize` length, then the bytes).
    pub const HEX: u8 = 3;
    pub const BOOL: u8 = 4;
    /// `U8 + n`: an unsigned integer of `1 << n` bytes, at most four (wider integers are parsed
    /// by their own `ConfigValue` impl: the loop's parser works in 32 bits). The integer codes
    /// are laid out so that the parsers read the width from the low two bits, with no
    /// arithmetic; [`SIGNED`] tells the two families apart (`family`), and with them which
    /// parser runs.
    pub const U8: u8 = 8;
    pub const U32: u8 = 10;
    /// `I8 + n`: a signed integer of `1 << n` bytes, at most four.
    pub const I8: u8 = U8 | SIGNED;
    pub const I32: u8 = U32 | SIGNED;
    /// The bit that tells a signed integer kind from an unsigned one.
    pub const SIGNED: u8 = 4;
    /// `Option` of a built-in kind, laid out as a tag, then the payload (see `option_code`):
    /// this bit, [`OPTION_BYTE_TAG`] or not, and the payload's code in the [`PAYLOAD`] bits.
    /// The loop writes the tag and hands the payload's place to the payload's family parser,
    /// which reads only the [`PAYLOAD`] bits.
    pub const OPTION: u8 = 0x80;
    /// With [`OPTION`]: the tag is one byte, before a payload aligned to one byte; without it,
    /// a word (a `usize`), before a payload aligned to a word.
    pub const OPTION_BYTE_TAG: u8 = 0x40;
    /// The bits of a kind that are a built-in kind's own code.
    pub const PAYLOAD: u8 = 0x0f;
}

/// How the fetch loop fills a field of type `T`: the code of a built-in kind it parses itself,
/// or [`FieldKind::CUSTOM`] (through the type's [`FieldOps`]).
///
/// The loop writes a built-in kind's value by its layout, so only this crate can name one: the
/// constructors of the built-in kinds are private, each on the one type whose layout it
/// describes. The `ConfigValue::FIELD_KIND` constant that carries it cannot be given a kind of
/// another type.
pub struct FieldKind<T> {
    code: u8,
    /// The code of `Option<T>`: an `Option` kind if `T` is of a built-in kind and the `Option`
    /// is laid out as the loop writes it (`option_code`), else `CUSTOM`.
    option: u8,
    _type: PhantomData<fn() -> T>,
}

impl<T> FieldKind<T> {
    /// Filled through the type's [`FieldOps`] entry.
    pub const CUSTOM: Self =
        FieldKind { code: code::CUSTOM, option: code::CUSTOM, _type: PhantomData };

    /// The code a [`FieldRow`] carries.
    pub const fn code(&self) -> u8 {
        self.code
    }

    /// Whether a family parser may be handed a place of this type: a built-in kind, not an
    /// `Option` of one (whose tag only the loop writes, before it hands the payload to the
    /// payload's family). What keeps an `Option` kind out of `parse_by_family`,
    /// `parse_into_by_kind` and the entries built on them, which would parse into the tag.
    pub const fn is_parsed_by_family(&self) -> bool {
        self.code != code::CUSTOM && self.code & code::OPTION == 0
    }

    /// Whether the loop fills a field of this type by its row alone, with no ops entry: a
    /// built-in kind, or an `Option` of one.
    pub const fn is_parsed_by_loop(&self) -> bool {
        self.code != code::CUSTOM
    }

    /// A built-in kind. `some` is `Some` of `T`'s placeholder, whose first byte is initialized
    /// (a zero length, a zero): the `Option`'s layout is read from it (`option_code`).
    ///
    /// # Safety
    ///
    /// `code` describes `T`'s layout (see `code`).
    const unsafe fn new(code: u8, some: &ManuallyDrop<Option<T>>) -> Self {
        FieldKind { code, option: option_code(code, some), _type: PhantomData }
    }
}

/// The code of `Option<T>`, `T` of built-in kind `code`: an `Option` kind ([`code::OPTION`])
/// if the `Option` is laid out as the loop writes one — a tag as wide as `T`'s alignment, one
/// byte or a word (`usize`), 1 for `Some` and 0 for `None`, then the payload — and `CUSTOM`
/// otherwise (the `Option` then has an ops entry, [`parse_option`]): a payload aligned to two
/// bytes (`u16`, `i16`), or to four on a 64-bit host (`u32`, `i32`; on the device four is a
/// word), or a type with a niche (`bool`: `None` is 2). `some` is `Some` of `T`'s placeholder.
///
/// Rust does not promise `Option`'s layout, so it is checked for every type at compile time:
/// its size is `T`'s plus `T`'s alignment, so the payload starts at the start or one alignment
/// in; the first byte of `some` is 1, where a payload at the start would hold the
/// placeholder's zero, so the payload is one alignment in and the tag before it; and the
/// first byte of `None` is 0. The tag may be one byte with padding after it rather than a
/// word (rustc widens it to the payload's alignment): the loop writes the whole width, which
/// gives the tag's byte and zeroes the padding. That holds on a little-endian target only, as
/// both of ours are: on a big-endian one, a one-byte tag before padding would take the high
/// byte of the word written, so there every `Option` stays `CUSTOM`. A layout with padding
/// before the tag, which rustc does not make, would fail to compile here (compile-time
/// evaluation refuses to read such a byte) rather than build a wrong loop.
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

impl<T> FieldKind<Option<T>> {
    /// The kind of `Option<T>` (see [`option_code`]).
    pub(crate) const fn option(inner: FieldKind<T>) -> Self {
        FieldKind { code: inner.option, option: code::CUSTOM, _type: PhantomData }
    }
}

impl<T> core::fmt::Debug for FieldKind<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("FieldKind").field(&self.code).finish()
    }
}

/// Whether `V`, a `heapless` string or vector of `u8` with room for `capacity` bytes, is laid
/// out as the loop writes it: a `usize` length, then the bytes. `heapless` does not promise a
/// layout, so this is checked for every capacity at compile time: the size must be one word
/// plus the bytes, and the first word of an empty value must be initialized, which in an empty
/// value only the length is. A layout that fails the size check falls back to the type's
/// generic parser; one whose first word is not initialized does not compile (compile-time
/// evaluation refuses to read such bytes), rather than build code that writes the wrong bytes.
const fn len_then_bytes<V>(empty: &ManuallyDrop<V>, capacity: usize) -> bool {
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

impl<const N: usize> FieldKind<heapless::String<N>> {
    pub(crate) const fn text() -> Self {
        if len_then_bytes(&ManuallyDrop::new(heapless::String::<N>::new()), N) {
            // SAFETY: checked just above.
            unsafe { Self::new(code::TEXT, &ManuallyDrop::new(Some(heapless::String::new()))) }
        } else {
            Self::CUSTOM
        }
    }
}

impl<const N: usize> FieldKind<heapless::Vec<u8, N>> {
    pub(crate) const fn bytes() -> Self {
        if len_then_bytes(&ManuallyDrop::new(heapless::Vec::<u8, N>::new()), N) {
            // SAFETY: checked just above.
            unsafe { Self::new(code::BYTES, &ManuallyDrop::new(Some(heapless::Vec::new()))) }
        } else {
            Self::CUSTOM
        }
    }
}

impl<const N: usize> FieldKind<crate::Hex<N>> {
    pub(crate) const fn hex() -> Self {
        // SAFETY: `Hex<N>` is `repr(C)`: a `usize` length, then `N` bytes.
        unsafe { Self::new(code::HEX, &ManuallyDrop::new(Some(crate::Hex::new()))) }
    }
}

impl FieldKind<bool> {
    pub(crate) const fn boolean() -> Self {
        // SAFETY: a `bool` is one byte, 0 or 1.
        unsafe { Self::new(code::BOOL, &ManuallyDrop::new(Some(false))) }
    }
}

/// The kind of an integer type: `U8 + n` or `I8 + n` for one of `1 << n` bytes, up to four.
/// `zero` is `Some(0)`.
pub(crate) const unsafe fn integer_kind<T>(
    signed: bool,
    zero: &ManuallyDrop<Option<T>>,
) -> FieldKind<T> {
    let log2_width = size_of::<T>().trailing_zeros() as u8;
    if size_of::<T>() > 4 {
        return FieldKind::CUSTOM;
    }
    // SAFETY: the caller's contract: `T` is a primitive integer, signed as said.
    unsafe { FieldKind::new(if signed { code::I8 } else { code::U8 } + log2_width, zero) }
}

impl<T> FieldKind<crate::Secret<T>> {
    /// A `Secret<T>` is laid out as its `T` (`repr(transparent)`), and parsed as it: a fetch
    /// that fails wipes the whole struct it was filling, so the loop need not tell secrets.
    ///
    /// `Option<Secret<T>>` keeps an ops entry of its own ([`parse_option`]): `repr(transparent)`
    /// promises `Secret<T>` the layout of `T`, not `Option<Secret<T>>` that of `Option<T>`,
    /// and there is no placeholder of a `Secret` to check it on at compile time.
    pub(crate) const fn secret(inner: FieldKind<T>) -> Self {
        // `Secret<T>` is `repr(transparent)` over `T`, whose kind `inner` is (`CUSTOM` stays
        // `CUSTOM`; an `Option` kind stays one: `Secret<Option<T>>` is laid out as `Option<T>`).
        FieldKind { code: inner.code, option: code::CUSTOM, _type: PhantomData }
    }
}

/// How the fields of one type (with one `default`, `with` and `validate`), or of one family of
/// built-in kinds, are filled. Fields of the same plain type share one entry, and so do the
/// fields of the built-in kinds of one family (every `heapless::String`, every unsigned
/// integer...), whatever their capacities or widths.
#[derive(Clone, Copy, Debug)]
pub struct FieldOps {
    /// Parses the text into the field's place.
    pub parse: ParseFn,
    /// Writes the value of a key that is not found into the field's place; `false` if the
    /// type has none (the key is required), the place then left alone.
    pub missing: MissingFn,
    /// Drops a field in place: what a fetch runs on a field it abandons, and what decides how
    /// a refresh replaces the old settings ([`drops_fields`]). `None` for a type that needs no
    /// drop beyond zeroing its bytes, which a failed fetch does to the whole struct, and a
    /// refresh to its staging copy: a type without drop glue; one of a built-in kind, whose drop
    /// does at most that (a `Secret`'s; `heapless`'s `Drop` of a `u8` buffer does nothing); an
    /// `Option` or `Secret` of such a type.
    pub drop: Option<DropFn>,
    /// Checks a field's value (`#[config(validate = path)]`).
    pub validate: Option<ValidateFn>,
}

/// [`FieldOps::parse`]: parses the text into the place of a field, which holds no value before;
/// `Ok` means it now holds one. The row tells the integer families' parsers the field's kind;
/// no parser reads its `max_len`, and a type's own parser nothing of it.
///
/// Its safety contract: the place is valid for writes of the field's type and aligned for it,
/// and the text is at most that type's `ConfigValue::MAX_LEN` bytes (the built-in families
/// write it without checking its length again). The fetch loop's read bounds the text by the
/// row's `max_len`, which `FetchPlan::new`'s contract keeps within that `MAX_LEN`.
pub type ParseFn = unsafe fn(&[u8], *mut u8, &FieldRow) -> Result<(), ParseError>;

/// [`FieldOps::missing`]: writes the missing value, if the type has one.
pub type MissingFn = unsafe fn(*mut u8) -> bool;

/// [`FieldOps::drop`]: drops the value in a field's place.
pub type DropFn = unsafe fn(*mut u8);

/// [`FieldOps::validate`]: checks the value in a field's place.
pub type ValidateFn = unsafe fn(*const u8) -> Result<(), ParseError>;

/// A struct's ops table as the fetch loop reads it: one table per operation, entry `i` of each
/// from entry `i` of the struct's [`FieldOps`] list (`ops_table`, through [`split_ops`]).
/// Apart, so that an operation no entry has (no field with `validate`, none that needs a drop)
/// is a table every load of which the optimiser folds to `None`, and which is then not linked.
/// Every entry has a parser; only the struct's own entries, which come first, have the other
/// operations: a family of built-in kinds has no missing value (such a field is required),
/// drop or check, so those tables end where the families start, and a lookup past the end
/// means "none". The table of a struct whose fields are all of the crate's types is its
/// parsers alone.
///
/// Its fields are private and [`OpsTable::new`] its only constructor, so that the tables have
/// consistent lengths and `drop_written` and `validate_field` are set exactly when an entry
/// has a drop or a check.
#[derive(Clone, Copy, Debug)]
pub struct OpsTable {
    /// [`FieldOps::parse`] of each entry.
    parse: &'static [ParseFn],
    /// [`FieldOps::missing`] of each of the struct's own entries.
    missing: &'static [MissingFn],
    /// [`FieldOps::drop`] of each of the struct's own entries.
    drop: &'static [Option<DropFn>],
    /// [`FieldOps::validate`] of each of the struct's own entries.
    validate: &'static [Option<ValidateFn>],
    /// [`drop_written`] if any entry of `drop` is `Some` ([`drops_fields`], known without a
    /// loop). Through a pointer, so that a fetch core shared by several structs links the loop
    /// only if one of them has a field to drop.
    drop_written: Option<DropWrittenFn>,
    /// [`validate_field`] if any entry of `validate` is `Some`, for the same reason.
    validate_field: Option<ValidateFieldFn>,
}

/// [`OpsTable`]'s `drop_written`.
type DropWrittenFn = unsafe fn(&FetchPlan, *mut u8, usize);

/// [`OpsTable`]'s `validate_field`.
type ValidateFieldFn = unsafe fn(&OpsTable, usize, *mut u8) -> Result<(), ParseError>;

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

/// The columns an [`OpsTable`] refers to, for `N` entries of which the first `OWN` are the
/// struct's own: what [`split_ops`] builds, at compile time, for the generated code to take
/// references of.
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

/// The [`FieldOps`] of a plain field of type `T`: parsed by `T::parse_into`, or by its kind's
/// family parser if `T` is of a built-in kind, missing as `T::missing()` (the crate's `Option`
/// of a built-in kind parses its payload through the kind's family too, `parse_option`). Its
/// field is private and [`TypeOps::new`] its only public constructor, so the
/// `ConfigValue::FIELD_OPS` constant that carries it cannot be given any other value.
#[derive(Debug)]
pub struct TypeOps<T>(FieldOps, PhantomData<fn() -> T>);

impl<T: ConfigValue> TypeOps<T> {
    /// The entry of `T`. The loop reads it only for a field with its own entry (`default`,
    /// `validate`): a plain field of a built-in kind is parsed by its family's row. Such an
    /// entry's parser is that family's too, so that a struct with `port: u16` and
    /// `#[config(default = 1883)] backup_port: u16` links one integer parser, not two.
    pub const fn new() -> Self {
        let parse: ParseFn = if T::FIELD_KIND.is_parsed_by_family() {
            parse_by_family::<T>
        } else {
            parse_slot::<T>
        };
        TypeOps(
            FieldOps {
                parse,
                missing: missing_slot::<T>,
                drop: FieldOps::drop_of_value::<T>(),
                validate: None,
            },
            PhantomData,
        )
    }

    /// The entry of `T`, a type that holds one `W` and whose drop does nothing but drop it
    /// and zero bytes (`Option<W>`, `Secret<W>`): it needs a drop only if `W` does.
    pub(crate) const fn wrapping<W: ConfigValue>() -> Self {
        let mut ops = Self::new().0;
        if W::FIELD_OPS.0.drop.is_none() {
            ops.drop = None;
        }
        TypeOps(ops, PhantomData)
    }
}

impl<T: ConfigValue> Default for TypeOps<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: ConfigValue> TypeOps<Option<T>> {
    /// The entry of `Option<T>`, `T` of a built-in kind: `Some` written, then the payload
    /// parsed by its kind's parser, with no copy of that parser. Used by a field with an entry
    /// of its own (`default`, `validate`) and by an `Option` whose layout the loop does not
    /// write from a row (`option_code`); a plain field of an `Option` kind has no entry.
    pub(crate) const fn option() -> Self {
        TypeOps(
            FieldOps {
                parse: parse_option::<T>,
                missing: missing_slot::<Option<T>>,
                // `T` is of a built-in kind: `Some(T)` needs no drop beyond the wipe either.
                drop: None,
                validate: None,
            },
            PhantomData,
        )
    }
}

impl<T> TypeOps<T> {
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

    /// The drop of a field of type `T` ([`FieldOps::drop`]): none for a built-in kind, whose
    /// drop only zeroes bytes that the fetch or refresh zeroes anyway.
    const fn drop_of_value<T: ConfigValue>() -> Option<DropFn> {
        if T::FIELD_KIND.is_parsed_by_family() {
            None
        } else {
            Self::drop_of::<T>()
        }
    }
}

/// One distinct kind of field of a struct, as the derive lists them at compile time: the
/// type's kind, and the ops entry it needs (`None` for a built-in kind or an `Option` kind,
/// which is filled by its family's entry). [`field_row`] and [`split_ops`] turn the list into
/// the struct's rows and ops tables; the list itself is not kept.
#[derive(Clone, Copy, Debug)]
pub struct FieldEntry {
    /// The [`FieldKind`] code.
    pub kind: u8,
    /// The ops, for a kind the loop does not parse itself.
    pub ops: Option<FieldOps>,
}

impl FieldEntry {
    /// The entry of a plain field of type `T`, from its `ConfigValue::FIELD_KIND` and
    /// `FIELD_OPS`: no ops of its own if `T` has a built-in kind, so that its generic parser is
    /// not linked. (No `T: ConfigValue` bound: a type that lacks the impl is reported once,
    /// where the derive names those constants.)
    pub const fn plain<T>(kind: FieldKind<T>, ops: TypeOps<T>) -> Self {
        if kind.is_parsed_by_loop() {
            FieldEntry { kind: kind.code(), ops: None }
        } else {
            FieldEntry { kind: code::CUSTOM, ops: Some(ops.0) }
        }
    }

    /// The entry of a field with its own ops (`default`, `with`, `validate`).
    pub const fn custom(ops: FieldOps) -> Self {
        FieldEntry { kind: code::CUSTOM, ops: Some(ops) }
    }
}

// A struct's ops table: the entries with ops of their own first, in order, then one entry per
// family of built-in kinds its fields use, in code order. Only the parsers of those families are
// linked: a firmware whose settings hold no signed integer carries no signed parser.

/// The family of built-in kind `kind`: the code of the parser that fills it (`U8` for every
/// unsigned integer, `I8` for every signed one).
const fn family(kind: u8) -> u8 {
    match kind & code::PAYLOAD {
        code::U8..=code::U32 => code::U8,
        code::I8..=code::I32 => code::I8,
        other => other,
    }
}

/// The families of built-in kinds `entries` use, a bit each.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
const fn families_used(entries: &[FieldEntry]) -> u32 {
    let mut families = 0u32;
    let mut i = 0;
    while i < entries.len() {
        if entries[i].ops.is_none() {
            families |= 1 << family(entries[i].kind);
        }
        i += 1;
    }
    families
}

/// How many of the first `end` of `entries` have ops of their own.
#[allow(clippy::indexing_slicing)] // `i < end <= len` guards it; evaluated at compile time
const fn own_ops_before(entries: &[FieldEntry], end: usize) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < end && i < entries.len() {
        if entries[i].ops.is_some() {
            count += 1;
        }
        i += 1;
    }
    count
}

/// The row of a field of entry `entry` of `entries`.
///
/// # Panics
///
/// At compile time, if the struct needs more than 256 ops entries (the derive refuses such a
/// struct first), if `max_len` is past `u16::MAX` (the derive refuses past the cloud's 4096
/// first), or if the field starts past 64 KiB into the struct (the derive refuses that first,
/// naming the field).
#[allow(clippy::indexing_slicing, clippy::panic)] // evaluated at compile time only
pub const fn field_row(
    entries: &[FieldEntry],
    entry: usize,
    offset: usize,
    max_len: usize,
) -> FieldRow {
    let (kind, ops) = if entries[entry].ops.is_some() {
        (code::CUSTOM, own_ops_before(entries, entry))
    } else {
        let kind = entries[entry].kind;
        let families_before = families_used(entries) & ((1 << family(kind)) - 1);
        (kind, own_ops_count(entries) + families_before.count_ones() as usize)
    };
    assert!(ops <= u8::MAX as usize && max_len <= u16::MAX as usize);
    assert!(
        offset <= u16::MAX as usize,
        "MicrovisorConfig: a field starts past 64 KiB into the struct; a settings struct's \
         fields must lie within its first 64 KiB (give a large field a smaller capacity, or \
         split the struct)"
    );
    FieldRow { offset: offset as u16, max_len: max_len as u16, kind, ops: ops as u8 }
}

/// How many entries the ops table of `entries` has.
pub const fn ops_count(entries: &[FieldEntry]) -> usize {
    own_ops_count(entries) + families_used(entries).count_ones() as usize
}

/// The ops table of `entries`; `N` is [`ops_count`].
#[allow(clippy::indexing_slicing)] // evaluated at compile time only
pub const fn ops_table<const N: usize>(entries: &[FieldEntry]) -> [FieldOps; N] {
    let mut table = [builtin_ops(code::CUSTOM); N];
    let mut next = 0;
    let mut i = 0;
    while i < entries.len() {
        if let Some(ops) = entries[i].ops {
            table[next] = ops;
            next += 1;
        }
        i += 1;
    }
    let families = families_used(entries);
    let mut family = 0;
    while family < u32::BITS {
        if families & (1 << family) != 0 {
            table[next] = builtin_ops(family as u8);
            next += 1;
        }
        family += 1;
    }
    table
}

/// How many of the entries of the ops table of `entries` are the struct's own (the first ones;
/// the families' follow).
pub const fn own_ops_count(entries: &[FieldEntry]) -> usize {
    own_ops_before(entries, entries.len())
}

/// The ops table of `entries`, split by operation ([`OpsTable`]); `N` is [`ops_count`], `OWN`
/// [`own_ops_count`].
#[allow(clippy::indexing_slicing)] // evaluated at compile time only
pub const fn split_ops<const N: usize, const OWN: usize>(
    entries: &[FieldEntry],
) -> SplitOps<N, OWN> {
    let table: [FieldOps; N] = ops_table(entries);
    let first = builtin_ops(code::CUSTOM);
    let mut split = SplitOps {
        parse: [first.parse; N],
        missing: [first.missing; OWN],
        drop: [None; OWN],
        validate: [None; OWN],
    };
    let mut i = 0;
    while i < N {
        split.parse[i] = table[i].parse;
        if i < OWN {
            split.missing[i] = table[i].missing;
            split.drop[i] = table[i].drop;
            split.validate[i] = table[i].validate;
        }
        i += 1;
    }
    split
}

/// The parser of built-in kind `kind`: its family's.
const fn family_parser(kind: u8) -> ParseFn {
    builtin_ops(family(kind)).parse
}

/// The ops of a family of built-in kinds: its parser, and no default, drop or check.
const fn builtin_ops(family: u8) -> FieldOps {
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

/// [`FieldOps::parse`] of a `T` of a built-in kind: its family's parser, handed a constant row
/// of `T`'s kind (the row it is called with is the field's own entry's, of kind `CUSTOM`). For
/// a field of type `T` with its own entry, and the payload of an `Option<T>` ([`parse_option`]).
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
    crate::value::answered_in_slot(T::parse_into(text, slot), place).map(|_| ())
}

/// [`FieldOps::parse`] of an `Option<T>`, `T` of a built-in kind, for a field with an entry of
/// its own (see [`TypeOps::option`]): writes `Some` of `T`'s placeholder (its length, say: no
/// more), then hands the payload's place to the kind's parser.
/// That parser is not inlined here, and is called last with a row already in memory, so the
/// call is a jump: no second copy of it, and no frame on top of its own.
///
/// Not `Option::parse_into`, which does the same steps through `parse_into_by_kind`: that one
/// checks the text's length (it may be handed any text) and wipes the payload on failure,
/// where here the read has bounded the length and the fetch's unwind wipes the whole struct;
/// the loop's copy carries neither.
///
/// Through [`parse_by_family`], which hands the family's parser a constant row of `T`'s kind,
/// not the field's, which says `CUSTOM` (its entry is the `Option`'s, whether plain or with
/// `validate`): the integer families read the width and sign from the kind.
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

/// [`FieldOps::drop`] of a `T`.
///
/// # Safety
///
/// `slot` holds a `T`, which is not used again.
unsafe fn drop_slot<T>(slot: *mut u8) {
    // SAFETY: the caller's contract.
    unsafe { core::ptr::drop_in_place(slot.cast::<T>()) };
}

// The parsers of the built-in families. Each is handed the place of a value of the row's kind
// (a field's, or an `Option`'s payload), which holds no value: valid for writes of the type the
// kind describes, aligned for it; and a text of at most that type's `MAX_LEN`, its capacity
// ([`ParseFn`]'s contract, which `FetchPlan::new`'s keeps for the loop). The fetch loop's read
// refuses a longer text (too long), and `parse_into_by_kind` hands one to the type's own
// parser: so the parsers write without checking the length again, as the C baseline's do.
// None is inlined: `parse_by_family` and `parse_into_by_kind` call them too, and a call is
// smaller than a copy.

/// `TEXT`, `heapless::String`: checked to be UTF-8, then copied.
///
/// # Safety
///
/// See above.
#[inline(never)]
unsafe fn parse_text_field(text: &[u8], slot: *mut u8, _: &FieldRow) -> Result<(), ParseError> {
    let text = parse::utf8(text)?.as_bytes();
    // SAFETY: the caller's contract.
    unsafe { write_len_then_bytes(text, slot) };
    Ok(())
}

/// `BYTES`, `heapless::Vec<u8, N>`: copied as they are.
///
/// # Safety
///
/// See above.
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
/// See above.
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
    let len = parse::decode_hex(bytes, text)?;
    // SAFETY: the length word.
    unsafe { slot.cast::<usize>().write(len) };
    Ok(())
}

/// `BOOL`.
///
/// # Safety
///
/// See above.
#[inline(never)]
unsafe fn parse_bool_field(text: &[u8], slot: *mut u8, _: &FieldRow) -> Result<(), ParseError> {
    let value = parse::parse_bool(text)?;
    // SAFETY: a `bool` field.
    unsafe { slot.cast::<bool>().write(value) };
    Ok(())
}

/// `U8 + n`, an unsigned integer of `1 << n` bytes: digits only.
///
/// # Safety
///
/// See above.
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
/// See above.
#[inline(never)]
unsafe fn parse_signed_field(text: &[u8], slot: *mut u8, row: &FieldRow) -> Result<(), ParseError> {
    let (negative, from) = parse::sign_of(text);
    // SAFETY: the caller's contract.
    unsafe { store_integer(text, from, negative, true, slot, row.kind) }
}

/// Parses the digits of `text` from `from` on into the integer field of kind `kind` at `slot`,
/// `signed` or not, `negative` or not (see [`parse::narrow_digits`]). Inlined into the unsigned
/// family's parser when a firmware has no signed one, its sign then known to be absent.
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
    // At most 2 for the integer kinds, the only rows these parsers are handed (their family's,
    // and `parse_by_family`'s constant ones). Not clamped: for 3, the parser works in 32 bits and
    // `write_integer` writes four bytes, as for 2; no code makes either do more.
    let log2_width = kind & 3;
    let bits = parse::narrow_digits(text, from, negative, signed, log2_width)?;
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

/// Writes the tag of an `Option` of `Option` kind `kind` at `slot`, `Some` or `None`, and
/// returns its payload's place.
///
/// # Safety
///
/// `slot` is valid for writes of an `Option` laid out as `kind` says (see `option_code`), and
/// aligned for it.
#[inline(always)]
unsafe fn write_option_tag(slot: *mut u8, kind: u8, some: bool) -> *mut u8 {
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

/// Overwrites `len` bytes at `at` with zeros, in a way the optimiser keeps (`zeroize`, as
/// `Secret`'s drop; as `MaybeUninit` bytes, since a half-written struct may hold some that are
/// not initialized).
///
/// # Safety
///
/// `at` is valid for writes of `len` bytes.
// Not inlined: the read buffer's wipe, a failed fetch's and a refresh's share it.
#[inline(never)]
pub(crate) unsafe fn wipe(at: *mut u8, len: usize) {
    // SAFETY: the caller's contract; any bytes are valid for `MaybeUninit<u8>`.
    unsafe { core::slice::from_raw_parts_mut(at.cast::<MaybeUninit<u8>>(), len) }.zeroize();
}

/// Where a reporting fetch records each field's outcome, and how it judges the fields after
/// the first failure (the struct's generated `check_item` and `check_missing`).
pub struct ReportSink<'a> {
    /// One slot per field, in field order.
    pub outcomes: &'a mut [FieldOutcome],
    /// Parses a field's text without keeping it.
    pub check: fn(usize, &[u8]) -> Result<(), ParseError>,
    /// Checks the value a field gets for a missing key (its default, or `None`).
    pub check_missing: fn(usize) -> Result<(), ParseError>,
    /// The struct's schema: which keys are required.
    pub schema: &'static [KeySpec],
    /// Judges the fields after the first failure: [`Reader::finish_report`], reached only
    /// through here so that a firmware that never asks for a report does not carry it.
    pub finish: FinishFn,
}

/// [`ReportSink::finish`]: judges the fields of `rows` from the index given on.
pub type FinishFn = fn(&mut Reader<'_>, &mut ReportSink<'_>, &'static [FieldRow], usize);

impl<'a> ReportSink<'a> {
    /// The sink of a reporting fetch of `T`, recording into `outcomes` (a slot per field), and
    /// judging the fields after a failure by `T`'s generated checks.
    pub fn of<T: crate::MicrovisorConfig>(outcomes: &'a mut [FieldOutcome]) -> Self {
        ReportSink {
            outcomes,
            check: T::check_item,
            check_missing: T::check_missing,
            schema: T::SCHEMA,
            finish: |reader, report, rows, from| reader.finish_report(report, rows, from),
        }
    }

    fn record(&mut self, index: usize, outcome: FieldOutcome) {
        if let Some(slot) = self.outcomes.get_mut(index) {
            *slot = outcome;
        }
    }
}

impl core::fmt::Debug for ReportSink<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReportSink").field("outcomes", &self.outcomes).finish_non_exhaustive()
    }
}

/// Sends `request` (`mvSendConfigFetchRequest`). On failure the channel is closed
/// before the error is returned.
///
/// # Errors
///
/// [`FetchError::Send`].
pub fn send(channel: &mut dyn ConfigChannel, request: Request<'_>) -> Result<(), FetchError> {
    channel.send_request(request).map_err(|status| {
        channel.close();
        FetchError::Send(status)
    })
}

/// Waits for the response. On failure the channel is closed before the error is returned.
///
/// # Errors
///
/// [`FetchError::Wait`].
pub fn wait(channel: &mut dyn ConfigChannel) -> Result<(), FetchError> {
    channel.wait_response().map_err(|error| {
        channel.close();
        FetchError::Wait(error)
    })
}

/// Everything the fetch needs of one settings struct, in one constant per struct
/// (`MicrovisorConfig::PLAN`): its request, its field rows and ops table, its size and how much
/// of the read buffer its secrets may fill. The non-generic cores below take a reference to it,
/// so a struct's own code is one call with a few arguments, however many structs a firmware
/// has, and the tables are read where the cores are shared, as the C baseline's schema struct.
#[derive(Clone, Copy, Debug)]
pub struct FetchPlan {
    request: Request<'static>,
    rows: &'static [FieldRow],
    ops: OpsTable,
    /// `size_of` the struct.
    size: usize,
    /// The schema's `secret_scratch_bytes`.
    secret_bytes: usize,
}

impl FetchPlan {
    /// The plan of a struct of `size` bytes.
    ///
    /// # Safety
    ///
    /// `keys` is the struct's request (`MicrovisorConfig::KEYS`: every key a `'static` UTF-8
    /// string) and `rows` its fields, in the same order: each row's `ops` is an entry of `ops`
    /// (looked up unchecked), and its offset a field of the type whose kind the row carries:
    /// of the type that entry fills (its built-in kind, or [`FieldKind::CUSTOM`] for a field
    /// with an entry of its own), or an `Option` of it (an `Option` kind, whose payload the
    /// entry fills); the `max_len` of each row whose entry
    /// is not a `with` function's is at most its type's `ConfigValue::MAX_LEN` (a family's
    /// parser, which a built-in kind's own entry and an `Option` of one reach too, does not
    /// check the length again; the derive asserts it, and a field parsed `with` a function,
    /// whose entry is its own, is bounded by its `max_len`); `secret_bytes` covers every
    /// secret's `max_len` plus one.
    pub const unsafe fn new(
        keys: &'static [crate::ffi::MvConfigKeyToFetch],
        rows: &'static [FieldRow],
        ops: OpsTable,
        size: usize,
        secret_bytes: usize,
    ) -> Self {
        // SAFETY: the keys are `'static` strings (the contract).
        let request = unsafe { Request::from_raw(keys) };
        FetchPlan { request, rows, ops, size, secret_bytes }
    }
}

/// Sends the request of `plan`, waits for the response and reads it into the struct at `out`
/// ([`receive_fields`]): a whole blocking fetch, for every struct.
///
/// # Errors
///
/// As [`send`], [`wait`] and [`receive_fields`].
///
/// # Safety
///
/// As [`receive_fields`].
pub unsafe fn fetch_fields(
    channel: &mut dyn ConfigChannel,
    plan: &FetchPlan,
    out: *mut u8,
    scratch: &mut [MaybeUninit<u8>],
) -> Result<(), FetchError> {
    send(channel, plan.request)?;
    wait(channel)?;
    // SAFETY: the caller's contract.
    unsafe { receive_fields(channel, None, plan, out, scratch) }
}

/// Fetches into `staging` ([`fetch_fields`]), then moves the new settings over those at `live`
/// and wipes `staging` ([`move_and_wipe`]): the refresh of a struct none of whose fields needs a
/// drop ([`drops_fields`]). On error `live` is untouched.
///
/// # Errors
///
/// As [`fetch_fields`].
///
/// # Safety
///
/// As [`receive_fields`] for `staging`; `live` holds a value of the struct, which needs no
/// drop, and does not overlap `staging`.
pub unsafe fn refresh_fields(
    channel: &mut dyn ConfigChannel,
    plan: &FetchPlan,
    live: *mut u8,
    staging: *mut u8,
    scratch: &mut [MaybeUninit<u8>],
) -> Result<(), FetchError> {
    // SAFETY: the caller's contract.
    unsafe {
        fetch_fields(channel, plan, staging, scratch)?;
        move_and_wipe(live, staging, plan.size);
    }
    Ok(())
}

/// Reads a response that has arrived into the struct at `out`, field by field, as `plan`
/// describes it, and closes the channel. `Ok` means every field is written; on `Err` none is
/// left. A fetch that stopped at an item drops those written, then wipes all of `out`, so no
/// secret it read stays there, whole or half-parsed; a response that failed as a whole wrote
/// nothing.
///
/// # Errors
///
/// `Response` (`RESPONSENOTPRESENT` if it has not arrived yet), `ResponseTooLarge`,
/// `UnknownResponseResult`, `ItemCount`, or [`FetchError::Item`] naming the key.
///
/// # Safety
///
/// `out` is the place of the struct `plan` describes, all its bytes, aligned for it (the plan's
/// own contract covers the tables). `scratch` is the read buffer, whatever it holds: it is
/// zeroed first, and its first `secret_bytes` (the schema's `secret_scratch_bytes`) are wiped
/// when the read is over, however it ended, as they may have held a secret.
pub unsafe fn receive_fields(
    channel: &mut dyn ConfigChannel,
    report: Option<&mut ReportSink<'_>>,
    plan: &FetchPlan,
    out: *mut u8,
    scratch: &mut [MaybeUninit<u8>],
) -> Result<(), FetchError> {
    // Zeroed here, once the response is in, rather than by every struct's own code: a channel
    // is handed initialized bytes to write into.
    let (len, at) = (scratch.len(), scratch.as_mut_ptr().cast::<u8>());
    // SAFETY: the buffer's own bytes, all zeroed before they are seen as `u8`s.
    let scratch = unsafe {
        at.write_bytes(0, len);
        core::slice::from_raw_parts_mut(at, len)
    };
    let mut reader = Reader { channel, scratch, secret_extent: plan.secret_bytes };
    // SAFETY: the caller's contract.
    unsafe { read_fields(&mut reader, report, plan, out) }
    // `reader` is dropped here, whichever way the read ended: the channel's close and the read
    // buffer's wipe are in the code once, not at every return.
}

/// The body of [`receive_fields`], through `reader`.
///
/// # Safety
///
/// As [`receive_fields`].
#[inline(always)]
unsafe fn read_fields(
    reader: &mut Reader<'_>,
    mut report: Option<&mut ReportSink<'_>>,
    plan: &FetchPlan,
    out: *mut u8,
) -> Result<(), FetchError> {
    let rows = plan.rows;
    // A response that failed as a whole has no items to judge: the report keeps every field
    // `NotRead`, as `FieldOutcome::NotRead` says.
    check_response(&mut *reader.channel, rows.len())?;
    // Undoes the fields written so far when the fetch stops at a field: on the error path
    // below, and if a parser of the user's panics where panics unwind, so that a secret
    // already read is still wiped.
    let mut written = Written { plan, out, stopped_at: 0 };
    let mut index = 0;
    let (failed, error) = loop {
        written.stopped_at = index;
        let Some(row) = rows.get(index) else {
            // Every field written: nothing to undo.
            core::mem::forget(written);
            return Ok(());
        };
        // SAFETY: the row's offset is a field of the struct at `out` (the contract).
        let slot = unsafe { out.add(row.offset as usize) };
        // SAFETY: `slot` is a field of the row's type, holding no value yet.
        match unsafe { reader.fill(index, row, &plan.ops, slot) } {
            Ok(outcome) => {
                if let Some(report) = &mut report {
                    report.record(index, outcome);
                }
            }
            Err(error) => break (index, error),
        }
        index += 1;
    };
    // `stopped_at` is `failed`: the fields before it were written, that one may be half-written.
    drop(written);
    if let Some(report) = report {
        report.record(failed, FieldOutcome::Failed(error));
        (report.finish)(reader, report, rows, failed + 1);
    }
    // SAFETY: the struct's own request (the contract).
    let key = unsafe { key_text(plan.request, failed) };
    Err(FetchError::Item { index: failed as u32, key, error })
}

/// The fields a fetch has written: dropping it undoes them (see [`unwind_fields`]).
struct Written<'p> {
    plan: &'p FetchPlan,
    out: *mut u8,
    /// The field being filled: those before it hold values.
    stopped_at: usize,
}

impl Drop for Written<'_> {
    fn drop(&mut self) {
        // SAFETY: `read_fields` keeps `stopped_at` at the field being filled (or that failed),
        // every one before it written, and forgets this guard once the struct is whole.
        unsafe { unwind_fields(self.plan, self.out, self.stopped_at) };
    }
}

/// Undoes a fetch that failed at field `failed`: drops the fields before it, then wipes the
/// struct's bytes (as the C baseline wipes its staging struct). One wipe of the whole struct
/// rather than of each `Secret` field: whatever a field's type, and however far its parse got,
/// nothing read is left behind, and the loop needs no knowledge of which fields are secret.
///
/// # Safety
///
/// As [`receive_fields`]; the fields before `failed` hold values, which are not used again.
unsafe fn unwind_fields(plan: &FetchPlan, out: *mut u8, failed: usize) {
    // A struct none of whose fields has a drop of its own has no loop to run.
    if let Some(drop_written) = plan.ops.drop_written {
        // SAFETY: the caller's contract.
        unsafe { drop_written(plan, out, failed) };
    }
    // SAFETY: the struct's bytes (the contract); what was in them was dropped above or needs
    // no drop.
    unsafe { wipe(out, plan.size) };
}

/// Drops the fields before `failed` of the struct at `out` that have a drop of their own:
/// [`OpsTable`]'s `drop_written`, linked only if a struct has such a field.
///
/// # Safety
///
/// As [`unwind_fields`].
unsafe fn drop_written(plan: &FetchPlan, out: *mut u8, failed: usize) {
    for row in plan.rows.iter().take(failed) {
        // Built-in kinds have no drop.
        if let Some(&Some(drop)) = plan.ops.drop.get(usize::from(row.ops)) {
            // SAFETY: a field of the struct (the contract), written (it comes before the
            // failed one); nothing else drops it, since the struct never became whole.
            unsafe { drop(out.add(row.offset as usize)) };
        }
    }
}

/// Checks the field of entry `entry` at `slot` with the entry's `validate`, if it has one, and
/// drops it if the check fails: [`OpsTable`]'s `validate_field`, linked only if a struct has a
/// field with `validate`.
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

/// The bytes of the place `out`: what the cores are handed, for the struct and its read buffer.
pub(crate) fn bytes_of<T>(out: &mut MaybeUninit<T>) -> &mut [MaybeUninit<u8>] {
    // SAFETY: the place's `size_of::<T>()` bytes, exclusively borrowed for the lifetime of the
    // answer; any bytes are valid for `MaybeUninit<u8>`, and the answer cannot write anything
    // that `MaybeUninit<T>` would not hold.
    unsafe { core::slice::from_raw_parts_mut(out.as_mut_ptr().cast(), size_of::<T>()) }
}

/// Fills the field of `row` at `slot` from its item's `text`: parsed by the row's entry, or,
/// for a key that is not found (`None`), the type's missing value; then checked, if the entry
/// has a check. An `Option` kind's row (`option_code`) has its tag written here, then its
/// payload parsed by its family's entry, or, for a missing key, the tag alone (`None`). On
/// `Ok` the field holds a value; on `Err` it does not.
///
/// # Safety
///
/// `slot` is valid for writes of the row's field type, and holds no value; `row` is a row of
/// `ops`'s struct (`FetchPlan::new`'s contract); `text` is at most the row's `max_len` bytes.
#[inline(always)]
unsafe fn fill_field(
    text: Option<&[u8]>,
    row: &FieldRow,
    ops: &OpsTable,
    mut slot: *mut u8,
) -> Result<FieldOutcome, ItemError> {
    let entry = usize::from(row.ops);
    if row.kind & code::OPTION != 0 {
        // From here on `slot` is the payload's place, which the row's entry, its family's,
        // parses. Such an entry has no missing value and no check (`OpsTable`): the missing
        // key returns here, and `validate_field` below finds nothing to run for it. (Kept in
        // one variable: a second one, live across the parse, cost the two-structs firmware's
        // shared loop 12 bytes.)
        // SAFETY: a field of an `Option` kind is laid out as `option_code` checked.
        slot = unsafe { write_option_tag(slot, row.kind, text.is_some()) };
        if text.is_none() {
            return Ok(FieldOutcome::Defaulted);
        }
    }
    // SAFETY: the row's entry is in the table (`FetchPlan::new`'s contract), whose parsers are
    // one for each entry (`OpsTable`).
    let parse = unsafe { *ops.parse.get_unchecked(entry) };
    let outcome = match text {
        // SAFETY: the caller's contract; `slot` is the place the row's entry parses.
        Some(text) => unsafe { parse(text, slot, row) }
            .map(|()| FieldOutcome::Ok)
            .map_err(ItemError::Invalid)?,
        // A family's entry, past the own entries' missing values, has none.
        None => match ops.missing.get(entry) {
            // SAFETY: the caller's contract.
            Some(missing) if unsafe { missing(slot) } => FieldOutcome::Defaulted,
            _ => return Err(ItemError::NotFound),
        },
    };
    // The check vouches for the value the settings get, a default as much as a parsed one.
    if let Some(validate_field) = ops.validate_field {
        // SAFETY: the field was written just above (for an `Option` kind, whose entry has no
        // check, `validate_field` reads nothing).
        unsafe { validate_field(ops, entry, slot) }.map_err(ItemError::Invalid)?;
    }
    Ok(outcome)
}

/// What a generated table that does not fit its struct would give; it never happens.
const TABLE_MISMATCH: ParseError = ParseError::Custom("field table out of step");

/// Checks a response's overall result and that it holds `items` items.
fn check_response(channel: &mut dyn ConfigChannel, items: usize) -> Result<(), FetchError> {
    let data = channel.read_response_data().map_err(FetchError::Response)?;
    match data.result {
        MvConfigFetchResult::OK => {}
        MvConfigFetchResult::RESPONSETOOLARGE => return Err(FetchError::ResponseTooLarge),
        other => return Err(FetchError::UnknownResponseResult(other.0)),
    }
    let expected = u32::try_from(items).unwrap_or(u32::MAX);
    if data.num_items != expected {
        return Err(FetchError::ItemCount { expected, got: data.num_items });
    }
    Ok(())
}

/// The items of a response being read, one after another, into the read buffer.
///
/// Dropping it closes the channel and wipes the part of the read buffer that a secret may have
/// held, on success and on every error path alike.
pub struct Reader<'a> {
    channel: &'a mut dyn ConfigChannel,
    scratch: &'a mut [u8],
    /// How much of `scratch` a secret may fill: the longest secret's `max_len` plus one byte,
    /// known at compile time. Wiped whether or not the fetch got as far as a secret: a constant
    /// is less code, and fewer instructions for every item, than the stretch the secrets read
    /// so far used, and a failed fetch is rare.
    secret_extent: usize,
}

impl core::fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Reader").field("secret_extent", &self.secret_extent).finish_non_exhaustive()
    }
}

impl Reader<'_> {
    /// Reads item `index` into the field of `row` at `slot` ([`fill_field`]).
    ///
    /// # Safety
    ///
    /// As [`fill_field`].
    unsafe fn fill(
        &mut self,
        index: usize,
        row: &FieldRow,
        ops: &OpsTable,
        slot: *mut u8,
    ) -> Result<FieldOutcome, ItemError> {
        let text = self.read(index, row.max_len)?;
        // SAFETY: the caller's contract; `text` is at most `max_len` bytes (`read`).
        unsafe { fill_field(text, row, ops, slot) }
    }

    /// Reads item `index` into the read buffer: its text, or `None` if the key is not found.
    /// Never returns a possibly truncated value: the read offers one byte more than the item's
    /// `max_len`, and a length that reaches that byte is "too long".
    fn read(&mut self, index: usize, max_len: u16) -> Result<Option<&[u8]>, ItemError> {
        let offered = usize::from(max_len).saturating_add(1).min(self.scratch.len());
        let buf = self.scratch.get_mut(..offered).unwrap_or_default();
        let read = self.channel.read_item(index as u32, buf).map_err(ItemError::Read)?;
        match read.result {
            MvConfigKeyFetchResult::OK => {}
            MvConfigKeyFetchResult::KEYNOTFOUND => return Ok(None),
            MvConfigKeyFetchResult::SERVERERROR => return Err(ItemError::ServerError),
            other => return Err(ItemError::UnknownResult(other.0)),
        }
        let length = usize::try_from(read.length).unwrap_or(usize::MAX);
        // `offered <= scratch.len()`, so below it the slice is always there.
        match self.scratch.get(..length) {
            Some(text) if length < offered => Ok(Some(text)),
            _ => Err(ItemError::TooLong { len: read.length, max: u32::from(max_len) }),
        }
    }

    /// For a reporting fetch that stopped at a failed field: reads and judges every item from
    /// `from` on, so the report covers all fields. Reached only through [`ReportSink::finish`].
    pub fn finish_report(
        &mut self,
        report: &mut ReportSink<'_>,
        rows: &'static [FieldRow],
        from: usize,
    ) {
        for (index, row) in rows.iter().enumerate().skip(from) {
            let required = report.schema.get(index).is_some_and(|spec| spec.required);
            let outcome = match self.read(index, row.max_len) {
                Err(error) => FieldOutcome::Failed(error),
                Ok(None) if required => FieldOutcome::Failed(ItemError::NotFound),
                Ok(None) => match (report.check_missing)(index) {
                    Ok(()) => FieldOutcome::Defaulted,
                    Err(error) => FieldOutcome::Failed(ItemError::Invalid(error)),
                },
                Ok(Some(text)) => match (report.check)(index, text) {
                    Ok(()) => FieldOutcome::Ok,
                    Err(error) => FieldOutcome::Failed(ItemError::Invalid(error)),
                },
            };
            report.record(index, outcome);
        }
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        self.channel.close();
        let secret_extent = self.secret_extent.min(self.scratch.len());
        // SAFETY: at most the buffer's length, from its start.
        unsafe { wipe(self.scratch.as_mut_ptr(), secret_extent) };
    }
}

/// The key of item `index`, for an error, `""` if there is no such key (a request of the
/// struct's own table always has it). Read straight from the entry, not through
/// `Request::key`'s checks for a null or empty key, and not checked for UTF-8 again: each key
/// is a string literal.
///
/// # Safety
///
/// Every key of the request is a `'static` UTF-8 string, its pointer and length: the struct's
/// own request (`MicrovisorConfig::KEYS`, string literals by the trait's contract), as
/// [`FetchPlan::new`]'s contract says.
unsafe fn key_text(request: Request<'static>, index: usize) -> &'static str {
    request.keys().get(index).map_or("", |entry| {
        // SAFETY: the caller's contract: a string literal's pointer and length.
        unsafe {
            core::str::from_utf8_unchecked(core::slice::from_raw_parts(
                entry.key.data,
                entry.key.length as usize,
            ))
        }
    })
}

/// Whether any entry of an ops table drops its field: whether a refresh must drop the old
/// settings (by their drop glue), or may overwrite them.
pub const fn drops_fields(ops: OpsTable) -> bool {
    ops.drop_written.is_some()
}

/// Moves the `len` bytes at `from` over those at `to`, then wipes `from`: the commit of a
/// refresh whose fields need no drop ([`drops_fields`]). Whatever was at `to` is overwritten,
/// every byte (a secret there included), and the only other copy of what is there now is wiped.
///
/// "Every byte" includes the staging copy's padding and unused capacity, which hold no value:
/// the copy is of `MaybeUninit` bytes, and the old secret past a shorter new value is
/// overwritten by whatever those bytes hold. An optimiser that could prove them uninitialized
/// might skip copying them; none can here, since the parsers that filled the copy are called
/// through function pointers and raw places (the `zeroize` tests read the result back).
///
/// # Safety
///
/// `from` is valid for reads and writes of `len` bytes, `to` for writes, and they do not
/// overlap; what `to` held needs no drop.
pub(crate) unsafe fn move_and_wipe(to: *mut u8, from: *mut u8, len: usize) {
    // SAFETY: the caller's contract. As `MaybeUninit` bytes: padding and unused capacity are
    // uninitialized, and pointers keep their provenance through the copy.
    unsafe {
        core::ptr::copy_nonoverlapping(
            from.cast::<MaybeUninit<u8>>(),
            to.cast::<MaybeUninit<u8>>(),
            len,
        );
        wipe(from, len);
    }
}

/// Swaps the `len` bytes at `a` with those at `b`: the commit of a refresh, non-generic so that
/// every settings struct shares it. Sixteen bytes a step (four words in registers): the commit
/// of a settings struct of a few KiB is a loop of a few hundred steps.
///
/// # Safety
///
/// `a` and `b` are valid for reads and writes of `len` bytes and do not overlap.
pub(crate) unsafe fn swap_bytes(a: *mut u8, b: *mut u8, len: usize) {
    const STEP: usize = 16;
    let mut at = 0;
    while at + STEP <= len {
        // SAFETY: `at + STEP <= len`, within both (the contract); unaligned accesses.
        unsafe {
            // As `MaybeUninit`: a struct's padding and unused capacity are uninitialized
            // bytes, and pointers inside it keep their provenance through the copy.
            let (a, b) = (
                a.add(at).cast::<[MaybeUninit<u32>; 4]>(),
                b.add(at).cast::<[MaybeUninit<u32>; 4]>(),
            );
            let from_a = a.read_unaligned();
            a.write_unaligned(b.read_unaligned());
            b.write_unaligned(from_a);
        }
        at += STEP;
    }
    while at < len {
        // SAFETY: `at < len`, within both.
        unsafe {
            core::ptr::swap_nonoverlapping(
                a.add(at).cast::<MaybeUninit<u8>>(),
                b.add(at).cast::<MaybeUninit<u8>>(),
                1,
            );
        }
        at += 1;
    }
}

/// The read buffer a schema needs: one byte more than its longest `max_len`.
pub const fn scratch_bytes(schema: &[KeySpec]) -> usize {
    read_extent(schema, false)
}

/// How much of the read buffer a schema's secrets may fill: one byte more than the longest
/// secret's `max_len`, or nothing if it has none. What the fetch wipes when it is over.
pub const fn secret_scratch_bytes(schema: &[KeySpec]) -> usize {
    read_extent(schema, true)
}

/// How much of the read buffer the keys of `schema` (its secrets only, if `secrets`) may fill:
/// one byte more than their longest `max_len`, the byte that tells a cut value; at least one
/// byte for the whole schema, nothing for secrets if it has none.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
const fn read_extent(schema: &[KeySpec], secrets: bool) -> usize {
    let mut extent = if secrets { 0 } else { 1 };
    let mut i = 0;
    while i < schema.len() {
        let counts = !secrets || matches!(schema[i].store, crate::Store::Secret);
        if counts && schema[i].max_len + 1 > extent {
            extent = schema[i].max_len + 1;
        }
        i += 1;
    }
    extent
}

/// The sum of a schema's `max_len`s: the most value bytes one response can carry.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn response_max_bytes(schema: &[KeySpec]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < schema.len() {
        total += schema[i].max_len;
        i += 1;
    }
    total
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use core::mem::MaybeUninit;
    use std::fmt::Debug;

    use heapless::{String, Vec};

    use super::*;
    use crate::{Hex, Secret};

    /// The kinds the loop parses itself. A `heapless` release that changes the layout of
    /// `String` or `Vec` turns theirs `CUSTOM` (or fails to compile): this says which.
    #[test]
    fn the_crates_own_types_have_builtin_kinds() {
        assert_eq!(<String<0> as ConfigValue>::FIELD_KIND.code(), code::TEXT);
        assert_eq!(<String<1> as ConfigValue>::FIELD_KIND.code(), code::TEXT);
        assert_eq!(<String<128> as ConfigValue>::FIELD_KIND.code(), code::TEXT);
        assert_eq!(<Vec<u8, 3> as ConfigValue>::FIELD_KIND.code(), code::BYTES);
        assert_eq!(<Hex<1536> as ConfigValue>::FIELD_KIND.code(), code::HEX);
        assert_eq!(<bool as ConfigValue>::FIELD_KIND.code(), code::BOOL);
        assert_eq!(<u8 as ConfigValue>::FIELD_KIND.code(), code::U8);
        assert_eq!(<u16 as ConfigValue>::FIELD_KIND.code(), code::U8 + 1);
        assert_eq!(<u32 as ConfigValue>::FIELD_KIND.code(), code::U32);
        assert_eq!(<i32 as ConfigValue>::FIELD_KIND.code(), code::I32);
        assert_eq!(<i8 as ConfigValue>::FIELD_KIND.code(), code::I8);
        assert_eq!(<Secret<String<8>> as ConfigValue>::FIELD_KIND.code(), code::TEXT);
        // An `Option` of a built-in kind whose payload is aligned to one byte or to a word:
        // the loop writes its tag, a byte or a word.
        let (option, byte_tag) = (code::OPTION, code::OPTION | code::OPTION_BYTE_TAG);
        assert_eq!(<Option<String<0>> as ConfigValue>::FIELD_KIND.code(), option | code::TEXT);
        assert_eq!(<Option<String<34>> as ConfigValue>::FIELD_KIND.code(), option | code::TEXT);
        assert_eq!(<Option<Vec<u8, 3>> as ConfigValue>::FIELD_KIND.code(), option | code::BYTES);
        assert_eq!(<Option<Hex<1536>> as ConfigValue>::FIELD_KIND.code(), option | code::HEX);
        // A `u32` is word-aligned on the device, not on a 64-bit host.
        let (u32_option, i32_option) = match size_of::<usize>() {
            4 => (option | code::U32, option | code::I32),
            _ => (code::CUSTOM, code::CUSTOM),
        };
        assert_eq!(<Option<u32> as ConfigValue>::FIELD_KIND.code(), u32_option);
        assert_eq!(<Option<i32> as ConfigValue>::FIELD_KIND.code(), i32_option);
        assert_eq!(<Option<u8> as ConfigValue>::FIELD_KIND.code(), byte_tag | code::U8);
        assert_eq!(<Option<i8> as ConfigValue>::FIELD_KIND.code(), byte_tag | code::I8);
        // `Secret<T>` is laid out as `T`.
        assert_eq!(<Secret<Option<u8>> as ConfigValue>::FIELD_KIND.code(), byte_tag | code::U8);
        // An `Option` kind is the loop's to fill, never a family parser's: that would parse
        // into its tag.
        assert!(!<Option<u8> as ConfigValue>::FIELD_KIND.is_parsed_by_family());
        assert!(!<Secret<Option<u8>> as ConfigValue>::FIELD_KIND.is_parsed_by_family());
        assert!(!<Option<String<8>> as ConfigValue>::FIELD_KIND.is_parsed_by_family());
        assert!(<Secret<Option<u8>> as ConfigValue>::FIELD_KIND.is_parsed_by_loop());
        for custom in [
            // A two-byte alignment (a tag the loop does not write), a niche (`None` is 2),
            // a `Secret` payload (a layout not checked), no built-in payload.
            <Option<u16> as ConfigValue>::FIELD_KIND.code(),
            <Option<i16> as ConfigValue>::FIELD_KIND.code(),
            <Option<bool> as ConfigValue>::FIELD_KIND.code(),
            <Option<Secret<String<8>>> as ConfigValue>::FIELD_KIND.code(),
            <Option<f32> as ConfigValue>::FIELD_KIND.code(),
            <Option<Option<u8>> as ConfigValue>::FIELD_KIND.code(),
            <u64 as ConfigValue>::FIELD_KIND.code(),
            <i64 as ConfigValue>::FIELD_KIND.code(),
            <u128 as ConfigValue>::FIELD_KIND.code(),
            <f32 as ConfigValue>::FIELD_KIND.code(),
            <crate::Base64<4> as ConfigValue>::FIELD_KIND.code(),
        ] {
            assert_eq!(custom, code::CUSTOM);
        }
    }

    /// What the loop writes for a built-in kind is what the type's own parser gives, value or
    /// error, for good and bad text alike.
    /// Texts longer than the type's `MAX_LEN`, which the family parsers are never handed, are
    /// checked through `parse_into_by_kind`, which is handed them.
    fn builtin_parses_as_the_type<T: ConfigValue + PartialEq + Debug>(texts: &[&[u8]]) {
        let kind = T::FIELD_KIND.code();
        assert_ne!(kind, code::CUSTOM);
        for text in texts {
            let mut slot = MaybeUninit::<T>::uninit();
            let by_kind = parse_into_by_kind(text, &mut slot).map(|value| &*value);
            assert_eq!(
                by_kind,
                T::parse(text).as_ref().map_err(Clone::clone),
                "{:?}",
                core::str::from_utf8(text)
            );
            if text.len() > T::MAX_LEN {
                continue;
            }
            let mut slot = MaybeUninit::<T>::uninit();
            let row = FieldRow { offset: 0, max_len: T::MAX_LEN as u16, kind, ops: 0 };
            let parse = family_parser(kind);
            // SAFETY: a `T` place of kind `kind`; `text` is at most `T::MAX_LEN` bytes.
            let parsed = unsafe { parse(text, slot.as_mut_ptr().cast(), &row) };
            // SAFETY: `Ok` means the slot holds a value.
            let parsed = parsed.map(|()| unsafe { slot.assume_init() });
            assert_eq!(parsed, T::parse(text), "{:?}", core::str::from_utf8(text));
        }
    }

    /// `parse_option` writes `Some` and parses the payload in place, relying on the payload's
    /// placeholder: it gives what `Option<T>`'s own parser gives, value or error.
    fn option_parses_as_the_type<T: ConfigValue + Clone + PartialEq + Debug>(texts: &[&[u8]]) {
        option_parses_as_the_type_seen_as(texts, |value: &T| value.clone());
    }

    /// As `option_parses_as_the_type`, comparing what `view` shows of the values (for
    /// `Secret`, which does not compare).
    fn option_parses_as_the_type_seen_as<T: ConfigValue, V: PartialEq + Debug>(
        texts: &[&[u8]],
        view: impl Fn(&T) -> V,
    ) {
        assert!(T::placeholder().is_some(), "a built-in kind without a placeholder");
        let ops = TypeOps::<Option<T>>::option().ops();
        // The row the loop hands it: `CUSTOM`, the entry being the `Option`'s own.
        let row = FieldRow { offset: 0, max_len: T::MAX_LEN as u16, kind: code::CUSTOM, ops: 0 };
        let seen = |parsed: Result<&Option<T>, ParseError>| parsed.map(|o| o.as_ref().map(&view));
        for text in texts {
            let expected = Option::<T>::parse(text);
            let mut slot = MaybeUninit::<Option<T>>::uninit();
            // `Option`'s own in-place parser, through `parse_into_by_kind`: any length.
            let in_place = Option::<T>::parse_into(text, &mut slot).map(|value| &*value);
            assert_eq!(
                seen(in_place),
                seen(expected.as_ref().map_err(Clone::clone)),
                "{:?}",
                core::str::from_utf8(text)
            );
            // The loop's entry, which is never handed a text longer than the field's `max_len`.
            if text.len() > T::MAX_LEN {
                continue;
            }
            let mut slot = MaybeUninit::<Option<T>>::uninit();
            // SAFETY: an `Option<T>` place; `text` is at most `T::MAX_LEN` bytes.
            let parsed = unsafe { (ops.parse)(text, slot.as_mut_ptr().cast(), &row) };
            // SAFETY: `Ok` means the slot holds a value.
            let parsed = parsed.map(|()| unsafe { slot.assume_init_ref() });
            assert_eq!(
                seen(parsed),
                seen(expected.as_ref().map_err(Clone::clone)),
                "{:?}",
                core::str::from_utf8(text)
            );
        }
        let mut slot = MaybeUninit::<Option<T>>::uninit();
        // SAFETY: an `Option<T>` place.
        assert!(unsafe { (ops.missing)(slot.as_mut_ptr().cast()) });
        // SAFETY: `missing` answered `true`: it wrote the value.
        assert!(unsafe { slot.assume_init() }.is_none());
    }

    #[test]
    fn options_of_builtin_kinds_parse_as_their_types() {
        option_parses_as_the_type::<String<8>>(&[b"", b"broker", b"\xff", b"123456789"]);
        option_parses_as_the_type::<Vec<u8, 4>>(&[b"", b"\x00\xff", b"abcde"]);
        option_parses_as_the_type::<Hex<4>>(&[b"DEadBE", b"abc", b"0g", b"0011223344"]);
        option_parses_as_the_type::<bool>(&[b"true", b"false", b"yes"]);
        option_parses_as_the_type::<u8>(&[b"0", b"255", b"256", b"1x"]);
        option_parses_as_the_type::<u16>(&[b"8883", b"65536"]);
        option_parses_as_the_type::<u32>(&[b"4294967295", b"4294967296"]);
        option_parses_as_the_type::<i8>(&[b"-128", b"128", b"-"]);
        option_parses_as_the_type::<i16>(&[b"-32768", b"--1"]);
        option_parses_as_the_type::<i32>(&[b"-2147483648", b"2147483648"]);
        let exposed = |secret: &Secret<String<8>>| secret.expose_secret().clone();
        option_parses_as_the_type_seen_as(&[b"hunter2", b"\xff"], exposed);
        let exposed = |secret: &Secret<Hex<4>>| secret.expose_secret().to_vec();
        option_parses_as_the_type_seen_as(&[b"deadbeef", b"zz"], exposed);
    }

    #[test]
    fn builtin_kinds_parse_as_their_types() {
        builtin_parses_as_the_type::<String<8>>(&[
            b"",
            b"broker",
            b"caf\xc3\xa9",
            b"\xff",
            b"12345678",
        ]);
        builtin_parses_as_the_type::<Vec<u8, 4>>(&[b"", b"\x00\xff", b"abcd", b"abcde"]);
        builtin_parses_as_the_type::<Hex<4>>(&[
            b"",
            b"DEadBE",
            b"abc",
            b"zz",
            b"0g",
            b"00112233",
            b"0011223344",
            b"001122334",
        ]);
        builtin_parses_as_the_type::<bool>(&[b"true", b"false", b"", b"TRUE", b"yes"]);
        builtin_parses_as_the_type::<u8>(&[b"0", b"255", b"256", b"", b"+1", b"-1", b"1x"]);
        builtin_parses_as_the_type::<u16>(&[b"8883", b"65535", b"65536", b"99999999999x"]);
        builtin_parses_as_the_type::<u32>(&[b"4294967295", b"4294967296", b"007"]);
        builtin_parses_as_the_type::<i8>(&[
            b"-128", b"127", b"128", b"-129", b"-", b"+", b"", b"+5", b"-1x", b"+x", b"7-",
        ]);
        builtin_parses_as_the_type::<i16>(&[b"-32768", b"32767", b"-32769", b"--1"]);
        builtin_parses_as_the_type::<i32>(&[b"-2147483648", b"2147483647", b"2147483648"]);
    }

    /// A struct's ops table holds its own entries in order, then one entry per family of
    /// built-in kinds it uses (not per type), and each row points at the entry that parses it.
    #[test]
    fn rows_point_at_their_own_or_their_familys_ops() {
        fn plain<T: ConfigValue>() -> FieldEntry {
            FieldEntry::plain(T::FIELD_KIND, T::FIELD_OPS)
        }
        let entries = [
            plain::<Option<u16>>(),
            plain::<String<8>>(),
            plain::<u16>(),
            plain::<f32>(),
            plain::<Secret<i32>>(),
            plain::<Secret<String<4>>>(),
            plain::<u8>(),
            plain::<bool>(),
            plain::<Option<u8>>(),
        ];
        // Two of their own, and the text, bool, unsigned and signed families, in code order.
        assert_eq!(ops_count(&entries), 6);
        let table: [FieldOps; 6] = ops_table(&entries);
        // Split by operation, entry for entry: the parses below go through the split table;
        // the two own entries come first, and only they have the other operations (function
        // addresses do not compare reliably, so what each entry does is compared instead: only
        // the `Option` entry has a missing value).
        assert_eq!(own_ops_count(&entries), 2);
        let split: SplitOps<6, 2> = split_ops(&entries);
        for (i, ops) in table.iter().enumerate() {
            let mut b = MaybeUninit::<[u64; 2]>::uninit();
            // SAFETY: 16 bytes, room and alignment for every type of the list.
            assert_eq!(unsafe { (ops.missing)(b.as_mut_ptr().cast()) }, i == 0, "missing {i}");
            if i >= 2 {
                assert!(ops.drop.is_none() && ops.validate.is_none(), "family {i}");
                continue;
            }
            let mut a = MaybeUninit::<[u64; 2]>::uninit();
            // SAFETY: as above.
            assert_eq!(unsafe { (split.missing[i])(a.as_mut_ptr().cast()) }, i == 0, "{i}");
            assert_eq!(split.drop[i].is_some(), ops.drop.is_some(), "drop {i}");
            assert_eq!(split.validate[i].is_some(), ops.validate.is_some(), "validate {i}");
        }
        let rows: std::vec::Vec<FieldRow> =
            (0..entries.len()).map(|entry| field_row(&entries, entry, 0, 8)).collect();
        let slots: std::vec::Vec<u8> = rows.iter().map(|row| row.ops).collect();
        // The `Option<u8>` is filled by its row, through the unsigned family's entry.
        assert_eq!(slots, [0, 2, 4, 1, 5, 2, 4, 3, 4]);
        let kinds: std::vec::Vec<u8> = rows.iter().map(|row| row.kind).collect();
        assert_eq!(
            kinds,
            [
                code::CUSTOM,
                code::TEXT,
                code::U8 + 1,
                code::CUSTOM,
                code::I8 + 2,
                code::TEXT,
                code::U8,
                code::BOOL,
                code::OPTION | code::OPTION_BYTE_TAG | code::U8,
            ]
        );
        // Each row's entry parses its field's type.
        let parse = |row: &FieldRow, text: &[u8], slot: *mut u8| {
            // SAFETY: `slot` is a place of the row's type, large enough for `text`.
            unsafe { (split.parse[usize::from(row.ops)])(text, slot, row) }
        };
        let mut option = MaybeUninit::<Option<u16>>::uninit();
        parse(&rows[0], b"7", option.as_mut_ptr().cast()).unwrap();
        // SAFETY: parsed above.
        assert_eq!(unsafe { option.assume_init() }, Some(7));
        let mut option = MaybeUninit::<Option<u8>>::uninit();
        // SAFETY: an `Option<u8>` place, of the row's kind.
        let payload = unsafe { write_option_tag(option.as_mut_ptr().cast(), rows[8].kind, true) };
        parse(&rows[8], b"200", payload).unwrap();
        // SAFETY: the tag written, the payload parsed.
        assert_eq!(unsafe { option.assume_init() }, Some(200));
        let mut text = MaybeUninit::<String<8>>::uninit();
        parse(&rows[1], b"broker", text.as_mut_ptr().cast()).unwrap();
        // SAFETY: parsed above.
        assert_eq!(unsafe { text.assume_init() }, "broker");
        let mut port = MaybeUninit::<u16>::uninit();
        parse(&rows[2], b"8883", port.as_mut_ptr().cast()).unwrap();
        // SAFETY: parsed above.
        assert_eq!(unsafe { port.assume_init() }, 8883);
        let mut float = MaybeUninit::<f32>::uninit();
        parse(&rows[3], b"0.5", float.as_mut_ptr().cast()).unwrap();
        // SAFETY: parsed above.
        assert_eq!(unsafe { float.assume_init() }, 0.5);
        let mut signed = MaybeUninit::<Secret<i32>>::uninit();
        parse(&rows[4], b"-70000", signed.as_mut_ptr().cast()).unwrap();
        // SAFETY: parsed above.
        assert_eq!(*unsafe { signed.assume_init() }.expose_secret(), -70000);
        let mut byte = MaybeUninit::<u8>::uninit();
        assert_eq!(
            parse(&rows[6], b"256", byte.as_mut_ptr().cast()),
            Err(ParseError::OutOfRange),
            "the unsigned family's entry takes the width from the row"
        );
        let mut flag = MaybeUninit::<bool>::uninit();
        parse(&rows[7], b"true", flag.as_mut_ptr().cast()).unwrap();
        // SAFETY: parsed above.
        assert!(unsafe { flag.assume_init() });
        // A built-in family has no default: a missing key is required.
        for family in &table[2..] {
            // SAFETY: not called with a real place: the entry writes nothing.
            assert!(!unsafe { (family.missing)(core::ptr::null_mut()) });
            assert!(family.drop.is_none() && family.validate.is_none());
        }
    }

    /// An `Option<T>` with a guard behind it, where the loop's writes must not reach.
    #[repr(C)]
    struct Guarded<T> {
        option: MaybeUninit<Option<T>>,
        guard: [u8; 8],
    }

    /// What the loop makes of a field of an `Option` kind from its row alone ([`fill_field`],
    /// the loop's own code, with the table and row the derive would make for a struct of that
    /// one field): its tag written (`write_option_tag`), then its payload parsed by its family's
    /// parser, or the tag alone for a missing key. The value is `Option<T>`'s own parser's, or
    /// `None`, with the outcome the report would record; the tag's bytes, as wide as `T`'s
    /// alignment, are 1 or 0 however the place was filled before; nothing is written past the
    /// `Option` (the guard keeps its bytes); and the bytes written are a valid `Option<T>`
    /// (Miri checks the tag, and that `None` needs no payload).
    fn option_fills_by_its_row<T: ConfigValue + PartialEq + Debug>(texts: &[&[u8]]) {
        let kind = Option::<T>::FIELD_KIND;
        assert_ne!(kind.code() & code::OPTION, 0, "not an `Option` kind");
        assert!(kind.is_parsed_by_loop() && !kind.is_parsed_by_family());
        let entries = [FieldEntry::plain(kind, Option::<T>::FIELD_OPS)];
        let parse: &'static [ParseFn; 1] = &const {
            let entries = [FieldEntry::plain(Option::<T>::FIELD_KIND, Option::<T>::FIELD_OPS)];
            split_ops::<1, 0>(&entries).parse
        };
        let ops = OpsTable::new(parse, &[], &[], &[]);
        let row = field_row(&entries, 0, 0, T::MAX_LEN);
        let fill = |text: Option<&[u8]>| {
            let mut place = Guarded::<T> { option: MaybeUninit::uninit(), guard: [0xa5; 8] };
            let slot = place.option.as_mut_ptr().cast::<u8>();
            // SAFETY: the `Option`'s own bytes.
            unsafe { slot.write_bytes(0xa5, size_of::<Option<T>>()) };
            // SAFETY: an `Option<T>` place, of the row's kind, holding no value; `text` is at
            // most `T::MAX_LEN` bytes (below).
            let result = unsafe { fill_field(text, &row, &ops, slot) };
            assert_eq!(place.guard, [0xa5; 8], "written past the `Option`");
            let mut tag = std::vec![0u8; align_of::<T>()];
            tag[0] = u8::from(text.is_some());
            // SAFETY: the tag's bytes, written by the fill over the bytes written above.
            let written = unsafe { core::slice::from_raw_parts(slot, align_of::<T>()) };
            assert_eq!(written, &tag[..], "the tag");
            // SAFETY: `Ok` means the tag and the payload, if any, are written.
            result.map(|outcome| (outcome, unsafe { place.option.assume_init() }))
        };
        assert_eq!(fill(None), Ok((FieldOutcome::Defaulted, None)));
        for text in texts.iter().filter(|text| text.len() <= T::MAX_LEN) {
            let expected = Option::<T>::parse(text)
                .map(|value| (FieldOutcome::Ok, value))
                .map_err(ItemError::Invalid);
            assert_eq!(fill(Some(text)), expected, "{:?}", core::str::from_utf8(text));
        }
    }

    #[test]
    fn options_of_option_kinds_fill_by_their_rows() {
        option_fills_by_its_row::<String<8>>(&[b"", b"broker", b"caf\xc3\xa9", b"\xff"]);
        option_fills_by_its_row::<String<0>>(&[b""]);
        option_fills_by_its_row::<Vec<u8, 4>>(&[b"", b"\x00\xff", b"abcd"]);
        option_fills_by_its_row::<Hex<4>>(&[b"DEadBE", b"abc", b"0g", b"00112233"]);
        option_fills_by_its_row::<u8>(&[b"0", b"255", b"256", b"1x", b""]);
        option_fills_by_its_row::<i8>(&[b"-128", b"127", b"128", b"-"]);
        // Word-aligned on the device (its on-target scenarios fetch these), not on a 64-bit host.
        if size_of::<usize>() == 4 {
            option_fills_by_its_row::<u32>(&[b"4294967295", b"4294967296", b"0"]);
            option_fills_by_its_row::<i32>(&[b"-2147483648", b"2147483647", b"2147483648"]);
        }
    }

    #[test]
    fn option_parses_in_place() {
        let mut slot = MaybeUninit::<Option<String<8>>>::uninit();
        let value = Option::<String<8>>::parse_into(b"client", &mut slot).unwrap();
        assert_eq!(value.as_deref(), Some("client"));
        let mut slot = MaybeUninit::<Option<String<8>>>::uninit();
        assert_eq!(
            Option::<String<8>>::parse_into(b"\xff", &mut slot).unwrap_err(),
            ParseError::NotUtf8 { at: 0 }
        );
        let mut slot = MaybeUninit::<Option<u16>>::uninit();
        assert_eq!(Option::<u16>::parse_into(b"8883", &mut slot).copied(), Ok(Some(8883)));
    }

    /// `Option` of a built-in type parses into its `Some` by the family's parser: the values
    /// and errors of the type's own parser.
    #[test]
    fn option_of_a_builtin_parses_as_the_type() {
        fn check<T: ConfigValue + PartialEq + Debug>(texts: &[&[u8]]) {
            for text in texts {
                let mut slot = MaybeUninit::<Option<T>>::uninit();
                let parsed = Option::<T>::parse_into(text, &mut slot).map(|value| value.take());
                assert_eq!(parsed, T::parse(text).map(Some), "{:?}", core::str::from_utf8(text));
            }
        }
        check::<String<4>>(&[b"", b"abcd", b"abcde", b"\xff", b"ab\xc3"]);
        check::<Vec<u8, 2>>(&[b"", b"\xff\x00", b"abc"]);
        check::<Hex<2>>(&[b"", b"beef", b"beef00", b"bee", b"xx"]);
        check::<bool>(&[b"true", b"no"]);
        check::<u8>(&[b"255", b"256", b"-1", b""]);
        check::<i16>(&[b"-32768", b"32768", b"+7", b"-"]);
        check::<u32>(&[b"4294967295", b"4294967296"]);
    }

    /// An error names a key as it is, and a key past the request as `""`.
    #[test]
    fn errors_name_keys() {
        use crate::__private::key;
        use crate::{Scope, Store};
        const KEYS: &[crate::ffi::MvConfigKeyToFetch] = &[
            key(Scope::Device, Store::Config, "broker-host"),
            key(Scope::Device, Store::Config, "clé"),
        ];
        // SAFETY: the keys point at string literals.
        let request = unsafe { Request::from_raw(KEYS) };
        // SAFETY: string literals.
        let key_text = |index| unsafe { key_text(request, index) };
        assert_eq!(key_text(0), "broker-host");
        assert_eq!(key_text(1), "clé");
        assert_eq!(key_text(2), "");
    }

    #[test]
    fn swap_bytes_swaps_every_length() {
        for len in 0..40 {
            let mut a: std::vec::Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut b: std::vec::Vec<u8> = (0..len).map(|i| 200 - i as u8).collect();
            let (a0, b0) = (a.clone(), b.clone());
            // SAFETY: two buffers of `len` bytes.
            unsafe { swap_bytes(a.as_mut_ptr(), b.as_mut_ptr(), len) };
            assert_eq!((a, b), (b0, a0), "{len}");
        }
    }

    /// Settings hold padding, unused capacity (uninitialized bytes) and pointers: the swap
    /// moves them all as they are (Miri checks it reads no uninitialized byte as an integer and
    /// keeps the pointers' provenance).
    #[test]
    fn swap_bytes_moves_padding_capacity_and_pointers() {
        type Settings = (u8, u32, &'static str, String<8>);
        let mut a: Settings = (1, 2, "left", String::try_from("ab").unwrap());
        let mut b: Settings = (3, 4, "right", String::try_from("xyz").unwrap());
        // SAFETY: two values of one type, not overlapping.
        unsafe {
            swap_bytes((&raw mut a).cast(), (&raw mut b).cast(), size_of::<Settings>());
        }
        assert_eq!(a, (3, 4, "right", String::try_from("xyz").unwrap()));
        assert_eq!(b, (1, 2, "left", String::try_from("ab").unwrap()));
    }
}
