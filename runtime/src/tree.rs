//! Nested settings (`#[config(nested)]`): a struct's leaves, its own fields and those of the
//! structs nested in it, as one schema, one request and one table, built at compile time.
//!
//! The derive lists a struct's parts: its own fields' [`KeySpec`]s and, for each nested field,
//! that struct's whole schema with the prefix its keys take. The constant functions here turn
//! the list into the leaves' schema, in field order, and the text their prefixed keys and field
//! paths (`tls.cert`) need, in one array of the struct's own. Nothing is assembled at run time.

use crate::error::ParseError;
use crate::fetch::kind::FieldRow;
use crate::fetch::table::FieldEntry;
use crate::ffi::MvConfigKeyToFetch;
use crate::schema::{request_entry, KeySpec, Scope, Store};

/// What a struct that derives `MicrovisorConfig` offers the struct it is nested in: its tables
/// and checks (`MicrovisorConfig::SUBTREE`).
#[derive(Clone, Copy, Debug)]
pub struct Subtree {
    /// Its leaves, in field order.
    pub schema: &'static [KeySpec],
    /// Its table entries, which the outer struct's follow after its own.
    pub entries: &'static [FieldEntry],
    /// Its rows, offsets within it.
    pub rows: &'static [FieldRow],
    /// `MicrovisorConfig::check_item`, by leaf index.
    pub check_item: fn(usize, &[u8]) -> Result<(), ParseError>,
    /// `MicrovisorConfig::check_missing`, by leaf index.
    pub check_missing: fn(usize) -> Result<(), ParseError>,
}

/// One part of a struct with nested fields, in field order.
#[derive(Clone, Copy, Debug)]
pub enum SchemaPart {
    /// One of its own fields.
    Leaf(KeySpec),
    /// A nested field: every leaf of `schema`, its key after `prefix` and its field after
    /// `field.`.
    Nested {
        /// The nested field's name.
        field: &'static str,
        /// What its keys take in front.
        prefix: &'static str,
        /// The nested struct's leaves.
        schema: &'static [KeySpec],
    },
}

/// How many leaves `parts` have.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn leaf_count(parts: &[SchemaPart]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < parts.len() {
        count += part_width(&parts[i]);
        i += 1;
    }
    count
}

/// How many bytes of text the leaves of `parts` need: each nested leaf's field path, and its
/// key when it has a prefix (without one, the nested struct's own key is used as it is).
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn text_len(parts: &[SchemaPart]) -> usize {
    let mut len = 0;
    let mut i = 0;
    while i < parts.len() {
        if let SchemaPart::Nested { field, prefix, schema } = parts[i] {
            let mut j = 0;
            while j < schema.len() {
                len += field.len() + 1 + schema[j].field.len();
                if !prefix.is_empty() {
                    len += prefix.len() + schema[j].key.len();
                }
                j += 1;
            }
        }
        i += 1;
    }
    len
}

/// The text of [`text_len`], in the order [`schema`] reads it; `N` is `text_len(parts)`.
#[allow(clippy::indexing_slicing)] // evaluated at compile time only
pub const fn text<const N: usize>(parts: &[SchemaPart]) -> [u8; N] {
    let mut text = [0u8; N];
    let mut at = 0;
    let mut i = 0;
    while i < parts.len() {
        if let SchemaPart::Nested { field, prefix, schema } = parts[i] {
            let mut j = 0;
            while j < schema.len() {
                at = put(&mut text, at, field.as_bytes());
                at = put(&mut text, at, b".");
                at = put(&mut text, at, schema[j].field.as_bytes());
                if !prefix.is_empty() {
                    at = put(&mut text, at, prefix.as_bytes());
                    at = put(&mut text, at, schema[j].key.as_bytes());
                }
                j += 1;
            }
        }
        i += 1;
    }
    text
}

/// Copies `bytes` into `text` at `at`; where the copy ends.
#[allow(clippy::indexing_slicing)] // evaluated at compile time only
const fn put(text: &mut [u8], at: usize, bytes: &[u8]) -> usize {
    let mut i = 0;
    while i < bytes.len() {
        text[at + i] = bytes[i];
        i += 1;
    }
    at + bytes.len()
}

/// The leaves of `parts`, in field order, their keys and field paths in `text` ([`text`]); `N`
/// is `leaf_count(parts)`.
#[allow(clippy::indexing_slicing)] // evaluated at compile time only
pub const fn schema<const N: usize>(parts: &[SchemaPart], text: &'static [u8]) -> [KeySpec; N] {
    let mut leaves = [PLACEHOLDER; N];
    let (mut leaf, mut at) = (0, 0);
    let mut i = 0;
    while i < parts.len() {
        match parts[i] {
            SchemaPart::Leaf(spec) => {
                leaves[leaf] = spec;
                leaf += 1;
            }
            SchemaPart::Nested { field, prefix, schema } => {
                let mut j = 0;
                while j < schema.len() {
                    let mut spec = schema[j];
                    let path_len = field.len() + 1 + spec.field.len();
                    spec.field = slice(text, at, path_len);
                    at += path_len;
                    if !prefix.is_empty() {
                        let key_len = prefix.len() + spec.key.len();
                        spec.key = slice(text, at, key_len);
                        at += key_len;
                    }
                    leaves[leaf] = spec;
                    leaf += 1;
                    j += 1;
                }
            }
        }
        i += 1;
    }
    leaves
}

/// A schema entry that [`schema`] overwrites.
const PLACEHOLDER: KeySpec = KeySpec {
    key: "",
    scope: Scope::Device,
    store: Store::Config,
    max_len: 0,
    min_len: 0,
    required: false,
    field: "",
    type_name: "",
    default: None,
};

