//! Cloud files: what each value becomes, every problem of the loader with its line, and the
//! faults a file can set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

mod common;
use common::{load, Small, SMALL};

use microvisor_config::{
    FetchError, ItemError, MicrovisorConfig, MvStatus, Scope, Store, WaitError,
};
use microvisor_config_sim::{Cloud, LoadError, Problem, ProblemKind};

const SECRET: &str = "hunter2-do-not-print";

fn problems(text: &str) -> Vec<Problem> {
    match Cloud::from_toml_str(text) {
        Ok(_) => panic!("the text loaded, but should not have:\n{text}"),
        Err(error) => {
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains(SECRET), "a secret in an error: {shown}");
            error.problems().to_vec()
        }
    }
}

/// The one problem of `text`: its line, table, key and kind.
fn problem(text: &str) -> (usize, String, Option<String>, ProblemKind) {
    let found = problems(text);
    assert_eq!(found.len(), 1, "expected one problem, got {found:#?}");
    let p = found.into_iter().next().unwrap();
    (p.line, p.table, p.key, p.kind)
}

fn key(name: &str) -> Option<String> {
    Some(name.to_owned())
}

/// A folder of its own for one test, under the system's temp folder.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mvc-sim-toml-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// --- What values become -------------------------------------------------------------------

#[test]
fn four_stores_and_text_forms() {
    let cloud = load(
        r#"
        [device.config]
        host = "mqtt.example.com"
        port = 8883
        neg = -5
        plus = +7
        hex = 0x1F
        oct = 0o17
        bin = 0b101
        big = 1_000_000
        on = true
        off = false
        "mqtt.host name" = "dotted and spaced keys are quoted"
        long = """\
            3082\
            01da"""
        [device.secret]
        password = "d"
        [account.config]
        prefs = '{"format":"24h"}'
        [account.secret]
        weather = "w"
        "#,
    );
    let get = |scope, store, key: &str| cloud.get(scope, store, key).map(<[u8]>::to_vec);
    let config = |key: &str| get(Scope::Device, Store::Config, key);
    assert_eq!(config("host").unwrap(), b"mqtt.example.com");
    assert_eq!(config("port").unwrap(), b"8883");
    assert_eq!(config("neg").unwrap(), b"-5");
    assert_eq!(config("plus").unwrap(), b"7");
    assert_eq!(config("hex").unwrap(), b"31");
    assert_eq!(config("oct").unwrap(), b"15");
    assert_eq!(config("bin").unwrap(), b"5");
    assert_eq!(config("big").unwrap(), b"1000000");
    assert_eq!(config("on").unwrap(), b"true");
    assert_eq!(config("off").unwrap(), b"false");
    assert_eq!(config("mqtt.host name").unwrap(), b"dotted and spaced keys are quoted");
    assert_eq!(config("long").unwrap(), b"308201da");
    assert_eq!(get(Scope::Device, Store::Secret, "password").unwrap(), b"d");
    assert_eq!(get(Scope::Account, Store::Config, "prefs").unwrap(), br#"{"format":"24h"}"#);
    assert_eq!(get(Scope::Account, Store::Secret, "weather").unwrap(), b"w");
    // Each key in its own store only.
    assert_eq!(get(Scope::Device, Store::Secret, "host"), None);
    assert_eq!(cloud.keys().count(), 15);
}

#[test]
fn empty_file_and_empty_tables_are_an_empty_cloud() {
    assert_eq!(load("").keys().count(), 0);
    let cloud = load("[device.config]\n[device.secret]\n[account.config]\n[account.secret]\n");
    assert_eq!(cloud.keys().count(), 0);
}

#[test]
fn limits_are_inclusive() {
    let key = "k".repeat(100);
    let value = "v".repeat(4096);
    let cloud = load(&format!("[device.config]\n{key} = \"{value}\"\n\" ~\" = \"x\"\n"));
    assert_eq!(cloud.get(Scope::Device, Store::Config, &key).unwrap().len(), 4096);
    assert!(cloud.get(Scope::Device, Store::Config, " ~").is_some());
}

#[test]
fn env_values_are_read() {
    std::env::set_var("MVC_SIM_TOML_PASSWORD", SECRET);
    let cloud = load("[device.secret]\npassword = { env = \"MVC_SIM_TOML_PASSWORD\" }\n");
    assert_eq!(cloud.get(Scope::Device, Store::Secret, "password").unwrap(), SECRET.as_bytes());
}

#[test]
fn file_values_lose_trailing_line_breaks_only() {
    let dir = scratch_dir("file-values");
    std::fs::write(dir.join("key.hex"), "30 77\n0201\r\n\n").unwrap();
    // Other trailing white space is the value's.
    std::fs::write(dir.join("padded.txt"), "pad \t\n").unwrap();
    std::fs::write(
        dir.join("cloud.toml"),
        "[device.secret]\nkey = { file = \"key.hex\" }\npadded = { file = \"padded.txt\" }\n",
    )
    .unwrap();
    // Relative to the cloud file's folder, whatever the current directory.
    let cloud = Cloud::from_toml_file(dir.join("cloud.toml")).unwrap();
    assert_eq!(cloud.get(Scope::Device, Store::Secret, "key").unwrap(), b"30 77\n0201");
    assert_eq!(cloud.get(Scope::Device, Store::Secret, "padded").unwrap(), b"pad \t");
}

#[test]
fn file_values_in_a_string_are_relative_to_the_current_directory() {
    // Cargo runs integration tests in the package's folder.
    let cloud = load("[device.secret]\nkey = { file = \"examples/cloud-private-key.hex\" }\n");
    let value = cloud.get(Scope::Device, Store::Secret, "key").unwrap();
    assert!(value.starts_with(b"3077"), "the example's key, without its line break");
    assert!(!value.ends_with(b"\n"));
}

#[test]
fn absolute_file_paths_are_kept() {
    let dir = scratch_dir("absolute");
    let file = dir.join("v.txt");
    std::fs::write(&file, "abc").unwrap();
    let text = format!("[device.config]\nv = {{ file = '{}' }}\n", file.display());
    assert_eq!(load(&text).get(Scope::Device, Store::Config, "v").unwrap(), b"abc");
}

#[test]
fn the_example_files_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["cloud.toml", "cloud-broken.toml", "cloud-faults.toml"] {
        let path = root.join("examples").join(name);
        if let Err(error) = Cloud::from_toml_file(&path) {
            panic!("{error}");
        }
    }
}

