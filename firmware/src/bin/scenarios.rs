//! The on-target tests: every scenario of issue 5 through the runtime's real `DeviceChannel`,
//! against the fake Microvisor, with the notification delivered by a real interrupt. Prints one
//! line per scenario and a closing `N passed, N failed`; exits non-zero if any failed.
//!
//! Built with the crate's panic handler, which names an undefined symbol (see `src/lib.rs`), so
//! that this firmware links only if no panic path survives optimisation anywhere in it: the
//! runtime's fetch, the derive's code, the fake and these tests.
#![no_std]
#![no_main]

use core::future::Future;
use core::mem::MaybeUninit;
use core::pin::pin;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use cortex_m_rt::entry;
use microvisor_config::device::DeviceChannel;
use microvisor_config::{
    FetchError, ItemError, MicrovisorConfig, MvStatus, ParseError, Scope, Store, WaitError,
};
use microvisor_config_firmware::cbaseline::{self, CfError};
use microvisor_config_firmware::cloud::{ACCOUNT, CONFIG, DEVICE, SECRET};
use microvisor_config_firmware::fake::{self, Delivery, Script, Stats};
use microvisor_config_firmware::mqtt::{self, CMqtt, Mqtt, MqttTextAsBytes};
use microvisor_config_firmware::synthetic64::{
    self, CSynthetic64, Synthetic64, Synthetic64TextAsBytes,
};
use microvisor_config_firmware::{cloud, cloud_key, measure, open_channel, out, Global, NETWORK};

/// The device example's application: examples/device/src/app.rs, the very module its two
/// binaries run on the STM32U585, built here against the fake Microvisor.
#[path = "../../../examples/device/src/app.rs"]
#[allow(dead_code)] // the binaries' blocking loop (`App::run`, `sleep_until`): not run here
mod app;

static PASSED: AtomicU32 = AtomicU32::new(0);
static FAILED: AtomicU32 = AtomicU32::new(0);

/// Where the Rust tests keep settings (too big for comfort on the stack, and `refresh` needs a
/// live value).
static LIVE: Global<Mqtt> = Global::new(Mqtt::empty());
static C_LIVE: Global<CMqtt> = Global::new(CMqtt::empty());
static SYN_LIVE: Global<Option<Synthetic64>> = Global::new(None);
static C_SYN_LIVE: Global<CSynthetic64> = Global::new(CSynthetic64::empty());