/// `len` bytes of `text` from `at`, as text: the joined pieces of strings are a string.
#[allow(clippy::panic)] // evaluated at compile time only
const fn slice(text: &'static [u8], at: usize, len: usize) -> &'static str {
    let (_, rest) = text.split_at(at);
    let (piece, _) = rest.split_at(len);
    match core::str::from_utf8(piece) {
        Ok(piece) => piece,
        Err(_) => panic!("MicrovisorConfig: a nested key is not text"),
    }
}

/// The request of `schema`: one entry per leaf; `N` is its length.
#[allow(clippy::indexing_slicing)] // evaluated at compile time only
pub const fn keys<const N: usize>(schema: &'static [KeySpec]) -> [MvConfigKeyToFetch; N] {
    let mut keys = [request_entry(Scope::Device, Store::Config, ""); N];
    let mut i = 0;
    while i < N {
        keys[i] = request_entry(schema[i].scope, schema[i].store, schema[i].key);
        i += 1;
    }
    keys
}

/// The longest message [`check_nested`] writes.
const MESSAGE_LEN: usize = 400;

/// What [`check_nested`] found wrong, as the compile error's message; empty if nothing.
#[derive(Debug)]
pub struct Message {
    bytes: [u8; MESSAGE_LEN],
    len: usize,
}

impl Message {
    const fn new() -> Self {
        Message { bytes: [0; MESSAGE_LEN], len: 0 }
    }

    /// Appends `piece`, as much of it as fits.
    #[allow(clippy::indexing_slicing)] // `len < MESSAGE_LEN` guards it; compile time only
    const fn push(mut self, piece: &str) -> Self {
        let piece = piece.as_bytes();
        let mut i = 0;
        while i < piece.len() && self.len < MESSAGE_LEN {
            self.bytes[self.len] = piece[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// The message, if there is one. (Pieces are whole strings, so the text is cut only when
    /// it is full, where it may split a character: it then ends before that character.)
    pub const fn text(&self) -> Option<&str> {
        if self.len == 0 {
            return None;
        }
        let (written, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(written) {
            Ok(text) => Some(text),
            Err(error) => match core::str::from_utf8(written.split_at(error.valid_up_to()).0) {
                Ok(text) => Some(text),
                Err(_) => None,
            },
        }
    }
}

/// The checks of the nested field that is part `part` of struct `outer`, whose leaves are
/// `schema` ([`schema`] of `parts`): each key within the cloud's 100 bytes once prefixed, and
/// none fetched twice from one store, against the struct's own fields and the leaves of the
/// nested fields before it (the own fields among themselves the derive checks, and each nested
/// struct its own). The first problem, as a message naming the field and the key, which the
/// derive's constant turns into the compile error.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn check_nested(
    parts: &[SchemaPart],
    schema: &[KeySpec],
    part: usize,
    outer: &str,
) -> Message {
    let (start, end) = leaves_of(parts, part);
    let (field, prefixed) = match parts[part] {
        SchemaPart::Nested { field, prefix, .. } => (field, !prefix.is_empty()),
        SchemaPart::Leaf(spec) => (spec.field, false),
    };
    let mut i = start;
    while i < end {
        let leaf = &schema[i];
        if leaf.key.len() > MAX_KEY_LEN {
            return Message::new()
                .push("config key `")
                .push(leaf.key)
                .push("` of nested field `")
                .push(field)
                .push("` of `")
                .push(outer)
                .push("` is longer than the cloud's 100 bytes once prefixed; shorten the prefix");
        }
        let mut j = 0;
        while j < schema.len() {
            let other = j < start || (j >= end && is_own(parts, j));
            if other && same_key(leaf, &schema[j]) {
                return Message::new()
                    .push("duplicate config key `")
                    .push(leaf.key)
                    .push("` in the ")
                    .push(leaf.scope.as_str())
                    .push(" ")
                    .push(leaf.store.as_str())
                    .push(" store of `")
                    .push(outer)
                    .push("`: `")
                    .push(leaf.field)
                    .push("` and `")
                    .push(schema[j].field)
                    .push("` both fetch it; give nested field `")
                    .push(field)
                    .push(if prefixed {
                        "` another prefix"
                    } else {
                        "` a prefix (`#[config(nested, prefix = \"...\")]`)"
                    })
                    .push(", or one of them another key");
            }
            j += 1;
        }
        i += 1;
    }
    Message::new()
}

/// The leaves of part `part`, as a range of leaf indices.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn leaves_of(parts: &[SchemaPart], part: usize) -> (usize, usize) {
    let mut start = 0;
    let mut i = 0;
    while i < part {
        start += part_width(&parts[i]);
        i += 1;
    }
    (start, start + part_width(&parts[part]))
}

/// Whether leaf `leaf` is one of the struct's own fields (not a nested struct's).
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
const fn is_own(parts: &[SchemaPart], leaf: usize) -> bool {
    let mut start = 0;
    let mut i = 0;
    while i < parts.len() {
        let width = part_width(&parts[i]);
        if leaf < start + width {
            return matches!(parts[i], SchemaPart::Leaf(_));
        }
        start += width;
        i += 1;
    }
    false
}

const fn part_width(part: &SchemaPart) -> usize {
    match part {
        SchemaPart::Leaf(_) => 1,
        SchemaPart::Nested { schema, .. } => schema.len(),
    }
}

/// The cloud's longest key.
const MAX_KEY_LEN: usize = 100;

/// Whether two leaves fetch the same key from the same store.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
const fn same_key(a: &KeySpec, b: &KeySpec) -> bool {
    if a.scope as u8 != b.scope as u8 || a.store as u8 != b.store as u8 {
        return false;
    }
    let (a, b) = (a.key.as_bytes(), b.key.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