// --- Every problem of the loader, with its line -------------------------------------------

#[test]
fn syntax_errors_give_the_line_and_not_the_text() {
    let (line, table, key, kind) =
        problem(&format!("[device.config]\nok = 1\npassword = \"{SECRET}\nnext = 2\n"));
    assert_eq!((line, table.as_str(), key), (3, "", None));
    let ProblemKind::Syntax { message } = kind else { panic!("{kind:?}") };
    assert!(!message.is_empty());
}

#[test]
fn duplicate_keys_are_syntax_errors() {
    let (line, _, _, kind) = problem("[device.config]\na = \"x\"\na = \"y\"\n");
    assert_eq!(line, 3);
    assert!(matches!(kind, ProblemKind::Syntax { .. }));
}

#[test]
fn unknown_tables() {
    assert_eq!(
        problem("\n[devices.config]\na = \"x\"\n"),
        (2, "devices".into(), None, ProblemKind::UnknownTable)
    );
    assert_eq!(
        problem("[device.config]\n\n[device.configs]\na = \"x\"\n"),
        (3, "device.configs".into(), None, ProblemKind::UnknownTable)
    );
    assert_eq!(
        problem("[account.store]\n"),
        (1, "account.store".into(), None, ProblemKind::UnknownTable)
    );
}

#[test]
fn values_outside_the_stores() {
    assert_eq!(
        problem("broker-host = \"x\"\n[device.config]\n"),
        (1, "".into(), key("broker-host"), ProblemKind::OutsideStores)
    );
    assert_eq!(
        problem("[device]\nbroker-host = \"x\"\n"),
        (2, "device".into(), key("broker-host"), ProblemKind::OutsideStores)
    );
    assert_eq!(
        problem("[device.config]\n[[items]]\nx = 1\n"),
        (2, "".into(), key("items"), ProblemKind::OutsideStores)
    );
}

