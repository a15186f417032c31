//! Cloud files: the four stores of a simulated cloud, and the faults it shows, in TOML.
//!
//! ```toml
//! [device.config]
//! broker-host = "mqtt.example.com"
//! broker-port = 8883                          # stored as the text "8883"
//! [device.secret]
//! private_key = { file = "private_key.hex" }  # or { env = "VAR" }, or a literal string
//! [account.config]
//! [account.secret]
//! weather-api-key = { env = "WEATHER_API_KEY" }
//!
//! [faults]
//! receive_buffer = 512                        # bytes; a larger response is RESPONSETOOLARGE
//! device.config.broker-port = "server-error"  # this key answers SERVERERROR
//! ```
//!
//! Every mistake of a file is reported at once, each with its line, table and key, and never
//! with a value: a value may be a secret. [`Cloud::from_toml_file`] documents the format in full.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::cloud::{ChannelFault, Cloud, Fault, Truncation};
use crate::place::Place;
use microvisor_config::{MvStatus, CLOUD_MAX_KEY_LEN, CLOUD_MAX_VALUE_LEN};

/// The name of the table that holds faults.
const FAULTS: &str = "faults";

/// The options of the `[faults]` table, in the order the documentation lists them.
pub const FAULT_OPTIONS: &[&str] = &[
    "receive_buffer",
    "truncation",
    "max_keys",
    "no_response",
    "closed_while_waiting",
    "send_status",
    "response_status",
    "response_result",
    "item_count",
    "close_after_items",
];

/// Why a cloud file could not be loaded.
#[non_exhaustive]
#[derive(Debug)]
pub enum LoadError {
    /// The file itself could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// The file was read but is not a valid cloud: every problem found, in line order.
    Invalid {
        /// The file, if the cloud came from one.
        path: Option<PathBuf>,
        /// The problems, at least one.
        problems: Vec<Problem>,
    },
}

impl LoadError {
    /// Every problem of an invalid file, in line order; empty if the file was not read.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Read { .. } => &[],
            LoadError::Invalid { problems, .. } => problems,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read { path, error } => {
                write!(f, "cannot read cloud file `{}`: {error}", path.display())
            }
            LoadError::Invalid { path, problems } => {
                match path {
                    Some(path) => write!(f, "cloud file `{}`", path.display())?,
                    None => f.write_str("cloud file")?,
                }
                let count = problems.len();
                write!(f, " is not valid ({count} problem{}):", if count == 1 { "" } else { "s" })?;
                for problem in problems {
                    write!(f, "\n  {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Read { error, .. } => Some(error),
            LoadError::Invalid { .. } => None,
        }
    }
}

/// One mistake in a cloud file: where it is and what it is. It never holds a value.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line, counted from 1.
    pub line: usize,
    /// The table, as a header would name it (`device.config`, `faults`), or empty for the
    /// top level.
    pub table: String,
    /// The key, if the problem is about one.
    pub key: Option<String>,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        if !self.table.is_empty() {
            write!(f, "[{}] ", self.table)?;
        }
        if let Some(key) = &self.key {
            write!(f, "`{}`: ", key.escape_debug())?;
        }
        write!(f, "{}", self.kind)
    }
}

