//! The application's logic: its settings, the boot fetch, the periodic refresh, and what each
//! sends to the server log.
//!
//! Both binaries run it (`src/bin/blocking.rs`, `src/bin/async.rs`), and the QEMU test firmware
//! builds this very file against its fake Microvisor (firmware/src/bin/scenarios.rs), so the
//! code a user flashes is the code CI runs. What is board-specific stays in the binaries: the
//! interrupt's vector, unmasking it, the entry point. The order:
//!
//! 1. [`start`]: the server log and the notification center, on the binary's interrupt;
//! 2. the binary unmasks that interrupt, whose handler calls `NOTIFICATIONS.on_interrupt()`;
//! 3. [`App::new`]: the network request and the channel buffers;
//! 4. [`App::run`] (blocking) or [`App::run_async`]: wait for the network, fetch when due.
//!
//! Every line sent to the server log names keys and errors, never a value: a
//! [`FieldOutcome`] or [`FetchError`] holds no byte of one, and the success line names only the
//! broker, which is config, not a secret.

use core::cell::UnsafeCell;
use core::fmt;
use core::future::Future;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::Poll;

use microvisor_config::device::{
    now_us, ChannelBuffers, DeviceChannel, Network, Notifications, ServerLog,
    DEFAULT_CONNECT_TIMEOUT_US,
};
use microvisor_config::heapless::String;
use microvisor_config::{
    FetchError, FetchReport, FieldOutcome, Hex, MicrovisorConfig, MvStatus, ParseError, Secret,
    WaitError,
};

/// The device's settings: the vendor's MQTT demo schema (docs/PROTOCOL.md, "The vendor's MQTT
/// demo schema"), and how often to fetch them again.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
pub struct Settings {
    /// The MQTT broker's host name.
    #[config(key = "broker-host")]
    pub broker_host: String<128>,
    /// The broker's port.
    #[config(key = "broker-port")]
    pub broker_port: u16,
    /// The MQTT client id; `None`: use the device id, as the demo does.
    #[config(key = "client-id")]
    pub client_id: Option<String<34>>,
    /// The broker's root certificate, DER (uploaded as hex).
    #[config(key = "root-CA")]
    pub root_ca: Hex<1536>,
    /// The device's certificate, DER (uploaded as hex).
    #[config(key = "cert")]
    pub cert: Hex<1024>,
    /// The device's private key, DER (uploaded as hex).
    #[config(key = "private_key", store = secret)]
    pub private_key: Secret<Hex<1536>>,
    /// The broker login.
    #[config(key = "username")]
    pub username: String<128>,
    /// The broker password.
    #[config(key = "password", store = secret)]
    pub password: Secret<String<128>>,
    /// Seconds from one fetch to the next; 300 if the key is not set.
    #[config(key = "refresh-interval", default = 300, validate = refresh_interval)]
    pub refresh_interval_s: u32,
}

/// The shortest refresh interval accepted, in seconds: a typo must not make the device open a
/// channel every second (Microvisor rate-limits channel opens).
pub const MIN_REFRESH_S: u32 = 10;

/// Refuses a refresh interval under [`MIN_REFRESH_S`].
fn refresh_interval(seconds: &u32) -> Result<(), ParseError> {
    if *seconds < MIN_REFRESH_S {
        return Err(ParseError::Custom("shorter than the 10 s the application accepts"));
    }
    Ok(())
}

/// How long after a failed fetch the next one is tried, in seconds (sooner if the settings'
/// own interval is shorter).
pub const RETRY_S: u32 = 60;

/// The notification tag of the network's status changes.
pub const NETWORK_TAG: u32 = 0;
/// The notification tag of the config-fetch channel (one open at a time).
pub const CHANNEL_TAG: u32 = 1;