#[test]
fn keys_break_the_clouds_rules() {
    assert_eq!(
        problem("[device.config]\n\"\" = \"x\"\n"),
        (2, "device.config".into(), key(""), ProblemKind::KeyEmpty)
    );
    let long = "k".repeat(101);
    assert_eq!(
        problem(&format!("[account.secret]\n{long} = \"x\"\n")),
        (2, "account.secret".into(), key(&long), ProblemKind::KeyTooLong { len: 101 })
    );
    assert_eq!(
        problem("[device.secret]\n\n\"brök\" = \"x\"\n"),
        (3, "device.secret".into(), key("brök"), ProblemKind::KeyNotPrintableAscii { at: 2 })
    );
    assert_eq!(
        problem("[device.config]\n\"a\\tb\" = \"x\"\n"),
        (2, "device.config".into(), key("a\tb"), ProblemKind::KeyNotPrintableAscii { at: 1 })
    );
}

#[test]
fn values_longer_than_the_cloud_stores() {
    let text = format!("[device.secret]\n\nkey = \"{}\"\n", "v".repeat(4097));
    assert_eq!(
        problem(&text),
        (3, "device.secret".into(), key("key"), ProblemKind::ValueTooLong { len: 4097 })
    );
}

#[test]
fn toml_types_the_cloud_has_no_text_for() {
    for (value, found) in
        [("1.5", "float"), ("1979-05-27", "date-time"), ("07:32:00", "date-time"), ("[1]", "array")]
    {
        assert_eq!(
            problem(&format!("[device.config]\nok = 1\nratio = {value}\n")),
            (3, "device.config".into(), key("ratio"), ProblemKind::UnsupportedType { found }),
            "{value}"
        );
    }
}

#[test]
fn integers_too_large_for_text() {
    let text = format!("[device.config]\nhuge = 0x{}\n", "F".repeat(33));
    assert_eq!(
        problem(&text),
        (2, "device.config".into(), key("huge"), ProblemKind::IntegerTooLarge)
    );
}

#[test]
fn tables_that_are_not_env_or_file() {
    for value in [
        "{}",
        "{ env = \"\" }",
        "{ env = 1 }",
        "{ env = \"A\", file = \"b\" }",
        "{ path = \"key.hex\" }",
        "{ file = { env = \"A\" } }",
    ] {
        assert_eq!(
            problem(&format!("[device.secret]\n\nkey = {value}\n")),
            (3, "device.secret".into(), key("key"), ProblemKind::BadReference),
            "{value}"
        );
    }
    // A dotted key or a sub-table is a table too.
    assert_eq!(
        problem("[device.config]\nmqtt.host = \"x\"\n"),
        (2, "device.config".into(), key("mqtt"), ProblemKind::BadReference)
    );
    assert_eq!(
        problem("[device.config]\n[device.config.mqtt]\nhost = \"x\"\n"),
        (2, "device.config".into(), key("mqtt"), ProblemKind::BadReference)
    );
}

#[test]
fn env_variables_not_set() {
    assert_eq!(
        problem("[device.secret]\npassword = { env = \"MVC_SIM_TOML_NEVER_SET\" }\n"),
        (
            2,
            "device.secret".into(),
            key("password"),
            ProblemKind::EnvNotSet { var: "MVC_SIM_TOML_NEVER_SET".into() }
        )
    );
}

#[cfg(unix)]
#[test]
fn env_variables_not_text() {
    use std::os::unix::ffi::OsStrExt;
    std::env::set_var("MVC_SIM_TOML_NOT_UTF8", std::ffi::OsStr::from_bytes(b"\xff\xfe"));
    assert_eq!(
        problem("[device.secret]\npassword = { env = \"MVC_SIM_TOML_NOT_UTF8\" }\n"),
        (
            2,
            "device.secret".into(),
            key("password"),
            ProblemKind::EnvNotText { var: "MVC_SIM_TOML_NOT_UTF8".into() }
        )
    );
}

#[test]
fn files_that_cannot_be_read() {
    let dir = scratch_dir("unreadable");
    std::fs::write(dir.join("cloud.toml"), "[device.secret]\n\nkey = { file = \"missing.hex\" }\n")
        .unwrap();
    let error = Cloud::from_toml_file(dir.join("cloud.toml")).unwrap_err();
    let LoadError::Invalid { path, problems } = &error else { panic!("{error:?}") };
    assert_eq!(path.as_deref(), Some(dir.join("cloud.toml").as_path()));
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!((p.line, p.table.as_str(), p.key.as_deref()), (3, "device.secret", Some("key")));
    assert_eq!(
        p.kind,
        ProblemKind::FileUnreadable {
            path: dir.join("missing.hex"),
            error: std::io::ErrorKind::NotFound,
        }
    );
    assert!(error.to_string().contains("cloud.toml"), "{error}");
}