fn report(name: &str, ok: bool) {
    out::str(if ok { "ok     " } else { "FAILED " });
    out::str(name);
    out::str("\n");
    let counter = if ok { &PASSED } else { &FAILED };
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Prints a fetch error without `core::fmt` (its panic paths must stay out of the link).
fn describe(error: &FetchError) {
    out::str("    got ");
    match error {
        FetchError::Send(status) => status_text("Send", *status),
        FetchError::Wait(WaitError::Timeout) => out::str("Wait(Timeout)"),
        FetchError::Wait(WaitError::ChannelClosed) => out::str("Wait(ChannelClosed)"),
        FetchError::Wait(WaitError::Status(status)) => status_text("Wait(Status)", *status),
        FetchError::Response(status) => status_text("Response", *status),
        FetchError::ResponseTooLarge => out::str("ResponseTooLarge"),
        FetchError::UnknownResponseResult(value) => {
            out::str("UnknownResponseResult ");
            out::num(u64::from(*value));
        }
        FetchError::ItemCount { expected, got } => {
            out::str("ItemCount expected ");
            out::num(u64::from(*expected));
            out::str(" got ");
            out::num(u64::from(*got));
        }
        FetchError::Item { index, key, error, .. } => {
            out::str("Item ");
            out::num(u64::from(*index));
            out::str(" `");
            out::str(key);
            out::str("` ");
            out::str(match error {
                ItemError::NotFound => "NotFound",
                ItemError::ServerError => "ServerError",
                ItemError::UnknownResult(_) => "UnknownResult",
                ItemError::Read(_) => "Read",
                ItemError::TooLong { .. } => "TooLong",
                ItemError::Invalid(_) => "Invalid",
                _ => "(other)",
            });
        }
        _ => out::str("(other error)"),
    }
    out::str("\n");
}

fn status_text(what: &str, status: MvStatus) {
    out::str(what);
    out::str(" ");
    out::str(status.name().unwrap_or("unknown"));
}

/// Whether the fake saw a tidy fetch: every channel closed again, `opens` channels opened.
fn tidy(opens: u32) -> bool {
    let stats = fake::stats();
    let ok = stats.open_channels == 0 && stats.opens == opens && stats.closes == opens;
    if !ok {
        out::str("    channels left open or not opened as expected\n");
    }
    ok
}

/// Runs `fetch` on a new channel, which it drops; a channel that does not open is
/// `Send(status)`, as the fetch would report a request refused.
fn on_new_channel<T>(
    fetch: impl FnOnce(DeviceChannel<'static>) -> Result<T, FetchError>,
) -> Result<T, FetchError> {
    // SAFETY: no other channel on the buffers is open (each scenario drops its channel).
    match unsafe { open_channel() } {
        Ok(channel) => fetch(channel),
        Err(status) => Err(FetchError::Send(status)),
    }
}

/// Runs `check` on a new channel, which it drops; a channel that does not open is `false`.
fn with_new_channel(check: impl FnOnce(DeviceChannel<'static>) -> bool) -> bool {
    // SAFETY: no other channel on the buffers is open (each scenario drops its channel).
    match unsafe { open_channel() } {
        Ok(channel) => check(channel),
        Err(_) => false,
    }
}

/// Refreshes the MQTT settings in `LIVE` on a new channel, under `script`.
fn fetch_mqtt(script: Script, timeout_us: Option<u64>) -> Result<(), FetchError> {
    fake::set_script(script);
    on_new_channel(|channel| {
        let mut channel = match timeout_us {
            Some(timeout) => channel.with_timeout_us(timeout),
            None => channel,
        };
        // SAFETY: thread mode; no other reference to LIVE is live.
        unsafe { LIVE.get() }.refresh(&mut channel)
    })
}

/// Runs a scenario expecting `expected` from an MQTT fetch.
fn expect_error(name: &str, script: Script, timeout_us: Option<u64>, expected: FetchError) {
    let result = fetch_mqtt(script, timeout_us);
    let ok = result == Err(expected);
    if let Err(error) = &result {
        if !ok {
            describe(error);
        }
    } else if !ok {
        out::str("    got Ok\n");
    }
    report(name, ok && tidy(1));
}

fn reset_mqtt(client_id: bool) -> bool {
    fake::reset(Script::normal());
    mqtt::load_cloud(client_id)
}

fn mqtt_ok() {
    let loaded = reset_mqtt(true);
    let result = fetch_mqtt(Script::normal(), None);
    if let Err(error) = &result {
        describe(error);
    }
    // SAFETY: thread mode; no other reference to LIVE is live.
    let values = result.is_ok() && mqtt::check(unsafe { LIVE.get() });
    let stats = fake::stats();
    let protocol = stats
        == Stats {
            open_channels: 0,
            opens: 1,
            closes: 1,
            sends: 1,
            item_reads: 8,
            out_of_order: false,
            notifications: 1,
            polls: stats.polls,
        };
    if !protocol {
        out::str("    the fake saw another exchange than one request and 8 reads in order\n");
    }
    report("mqtt: the demo schema is fetched, every value checked", loaded && values && protocol);
}

/// Refreshes `live` on a new channel, then checks its values with `check`: whether both went
/// right. How the benchmark's text-as-bytes variants of the schemas are checked.
fn refreshed_and_checked<T: MicrovisorConfig>(
    live: &'static Global<T>,
    check: fn(&T) -> bool,
) -> bool {
    // SAFETY: thread mode; `live` is the calling scenario's own.
    let result = on_new_channel(|mut channel| unsafe { live.get() }.refresh(&mut channel));
    if let Err(error) = &result {
        describe(error);
    }
    // SAFETY: as above.
    result.is_ok() && check(unsafe { live.get() })
}

/// The benchmark's variant of the schema, text fields as bytes, fetches what the other does.
fn mqtt_text_as_bytes() {
    static LIVE: Global<MqttTextAsBytes> = Global::new(MqttTextAsBytes::empty());
    let loaded = reset_mqtt(true);
    let values = refreshed_and_checked(&LIVE, mqtt::check_text_as_bytes);
    report(
        "mqtt, text as bytes (bench/run's variant): fetched, every value checked",
        loaded && values && tidy(1),
    );
}

fn mqtt_without_client_id() {
    let loaded = reset_mqtt(false);
    let result = fetch_mqtt(Script::normal(), None);
    // SAFETY: thread mode; no other reference to LIVE is live.
    let values = result.is_ok() && mqtt::check(unsafe { LIVE.get() });
    // SAFETY: as above.
    let none = unsafe { LIVE.get() }.client_id.is_none();
    report("mqtt: the optional client-id may be missing", loaded && values && none && tidy(1));
}

fn mqtt_refresh_is_atomic() {
    reset_mqtt(true);
    let first = fetch_mqtt(Script::normal(), None).is_ok();
    // Other values under every key, and the server fails the last: a refresh that wrote any
    // field in place before failing would leave one of them in the live settings.
    fake::reset(Script::normal());
    let other = mqtt::load_other_cloud();
    let script = Script { server_error_key: b"password", ..Script::normal() };
    let second = matches!(
        fetch_mqtt(script, None),
        Err(FetchError::Item {
            index: 7,
            key: "password",
            scope: Scope::Device,
            store: Store::Secret,
            error: ItemError::ServerError,
        })
    ) && tidy(1);
    // The first cloud again, to compare the live settings with.
    let reloaded = reset_mqtt(true);
    // SAFETY: thread mode; no other reference to LIVE is live.
    let kept = mqtt::check(unsafe { LIVE.get() });
    report(
        "mqtt: a failed refresh leaves the live settings untouched",
        first && other && second && reloaded && kept,
    );
}

fn mqtt_key_not_found() {
    fake::reset(Script::normal());
    // Everything but `cert`.
    let mut ok =
        fake::insert(DEVICE, CONFIG, cloud_key!(b"broker-host"), b"mqtt.broker.example.com");
    ok &= fake::insert(DEVICE, CONFIG, cloud_key!(b"broker-port"), b"8883");
    ok &= fake::insert(DEVICE, CONFIG, cloud_key!(b"root-CA"), b"3082");
    ok &= fake::insert(DEVICE, SECRET, cloud_key!(b"private_key"), b"abcd");
    ok &= fake::insert(DEVICE, CONFIG, cloud_key!(b"username"), b"u");
    ok &= fake::insert(DEVICE, SECRET, cloud_key!(b"password"), b"p");
    let expected = FetchError::Item {
        index: 4,
        key: "cert",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::NotFound,
    };
    expect_error("error: a required key that is not found", Script::normal(), None, expected);
    if !ok {
        report("error: cloud set up for the key-not-found scenario", false);
    }
}

fn mqtt_server_error() {
    reset_mqtt(true);
    let script = Script { server_error_key: b"username", ..Script::normal() };
    let expected = FetchError::Item {
        index: 6,
        key: "username",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::ServerError,
    };
    expect_error("error: an item the server failed to read", script, None, expected);
}

fn mqtt_too_long() {
    // A host of 129 bytes, one more than the field holds: the device cuts it to the 129 bytes
    // offered, and the runtime must see that the extra byte was reached.
    load_mqtt_with(&[b'h'; 129], b"8883", b"3082");
    let expected = FetchError::Item {
        index: 0,
        key: "broker-host",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::TooLong { len: 129, max: 128 },
    };
    expect_error("error: a value longer than its field", Script::normal(), None, expected);

    // Exactly 128 bytes fits.
    load_mqtt_with(&[b'h'; 128], b"8883", b"3082");
    let fits = fetch_mqtt(Script::normal(), None).is_ok()
        // SAFETY: thread mode; no other reference to LIVE is live.
        && unsafe { LIVE.get() }.broker_host.len() == 128;
    report("mqtt: a value of exactly max_len bytes fits", fits && tidy(1));
}

/// The MQTT cloud's keys after `broker-port`, with `root_ca` as the root CA's text.
fn mqtt_keys_after_port(root_ca: &[u8]) {
    fake::insert(DEVICE, CONFIG, cloud_key!(b"client-id"), b"dev-1");
    fake::insert(DEVICE, CONFIG, cloud_key!(b"root-CA"), root_ca);
    fake::insert(DEVICE, CONFIG, cloud_key!(b"cert"), b"3082ffff");
    fake::insert(DEVICE, SECRET, cloud_key!(b"private_key"), b"abcd");
    fake::insert(DEVICE, CONFIG, cloud_key!(b"username"), b"u");
    fake::insert(DEVICE, SECRET, cloud_key!(b"password"), b"p");
}

/// The demo's broker host.
const HOST: &[u8] = b"mqtt.broker.example.com";

/// A fresh MQTT cloud whose host, port and root CA have the texts given.
fn load_mqtt_with(host: &[u8], port: &[u8], root_ca: &[u8]) {
    fake::reset(Script::normal());
    fake::insert(DEVICE, CONFIG, cloud_key!(b"broker-host"), host);
    fake::insert(DEVICE, CONFIG, cloud_key!(b"broker-port"), port);
    mqtt_keys_after_port(root_ca);
}

fn mqtt_invalid_values() {
    load_mqtt_with(HOST, b"70000", b"3082");
    let expected = FetchError::Item {
        index: 1,
        key: "broker-port",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::Invalid(ParseError::OutOfRange),
    };
    expect_error("error: a port out of the u16 range", Script::normal(), None, expected);

    load_mqtt_with(HOST, b"88x3", b"3082");
    let expected = FetchError::Item {
        index: 1,
        key: "broker-port",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::Invalid(ParseError::NotDecimal { at: 2 }),
    };
    expect_error("error: a port that is not decimal", Script::normal(), None, expected);
}

fn mqtt_not_hex() {
    load_mqtt_with(HOST, b"8883", b"30g2");
    let expected = FetchError::Item {
        index: 3,
        key: "root-CA",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::Invalid(ParseError::NotHex { at: 2 }),
    };
    expect_error("error: hex with a non-hex digit", Script::normal(), None, expected);
}

fn mqtt_item_count() {
    reset_mqtt(true);
    let script = Script { drop_last_item: true, ..Script::normal() };
    let expected = FetchError::ItemCount { expected: 8, got: 7 };
    expect_error("error: a response with the wrong item count", script, None, expected);
}

fn mqtt_response_too_large() {
    reset_mqtt(true);
    fake::set_script(Script::normal());
    // A receive buffer of 4 KiB cannot hold the ~6 KB of this response.
    static SMALL: Global<microvisor_config::device::ChannelBuffers<512, 4096>> =
        Global::new(microvisor_config::device::ChannelBuffers::new());
    // SAFETY: thread mode; SMALL is used by this scenario only.
    let buffers = unsafe { SMALL.get() };
    let result = microvisor_config::device::DeviceChannel::open(
        NETWORK.load(Ordering::Relaxed),
        microvisor_config_firmware::NOTIFICATIONS.center(),
        microvisor_config_firmware::RUST_TAG,
        buffers,
    )
    .map_err(FetchError::Send)
    // SAFETY: thread mode; no other reference to LIVE is live.
    .and_then(|mut channel| unsafe { LIVE.get() }.refresh(&mut channel));
    let ok = result == Err(FetchError::ResponseTooLarge);
    if let (Err(error), false) = (&result, ok) {
        describe(error);
    }
    report("error: a response too large for the receive buffer", ok && tidy(1));
}

fn mqtt_channel_closed() {
    reset_mqtt(true);
    let script = Script { delivery: Delivery::CloseAfterPolls(3), ..Script::normal() };
    let expected = FetchError::Wait(WaitError::ChannelClosed);
    expect_error("error: the server closes the channel while we wait", script, None, expected);

    reset_mqtt(true);
    let script = Script { delivery: Delivery::ReadableThenClosed(1), ..Script::normal() };
    let expected = FetchError::Response(MvStatus::CHANNELCLOSED);
    expect_error("error: the channel is closed when the response is read", script, None, expected);
}

fn mqtt_timeout() {
    reset_mqtt(true);
    let script = Script { delivery: Delivery::Never, ..Script::normal() };
    // 50 ms at 1 ms a poll: the wait gives up at the first poll 50 ms after its start, the
    // 51st (the fake's clock is exact, so a wait that went on to 51 ms would poll 52 times).
    let result = fetch_mqtt(script, Some(50_000));
    let polls = fake::stats().polls;
    let ok = result == Err(FetchError::Wait(WaitError::Timeout)) && polls == 51;
    if let (Err(error), false) = (&result, ok) {
        describe(error);
    }
    report("error: no response within the timeout", ok && tidy(1));
}

fn mqtt_request_already_sent() {
    reset_mqtt(true);
    fake::set_script(Script::normal());
    // SAFETY: no other channel on the buffers is open.
    let Ok(mut channel) = (unsafe { open_channel() }) else {
        report("error: a second fetch on one channel (open)", false);
        return;
    };
    let first = Mqtt::fetch(&mut channel).is_ok();
    let second = Mqtt::fetch(&mut channel);
    drop(channel);
    let ok =
        first && second.as_ref().err() == Some(&FetchError::Send(MvStatus::REQUESTALREADYSENT));
    if let (Err(error), false) = (&second, ok) {
        describe(error);
    }
    report("error: a second fetch on one channel is REQUESTALREADYSENT", ok && tidy(1));
}

/// A channel whose response has arrived stays answered: a second wait returns at once, and the
/// response is still there to read. The wait reads its tag's events rather than taking them (a
/// channel opens with its tag's events cleared), so it cannot time out on a response it has
/// already seen.
fn wait_twice() {
    use microvisor_config::{ConfigChannel, Request};
    let name = "wait: a second wait on an answered channel returns at once";
    reset_mqtt(true);
    fake::set_script(Script::normal());
    // SAFETY: no other channel on the buffers is open.
    let Ok(channel) = (unsafe { open_channel() }) else {
        report(name, false);
        return;
    };
    // 50 ms at 1 ms a poll: a wait that missed the response would poll 50 times.
    let mut channel = channel.with_timeout_us(50_000);
    let sent = channel.send_request(Request::of::<Mqtt>()).is_ok();
    let first = channel.wait_response();
    let polls = fake::stats().polls;
    let second = channel.wait_response();
    let polls_again = fake::stats().polls - polls;
    let mut out = MaybeUninit::<Mqtt>::uninit();
    let received = Mqtt::receive_into(&mut channel, None, &mut out);
    // SAFETY: `Ok` means every field was written.
    let values = received.is_ok() && mqtt::check(unsafe { out.assume_init_ref() });
    if let Err(error) = &received {
        describe(error);
    }
    drop(channel);
    let ok = sent && first == Ok(()) && second == Ok(()) && polls_again <= 1 && values;
    report(name, ok && tidy(1));
}

/// The fake itself refuses a second request on one channel (the C baseline relies on it).
fn fake_request_already_sent() {
    use microvisor_config::ffi::{sys, MvConfigKeyFetchParams};
    reset_mqtt(true);
    // SAFETY: no other channel on the buffers is open.
    let Ok(mut channel) = (unsafe { open_channel() }) else {
        report("fake: a second request on one channel (open)", false);
        return;
    };
    let params = MvConfigKeyFetchParams {
        num_items: Mqtt::KEYS.len() as u32,
        keys_to_fetch: Mqtt::KEYS.as_ptr(),
    };
    // SAFETY: `params` points at the derive's static request table.
    let first = unsafe { sys::mvSendConfigFetchRequest(channel.handle(), &params) };
    // SAFETY: as above.
    let second = unsafe { sys::mvSendConfigFetchRequest(channel.handle(), &params) };
    microvisor_config::ConfigChannel::close(&mut channel);
    let ok = first == MvStatus::OKAY && second == MvStatus::REQUESTALREADYSENT;
    report("fake: Microvisor answers a second request with REQUESTALREADYSENT", ok && tidy(1));
}

fn secret_wiped() {
    reset_mqtt(true);
    // The first 32 hex digits of the private key: its text lives only in the read buffer.
    let text = fake::value_of(b"private_key");
    let needle = text.get(..32).unwrap_or(b"");
    // Two refreshes, each moving its settings out of its staging copy on the stack (over the
    // empty settings, then over the first's) and zeroing the copy.
    let fetched =
        fetch_mqtt(Script::normal(), None).is_ok() && fetch_mqtt(Script::normal(), None).is_ok();
    // SAFETY: thread mode; no other reference to LIVE is live.
    let live = unsafe { LIVE.get() };
    let key = live.private_key.expose_secret().get(..16).unwrap_or(&[]);
    let wiped = !needle.is_empty()
        && !measure::stack_holds(needle)
        && key.len() == 16
        && !measure::stack_holds(key);
    // Nor is a field that is not secret: the staging copy is zeroed whole.
    let root_ca = live.root_ca.get(..16).unwrap_or(&[]);
    let staging_zeroed = root_ca.len() == 16 && !measure::stack_holds(root_ca);
    // The control: the search does see what a dead frame left, as deep as the refreshes'
    // staging copies and read buffers reached.
    let marker = *b"stack-search-ok!";
    leave_on_stack(&marker);
    let seen = measure::stack_holds(&marker);
    if !seen {
        out::str("    control: the marker left in a dead frame was not found on the stack\n");
    }
    report(
        "mqtt: no text of a secret, nor the staging copy, is left on the stack",
        fetched && wiped && staging_zeroed && seen,
    );
}

/// Leaves `marker` in a dead frame below the caller's, at its deep end: past where a refresh of
/// `Mqtt` puts its staging copy and read buffer, so that finding it shows `stack_holds`
/// searches as deep as those went (the search's window is `measure::WINDOW`).
#[inline(never)]
fn leave_on_stack(marker: &[u8; 16]) {
    const DEPTH: usize = (size_of::<Mqtt>() + Mqtt::SCRATCH_BYTES + 1024).div_ceil(16);
    const _: () = assert!(DEPTH * 16 + 1024 < measure::WINDOW);
    let mut frame = [[0u8; 16]; DEPTH];
    // The lowest address of the frame: the deepest.
    frame[0] = *marker;
    core::hint::black_box(&mut frame);
}

/// Counts the wakes of the one task [`run_task`] runs: its waker's only effect.
static WAKES: AtomicU32 = AtomicU32::new(0);

/// The waker of that task: waking it counts a wake.
fn counting_waker() -> Waker {
    const VTABLE: RawWakerVTable = RawWakerVTable::new(
        |_| RawWaker::new(core::ptr::null(), &VTABLE),
        |_| {
            WAKES.fetch_add(1, Ordering::Relaxed);
        },
        |_| {
            WAKES.fetch_add(1, Ordering::Relaxed);
        },
        |_| {},
    );
    // SAFETY: the vtable's functions ignore the data pointer, and all are thread-safe.
    unsafe { Waker::from_raw(RawWaker::new(core::ptr::null(), &VTABLE)) }
}

/// What became of a task [`run_task`] ran.
struct TaskRun<T> {
    /// Its output, or `None` if it was never woken again while pending (or was cancelled).
    output: Option<T>,
    /// How often it was polled.
    polls: u32,
}

/// Runs `future` as an executor does: polled once, then again only after its waker was woken.
/// While it sleeps, time passes: the fake Microvisor's clock is read, which is what makes its
/// scripted cloud answer (then its interrupt is taken, and the handler wakes the task). After
/// `max_polls` polls the future is dropped unfinished: the cancellation an executor's timeout
/// does.
fn run_task<F: Future>(future: F, max_polls: u32) -> TaskRun<F::Output> {
    let waker = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let mut polls = 0;
    loop {
        let wakes = WAKES.load(Ordering::Relaxed);
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return TaskRun { output: Some(output), polls };
        }
        if polls == max_polls {
            break;
        }
        // Asleep until woken, for at most 100 ms of the fake clock.
        let mut slept = 0;
        while WAKES.load(Ordering::Relaxed) == wakes {
            if slept == 100 {
                out::str("    the pending task was never woken\n");
                return TaskRun { output: None, polls };
            }
            let mut now = 0;
            // SAFETY: `now` is valid for the call.
            let _ = unsafe { microvisor_config::ffi::sys::mvGetMicroseconds(&mut now) };
            slept += 1;
        }
    }
    TaskRun { output: None, polls }
}

/// The `async` fetch through the device channel: the first poll sends the request and finds no
/// response; the notification interrupt wakes the task, and the second poll reads it all.
fn async_fetch() {
    reset_mqtt(true);
    fake::set_script(Script { delivery: Delivery::AfterPolls(3), ..Script::normal() });
    let wakes = WAKES.load(Ordering::Relaxed);
    // A task still pending after its polls is `None`, not an error the fetch never returned.
    let run = on_new_channel(|mut channel| {
        let run = run_task(Mqtt::fetch_async(&mut channel), 4);
        let checked = run.output.map(|result| result.map(|settings| mqtt::check(&settings)));
        Ok((checked, run.polls))
    });
    if let Ok((Some(Err(error)), _)) = &run {
        describe(error);
    }
    let woken = WAKES.load(Ordering::Relaxed) - wakes;
    let stats = fake::stats();
    let ok =
        run == Ok((Some(Ok(true)), 2)) && woken == 1 && stats.sends == 1 && stats.item_reads == 8;
    report("async: the demo schema is fetched, the task woken by the interrupt", ok && tidy(1));
}

/// The server closing the channel while the task sleeps wakes it, with the error.
fn async_channel_closed() {
    reset_mqtt(true);
    fake::set_script(Script { delivery: Delivery::CloseAfterPolls(2), ..Script::normal() });
    let run = on_new_channel(|mut channel| {
        let run = run_task(Mqtt::fetch_async(&mut channel), 4);
        Ok((run.output.map(|result| result.err()), run.polls))
    });
    let ok = run == Ok((Some(Some(FetchError::Wait(WaitError::ChannelClosed))), 2));
    report("async: the server closing the channel wakes the task with the error", ok && tidy(1));
}

/// Dropping the future while it waits closes the channel: no request is left to a later
/// fetch, which works.
fn async_cancelled() {
    reset_mqtt(true);
    fake::set_script(Script { delivery: Delivery::Never, ..Script::normal() });
    let run = on_new_channel(|mut channel| {
        let run = run_task(Mqtt::fetch_async(&mut channel), 1);
        // The channel is closed already, before its own drop.
        let closed = channel.handle() == 0;
        Ok((run.output.is_none(), run.polls, closed))
    });
    let cancelled = run == Ok((true, 1, true)) && tidy(1);
    let again = fetch_mqtt(Script::normal(), None).is_ok() && tidy(2);
    report("async: a cancelled fetch closes its channel; the next one works", cancelled && again);
}

fn c_mqtt() {
    reset_mqtt(true);
    let mut err = CfError::default();
    // SAFETY: thread mode; C_LIVE and `err` are valid for the call.
    let rc =
        unsafe { mqtt::mqtt_config_fetch(NETWORK.load(Ordering::Relaxed), C_LIVE.get(), &mut err) };
    // SAFETY: as above.
    let values = rc == 0 && mqtt::check_c(unsafe { C_LIVE.get() });
    report("c baseline: the demo schema is fetched, every value checked", values && tidy(1));

    load_mqtt_with(&[b'h'; 129], b"8883", b"3082");
    // SAFETY: as above.
    let rc =
        unsafe { mqtt::mqtt_config_fetch(NETWORK.load(Ordering::Relaxed), C_LIVE.get(), &mut err) };
    // CF_E_TOO_LONG of item 0, with the length the device wrote.
    let too_long = rc == 14 && err == CfError { code: 14, index: 0, status: 129 };
    report("c baseline: a value longer than its field is refused", too_long && tidy(1));
}

fn synthetic() {
    fake::reset(Script::normal());
    let loaded = synthetic64::load_cloud();
    let result = on_new_channel(|mut channel| Synthetic64::fetch(&mut channel));
    if let Err(error) = &result {
        describe(error);
    }
    let ok = match result {
        Ok(settings) => {
            let ok = synthetic64::check(&settings);
            // SAFETY: thread mode; no other reference to SYN_LIVE is live.
            *unsafe { SYN_LIVE.get() } = Some(settings);
            ok
        }
        Err(_) => false,
    };
    report("synthetic64: 64 keys fetched, every value checked", loaded && ok && tidy(1));

    // The benchmark's variant of the schema, text fields as bytes, fetches what the other does.
    static BYTES_LIVE: Global<Synthetic64TextAsBytes> =
        Global::new(Synthetic64TextAsBytes::empty());
    fake::reset(Script::normal());
    let loaded = synthetic64::load_cloud();
    let values = refreshed_and_checked(&BYTES_LIVE, synthetic64::check_text_as_bytes);
    report(
        "synthetic64, text as bytes (bench/run's variant): fetched, every value checked",
        loaded && values && tidy(1),
    );

    fake::reset(Script::normal());
    synthetic64::load_cloud();
    let mut err = CfError::default();
    // SAFETY: thread mode; C_SYN_LIVE and `err` are valid for the call.
    let rc = unsafe {
        synthetic64::synthetic64_config_fetch(
            NETWORK.load(Ordering::Relaxed),
            C_SYN_LIVE.get(),
            &mut err,
        )
    };
    // SAFETY: as above.
    let values = rc == 0 && synthetic64::check_c(unsafe { C_SYN_LIVE.get() });
    if rc != 0 {
        out::str("    c error ");
        out::num(u64::from(err.code));
        out::str(" at ");
        out::num(u64::from(err.index));
        out::str("\n");
    }
    report("c baseline: synthetic64 fetched, every value checked", values && tidy(1));
}

/// A tag no channel of the center can have (above 31) is nobody's: its events are ignored, and
/// clearing or taking its events leaves tag 31's alone. Fed through
/// `NotificationCenter::record`, as firmware with its own notification buffer does.
fn foreign_tags_ignored() {
    use microvisor_config::ffi::{MvEventType, MvNotification};
    let center = microvisor_config_firmware::NOTIFICATIONS.center();
    let event = |event_type, tag| MvNotification { microseconds: 0, event_type, tag };
    center.clear(31);
    center.record(&event(MvEventType::CHANNELDATAREADABLE, 40));
    center.record(&event(MvEventType::CHANNELNOTCONNECTED, 32));
    let ignored = !center.take_readable(31) && !center.not_connected(31);
    center.record(&event(MvEventType::CHANNELDATAREADABLE, 31));
    center.record(&event(MvEventType::CHANNELNOTCONNECTED, 31));
    // Asked of a foreign tag, the center answers nothing and clears nothing of tag 31's.
    let foreign_empty = !center.take_readable(40) && !center.not_connected(40);
    center.clear(40);
    let own = center.not_connected(31) && center.take_readable(31) && !center.take_readable(31);
    center.clear(31);
    // Each event is its own: a readable tag is not a closed one.
    center.record(&event(MvEventType::CHANNELDATAREADABLE, 31));
    let own = own && !center.not_connected(31);
    center.clear(31);
    report("notifications: a tag above 31 is nobody's", ignored && foreign_empty && own);
}

/// Two records in the buffer when the interrupt is taken, another channel's first: the handler
/// reads every record there, so the response's is not left for an interrupt that never comes.
fn two_records_one_interrupt() {
    let loaded = reset_mqtt(true);
    let script = Script { foreign_record_first: true, ..Script::normal() };
    let result = fetch_mqtt(script, Some(50_000));
    if let Err(error) = &result {
        describe(error);
    }
    let center = microvisor_config_firmware::NOTIFICATIONS.center();
    // The foreign record was recorded for its own tag (and is cleared for the next scenario).
    let foreign = center.take_readable(fake::FOREIGN_TAG);
    center.clear(fake::FOREIGN_TAG);
    // SAFETY: thread mode; no other reference to LIVE is live.
    let values = result.is_ok() && mqtt::check(unsafe { LIVE.get() });
    report(
        "notifications: two records at one interrupt, the response second",
        loaded && values && foreign && fake::stats().notifications == 2 && tidy(1),
    );
}

/// A tag above 31 is refused by `DeviceChannel::open` itself, before Microvisor is asked.
fn open_refuses_a_foreign_tag() {
    reset_mqtt(true);
    let center = microvisor_config_firmware::NOTIFICATIONS.center();
    // SAFETY: thread mode; no other channel on the buffers is open.
    let buffers = unsafe { microvisor_config_firmware::BUFFERS.get() };
    let refused = DeviceChannel::open(NETWORK.load(Ordering::Relaxed), center, 32, buffers).err()
        == Some(MvStatus::INVALIDHANDLE);
    report("channel: a tag above 31 is refused unasked", refused && fake::stats().opens == 0);
}

/// A request Microvisor did not take (here one its send buffer cannot hold) leaves the channel
/// unsent: there is nothing to wait for, and another request may still go.
fn an_unsent_request_may_be_sent_again() {
    use microvisor_config::device::ChannelBuffers;
    use microvisor_config::{ConfigChannel, Request};
    /// A send buffer of 512 bytes, too small for the 64 keys of synthetic64's request.
    static SMALL_SEND: Global<ChannelBuffers<512, 7168>> = Global::new(ChannelBuffers::new());
    let name = "channel: a request Microvisor refused may be sent again";
    reset_mqtt(true);
    let center = microvisor_config_firmware::NOTIFICATIONS.center();
    // SAFETY: thread mode; SMALL_SEND is this scenario's alone.
    let buffers = unsafe { SMALL_SEND.get() };
    let Ok(channel) = DeviceChannel::open(NETWORK.load(Ordering::Relaxed), center, 1, buffers)
    else {
        report(name, false);
        return;
    };
    let mut channel = channel.with_timeout_us(5_000);
    let refused =
        channel.send_request(Request::of::<Synthetic64>()) == Err(MvStatus::INVALIDBUFFERSIZE);
    let nothing_to_wait_for = channel.wait_response() == Err(WaitError::ChannelClosed);
    let sent_again = channel.send_request(Request::of::<Mqtt>()) == Ok(());
    drop(channel);
    report(name, refused && nothing_to_wait_for && sent_again && tidy(1));
}

/// A channel that sent nothing has nothing to wait for, blocking or async; a closed one sends
/// nothing (the fake never sees the request); a fetched one is done: a wait says closed, a send
/// says the request was sent.
fn a_channel_answers_for_its_own_state() {
    use microvisor_config::{AsyncConfigChannel, ConfigChannel, Request};
    let name = "channel: unsent, closed and fetched channels answer for themselves";
    let waker = counting_waker();
    let mut cx = Context::from_waker(&waker);
    reset_mqtt(true);
    let unsent = with_new_channel(|mut channel| {
        channel.wait_response() == Err(WaitError::ChannelClosed)
            && channel.poll_response(&mut cx) == Poll::Ready(Err(WaitError::ChannelClosed))
    }) && tidy(1);
    reset_mqtt(true);
    let closed = with_new_channel(|mut channel| {
        channel.close();
        channel.send_request(Request::of::<Mqtt>()) == Err(MvStatus::CHANNELCLOSED)
            && fake::stats().sends == 0
    }) && tidy(1);
    reset_mqtt(true);
    let fetched = with_new_channel(|mut channel| {
        Mqtt::fetch(&mut channel).is_ok()
            && channel.wait_response() == Err(WaitError::ChannelClosed)
            && channel.send_request(Request::of::<Mqtt>()) == Err(MvStatus::REQUESTALREADYSENT)
    }) && tidy(1);
    report(name, unsent && closed && fetched);
}

/// A send Microvisor refuses as CHANNELCLOSED (the server closed the channel first) leaves the
/// request unsent: nothing to wait for, and a second send is asked of Microvisor again (and
/// refused the same way), not answered REQUESTALREADYSENT for a request that never left.
fn a_send_on_a_channel_the_server_closed() {
    use microvisor_config::{ConfigChannel, Request};
    let name = "channel: a send the server closed first leaves the request unsent";
    reset_mqtt(true);
    let refused_twice = with_new_channel(|mut channel| {
        fake::close_open_channels_by_server();
        let first = channel.send_request(Request::of::<Mqtt>()) == Err(MvStatus::CHANNELCLOSED);
        let nothing_to_wait_for = channel.wait_response() == Err(WaitError::ChannelClosed);
        let second = channel.send_request(Request::of::<Mqtt>()) == Err(MvStatus::CHANNELCLOSED);
        first && nothing_to_wait_for && second
    });
    let asked_twice = fake::stats().sends == 2;
    report(name, refused_twice && asked_twice && tidy(1));
}

/// A close Microvisor refuses (the handle is no longer its: here the fake forgot every
/// channel) still leaves the channel closed on our side: handle zeroed, no send reaches
/// Microvisor.
fn a_refused_close_still_closes() {
    use microvisor_config::{ConfigChannel, Request};
    let name = "channel: a close Microvisor refuses still closes it here";
    reset_mqtt(true);
    let closed = with_new_channel(|mut channel| {
        fake::reset(Script::normal());
        channel.close();
        channel.handle() == 0
            && channel.send_request(Request::of::<Mqtt>()) == Err(MvStatus::CHANNELCLOSED)
    });
    report(name, closed && fake::stats().sends == 0);
}

/// A channel the server closed reports why (`mvGetChannelClosureReason`), and its drop closes
/// it on our side too.
fn closure_reason_of_a_server_close() {
    use microvisor_config::ffi::MvClosureReason;
    use microvisor_config::{ConfigChannel, Request};
    reset_mqtt(true);
    fake::set_script(Script { delivery: Delivery::CloseAfterPolls(2), ..Script::normal() });
    let ok = with_new_channel(|mut channel| {
        channel.send_request(Request::of::<Mqtt>()) == Ok(())
            && channel.wait_response() == Err(WaitError::ChannelClosed)
            && channel.closure_reason() == Ok(MvClosureReason::CHANNELCLOSEDBYSERVER)
    });
    report("channel: a server close is reported with its reason", ok && tidy(1));
}

/// Optional fields of each payload alignment on the device: a byte and a word, whose tag the
/// loop writes from the row (`Option` kinds), and two bytes, left to an ops entry of its own;
/// with a plain field beside them.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Optionals {
    #[config(key = "opt-u8")]
    byte: Option<u8>,
    #[config(key = "opt-i8")]
    signed_byte: Option<i8>,
    #[config(key = "opt-u16")]
    port: Option<u16>,
    #[config(key = "opt-u32")]
    word: Option<u32>,
    #[config(key = "opt-i32")]
    offset: Option<i32>,
    #[config(key = "opt-text")]
    text: Option<microvisor_config::heapless::String<8>>,
    #[config(key = "opt-hex")]
    hex: Option<microvisor_config::Hex<4>>,
    #[config(key = "plain")]
    plain: u8,
}

/// Loads the plain field's value and, given the `u32`'s text, the optional fields' values: the
/// `u32` as given, the others at their range's edge. Without it, the optional keys are missing.
fn load_optionals(word: Option<&[u8]>) -> bool {
    fake::reset(Script::normal());
    let mut loaded = fake::insert(DEVICE, CONFIG, cloud_key!(b"plain"), b"7");
    if let Some(word) = word {
        let values = [
            (cloud_key!(b"opt-u8"), &b"255"[..]),
            (cloud_key!(b"opt-i8"), b"-128"),
            (cloud_key!(b"opt-u16"), b"65535"),
            (cloud_key!(b"opt-u32"), word),
            (cloud_key!(b"opt-i32"), b"-2147483648"),
            (cloud_key!(b"opt-text"), "caf\u{e9}".as_bytes()),
            (cloud_key!(b"opt-hex"), b"deadbeef"),
        ];
        for (key, value) in values {
            loaded &= fake::insert(DEVICE, CONFIG, key, value);
        }
    }
    loaded
}

fn optional_fields() {
    let loaded = load_optionals(Some(b"4294967295"));
    let present = match on_new_channel(|mut channel| Optionals::fetch(&mut channel)) {
        Ok(o) => {
            o.byte == Some(255)
                && o.signed_byte == Some(-128)
                && o.port == Some(65535)
                && o.word == Some(u32::MAX)
                && o.offset == Some(i32::MIN)
                && o.text.as_deref() == Some("caf\u{e9}")
                && o.hex.as_deref() == Some(&[0xde, 0xad, 0xbe, 0xef][..])
                && o.plain == 7
        }
        Err(error) => {
            describe(&error);
            false
        }
    };
    report("optional fields of each alignment, present", loaded && present && tidy(1));

    let loaded = load_optionals(None);
    let missing = match on_new_channel(|mut channel| Optionals::fetch(&mut channel)) {
        Ok(o) => {
            o.byte.is_none()
                && o.signed_byte.is_none()
                && o.port.is_none()
                && o.word.is_none()
                && o.offset.is_none()
                && o.text.is_none()
                && o.hex.is_none()
                && o.plain == 7
        }
        Err(error) => {
            describe(&error);
            false
        }
    };
    report("optional fields of each alignment, missing", loaded && missing && tidy(1));

    let loaded = load_optionals(Some(b"4294967296"));
    let result = on_new_channel(|mut channel| Optionals::fetch(&mut channel)).map(|_| ());
    let expected = FetchError::Item {
        index: 3,
        key: "opt-u32",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::Invalid(ParseError::OutOfRange),
    };
    report("optional fields: a bad value names its key", loaded && result == Err(expected));
}

/// The clock demo's display preferences, a JSON object in one config.
#[derive(serde::Deserialize, Debug, PartialEq)]
struct Display {
    brightness: u8,
    colon: bool,
}

/// One TLS identity, nested twice under two prefixes.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Identity {
    cert: microvisor_config::Hex<4>,
    #[config(store = secret)]
    key: microvisor_config::Secret<microvisor_config::Hex<4>>,
}

