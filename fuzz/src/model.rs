//! The struct the fetch target fetches (the reliability tests' twelve fields, from the shared
//! fixture `tests/fixtures/every_kind.rs`, five more, a nested struct and a `Json` field), what
//! each of its fields must be made
//! of, and the oracle: a second reading of the channel's log, from the protocol's rules
//! (docs/PROTOCOL.md, "How one fetch runs") and the reference parsers, that says what the fetch
//! must have returned.

use microvisor_config::ffi::{MvConfigKeyFetchScope, MvConfigKeyFetchStore};
use microvisor_config::heapless::{String, Vec as HVec};
use microvisor_config::Base64;
use microvisor_config::{
    ConfigValue, FetchError, FieldOutcome, Hex, ItemError, Json, MicrovisorConfig, ParseError,
    Scope, Secret, Store,
};

use crate::every_kind::{at_least_one, every_kind_struct};
pub use crate::every_kind::{Region, NO_RETRIES};
use crate::reference;
use crate::script::{Call, Reader, ScriptChannel};

every_kind_struct! {
    /// Every kind of field: the shared fixture's twelve (text with a `max_len` below its
    /// capacity, integers of both signednesses, a bool, hex, base64, an enum; required,
    /// optional and defaulted; config and secret; device and account; one with a validator),
    /// then a float, raw bytes, an optional account secret, integers of 64 and 8 bits, a
    /// nested struct under a prefix (a secret and a defaulted field) and an optional `Json`.
    pub struct Settings {
        pub ratio: Option<f64>,
        #[config(default)]
        pub raw: HVec<u8, 8>,
        #[config(key = "api-key", scope = account, store = secret)]
        pub api_key: Option<Secret<String<12>>>,
        pub serial: u64,
        pub level: i8,
        #[config(nested, prefix = "backup-")]
        pub backup: Backup,
        #[config(scope = account, max_len = 40)]
        pub prefs: Option<Json<Prefs>>,
    }
}

/// The nested struct: its keys are `backup-host` and `backup-tries`.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = secret)]
pub struct Backup {
    pub host: Secret<String<16>>,
    #[config(store = config, default = 7)]
    pub tries: u8,
}

/// The `Json` field's value.
#[derive(serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefs {
    pub level: u8,
    pub on: bool,
}

/// A field's value as the oracle compares it (floats by their bits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(std::string::String),
    Unsigned(u128),
    Signed(i128),
    Bool(bool),
    Bytes(Vec<u8>),
    Float(u64),
    Region(Region),
    Prefs(Prefs),
    None,
}

/// What a key that is not found gives.
#[derive(Clone, Debug)]
pub enum Missing {
    Required,
    /// An `Option` field (`None`) or a defaulted one.
    Gives(Value),
}

/// One field as the oracle knows it, written out by hand (not read from the derive's tables).
pub struct FieldDef {
    pub key: &'static str,
    pub scope: u32,
    pub store: u32,
    pub max_len: usize,
    pub missing: Missing,
    pub parse: fn(&[u8]) -> Result<Value, ParseError>,
}

const DEVICE: u32 = 1;
const ACCOUNT: u32 = 0;
const CONFIG: u32 = 1;
const SECRET: u32 = 0;

fn region(text: &[u8]) -> Result<Value, ParseError> {
    match text {
        b"eu" => Ok(Value::Region(Region::Eu)),
        b"us-east" => Ok(Value::Region(Region::UsEast)),
        b"ap" => Ok(Value::Region(Region::AsiaPacific)),
        b"" => Err(ParseError::Empty),
        _ => Err(ParseError::UnknownVariant),
    }
}

/// The bound of an integer's text, whatever its width: room past the digits to name a stray
/// byte.
const INT: usize = 24;

