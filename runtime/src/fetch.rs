//! The non-generic core of every generated fetch.
//!
//! The derive generates tables, not code: per struct the request (`KEYS`) and one
//! [`FieldRow`](kind::FieldRow) per field (where the field lives, how long its text may be, and
//! its kind). One loop ([`read`]) reads item after item into the read buffer and writes each
//! value straight into its field's place. The crate's own types are parsed by their kind, by
//! one parser per family of kinds ([`family`]); other types, and fields with `with`, `default`
//! or `validate`, go through an ops entry of their own ([`ops`]). The tables are built at
//! compile time ([`table`]).
//!
//! The layers, each importing only those below it: `bytes` and `kind` at the bottom, then
//! `ops`, `family`, `table`, and `read` on top.

pub(crate) mod bytes;
pub(crate) mod family;
pub(crate) mod kind;
pub(crate) mod ops;
pub(crate) mod read;
pub(crate) mod table;
#[cfg(test)]
mod tests;
