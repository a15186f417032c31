//! A host simulator of the Microvisor cloud and its config-fetch channel, for the tests and
//! examples of firmware that uses [`microvisor_config`]: add it as a dev-dependency.
//!
//! [`Cloud`] holds the four stores; [`Cloud::open_channel`] gives a [`SimChannel`] that behaves
//! as the vendor's header says the device does: one request per channel (`REQUESTALREADYSENT`
//! after it), `INVALIDCONFIGKEY` for a key outside printable ASCII, `KEYNOTFOUND`,
//! `SERVERERROR`, `RESPONSETOOLARGE` when the response exceeds the receive buffer,
//! `INDEXINVALID`, `CHANNELCLOSED`, a response that is readable only once the wait has begun,
//! and either of the two plausible answers to a value longer than the reader's buffer.
//! [`Cloud::deliver_manually`] holds responses until [`Cloud::deliver`], the simulated
//! notification, for event loops and `async` fetches.
//!
//! A cloud can also be read from a TOML file ([`Cloud::from_toml_file`]), checked against a
//! settings struct with every problem listed at once ([`Cloud::check`]), and written as a
//! skeleton to fill in ([`template()`]); [`Cloud::from_toml_file`] documents the format.
//!
//! # Examples
//!
//! ```
//! use microvisor_config::{MicrovisorConfig, Scope, Store};
//! use microvisor_config_sim::Cloud;
//!
//! #[derive(MicrovisorConfig)]
//! #[config(scope = device, store = config)]
//! struct Settings {
//!     #[config(key = "broker-port")]
//!     port: u16,
//! }
//!
//! let mut cloud = Cloud::new();
//! cloud.insert(Scope::Device, Store::Config, "broker-port", "8883");
//! let settings = Settings::fetch(&mut cloud.open_channel()).unwrap();
//! assert_eq!(settings.port, 8883);
//! assert_eq!(cloud.requests_sent(), 1);
//! ```

mod channel;
mod check;
mod cloud;
mod file;
mod place;
mod template;

pub use channel::SimChannel;
pub use check::{CheckReport, FieldCheck, Status};
pub use cloud::{
    response_bytes, ChannelFault, Cloud, Fault, RequestedKey, Truncation, DEFAULT_RECEIVE_BUFFER,
    ITEM_OVERHEAD_BYTES, RESPONSE_HEADER_BYTES,
};
pub use file::{LoadError, Problem, ProblemKind, FAULT_OPTIONS};
pub use place::Place;
pub use template::template;
