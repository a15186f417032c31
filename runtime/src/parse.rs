//! The non-generic parsers every field type shares. Generic impls are one-line shims over
//! these, so ten integer or string fields of ten widths or capacities cost one parser each in
//! flash, not ten.

pub(crate) mod binary;
pub(crate) mod int;
pub(crate) mod text;
