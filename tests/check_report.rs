//! Cloud::check: every status and every line of the report, the committed example clouds,
//! and sim::template round-tripping through the loader and the check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![allow(dead_code)] // The structs exist for their derived schemas; their fields are not read.

use std::path::Path;

mod common;
use common::{load, Small, SMALL};

use microvisor_config::heapless::String;
use microvisor_config::{
    FetchError, FieldOutcome, ItemError, MicrovisorConfig, MvStatus, ParseError, Scope, Secret,
    Store, WaitError,
};
use microvisor_config_sim::{self as sim, CheckReport, Cloud, Place, Status};

/// The example's own struct, so that the committed cloud files are checked against it.
#[allow(dead_code)]
mod boot {
    include!("../examples/boot.rs");
}

fn example(name: &str) -> Cloud {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
    Cloud::from_toml_file(path).unwrap_or_else(|error| panic!("{error}"))
}

fn status<'r>(report: &'r CheckReport, key: &str) -> &'r Status {
    &report.field(key).unwrap_or_else(|| panic!("no field `{key}`")).status
}

const DEVICE_CONFIG: Place = Place::new(Scope::Device, Store::Config);

// --- Every status, and the table ----------------------------------------------------------

fn even(value: &u8) -> Result<(), ParseError> {
    if value.is_multiple_of(2) {
        Ok(())
    } else {
        Err(ParseError::Custom("must be even"))
    }
}

/// One field per row the report can show.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Every {
    host: String<16>,
    port: u16,
    #[config(key = "client-id")]
    client_id: Option<String<8>>,
    #[config(default = 300)]
    interval: u32,
    name: String<8>,
    #[config(store = secret)]
    password: Secret<String<16>>,
    #[config(key = "api-key", scope = account, store = secret)]
    api_key: Secret<String<8>>,
    #[config(scope = account)]
    motd: String<16>,
    #[config(scope = account)]
    units: String<8>,
    #[config(scope = account, validate = even)]
    even: u8,
    #[config(scope = account)]
    tz: Option<String<8>>,
    #[config(key = "pin", store = secret)]
    pin: Secret<u16>,
}

const EVERY: &str = r#"
[device.config]
host = "mqtt.example.com"
port = "88o3"
name = "a-long-name"
password = "hunter2-in-the-wrong-store"
tz = "UTC"

[device.secret]
pin = "12x4"

[account.config]
motd = "hello"
units = "metric"
even = 7
extra = "nobody asks for this"

[account.secret]
API_KEY = "0123"

[faults]
account.config.motd = "server-error"
account.config.units = { result = 7 }
"#;

#[test]
fn every_status() {
    let report = load(EVERY).check::<Every>();
    let expected: [(&str, Status); 12] = [
        ("host", Status::Ok),
        ("port", Status::Invalid(ParseError::NotDecimal { at: 2 })),
        ("client-id", Status::DefaultUsed),
        ("interval", Status::DefaultUsed),
        ("name", Status::TooLong { len: 11, max: 8 }),
        ("password", Status::Elsewhere { found: vec![DEVICE_CONFIG] }),
        ("api-key", Status::Missing),
        ("motd", Status::ServerError),
        ("units", Status::Unreadable(ItemError::UnknownResult(7))),
        ("even", Status::Invalid(ParseError::Custom("must be even"))),
        ("tz", Status::Elsewhere { found: vec![DEVICE_CONFIG] }),
        ("pin", Status::Invalid(ParseError::NotDecimal { at: 2 })),
    ];
    let got: Vec<(&str, Status)> =
        report.fields().iter().map(|field| (field.spec.key, field.status.clone())).collect();
    assert_eq!(got, expected);
    for (i, field) in report.fields().iter().enumerate() {
        assert_eq!(field.index, i);
    }
    let api_key = report.field("api-key").unwrap();
    assert_eq!(
        api_key.similar,
        Some((Place::new(Scope::Account, Store::Secret), "API_KEY".into()))
    );
    assert_eq!(report.fields().iter().filter(|f| f.similar.is_some()).count(), 1);
    assert_eq!(
        report.unused_keys(),
        [(Place::new(Scope::Account, Store::Config), "extra".to_owned())]
    );
    assert!(!report.is_ok());
    assert_eq!(report.problems().count(), 9);
    assert_eq!(report.problem_count(), 9);
    // The device stops at the first bad item; the rows explain it.
    assert_eq!(
        report.fetch(),
        Err(FetchError::Item {
            index: 1,
            key: "port",
            scope: Scope::Device,
            store: Store::Config,
            error: ItemError::Invalid(ParseError::NotDecimal { at: 2 }),
        })
    );
    assert_eq!(report.fetch_problem(), None);
}