/// Nested structs and a `Json` field in one request.
#[derive(MicrovisorConfig, Debug)]
#[config(scope = account, store = config)]
struct Clock {
    #[config(nested, prefix = "mqtt-")]
    mqtt: Identity,
    #[config(max_len = 64)]
    prefs: microvisor_config::Json<Display>,
    #[config(nested, prefix = "ota-")]
    ota: Identity,
}

/// Loads the clock's cloud, its preferences `prefs`.
fn load_clock(prefs: &[u8]) -> bool {
    fake::reset(Script::normal());
    let values = [
        (DEVICE, CONFIG, cloud_key!(b"mqtt-cert"), &b"01020304"[..]),
        (DEVICE, SECRET, cloud_key!(b"mqtt-key"), b"0a0b"),
        (ACCOUNT, CONFIG, cloud_key!(b"prefs"), prefs),
        (DEVICE, CONFIG, cloud_key!(b"ota-cert"), b"ff"),
        (DEVICE, SECRET, cloud_key!(b"ota-key"), b"eeddccbb"),
    ];
    values.into_iter().all(|(scope, store, key, value)| fake::insert(scope, store, key, value))
}

fn nested_and_json() {
    static CLOCK: Global<MaybeUninit<Clock>> = Global::new(MaybeUninit::uninit());
    let loaded = load_clock(br#"{"brightness":8,"colon":true}"#);
    // SAFETY: thread mode; this scenario's own static.
    let slot = unsafe { CLOCK.get() };
    let fetched = match on_new_channel(|mut channel| Clock::fetch_into(&mut channel, slot)) {
        Ok(clock) => {
            clock.mqtt.cert.as_ref() == [1, 2, 3, 4]
                && clock.mqtt.key.expose_secret().as_ref() == [0x0a, 0x0b]
                && *clock.prefs == Display { brightness: 8, colon: true }
                && clock.ota.cert.as_ref() == [0xff]
                && clock.ota.key.expose_secret().as_ref() == [0xee, 0xdd, 0xcc, 0xbb]
        }
        Err(error) => {
            describe(&error);
            false
        }
    };
    let stats = fake::stats();
    let one_request = stats.sends == 1 && stats.item_reads == 5 && !stats.out_of_order;
    report(
        "nested structs and a Json field: one request of five leaves, every value checked",
        loaded && fetched && one_request && tidy(1),
    );

    // A value of the wrong type in the JSON: the error names the key and the byte; a refresh
    // keeps every old value of the tree.
    let loaded = load_clock(br#"{"brightness":"high","colon":true}"#);
    // SAFETY: written by the fetch above, which succeeded if `fetched`.
    let clock = unsafe { slot.assume_init_mut() };
    let result = fetched && on_new_channel(|mut channel| clock.refresh(&mut channel)).is_err();
    let expected = FetchError::Item {
        index: 2,
        key: "prefs",
        scope: Scope::Account,
        store: Store::Config,
        error: ItemError::Invalid(ParseError::Json {
            at: 14,
            problem: microvisor_config::JsonProblem::WRONG_TYPE,
        }),
    };
    let named = load_clock(br#"{"brightness":"high","colon":true}"#)
        && on_new_channel(|mut channel| Clock::fetch(&mut channel).map(|_| ())) == Err(expected);
    let kept = fetched && clock.prefs.brightness == 8 && clock.ota.cert.as_ref() == [0xff];
    report(
        "nested and Json: bad JSON names the key and the byte, a refresh keeps the old tree",
        loaded && result && named && kept && tidy(1),
    );
}

/// The interrupt of the device application's notification center here. On the STM32U585 it is
/// TIM8_BRK (51), which this firmware gives the runtime's own center.
const APP_IRQ: u32 = 53;

/// The handler of [`APP_IRQ`]: what the application's binaries' TIM8_BRK handler does.
extern "C" fn app_notification_isr() {
    app::NOTIFICATIONS.on_interrupt();
}

/// The device application's cloud values that the tests compare or look for in the log.
const APP_HOST: &[u8] = b"mqtt.example.com";
const APP_PASSWORD: &[u8] = b"pw-5ecret-never-logged";

/// Loads the device application's cloud: every value at the size the demo allows for the
/// certificates and key (so the application's receive buffer must hold the largest response),
/// `port` as the port's text, `cert` whether the certificate is there, `interval` the refresh
/// interval's text if it is set.
fn load_app_cloud(port: &[u8], cert: bool, interval: Option<&[u8]>) -> bool {
    let mut ok = fake::insert(DEVICE, CONFIG, cloud_key!(b"broker-host"), APP_HOST);
    ok &= fake::insert(DEVICE, CONFIG, cloud_key!(b"broker-port"), port);
    ok &= fake::insert(DEVICE, CONFIG, cloud_key!(b"client-id"), b"dev-42");
    ok &= cloud::insert_hex(DEVICE, CONFIG, cloud_key!(b"root-CA"), 1536, 11);
    if cert {
        ok &= cloud::insert_hex(DEVICE, CONFIG, cloud_key!(b"cert"), 1024, 12);
    }
    ok &= cloud::insert_hex(DEVICE, SECRET, cloud_key!(b"private_key"), 1536, 13);
    ok &= fake::insert(DEVICE, CONFIG, cloud_key!(b"username"), b"device-user");
    ok &= fake::insert(DEVICE, SECRET, cloud_key!(b"password"), APP_PASSWORD);
    if let Some(interval) = interval {
        ok &= fake::insert(DEVICE, CONFIG, cloud_key!(b"refresh-interval"), interval);
    }
    ok
}

/// Whether the application's settings are the cloud's (loaded by [`load_app_cloud`]), with
/// `port` and `interval_s`.
fn app_settings_are(settings: Option<&app::Settings>, port: u16, interval_s: u32) -> bool {
    let Some(s) = settings else {
        out::str("    the application has no settings\n");
        return false;
    };
    let ok = s.broker_host.as_bytes() == APP_HOST
        && s.broker_port == port
        && s.client_id.as_deref() == Some("dev-42")
        && cloud::same_hex(&s.root_ca, fake::value_of(b"root-CA"))
        && cloud::same_hex(&s.cert, fake::value_of(b"cert"))
        && cloud::same_hex(s.private_key.expose_secret(), fake::value_of(b"private_key"))
        && s.username == "device-user"
        && s.password.expose_secret().as_bytes() == APP_PASSWORD
        && s.refresh_interval_s == interval_s;
    if !ok {
        out::str("    the application's settings are not the cloud's\n");
    }
    ok
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle)
}

/// Whether the server log since the last reset is one line per entry of `names`, line `i`
/// naming `names[i]`, and no line holds a secret's text: the password, or any of three pieces
/// of the private key's hex. Prints the log if not.
fn app_log_is(names: &[&[u8]]) -> bool {
    let key = fake::value_of(b"private_key");
    let middle = key.len() / 2;
    let pieces =
        [key.get(..16), key.get(middle..middle + 16), key.get(key.len().saturating_sub(16)..)];
    let mut ok = fake::log_line_count() == names.len() && key.len() >= 32;
    for (index, name) in names.iter().enumerate() {
        let line = fake::log_line(index).unwrap_or_default();
        let secret = contains(line, APP_PASSWORD)
            || pieces.iter().any(|piece| piece.is_some_and(|piece| contains(line, piece)));
        ok &= contains(line, name) && !secret;
    }
    if !ok {
        out::str("    server log:\n");
        for index in 0..fake::log_line_count() {
            out::str("      ");
            out::bytes(fake::log_line(index).unwrap_or_default());
            out::str("\n");
        }
    }
    ok
}

/// Whether the application's next fetch is `seconds` from now (within the second the checks
/// since took).
fn next_fetch_in(app: &app::App, seconds: u64) -> bool {
    let now = microvisor_config::device::now_us().unwrap_or(0);
    let ahead = app.next_fetch_us().saturating_sub(now);
    let ok = ahead <= seconds * 1_000_000 && ahead > (seconds - 1) * 1_000_000;
    if !ok {
        out::str("    the next fetch is not when expected\n");
    }
    ok
}

/// The device application (examples/device/src/app.rs) as its blocking binary runs it: set up,
/// the network awaited, the boot fetch (with a bad key, two bad keys, then good values) and
/// refreshes, each checked against the cloud and the server log's lines.
fn device_app_blocking() {
    use microvisor_config::ffi::{sys, MvNetworkStatus};
    /// A buffer as the demos give the server log, 512-byte aligned.
    #[repr(C, align(512))]
    struct LogBuffer([u8; 1024]);
    static MISUSED: Global<LogBuffer> = Global::new(LogBuffer([0; 1024]));
    let buffer = MISUSED.get_ptr().cast::<u8>();
    let line = b"a line before the log is set up";
    // SAFETY: each call gets a valid message, or a buffer that outlives the firmware (or null,
    // which the fake refuses); none of them is accepted, so the fake keeps none.
    let refused = unsafe {
        sys::mvServerLog(line.as_ptr(), line.len() as u16) == MvStatus::UNAVAILABLE
            && sys::mvServerLoggingInit(core::ptr::null_mut(), 1024) == MvStatus::PARAMETERFAULT
            && sys::mvServerLoggingInit(buffer.add(8), 1024) == MvStatus::INVALIDBUFFERALIGNMENT
            && sys::mvServerLoggingInit(buffer, 1000) == MvStatus::INVALIDBUFFERSIZE
    };
    report(
        "fake: the server log refuses a line before set-up, and a buffer unlike the demos'",
        refused,
    );

    // What the binaries do first, on this board's interrupt.
    let started = app::start(APP_IRQ).is_ok();
    microvisor_config_firmware::enable_irq(APP_IRQ);
    report("device app: server log and notification center set up", started);

    // The network takes three polls of the clock to connect.
    fake::reset(Script { connect_after_polls: 3, ..Script::normal() });
    let loaded = load_app_cloud(b"8883", true, None);
    let Ok(mut app) = app::App::new() else {
        report("device app: made (network requested, buffers taken)", false);
        return;
    };
    let connecting = app.network().status() == Ok(MvNetworkStatus::CONNECTING);
    let refused = app.fetch() == Err(FetchError::Send(MvStatus::NETWORKNOTCONNECTED))
        && app_log_is(&[b"NETWORKNOTCONNECTED"])
        && fake::stats().opens == 0;
    let connected = app.wait_connected().is_ok()
        && app.network().status() == Ok(MvNetworkStatus::CONNECTED)
        && fake::stats().notifications == 1;
    report(
        "device app: a fetch before the network is up is refused and logged; then it connects",
        loaded && connecting && refused && connected,
    );

    // Boot, one bad key: one line, naming it.
    fake::reset(Script::normal());
    let loaded = load_app_cloud(b"88x3", true, None);
    let expected = FetchError::Item {
        index: 1,
        key: "broker-port",
        scope: Scope::Device,
        store: Store::Config,
        error: ItemError::Invalid(ParseError::NotDecimal { at: 2 }),
    };
    let failed = app.fetch() == Err(expected) && app.settings().is_none();
    report(
        "device app: a boot fetch with a bad key logs one line naming it, and no secret",
        loaded && failed && app_log_is(&[b"`broker-port`"]) && next_fetch_in(&app, 60) && tidy(1),
    );

    // Boot, two bad keys: a line for each.
    fake::reset(Script::normal());
    let loaded = load_app_cloud(b"70000", false, Some(b"5"));
    let failed = app.fetch().is_err() && app.settings().is_none();
    report(
        "device app: a boot fetch logs one line per bad key",
        loaded
            && failed
            && app_log_is(&[b"`broker-port`", b"`cert`", b"`refresh-interval`"])
            && tidy(1),
    );

    // Boot, good values: the settings, one line, the default interval.
    fake::reset(Script::normal());
    let loaded = load_app_cloud(b"8883", true, None);
    let result = app.fetch();
    if let Err(error) = &result {
        describe(error);
    }
    report(
        "device app: the boot fetch gets every value, logs one line, refreshes in 300 s",
        loaded
            && result.is_ok()
            && app_settings_are(app.settings(), 8883, 300)
            && app_log_is(&[b"fetched at boot: 9 keys ok; broker mqtt.example.com:8883"])
            && next_fetch_in(&app, 300)
            && tidy(1),
    );

    // A refresh with a new port and interval.
    fake::reset(Script::normal());
    let loaded = load_app_cloud(b"1883", true, Some(b"120"));
    let refreshed = app.fetch().is_ok();
    report(
        "device app: a refresh takes the new values and interval, logs one line",
        loaded
            && refreshed
            && app_settings_are(app.settings(), 1883, 120)
            && app_log_is(&[b"refreshed: 9 keys ok; broker mqtt.example.com:1883"])
            && next_fetch_in(&app, 120)
            && tidy(1),
    );

    // A refresh with a bad key: the settings are kept, one line names the key.
    fake::reset(Script::normal());
    let loaded = load_app_cloud(b"1883", false, Some(b"120"));
    let failed = app.fetch()
        == Err(FetchError::Item {
            index: 4,
            key: "cert",
            scope: Scope::Device,
            store: Store::Config,
            error: ItemError::NotFound,
        });
    let logged = app_log_is(&[b"refresh failed, settings kept: config key `cert`"])
        && next_fetch_in(&app, 60)
        && tidy(1);
    // The cloud again as the settings came from it, to compare.
    fake::reset(Script::normal());
    let kept =
        load_app_cloud(b"1883", true, Some(b"120")) && app_settings_are(app.settings(), 1883, 120);
    fake::reset(Script::normal());
    report(
        "device app: a failed refresh keeps the settings, logs one line naming the key",
        loaded && failed && logged && kept,
    );

    drop(app);
    report("device app: dropped, it releases its network", fake::networks_held() == 1);
}

/// The device application as its async binary runs it: its task (`App::run_async`) polled by
/// an executor, woken by the network's and the channel's notifications, and cancelled once a
/// fetch is done (the task itself never ends).
fn device_app_async() {
    fake::reset(Script { connect_after_polls: 2, ..Script::normal() });
    let loaded = load_app_cloud(b"8883", false, None);
    let Ok(mut app) = app::App::new() else {
        report("device app, async: made again once the first was dropped", false);
        return;
    };
    // Woken by the network (poll 2), then by the response (poll 3), then in its timer.
    let run = run_task(app.run_async(), 3);
    report(
        "device app, async: the boot fetch awaits the network and the response; a bad key logged",
        loaded
            && run.output.is_none()
            && app.settings().is_none()
            && app_log_is(&[b"boot fetch failed: config key `cert` (device config, item 4)"])
            && tidy(1),
    );

    fake::reset(Script::normal());
    let loaded = load_app_cloud(b"8883", true, Some(b"600"));
    // The response (poll 2), then its timer.
    run_task(app.run_async(), 2);
    report(
        "device app, async: the boot fetch gets every value, logs one line",
        loaded
            && app_settings_are(app.settings(), 8883, 600)
            && app_log_is(&[b"fetched at boot: 9 keys ok"])
            && next_fetch_in(&app, 600)
            && tidy(1),
    );

    fake::reset(Script::normal());
    let loaded = load_app_cloud(b"1883", true, Some(b"600"));
    run_task(app.run_async(), 2);
    report(
        "device app, async: a refresh takes the new values, logs one line",
        loaded
            && app_settings_are(app.settings(), 1883, 600)
            && app_log_is(&[b"refreshed: 9 keys ok; broker mqtt.example.com:1883"])
            && tidy(1),
    );
    drop(app);
    report("device app, async: dropped, it releases its network", fake::networks_held() == 1);
}

#[entry]
fn main() -> ! {
    out::str("microvisor-config on-target tests (Cortex-M33, QEMU mps2-an505)\n");
    let setup = microvisor_config_firmware::setup_rust_notifications().is_ok()
        && microvisor_config_firmware::setup_c_notifications().is_ok()
        && microvisor_config_firmware::request_network().is_ok();
    report("setup: notification centers and network", setup);
    if setup {
        mqtt_ok();
        mqtt_text_as_bytes();
        mqtt_without_client_id();
        mqtt_refresh_is_atomic();
        mqtt_key_not_found();
        mqtt_server_error();
        mqtt_too_long();
        mqtt_invalid_values();
        mqtt_not_hex();
        mqtt_item_count();
        mqtt_response_too_large();
        mqtt_channel_closed();
        mqtt_timeout();
        mqtt_request_already_sent();
        wait_twice();
        fake_request_already_sent();
        secret_wiped();
        async_fetch();
        async_channel_closed();
        async_cancelled();
        foreign_tags_ignored();
        two_records_one_interrupt();
        open_refuses_a_foreign_tag();
        an_unsent_request_may_be_sent_again();
        a_channel_answers_for_its_own_state();
        closure_reason_of_a_server_close();
        a_refused_close_still_closes();
        a_send_on_a_channel_the_server_closed();
        optional_fields();
        nested_and_json();
        device_app_blocking();
        device_app_async();
        c_mqtt();
        synthetic();
    }
    let (passed, failed) = (PASSED.load(Ordering::Relaxed), FAILED.load(Ordering::Relaxed));
    out::str("firmware: ");
    out::num(u64::from(passed));
    out::str(" passed, ");
    out::num(u64::from(failed));
    out::str(" failed\n");
    out::exit(failed == 0 && passed > 0)
}

extern "C" {
    fn DefaultHandler();
}

/// The device interrupts: the runtime's notification center on 51, the C baseline's on 52, the
/// device application's on 53.
#[link_section = ".vector_table.interrupts"]
#[no_mangle]
#[used]
pub static __INTERRUPTS: [unsafe extern "C" fn(); 54] = {
    let mut table: [unsafe extern "C" fn(); 54] = [DefaultHandler; 54];
    table[microvisor_config_firmware::RUST_IRQ as usize] =
        microvisor_config_firmware::rust_notification_isr;
    table[cbaseline::CF_IRQ as usize] = cbaseline::cf_notification_isr;
    table[APP_IRQ as usize] = app_notification_isr;
    table
};
