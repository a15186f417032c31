//! Every fault the device can produce, at every item of a struct with every kind of field: the
//! error is the documented one, and a `refresh` that meets it leaves the previous settings
//! exactly as they were. Each fault is tried under both answers the device may give to a value
//! longer than the buffer (`sim::Truncation`).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::needless_range_loop)]

mod common;
mod reliability;
#[path = "fixtures/statuses.rs"]
mod statuses;

use common::{item_error, WaitFails};
use microvisor_config::ffi::MvConfigResponseData;
use microvisor_config::{
    ConfigChannel, FetchError, FieldOutcome, ItemError, ItemRead, MicrovisorConfig, MvStatus,
    ParseError, WaitError,
};
use microvisor_config_sim::{response_bytes, ChannelFault, Cloud, Fault, SimChannel, Truncation};
use reliability::*;

/// Both truncation answers; under Miri (`scripts/miri`), which runs this sweep for the unsafe
/// code of building settings in place (a fetch stopped at each index drops the fields written
/// so far), one of them, and one fault of each kind per index (see [`thin`]): the full sweep
/// would take Miri several minutes.
const TRUNCATIONS: &[Truncation] = if cfg!(miri) {
    &[Truncation::ReportFullLength]
} else {
    &[Truncation::ReportWritten, Truncation::ReportFullLength]
};

/// Every case, or under Miri the first and the last of each list.
fn thin<T>(mut cases: Vec<T>) -> Vec<T> {
    if cfg!(miri) && cases.len() > 2 {
        let last = cases.pop().unwrap();
        cases.truncate(1);
        cases.push(last);
    }
    cases
}

/// A status no Microvisor release defines: carried, not lost.
const UNKNOWN_STATUS: MvStatus = MvStatus(0x99);

/// Refreshes settings fetched from `GOOD` through `channel`, whose cloud holds `OTHER` values
/// around the fault, and checks the error and that nothing changed.
fn refresh_fails(case: &str, channel: &mut dyn ConfigChannel, expected: FetchError) {
    let mut settings = fetched_good();
    let error = settings.refresh(&mut &mut *channel).unwrap_err();
    assert_eq!(error, expected, "{case}");
    assert_eq!(values(&settings), good_values(), "{case}: refresh changed the settings");
}

/// As [`refresh_fails`], on a channel of `cloud`, which must be closed afterwards.
fn sweep_case(case: &str, cloud: &Cloud, expected: FetchError) {
    let mut channel = cloud.open_channel();
    refresh_fails(case, &mut channel, expected);
    assert!(channel.is_closed(), "{case}: channel left open");
}

/// `OTHER` values with `truncation`: one fault away from a good cloud.
fn other_cloud(truncation: Truncation) -> Cloud {
    let mut cloud = cloud_of(&OTHER);
    cloud.truncation(truncation);
    cloud
}

/// A text of `len` bytes (its content does not matter: too long is judged before parsing).
fn long_text(len: usize) -> String {
    "7".repeat(len)
}

/// An invalid text of each field, and the error it must give.
fn invalid(index: usize) -> (&'static [u8], ParseError) {
    [
        (&b"caf\xff"[..], ParseError::NotUtf8 { at: 3 }),
        (b"88x3", ParseError::NotDecimal { at: 2 }),
        (b"2147483648", ParseError::OutOfRange),
        (b"True", ParseError::NotBool),
        (b"\xc3", ParseError::NotUtf8 { at: 0 }),
        (b"abc", ParseError::OddLength),
        (b"aGVsbG8", ParseError::NotBase64 { at: 7 }),
        (b"65536", ParseError::OutOfRange),
        (b"0g", ParseError::NotHex { at: 1 }),
        (b"\xff", ParseError::NotUtf8 { at: 0 }),
        (b"EU", ParseError::UnknownVariant),
        (b"0", ParseError::Custom(NO_RETRIES)),
    ][index]
}

#[test]
fn the_invalid_texts_are_invalid() {
    for index in 0..FIELDS {
        let (text, error) = invalid(index);
        assert_eq!(Rich::check_item(index, text), Err(error), "{}", Rich::SCHEMA[index].key);
    }
}