#[test]
fn files_that_are_not_text() {
    let dir = scratch_dir("not-text");
    std::fs::write(dir.join("key.der"), b"\x30\x82\xff\xfe").unwrap();
    std::fs::write(dir.join("cloud.toml"), "[device.secret]\nkey = { file = \"key.der\" }\n")
        .unwrap();
    let error = Cloud::from_toml_file(dir.join("cloud.toml")).unwrap_err();
    assert_eq!(error.problems().len(), 1);
    let p = &error.problems()[0];
    assert_eq!((p.line, p.table.as_str(), p.key.as_deref()), (2, "device.secret", Some("key")));
    assert_eq!(p.kind, ProblemKind::FileNotText { path: dir.join("key.der") });
}

#[test]
fn a_cloud_file_that_cannot_be_read() {
    let path = scratch_dir("no-file").join("absent.toml");
    let error = Cloud::from_toml_file(&path).unwrap_err();
    let LoadError::Read { path: named, error: io } = &error else { panic!("{error:?}") };
    assert_eq!(named, &path);
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert!(error.problems().is_empty());
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn unknown_faults() {
    assert_eq!(
        problem("[faults]\n\nreceive_bufer = 512\n"),
        (3, "faults".into(), key("receive_bufer"), ProblemKind::UnknownFault)
    );
    assert_eq!(
        problem("[faults.device.configs]\nx = \"server-error\"\n"),
        (1, "faults.device".into(), key("configs"), ProblemKind::UnknownFault)
    );
    assert_eq!(
        problem("[faults]\n\"device.store.x\" = \"server-error\"\n"),
        (2, "faults".into(), key("device.store.x"), ProblemKind::UnknownFault)
    );
}

#[test]
fn fault_options_with_bad_values() {
    for (option, value) in [
        ("receive_buffer", "-1"),
        ("receive_buffer", "\"512\""),
        ("max_keys", "1.5"),
        ("truncation", "\"cut\""),
        ("no_response", "1"),
        ("closed_while_waiting", "\"yes\""),
        ("send_status", "\"NOSUCHSTATUS\""),
        ("response_status", "true"),
        ("response_result", "4294967296"),
        ("item_count", "-3"),
        ("close_after_items", "\"2\""),
    ] {
        let (line, table, found_key, kind) = problem(&format!("[faults]\n\n{option} = {value}\n"));
        assert_eq!((line, table.as_str(), found_key), (3, "faults", key(option)), "{option}");
        assert!(matches!(kind, ProblemKind::BadFaultValue { .. }), "{option}: {kind:?}");
    }
}

#[test]
fn key_faults_with_bad_values() {
    for value in
        ["\"server-eror\"", "{ result = -1 }", "{ read_status = \"NOPE\" }", "{ x = 1 }", "2"]
    {
        let (line, table, found_key, kind) =
            problem(&format!("[faults.device.config]\n\nbroker-port = {value}\n"));
        assert_eq!(
            (line, table.as_str(), found_key),
            (3, "faults.device.config", key("broker-port")),
            "{value}"
        );
        assert!(matches!(kind, ProblemKind::BadFaultValue { .. }), "{value}: {kind:?}");
    }
    assert_eq!(
        problem("[faults]\n\"device.config.\" = \"server-error\"\n"),
        (2, "faults.device.config".into(), key(""), ProblemKind::KeyEmpty)
    );
}

#[test]
fn every_problem_at_once_in_line_order_without_values() {
    std::env::set_var("MVC_SIM_TOML_LONG_SECRET", SECRET.repeat(300));
    let text = format!(
        r#"# line 1
[device.config]
broker-port = 88.3
"brök" = "x"

[device.secret]
password = {{ env = "MVC_SIM_TOML_UNSET" }}
token = {{ env = "MVC_SIM_TOML_LONG_SECRET" }}
inline = "{long}"

[devices.config]
x = "y"

[faults]
receive_buffer = "big"
"#,
        long = SECRET.repeat(300),
    );
    let found = problems(&text);
    let lines: Vec<(usize, Option<&str>)> =
        found.iter().map(|p| (p.line, p.key.as_deref())).collect();
    assert_eq!(
        lines,
        [
            (3, Some("broker-port")),
            (4, Some("brök")),
            (7, Some("password")),
            (8, Some("token")),
            (9, Some("inline")),
            (11, None),
            (15, Some("receive_buffer")),
        ]
    );
    let error = Cloud::from_toml_str(&text).unwrap_err();
    let shown = error.to_string();
    assert!(shown.starts_with("cloud file is not valid (7 problems):\n  line 3: [device.config] `broker-port`: a float"), "{shown}");
    assert!(shown.contains("\n  line 8: [device.secret] `token`: value of 6000 bytes"), "{shown}");
}

// --- Faults written in the file -----------------------------------------------------------

fn fetch_small(faults: &str) -> Result<Small, FetchError> {
    let cloud = load(&format!("{SMALL}\n[faults]\n{faults}\n"));
    Small::fetch(&mut cloud.open_channel())
}

#[test]
fn without_faults_the_fetch_succeeds() {
    let small = fetch_small("").unwrap();
    assert_eq!((small.host.as_str(), small.port), ("mqtt.example.com", 8883));
}

#[test]
fn receive_buffer() {
    // 8 header bytes, 2 × 8 item bytes, 16 + 4 value bytes: 44.
    assert!(fetch_small("receive_buffer = 44").is_ok());
    assert_eq!(fetch_small("receive_buffer = 43").unwrap_err(), FetchError::ResponseTooLarge);
}

#[test]
fn truncation() {
    let long = "[device.config]\nhost = \"a-much-longer-host-name\"\nport = 1\n";
    let fetch = |faults: &str| {
        let cloud = load(&format!("{long}[faults]\n{faults}\n"));
        Small::fetch(&mut cloud.open_channel()).unwrap_err().item_error().copied()
    };
    // The reader offers max_len + 1 = 17 bytes; what the device reports differs.
    assert_eq!(fetch("truncation = \"written\""), Some(ItemError::TooLong { len: 17, max: 16 }));
    assert_eq!(
        fetch("truncation = \"full-length\""),
        Some(ItemError::TooLong { len: 23, max: 16 })
    );
}

#[test]
fn channel_faults() {
    let cases: [(&str, FetchError); 9] = [
        ("max_keys = 1", FetchError::Send(MvStatus::TOOMANYCONFIGKEYS)),
        ("no_response = true", FetchError::Wait(WaitError::Timeout)),
        ("closed_while_waiting = true", FetchError::Wait(WaitError::ChannelClosed)),
        ("send_status = \"RATELIMITED\"", FetchError::Send(MvStatus::RATELIMITED)),
        ("send_status = 0x24", FetchError::Send(MvStatus::MICROVISORBUSY)),
        ("response_status = \"channelclosed\"", FetchError::Response(MvStatus::CHANNELCLOSED)),
        ("response_result = 9", FetchError::UnknownResponseResult(9)),
        ("item_count = 3", FetchError::ItemCount { expected: 2, got: 3 }),
        (
            "close_after_items = 1",
            FetchError::Item {
                index: 1,
                key: "port",
                scope: Scope::Device,
                store: Store::Config,
                error: ItemError::Read(MvStatus::CHANNELCLOSED),
            },
        ),
    ];
    for (faults, expected) in cases {
        assert_eq!(fetch_small(faults).unwrap_err(), expected, "{faults}");
    }
    // `false` sets nothing.
    assert!(fetch_small("no_response = false\nclosed_while_waiting = false").is_ok());
}

#[test]
fn key_faults_in_each_form() {
    let item = |faults: &str| fetch_small(faults).unwrap_err().item_error().copied();
    assert_eq!(item("device.config.port = \"server-error\""), Some(ItemError::ServerError));
    assert_eq!(item("\"device.config.port\" = \"server-error\""), Some(ItemError::ServerError));
    assert_eq!(item("device.config.port = { result = 7 }"), Some(ItemError::UnknownResult(7)));
    assert_eq!(
        item("device.config.port = { read_status = \"INDEXINVALID\" }"),
        Some(ItemError::Read(MvStatus::INDEXINVALID))
    );
    // A fault for a key the struct does not ask for changes nothing.
    assert!(fetch_small("account.secret.port = \"server-error\"").is_ok());
}

#[test]
fn a_key_fault_replaces_the_value_wherever_it_is_written() {
    // [faults] before the store's table.
    let cloud = load(&format!("[faults.device.config]\nport = \"server-error\"\n{SMALL}"));
    let error = Small::fetch(&mut cloud.open_channel()).unwrap_err();
    assert_eq!(error.item_error(), Some(&ItemError::ServerError));
    assert_eq!(cloud.get(Scope::Device, Store::Config, "port"), None);
}