/// What is wrong in a cloud file.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not TOML; `message` is the parser's (without the file's text).
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// A table other than the four stores and `faults`.
    UnknownTable,
    /// A value outside the stores' tables (at the top level, or directly in `[device]`).
    OutsideStores,
    /// An empty key: the cloud's keys are 1 to 100 characters.
    KeyEmpty,
    /// A key longer than the cloud's 100 characters.
    KeyTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A key with a character outside printable ASCII, which the device call rejects
    /// (`INVALIDCONFIGKEY`).
    KeyNotPrintableAscii {
        /// The byte offset of the first such character in the key.
        at: usize,
    },
    /// A value longer than the cloud's 4096 characters.
    ValueTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A value of a TOML type the cloud has no text for (a float, a date-time, an array).
    UnsupportedType {
        /// The TOML type found.
        found: &'static str,
    },
    /// An integer too large to write as text.
    IntegerTooLarge,
    /// A table that is not exactly `{ env = "VAR" }` or `{ file = "path" }` with a non-empty
    /// string.
    BadReference,
    /// `{ env = "VAR" }` names a variable that is not set.
    EnvNotSet {
        /// The variable.
        var: String,
    },
    /// `{ env = "VAR" }` names a variable whose value is not UTF-8.
    EnvNotText {
        /// The variable.
        var: String,
    },
    /// `{ file = "path" }` names a file that cannot be read.
    FileUnreadable {
        /// The path, resolved against the cloud file's folder.
        path: PathBuf,
        /// Why.
        error: io::ErrorKind,
    },
    /// `{ file = "path" }` names a file that is not UTF-8 text.
    FileNotText {
        /// The path, resolved against the cloud file's folder.
        path: PathBuf,
    },
    /// A key of `[faults]` that is neither a fault option nor a key's fault.
    UnknownFault,
    /// A fault with a value of the wrong kind.
    BadFaultValue {
        /// What the fault takes.
        expected: &'static str,
    },
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::Syntax { message } => write!(f, "not valid TOML: {message}"),
            ProblemKind::UnknownTable => f.write_str(
                "unknown table: the stores are [device.config], [device.secret], \
                 [account.config] and [account.secret]; faults go in [faults]",
            ),
            ProblemKind::OutsideStores => f.write_str(
                "a value outside the stores: put it under [device.config], [device.secret], \
                 [account.config] or [account.secret]",
            ),
            ProblemKind::KeyEmpty => {
                f.write_str("empty key: the cloud's keys are 1 to 100 printable ASCII characters")
            }
            ProblemKind::KeyTooLong { len } => {
                write!(f, "key of {len} bytes: the cloud's keys are at most {CLOUD_MAX_KEY_LEN}")
            }
            ProblemKind::KeyNotPrintableAscii { at } => write!(
                f,
                "key has a character outside printable ASCII at byte {at}: the device's fetch \
                 would fail with INVALIDCONFIGKEY"
            ),
            ProblemKind::ValueTooLong { len } => write!(
                f,
                "value of {len} bytes: the cloud stores at most {CLOUD_MAX_VALUE_LEN} per value"
            ),
            ProblemKind::UnsupportedType { found } => write!(
                f,
                "a {found} is not a cloud value: write the text as a string (\"...\"), or use \
                 {{ env = \"VAR\" }} or {{ file = \"path\" }}"
            ),
            ProblemKind::IntegerTooLarge => {
                f.write_str("integer too large: write it as a string (\"...\")")
            }
            ProblemKind::BadReference => f.write_str(
                "a table is not a cloud value: write a string, { env = \"VAR\" } or \
                 { file = \"path\" } (exactly one of them, with a non-empty string)",
            ),
            ProblemKind::EnvNotSet { var } => {
                write!(f, "environment variable `{var}` is not set")
            }
            ProblemKind::EnvNotText { var } => {
                write!(f, "environment variable `{var}` is not UTF-8 text")
            }
            ProblemKind::FileUnreadable { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
            ProblemKind::FileNotText { path } => write!(
                f,
                "`{}` is not UTF-8 text: the cloud stores text (hex- or base64-encode binary \
                 data)",
                path.display()
            ),
            ProblemKind::UnknownFault => {
                f.write_str("unknown fault: the options are ")?;
                for (i, option) in FAULT_OPTIONS.iter().enumerate() {
                    f.write_str(if i == 0 { "" } else { ", " })?;
                    f.write_str(option)?;
                }
                f.write_str("; a key's fault is written `device.config.KEY = \"server-error\"`")
            }
            ProblemKind::BadFaultValue { expected } => write!(f, "expected {expected}"),
        }
    }
}