/// The channel's send buffer: the vendor demos' 4 KiB holds a request of many more keys.
pub const SEND: usize = 4096;
/// What one item may take in the response beside its value: the margin the crate's
/// documentation gives (the wire format is not published).
pub const ITEM_MARGIN: usize = 16;
/// The channel's receive buffer: every value at its `max_len`, the margin per item, rounded up
/// to 512 bytes as Microvisor's demos size theirs. Smaller, a long certificate would come back
/// as `RESPONSETOOLARGE`.
pub const RECV: usize =
    (Settings::RESPONSE_MAX_BYTES + ITEM_MARGIN * Settings::KEYS.len()).next_multiple_of(512);
/// The channel's buffers: 512-byte aligned, as Microvisor's demos have them.
pub type Buffers = ChannelBuffers<SEND, RECV>;

/// The server log's buffer, in bytes: the vendor demos' size.
pub const LOG_BYTES: usize = 4096;

/// The notification center the network's and the channel's events arrive on. The binary's
/// interrupt handler calls `NOTIFICATIONS.on_interrupt()`, and nothing else.
pub static NOTIFICATIONS: Notifications<8> = Notifications::new();

/// The server log: lines read with the vendor's command-line tool.
pub static LOG: ServerLog<LOG_BYTES> = ServerLog::new();

/// The channel buffers, lent to one [`App`] at a time ([`BUFFERS_LENT`]).
static BUFFERS: StaticBuffers = StaticBuffers(UnsafeCell::new(ChannelBuffers::new()));

/// Whether an [`App`] holds [`BUFFERS`]. A static of its own: beside the 512-byte aligned
/// buffers, one flag would take 512 bytes.
static BUFFERS_LENT: AtomicBool = AtomicBool::new(false);

struct StaticBuffers(UnsafeCell<Buffers>);

// SAFETY: reached only through `lend_buffers`, which hands them to one holder at a time.
unsafe impl Sync for StaticBuffers {}

/// The channel buffers, if no `App` holds them.
fn lend_buffers() -> Option<&'static mut Buffers> {
    if BUFFERS_LENT.swap(true, Ordering::AcqRel) {
        return None;
    }
    // SAFETY: the flag was clear, so no reference to the buffers is live, and having set it, no
    // other will be made until `return_buffers`.
    Some(unsafe { &mut *BUFFERS.0.get() })
}

/// Lets `lend_buffers` hand the buffers out again.
///
/// # Safety
///
/// The reference `lend_buffers` gave is not used again.
unsafe fn return_buffers() {
    BUFFERS_LENT.store(false, Ordering::Release);
}

/// Sends one line to the server log.
fn log(args: fmt::Arguments<'_>) {
    // A line the log cannot take now (its buffer full, logging off by the server) is dropped:
    // the application goes on without it.
    let _ = LOG.log_fmt(args);
}

/// Starts the server log, then sets up [`NOTIFICATIONS`] on interrupt `irq`: before the binary
/// unmasks that interrupt.
///
/// # Errors
///
/// What `mvSetupNotifications` answered (logged). A server log that does not start is no
/// error: the application runs without it.
pub fn start(irq: u32) -> Result<(), MvStatus> {
    let _ = LOG.init();
    match NOTIFICATIONS.setup(irq) {
        Ok(_) => Ok(()),
        Err(status) => {
            log(format_args!("notifications: setup failed: {status}"));
            Err(status)
        }
    }
}

/// The running application: the network it holds, the channel buffers, and the settings once a
/// fetch has succeeded.
pub struct App {
    network: Network<'static>,
    buffers: &'static mut Buffers,
    settings: Option<Settings>,
    next_fetch_us: u64,
}

