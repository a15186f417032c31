//! Fetch a firmware's settings and secrets from the Microvisor cloud in one batched request,
//! into a typed struct: `#![no_std]`, no allocation, and no panic path.
//!
//! ```
//! use microvisor_config::heapless::String;
//! use microvisor_config::{Hex, MicrovisorConfig, Secret};
//!
//! #[derive(MicrovisorConfig)]
//! #[config(scope = device, store = config)]
//! struct Settings {
//!     #[config(key = "broker-host")]
//!     broker_host: String<128>,
//!     #[config(key = "broker-port")]
//!     broker_port: u16,
//!     #[config(key = "private_key", store = secret)]
//!     private_key: Secret<Hex<1536>>,
//! }
//!
//! # fn main() -> Result<(), microvisor_config::FetchError> {
//! # use microvisor_config::{Scope, Store};
//! # let mut cloud = microvisor_config_sim::Cloud::new();
//! # cloud.insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
//! #      .insert(Scope::Device, Store::Config, "broker-port", "8883")
//! #      .insert(Scope::Device, Store::Secret, "private_key", "00ff");
//! # let mut channel = cloud.open_channel();
//! let settings = Settings::fetch(&mut channel)?;
//! assert_eq!(settings.broker_port, 8883);
//! # Ok(()) }
//! ```
#![cfg_attr(not(test), no_std)]
#![deny(missing_docs)]

pub mod ffi;

#[cfg(feature = "async")]
mod asynch;
mod builtin;
mod channel;
mod config;
#[cfg(feature = "defmt")]
mod defmt;
mod error;
mod fetch;
mod outcome;
mod parse;
mod schema;
mod types;
mod value;
// The device channel's (`target_os = "none"`); on the host, built for its tests only.
#[cfg(all(feature = "async", any(target_os = "none", test)))]
mod waker;

#[cfg(target_os = "none")]
pub mod device;

#[cfg(feature = "async")]
pub use asynch::AsyncConfigChannel;
pub use channel::{ConfigChannel, ItemRead, Request};
#[cfg(feature = "async")]
pub use config::fetch_async;
pub use config::{FetchReport, MicrovisorConfig, Pending};
pub use error::{FetchError, ItemError, ParseError, WaitError};
pub use ffi::MvStatus;
pub use outcome::FieldOutcome;
pub use schema::{KeySpec, Scope, Store};
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
    pub use crate::channel::{send, wait};
    pub use crate::fetch::kind::{FieldKind, FieldRow};
    pub use crate::fetch::ops::{
        drops_fields, DropFn, FieldOps, MissingFn, OpsTable, ParseFn, SplitOps, TypeOps, ValidateFn,
    };
    pub use crate::fetch::read::{receive_fields, FetchPlan, FinishFn, Reader, ReportSink};
    pub use crate::fetch::table::{field_row, ops_count, own_ops_count, split_ops, FieldEntry};
    pub use crate::schema::{response_max_bytes, scratch_bytes};
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
        scope: crate::schema::Scope,
        store: crate::schema::Store,
        key: &'static str,
    ) -> crate::ffi::MvConfigKeyToFetch {
        crate::ffi::MvConfigKeyToFetch {
            scope: scope.to_ffi(),
            store: store.to_ffi(),
            key: crate::ffi::MvSizedString { data: key.as_ptr(), length: key.len() as u32 },
        }
    }
}