impl Cloud {
    /// A cloud described by the text of a cloud file, in the format [`Cloud::from_toml_file`]
    /// documents. A `{ file = "path" }` value with a relative path is read relative to the
    /// current directory.
    ///
    /// # Examples
    ///
    /// ```
    /// use microvisor_config::{Scope, Store};
    /// use microvisor_config_sim::Cloud;
    ///
    /// let cloud = Cloud::from_toml_str(
    ///     r#"
    ///     [device.config]
    ///     broker-host = "mqtt.example.com"
    ///     broker-port = 8883
    ///
    ///     [faults]
    ///     receive_buffer = 512
    ///     "#,
    /// )
    /// .unwrap();
    /// assert_eq!(cloud.get(Scope::Device, Store::Config, "broker-port"), Some(&b"8883"[..]));
    ///
    /// let error = Cloud::from_toml_str("[device.config]\nratio = 1.5\n").unwrap_err();
    /// assert_eq!(error.problems()[0].line, 2);
    /// assert_eq!(error.problems()[0].key.as_deref(), Some("ratio"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`LoadError::Invalid`] with every problem of the text, each naming its line, table and
    /// key, never a value.
    pub fn from_toml_str(text: &str) -> Result<Cloud, LoadError> {
        load(text, None).map_err(|problems| LoadError::Invalid { path: None, problems })
    }

