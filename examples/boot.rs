// The boot fetch of a realistic settings struct, run on the host against a cloud file:
//
//     cargo run --example boot                                # examples/cloud.toml
//     cargo run --example boot -- examples/cloud-broken.toml  # a cloud with mistakes
//     cargo run --example boot -- examples/cloud-faults.toml  # a cloud that misbehaves
//
// The struct is the vendor's MQTT demo schema (docs/PROTOCOL.md) plus a few account-level items.
// The fetch is the derive's own, through the simulator's channel; on failure the example
// prints the check of the cloud against the struct, every problem at once, and exits with 1.
//
// (Plain comments, not `//!`: tests/check_report.rs includes this file, to check the committed
// cloud files against the very struct below.)

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use microvisor_config::heapless::String;
use microvisor_config::{Hex, Json, MicrovisorConfig, Secret};
use microvisor_config_sim::Cloud;

/// What a clock that talks MQTT fetches at boot.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
pub(crate) struct Settings {
    #[config(key = "broker-host")]
    broker_host: String<128>,
    #[config(key = "broker-port")]
    broker_port: u16,
    /// Not set: the firmware uses the device's own 34-character id.
    #[config(key = "client-id")]
    client_id: Option<String<34>>,
    /// The TLS identity, a struct of its own: its keys join this request as they are.
    #[config(nested)]
    tls: Tls,
    username: String<128>,
    #[config(store = secret)]
    password: Secret<String<128>>,
    /// The weather service's key, shared by every clock of the account.
    #[config(key = "weather-api-key", scope = account, store = secret)]
    weather_api_key: Secret<String<32>>,
    /// Display settings shared by every clock of the account, as JSON (feature `json`).
    #[config(scope = account, max_len = 256)]
    prefs: Json<Prefs>,
    /// Seconds between two telemetry reports.
    #[config(key = "report-interval", scope = account, default = 300)]
    report_interval: u32,
}

/// The device's TLS identity: the broker's root CA, this device's certificate and its private
/// key, DER uploaded as hex. A firmware with a second identity nests this twice, each under a
/// `prefix`.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
pub(crate) struct Tls {
    #[config(key = "root-CA")]
    root_ca: Hex<1536>,
    cert: Hex<1024>,
    #[config(store = secret)]
    private_key: Secret<Hex<1536>>,
}

/// The clock's display settings: `{"format":"24h","brightness":8,"colon":"blink","tz":"..."}`.
#[derive(serde::Deserialize, Debug)]
pub(crate) struct Prefs {
    format: String<3>,
    brightness: u8,
    colon: Colon,
    tz: String<48>,
}

#[derive(serde::Deserialize, Debug)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Colon {
    On,
    Blink,
}

fn main() -> ExitCode {
    let (path, shown) = match std::env::args_os().nth(1) {
        Some(path) => (PathBuf::from(&path), PathBuf::from(path)),
        // The default is found from any working directory.
        None => (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cloud.toml"),
            PathBuf::from("examples/cloud.toml"),
        ),
    };
    let cloud = match Cloud::from_toml_file(&path) {
        Ok(cloud) => cloud,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    match Settings::fetch(&mut cloud.open_channel()) {
        Ok(settings) => {
            println!("fetched `Settings` from {} in one request:", shown.display());
            print(&settings);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("boot fetch from {} failed: {error}\n", shown.display());
            eprint!("{}", cloud.check::<Settings>());
            ExitCode::FAILURE
        }
    }
}

/// The settings, secrets redacted, binary values shortened.
fn print(settings: &Settings) {
    let client_id = match &settings.client_id {
        Some(id) => id.as_str().to_owned(),
        None => "not set: the device's own id is used".to_owned(),
    };
    let rows = [
        ("broker-host", settings.broker_host.as_str().to_owned()),
        ("broker-port", settings.broker_port.to_string()),
        ("client-id", client_id),
        ("root-CA", shorten(&settings.tls.root_ca)),
        ("cert", shorten(&settings.tls.cert)),
        ("private_key", settings.tls.private_key.to_string()),
        ("username", settings.username.as_str().to_owned()),
        ("password", settings.password.to_string()),
        ("weather-api-key", settings.weather_api_key.to_string()),
        ("prefs", {
            let prefs = &*settings.prefs;
            let (format, tz) = (prefs.format.as_str(), prefs.tz.as_str());
            format!(
                "{format} clock, brightness {}, colon {:?}, {tz}",
                prefs.brightness, prefs.colon
            )
        }),
        ("report-interval", format!("{} s", settings.report_interval)),
    ];
    for (key, value) in rows {
        println!("  {key:<16} {value}");
    }
}

/// `478 bytes: 30 82 01 da 30 82 01 81 ...`
fn shorten(bytes: &[u8]) -> std::string::String {
    let head: Vec<std::string::String> =
        bytes.iter().take(8).map(|byte| format!("{byte:02x}")).collect();
    let more = if bytes.len() > 8 { " ..." } else { "" };
    format!("{} bytes: {}{more}", bytes.len(), head.join(" "))
}
