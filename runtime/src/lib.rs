//! Fetch a device's settings and secrets from the Microvisor cloud into one typed struct, in one
//! batched request. `#![no_std]`, no allocation, no panic in the fetch path. Mistakes in the
//! struct are compile errors; bad data from the cloud is a typed error that names the key.
//!
//! Microvisor (KORE Wireless, formerly Twilio; STM32U585, `thumbv8m.main-none-eabihf`) keeps
//! four stores for each device: configs and secrets, of the device and of its account. The
//! firmware reads them over a config-fetch channel. You write the struct; the derive turns it
//! into the request, and the fetch turns the response back into the struct.
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
//!     #[config(key = "client-id")]
//!     client_id: Option<String<34>>,       // KEYNOTFOUND -> None
//!     #[config(key = "private_key", store = secret)]
//!     private_key: Secret<Hex<1536>>,      // Debug prints [REDACTED]; wiped on drop
//!     #[config(default = 60)]
//!     keepalive: u16,                      // key "keepalive"; KEYNOTFOUND -> 60
//! }
//!
//! # fn main() -> Result<(), microvisor_config::FetchError> {
//! # use microvisor_config::{Scope, Store};
//! # let mut cloud = microvisor_config_sim::Cloud::new();
//! # cloud.insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
//! #      .insert(Scope::Device, Store::Config, "broker-port", "8883")
//! #      .insert(Scope::Device, Store::Secret, "private_key", "00ff");
//! # let mut channel = cloud.open_channel();
//! let settings = Settings::fetch(&mut channel)?;   // at boot
//! assert_eq!(settings.broker_port, 8883);
//! assert_eq!(settings.keepalive, 60);
//! # assert!(settings.client_id.is_none());
//! # Ok(()) }
//! ```
//!
//! # What the derive generates
//!
//! [`#[derive(MicrovisorConfig)]`](derive@MicrovisorConfig) implements the
//! [`MicrovisorConfig`](trait@MicrovisorConfig) trait, mostly as constant tables: the request
//! ([`MicrovisorConfig::KEYS`], one `MvConfigKeyToFetch` per field, in field order, in flash),
//! what each key expects ([`MicrovisorConfig::SCHEMA`]), the buffer sizes
//! ([`MicrovisorConfig::RESPONSE_MAX_BYTES`], [`MicrovisorConfig::SCRATCH_BYTES`]), and a row per
//! field that tells the runtime how to parse it. The fetch loop is one non-generic function of
//! this crate, shared by every struct: a second struct costs its tables and a few small shims,
//! not a second loop.
//!
//! A fetch sends the request once, waits for the channel's notification, reads each item into
//! one stack buffer one byte longer than the longest `max_len` (so a cut value is always seen),
//! and parses it in its field's place.
//!
//! # Field types
//!
//! | type | cloud text accepted | `max_len` default |
//! |---|---|---|
//! | `heapless::String<N>` | UTF-8 | `N` |
//! | `heapless::Vec<u8, N>` | any bytes, no UTF-8 check | `N` |
//! | `u8` … `u128`, `usize` | decimal digits: no sign, no spaces | 24: past the digits, so a stray byte is named (`u128`: 39) |
//! | `i8` … `i128`, `isize` | decimal, optional `+` or `-` | 24 (`i128`: 40) |
//! | `bool` | `true` or `false`, exact case | 5 |
//! | `f32`, `f64` | a finite decimal | 64 |
//! | [`Hex<N>`](Hex) | hex of at most `N` bytes, even length | `2 * N` |
//! | [`Base64<N>`](Base64) | strict padded standard base64 of at most `N` bytes | `4 * ceil(N / 3)` |
//! | [`Secret<T>`](Secret) | as `T` | as `T` |
//! | `Option<T>` | as `T`; a missing key is `None` | as `T` |
//! | an enum with [`#[derive(ConfigValue)]`](derive@ConfigValue) | one of its variants' names | the longest name |
//! | `Json<T>` (feature `json`) | JSON of any `T: serde::de::DeserializeOwned` | none: `max_len` is required |
//! | your type | what its [`impl ConfigValue`](trait@ConfigValue) parses | its [`ConfigValue::MAX_LEN`] |
//!
//! **Empty values.** An empty text is a value of the types that hold text or bytes (`String`,
//! `Vec<u8, N>`, `Hex`, `Base64`: an empty certificate is zero bytes); the others (numbers,
//! `bool`, floats, enums, `Json`) answer [`ParseError::Empty`]. A field that must not be empty,
//! or shorter than some length, says `min_len = N`.
//!
//! A value out of range is an error, never wrapped: `"70000"` in a `u16` is not 4464. A
//! `Secret<T>` prints `[REDACTED]` in `Debug` and `Display`, is wiped on drop, and is not
//! `Clone`. Floats link core's float parser, which is large in flash: prefer fixed point
//! (`centidegrees: i32`). `max_len` is at most [`CLOUD_MAX_VALUE_LEN`] (4096), the cloud's
//! limit. Capacities may be const expressions (`String<{ 2 * 64 }>`) and types may be aliases.
//! The attributes (keys, stores, defaults, parsers, checks) are listed on
//! [the derive](derive@MicrovisorConfig).
//!
//! # Fetch shapes
//!
//! Every shape closes the channel it was given, on success and on every error. A channel carries
//! one request: open a new one per fetch. The [trait's documentation](trait@MicrovisorConfig)
//! says when to use which.
//!
//! - [`MicrovisorConfig::fetch`] returns the settings: blocking, at boot.
//! - [`MicrovisorConfig::fetch_into`] builds them in a `MaybeUninit` you give (a `static`):
//!   nothing the size of the struct passes through the stack.
//! - [`MicrovisorConfig::refresh`] fetches again; on any error the settings keep their old value.
//! - [`MicrovisorConfig::refresh_with`] does the same, staging the new settings in memory you
//!   give instead of the stack.
//! - [`MicrovisorConfig::fetch_report`] judges every field, not only the first bad one: one log
//!   line per bad key ([`FetchReport`]).
//! - [`MicrovisorConfig::send`] sends the request and returns a [`Pending`]; call
//!   [`Pending::receive`] once the channel's `CHANNELDATAREADABLE` notification has arrived.
//! - `MicrovisorConfig::fetch_async` (feature `async`) is woken by the notification; dropping
//!   the future once polled closes the channel.
//!
//! A channel is anything that implements [`ConfigChannel`]: `device::DeviceChannel` on the
//! device, the simulator's `SimChannel` on the host, or a wrapper of your own.
//!
//! # Errors
//!
//! A [`FetchError`] says which step failed: sending, waiting, reading the response, or one item.
//! An item's error names its key ([`FetchError::key`]) and says what was wrong with it
//! ([`ItemError`]); a [`ParseError`] gives the position of the first bad byte where there is
//! one. No error holds a byte of a value, so a secret never reaches a log line.
//!
//! ```
//! use microvisor_config::{MicrovisorConfig, Scope, Store};
//! use microvisor_config_sim::Cloud;
//!
//! #[derive(MicrovisorConfig)]
//! #[config(scope = device, store = config, rename_all = "kebab-case")]
//! struct Broker {
//!     broker_host: microvisor_config::heapless::String<128>,
//!     broker_port: u16,
//! }
//!
//! let mut cloud = Cloud::new();
//! cloud.insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
//!      .insert(Scope::Device, Store::Config, "broker-port", "88o3");
//! let error = Broker::fetch(&mut cloud.open_channel()).err().unwrap();
//! assert_eq!(error.key(), Some("broker-port"));
//! assert_eq!(
//!     error.to_string(),
//!     "config key `broker-port` (device config, item 1): invalid value: not a decimal integer (unexpected byte at 2)"
//! );
//! ```
//!
//! # On the device
//!
//! The module `device` exists only on the device target (`target_os = "none"`), so it is not in
//! this documentation. Its `DeviceChannel` is the channel over Microvisor's system calls, whose
//! fixed addresses the crate's link script `microvisor.x` gives (`-Tmicrovisor.x`; linking the
//! vendor's `mv_syscalls.o` instead works too).
//!
//! ```rust,ignore
//! use microvisor_config::device::{ChannelBuffers, DeviceChannel, Notifications};
//! use microvisor_config::MicrovisorConfig;
//!
//! static NOTIFICATIONS: Notifications<8> = Notifications::new();   // 16-byte records
//!
//! #[interrupt]
//! fn TIM8_BRK() {
//!     NOTIFICATIONS.on_interrupt();   // the one call the handler makes
//! }
//!
//! // Every value at its max_len, a margin per item, rounded up to 512.
//! const RECV: usize = (Settings::RESPONSE_MAX_BYTES + 16 * Settings::KEYS.len()).next_multiple_of(512);
//!
//! NOTIFICATIONS.setup(TIM8_BRK_IRQn)?;                             // mvSetupNotifications
//! let buffers: &'static mut ChannelBuffers<4096, RECV> = /* a static: 512-aligned */;
//! let mut channel = DeviceChannel::open(network_handle, NOTIFICATIONS.center(), 7, buffers)?
//!     .with_timeout_us(10_000_000);
//! let settings = Settings::fetch(&mut channel)?;                  // closes the channel
//! ```
//!
//! The receive buffer must hold the whole response, or Microvisor answers `RESPONSETOOLARGE`
//! ([`FetchError::ResponseTooLarge`]). [`MicrovisorConfig::RESPONSE_MAX_BYTES`] is the sum of
//! every field's `max_len`. The wire format is not published, so add a margin per item and round
//! up to a multiple of 512, as the vendor demos do (4 KiB send, 7 KiB receive). A fetch's stack
//! is [`MicrovisorConfig::SCRATCH_BYTES`] and a little more; `fetch` adds one move of the
//! struct and `refresh` a staged copy, `fetch_into` and `refresh_with` neither. Tags are 0 to
//! 31, one per open channel.
//!
//! # Features
//!
//! - `async`: `MicrovisorConfig::fetch_async`, `fetch_async` and `AsyncConfigChannel`.
//! - `defmt`: `defmt::Format` for the errors, [`FieldOutcome`], the system-call values, [`Hex`],
//!   [`Base64`] and [`Secret`] (which prints `[REDACTED]`), for logging a failed fetch over RTT.
//! - `json`: `Json<T>`, a field holding any `serde::de::DeserializeOwned` type, parsed from
//!   JSON text by the crate's own deserializer: no allocation, no panic path, and the byte to
//!   blame in its errors ([`ParseError::Json`]).
//!
//! None is on by default. This documentation is built with all three.
//!
//! ```toml
//! [dependencies]
//! microvisor-config = { version = "0.1", features = ["async", "defmt", "json"] }
//! ```
//!
//! # Testing on the host
//!
//! The crate `microvisor-config-sim` is the cloud on the host: its `Cloud` holds the four
//! stores and opens channels that answer as the device does, faults included. It also reads a
//! cloud from a TOML file and checks it against a struct before you upload it. Every example on
//! this page runs against it. It needs `std`: add it as a dev-dependency, never to the
//! firmware's `[dependencies]`.
//!
//! ```toml
//! [dev-dependencies]
//! microvisor-config-sim = "0.1"   # features = ["async"] for fetch_async
//! ```
//!
//! # Read more
//!
//! In the repository:
//!
//! - README.md: the user's guide.
//! - docs/ARCHITECTURE.md: how the derive and the fetch loop work.
//! - docs/PROTOCOL.md: the Microvisor config-fetch calls, step by step, and what the code
//!   relies on.
//! - docs/TESTING.md: the tests, fuzzing, Miri and the on-target runs.
//! - examples/: `boot`, `boot_report`, `event_loop`, `async_fetch`, `custom_types`.
//! - CHANGELOG.md: what changed in each release.
#![cfg_attr(not(test), no_std)]
#![deny(missing_docs)]

