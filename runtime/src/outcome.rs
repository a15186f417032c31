//! How one field of a reporting fetch turned out.

use core::fmt;

use crate::error::ItemError;

/// How one field of a reporting fetch turned out.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldOutcome {
    /// The value was read and is valid.
    Ok,
    /// The key is not set; the field's default (or `None`) was used.
    Defaulted,
    /// The item could not be used (a required key missing, a server error, too long,
    /// invalid, ...).
    Failed(ItemError),
    /// The fetch stopped before this field: the request, the wait or the response failed as
    /// a whole (see the report's result).
    NotRead,
}

impl FieldOutcome {
    /// Whether the field is fine (read, or defaulted).
    pub const fn is_ok(&self) -> bool {
        matches!(self, FieldOutcome::Ok | FieldOutcome::Defaulted)
    }
}

impl fmt::Display for FieldOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldOutcome::Ok => f.write_str("ok"),
            FieldOutcome::Defaulted => f.write_str("not set, default used"),
            FieldOutcome::Failed(error) => fmt::Display::fmt(error, f),
            FieldOutcome::NotRead => f.write_str("not read"),
        }
    }
}