/// The fields of [`Settings`], in order.
pub fn fields() -> [FieldDef; 20] {
    use reference as r;
    let f = |key, scope, store, max_len, missing, parse| FieldDef {
        key,
        scope,
        store,
        max_len,
        missing,
        parse,
    };
    let some = |v| Missing::Gives(v);
    [
        f("broker-host", DEVICE, CONFIG, 20, Missing::Required, |t| {
            r::string(t, 32).map(Value::Text)
        }),
        f("broker-port", DEVICE, CONFIG, INT, Missing::Required, |t| {
            r::unsigned(t, u16::MAX.into()).map(Value::Unsigned)
        }),
        f("utc-offset", DEVICE, CONFIG, INT, Missing::Required, |t| {
            r::signed(t, i32::MIN.into(), i32::MAX.into()).map(Value::Signed)
        }),
        f("tls", DEVICE, CONFIG, 5, Missing::Required, |t| r::boolean(t).map(Value::Bool)),
        f("client-id", DEVICE, CONFIG, 16, some(Value::None), |t| {
            r::string(t, 16).map(Value::Text)
        }),
        f("root-CA", DEVICE, CONFIG, 32, Missing::Required, |t| r::hex(t, 16).map(Value::Bytes)),
        f("token", ACCOUNT, CONFIG, 16, Missing::Required, |t| r::base64(t, 10).map(Value::Bytes)),
        f("keepalive", DEVICE, CONFIG, INT, some(Value::Unsigned(60)), |t| {
            r::unsigned(t, u16::MAX.into()).map(Value::Unsigned)
        }),
        f("private_key", DEVICE, SECRET, 16, Missing::Required, |t| r::hex(t, 8).map(Value::Bytes)),
        f("password", DEVICE, SECRET, 24, Missing::Required, |t| r::string(t, 24).map(Value::Text)),
        f("region", DEVICE, CONFIG, 7, some(Value::Region(Region::Eu)), region),
        f("retries", DEVICE, CONFIG, INT, Missing::Required, |t| {
            let value = r::unsigned(t, u8::MAX.into())?;
            if value == 0 {
                return Err(ParseError::Custom(NO_RETRIES));
            }
            Ok(Value::Unsigned(value))
        }),
        f("ratio", DEVICE, CONFIG, 64, some(Value::None), |t| {
            r::float::<f64>(t).map(|v| Value::Float(v.to_bits()))
        }),
        f("raw", DEVICE, CONFIG, 8, some(Value::Bytes(Vec::new())), |t| {
            r::bytes(t, 8).map(Value::Bytes)
        }),
        f("api-key", ACCOUNT, SECRET, 12, some(Value::None), |t| r::string(t, 12).map(Value::Text)),
        f("serial", DEVICE, CONFIG, INT, Missing::Required, |t| {
            r::unsigned(t, u64::MAX.into()).map(Value::Unsigned)
        }),
        f("level", DEVICE, CONFIG, INT, Missing::Required, |t| {
            r::signed(t, i8::MIN.into(), i8::MAX.into()).map(Value::Signed)
        }),
        f("backup-host", DEVICE, SECRET, 16, Missing::Required, |t| {
            r::string(t, 16).map(Value::Text)
        }),
        f("backup-tries", DEVICE, CONFIG, INT, some(Value::Unsigned(7)), |t| {
            r::unsigned(t, u8::MAX.into()).map(Value::Unsigned)
        }),
        // The crate's own JSON parser: this model checks how a `Json` field is fetched, kept
        // and dropped; `tests/proptest_json.rs` checks the parser against serde_json.
        f("prefs", ACCOUNT, CONFIG, 40, some(Value::None), |t| {
            Json::<Prefs>::parse(t).map(|prefs| Value::Prefs(prefs.0))
        }),
    ]
}

/// The fetched struct's fields, as values, in field order (secrets exposed).
pub fn values(s: &Settings) -> Vec<Value> {
    let text = |t: &str| Value::Text(t.to_owned());
    vec![
        text(&s.host),
        Value::Unsigned(s.port.into()),
        Value::Signed(s.offset.into()),
        Value::Bool(s.tls),
        s.client_id.as_ref().map_or(Value::None, |t| text(t)),
        Value::Bytes(s.root_ca.to_vec()),
        Value::Bytes(s.token.to_vec()),
        Value::Unsigned(s.keepalive.into()),
        Value::Bytes(s.private_key.expose_secret().to_vec()),
        text(s.password.expose_secret()),
        Value::Region(s.region),
        Value::Unsigned(s.retries.into()),
        s.ratio.map_or(Value::None, |r| Value::Float(r.to_bits())),
        Value::Bytes(s.raw.to_vec()),
        s.api_key.as_ref().map_or(Value::None, |k| text(k.expose_secret())),
        Value::Unsigned(s.serial.into()),
        Value::Signed(s.level.into()),
        text(s.backup.host.expose_secret()),
        Value::Unsigned(s.backup.tries.into()),
        s.prefs.as_ref().map_or(Value::None, |prefs| Value::Prefs(prefs.0)),
    ]
}