#[test]
fn every_item_fault_at_every_index() {
    let item_faults: Vec<(Fault, ItemError)> = [
        (Fault::ServerError, ItemError::ServerError),
        (Fault::UnknownResult(3), ItemError::UnknownResult(3)),
        (Fault::UnknownResult(0xff), ItemError::UnknownResult(0xff)),
        (Fault::UnknownResult(0x8000_0000), ItemError::UnknownResult(0x8000_0000)),
        (Fault::UnknownResult(u32::MAX), ItemError::UnknownResult(u32::MAX)),
    ]
    .into_iter()
    .chain(
        // Every status `mvReadConfigResponseItem` documents, and one it does not.
        statuses::READ_ITEM
            .into_iter()
            .chain([UNKNOWN_STATUS])
            .map(|status| (Fault::ReadStatus(status), ItemError::Read(status))),
    )
    .collect();
    let item_faults = thin(item_faults);
    // Every case is a different one: a fault listed twice would sweep the same place twice
    // while the count in the README grew.
    let mut cases = std::collections::HashSet::new();
    for &truncation in TRUNCATIONS {
        for index in 0..FIELDS {
            let spec = &Rich::SCHEMA[index];
            for (fault, error) in &item_faults {
                let mut cloud = other_cloud(truncation);
                cloud.fail(spec.scope, spec.store, spec.key, *fault);
                let case = format!("{} {fault:?}, {truncation:?}", spec.key);
                sweep_case(&case, &cloud, item_error::<Rich>(index, *error));
                cases.insert(case);
            }
            // An invalid value.
            let mut cloud = other_cloud(truncation);
            let (text, error) = invalid(index);
            put(&mut cloud, index, text);
            let expected = item_error::<Rich>(index, ItemError::Invalid(error));
            let case = format!("{} invalid, {truncation:?}", spec.key);
            sweep_case(&case, &cloud, expected);
            cases.insert(case);
        }
    }
    assert_eq!(cases.len(), TRUNCATIONS.len() * FIELDS * (item_faults.len() + 1));
}

#[test]
fn a_missing_key_is_an_error_only_for_required_fields() {
    for &truncation in TRUNCATIONS {
        for index in 0..FIELDS {
            let mut cloud = other_cloud(truncation);
            remove(&mut cloud, index);
            match missing_value(index) {
                None => sweep_case(
                    &format!("{} missing", Rich::SCHEMA[index].key),
                    &cloud,
                    item_error::<Rich>(index, ItemError::NotFound),
                ),
                Some(value) => {
                    let mut settings = fetched_good();
                    settings.refresh(&mut cloud.open_channel()).unwrap();
                    assert_eq!(values(&settings)[index], value);
                }
            }
        }
    }
}

/// Values of exactly `max_len` fit; one byte more, which fills the read buffer, is too long
/// whichever length the device reports; longer ones too, with the length as reported.
#[test]
fn lengths_at_and_beyond_the_buffer() {
    // At max_len: every field at once, and the fetch succeeds.
    for &truncation in TRUNCATIONS {
        let mut cloud = cloud_of(&LONGEST);
        cloud.truncation(truncation);
        let mut settings = fetched_good();
        settings.refresh(&mut cloud.open_channel()).unwrap();
        assert_eq!(values(&settings)[0], Val::Text(LONGEST[0].into()));
    }
    for &truncation in TRUNCATIONS {
        for index in 0..FIELDS {
            let max = Rich::SCHEMA[index].max_len;
            assert_eq!(LONGEST[index].len(), max, "LONGEST[{index}]");
            let buffer = max + 1;
            for len in thin(vec![buffer, buffer + 1, buffer + 100, 4096, 4097]) {
                let mut cloud = other_cloud(truncation);
                put(&mut cloud, index, long_text(len));
                let reported = match truncation {
                    Truncation::ReportWritten => buffer,
                    Truncation::ReportFullLength => len,
                };
                let error = ItemError::TooLong { len: reported as u32, max: max as u32 };
                let case = format!("{} of {len} bytes, {truncation:?}", Rich::SCHEMA[index].key);
                sweep_case(&case, &cloud, item_error::<Rich>(index, error));
            }
        }
    }
}

#[test]
fn the_channel_closing_after_each_item() {
    for &truncation in TRUNCATIONS {
        for index in 0..FIELDS {
            let mut cloud = other_cloud(truncation);
            cloud.channel_fault(ChannelFault::CloseAfterItems(index as u32));
            let error = item_error::<Rich>(index, ItemError::Read(MvStatus::CHANNELCLOSED));
            sweep_case(&format!("closed after {index} items"), &cloud, error);
        }
    }
}