pub mod ffi;

#[cfg(feature = "async")]
mod asynch;
mod builtin;
// The device's notification center, and the line the server log formats: on the host, built
// for their tests (and the center for the loom model).
#[cfg(any(target_os = "none", test))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod center;
mod channel;
mod config;
#[cfg(feature = "defmt")]
mod defmt;
mod error;
mod facts;
mod fetch;
#[cfg(feature = "json")]
mod json;
#[cfg(any(target_os = "none", test))]
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
mod line;
mod outcome;
mod parse;
mod schema;
#[cfg(any(target_os = "none", test))]
mod sync;
mod tree;
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
pub use error::{FetchError, ItemError, JsonProblem, ParseError, WaitError};
pub use ffi::MvStatus;
#[cfg(feature = "json")]
pub use json::Json;
pub use outcome::FieldOutcome;
pub use schema::{KeySpec, Scope, Store};
pub use types::{Base64, Hex, Secret};
pub use value::{ConfigValue, CLOUD_MAX_VALUE_LEN};

/// Derives the [`MicrovisorConfig`](trait@MicrovisorConfig) trait for a struct with named
/// fields: one key per field, fetched in one request.
///
/// `#[config(...)]` goes on the struct (defaults for every field) and on each field. Words are
/// identifiers, except `key`, `prefix` and `rename_all` (string literals), `max_len` and
/// `min_len` (integers), and `default`, `with` and `validate` (an expression or a path). Give
/// each word once.
///
/// On the struct:
///
/// | attribute | meaning |
/// |---|---|
/// | `scope = device` / `account` | the scope of every field that does not name its own |
/// | `store = config` / `secret` | the store of every field that does not name its own |
/// | `rename_all = "..."` | a field's key from its name when it has no `key`: serde's eight cases (`"kebab-case"`, `"camelCase"`, `"SCREAMING_SNAKE_CASE"`, …). Without it the key is the name as written (`r#type` is `type`) |
///
/// There is no default scope or store: a key asked from the wrong store fails only on the
/// device, so both must be said, on the struct or on each field.
///
/// On a field:
///
/// | attribute | meaning |
/// |---|---|
/// | `key = "..."` | the key, sent exactly as written; overrides `rename_all` |
/// | `scope = ...`, `store = ...` | this field's, overriding the struct's |
/// | `max_len = N` | the longest value, in bytes of cloud text; longer is [`ItemError::TooLong`], never cut. Default: the type's bound |
/// | `min_len = N` | the shortest value; shorter is [`ParseError::TooShort`]. At most `max_len`, checked at compile time |
/// | `default` | a missing key gives `Default::default()` |
/// | `default = EXPR` | a missing key gives `EXPR`, evaluated only then |
/// | `default = "text"` | for a `String<N>` (or a `Secret` of one): that text, checked at compile time to fit `N` |
/// | `required` | says that a missing key is an error (it is already, for every type but `Option`) |
/// | `plain` | a secret-store field whose type is not [`Secret<..>`](Secret): it may be printed |
/// | `with = path` | parse with `fn(&[u8]) -> Result<T, ParseError>`; needs `max_len` |
/// | `validate = path` | after parsing, check with `fn(&T) -> Result<(), ParseError>`, a missing key's value too; `Err` is [`ItemError::Invalid`] |
/// | `nested` | the field is a struct that derives `MicrovisorConfig`: its keys join this struct's request |
/// | `prefix = "..."` | with `nested`: put in front of each of the nested struct's keys |
///
/// `with` and `validate` see `T` of a field written `Option<T>`, `Secret<T>` or
/// `Option<Secret<T>>`: the derive wraps what `with` returns, and `validate` is not called for
/// a missing optional key. (Through a type alias they see the alias's type.) A parser made of
/// parts returns [`ParseError::CustomAt`] with a position, and moves a part's error to its place
/// in the whole value with [`ParseError::shifted`].
///
/// # Nested settings
///
/// A `nested` field's struct keeps its own scope and store, and its fields their own keys,
/// after the `prefix`. The whole tree is one request: [`MicrovisorConfig::KEYS`] and
/// [`MicrovisorConfig::SCHEMA`] hold every leaf in field order with its full key, built at
/// compile time; an error names the full key, and a refresh changes all of the tree or none
/// of it. The same full key twice in one store anywhere in the tree is a compile error.
///
/// ```
/// use microvisor_config::{Hex, MicrovisorConfig, Secret};
///
/// #[derive(MicrovisorConfig)]
/// #[config(scope = device, store = config, rename_all = "kebab-case")]
/// struct Tls {
///     cert: Hex<1024>,
///     #[config(store = secret)]
///     private_key: Secret<Hex<1536>>,
/// }
///
/// #[derive(MicrovisorConfig)]
/// #[config(scope = device, store = config)]
/// struct Device {
///     #[config(nested, prefix = "mqtt-")]
///     mqtt: Tls,                               // keys "mqtt-cert", "mqtt-private-key"
///     #[config(nested, prefix = "ota-")]
///     ota: Tls,                                // keys "ota-cert", "ota-private-key"
///     #[config(key = "broker-port", default = 8883)]
///     broker_port: u16,
/// }
///
/// let keys: Vec<&str> = Device::SCHEMA.iter().map(|spec| spec.key).collect();
/// assert_eq!(keys, ["mqtt-cert", "mqtt-private-key", "ota-cert", "ota-private-key", "broker-port"]);
/// ```
///
/// ```
/// use microvisor_config::heapless::String;
/// use microvisor_config::{MicrovisorConfig, ParseError};
///
/// fn port(text: &[u8]) -> Result<u16, ParseError> {
///     core::str::from_utf8(text).ok().and_then(|t| t.parse().ok()).ok_or(ParseError::Custom("port"))
/// }
/// fn not_empty(host: &String<64>) -> Result<(), ParseError> {
///     if host.is_empty() { Err(ParseError::Empty) } else { Ok(()) }
/// }
///
/// #[derive(MicrovisorConfig)]
/// #[config(scope = device, store = config, rename_all = "kebab-case")]
/// struct Mqtt {
///     #[config(validate = not_empty)]
///     broker_host: String<64>,                 // key "broker-host"
///     #[config(with = port, max_len = 5, default = 8883)]
///     broker_port: u16,                        // missing -> 8883
///     #[config(scope = account, store = secret, plain)]
///     tenant: String<32>,                      // a secret that may be printed
/// }
/// ```
///
/// # Compile errors
///
/// Misuse is a compile error at the offending token, with a message that says how to fix it,
/// and every mistake of a struct is reported in one compile. `#[config(defualt)]` gives
/// ``unknown config attribute `defualt` … did you mean `default`?``; a secret-store field of
/// type `String<128>` gives ``field `password` is read from the secret store but its type is
/// not `Secret<..>`, so `Debug` would print it``. The struct must have named fields, no
/// generic parameters (the request is one static array, fixed at compile time) and no `Drop`
/// of its own (a refresh overwrites the old settings). The repository's tests/ui/fail/ lists
/// every case.
pub use microvisor_config_macros::MicrovisorConfig;

