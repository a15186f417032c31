//! The reporting fetch: every field's outcome in one go, without allocation.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use microvisor_config::{
    FetchError, FieldOutcome, ItemError, MicrovisorConfig, MvStatus, ParseError, Scope, Store,
    WaitError,
};
use microvisor_config_sim::{ChannelFault, Fault};

#[test]
fn a_good_cloud_reports_every_field_fine() {
    let report = Mqtt::fetch_report(&mut cloud().open_channel());
    assert!(report.is_ok());
    let outcomes: Vec<_> = report.fields().map(|(spec, o)| (spec.key, *o)).collect();
    assert_eq!(
        outcomes,
        [
            ("broker-host", FieldOutcome::Ok),
            ("broker-port", FieldOutcome::Ok),
            ("client-id", FieldOutcome::Defaulted),
            ("root-CA", FieldOutcome::Ok),
            ("private_key", FieldOutcome::Ok),
            ("keepalive", FieldOutcome::Defaulted),
            ("password", FieldOutcome::Ok),
        ]
    );
    assert_eq!(report.to_string(), "config fetched: all 7 fields ok\n");
}

#[test]
fn every_bad_field_is_reported_not_just_the_first() {
    let mut cloud = cloud();
    cloud
        .insert(Scope::Device, Store::Config, "broker-port", "88x3")
        .remove(Scope::Device, Store::Config, "root-CA")
        .insert(Scope::Device, Store::Secret, "private_key", "abc")
        .fail(Scope::Device, Store::Config, "keepalive", Fault::ServerError)
        .insert(Scope::Device, Store::Secret, "password", "p".repeat(40));
    let mut channel = cloud.open_channel();
    let report = Mqtt::fetch_report(&mut channel);
    assert!(channel.is_closed());
    assert_eq!(cloud.requests_sent(), 1);
    assert!(!report.is_ok());
    // Debug shows the result and every outcome, as a log line would want them.
    let shown = format!("{report:?}");
    assert!(
        shown.starts_with("FetchReport { result: Err(Item { index: 1, key: \"broker-port\""),
        "{shown}"
    );
    assert!(
        shown.contains(
            "outcomes: [Ok, Failed(Invalid(NotDecimal { at: 2 })), Defaulted, Failed(NotFound)"
        ),
        "{shown}"
    );
    assert_eq!(
        report.result().unwrap_err(),
        &FetchError::Item {
            index: BROKER_PORT,
            key: "broker-port",
            scope: Scope::Device,
            store: Store::Config,
            error: ItemError::Invalid(ParseError::NotDecimal { at: 2 })
        }
    );
    let bad: Vec<_> = report.bad_fields().map(|(spec, o)| (spec.key, *o)).collect();
    assert_eq!(
        bad,
        [
            (
                "broker-port",
                FieldOutcome::Failed(ItemError::Invalid(ParseError::NotDecimal { at: 2 }))
            ),
            ("root-CA", FieldOutcome::Failed(ItemError::NotFound)),
            ("private_key", FieldOutcome::Failed(ItemError::Invalid(ParseError::OddLength))),
            ("keepalive", FieldOutcome::Failed(ItemError::ServerError)),
            ("password", FieldOutcome::Failed(ItemError::TooLong { len: 33, max: 32 })),
        ]
    );
    assert_eq!(
        report.to_string(),
        "config fetch failed: 5 of 7 fields bad\n\
         \x20 broker-port (device config): invalid value: not a decimal integer (unexpected byte at 2)\n\
         \x20 root-CA (device config): not found in its store (upload it there, or make the field optional)\n\
         \x20 private_key (device secret): invalid value: hex text of odd length (a digit missing, or a stray last character)\n\
         \x20 keepalive (device config): the server failed to read it\n\
         \x20 password (device secret): value too long (33 bytes or more, max_len is 32)\n"
    );
}

