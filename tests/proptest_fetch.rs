//! Property tests of the fetch against the simulator: random clouds with values within and
//! beyond every field's bounds, missing keys (some stored in the wrong store or scope), item
//! faults, channel faults and both truncation answers. Every value's meaning (or error) is
//! known by construction, not by parsing it again.
//!
//! Properties: `fetch` returns exactly the stored values, or exactly the error of the first bad
//! item (or of the channel); `refresh` never changes the settings on error; the request carries
//! every key once, in field order.
//!
//! 256 cases per property by default; `PROPTEST_CASES=100000 cargo test --test proptest_fetch
//! --release` runs a longer campaign.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod reliability;

use microvisor_config::{
    FetchError, ItemError, MicrovisorConfig, MvStatus, ParseError, Scope, Store, WaitError,
};
use microvisor_config_sim::{ChannelFault, Cloud, Fault, Truncation};
use proptest::prelude::*;
use reliability::*;

/// What the cloud holds for one field.
#[derive(Clone, Debug)]
enum Item {
    /// A text, and what it means for the field: its value or why it is invalid (a text longer
    /// than `max_len` is "too long" whatever it means, judged at check time).
    Text(Vec<u8>, Result<Val, ParseError>),
    /// Not stored; `true` if stored under the same key twice instead, in the other store of
    /// the field's scope and in the other scope's field store (neither of which may be read).
    Missing(bool),
    Fault(Fault),
}

impl Item {
    /// What the fetch must make of it, for field `index`.
    fn expected(&self, index: usize, truncation: Truncation) -> Result<Val, ItemError> {
        let max = Rich::SCHEMA[index].max_len;
        match self {
            Item::Text(text, _) if text.len() > max => {
                let reported = match truncation {
                    Truncation::ReportWritten => max + 1,
                    Truncation::ReportFullLength => text.len(),
                };
                Err(ItemError::TooLong { len: reported as u32, max: max as u32 })
            }
            Item::Text(_, meaning) => meaning.clone().map_err(ItemError::Invalid),
            Item::Missing(_) => missing_value(index).ok_or(ItemError::NotFound),
            Item::Fault(Fault::ServerError) => Err(ItemError::ServerError),
            Item::Fault(Fault::UnknownResult(raw)) => Err(ItemError::UnknownResult(*raw)),
            Item::Fault(Fault::ReadStatus(status)) => Err(ItemError::Read(*status)),
            Item::Fault(other) => panic!("unexpected fault {other:?}"),
        }
    }
}

fn status() -> impl Strategy<Value = MvStatus> {
    prop_oneof![
        Just(MvStatus::PARAMETERFAULT),
        Just(MvStatus::INVALIDHANDLE),
        Just(MvStatus::CHANNELCLOSED),
        Just(MvStatus::INDEXINVALID),
        Just(MvStatus::RESPONSENOTPRESENT),
        Just(MvStatus::LATEFAULT),
        any::<u32>().prop_map(MvStatus),
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        Just(Fault::ServerError),
        (3u32..).prop_map(Fault::UnknownResult),
        status().prop_map(Fault::ReadStatus),
    ]
}

/// Text in characters of one to three bytes, so byte lengths cross `max_len` mid-character.
fn text(max_chars: usize) -> impl Strategy<Value = String> {
    let chars = prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::char::range('0', '9'),
        1 => Just('-'),
        1 => Just('\u{e9}'),
        1 => Just('\u{20ac}'),
    ];
    prop::collection::vec(chars, 0..=max_chars).prop_map(|c| c.into_iter().collect())
}

/// UTF-8 text of up to `capacity` bytes, some over it, some with a byte inserted that (almost
/// always) makes it invalid.
fn string_field(capacity: usize, max_chars: usize) -> BoxedStrategy<Item> {
    prop_oneof![
        3 => text(max_chars).prop_map(move |t| {
            let meaning = if t.len() <= capacity {
                Ok(Val::Text(t.clone()))
            } else {
                Err(ParseError::Capacity { capacity })
            };
            Item::Text(t.into_bytes(), meaning)
        }),
        1 => (text(max_chars), any::<prop::sample::Index>(), 0x80u8..=0xff).prop_map(
            move |(t, at, bad)| {
                let mut bytes = t.into_bytes();
                let at = at.index(bytes.len() + 1);
                bytes.insert(at, bad);
                let meaning = match std::str::from_utf8(&bytes) {
                    Err(error) => Err(ParseError::NotUtf8 { at: error.valid_up_to() }),
                    Ok(text) if text.len() <= capacity => Ok(Val::Text(text.to_owned())),
                    Ok(_) => Err(ParseError::Capacity { capacity }),
                };
                Item::Text(bytes, meaning)
            }
        ),
    ]
    .boxed()
}