    /// A cloud described by a cloud file: the four stores, and the faults the cloud shows.
    ///
    /// # The file
    ///
    /// ```toml
    /// [device.config]
    /// broker-host = "mqtt.example.com"
    /// broker-port = 8883            # integers and booleans are stored as their text: "8883"
    /// root-CA = """\
    ///     308201da30820181a00302010202147b2de13a3ba85b4246aca57b8e818cfc47\
    ///     2b8bf6300a06082a8648ce3d0403023043311b3019060355040a0c124578616d"""
    ///
    /// [device.secret]
    /// private_key = { file = "private_key.hex" }   # a file's text
    /// password = { env = "MQTT_PASSWORD" }         # an environment variable's value
    ///
    /// [account.config]
    /// prefs = '{"format":"24h","brightness":8}'
    ///
    /// [account.secret]
    /// weather-api-key = { env = "WEATHER_API_KEY" }
    /// ```
    ///
    /// - **Tables.** `[device.config]`, `[device.secret]`, `[account.config]` and
    ///   `[account.secret]` are the four stores; `[faults]` (below) is the only other table. Any
    ///   of them may be left out.
    /// - **Values.** A string is stored as written. An integer is stored as its decimal text
    ///   (`8883`; `0x1F` is `"31"`, `+7` is `"7"`), a boolean as `"true"` or `"false"`. A float,
    ///   a date or an array is refused: a float's text would not survive TOML (`1.50` would
    ///   become `1.5`), so write it as a string. Inside `"""`, a line ending in a backslash
    ///   continues the string, which keeps long hex readable.
    /// - **Secrets stay out of the file.** `{ env = "VAR" }` takes an environment variable's
    ///   value, `{ file = "path" }` a file's text without its trailing line breaks (as
    ///   `$(cat file)` in an upload script would). A relative path is read relative to the cloud
    ///   file's folder (relative to the current directory by [`Cloud::from_toml_str`]).
    /// - **The cloud's rules.** A key has 1 to 100 printable ASCII characters (quote the ones
    ///   TOML does not take bare: `"mqtt.host name" = ...`); a value has at most 4096 bytes of
    ///   text.
    ///
    /// # Faults
    ///
    /// For demos and tests, the optional `[faults]` table makes the cloud misbehave as a real one
    /// may. Each option is a [`ChannelFault`] or a setting of [`Cloud`]; a status is its name
    /// in the header (any case) or its number.
    ///
    /// ```toml
    /// [faults]
    /// receive_buffer = 1024          # bytes; a larger response is RESPONSETOOLARGE (default 7168)
    /// truncation = "full-length"     # a value longer than the reader's buffer: "written"
    ///                                # (the default) or "full-length"; see Truncation
    /// max_keys = 8                   # a request naming more keys fails with TOOMANYCONFIGKEYS
    /// no_response = true             # the wait times out
    /// closed_while_waiting = true    # the channel closes before the response
    /// send_status = "RATELIMITED"    # mvSendConfigFetchRequest answers this status
    /// response_status = "CHANNELCLOSED"  # mvReadConfigFetchResponseData answers this status
    /// response_result = 7            # the response's overall result is this raw value
    /// item_count = 3                 # the response claims this many items
    /// close_after_items = 2          # the channel closes after this many items were read
    ///
    /// # A key's own fault (a Fault); it replaces the key's value.
    /// device.config.broker-port = "server-error"                         # SERVERERROR
    /// device.config.username = { result = 7 }                            # an unknown item result
    /// account.secret.weather-api-key = { read_status = "INDEXINVALID" }  # the read fails
    /// ```
    ///
    /// A key's fault can also be written under `[faults.device.config]` as
    /// `broker-port = "server-error"`, or quoted on one line:
    /// `"device.config.broker-port" = "server-error"`.
    ///
    /// # Mistakes
    ///
    /// Loading reports every mistake at once, in line order, each with its line, table and key,
    /// never with a value (a value may be a secret):
    ///
    /// ```toml
    /// broker-host = "mqtt.example.com"
    /// [device.config]
    /// broker-port = 88.83
    /// [device.secret]
    /// password = { env = "MQTT_PASSWORD" }
    /// [devices.config]
    /// ```
    ///
    /// ```text
    /// cloud file `cloud.toml` is not valid (4 problems):
    ///   line 1: `broker-host`: a value outside the stores: put it under [device.config], [device.secret], [account.config] or [account.secret]
    ///   line 3: [device.config] `broker-port`: a float is not a cloud value: write the text as a string ("..."), or use { env = "VAR" } or { file = "path" }
    ///   line 5: [device.secret] `password`: environment variable `MQTT_PASSWORD` is not set
    ///   line 6: [devices] unknown table: the stores are [device.config], [device.secret], [account.config] and [account.secret]; faults go in [faults]
    /// ```
    ///
    /// [`LoadError::problems`] gives them as data ([`Problem`]), for tests.
    ///
    /// # Examples
    ///
    /// ```
    /// use microvisor_config::{Scope, Store};
    /// use microvisor_config_sim::Cloud;
    ///
    /// let folder = std::env::temp_dir().join(format!("cloud-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&folder).unwrap();
    /// std::fs::write(folder.join("private_key.hex"), "00ff\n").unwrap();
    /// std::fs::write(
    ///     folder.join("cloud.toml"),
    ///     "[device.secret]\nprivate_key = { file = \"private_key.hex\" }\n",
    /// )
    /// .unwrap();
    ///
    /// let cloud = Cloud::from_toml_file(folder.join("cloud.toml")).unwrap();
    /// let key = cloud.get(Scope::Device, Store::Secret, "private_key");
    /// assert_eq!(key, Some(&b"00ff"[..])); // the trailing line break is dropped
    /// # std::fs::remove_dir_all(&folder).unwrap();
    /// # // The [faults] table above, as written.
    /// # Cloud::from_toml_str(r#"
    /// # [faults]
    /// # receive_buffer = 1024
    /// # truncation = "full-length"
    /// # max_keys = 8
    /// # no_response = true
    /// # closed_while_waiting = true
    /// # send_status = "RATELIMITED"
    /// # response_status = "CHANNELCLOSED"
    /// # response_result = 7
    /// # item_count = 3
    /// # close_after_items = 2
    /// # device.config.broker-port = "server-error"
    /// # device.config.username = { result = 7 }
    /// # account.secret.weather-api-key = { read_status = "INDEXINVALID" }
    /// # [faults.device.secret]
    /// # password = "server-error"
    /// # "#).unwrap();
    /// # // The mistakes above, as reported.
    /// # std::env::remove_var("MQTT_PASSWORD");
    /// # let broken = Cloud::from_toml_str(r#"broker-host = "mqtt.example.com"
    /// # [device.config]
    /// # broker-port = 88.83
    /// # [device.secret]
    /// # password = { env = "MQTT_PASSWORD" }
    /// # [devices.config]
    /// # "#).unwrap_err();
    /// # let lines: Vec<_> = broken.problems().iter().map(|p| (p.line, p.key.as_deref())).collect();
    /// # assert_eq!(lines, [(1, Some("broker-host")), (3, Some("broker-port")), (5, Some("password")), (6, None)]);
    /// # assert!(broken.to_string().starts_with("cloud file is not valid (4 problems):\n  line 1: `broker-host`: a value outside the stores: put it under"));
    /// # assert!(broken.to_string().ends_with("\n  line 6: [devices] unknown table: the stores are [device.config], [device.secret], [account.config] and [account.secret]; faults go in [faults]"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`LoadError::Read`] if the file cannot be read, [`LoadError::Invalid`] with every
    /// problem of its content.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Cloud, LoadError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|error| LoadError::Read { path: path.to_path_buf(), error })?;
        load(&text, path.parent())
            .map_err(|problems| LoadError::Invalid { path: Some(path.to_path_buf()), problems })
    }
}

