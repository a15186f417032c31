//! A host simulator of the Microvisor cloud and its config-fetch channel, for the tests and
//! examples of firmware that uses [`microvisor_config`]. It runs the very fetch the derive
//! generates, against a cloud you describe in code or in a TOML file.
//!
//! It needs `std`: add it as a dev-dependency (`microvisor-config-sim = "0.1"`, with
//! `features = ["async"]` for `fetch_async`), never to the firmware's `[dependencies]`.
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
//!
//! # What it models
//!
//! [`Cloud`] holds the four stores: configs and secrets, of the device and of its account.
//! [`Cloud::open_channel`] gives a [`SimChannel`] that answers as the vendor's header says the
//! device does (docs/PROTOCOL.md in the repository restates it): one request per channel
//! (`REQUESTALREADYSENT` after it), `INVALIDCONFIGKEY` for a key outside printable ASCII,
//! `KEYNOTFOUND`, `INDEXINVALID`, `CHANNELCLOSED`, and a response that is readable only once the
//! wait has begun. A response larger than the receive buffer ([`DEFAULT_RECEIVE_BUFFER`], the
//! vendor demos' 7 KiB, unless set) is `RESPONSETOOLARGE`. The wire format is not published:
//! the simulator counts [`RESPONSE_HEADER_BYTES`] and [`ITEM_OVERHEAD_BYTES`] per item besides
//! the values ([`response_bytes`]), so size a real buffer with a margin over it. A value longer
//! than the reader's buffer gets either of the two plausible answers ([`Truncation`]): the
//! header does not say which the device gives, so a reader must be right under both.
//!
//! A response arrives at once, unless [`Cloud::deliver_manually`] holds it until
//! [`Cloud::deliver`], the simulated notification: for event loops and `async` fetches. The
//! cloud counts what its channels did ([`Cloud::channels_opened`], [`Cloud::channels_closed`],
//! [`Cloud::requests_sent`], [`Cloud::last_request`]), so a test can check that every channel
//! was closed.
//!
//! # Faults
//!
//! A cloud misbehaves on request, as a real one may. A [`Fault`] replaces one key's value
//! (`SERVERERROR`, an unknown result, a failed read); a [`ChannelFault`] breaks every channel
//! opened after it (a refused send, no response, a channel closed while waiting or after some
//! items, a wrong item count); [`Cloud::receive_buffer`], [`Cloud::truncation`] and
//! [`Cloud::max_keys`] set the rest.
//!
//! ```
//! # use microvisor_config::{FetchError, ItemError, MicrovisorConfig, Scope, Store, WaitError};
//! # use microvisor_config_sim::{ChannelFault, Cloud, Fault};
//! # #[derive(MicrovisorConfig)]
//! # #[config(scope = device, store = config, rename_all = "kebab-case")]
//! # struct Settings { broker_port: u16 }
//! let mut cloud = Cloud::new();
//! cloud.fail(Scope::Device, Store::Config, "broker-port", Fault::ServerError);
//! let error = Settings::fetch(&mut cloud.open_channel()).err().unwrap();
//! assert_eq!(error.item_error(), Some(&ItemError::ServerError));
//!
//! cloud.insert(Scope::Device, Store::Config, "broker-port", "8883");
//! cloud.channel_fault(ChannelFault::NoResponse);
//! let error = Settings::fetch(&mut cloud.open_channel()).err().unwrap();
//! assert_eq!(error, FetchError::Wait(WaitError::Timeout));
//!
//! cloud.clear_channel_faults().receive_buffer(16);
//! let error = Settings::fetch(&mut cloud.open_channel()).err().unwrap();
//! assert_eq!(error, FetchError::ResponseTooLarge);
//! assert_eq!(cloud.channels_closed(), cloud.channels_opened());
//! ```
//!
//! # The cloud in a file
//!
//! [`Cloud::from_toml_file`] reads the four stores, and the faults, from a TOML file: run the
//! firmware's own fetch on your laptop against the cloud you are about to upload. Its
//! documentation has the whole format. Loading reports every mistake of the file at once, each
//! with its line, table and key, never with a value: a value may be a secret.
//!
//! ```toml
//! [device.config]
//! broker-port = 8883                          # stored as the text "8883"
//! [device.secret]
//! private_key = { file = "private_key.hex" }  # a file's text, relative to this file
//! password = { env = "MQTT_PASSWORD" }        # an environment variable's value
//! [faults]                                    # optional: a misbehaving cloud
//! device.config.broker-port = "server-error"
//! ```
//!
//! # Checking the cloud against the struct
//!
//! The most common way a fetch fails in the field is a mismatch between the struct and what
//! was uploaded: a key missing or in the wrong store, a value too long, a port typed `"88o3"`.
//! [`Cloud::check`] looks at every field of a struct: is its key set in the store the struct
//! asks for, within its `max_len`, valid for its type (with its `with` parser and `validate`
//! check)? Then it runs the struct's own fetch against the cloud, so that the cloud's faults show
//! as a device would meet them. The [`CheckReport`] lists every problem at once, a [`Status`]
//! per field, and never shows a value:
//!
//! | status | meaning |
//! |---|---|
//! | `ok` | set where the struct asks, within `max_len`, valid for the type |
//! | `default` | not set; the field is an `Option` or has a default, which is used |
//! | `BAD DEFAULT` | not set, and the value the field takes instead fails its `validate` check |
//! | `MISSING` | not set in any store, and required; a key differing only in case or `-`/`_` is suggested |
//! | `WRONG STORE` | not set where the struct asks, but in another store or scope (named): the device does not look there, so a required field fails and an optional one silently takes its default |
//! | `TOO LONG` | longer than the field's `max_len` (its length and the maximum) |
//! | `INVALID` | not valid for the field's type (why, and the type expected) |
//! | `SERVER ERROR` | the key answers `SERVERERROR` (a fault) |
//! | `UNREADABLE` | the key answers another fault, or the channel failed while reading it |
//!
//! ```
//! use microvisor_config::heapless::String;
//! use microvisor_config::{MicrovisorConfig, Secret};
//! use microvisor_config_sim::{Cloud, Status};
//!
//! #[derive(MicrovisorConfig)]
//! #[config(scope = device, store = config, rename_all = "kebab-case")]
//! struct Settings {
//!     broker_host: String<64>,
//!     broker_port: u16,
//!     client_id: Option<String<34>>,
//!     #[config(store = secret)]
//!     password: Secret<String<64>>,
//! }
//!
//! let cloud = Cloud::from_toml_str(
//!     "[device.config]\nbroker-host = \"mqtt.example.com\"\nbroker-port = \"88o3\"\n\
//!      password = \"hunter2\"\n",
//! )
//! .unwrap();
//! let report = cloud.check::<Settings>();
//! assert!(matches!(report.field("broker-port").unwrap().status, Status::Invalid(_)));
//! assert_eq!(report.field("password").unwrap().status.label(), "WRONG STORE");
//! print!("{report}");
//! # assert_eq!(report.to_string(), concat!(
//! #     "`Settings` against the cloud: 2 problems (4 fields)\n",
//! #     "  key          store          status       detail\n",
//! #     "  broker-host  device.config  ok\n",
//! #     "  broker-port  device.config  INVALID      not a decimal integer (unexpected byte at 2); expected u16\n",
//! #     "  client-id    device.config  default      not set, default used: None\n",
//! #     "  password     device.secret  WRONG STORE  found in device.config instead: the device cannot read it there\n",
//! #     "boot fetch: fails: config key `broker-port` (device config, item 1): invalid value: not a decimal integer (unexpected byte at 2)\n",
//! # ));
//! ```
//!
//! prints
//!
//! ```text
//! `Settings` against the cloud: 2 problems (4 fields)
//!   key          store          status       detail
//!   broker-host  device.config  ok
//!   broker-port  device.config  INVALID      not a decimal integer (unexpected byte at 2); expected u16
//!   client-id    device.config  default      not set, default used: None
//!   password     device.secret  WRONG STORE  found in device.config instead: the device cannot read it there
//! boot fetch: fails: config key `broker-port` (device config, item 1): invalid value: not a decimal integer (unexpected byte at 2)
//! ```
//!
//! Below the table, `boot fetch:` is the first error a device would get from this cloud (the
//! fetch stops at the first bad item; the table lists them all). A `note:` says when a response
//! with every value at its `max_len` would not fit the receive buffer, and which keys of the
//! cloud no field asks for. In a unit test next to the struct, end a
//! `#[test] fn production_cloud() -> Result<(), CheckReport>` with
//! `cloud.check::<Settings>().into_result()` ([`CheckReport::into_result`]): its error is the
//! report, whose `Debug` is the table, so a failing test prints every problem.
//!
//! # A template to fill in
//!
//! [`template::<T>()`](template()) writes a cloud file for `T` to fill in before the first
//! upload: every key in its store's table, each under a comment with its field, type, `max_len`
//! and whether it is required or what its default is.
//!
//! ```
//! # use microvisor_config::MicrovisorConfig;
//! # #[derive(MicrovisorConfig)]
//! # #[config(scope = device, store = config, rename_all = "kebab-case")]
//! # struct Settings { broker_port: u16, #[config(default = 300)] report_interval: u32 }
//! let file = microvisor_config_sim::template::<Settings>();
//! assert!(file.contains("# broker_port: u16, at most 24 bytes, required\nbroker-port = \"\"\n"));
//! assert!(file.contains("# report_interval: u32, at most 24 bytes, optional, default 300\n"));
//! assert!(file.contains("# report-interval = \"\"\n")); // optional: commented out
//! ```
//!
//! In the repository, `cargo run --example boot` fetches from examples/cloud.toml, and
//! `cargo run --example boot -- examples/cloud-broken.toml` prints a report of typical mistakes.

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