/// The faults of the channel as a whole, with the error each must give.
fn channel_faults() -> Vec<(String, Cloud, FetchError)> {
    let mut cases = Vec::new();
    let n = FIELDS as u32;
    for &truncation in TRUNCATIONS {
        let mut case = |name: String, fault: Option<ChannelFault>, expected| {
            let mut cloud = other_cloud(truncation);
            if let Some(fault) = fault {
                cloud.channel_fault(fault);
            }
            cases.push((format!("{name}, {truncation:?}"), cloud, expected));
        };
        // Every status `mvSendConfigFetchRequest` documents, and one it does not.
        for status in statuses::SEND.into_iter().chain([UNKNOWN_STATUS]) {
            case(
                format!("send {status}"),
                Some(ChannelFault::SendStatus(status)),
                FetchError::Send(status),
            );
        }
        case(
            "no response".into(),
            Some(ChannelFault::NoResponse),
            FetchError::Wait(WaitError::Timeout),
        );
        case(
            "closed while waiting".into(),
            Some(ChannelFault::ClosedWhileWaiting),
            FetchError::Wait(WaitError::ChannelClosed),
        );
        // Every status `mvReadConfigFetchResponseData` documents, and one it does not.
        for status in statuses::RESPONSE_DATA.into_iter().chain([UNKNOWN_STATUS]) {
            let fault = Some(ChannelFault::ResponseStatus(status));
            case(format!("response data {status}"), fault, FetchError::Response(status));
        }
        case(
            "result RESPONSETOOLARGE".into(),
            Some(ChannelFault::ResponseResult(1)),
            FetchError::ResponseTooLarge,
        );
        for raw in [2, 0xff, u32::MAX] {
            let fault = Some(ChannelFault::ResponseResult(raw));
            case(format!("result {raw:#x}"), fault, FetchError::UnknownResponseResult(raw));
        }
        for got in [0, n - 1, n + 1, u32::MAX] {
            let fault = Some(ChannelFault::ItemCount(got));
            case(format!("{got} items"), fault, FetchError::ItemCount { expected: n, got });
        }
    }
    // The request names more keys than the device takes.
    let mut cloud = other_cloud(Truncation::ReportWritten);
    cloud.max_keys(FIELDS - 1);
    cases.push(("too many keys".into(), cloud, FetchError::Send(MvStatus::TOOMANYCONFIGKEYS)));
    // The response is one byte over the receive buffer.
    let mut cloud = other_cloud(Truncation::ReportWritten);
    cloud.receive_buffer(response_size(&OTHER) - 1);
    cases.push(("receive buffer one byte short".into(), cloud, FetchError::ResponseTooLarge));
    thin(cases)
}

/// The size of a response of `texts` in the simulator's model of the wire format.
fn response_size(texts: &[&str; FIELDS]) -> usize {
    response_bytes(FIELDS, texts.iter().map(|t| t.len()).sum())
}

#[test]
fn every_channel_fault() {
    for (case, cloud, expected) in channel_faults() {
        sweep_case(&case, &cloud, expected);
    }
    // The boundary: a receive buffer the response fills exactly is enough.
    let mut cloud = other_cloud(Truncation::ReportWritten);
    cloud.receive_buffer(response_size(&OTHER));
    let mut settings = fetched_good();
    settings.refresh(&mut cloud.open_channel()).unwrap();
    assert_eq!(values(&settings)[1], Val::Unsigned(1883));
}

#[test]
fn a_wait_that_fails_with_a_status() {
    for status in [MvStatus::INVALIDHANDLE, MvStatus::PARAMETERFAULT, UNKNOWN_STATUS] {
        let cloud = other_cloud(Truncation::ReportWritten);
        let mut channel = WaitFails(cloud.open_channel(), status);
        refresh_fails("wait status", &mut channel, FetchError::Wait(WaitError::Status(status)));
        assert!(channel.0.is_closed());
    }
}

/// Counts the items read, and looks at the read buffer it is handed first, as a channel may: a
/// `&mut [u8]` is for reading too.
struct Counting<'a> {
    inner: SimChannel<'a>,
    items_read: usize,
    /// Whether every byte of the buffer the first read was handed was zero.
    first_buffer_zeroed: Option<bool>,
}

impl<'a> Counting<'a> {
    fn new(inner: SimChannel<'a>) -> Self {
        Counting { inner, items_read: 0, first_buffer_zeroed: None }
    }
}