/// Decimal text of `value`, with leading zeros and (for signed fields) a `+`.
fn decimal(value: i64, zeros: usize, plus: bool) -> Vec<u8> {
    let digits = value.unsigned_abs().to_string();
    let sign = if value < 0 {
        "-"
    } else if plus {
        "+"
    } else {
        ""
    };
    format!("{sign}{}{digits}", "0".repeat(zeros)).into_bytes()
}

/// An integer field of range `min..=max`, tried over a wider range, sometimes with a stray
/// byte; `check` is the field's validator.
fn integer_field(
    min: i64,
    max: i64,
    check: fn(i64) -> Result<(), ParseError>,
) -> BoxedStrategy<Item> {
    let signed = min < 0;
    let span = (max - min).max(1);
    let wide = (min.saturating_sub(span / 2))..=(max.saturating_add(span / 2));
    let meaning = move |value: i64| {
        if value < min || value > max {
            Err(ParseError::OutOfRange)
        } else {
            check(value)
                .map(|()| if signed { Val::Signed(value) } else { Val::Unsigned(value as u64) })
        }
    };
    prop_oneof![
        4 => (wide.clone(), 0usize..3, any::<bool>()).prop_map(move |(v, zeros, plus)| {
            Item::Text(decimal(v, zeros, plus && signed), if v < 0 && !signed {
                Err(ParseError::NotDecimal { at: 0 })
            } else {
                meaning(v)
            })
        }),
        1 => (0..=max, any::<prop::sample::Index>(), prop::sample::select(&b"x .e_+"[..]))
            .prop_map(move |(v, at, stray)| {
                let mut text = decimal(v, 0, false);
                let at = at.index(text.len() + 1);
                text.insert(at, stray);
                // Only a leading sign is a sign, and only for signed fields.
                if at == 0 && stray == b'+' && signed {
                    return Item::Text(text, meaning(v));
                }
                Item::Text(text, Err(ParseError::NotDecimal { at }))
            }),
        1 => Just(Item::Text(Vec::new(), Err(ParseError::Empty))),
    ]
    .boxed()
}

fn no_check(_: i64) -> Result<(), ParseError> {
    Ok(())
}

fn at_least_one(value: i64) -> Result<(), ParseError> {
    if value == 0 {
        Err(ParseError::Custom(NO_RETRIES))
    } else {
        Ok(())
    }
}

/// Hex of up to `capacity + 2` bytes, either case; some odd, some with a non-hex byte.
fn hex_field(capacity: usize) -> BoxedStrategy<Item> {
    let encode = |bytes: &[u8], upper: bool| {
        let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        if upper {
            text.to_uppercase()
        } else {
            text
        }
    };
    let meaning = move |bytes: Vec<u8>| {
        if bytes.len() <= capacity {
            Ok(Val::Bytes(bytes))
        } else {
            Err(ParseError::Capacity { capacity })
        }
    };
    prop_oneof![
        3 => (prop::collection::vec(any::<u8>(), 0..=capacity + 2), any::<bool>())
            .prop_map(move |(bytes, upper)| Item::Text(encode(&bytes, upper).into_bytes(), meaning(bytes))),
        1 => prop::collection::vec(any::<u8>(), 1..=capacity).prop_map(move |bytes| {
            let mut text = encode(&bytes, false).into_bytes();
            text.pop();
            Item::Text(text, Err(ParseError::OddLength))
        }),
        1 => (prop::collection::vec(any::<u8>(), 1..=capacity), any::<prop::sample::Index>(),
              prop::sample::select(&b"gGz+- x"[..]))
            .prop_map(move |(bytes, at, bad)| {
                let mut text = encode(&bytes, false).into_bytes();
                let at = at.index(text.len());
                text[at] = bad;
                Item::Text(text, Err(ParseError::NotHex { at }))
            }),
    ]
    .boxed()
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard padded base64 (RFC 4648 §4).
fn base64(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

/// Base64 of up to `capacity + 2` bytes; some without their padding.
fn base64_field(capacity: usize) -> BoxedStrategy<Item> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..=capacity + 2).prop_map(move |bytes| {
            let meaning = if bytes.len() <= capacity {
                Ok(Val::Bytes(bytes.clone()))
            } else {
                Err(ParseError::Capacity { capacity })
            };
            Item::Text(base64(&bytes), meaning)
        }),
        1 => prop::collection::vec(any::<u8>(), 1..=capacity)
            .prop_map(|mut bytes| {
                // A length that needs padding.
                if bytes.len().is_multiple_of(3) {
                    bytes.pop();
                }
                let mut text = base64(&bytes);
                while text.last() == Some(&b'=') {
                    text.pop();
                }
                let at = text.len();
                Item::Text(text, Err(ParseError::NotBase64 { at }))
            }),
    ]
    .boxed()
}