impl App {
    /// Requests the network and takes the channel buffers: after [`start`] and the interrupt's
    /// unmasking. There is one `App` at a time (the binaries make one, for good).
    ///
    /// # Errors
    ///
    /// What `mvRequestNetwork` answered, or `BUFFERALREADYINUSE` while another `App` holds the
    /// buffers (logged).
    pub fn new() -> Result<Self, MvStatus> {
        // The network first: if the buffers are gone, dropping it releases it again.
        let made = Network::request(NOTIFICATIONS.center(), NETWORK_TAG).and_then(|network| {
            let buffers = lend_buffers().ok_or(MvStatus::BUFFERALREADYINUSE)?;
            Ok(App { network, buffers, settings: None, next_fetch_us: 0 })
        });
        if let Err(status) = &made {
            log(format_args!("network: request failed: {status}"));
        }
        made
    }

    /// The settings, once a fetch has succeeded.
    pub fn settings(&self) -> Option<&Settings> {
        self.settings.as_ref()
    }

    /// The network request the application holds.
    pub fn network(&self) -> &Network<'static> {
        &self.network
    }

    /// When the next fetch is due, on Microvisor's clock (µs).
    pub fn next_fetch_us(&self) -> u64 {
        self.next_fetch_us
    }

    /// Waits until the network is connected, a minute at most.
    ///
    /// # Errors
    ///
    /// A timeout, or a call that failed (logged).
    pub fn wait_connected(&self) -> Result<(), WaitError> {
        match self.network.wait_connected(DEFAULT_CONNECT_TIMEOUT_US) {
            Ok(_) => Ok(()),
            Err(error) => {
                log(format_args!("network: not connected: {error}"));
                Err(error)
            }
        }
    }

    /// Fetches now: the boot fetch until one has succeeded, a refresh after. Logs the outcome
    /// (at boot, one line per bad key) and schedules the next fetch.
    ///
    /// # Errors
    ///
    /// The fetch's error; the settings are then as they were.
    pub fn fetch(&mut self) -> Result<(), FetchError> {
        let App { network, buffers, settings, .. } = self;
        let result = match (open(network, buffers), settings) {
            (Err(error), settings) => {
                log_failed(settings.is_none(), &error);
                Err(error)
            }
            (Ok(mut channel), settings @ None) => {
                let report = Settings::fetch_report(&mut channel);
                log_boot(&report);
                report.into_result().map(|fresh| *settings = Some(fresh))
            }
            (Ok(mut channel), Some(live)) => {
                let refreshed = live.refresh(&mut channel);
                match &refreshed {
                    Ok(()) => log_fetched("refreshed", live),
                    Err(error) => log_failed(false, error),
                }
                refreshed
            }
        };
        self.schedule(result.is_ok());
        result
    }

    /// Sets when the next fetch is due: the settings' interval after a success, [`RETRY_S`] (or
    /// the interval, if shorter) after a failure.
    fn schedule(&mut self, fetched: bool) {
        let interval = self.settings.as_ref().map_or(RETRY_S, |s| s.refresh_interval_s);
        let seconds = if fetched { interval } else { interval.min(RETRY_S) };
        let now = now_us().unwrap_or(self.next_fetch_us);
        self.next_fetch_us = now.saturating_add(u64::from(seconds) * 1_000_000);
    }

    /// The blocking application: waits for the network, fetches, sleeps until the next fetch is
    /// due; forever.
    pub fn run(mut self) -> ! {
        loop {
            match self.wait_connected() {
                Ok(()) => {
                    let _ = self.fetch();
                }
                Err(_) => self.schedule(false),
            }
            // Here a real application runs its MQTT client with `self.settings()`.
            sleep_until(self.next_fetch_us);
        }
    }

    /// The async application, as one task: as [`App::run`], awaiting the network, each response
    /// (`fetch_async`, woken by the notification interrupt) and the next fetch. At boot the log
    /// has one line for the first bad key: the async fetch has no reporting shape.
    ///
    /// Every step is written out here, and every future awaited is a plain `Future` (none an
    /// `async fn` that returns): the state machine of one that returns keeps a panic for being
    /// polled after it finished, which the `panic-proof` build would refuse.
    pub async fn run_async(&mut self) -> ! {
        loop {
            match self.network.connected().await {
                Ok(_) => {
                    let booting = self.settings.is_none();
                    let result = match open(&self.network, self.buffers) {
                        Err(error) => Err(error),
                        Ok(mut channel) => Settings::fetch_async(&mut channel).await,
                    };
                    self.fetched(booting, result);
                }
                Err(error) => {
                    log(format_args!("network: not connected: {error}"));
                    self.schedule(false);
                }
            }
            until(self.next_fetch_us).await;
        }
    }

    /// Takes in what an async fetch answered: new settings replace the old (whose drop wipes
    /// their secrets), an error is logged; then the next fetch is scheduled.
    fn fetched(&mut self, booting: bool, result: Result<Settings, FetchError>) {
        let fetched = match result {
            Ok(fresh) => {
                log_fetched(if booting { "fetched at boot" } else { "refreshed" }, &fresh);
                self.settings = Some(fresh);
                true
            }
            Err(error) => {
                log_failed(booting, &error);
                false
            }
        };
        self.schedule(fetched);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // SAFETY: `self.buffers` dies with `self`; every channel that borrowed it is gone.
        unsafe { return_buffers() };
    }
}