/// A valid [`Settings`], the value a refresh starts from.
pub fn previous() -> Settings {
    Settings {
        host: String::try_from("old.example.com").unwrap(),
        port: 1883,
        offset: -3600,
        tls: false,
        client_id: Some(String::try_from("old-id").unwrap()),
        root_ca: Hex::parse(b"0102").unwrap(),
        token: Base64::parse(b"b2xk").unwrap(),
        keepalive: 5,
        private_key: Secret::new(Hex::parse(b"0badc0de").unwrap()),
        password: Secret::new(String::try_from("old-password").unwrap()),
        region: Region::AsiaPacific,
        retries: 9,
        ratio: Some(0.5),
        raw: HVec::from_slice(b"old").unwrap(),
        api_key: None,
        serial: 7,
        level: -1,
        backup: Backup { host: Secret::new(String::try_from("old-host").unwrap()), tries: 2 },
        prefs: Some(Json(Prefs { level: 3, on: true })),
    }
}

/// What a fetch may be: the three ways the target drives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Fetch,
    Refresh,
    Report,
}

/// What the fetch must have returned, read from the log.
#[derive(Debug, PartialEq)]
pub struct Expected {
    pub result: Result<Vec<Value>, FetchError>,
    pub outcomes: Vec<FieldOutcome>,
}

/// The verdict on one item read: its value, `None` for "use the missing value", or its error.
fn judge(field: &FieldDef, call: &Call) -> Result<Option<Value>, ItemError> {
    let Call::ReadItem { answer, written, .. } = call else { unreachable!() };
    let read = answer.map_err(ItemError::Read)?;
    match read.result.0 {
        0 => {}
        1 => return Ok(None),
        2 => return Err(ItemError::ServerError),
        other => return Err(ItemError::UnknownResult(other)),
    }
    // A correct reader offers `max_len + 1` bytes and takes a length that reaches the last of
    // them as "too long", whatever the device wrote.
    if read.length as usize > field.max_len {
        return Err(ItemError::TooLong { len: read.length, max: field.max_len as u32 });
    }
    let text = &written[..read.length as usize];
    (field.parse)(text).map(Some).map_err(ItemError::Invalid)
}

/// Reads the log as the protocol says it must have gone, panicking at the first call that
/// should not have been made, and returns what the fetch must have returned.
pub fn expected(mode: Mode, log: &[Call]) -> Expected {
    let fields = fields();
    let mut outcomes = vec![FieldOutcome::NotRead; fields.len()];
    let mut calls = log.iter();
    // After a failure only `close` may follow (at least once): nothing else may be called.
    let closes_only = |rest: std::slice::Iter<'_, Call>| {
        let rest: Vec<_> = rest.collect();
        assert!(!rest.is_empty(), "the channel was not closed");
        assert!(rest.iter().all(|c| **c == Call::Close), "calls after a failure: {rest:?}");
    };
    let fail = |error, outcomes, rest| {
        closes_only(rest);
        Expected { result: Err(error), outcomes }
    };

    // 1. One request naming every key once, in field order.
    let Some(Call::Send { keys, answer }) = calls.next() else { panic!("no request first") };
    let wanted: Vec<_> =
        fields.iter().map(|f| (f.scope, f.store, f.key.as_bytes().to_vec())).collect();
    assert_eq!(keys, &wanted, "the request");
    if let Err(status) = answer {
        return fail(FetchError::Send(*status), outcomes, calls);
    }
    // 2. The wait.
    let Some(Call::Wait { answer }) = calls.next() else { panic!("no wait after the request") };
    if let Err(error) = answer {
        return fail(FetchError::Wait(*error), outcomes, calls);
    }
    // 3. The response's header: its result, then its item count.
    let Some(Call::ResponseData { answer }) = calls.next() else { panic!("no response read") };
    let data = match answer {
        Err(status) => return fail(FetchError::Response(*status), outcomes, calls),
        Ok(data) => data,
    };
    match data.result.0 {
        0 => {}
        1 => return fail(FetchError::ResponseTooLarge, outcomes, calls),
        other => return fail(FetchError::UnknownResponseResult(other), outcomes, calls),
    }
    let expected_items = fields.len() as u32;
    if data.num_items != expected_items {
        let error = FetchError::ItemCount { expected: expected_items, got: data.num_items };
        return fail(error, outcomes, calls);
    }
    // 4. Each item once, in order, into a buffer one byte longer than its max_len; the first
    // bad one ends the fetch (a reporting fetch still reads and judges the rest).
    let mut result: Result<Vec<Value>, FetchError> = Ok(Vec::new());
    for (index, field) in fields.iter().enumerate() {
        let failed = result.is_err();
        if failed && mode != Mode::Report {
            break;
        }
        let call = calls.next().unwrap_or_else(|| panic!("item {index} not read"));
        let Call::ReadItem { index: asked, offered, .. } = call else {
            panic!("item {index} not read: {call:?}")
        };
        assert_eq!(*asked as usize, index, "items read in order, each once");
        assert_eq!(*offered, field.max_len + 1, "the buffer of item {index}");
        let verdict = judge(field, call);
        outcomes[index] = match &verdict {
            Ok(Some(_)) => FieldOutcome::Ok,
            Ok(None) if matches!(field.missing, Missing::Required) => {
                FieldOutcome::Failed(ItemError::NotFound)
            }
            Ok(None) => FieldOutcome::Defaulted,
            Err(error) => FieldOutcome::Failed(*error),
        };
        if failed {
            continue;
        }
        let value = match (verdict, &field.missing) {
            (Ok(Some(value)), _) => Ok(value),
            (Ok(None), Missing::Gives(value)) => Ok(value.clone()),
            (Ok(None), Missing::Required) => Err(ItemError::NotFound),
            (Err(error), _) => Err(error),
        };
        match (value, &mut result) {
            (Ok(value), Ok(values)) => values.push(value),
            (Err(error), _) => {
                // The oracle's own reading of the request: the scope and store it names.
                let scope = Scope::from_ffi(MvConfigKeyFetchScope(field.scope));
                let store = Store::from_ffi(MvConfigKeyFetchStore(field.store));
                let (Some(scope), Some(store)) = (scope, store) else { unreachable!() };
                result = Err(FetchError::Item {
                    index: index as u16,
                    key: field.key,
                    scope,
                    store,
                    error,
                })
            }
            (Ok(_), Err(_)) => unreachable!(),
        }
    }
    closes_only(calls);
    Expected { result, outcomes }
}