fn load(text: &str, base: Option<&Path>) -> Result<Cloud, Vec<Problem>> {
    let document = match DeTable::parse(text) {
        Ok(document) => document,
        Err(error) => {
            // Only the message: the error's own Display quotes the file's line, which may hold
            // a secret.
            let line = error.span().map_or(1, |span| line_of(text, span.start));
            let kind = ProblemKind::Syntax { message: error.message().to_owned() };
            return Err(vec![Problem { line, table: String::new(), key: None, kind }]);
        }
    };
    let mut loader = Loader { text, base, cloud: Cloud::new(), problems: Vec::new() };
    let mut key_faults = Vec::new();
    for (key, value) in document.get_ref() {
        let name = key.get_ref().as_ref();
        match (name, value.get_ref()) {
            ("device" | "account", DeValue::Table(table)) => loader.scope(name, table),
            (FAULTS, DeValue::Table(table)) => loader.faults(table, &mut key_faults),
            (_, DeValue::Table(_)) => loader.problem(key, name, None, ProblemKind::UnknownTable),
            (_, _) => loader.problem(key, "", Some(name), ProblemKind::OutsideStores),
        }
    }
    // A key's fault replaces its value, whichever table came first in the file.
    for (place, key, fault) in key_faults {
        loader.cloud.fail(place.scope, place.store, key, fault);
    }
    if loader.problems.is_empty() {
        Ok(loader.cloud)
    } else {
        loader.problems.sort_by_key(|problem| problem.line);
        Err(loader.problems)
    }
}

type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;
type Value<'i> = Spanned<DeValue<'i>>;

struct Loader<'a> {
    text: &'a str,
    base: Option<&'a Path>,
    cloud: Cloud,
    problems: Vec<Problem>,
}

