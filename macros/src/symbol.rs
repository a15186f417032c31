//! Every word of the `#[config(...)]` attribute, in one place.

/// The attribute's name.
pub const CONFIG: &str = "config";

pub const KEY: &str = "key";
pub const SCOPE: &str = "scope";
pub const STORE: &str = "store";
pub const MAX_LEN: &str = "max_len";
pub const MIN_LEN: &str = "min_len";
pub const DEFAULT: &str = "default";
pub const REQUIRED: &str = "required";
pub const PLAIN: &str = "plain";
pub const WITH: &str = "with";
pub const VALIDATE: &str = "validate";
pub const NESTED: &str = "nested";
pub const PREFIX: &str = "prefix";
pub const RENAME_ALL: &str = "rename_all";
/// A variant's word, in `#[derive(ConfigValue)]` enums.
pub const NAME: &str = "name";

/// The words a field's attribute takes.
pub const FIELD_WORDS: &[&str] = &[
    KEY, SCOPE, STORE, MAX_LEN, MIN_LEN, DEFAULT, REQUIRED, PLAIN, WITH, VALIDATE, NESTED, PREFIX,
];
/// The words the struct's attribute takes.
pub const CONTAINER_WORDS: &[&str] = &[SCOPE, STORE, RENAME_ALL];

pub const SCOPES: &[&str; 2] = &["device", "account"];
pub const STORES: &[&str; 2] = &["config", "secret"];

/// The cloud's limits (docs/PROTOCOL.md, "The cloud stores").
pub const MAX_KEY_LEN: usize = 100;
pub const MAX_VALUE_LEN: usize = 4096;
