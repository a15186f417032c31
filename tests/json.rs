//! `Json<T>` fields: the clock demo's display preferences, fetched, refused with the byte to
//! blame, optional, secret, and refreshed without losing the old value.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use microvisor_config::heapless::String;
use microvisor_config::{
    FetchError, FieldOutcome, ItemError, Json, JsonProblem, MicrovisorConfig, ParseError, Scope,
    Secret, Store,
};
use microvisor_config_sim::Cloud;

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Prefs {
    format: String<3>,
    brightness: u8,
    colon: Colon,
    tz: String<32>,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Colon {
    On,
    Blink,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Login {
    user: String<16>,
    password: String<32>,
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = account, store = config)]
struct Clock {
    #[config(max_len = 256)]
    prefs: Json<Prefs>,
    #[config(key = "night-prefs", max_len = 256)]
    night_prefs: Option<Json<Prefs>>,
    #[config(store = secret, max_len = 128)]
    login: Secret<Json<Login>>,
}

const PREFS: &str = r#"{"format":"24h","brightness":8,"colon":"blink","tz":"Europe/London"}"#;
const LOGIN: &str = r#"{"user":"clock-0042","password":"hunter2"}"#;

fn cloud(prefs: &str) -> Cloud {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Account, Store::Config, "prefs", prefs);
    cloud.insert(Scope::Account, Store::Secret, "login", LOGIN);
    cloud
}

#[test]
fn the_clock_demos_prefs_are_fetched_into_their_struct() {
    let clock = Clock::fetch(&mut cloud(PREFS).open_channel()).unwrap();
    assert_eq!(
        *clock.prefs,
        Prefs {
            format: "24h".try_into().unwrap(),
            brightness: 8,
            colon: Colon::Blink,
            tz: "Europe/London".try_into().unwrap()
        }
    );
    assert_eq!(clock.night_prefs, None);
    assert_eq!(clock.login.expose_secret().user.as_str(), "clock-0042");
    assert_eq!(format!("{:?}", clock.login), "[REDACTED]");

    let mut with_night = cloud(PREFS);
    let night = r#"{ "format": "12h", "brightness": 1, "colon": "on", "tz": "Europe/London" }"#;
    with_night.insert(Scope::Account, Store::Config, "night-prefs", night);
    let clock = Clock::fetch(&mut with_night.open_channel()).unwrap();
    assert_eq!(clock.night_prefs.as_ref().map(|prefs| prefs.brightness), Some(1));
}

/// A value that is not JSON of the type is an item error naming the key, with the byte to
/// blame and what was wrong; the message says both.
#[test]
fn bad_json_names_the_key_and_the_byte() {
    let bad = r#"{"format":"24h","brightness":"high","colon":"blink","tz":"Europe/London"}"#;
    let error = Clock::fetch(&mut cloud(bad).open_channel()).unwrap_err();
    let at = bad.find(r#""high""#).unwrap();
    match error {
        FetchError::Item {
            key: "prefs",
            scope: Scope::Account,
            store: Store::Config,
            error,
            ..
        } => {
            assert_eq!(
                error,
                ItemError::Invalid(ParseError::Json { at, problem: JsonProblem::WRONG_TYPE })
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error.to_string(),
        format!(
            "config key `prefs` (account config, item 0): invalid value: a JSON value of the wrong \
             type (at byte {at})"
        )
    );
    let missing_tz = r#"{"format":"24h","brightness":8,"colon":"blink"}"#;
    assert_eq!(
        Clock::check_item(0, missing_tz.as_bytes()),
        Err(ParseError::Json { at: missing_tz.len() - 1, problem: JsonProblem::REFUSED })
    );
    assert_eq!(
        Clock::check_item(1, b"{\"format\":"),
        Err(ParseError::Json { at: 10, problem: JsonProblem::UNEXPECTED_END })
    );
    assert_eq!(Clock::check_item(2, b""), Err(ParseError::Empty));
    // A byte that is not UTF-8 in a string is blamed where it stands; among escapes, the
    // string is (its opening quote).
    assert_eq!(
        Clock::check_item(0, b"{\"format\":\"2\xffh\"}"),
        Err(ParseError::Json { at: 12, problem: JsonProblem::SYNTAX })
    );
    assert_eq!(
        Clock::check_item(0, b"{\"format\":\"\\n\xff\"}"),
        Err(ParseError::Json { at: 10, problem: JsonProblem::SYNTAX })
    );
    // Longer than max_len is refused before it is parsed.
    let long = format!("{PREFS}{}", " ".repeat(256));
    let error = Clock::fetch(&mut cloud(&long).open_channel()).unwrap_err();
    assert!(matches!(error.item_error(), Some(ItemError::TooLong { max: 256, .. })), "{error:?}");
}

/// A refresh with bad JSON leaves the live settings as they were.
#[test]
fn a_failed_refresh_keeps_the_old_prefs() {
    let mut clock = Clock::fetch(&mut cloud(PREFS).open_channel()).unwrap();
    let bad = PREFS.replace("blink", "flash");
    assert!(clock.refresh(&mut cloud(&bad).open_channel()).is_err());
    assert_eq!(clock.prefs.colon, Colon::Blink);
    let report = Clock::fetch_report(&mut cloud(&bad).open_channel());
    let outcomes: Vec<FieldOutcome> = report.fields().map(|(_, outcome)| *outcome).collect();
    let at = bad.find(r#""flash""#).unwrap();
    assert_eq!(
        outcomes,
        [
            FieldOutcome::Failed(ItemError::Invalid(ParseError::Json {
                at,
                problem: JsonProblem::REFUSED
            })),
            FieldOutcome::Defaulted,
            FieldOutcome::Ok,
        ]
    );
    let check = cloud(&bad).check::<Clock>();
    assert!(check.to_string().contains("a JSON value the field's type refuses"), "{check}");
}