impl Loader<'_> {
    fn problem<T>(&mut self, at: &Spanned<T>, table: &str, key: Option<&str>, kind: ProblemKind) {
        self.problem_at(at.span().start, table, key, kind);
    }

    fn problem_at(&mut self, offset: usize, table: &str, key: Option<&str>, kind: ProblemKind) {
        self.problems.push(Problem {
            line: line_of(self.text, offset),
            table: table.to_owned(),
            key: key.map(str::to_owned),
            kind,
        });
    }

    /// `[device]` or `[account]`: only its two stores.
    fn scope(&mut self, scope: &str, table: &DeTable<'_>) {
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            match (Place::from_table(scope, name), value.get_ref()) {
                (Some(place), DeValue::Table(store)) => self.store(place, store),
                (None, DeValue::Table(_)) => {
                    let table = format!("{scope}.{name}");
                    self.problem(key, &table, None, ProblemKind::UnknownTable);
                }
                (_, _) => self.problem(key, scope, Some(name), ProblemKind::OutsideStores),
            }
        }
    }

    /// One store's keys and values.
    fn store(&mut self, place: Place, table: &DeTable<'_>) {
        let table_name = place.to_string();
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let key_ok = self.check_key(key, &table_name);
            let Some(text) = self.value(value, &table_name, name) else {
                continue;
            };
            if text.len() > CLOUD_MAX_VALUE_LEN {
                let kind = ProblemKind::ValueTooLong { len: text.len() };
                self.problem(value, &table_name, Some(name), kind);
            } else if key_ok {
                self.cloud.insert(place.scope, place.store, name, text);
            }
        }
    }

    /// Checks a key against the cloud's rules; `false` (and a problem) if it breaks one.
    fn check_key(&mut self, key: &Key<'_>, table: &str) -> bool {
        let name = key.get_ref().as_ref();
        let kind = if name.is_empty() {
            ProblemKind::KeyEmpty
        } else if let Some(at) = name.bytes().position(|b| !(0x20..0x7f).contains(&b)) {
            ProblemKind::KeyNotPrintableAscii { at }
        } else if name.len() > CLOUD_MAX_KEY_LEN {
            ProblemKind::KeyTooLong { len: name.len() }
        } else {
            return true;
        };
        self.problem(key, table, Some(name), kind);
        false
    }

    /// The text a value stands for, or `None` after reporting why it has none.
    fn value(&mut self, value: &Value<'_>, table: &str, key: &str) -> Option<String> {
        let text = match value.get_ref() {
            DeValue::String(text) => Ok(text.to_string()),
            DeValue::Integer(integer) => {
                integer_text(integer.as_str(), integer.radix()).ok_or(ProblemKind::IntegerTooLarge)
            }
            DeValue::Boolean(flag) => Ok(flag.to_string()),
            DeValue::Float(_) => Err(ProblemKind::UnsupportedType { found: "float" }),
            DeValue::Datetime(_) => Err(ProblemKind::UnsupportedType { found: "date-time" }),
            DeValue::Array(_) => Err(ProblemKind::UnsupportedType { found: "array" }),
            DeValue::Table(reference) => self.reference(reference),
        };
        text.map_err(|kind| self.problem(value, table, Some(key), kind)).ok()
    }

    /// The text of `{ env = "VAR" }` or `{ file = "path" }`.
    fn reference(&self, table: &DeTable<'_>) -> Result<String, ProblemKind> {
        let mut entries = table.iter();
        let (Some((kind, target)), None) = (entries.next(), entries.next()) else {
            return Err(ProblemKind::BadReference);
        };
        let target = match target.get_ref() {
            DeValue::String(target) if !target.is_empty() => target.as_ref(),
            _ => return Err(ProblemKind::BadReference),
        };
        match kind.get_ref().as_ref() {
            "env" => match std::env::var_os(target) {
                None => Err(ProblemKind::EnvNotSet { var: target.to_owned() }),
                Some(text) => text
                    .into_string()
                    .map_err(|_| ProblemKind::EnvNotText { var: target.to_owned() }),
            },
            "file" => {
                let path = match self.base {
                    Some(base) => base.join(target),
                    None => PathBuf::from(target),
                };
                let bytes = match std::fs::read(&path) {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        return Err(ProblemKind::FileUnreadable { path, error: error.kind() })
                    }
                };
                let Ok(mut text) = String::from_utf8(bytes) else {
                    return Err(ProblemKind::FileNotText { path });
                };
                // The line breaks an editor or `xxd -p` leaves at the end are not part of the
                // value, as `$(cat file)` in a shell upload would drop them.
                let kept = text.trim_end_matches(['\n', '\r']).len();
                text.truncate(kept);
                Ok(text)
            }
            _ => Err(ProblemKind::BadReference),
        }
    }

    /// The `[faults]` table: options set on the cloud at once, key faults collected to apply
    /// after every value.
    fn faults(&mut self, table: &DeTable<'_>, key_faults: &mut Vec<(Place, String, Fault)>) {
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            if let ("device" | "account", DeValue::Table(stores)) = (name, value.get_ref()) {
                self.scope_faults(name, stores, key_faults);
                continue;
            }
            if let Some((place, cloud_key)) = split_fault_key(name) {
                // `"device.config.broker-port" = ...`, quoted.
                let table = format!("{FAULTS}.{place}");
                if self.check_key(&Spanned::new(key.span(), cloud_key.into()), &table) {
                    if let Some(fault) = self.key_fault(value, FAULTS, name) {
                        key_faults.push((place, cloud_key.to_owned(), fault));
                    }
                }
                continue;
            }
            if let Err(kind) = self.fault_option(name, value.get_ref()) {
                // An unknown option is the key's mistake; a bad value, the value's.
                let at = if kind == ProblemKind::UnknownFault { key.span() } else { value.span() };
                self.problem_at(at.start, FAULTS, Some(name), kind);
            }
        }
    }

    /// `[faults.device]` and `[faults.account]`: their stores' key faults.
    fn scope_faults(
        &mut self,
        scope: &str,
        table: &DeTable<'_>,
        key_faults: &mut Vec<(Place, String, Fault)>,
    ) {
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let (Some(place), DeValue::Table(faults)) =
                (Place::from_table(scope, name), value.get_ref())
            else {
                let table = format!("{FAULTS}.{scope}");
                self.problem(key, &table, Some(name), ProblemKind::UnknownFault);
                continue;
            };
            let table = format!("{FAULTS}.{place}");
            for (key, value) in faults {
                let name = key.get_ref().as_ref();
                if self.check_key(key, &table) {
                    if let Some(fault) = self.key_fault(value, &table, name) {
                        key_faults.push((place, name.to_owned(), fault));
                    }
                }
            }
        }
    }

    /// A key's fault: `"server-error"`, `{ result = N }` or `{ read_status = "NAME" }`.
    fn key_fault(&mut self, value: &Value<'_>, table: &str, key: &str) -> Option<Fault> {
        let fault = match value.get_ref() {
            DeValue::String(text) if text == "server-error" => Some(Fault::ServerError),
            DeValue::Table(table) => {
                let mut entries = table.iter();
                match (entries.next(), entries.next()) {
                    (Some((kind, raw)), None) => match kind.get_ref().as_ref() {
                        "result" => u32_of(raw.get_ref()).map(Fault::UnknownResult),
                        "read_status" => status_of(raw.get_ref()).map(Fault::ReadStatus),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        };
        if fault.is_none() {
            let expected = "\"server-error\", { result = N } or { read_status = \"STATUS\" }";
            self.problem(value, table, Some(key), ProblemKind::BadFaultValue { expected });
        }
        fault
    }

    /// One option of `[faults]`, set on the cloud.
    fn fault_option(&mut self, name: &str, value: &DeValue<'_>) -> Result<(), ProblemKind> {
        const COUNT: &str = "a non-negative integer";
        const U32: &str = "an integer from 0 to 4294967295";
        const FLAG: &str = "true or false";
        const STATUS: &str = "a status name such as \"RATELIMITED\", or its number";
        let bad = |expected| ProblemKind::BadFaultValue { expected };
        let cloud = &mut self.cloud;
        match name {
            "receive_buffer" => {
                cloud.receive_buffer(usize_of(value).ok_or(bad(COUNT))?);
            }
            "max_keys" => {
                cloud.max_keys(usize_of(value).ok_or(bad(COUNT))?);
            }
            "truncation" => {
                let truncation = match value {
                    DeValue::String(text) if text == "written" => Truncation::ReportWritten,
                    DeValue::String(text) if text == "full-length" => Truncation::ReportFullLength,
                    _ => return Err(bad("\"written\" or \"full-length\"")),
                };
                cloud.truncation(truncation);
            }
            "no_response" | "closed_while_waiting" => {
                let DeValue::Boolean(on) = value else {
                    return Err(bad(FLAG));
                };
                if *on {
                    cloud.channel_fault(if name == "no_response" {
                        ChannelFault::NoResponse
                    } else {
                        ChannelFault::ClosedWhileWaiting
                    });
                }
            }
            "send_status" => {
                cloud.channel_fault(ChannelFault::SendStatus(status_of(value).ok_or(bad(STATUS))?));
            }
            "response_status" => {
                cloud.channel_fault(ChannelFault::ResponseStatus(
                    status_of(value).ok_or(bad(STATUS))?,
                ));
            }
            "response_result" => {
                cloud.channel_fault(ChannelFault::ResponseResult(u32_of(value).ok_or(bad(U32))?));
            }
            "item_count" => {
                cloud.channel_fault(ChannelFault::ItemCount(u32_of(value).ok_or(bad(U32))?));
            }
            "close_after_items" => {
                cloud.channel_fault(ChannelFault::CloseAfterItems(u32_of(value).ok_or(bad(U32))?));
            }
            _ => return Err(ProblemKind::UnknownFault),
        }
        Ok(())
    }
}

/// `device.config.broker-port` split into its store and the cloud's key.
fn split_fault_key(name: &str) -> Option<(Place, &str)> {
    let mut parts = name.splitn(3, '.');
    let (scope, store, key) = (parts.next()?, parts.next()?, parts.next()?);
    Some((Place::from_table(scope, store)?, key))
}

/// The decimal text of a TOML integer, as the cloud would store it (`0x1F` is `"31"`).
fn integer_text(digits: &str, radix: u32) -> Option<String> {
    if radix == 10 {
        // Decimal digits as written, without a leading `+` (TOML has no leading zeros and the
        // parser has dropped the `_` separators).
        return Some(digits.strip_prefix('+').unwrap_or(digits).to_owned());
    }
    u128::from_str_radix(digits, radix).ok().map(|value| value.to_string())
}

fn u128_of(value: &DeValue<'_>) -> Option<u128> {
    match value {
        DeValue::Integer(integer) => u128::from_str_radix(integer.as_str(), integer.radix()).ok(),
        _ => None,
    }
}

fn usize_of(value: &DeValue<'_>) -> Option<usize> {
    u128_of(value).and_then(|value| usize::try_from(value).ok())
}

fn u32_of(value: &DeValue<'_>) -> Option<u32> {
    u128_of(value).and_then(|value| u32::try_from(value).ok())
}

/// A status by its header name (`"RATELIMITED"`, any case) or by its number.
fn status_of(value: &DeValue<'_>) -> Option<MvStatus> {
    match value {
        DeValue::String(name) => (0..=u8::MAX).map(|raw| MvStatus(u32::from(raw))).find(|status| {
            status.name().is_some_and(|known| known.eq_ignore_ascii_case(name.trim()))
        }),
        other => u32_of(other).map(MvStatus),
    }
}

/// The line, counted from 1, of a byte offset into `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.bytes().filter(|&b| b == b'\n').count() + 1
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use microvisor_config::{Scope, Store};

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a\nb", 99), 2);
    }

    #[test]
    fn integers_become_decimal_text() {
        assert_eq!(integer_text("+7", 10).as_deref(), Some("7"));
        assert_eq!(integer_text("-5", 10).as_deref(), Some("-5"));
        assert_eq!(integer_text("1F", 16).as_deref(), Some("31"));
        assert_eq!(integer_text("777", 8).as_deref(), Some("511"));
        assert_eq!(integer_text("101", 2).as_deref(), Some("5"));
    }

    #[test]
    fn statuses_by_name_or_number() {
        let status = |text: &str| status_of(DeValue::parse(text).unwrap().get_ref());
        assert_eq!(status("\"RATELIMITED\""), Some(MvStatus::RATELIMITED));
        assert_eq!(status("\"channelclosed\""), Some(MvStatus::CHANNELCLOSED));
        assert_eq!(status("17"), Some(MvStatus::RATELIMITED));
        assert_eq!(status("\"NOSUCHSTATUS\""), None);
        assert_eq!(status("-1"), None);
    }

    #[test]
    fn fault_keys_split_at_the_store() {
        let place = Place::new(Scope::Device, Store::Config);
        assert_eq!(split_fault_key("device.config.a.b"), Some((place, "a.b")));
        assert_eq!(split_fault_key("device.configs.a"), None);
        assert_eq!(split_fault_key("device.config"), None);
    }
}