/// Opens the config-fetch channel on the buffers; a channel that does not open is the fetch's
/// `Send` error, as a request refused would be.
fn open<'a>(
    network: &Network<'_>,
    buffers: &'a mut Buffers,
) -> Result<DeviceChannel<'a>, FetchError> {
    DeviceChannel::open(network.handle(), NOTIFICATIONS.center(), CHANNEL_TAG, buffers)
        .map_err(FetchError::Send)
}

/// The boot fetch's lines: one for success, else one per bad key, each naming the key, its store
/// and what was wrong.
fn log_boot(report: &FetchReport<Settings>) {
    let error = match report.result() {
        Ok(settings) => return log_fetched("fetched at boot", settings),
        Err(error) => error,
    };
    let mut judged = false;
    for (spec, outcome) in report.bad_fields() {
        // `NotRead`: the fetch failed as a whole, before any key was judged.
        if *outcome != FieldOutcome::NotRead {
            judged = true;
            let (scope, store) = (spec.scope.as_str(), spec.store.as_str());
            log(format_args!("config: bad key `{}` ({scope} {store}): {outcome}", spec.key));
        }
    }
    if !judged {
        log_failed(true, error);
    }
}

/// The one line of a successful fetch.
fn log_fetched(what: &str, settings: &Settings) {
    log(format_args!(
        "config: {what}: {} keys ok; broker {}:{}; next fetch in {} s",
        Settings::KEYS.len(),
        settings.broker_host,
        settings.broker_port,
        settings.refresh_interval_s
    ));
}

/// The one line of a fetch that failed as a whole, or of a failed refresh (which names the
/// first bad key).
fn log_failed(booting: bool, error: &FetchError) {
    if booting {
        log(format_args!("config: boot fetch failed: {error}"));
    } else {
        log(format_args!("config: refresh failed, settings kept: {error}"));
    }
}

/// Blocks until Microvisor's clock reaches `deadline_us`. It polls the clock: with no HAL here
/// there is no timer interrupt to sleep until; a real firmware sleeps on its HAL's timer.
pub fn sleep_until(deadline_us: u64) {
    while now_us().is_ok_and(|now| now < deadline_us) {
        core::hint::spin_loop();
    }
}

/// Resolves once Microvisor's clock reaches `deadline_us`. With no time driver here (no HAL,
/// no embassy-time) nothing would wake the task at the deadline, so the future wakes itself at
/// every poll and the executor polls it in a loop; a real firmware awaits its HAL's time driver
/// (embassy-time's `Timer::at`), which sleeps until a timer interrupt.
pub fn until(deadline_us: u64) -> impl Future<Output = ()> {
    core::future::poll_fn(move |cx| {
        if now_us().is_ok_and(|now| now < deadline_us) {
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
}