impl ConfigChannel for Counting<'_> {
    fn send_request(&mut self, request: microvisor_config::Request<'_>) -> Result<(), MvStatus> {
        self.inner.send_request(request)
    }
    fn wait_response(&mut self) -> Result<(), WaitError> {
        self.inner.wait_response()
    }
    fn read_response_data(&mut self) -> Result<MvConfigResponseData, MvStatus> {
        self.inner.read_response_data()
    }
    fn read_item(&mut self, index: u32, buf: &mut [u8]) -> Result<ItemRead, MvStatus> {
        self.items_read += 1;
        self.first_buffer_zeroed.get_or_insert_with(|| buf.iter().all(|&byte| byte == 0));
        self.inner.read_item(index, buf)
    }
    fn close(&mut self) {
        self.inner.close();
    }
}

/// Regression: a reporting fetch whose response failed as a whole (too large, an unknown
/// result, the wrong item count, unreadable) read every item anyway when it was dropped, and
/// reported fields `Ok` that were never fetched. No item may be read from such a response, and
/// every field stays `NotRead`.
#[test]
fn a_response_that_failed_as_a_whole_reads_no_item_even_when_reporting() {
    for (case, cloud, expected) in channel_faults() {
        let mut channel = Counting::new(cloud.open_channel());
        let report = Rich::fetch_report(&mut channel);
        assert_eq!(report.result().unwrap_err(), &expected, "{case}");
        assert_eq!(channel.items_read, 0, "{case}: items read");
        assert!(report.fields().all(|(_, o)| *o == FieldOutcome::NotRead), "{case}: {report:?}");
        assert!(channel.inner.is_closed(), "{case}");
    }
}

/// The read buffer is zeroed before a channel sees it: a channel may read what it is handed
/// (under Miri, `scripts/miri`, reading a buffer left uninitialized is an error of its own).
#[test]
fn a_channel_is_handed_a_zeroed_read_buffer() {
    let cloud = other_cloud(Truncation::ReportWritten);
    let mut channel = Counting::new(cloud.open_channel());
    Rich::fetch(&mut channel).unwrap();
    assert_eq!(channel.items_read, FIELDS);
    assert_eq!(channel.first_buffer_zeroed, Some(true));
}

/// The report names the faulty field with the same error, and still judges every other one,
/// reading each item once: the judging goes on from the item after the faulty one.
#[test]
fn the_report_names_each_item_fault() {
    for index in 0..FIELDS {
        let spec = &Rich::SCHEMA[index];
        let mut cloud = other_cloud(Truncation::ReportFullLength);
        cloud.fail(spec.scope, spec.store, spec.key, Fault::UnknownResult(7));
        let mut channel = Counting::new(cloud.open_channel());
        let report = Rich::fetch_report(&mut channel);
        assert_eq!(channel.items_read, FIELDS, "items read when {} fails", spec.key);
        let error = ItemError::UnknownResult(7);
        assert_eq!(report.result().unwrap_err(), &item_error::<Rich>(index, error));
        for (i, (_, outcome)) in report.fields().enumerate() {
            let wanted = if i == index { FieldOutcome::Failed(error) } else { FieldOutcome::Ok };
            assert_eq!(*outcome, wanted, "{} when {} fails", Rich::SCHEMA[i].key, spec.key);
        }
    }
}

/// The two-phase fetch that builds in place (`Pending::receive_into`): the same values, and
/// the same error at a secret field, whose place is then left empty.
#[test]
fn the_two_phase_fetch_in_place() {
    use core::mem::MaybeUninit;

    let mut cloud = cloud_of(&OTHER);
    cloud.deliver_manually();
    let pending = Rich::send(cloud.open_channel()).unwrap();
    cloud.deliver();
    let mut out = MaybeUninit::uninit();
    let settings = pending.receive_into(&mut out).unwrap();
    assert_eq!(values(settings)[9], Val::Text(OTHER[9].into()));
    // SAFETY: `receive_into` answered `Ok`, so `out` holds settings; dropped once, here.
    unsafe { out.assume_init_drop() };

    let mut cloud = cloud_of(&OTHER);
    cloud.deliver_manually();
    put(&mut cloud, 9, long_text(30));
    let pending = Rich::send(cloud.open_channel()).unwrap();
    cloud.deliver();
    let mut out = MaybeUninit::<Rich>::uninit();
    let error = pending.receive_into(&mut out).unwrap_err();
    assert_eq!(error, item_error::<Rich>(9, ItemError::TooLong { len: 25, max: 24 }));
}