#[test]
fn the_table() {
    let report = load(EVERY).check::<Every>();
    let expected = "\
`Every` against the cloud: 9 problems (12 fields)
  key        store           status        detail
  host       device.config   ok
  port       device.config   INVALID       not a decimal integer (unexpected byte at 2); expected u16
  client-id  device.config   default       not set, default used: None
  interval   device.config   default       not set, default used: 300
  name       device.config   TOO LONG      11 bytes, max_len is 8
  password   device.secret   WRONG STORE   found in device.config instead: the device cannot read it there
  api-key    account.secret  MISSING       required, and in no store; did you mean `API_KEY` in account.secret?
  motd       account.config  SERVER ERROR  the key answers SERVERERROR
  units      account.config  UNREADABLE    unknown item result 0x7
  even       account.config  INVALID       must be even; expected u8
  tz         account.config  WRONG STORE   found in device.config instead: the device would use the default
  pin        device.secret   INVALID       not a decimal integer (unexpected byte at 2); expected Secret<u16>
boot fetch: fails: config key `port` (device config, item 1): invalid value: not a decimal integer (unexpected byte at 2)
note: not asked for by `Every`: account.config `extra`
";
    assert_eq!(report.to_string(), expected);
    // Debug is the table too, after a line break, so `Error: ` stands on its own line.
    assert_eq!(format!("{report:?}"), format!("\n{expected}"));
}

