//! The derive's output means the same whatever the user's crate defines: every path it writes
//! is absolute (`::microvisor_config::__private::core::..`), so none of the items below, all
//! named like something the generated code uses, changes its meaning. (serde's `test_gen.rs`
//! does the same.) Each struct still derives, fetches and reports a missing key.
#![allow(dead_code, non_camel_case_types, unused_macros)]
#![allow(clippy::unwrap_used, clippy::panic)]

// The prelude's names, shadowed at the top level.
struct Result;
struct Option;
struct Some;
struct None;
struct Ok;
struct Err;
struct Default;
struct Sized;
struct Box;
struct From;
struct Into;

// Primitive types can be shadowed too.
struct u8;
struct u16;
struct u32;
struct usize;
struct str;
struct bool;

// Modules named like the crates the output reaches for. `::core` and `::microvisor_config` still
// name the crates; a plain `core::` or `microvisor_config::` in the output would break here.
mod core {}
mod std {}
mod microvisor_config {}
mod heapless {}

// The runtime's own names, as local items.
struct Fetch;
struct KeySpec;
struct FetchError;
struct ParseError;
trait ConfigValue {}
trait MicrovisorConfig {}
trait ConfigChannel {}

// Macros the output could call unqualified.
macro_rules! panic {
    ($($tokens:tt)*) => {
        compile_error!("the derive called a shadowed `panic!`")
    };
}
macro_rules! unreachable {
    ($($tokens:tt)*) => {
        compile_error!("the derive called a shadowed `unreachable!`")
    };
}

// Names a generated local could have had. (The output's own locals all start with `__`, as
// serde's do: a unit struct named like one of them is the one thing that could clash, since a
// `let` binding cannot shadow a unit struct.)
struct value;
struct offset;
struct scratch;
struct channel;
struct report;
struct index;
struct text;
const MAX_LEN_FITS_FIELD_TYPE: () = ();

fn parse_mode(
    input: &[::core::primitive::u8],
) -> ::core::result::Result<::core::primitive::u8, ::microvisor_config::ParseError> {
    match input {
        b"fast" => ::core::result::Result::Ok(2),
        _ => ::core::result::Result::Ok(1),
    }
}

fn not_zero(
    port: &::core::primitive::u16,
) -> ::core::result::Result<(), ::microvisor_config::ParseError> {
    if *port == 0 {
        ::core::result::Result::Err(::microvisor_config::ParseError::Custom("zero"))
    } else {
        ::core::result::Result::Ok(())
    }
}

/// The enum derive's output, under the same shadowing.
#[derive(::microvisor_config::ConfigValue, ::core::fmt::Debug, ::core::cmp::PartialEq)]
#[config(rename_all = "kebab-case")]
enum Region {
    Eu,
    UsEast,
}

#[derive(::microvisor_config::MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
struct Shadowed {
    broker_host: ::microvisor_config::heapless::String<64>,
    #[config(validate = not_zero, max_len = 5)]
    broker_port: ::core::primitive::u16,
    client_id: ::core::option::Option<::microvisor_config::heapless::String<34>>,
    #[config(default)]
    retries: ::core::primitive::u8,
    #[config(default = 30)]
    interval: ::core::primitive::u32,
    #[config(with = parse_mode, max_len = 8)]
    mode: ::core::primitive::u8,
    #[config(store = secret)]
    password: ::microvisor_config::Secret<::microvisor_config::heapless::String<32>>,
    enabled: ::core::primitive::bool,
    region: Region,
}

#[test]
fn derives_and_fetches_with_shadowed_names() {
    use ::microvisor_config::MicrovisorConfig as _;
    use ::microvisor_config::{Scope, Store};

    let mut cloud = ::microvisor_config_sim::Cloud::new();
    let _ = cloud
        .insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
        .insert(Scope::Device, Store::Config, "broker-port", "8883")
        .insert(Scope::Device, Store::Config, "mode", "fast")
        .insert(Scope::Device, Store::Secret, "password", "hunter2")
        .insert(Scope::Device, Store::Config, "enabled", "true")
        .insert(Scope::Device, Store::Config, "region", "us-east");
    let settings = match Shadowed::fetch(&mut cloud.open_channel()) {
        ::core::result::Result::Ok(settings) => settings,
        ::core::result::Result::Err(error) => ::std::panic!("fetch failed: {error}"),
    };
    assert_eq!(settings.broker_host.as_str(), "mqtt.example.com");
    assert_eq!(settings.broker_port, 8883);
    assert!(settings.client_id.is_none());
    assert_eq!(settings.retries, 0);
    assert_eq!(settings.interval, 30);
    assert_eq!(settings.mode, 2);
    assert_eq!(settings.password.expose_secret().as_str(), "hunter2");
    assert!(settings.enabled);
    assert_eq!(settings.region, Region::UsEast);
    assert_eq!(settings.region.config_name(), "us-east");

    // The error paths run too: a missing required key, and a value the validator rejects.
    let _ = cloud.remove(Scope::Device, Store::Config, "enabled");
    let error = Shadowed::fetch(&mut cloud.open_channel()).map(|_| ()).unwrap_err();
    assert!(matches!(
        error,
        ::microvisor_config::FetchError::Item {
            key: "enabled",
            error: ::microvisor_config::ItemError::NotFound,
            ..
        }
    ));
    let _ = cloud.insert(Scope::Device, Store::Config, "enabled", "false").insert(
        Scope::Device,
        Store::Config,
        "broker-port",
        "0",
    );
    let error = Shadowed::fetch(&mut cloud.open_channel()).map(|_| ()).unwrap_err();
    assert!(matches!(error, ::microvisor_config::FetchError::Item { key: "broker-port", .. }));

    // The checker's entry point is generated too.
    assert!(Shadowed::check_item(1, b"0").is_err());
    assert!(Shadowed::check_item(1, b"1883").is_ok());
    assert!(Shadowed::check_item(5, b"anything").is_ok());
}