fn bool_field() -> BoxedStrategy<Item> {
    prop::sample::select(vec![
        ("true", Ok(Val::Bool(true))),
        ("false", Ok(Val::Bool(false))),
        ("True", Err(ParseError::NotBool)),
        ("1", Err(ParseError::NotBool)),
        ("", Err(ParseError::Empty)),
        ("falsey", Err(ParseError::NotBool)),
    ])
    .prop_map(|(text, meaning)| Item::Text(text.as_bytes().to_vec(), meaning))
    .boxed()
}

fn region_field() -> BoxedStrategy<Item> {
    prop::sample::select(vec![
        ("eu", Ok(Val::Region(Region::Eu))),
        ("us-east", Ok(Val::Region(Region::UsEast))),
        ("ap", Ok(Val::Region(Region::AsiaPacific))),
        ("EU", Err(ParseError::UnknownVariant)),
        ("", Err(ParseError::UnknownVariant)),
        ("asia-pacific", Err(ParseError::UnknownVariant)),
    ])
    .prop_map(|(text, meaning)| Item::Text(text.as_bytes().to_vec(), meaning))
    .boxed()
}

/// The values field `index` may hold, valid or not.
fn value_of(index: usize) -> BoxedStrategy<Item> {
    match index {
        0 => string_field(32, 24),
        1 | 7 => integer_field(0, u16::MAX.into(), no_check),
        2 => integer_field(i32::MIN.into(), i32::MAX.into(), no_check),
        3 => bool_field(),
        4 => string_field(16, 18),
        5 => hex_field(16),
        6 => base64_field(10),
        8 => hex_field(8),
        9 => string_field(24, 26),
        10 => region_field(),
        11 => integer_field(0, u8::MAX.into(), at_least_one),
        _ => unreachable!(),
    }
}

/// What the cloud holds for field `index`: mostly a value, sometimes nothing or a fault.
fn item(index: usize) -> BoxedStrategy<Item> {
    prop_oneof![
        12 => value_of(index),
        1 => any::<bool>().prop_map(Item::Missing),
        1 => fault().prop_map(Item::Fault),
    ]
    .boxed()
}

fn channel_fault() -> impl Strategy<Value = Option<ChannelFault>> {
    prop_oneof![
        12 => Just(None),
        1 => status().prop_map(|s| Some(ChannelFault::SendStatus(s))),
        1 => Just(Some(ChannelFault::NoResponse)),
        1 => Just(Some(ChannelFault::ClosedWhileWaiting)),
        1 => status().prop_map(|s| Some(ChannelFault::ResponseStatus(s))),
        1 => (1u32..).prop_map(|r| Some(ChannelFault::ResponseResult(r))),
        1 => any::<u32>().prop_map(|n| Some(ChannelFault::ItemCount(n))),
        2 => (0..FIELDS as u32 + 1).prop_map(|k| Some(ChannelFault::CloseAfterItems(k))),
    ]
}

/// One random cloud.
#[derive(Clone, Debug)]
struct Case {
    items: Vec<Item>,
    fault: Option<ChannelFault>,
    truncation: Truncation,
}

fn case() -> impl Strategy<Value = Case> {
    let items: Vec<_> = (0..FIELDS).map(item).collect();
    let truncation =
        prop_oneof![Just(Truncation::ReportWritten), Just(Truncation::ReportFullLength)];
    (items, channel_fault(), truncation).prop_map(|(items, fault, truncation)| Case {
        items,
        fault,
        truncation,
    })
}

impl Case {
    fn cloud(&self) -> Cloud {
        let mut cloud = Cloud::new();
        cloud.truncation(self.truncation);
        if let Some(fault) = self.fault {
            cloud.channel_fault(fault);
        }
        for (index, item) in self.items.iter().enumerate() {
            let spec = &Rich::SCHEMA[index];
            match item {
                Item::Text(text, _) => put(&mut cloud, index, text),
                Item::Missing(false) => {}
                Item::Missing(true) => {
                    // The same key in the field's scope but the other store, and in the other
                    // scope but the field's store: neither is this field's.
                    let store = match spec.store {
                        Store::Config => Store::Secret,
                        Store::Secret => Store::Config,
                    };
                    let scope = match spec.scope {
                        Scope::Device => Scope::Account,
                        Scope::Account => Scope::Device,
                    };
                    cloud.insert(spec.scope, store, spec.key, GOOD[index]);
                    cloud.insert(scope, spec.store, spec.key, GOOD[index]);
                }
                Item::Fault(fault) => {
                    cloud.fail(spec.scope, spec.store, spec.key, *fault);
                }
            }
        }
        cloud
    }