#[test]
fn no_secret_in_the_report() {
    let report = load(EVERY).check::<Every>();
    let shown = format!("{report} {report:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(!shown.contains("12x4"), "{shown}");
}

#[test]
fn an_ok_report() {
    let cloud = load(SMALL);
    let report = cloud.check::<Small>();
    assert!(report.is_ok());
    assert_eq!(report.problem_count(), 0);
    assert_eq!(report.fetch(), Ok(()));
    assert_eq!(
        report.to_string(),
        "\
`Small` against the cloud: OK (2 fields)
  key   store          status  detail
  host  device.config  ok
  port  device.config  ok
boot fetch: ok
"
    );
    report.assert_ok();
    assert!(report.into_result().is_ok());
    // The check's own fetch is one channel and one request.
    assert_eq!(
        (cloud.channels_opened(), cloud.requests_sent(), cloud.channels_closed()),
        (1, 1, 1)
    );
}

#[test]
fn a_failing_test_returning_the_report_prints_the_table() {
    let report = load("[device.config]\nhost = \"h\"\n").check::<Small>();
    let error = report.into_result().unwrap_err();
    let printed = format!("Error: {error:?}");
    assert!(printed.starts_with("Error: \n`Small` against the cloud: 1 problem (2 fields)\n"));
    assert!(printed.contains("\n  port  device.config  MISSING  required, and in no store\n"));
}

#[test]
#[should_panic(expected = "the cloud does not match the struct:\n`Small` against the cloud: 1 \
                           problem (2 fields)\n  key   store          status   detail\n  \
                           host  device.config  ok\n  port  device.config  MISSING  required")]
fn assert_ok_panics_with_the_table() {
    load("[device.config]\nhost = \"h\"\n").check::<Small>().assert_ok();
}

#[test]
fn a_failure_of_the_whole_fetch_is_its_own_problem() {
    let report = load(&format!("{SMALL}[faults]\nno_response = true\n")).check::<Small>();
    assert!(report.fields().iter().all(|field| field.status == Status::Ok));
    assert!(!report.is_ok());
    assert_eq!(report.fetch_problem(), Some(FetchError::Wait(WaitError::Timeout)));
    assert_eq!(report.problem_count(), 1);
    let shown = report.to_string();
    assert!(shown.starts_with("`Small` against the cloud: 1 problem (2 fields)\n"), "{shown}");
    assert!(
        shown.ends_with(
            "\nboot fetch: fails: no config fetch response: timed out waiting for the response\n"
        ),
        "{shown}"
    );
}

#[test]
fn a_response_too_large_says_both_sizes() {
    let report = load(&format!("{SMALL}[faults]\nreceive_buffer = 40\n")).check::<Small>();
    assert_eq!(report.fetch_problem(), Some(FetchError::ResponseTooLarge));
    // 8 header bytes, 2 × 8 item bytes, 16 + 4 value bytes.
    assert_eq!(report.response_bytes(), 44);
    // At their max_len: 16 bytes of host, 24 of port (an integer's bound: room to name a stray
    // byte).
    assert_eq!(report.full_response_bytes(), 8 + 16 + 16 + 24);
    let shown = report.to_string();
    assert!(
        shown.contains(
            "\nboot fetch: fails: the response (44 bytes) is larger than the channel's receive \
             buffer (40 bytes)\nnote: with every value at its max_len the response would be 64 \
             bytes, more than the receive buffer's 40\n"
        ),
        "{shown}"
    );
}

/// A response counts every item the request names, found or not (a key not found is an item
/// too), and one that would exactly fill the receive buffer fits: no note.
#[test]
fn response_sizes_count_every_item_and_a_full_buffer_fits() {
    let report = load("[device.config]\nhost = \"mqtt.example.com\"\n").check::<Small>();
    // 8 header bytes, 2 × 8 item bytes, 16 value bytes (`port` not found).
    assert_eq!(report.response_bytes(), 8 + 2 * 8 + 16);
    let report = load(&format!("{SMALL}[faults]\nreceive_buffer = 64\n")).check::<Small>();
    assert_eq!(report.full_response_bytes(), 64);
    assert!(!report.to_string().contains("note:"), "{report}");
}

#[test]
fn a_receive_buffer_that_fits_only_todays_values_is_a_note() {
    let report = load(&format!("{SMALL}[faults]\nreceive_buffer = 44\n")).check::<Small>();
    assert!(report.is_ok());
    assert!(report.to_string().ends_with(
        "boot fetch: ok\nnote: with every value at its max_len the response would be 64 bytes, \
         more than the receive buffer's 44\n"
    ));
}

#[test]
fn items_the_channel_fails_take_the_devices_verdict() {
    let report = load(&format!("{SMALL}[faults]\nclose_after_items = 1\n")).check::<Small>();
    assert_eq!(status(&report, "host"), &Status::Ok);
    assert_eq!(
        status(&report, "port"),
        &Status::Unreadable(ItemError::Read(MvStatus::CHANNELCLOSED))
    );
    // The row explains the fetch's failure: one problem, not two.
    assert_eq!(report.fetch_problem(), None);
    assert_eq!(report.problem_count(), 1);
    assert!(report.to_string().contains(
        "\n  port  device.config  UNREADABLE  not readable: Microvisor answered CHANNELCLOSED\n"
    ));
}

#[test]
fn read_status_faults_are_unreadable() {
    let text =
        format!("{SMALL}[faults]\ndevice.config.host = {{ read_status = \"INDEXINVALID\" }}\n");
    let report = load(&text).check::<Small>();
    assert_eq!(
        status(&report, "host"),
        &Status::Unreadable(ItemError::Read(MvStatus::INDEXINVALID))
    );
}

#[test]
fn a_key_in_several_wrong_stores_names_them_all() {
    let text =
        "[device.secret]\nport = 1\n[account.config]\nport = 1\n[account.secret]\nport = 1\n\
                [device.config]\nhost = \"h\"\n";
    let report = load(text).check::<Small>();
    let found = Place::ALL.into_iter().skip(1).collect::<Vec<_>>();
    assert_eq!(status(&report, "port"), &Status::Elsewhere { found });
    assert!(report.to_string().contains(
        "WRONG STORE  found in device.secret and account.config and account.secret instead"
    ));
    assert!(report.unused_keys().is_empty(), "keys a row names are not listed again");
}

#[test]
fn a_similar_key_is_suggested_for_an_optional_field_too() {
    let text = "[device.config]\nClient_ID = \"abc\"\n";
    #[derive(MicrovisorConfig)]
    #[config(scope = device, store = config)]
    struct Client {
        #[config(key = "client-id")]
        client_id: Option<String<8>>,
    }
    let report = load(text).check::<Client>();
    assert_eq!(status(&report, "client-id"), &Status::DefaultUsed);
    assert!(report.is_ok(), "a default is not a problem");
    assert!(report.to_string().contains(
        "default  not set, default used: None; did you mean `Client_ID` in device.config?"
    ));
}

// --- The example's clouds -----------------------------------------------------------------

#[test]
fn the_example_cloud_passes() -> Result<(), CheckReport> {
    example("cloud.toml").check::<boot::Settings>().into_result()
}

#[test]
fn the_broken_example_lists_every_mistake_at_once() {
    let report = example("cloud-broken.toml").check::<boot::Settings>();
    let problems: Vec<(&str, Status)> =
        report.problems().map(|field| (field.spec.key, field.status.clone())).collect();
    assert_eq!(
        problems,
        [
            ("broker-port", Status::Invalid(ParseError::NotDecimal { at: 2 })),
            ("root-CA", Status::Invalid(ParseError::NotHex { at: 0 })),
            ("private_key", Status::Elsewhere { found: vec![DEVICE_CONFIG] }),
            ("password", Status::Missing),
            ("weather-api-key", Status::Missing),
            ("prefs", Status::TooLong { len: 271, max: 256 }),
        ]
    );
    assert_eq!(report.problem_count(), 6);
    assert_eq!(
        report.field("weather-api-key").unwrap().similar.as_ref().unwrap().1,
        "weather_api_key"
    );
    assert_eq!(report.fetch().unwrap_err().key(), Some("broker-port"));
    let shown = report.to_string();
    assert!(shown.starts_with("`Settings` against the cloud: 6 problems (11 fields)\n"), "{shown}");
    for key in ["broker-port", "root-CA", "private_key", "password", "weather-api-key", "prefs"] {
        assert!(shown.contains(&format!("\n  {key} ")), "{key} missing from:\n{shown}");
    }
}

#[test]
fn the_faults_example_fails_as_a_whole() {
    let report = example("cloud-faults.toml").check::<boot::Settings>();
    let problems: Vec<&str> = report.problems().map(|field| field.spec.key).collect();
    assert_eq!(problems, ["username"]);
    assert_eq!(status(&report, "username"), &Status::ServerError);
    assert_eq!(report.fetch_problem(), Some(FetchError::ResponseTooLarge));
    assert_eq!(report.problem_count(), 2);
    let expected = format!(
        "boot fetch: fails: the response ({} bytes) is larger than the channel's receive buffer \
         (1024 bytes)",
        report.response_bytes()
    );
    assert!(report.to_string().contains(&expected), "{report}");
}

#[test]
fn the_check_agrees_with_the_devices_fetch_field_by_field() {
    let cloud = example("cloud-broken.toml");
    let report = cloud.check::<boot::Settings>();
    let fetched = boot::Settings::fetch_report(&mut cloud.open_channel());
    let device: Vec<bool> = fetched.fields().map(|(_, outcome)| outcome.is_ok()).collect();
    let checked: Vec<bool> = report.fields().iter().map(|field| field.is_ok()).collect();
    assert_eq!(checked, device);
}

// --- The template -------------------------------------------------------------------------

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Templated {
    #[config(key = "broker-port")]
    port: u16,
    #[config(key = "client-id")]
    client_id: Option<String<34>>,
    #[config(key = "mqtt.host name")]
    host: String<64>,
    #[config(default = 300)]
    interval: u32,
    #[config(key = "private_key", store = secret)]
    key: Secret<microvisor_config::Hex<4>>,
}

#[test]
fn the_template() {
    assert_eq!(
        sim::template::<Templated>(),
        r#"# The cloud of `Templated`: fill in the values, then load this file with
# `Cloud::from_toml_file` and run `check::<Templated>()` before uploading it.
# A value is a string, an integer or a boolean (stored as its text),
# { env = "VAR" } or { file = "path" } (relative to this file).
# Keep secrets out of this file: give them as { env = ... } or { file = ... }.
# Every key not commented out is required: an empty string is a value, so fill them all in.

[device.config]
# port: u16, at most 24 bytes, required
broker-port = ""
# client_id: Option<String<34>>, at most 34 bytes, optional, None if not set
# client-id = ""
# host: String<64>, at most 64 bytes, required
"mqtt.host name" = ""
# interval: u32, at most 24 bytes, optional, default 300
# interval = ""

[device.secret]
# key: Secret<microvisor_config::Hex<4>>, at most 8 bytes, required
private_key = ""

[account.config]
# (no configs of `Templated` here)

[account.secret]
# (no secrets of `Templated` here)
"#
    );
}

#[test]
fn an_unfilled_template_loads_with_exactly_the_required_keys() {
    let cloud = load(&sim::template::<Templated>());
    let keys: Vec<(Place, &[u8])> =
        cloud.keys().map(|(scope, store, key)| (Place::new(scope, store), key)).collect();
    let required: Vec<(Place, &[u8])> = Templated::SCHEMA
        .iter()
        .filter(|spec| spec.required)
        .map(|spec| (Place::new(spec.scope, spec.store), spec.key.as_bytes()))
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(required.iter().all(|key| keys.contains(key)), "{keys:?}");
    // An empty string is a value: only the types that reject it fail.
    let report = cloud.check::<Templated>();
    let bad: Vec<&str> = report.problems().map(|field| field.spec.key).collect();
    assert_eq!(bad, ["broker-port"]);
    assert_eq!(status(&report, "broker-port"), &Status::Invalid(ParseError::Empty));
}

/// Fills every `key = ""` line of a template with the value `value_of` gives.
fn fill(template: &str, value_of: impl Fn(&str) -> std::string::String) -> std::string::String {
    template
        .lines()
        .map(|line| match line.strip_suffix(" = \"\"") {
            Some(key) if !line.starts_with('#') => {
                let bare = key.trim_matches('"');
                format!("{key} = '{}'\n", value_of(bare))
            }
            _ => format!("{line}\n"),
        })
        .collect()
}

#[test]
fn the_template_filled_in_loads_and_passes() -> Result<(), CheckReport> {
    let template = sim::template::<Templated>();
    let filled = fill(&template, |key| match key {
        "broker-port" => "8883".into(),
        "mqtt.host name" => "mqtt.example.com".into(),
        "private_key" => "deadbeef".into(),
        other => panic!("the template asks for `{other}`"),
    });
    load(&filled).check::<Templated>().into_result()
}

#[test]
fn the_examples_template_filled_from_the_example_cloud_passes() -> Result<(), CheckReport> {
    let source = example("cloud.toml");
    let template = sim::template::<boot::Settings>();
    let filled = fill(&template, |key| {
        let spec = boot::Settings::SCHEMA.iter().find(|spec| spec.key == key).unwrap();
        let value = source.get(spec.scope, spec.store, key).unwrap();
        std::str::from_utf8(value).unwrap().to_owned()
    });
    let cloud = load(&filled);
    // Every required key landed in the store the struct asks for.
    for spec in boot::Settings::SCHEMA.iter().filter(|spec| spec.required) {
        assert!(cloud.get(spec.scope, spec.store, spec.key).is_some(), "{}", spec.key);
    }
    cloud.check::<boot::Settings>().into_result()
}

// --- A missing key's value, checked -------------------------------------------------------

fn not_zero(value: &u8) -> Result<(), ParseError> {
    if *value == 0 {
        Err(ParseError::Custom("must not be zero"))
    } else {
        Ok(())
    }
}

/// An `Option` spelled through an alias: its `validate` sees the whole `Option`, `None` too.
type MaybeByte = Option<u8>;

fn some(value: &Option<u8>) -> Result<(), ParseError> {
    value.map(drop).ok_or(ParseError::Custom("must be set"))
}

/// A field whose default, and one whose `None`, fails its own `validate` check; one that
/// passes it; and a field before them to make a fetch fail first.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct CheckedDefaults {
    first: u8,
    #[config(default = 0, validate = not_zero)]
    zero_default: u8,
    #[config(validate = some)]
    must_be_set: MaybeByte,
    #[config(default = 7, validate = not_zero)]
    good_default: u8,
}

