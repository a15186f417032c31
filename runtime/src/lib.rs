#![doc = include_str!("../../README.md")]
#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![deny(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

pub mod ffi;

#[cfg(feature = "async")]
mod asynch;
mod channel;
mod config;
#[cfg(feature = "defmt")]
mod defmt;
mod error;
mod fetch;
mod parse;
mod report;
mod types;
mod value;
// The device channel's (`target_os = "none"`); on the host, built for its tests only.
#[cfg(all(feature = "async", any(target_os = "none", test)))]
mod waker;

#[cfg(target_os = "none")]
pub mod device;

#[cfg(feature = "sim")]
pub mod sim;

#[cfg(feature = "async")]
pub use asynch::{fetch_async, AsyncConfigChannel};
pub use channel::{ConfigChannel, ItemRead, KeySpec, Request, Scope, Store};
pub use config::{MicrovisorConfig, Pending};
pub use error::{FetchError, ItemError, ParseError, WaitError};
pub use ffi::MvStatus;
pub use report::{FetchReport, FieldOutcome};
pub use types::{Base64, Hex, Secret};
pub use value::{ConfigValue, CLOUD_MAX_VALUE_LEN};

/// Derives [`MicrovisorConfig`] for a struct with named fields; see the crate documentation
/// for the attributes.
pub use microvisor_config_macros::MicrovisorConfig;

/// Derives [`ConfigValue`] for an enum of unit variants read from text; see the crate
/// documentation.
pub use microvisor_config_macros::ConfigValue;

/// The fixed-capacity collections field types are made of (`String<N>`, `Vec<u8, N>`).
pub use heapless;

/// The longest key the cloud accepts, in bytes.
pub const CLOUD_MAX_KEY_LEN: usize = 100;

/// The `OpsTable` of settings struct `$ty`, built at compile time from its `FIELD_ENTRIES`
/// (`__private::ops_table_of!`, which the derive's `FIELD_OPS` calls). Each table is a constant
/// of its own, so that one whose every entry is `None` (no field has a check, or a drop) is
/// folded away and not linked; in one constant the tables would be one allocation, whose loads
/// the optimiser no longer folds. Paths are absolute: the struct's scope may shadow anything.
#[doc(hidden)]
#[macro_export]
macro_rules! __ops_table_of {
    ($ty:ty) => {{
        const N: $crate::__private::core::primitive::usize =
            $crate::__private::ops_count(<$ty as $crate::MicrovisorConfig>::FIELD_ENTRIES);
        const OWN: $crate::__private::core::primitive::usize =
            $crate::__private::own_ops_count(<$ty as $crate::MicrovisorConfig>::FIELD_ENTRIES);
        const SPLIT: $crate::__private::SplitOps<N, OWN> =
            $crate::__private::split_ops(<$ty as $crate::MicrovisorConfig>::FIELD_ENTRIES);
        const PARSE: [$crate::__private::ParseFn; N] = SPLIT.parse;
        const MISSING: [$crate::__private::MissingFn; OWN] = SPLIT.missing;
        const DROP: [$crate::__private::core::option::Option<$crate::__private::DropFn>; OWN] =
            SPLIT.drop;
        const VALIDATE: [$crate::__private::core::option::Option<$crate::__private::ValidateFn>;
            OWN] = SPLIT.validate;
        $crate::__private::OpsTable::new(&PARSE, &MISSING, &DROP, &VALIDATE)
    }};
}

/// What generated code names. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::__ops_table_of as ops_table_of;
    pub use crate::fetch::{
        drops_fields, field_row, ops_count, own_ops_count, receive_fields, response_max_bytes,
        scratch_bytes, send, split_ops, wait, DropFn, FetchPlan, FieldEntry, FieldKind, FieldOps,
        FieldRow, FinishFn, MissingFn, OpsTable, ParseFn, Reader, ReportSink, SplitOps, TypeOps,
        ValidateFn,
    };
    pub use crate::value::CLOUD_MAX_VALUE_LEN;
    pub use core;

    /// The smaller of two lengths, in const context.
    pub const fn min(a: usize, b: usize) -> usize {
        if a < b {
            a
        } else {
            b
        }
    }

    /// The request entry of one key, built at compile time.
    pub const fn key(
        scope: crate::Scope,
        store: crate::Store,
        key: &'static str,
    ) -> crate::ffi::MvConfigKeyToFetch {
        crate::ffi::MvConfigKeyToFetch {
            scope: scope.to_ffi(),
            store: store.to_ffi(),
            key: crate::ffi::MvSizedString { data: key.as_ptr(), length: key.len() as u32 },
        }
    }
}
