//! The compile-time builders of a struct's tables: from the derive's list of the struct's
//! fields ([`FieldEntry`]) to its rows ([`field_row`]) and its ops table ([`split_ops`]).
//!
//! The ops table holds the entries with ops of their own first, in field order, then one
//! entry per family of built-in kinds the fields use, in code order. Only the parsers of those
//! families are linked: settings with no signed integer carry no signed parser.

use crate::fetch::family::{builtin_ops, family};
use crate::fetch::kind::{code, FieldKind, FieldRow};
use crate::fetch::ops::{FieldOps, SplitOps, TypeOps};

/// One entry of the derive's compile-time list of a struct's fields: one per distinct field
/// type as written, and one per field with `default`, `with` or `validate`. It holds the type's
/// kind, and the ops entry it needs (`None` for a built-in kind, filled by its family's entry).
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
            FieldEntry { kind: code::CUSTOM, ops: Some(ops.ops()) }
        }
    }

    /// The entry of a field with its own ops (`default`, `with`, `validate`).
    pub const fn custom(ops: FieldOps) -> Self {
        FieldEntry { kind: code::CUSTOM, ops: Some(ops) }
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

/// The row of the field of entry `entry` of `entries`.
///
/// # Panics
///
/// At compile time, if the struct needs more than 256 ops entries, if `max_len` is past
/// `u16::MAX`, or if the field starts past 64 KiB into the struct. The derive refuses each of
/// these first, naming the field; these asserts are the backstop.
#[allow(clippy::indexing_slicing, clippy::panic)] // evaluated at compile time only
pub const fn field_row(
    entries: &[FieldEntry],
    entry: usize,
    offset: usize,
    max_len: usize,
) -> FieldRow {
    let (kind, ops) = if entries[entry].ops.is_some() {
        (code::CUSTOM, own_ops_count(entries.split_at(entry).0))
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

/// How many of the entries of the ops table of `entries` are the struct's own (the first ones;
/// the families' follow).
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn own_ops_count(entries: &[FieldEntry]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < entries.len() {
        if entries[i].ops.is_some() {
            count += 1;
        }
        i += 1;
    }
    count
}

/// The ops table of `entries`, one entry after another; `N` is [`ops_count`].
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

/// The ops table of `entries`, split by operation; `N` is [`ops_count`], `OWN`
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

/// How many entries the lists hold together.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn entries_len(lists: &[&[FieldEntry]]) -> usize {
    let mut len = 0;
    let mut i = 0;
    while i < lists.len() {
        len += lists[i].len();
        i += 1;
    }
    len
}

/// The entries of a struct with nested fields: its own, then each nested struct's, in field
/// order; `N` is [`entries_len`].
#[allow(clippy::indexing_slicing)] // evaluated at compile time only
pub const fn joined_entries<const N: usize>(lists: &[&[FieldEntry]]) -> [FieldEntry; N] {
    let mut entries = [FieldEntry { kind: code::CUSTOM, ops: None }; N];
    let mut next = 0;
    let mut i = 0;
    while i < lists.len() {
        let mut j = 0;
        while j < lists[i].len() {
            entries[next] = lists[i][j];
            next += 1;
            j += 1;
        }
        i += 1;
    }
    entries
}

/// One part of a struct with nested fields, as its rows see it, in field order.
#[derive(Clone, Copy, Debug)]
pub enum RowPart {
    /// One of its own fields: [`field_row`]'s arguments.
    Leaf {
        /// Its entry.
        entry: usize,
        /// Its offset in the struct.
        offset: usize,
        /// Its `max_len`.
        max_len: usize,
    },
    /// A nested field at `offset`, whose struct's entries start at `entries_start` in this
    /// one's.
    Nested {
        /// The nested struct's rows.
        rows: &'static [FieldRow],
        /// Where its entries start.
        entries_start: usize,
        /// The nested field's offset in the struct.
        offset: usize,
    },
}

/// The rows of a struct with nested fields, whose entries are `entries` ([`joined_entries`]):
/// a nested struct's rows moved to the nested field's offset and pointed at this struct's ops
/// table; `N` is the number of leaves.
///
/// # Panics
///
/// At compile time, as [`field_row`]: a leaf that starts past 64 KiB into the struct.
#[allow(clippy::indexing_slicing, clippy::panic)] // evaluated at compile time only
pub const fn tree_rows<const N: usize>(entries: &[FieldEntry], parts: &[RowPart]) -> [FieldRow; N] {
    let mut rows = [FieldRow { offset: 0, max_len: 0, kind: code::CUSTOM, ops: 0 }; N];
    let mut next = 0;
    let mut i = 0;
    while i < parts.len() {
        match parts[i] {
            RowPart::Leaf { entry, offset, max_len } => {
                rows[next] = field_row(entries, entry, offset, max_len);
                next += 1;
            }
            RowPart::Nested { rows: nested, entries_start, offset } => {
                let mut j = 0;
                while j < nested.len() {
                    let row = nested[j];
                    let ops = if row.kind == code::CUSTOM {
                        own_ops_count(entries.split_at(entries_start).0) + row.ops as usize
                    } else {
                        let families_before =
                            families_used(entries) & ((1 << family(row.kind)) - 1);
                        own_ops_count(entries) + families_before.count_ones() as usize
                    };
                    let at = offset + row.offset as usize;
                    assert!(
                        at <= u16::MAX as usize,
                        "MicrovisorConfig: a nested field's field starts past 64 KiB into the \
                         struct; a settings struct's fields must lie within its first 64 KiB"
                    );
                    assert!(ops <= u8::MAX as usize);
                    rows[next] = FieldRow { offset: at as u16, ops: ops as u8, ..row };
                    next += 1;
                    j += 1;
                }
            }
        }
        i += 1;
    }
    rows
}