/// Derives the [`ConfigValue`](trait@ConfigValue) trait for an enum of unit variants, read
/// from one of its variants' names, matched exactly.
///
/// Without attributes a variant's name is as written. `#[config(rename_all = "...")]` on the
/// enum takes serde's eight cases, as on a struct; `#[config(name = "...")]` on a variant names
/// it exactly. Its `MAX_LEN` is the longest name. Any other text is
/// [`ItemError::Invalid`]`(`[`ParseError::UnknownVariant`]`)`.
///
/// ```
/// use microvisor_config::ConfigValue;
///
/// #[derive(ConfigValue, Clone, Copy, Debug, PartialEq)]
/// #[config(rename_all = "kebab-case")]
/// enum Region {
///     Eu,                                // "eu"
///     UsEast,                            // "us-east"
///     #[config(name = "ap")]
///     AsiaPacific,                       // "ap"
/// }
/// assert_eq!(Region::parse(b"us-east"), Ok(Region::UsEast));
/// assert_eq!(Region::MAX_LEN, 7);
/// ```
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
    pub use crate::facts::{check_missing, check_text, FieldFacts, TextDefault, TextDefaultOf};
    pub use crate::fetch::kind::{FieldKind, FieldRow};
    pub use crate::fetch::ops::{
        drops_fields, DropFn, FieldOps, MissingFn, OpsTable, ParseFn, SplitOps, TypeOps, ValidateFn,
    };
    pub use crate::fetch::read::{receive_fields, FetchPlan, FinishFn, Reader, ReportSink};
    pub use crate::fetch::table::{
        entries_len, field_row, joined_entries, ops_count, own_ops_count, split_ops, tree_rows,
        FieldEntry, RowPart,
    };
    pub use crate::schema::{request_entry as key, response_max_bytes, scratch_bytes};
    pub use crate::tree::{
        check_nested, keys as tree_keys, leaf_count, leaves_of, schema as tree_schema,
        text as tree_text, text_len as tree_text_len, SchemaPart, Subtree,
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
}