#[test]
fn a_whole_response_failure_is_one_line() {
    let mut cloud = cloud();
    cloud.channel_fault(ChannelFault::NoResponse);
    let report = Mqtt::fetch_report(&mut cloud.open_channel());
    assert_eq!(report.result().unwrap_err(), &FetchError::Wait(WaitError::Timeout));
    assert!(report.fields().all(|(_, o)| *o == FieldOutcome::NotRead));
    assert_eq!(
        report.to_string(),
        "config fetch failed: no config fetch response: timed out waiting for the response\n"
    );
}

#[test]
fn a_channel_closed_mid_read_marks_the_rest() {
    let mut cloud = cloud();
    cloud.channel_fault(ChannelFault::CloseAfterItems(5));
    let report = Mqtt::fetch_report(&mut cloud.open_channel());
    let outcomes: Vec<_> = report.fields().map(|(_, o)| *o).collect();
    assert!(outcomes[..5].iter().all(FieldOutcome::is_ok));
    assert_eq!(outcomes[5], FieldOutcome::Failed(ItemError::Read(MvStatus::CHANNELCLOSED)));
    assert_eq!(outcomes[6], FieldOutcome::Failed(ItemError::Read(MvStatus::CHANNELCLOSED)));
}

#[test]
fn the_reporting_fetch_returns_the_same_settings() {
    let settings = Mqtt::fetch_report(&mut cloud().open_channel()).into_result().unwrap();
    assert_eq!(settings.broker_port, 8883);
    assert_eq!(settings.password.expose_secret().as_str(), PASSWORD);
}

/// The sink a reporting fetch records into shows its outcomes (never a value: it holds none).
#[test]
fn a_report_sink_shows_its_outcomes() {
    let mut outcomes = [FieldOutcome::NotRead; 2];
    outcomes[1] = FieldOutcome::Failed(ItemError::NotFound);
    let sink = microvisor_config::__private::ReportSink::of::<Small>(&mut outcomes);
    assert_eq!(format!("{sink:?}"), "ReportSink { outcomes: [NotRead, Failed(NotFound)], .. }");
}

/// The read loop's reader, which a report's `finish` hook is handed, shows how much of the
/// read buffer it wipes (never the buffer itself).
#[test]
fn the_reader_shows_its_secret_extent_and_nothing_read() {
    use microvisor_config::__private::{Reader, ReportSink};
    use microvisor_config::ConfigChannel;
    use std::cell::RefCell;
    thread_local!(static SEEN: RefCell<String> = const { RefCell::new(String::new()) });
    fn finish(
        reader: &mut Reader<'_>,
        report: &mut ReportSink<'_>,
        rows: &'static [microvisor_config::__private::FieldRow],
        from: usize,
    ) {
        SEEN.with(|seen| *seen.borrow_mut() = format!("{reader:?}"));
        reader.finish_report(report, rows, from);
    }
    let mut cloud = cloud();
    cloud.insert(Scope::Device, Store::Config, "broker-port", "88x3");
    let mut channel = cloud.open_channel();
    channel.send_request(microvisor_config::Request::of::<Mqtt>()).unwrap();
    channel.wait_response().unwrap();
    let mut outcomes = [FieldOutcome::NotRead; 7];
    let mut sink = ReportSink { finish, ..ReportSink::of::<Mqtt>(&mut outcomes) };
    let mut out = core::mem::MaybeUninit::<Mqtt>::uninit();
    let mut scratch = [0u8; Mqtt::SCRATCH_BYTES];
    assert!(receive_with_scratch(&mut channel, Some(&mut sink), &mut out, &mut scratch).is_err());
    let secret_extent =
        Mqtt::SCHEMA.iter().filter(|s| s.store == Store::Secret).map(|s| s.max_len + 1).max();
    let seen = SEEN.with(|seen| seen.borrow().clone());
    assert_eq!(seen, format!("Reader {{ secret_extent: {}, .. }}", secret_extent.unwrap()));
}