/// Runs one fetch scripted by `data` and checks it against the oracle; panics on any
/// difference. The first byte picks `fetch`, `refresh` or `fetch_report`.
pub fn run(data: &[u8]) {
    let mut input = Reader::new(data);
    let mode = match input.byte() % 3 {
        0 => Mode::Fetch,
        1 => Mode::Refresh,
        _ => Mode::Report,
    };
    let mut channel = ScriptChannel::new(input, Settings::SCHEMA.len() as u32);
    let (result, outcomes) = match mode {
        Mode::Fetch => (Settings::fetch(&mut channel).map(|s| values(&s)), None),
        Mode::Refresh => {
            let mut settings = previous();
            let before = values(&settings);
            let result = settings.refresh(&mut channel);
            let after = values(&settings);
            if result.is_err() {
                assert_eq!(after, before, "refresh changed the settings on {result:?}");
            }
            (result.map(|()| after), None)
        }
        Mode::Report => {
            let report = Settings::fetch_report(&mut channel);
            let outcomes: Vec<_> = report.fields().map(|(_, o)| *o).collect();
            (report.into_result().map(|s| values(&s)), Some(outcomes))
        }
    };
    assert!(channel.is_closed(), "the channel is left open");
    assert!(!channel.used_after_close, "the channel was used after it was closed");
    let expected = expected(mode, &channel.log);
    assert_eq!(result, expected.result, "{mode:?}: log {:?}", channel.log);
    if let Some(outcomes) = outcomes {
        assert_eq!(outcomes, expected.outcomes, "{mode:?}: log {:?}", channel.log);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle's hand-written table is the derive's schema.
    #[test]
    fn fields_match_the_schema() {
        let fields = fields();
        assert_eq!(fields.len(), Settings::SCHEMA.len());
        for (field, spec) in fields.iter().zip(Settings::SCHEMA) {
            assert_eq!(field.key, spec.key);
            assert_eq!(field.max_len, spec.max_len, "{}", spec.key);
            assert_eq!(field.scope, spec.scope.to_ffi().0, "{}", spec.key);
            assert_eq!(field.store, spec.store.to_ffi().0, "{}", spec.key);
            assert_eq!(matches!(field.missing, Missing::Required), spec.required, "{}", spec.key);
        }
    }
}