/// The fetch checks the value a missing key gives a field, default or `None`, with the
/// field's `validate`; so do the reporting fetch (also after an earlier field failed) and the
/// cloud check, which all agree.
#[test]
fn a_missing_keys_value_is_checked_as_the_fetch_checks_it() {
    let zero = ItemError::Invalid(ParseError::Custom("must not be zero"));
    let unset = ItemError::Invalid(ParseError::Custom("must be set"));
    assert_eq!(CheckedDefaults::check_missing(1), Err(ParseError::Custom("must not be zero")));
    assert_eq!(CheckedDefaults::check_missing(2), Err(ParseError::Custom("must be set")));
    assert_eq!(
        (CheckedDefaults::check_missing(0), CheckedDefaults::check_missing(3)),
        (Ok(()), Ok(()))
    );
    for first in ["1", "x"] {
        let cloud = load(&format!("[device.config]\nfirst = \"{first}\"\n"));
        let fetched = CheckedDefaults::fetch(&mut cloud.open_channel());
        let expected =
            if first == "1" { zero } else { ItemError::Invalid(ParseError::NotDecimal { at: 0 }) };
        assert_eq!(fetched.unwrap_err().item_error(), Some(&expected), "first = {first}");
        let report = CheckedDefaults::fetch_report(&mut cloud.open_channel());
        let outcomes: Vec<FieldOutcome> = report.fields().map(|(_, outcome)| *outcome).collect();
        let first_outcome =
            if first == "1" { FieldOutcome::Ok } else { FieldOutcome::Failed(expected) };
        assert_eq!(
            outcomes,
            [
                first_outcome,
                FieldOutcome::Failed(zero),
                FieldOutcome::Failed(unset),
                FieldOutcome::Defaulted
            ],
            "first = {first}"
        );
    }
    let report = load("[device.config]\nfirst = \"1\"\n").check::<CheckedDefaults>();
    assert_eq!(
        status(&report, "zero_default"),
        &Status::DefaultInvalid(ParseError::Custom("must not be zero"))
    );
    assert_eq!(
        status(&report, "must_be_set"),
        &Status::DefaultInvalid(ParseError::Custom("must be set"))
    );
    assert_eq!(status(&report, "good_default"), &Status::DefaultUsed);
    let shown = report.to_string();
    assert!(
        shown.contains("BAD DEFAULT")
            && shown.contains("not set, and its default 0 fails its check: must not be zero"),
        "{shown}"
    );
}

