//! The schema the derive generates for a struct: where each key lives, what it expects, and
//! the buffer sizes that follow from it.

use crate::ffi::{MvConfigKeyFetchScope, MvConfigKeyFetchStore, MvConfigKeyToFetch, MvSizedString};

/// The longest value the cloud stores, in bytes of text.
pub const CLOUD_MAX_VALUE_LEN: usize = 4096;

/// Where a key lives: shared by the account, or this device's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// This device only.
    Device,
    /// Every device of the account.
    Account,
}

impl Scope {
    /// The value the system call takes.
    pub const fn to_ffi(self) -> MvConfigKeyFetchScope {
        match self {
            Scope::Device => MvConfigKeyFetchScope::DEVICE,
            Scope::Account => MvConfigKeyFetchScope::ACCOUNT,
        }
    }

    /// The scope of a system-call value, if it is a known one.
    pub const fn from_ffi(value: MvConfigKeyFetchScope) -> Option<Self> {
        match value {
            MvConfigKeyFetchScope::DEVICE => Some(Scope::Device),
            MvConfigKeyFetchScope::ACCOUNT => Some(Scope::Account),
            _ => None,
        }
    }

    /// `"device"` or `"account"`, as the attribute spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Device => "device",
            Scope::Account => "account",
        }
    }
}

/// Which store a key lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Store {
    /// Configs: also readable through the REST API.
    Config,
    /// Secrets: readable only by the device.
    Secret,
}

impl Store {
    /// The value the system call takes.
    pub const fn to_ffi(self) -> MvConfigKeyFetchStore {
        match self {
            Store::Config => MvConfigKeyFetchStore::CONFIG,
            Store::Secret => MvConfigKeyFetchStore::SECRET,
        }
    }

    /// The store of a system-call value, if it is a known one.
    pub const fn from_ffi(value: MvConfigKeyFetchStore) -> Option<Self> {
        match value {
            MvConfigKeyFetchStore::CONFIG => Some(Store::Config),
            MvConfigKeyFetchStore::SECRET => Some(Store::Secret),
            _ => None,
        }
    }

    /// `"config"` or `"secret"`, as the attribute spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Store::Config => "config",
            Store::Secret => "secret",
        }
    }
}

/// The request entry of one key, built at compile time.
pub const fn request_entry(scope: Scope, store: Store, key: &'static str) -> MvConfigKeyToFetch {
    MvConfigKeyToFetch {
        scope: scope.to_ffi(),
        store: store.to_ffi(),
        key: MvSizedString { data: key.as_ptr(), length: key.len() as u32 },
    }
}

/// What the derive knows about one field: the schema a cloud must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// The key, exactly as sent.
    pub key: &'static str,
    /// Its scope.
    pub scope: Scope,
    /// Its store.
    pub store: Store,
    /// The longest value accepted, in bytes of text as the cloud stores it.
    pub max_len: usize,
    /// The shortest value accepted (`min_len`); 0 if the field sets none.
    pub min_len: usize,
    /// `false` if a missing key is fine (an `Option` field, or one with a default).
    pub required: bool,
    /// The Rust field's name.
    pub field: &'static str,
    /// The field's type, as written in the struct.
    pub type_name: &'static str,
    /// The default used when the key is missing, as written (`Default::default()` for a bare
    /// `default`), if the field has one.
    pub default: Option<&'static str>,
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
        let counts = !secrets || matches!(schema[i].store, Store::Secret);
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