    /// What the fetch must return.
    fn expected(&self) -> Result<Vec<Val>, FetchError> {
        let items = FIELDS as u32;
        match self.fault {
            Some(ChannelFault::SendStatus(s)) => return Err(FetchError::Send(s)),
            Some(ChannelFault::NoResponse) => return Err(FetchError::Wait(WaitError::Timeout)),
            Some(ChannelFault::ClosedWhileWaiting) => {
                return Err(FetchError::Wait(WaitError::ChannelClosed))
            }
            Some(ChannelFault::ResponseStatus(s)) => return Err(FetchError::Response(s)),
            Some(ChannelFault::ResponseResult(1)) => return Err(FetchError::ResponseTooLarge),
            Some(ChannelFault::ResponseResult(r)) => {
                return Err(FetchError::UnknownResponseResult(r))
            }
            Some(ChannelFault::ItemCount(n)) if n != items => {
                return Err(FetchError::ItemCount { expected: items, got: n })
            }
            _ => {}
        }
        let closes_after = match self.fault {
            Some(ChannelFault::CloseAfterItems(k)) => k as usize,
            _ => usize::MAX,
        };
        let mut values = Vec::new();
        for (index, item) in self.items.iter().enumerate() {
            let spec = &Rich::SCHEMA[index];
            let expected = if index >= closes_after {
                Err(ItemError::Read(MvStatus::CHANNELCLOSED))
            } else {
                item.expected(index, self.truncation)
            };
            match expected {
                Ok(value) => values.push(value),
                Err(error) => {
                    let (key, scope, store) = (spec.key, spec.scope, spec.store);
                    return Err(FetchError::Item { index: index as u16, key, scope, store, error });
                }
            }
        }
        Ok(values)
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    /// `fetch` returns exactly the stored values, or exactly the error of the first bad item
    /// (or of the channel); the channel is closed; the request names every key once, in order.
    #[test]
    fn fetch_returns_the_stored_values_or_the_first_error(case in case()) {
        let cloud = case.cloud();
        let mut channel = cloud.open_channel();
        let result = Rich::fetch(&mut channel).map(|settings| values(&settings));
        prop_assert_eq!(result, case.expected());
        prop_assert!(channel.is_closed());
        prop_assert_eq!(cloud.requests_sent(), 1);
        if !matches!(case.fault, Some(ChannelFault::SendStatus(_))) {
            let sent: Vec<_> =
                cloud.last_request().into_iter().map(|k| (k.scope, k.store, k.key)).collect();
            prop_assert_eq!(sent, request_keys());
        }
    }

    /// `refresh` changes nothing on error, and on success holds what `fetch` would return.
    #[test]
    fn refresh_is_all_or_nothing(case in case()) {
        let cloud = case.cloud();
        let mut settings = fetched_good();
        let mut channel = cloud.open_channel();
        match (settings.refresh(&mut channel), case.expected()) {
            (Ok(()), Ok(expected)) => prop_assert_eq!(values(&settings), expected),
            (Err(error), Err(expected)) => {
                prop_assert_eq!(error, expected);
                prop_assert_eq!(values(&settings), good_values());
            }
            (got, expected) => prop_assert!(false, "refresh {:?}, expected {:?}", got, expected),
        }
        prop_assert!(channel.is_closed());
    }

    /// The reporting fetch returns the same result, and names each field's own verdict.
    #[test]
    fn the_report_agrees_with_the_fetch(case in case()) {
        let cloud = case.cloud();
        let report = Rich::fetch_report(&mut cloud.open_channel());
        let result = report.result().map(values).map_err(|e| *e);
        prop_assert_eq!(result, case.expected());
        if case.fault.is_none() {
            for (index, (_, outcome)) in report.fields().enumerate() {
                let expected = case.items[index].expected(index, case.truncation);
                prop_assert_eq!(outcome.is_ok(), expected.is_ok(), "field {}: {:?}", index, outcome);
            }
        }
    }
}

#[test]
fn the_base64_encoder_is_standard() {
    assert_eq!(base64(b"hello"), b"aGVsbG8=");
    assert_eq!(base64(b"hi"), b"aGk=");
    assert_eq!(base64(b"h"), b"aA==");
    assert_eq!(base64(b""), b"");
}