/// Optional fields whose type is not written `Option<..>`, each with a check that `None` fails.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct SpelledOptions {
    first: u8,
    #[config(validate = some)]
    aliased: MaybeByte,
    #[config(store = secret, validate = some)]
    secret: Secret<Option<u8>>,
}

/// The `None` a missing key gives an `Option` is checked by the report and the cloud check as
/// the fetch checks it, whatever the type's spelling: what the type's own `missing()` gives,
/// not what its name looks like.
#[test]
fn a_missing_options_none_is_checked_however_the_option_is_spelled() {
    let unset = ItemError::Invalid(ParseError::Custom("must be set"));
    assert_eq!(SpelledOptions::check_missing(1), Err(ParseError::Custom("must be set")));
    assert_eq!(SpelledOptions::check_missing(2), Err(ParseError::Custom("must be set")));
    let cloud = load("[device.config]\nfirst = \"1\"\n");
    let fetched = SpelledOptions::fetch(&mut cloud.open_channel());
    assert_eq!(fetched.unwrap_err().item_error(), Some(&unset));
    // After a first field that failed, the report judges the rest by `check_missing`.
    let failed = load("[device.config]\nfirst = \"x\"\n");
    let report = SpelledOptions::fetch_report(&mut failed.open_channel());
    let outcomes: Vec<FieldOutcome> = report.fields().map(|(_, outcome)| *outcome).collect();
    assert_eq!(
        outcomes,
        [
            FieldOutcome::Failed(ItemError::Invalid(ParseError::NotDecimal { at: 0 })),
            FieldOutcome::Failed(unset),
            FieldOutcome::Failed(unset),
        ]
    );
    let report = cloud.check::<SpelledOptions>();
    for key in ["aliased", "secret"] {
        assert_eq!(
            status(&report, key),
            &Status::DefaultInvalid(ParseError::Custom("must be set")),
            "{key}"
        );
    }
}
