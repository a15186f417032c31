//! A fake Microvisor: the system calls of config fetch, with the vendor header's names and C
//! signatures, serving a scripted cloud.
//!
//! The runtime's `DeviceChannel` and the C baseline call these exactly as they would call the
//! secure-gateway entries of `mv_syscalls.o` on the device: the link resolves the names. Like
//! Microvisor, the fake writes each notification record into the application's notification
//! buffer and then pends the buffer's interrupt in the NVIC, so the application's handler runs
//! as a real interrupt.
//!
//! Behaviour follows docs/PROTOCOL.md: one request per channel (`REQUESTALREADYSENT` after the
//! first), items in request order, a response larger than the receive buffer answered with
//! `RESPONSETOOLARGE`, values longer than the caller's buffer cut to its size (the harsher of the
//! behaviours the header leaves open), four channels at most, handles never zero. A network
//! request connects after [`Script::connect_after_polls`] polls of the clock, posting
//! `NETWORKSTATUSCHANGED` with its tag when it does; a channel opened before is refused with
//! `NETWORKNOTCONNECTED`. The server log keeps the lines it is sent, for the tests to read back
//! ([`log_line`]).
//!
//! Everything here runs in thread mode, called from the code under test; the interrupt handler
//! never calls in. Each system call is an assembly entry point (see `gateway!`) that runs the
//! call's body on a stack of its own with interrupts masked, as Microvisor's secure-world calls
//! leave the application's stack alone. Bodies are `#[inline(never)]`, named `fake_*`, and copy
//! and compare bytes with their own loops rather than `memcpy`, so that their instructions stay
//! apart from the code under test (the benchmark counts them separately). No code here can
//! panic (the firmware's panic-free link checks it).

use core::cell::UnsafeCell;
use core::ptr;

use microvisor_config::ffi::{
    MvChannelHandle, MvChannelType, MvClosureReason, MvConfigFetchResult, MvConfigKeyFetchParams,
    MvConfigKeyFetchResult, MvConfigResponseData, MvConfigResponseReadItemParams, MvEventType,
    MvNetworkHandle, MvNetworkStatus, MvNotification, MvNotificationHandle, MvNotificationSetup,
    MvOpenChannelParams, MvRequestNetworkParams,
};
use microvisor_config::MvStatus;

/// Most keys one request may name; more is `TOOMANYCONFIGKEYS` (the real limit is unpublished).
pub const MAX_ITEMS: usize = 72;
/// Most entries the scripted cloud holds.
pub const MAX_ENTRIES: usize = 80;
/// Bytes of value text the cloud can hold.
pub const ARENA_BYTES: usize = 24 * 1024;
/// What one item costs in the receive buffer besides its value (result, length, framing).
pub const ITEM_OVERHEAD: usize = 8;
/// What a response costs in the receive buffer besides its items.
pub const RESPONSE_OVERHEAD: usize = 8;
/// What one key costs in the send buffer besides its text.
pub const KEY_OVERHEAD: usize = 16;
const MAX_CHANNELS: usize = 4;
const MAX_CENTERS: usize = 4;
/// Network requests held at once; one more is `UNAVAILABLE` (a test limit: the header states
/// none).
const MAX_NETWORKS: usize = 4;
/// Interrupts the NVIC of the AN505 has (more is `INVALIDINTERRUPT`).
const NUM_IRQS: u32 = 96;
/// The longest server log message taken; longer is `LOGMESSAGETOOLONG` (a test value: the
/// header states no limit).
pub const MAX_LOG_MESSAGE: usize = 256;
/// Server log lines kept since the last reset; one more is `INVALIDBUFFERSIZE`, as a full log
/// buffer answers.
pub const MAX_LOG_LINES: usize = 16;
/// Bytes of server log text kept since the last reset.
const LOG_ARENA_BYTES: usize = 2048;
const NVIC_ISPR: *mut u32 = 0xe000_e200 as *mut u32;

/// When and how the cloud answers a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The response arrives on the given `mvGetMicroseconds` call after the request (1: the
    /// first).
    AfterPolls(u32),
    /// Nothing ever arrives.
    Never,
    /// The server closes the channel instead (CHANNELNOTCONNECTED, closure reason
    /// CHANNELCLOSEDBYSERVER) on the given poll.
    CloseAfterPolls(u32),
    /// The response's notification arrives, but the server has closed the channel by the time
    /// the application reads it.
    ReadableThenClosed(u32),
}

/// The knobs of one scenario.
#[derive(Clone, Copy, Debug)]
pub struct Script {
    /// When the response arrives.
    pub delivery: Delivery,
    /// The response holds one item fewer than the request named.
    pub drop_last_item: bool,
    /// The item of this key answers SERVERERROR.
    pub server_error_key: &'static [u8],
    /// How far the microsecond clock moves on each `mvGetMicroseconds`.
    pub clock_step_us: u64,
    /// Another channel's event (tag 30's data readable) is written just before the response's,
    /// in the same call: the interrupt taken after it finds two records in the buffer.
    pub foreign_record_first: bool,
    /// How many polls of the clock a network requested now takes to connect: it reports
    /// CONNECTING until then. 0: connected at once, with no status record.
    pub connect_after_polls: u32,
}

impl Script {
    /// A cloud that answers on the first poll, correctly.
    pub const fn normal() -> Self {
        Script {
            delivery: Delivery::AfterPolls(1),
            drop_last_item: false,
            server_error_key: b"",
            clock_step_us: 1000,
            foreign_record_first: false,
            connect_after_polls: 0,
        }
    }
}

#[derive(Clone, Copy)]
struct Entry {
    scope: u32,
    store: u32,
    key: &'static [u8],
    at: usize,
    len: usize,
}

const NO_ENTRY: Entry = Entry { scope: 0, store: 0, key: b"", at: 0, len: 0 };

#[derive(Clone, Copy)]
struct Item {
    result: MvConfigKeyFetchResult,
    at: usize,
    len: usize,
}

/// An unused item slot. All zeros, so that resetting the fake is a `memset`, not a copy of a
/// table in flash (which would differ between benchmark builds).
const NO_ITEM: Item = Item { result: MvConfigKeyFetchResult::OK, at: 0, len: 0 };
const NOT_FOUND: Item = Item { result: MvConfigKeyFetchResult::KEYNOTFOUND, at: 0, len: 0 };

#[derive(Clone, Copy, PartialEq, Eq)]
enum ChannelState {
    Free,
    Open,
    ClosedByServer,
}

#[derive(Clone, Copy)]
struct Channel {
    state: ChannelState,
    generation: u32,
    center: usize,
    tag: u32,
    recv_len: usize,
    send_len: usize,
    sent: bool,
    /// Polls left until the scripted event (0: none pending).
    countdown: u32,
    delivered: bool,
    result: MvConfigFetchResult,
    num_items: usize,
    items: [Item; MAX_ITEMS],
    /// The index the next in-order read should have.
    next_read: usize,
}

const FREE_CHANNEL: Channel = Channel {
    state: ChannelState::Free,
    generation: 0,
    center: 0,
    tag: 0,
    recv_len: 0,
    send_len: 0,
    sent: false,
    countdown: 0,
    delivered: false,
    result: MvConfigFetchResult::OK,
    num_items: 0,
    items: [NO_ITEM; MAX_ITEMS],
    next_read: 0,
};

#[derive(Clone, Copy)]
struct Center {
    buffer: *mut MvNotification,
    records: usize,
    irq: u32,
    write: usize,
}

const NO_CENTER: Center = Center { buffer: ptr::null_mut(), records: 0, irq: 0, write: 0 };

/// One network request (`mvRequestNetwork`), until released.
#[derive(Clone, Copy)]
struct NetworkRequest {
    in_use: bool,
    status: MvNetworkStatus,
    /// Polls left until it connects (0: none pending).
    countdown: u32,
    /// Where its status changes are posted: a center's slot, or none if the handle named none.
    center: Option<usize>,
    tag: u32,
}

const NO_NETWORK: NetworkRequest = NetworkRequest {
    in_use: false,
    status: MvNetworkStatus::DELIBERATELYOFFLINE,
    countdown: 0,
    center: None,
    tag: 0,
};

/// What the tests read back after a scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Channels open now.
    pub open_channels: u32,
    /// Channels opened since the last reset.
    pub opens: u32,
    /// Calls of `mvCloseChannel` that closed a channel.
    pub closes: u32,
    /// Calls of `mvSendConfigFetchRequest`.
    pub sends: u32,
    /// Calls of `mvReadConfigResponseItem`.
    pub item_reads: u32,
    /// An item was read twice or out of request order.
    pub out_of_order: bool,
    /// Notification records written.
    pub notifications: u32,
    /// `mvGetMicroseconds` calls.
    pub polls: u32,
}

struct Fake {
    script: Script,
    clock_us: u64,
    entries: [Entry; MAX_ENTRIES],
    num_entries: usize,
    arena_used: usize,
    channels: [Channel; MAX_CHANNELS],
    centers: [Center; MAX_CENTERS],
    networks: [NetworkRequest; MAX_NETWORKS],
    /// `mvServerLoggingInit` succeeded.
    log_ready: bool,
    /// Server log lines kept: `(at, len)` in [`LOG_ARENA`].
    log_lines: [(usize, usize); MAX_LOG_LINES],
    num_log_lines: usize,
    log_used: usize,
    stats: Stats,
}

struct Global(UnsafeCell<Fake>);

// SAFETY: the fake is touched only from thread mode on the one core: by the system-call
// functions below, which the code under test calls, and by the test harness between calls. The
// interrupt handler never calls in.
unsafe impl Sync for Global {}

static FAKE: Global = Global(UnsafeCell::new(Fake {
    script: Script::normal(),
    clock_us: 1_000_000,
    entries: [NO_ENTRY; MAX_ENTRIES],
    num_entries: 0,
    arena_used: 0,
    channels: [FREE_CHANNEL; MAX_CHANNELS],
    centers: [NO_CENTER; MAX_CENTERS],
    networks: [NO_NETWORK; MAX_NETWORKS],
    log_ready: false,
    log_lines: [(0, 0); MAX_LOG_LINES],
    num_log_lines: 0,
    log_used: 0,
    stats: Stats {
        open_channels: 0,
        opens: 0,
        closes: 0,
        sends: 0,
        item_reads: 0,
        out_of_order: false,
        notifications: 0,
        polls: 0,
    },
}));

/// The cloud's value bytes: apart from [`FAKE`] so that they stay in `.bss` (all zero), not
/// in `.data` (copied from flash at boot).
struct Arena(UnsafeCell<[u8; ARENA_BYTES]>);

// SAFETY: as for `Global`: thread mode only.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_BYTES]));

/// The cloud's value bytes.
///
/// # Safety
///
/// As [`fake`].
#[allow(clippy::mut_from_ref)]
unsafe fn arena() -> &'static mut [u8; ARENA_BYTES] {
    // SAFETY: see the function's contract.
    unsafe { &mut *ARENA.0.get() }
}

/// The server log's text, apart from [`FAKE`] as the cloud's is, to stay in `.bss`.
struct LogArena(UnsafeCell<[u8; LOG_ARENA_BYTES]>);

// SAFETY: as for `Global`: thread mode only.
unsafe impl Sync for LogArena {}

static LOG_ARENA: LogArena = LogArena(UnsafeCell::new([0; LOG_ARENA_BYTES]));

/// The fake's state.
///
/// # Safety
///
/// Thread mode only, and no two of the returned references may be live at once (each system
/// call takes it once, on entry).
#[allow(clippy::mut_from_ref)]
unsafe fn fake() -> &'static mut Fake {
    // SAFETY: see the function's contract.
    unsafe { &mut *FAKE.0.get() }
}

/// Compares bytes one by one (not through `memcmp`, for the same reason as [`fake_copy`]).
#[inline(never)]
fn fake_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        // SAFETY: `i` is below both lengths; volatile keeps this a loop.
        if unsafe { a.as_ptr().add(i).read_volatile() != b.as_ptr().add(i).read_volatile() } {
            return false;
        }
        i += 1;
    }
    true
}

/// Copies bytes one by one (not through `memcpy`, so the copy is counted as the fake's work).
#[inline(never)]
fn fake_copy(dst: *mut u8, src: *const u8, len: usize) {
    let mut i = 0;
    while i < len {
        // SAFETY: callers pass `len` bytes valid at both ends; volatile keeps this a loop.
        unsafe { dst.add(i).write_volatile(src.add(i).read_volatile()) };
        i += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// The harness's side: script the cloud, read the statistics.

/// Empties the cloud and the server log's lines, closes every channel (without notifications)
/// and sets the script. Notification centers, network requests and the server log's set-up
/// stay, as they do on the device.
pub fn reset(script: Script) {
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    fake.script = script;
    fake.num_entries = 0;
    fake.arena_used = 0;
    fake.channels = [FREE_CHANNEL; MAX_CHANNELS];
    fake.num_log_lines = 0;
    fake.log_used = 0;
    fake.stats = Stats::default();
}

/// The server closes every open channel now, before anything more is asked of them (no
/// notification): a send then answers CHANNELCLOSED.
pub fn close_open_channels_by_server() {
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    for channel in &mut fake.channels {
        if channel.state == ChannelState::Open {
            channel.state = ChannelState::ClosedByServer;
        }
    }
}

/// Changes the script of the scenario in progress.
pub fn set_script(script: Script) {
    // SAFETY: thread mode; no other reference is live.
    unsafe { fake() }.script = script;
}

/// A key of the fake cloud as it is loaded, kept out of read-only data: `cloud_key!(b"host")`.
///
/// A key literal the cloud loader used as it is would sit in `.rodata`, in every build of the
/// benchmark, and the optimiser would merge the same key in a settings struct's request into
/// it: the fetch's key texts would then be counted in no build (the `none` build has them),
/// while the C baseline's, in a string section of their own, are. In `.data`, as a static with
/// interior mutability, it is not a constant the optimiser can merge with another, and each
/// build's `.rodata` holds exactly the key texts its fetch needs. The loaders take only a
/// [`LoadedKey`], which only this makes, so a plain literal cannot slip back in.
#[macro_export]
macro_rules! cloud_key {
    ($key:literal) => {{
        static KEY: $crate::fake::CloudKey<{ $key.len() }> = $crate::fake::CloudKey::new(*$key);
        KEY.key()
    }};
}

/// The static of [`cloud_key!`].
pub struct CloudKey<const N: usize>(core::cell::UnsafeCell<[u8; N]>);

// SAFETY: never written: the cell is there only to keep the bytes out of read-only data.
unsafe impl<const N: usize> Sync for CloudKey<N> {}

impl<const N: usize> CloudKey<N> {
    /// Holds `key`.
    pub const fn new(key: [u8; N]) -> Self {
        CloudKey(core::cell::UnsafeCell::new(key))
    }

    /// The key, for the loaders.
    pub fn key(&'static self) -> LoadedKey {
        // SAFETY: never written (see above).
        LoadedKey(unsafe { &*self.0.get() })
    }
}

/// A key the cloud is loaded under: made only by [`cloud_key!`], from a key in `.data`.
#[derive(Clone, Copy)]
pub struct LoadedKey(&'static [u8]);

/// Stores a value in the cloud; returns `false` if the cloud is full.
pub fn insert(scope: u32, store: u32, key: LoadedKey, value: &[u8]) -> bool {
    insert_with(scope, store, key, value.len(), |out| {
        fake_copy(out.as_mut_ptr(), value.as_ptr(), out.len().min(value.len()));
    })
}

/// Stores a value of `len` bytes that `fill` writes; returns `false` if the cloud is full.
pub fn insert_with(
    scope: u32,
    store: u32,
    key: LoadedKey,
    len: usize,
    fill: impl FnOnce(&mut [u8]),
) -> bool {
    let LoadedKey(key) = key;
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    let at = fake.arena_used;
    // SAFETY: thread mode; no other reference to the arena is live.
    let arena = unsafe { arena() };
    let Some(slot) = arena.get_mut(at..at.saturating_add(len)) else { return false };
    let Some(entry) = fake.entries.get_mut(fake.num_entries) else { return false };
    fill(slot);
    *entry = Entry { scope, store, key, at, len };
    fake.num_entries += 1;
    fake.arena_used = at + len;
    true
}

/// The text of a value stored in the cloud (empty if there is no such key).
pub fn value_of(key: &[u8]) -> &'static [u8] {
    // SAFETY: thread mode; the arena is only written by `insert*`, never while this slice is
    // in use by a test.
    let fake = unsafe { fake() };
    let entries = fake.entries.get(..fake.num_entries).unwrap_or(&[]);
    for entry in entries {
        if entry.key == key {
            // SAFETY: as above.
            return unsafe { arena() }.get(entry.at..entry.at + entry.len).unwrap_or(&[]);
        }
    }
    &[]
}

/// What happened since the last reset.
pub fn stats() -> Stats {
    // SAFETY: thread mode; no other reference is live.
    unsafe { fake() }.stats
}

/// Server log line `index` (0: the first) sent since the last reset, if there is one.
pub fn log_line(index: usize) -> Option<&'static [u8]> {
    // SAFETY: thread mode; the log's text is written only by `mvServerLog`, never while this
    // slice is in use by a test.
    let fake = unsafe { fake() };
    let &(at, len) = fake.log_lines.get(..fake.num_log_lines)?.get(index)?;
    // SAFETY: as above.
    unsafe { &*LOG_ARENA.0.get() }.get(at..at + len)
}

/// How many server log lines were sent since the last reset.
pub fn log_line_count() -> usize {
    // SAFETY: thread mode; no other reference is live.
    unsafe { fake() }.num_log_lines
}

/// Network requests held now (not released).
pub fn networks_held() -> usize {
    // SAFETY: thread mode; no other reference is live.
    unsafe { fake() }.networks.iter().filter(|n| n.in_use).count()
}

/// The stack the fake's system calls run on: Microvisor's calls run in the secure world, on
/// its own stack, so the application's stack sees only the call. Each entry point below switches
/// to this stack for the call's body and back, so that the benchmark's stack figure is the
/// application's alone.
const FAKE_STACK_BYTES: usize = 4096;

/// See [`FAKE_STACK_BYTES`].
#[allow(dead_code)] // used only through its address, from assembly
struct FakeStack(UnsafeCell<[u64; FAKE_STACK_BYTES / 8]>);

// SAFETY: only the entry points below use it, one at a time (thread mode, never re-entered:
// the interrupt handlers do not call the fake).
unsafe impl Sync for FakeStack {}

static FAKE_STACK: FakeStack = FakeStack(UnsafeCell::new([0; FAKE_STACK_BYTES / 8]));

/// The entry points, with the header's names: like a secure gateway, each runs its body
/// (`fake_<name>`) on the fake's own stack with interrupts masked, then switches back and
/// unmasks, so that an interrupt the call pended is taken just after it returns, on the
/// application's stack, as on the device. The application's stack holds 8 bytes during the call
/// (r4 and lr); r0-r3 pass through untouched, r0 carries the status back.
macro_rules! gateway {
    ($($name:ident => $body:ident),* $(,)?) => {$(
        core::arch::global_asm!(
            concat!(".section .text.", stringify!($name), ",\"ax\",%progbits"),
            concat!(".global ", stringify!($name)),
            concat!(".type ", stringify!($name), ",%function"),
            ".thumb_func",
            ".p2align 2",
            concat!(stringify!($name), ":"),
            "push {{r4, lr}}",
            "mov r4, sp",
            "movw r12, :lower16:{stack}",
            "movt r12, :upper16:{stack}",
            "add.w r12, r12, #{size}",
            "mov sp, r12",
            "cpsid i",
            "bl {body}",
            "mov sp, r4",
            "cpsie i",
            "pop {{r4, pc}}",
            concat!(".size ", stringify!($name), ", . - ", stringify!($name)),
            body = sym $body,
            stack = sym FAKE_STACK,
            size = const FAKE_STACK_BYTES,
        );
    )*};
}

gateway!(
    mvSetupNotifications => fake_mvSetupNotifications,
    mvRequestNetwork => fake_mvRequestNetwork,
    mvGetNetworkStatus => fake_mvGetNetworkStatus,
    mvReleaseNetwork => fake_mvReleaseNetwork,
    mvServerLoggingInit => fake_mvServerLoggingInit,
    mvServerLog => fake_mvServerLog,
    mvOpenChannel => fake_mvOpenChannel,
    mvSendConfigFetchRequest => fake_mvSendConfigFetchRequest,
    mvReadConfigFetchResponseData => fake_mvReadConfigFetchResponseData,
    mvReadConfigResponseItem => fake_mvReadConfigResponseItem,
    mvCloseChannel => fake_mvCloseChannel,
    mvGetChannelClosureReason => fake_mvGetChannelClosureReason,
    mvGetMicroseconds => fake_mvGetMicroseconds,
);

#[allow(clashing_extern_declarations)]
mod entry_points {
    // Only their addresses are taken (the runtime's `ffi::sys` declares them with their real
    // signatures).
    extern "C" {
        pub fn mvSetupNotifications();
        pub fn mvRequestNetwork();
        pub fn mvGetNetworkStatus();
        pub fn mvReleaseNetwork();
        pub fn mvServerLoggingInit();
        pub fn mvServerLog();
        pub fn mvOpenChannel();
        pub fn mvSendConfigFetchRequest();
        pub fn mvReadConfigFetchResponseData();
        pub fn mvReadConfigResponseItem();
        pub fn mvCloseChannel();
        pub fn mvGetChannelClosureReason();
        pub fn mvGetMicroseconds();
    }
}

/// The entry points, for a table that keeps them all in every build (the benchmark's baseline
/// must hold the fake too, so that subtracting it leaves only the fetch).
pub static SYSCALLS: [unsafe extern "C" fn(); 13] = [
    entry_points::mvSetupNotifications,
    entry_points::mvRequestNetwork,
    entry_points::mvGetNetworkStatus,
    entry_points::mvReleaseNetwork,
    entry_points::mvServerLoggingInit,
    entry_points::mvServerLog,
    entry_points::mvOpenChannel,
    entry_points::mvSendConfigFetchRequest,
    entry_points::mvReadConfigFetchResponseData,
    entry_points::mvReadConfigResponseItem,
    entry_points::mvCloseChannel,
    entry_points::mvGetChannelClosureReason,
    entry_points::mvGetMicroseconds,
];

// ---------------------------------------------------------------------------------------------
// Handles.

fn channel_handle(slot: usize, generation: u32) -> MvChannelHandle {
    0xc000_0000 | (generation << 8) | slot as u32
}

fn channel_slot(
    channels: &mut [Channel; MAX_CHANNELS],
    handle: MvChannelHandle,
) -> Option<&mut Channel> {
    if handle & 0xc000_0000 != 0xc000_0000 {
        return None;
    }
    let slot = (handle & 0xff) as usize;
    let generation = (handle >> 8) & 0x3f_ffff;
    let channel = channels.get_mut(slot)?;
    (channel.state != ChannelState::Free && channel.generation & 0x3f_ffff == generation)
        .then_some(channel)
}

fn center_handle(slot: usize) -> MvNotificationHandle {
    0x4c00_0000 | slot as u32
}

fn center_slot(handle: MvNotificationHandle) -> Option<usize> {
    (handle & 0xff00_0000 == 0x4c00_0000).then_some((handle & 0xff) as usize)
}

/// A network request's handle: the first one held is the handle the fake has always given, so
/// the firmware's own request (the C baseline's fetches take it) is unchanged.
fn network_handle(slot: usize) -> MvNetworkHandle {
    0x4e00_0001 + slot as u32
}

fn network_slot(
    networks: &mut [NetworkRequest; MAX_NETWORKS],
    handle: MvNetworkHandle,
) -> Option<&mut NetworkRequest> {
    let slot = handle.wrapping_sub(0x4e00_0001) as usize;
    networks.get_mut(slot).filter(|network| network.in_use)
}

/// The tag of `Script::foreign_record_first`'s record: no channel of the tests has it.
pub const FOREIGN_TAG: u32 = 30;

/// Writes one record into a center's buffer and pends its interrupt, as Microvisor does.
fn notify(fake: &mut Fake, center: usize, event: MvEventType, tag: u32) {
    let now = fake.clock_us;
    let Some(center) = fake.centers.get_mut(center) else { return };
    if center.buffer.is_null() || center.records == 0 {
        return;
    }
    let index = center.write.checked_rem(center.records).unwrap_or(0);
    let record = MvNotification { microseconds: now, event_type: event, tag };
    // SAFETY: the application registered `records` records at `buffer` with
    // mvSetupNotifications and keeps them alive ('static in both the runtime and the C
    // baseline); `index < records`.
    unsafe { center.buffer.add(index).write_volatile(record) };
    center.write = (index + 1).checked_rem(center.records).unwrap_or(0);
    fake.stats.notifications += 1;
    cortex_m::asm::dsb();
    let irq = center.irq;
    // SAFETY: ISPR is the NVIC's set-pending register bank; `irq < NUM_IRQS`, checked at setup.
    unsafe { NVIC_ISPR.add((irq / 32) as usize).write_volatile(1 << (irq % 32)) };
    cortex_m::asm::dsb();
    cortex_m::asm::isb();
}

// ---------------------------------------------------------------------------------------------
// The system calls.

/// `mvSetupNotifications`.
///
/// # Safety
///
/// As the header: valid pointers, a buffer that outlives its use.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvSetupNotifications(
    setup: *const MvNotificationSetup,
    handle: *mut MvNotificationHandle,
) -> MvStatus {
    if setup.is_null() || handle.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    // SAFETY: non-null, and valid per the caller's contract.
    let setup = unsafe { &*setup };
    let size = setup.buffer_size as usize;
    if setup.buffer.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    if size < 32 || !size.is_multiple_of(16) {
        return MvStatus::INVALIDBUFFERSIZE;
    }
    if setup.irq >= NUM_IRQS {
        return MvStatus::INVALIDINTERRUPT;
    }
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    if fake.centers.iter().any(|c| c.buffer == setup.buffer) {
        return MvStatus::BUFFERALREADYINUSE;
    }
    let Some(slot) = fake.centers.iter().position(|c| c.buffer.is_null()) else {
        return MvStatus::TOOMANYNOTIFICATIONBUFFERS;
    };
    if let Some(center) = fake.centers.get_mut(slot) {
        *center = Center { buffer: setup.buffer, records: size / 16, irq: setup.irq, write: 0 };
    }
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { handle.write(center_handle(slot)) };
    MvStatus::OKAY
}

/// `mvRequestNetwork`.
///
/// # Safety
///
/// As the header: valid pointers.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvRequestNetwork(
    params: *const MvRequestNetworkParams,
    handle: *mut MvNetworkHandle,
) -> MvStatus {
    if params.is_null() || handle.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    // SAFETY: non-null, valid per the caller's contract.
    let params = unsafe { &*params };
    if params.version != 1 {
        return MvStatus::UNSUPPORTEDSTRUCTUREVERSION;
    }
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    let Some(slot) = fake.networks.iter().position(|n| !n.in_use) else {
        return MvStatus::UNAVAILABLE;
    };
    let polls = fake.script.connect_after_polls;
    let center = center_slot(params.notification_handle)
        .filter(|&c| fake.centers.get(c).is_some_and(|c| !c.buffer.is_null()));
    if let Some(network) = fake.networks.get_mut(slot) {
        *network = NetworkRequest {
            in_use: true,
            status: if polls == 0 {
                MvNetworkStatus::CONNECTED
            } else {
                MvNetworkStatus::CONNECTING
            },
            countdown: polls,
            center,
            tag: params.notification_tag,
        };
    }
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { handle.write(network_handle(slot)) };
    MvStatus::OKAY
}

/// `mvGetNetworkStatus`.
///
/// # Safety
///
/// As the header: a valid pointer.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvGetNetworkStatus(
    handle: MvNetworkHandle,
    status: *mut MvNetworkStatus,
) -> MvStatus {
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    let Some(network) = network_slot(&mut fake.networks, handle) else {
        return MvStatus::INVALIDHANDLE;
    };
    if status.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { status.write(network.status) };
    MvStatus::OKAY
}

/// `mvReleaseNetwork`: forgets the request and zeroes the handle.
///
/// # Safety
///
/// As the header: a valid pointer.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvReleaseNetwork(handle: *mut MvNetworkHandle) -> MvStatus {
    if handle.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    // SAFETY: non-null, valid per the caller's contract.
    let value = unsafe { handle.read() };
    let Some(network) = network_slot(&mut fake.networks, value) else {
        return MvStatus::INVALIDHANDLE;
    };
    *network = NO_NETWORK;
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { handle.write(0) };
    MvStatus::OKAY
}

/// `mvServerLoggingInit`: checks the buffer as the vendor's demos size and align it (the
/// header states no rule) and enables the log. The fake keeps the lines itself; the buffer is
/// only checked.
///
/// # Safety
///
/// As the header: a buffer of `length` bytes that outlives the log.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvServerLoggingInit(buffer: *mut u8, length: u32) -> MvStatus {
    if buffer.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    if !(buffer as usize).is_multiple_of(512) {
        return MvStatus::INVALIDBUFFERALIGNMENT;
    }
    if length == 0 || !length.is_multiple_of(512) {
        return MvStatus::INVALIDBUFFERSIZE;
    }
    // SAFETY: thread mode; no other reference is live.
    unsafe { fake() }.log_ready = true;
    MvStatus::OKAY
}

/// `mvServerLog`: keeps the line for the tests.
///
/// # Safety
///
/// As the header: `message` valid for `length` bytes.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvServerLog(message: *const u8, length: u16) -> MvStatus {
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    if !fake.log_ready {
        return MvStatus::UNAVAILABLE;
    }
    let len = usize::from(length);
    if message.is_null() && len > 0 {
        return MvStatus::PARAMETERFAULT;
    }
    if len > MAX_LOG_MESSAGE {
        return MvStatus::LOGMESSAGETOOLONG;
    }
    let at = fake.log_used;
    let Some(line) = fake.log_lines.get_mut(fake.num_log_lines) else {
        return MvStatus::INVALIDBUFFERSIZE;
    };
    // SAFETY: thread mode; no other reference to the log's text is live.
    let text = unsafe { &mut *LOG_ARENA.0.get() };
    let Some(slot) = text.get_mut(at..at.saturating_add(len)) else {
        return MvStatus::INVALIDBUFFERSIZE;
    };
    // The caller's `len` bytes, checked non-null above when there are any.
    fake_copy(slot.as_mut_ptr(), message, len);
    *line = (at, len);
    fake.num_log_lines += 1;
    fake.log_used = at + len;
    MvStatus::OKAY
}

/// `mvOpenChannel`.
///
/// # Safety
///
/// As the header: valid pointers; buffers that outlive the channel.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvOpenChannel(
    params: *const MvOpenChannelParams,
    handle: *mut MvChannelHandle,
) -> MvStatus {
    if params.is_null() || handle.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    // SAFETY: non-null, valid per the caller's contract.
    let params = unsafe { &*params };
    if params.version != 1 {
        return MvStatus::UNSUPPORTEDSTRUCTUREVERSION;
    }
    let Some(center) = center_slot(params.notification_handle) else {
        return MvStatus::INVALIDHANDLE;
    };
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    if fake.centers.get(center).is_none_or(|c| c.buffer.is_null()) {
        return MvStatus::INVALIDHANDLE;
    }
    let Some(network) = network_slot(&mut fake.networks, params.network_handle) else {
        return MvStatus::INVALIDHANDLE;
    };
    if network.status != MvNetworkStatus::CONNECTED {
        return MvStatus::NETWORKNOTCONNECTED;
    }
    if params.channel_type != MvChannelType::CONFIGFETCH {
        return MvStatus::UNKNOWNCHANNELTYPE;
    }
    if params.endpoint.length != 0 {
        return MvStatus::UNKNOWNCHANNELENDPOINT;
    }
    if params.receive_buffer.is_null() || params.send_buffer.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    if !(params.receive_buffer as usize).is_multiple_of(512)
        || !(params.send_buffer as usize).is_multiple_of(512)
    {
        return MvStatus::INVALIDBUFFERALIGNMENT;
    }
    let (recv_len, send_len) =
        (params.receive_buffer_len as usize, params.send_buffer_len as usize);
    if recv_len == 0 || send_len == 0 || recv_len % 512 != 0 || send_len % 512 != 0 {
        return MvStatus::INVALIDBUFFERSIZE;
    }
    let Some(slot) = fake.channels.iter().position(|c| c.state == ChannelState::Free) else {
        return MvStatus::TOOMANYCHANNELS;
    };
    let Some(channel) = fake.channels.get_mut(slot) else { return MvStatus::TOOMANYCHANNELS };
    let generation = channel.generation.wrapping_add(1);
    // Field by field: a whole-struct assignment would copy the item table through `memcpy`.
    channel.state = ChannelState::Open;
    channel.generation = generation;
    channel.center = center;
    channel.tag = params.notification_tag;
    channel.recv_len = recv_len;
    channel.send_len = send_len;
    channel.sent = false;
    channel.countdown = 0;
    channel.delivered = false;
    channel.result = MvConfigFetchResult::OK;
    channel.num_items = 0;
    channel.next_read = 0;
    fake.stats.opens += 1;
    fake.stats.open_channels += 1;
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { handle.write(channel_handle(slot, generation & 0x3f_ffff)) };
    MvStatus::OKAY
}

/// `mvSendConfigFetchRequest`: checks the request and prepares the scripted response.
///
/// # Safety
///
/// As the header: valid pointers (a bad nested pointer is LATEFAULT on the device; here only a
/// null one is caught).
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvSendConfigFetchRequest(
    handle: MvChannelHandle,
    params: *const MvConfigKeyFetchParams,
) -> MvStatus {
    // SAFETY: thread mode; no other reference is live.
    let Fake { script, entries, num_entries, arena_used, channels, stats, .. } = unsafe { fake() };
    stats.sends += 1;
    let Some(channel) = channel_slot(channels, handle) else { return MvStatus::INVALIDHANDLE };
    if params.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    if channel.state == ChannelState::ClosedByServer {
        return MvStatus::CHANNELCLOSED;
    }
    if channel.sent {
        return MvStatus::REQUESTALREADYSENT;
    }
    // SAFETY: non-null, valid per the caller's contract.
    let params = unsafe { &*params };
    let count = params.num_items as usize;
    let mut request_bytes = 0usize;
    if count > 0 && params.keys_to_fetch.is_null() {
        channel.sent = true;
        return MvStatus::LATEFAULT;
    }
    for i in 0..count {
        // SAFETY: the caller's array holds `num_items` keys.
        let key = unsafe { &*params.keys_to_fetch.add(i) };
        request_bytes = request_bytes.saturating_add(KEY_OVERHEAD + key.key.length as usize);
    }
    if request_bytes > channel.send_len {
        return MvStatus::INVALIDBUFFERSIZE;
    }
    // From here on the request counts as sent, whatever else goes wrong.
    channel.sent = true;
    if count > MAX_ITEMS {
        return MvStatus::TOOMANYCONFIGKEYS;
    }
    let mut response_bytes = RESPONSE_OVERHEAD;
    for i in 0..count {
        // SAFETY: as above.
        let key = unsafe { &*params.keys_to_fetch.add(i) };
        if key.key.data.is_null() && key.key.length > 0 {
            return MvStatus::LATEFAULT;
        }
        let text = if key.key.length == 0 {
            &[][..]
        } else {
            // SAFETY: the caller's key text holds `length` bytes.
            unsafe { core::slice::from_raw_parts(key.key.data, key.key.length as usize) }
        };
        if text.len() > 100 || !text.iter().all(|b| (0x20..0x7f).contains(b)) {
            return MvStatus::INVALIDCONFIGKEY;
        }
        if key.scope.0 > 1 {
            return MvStatus::UNKNOWNCONFIGSCOPE;
        }
        if key.store.0 > 1 {
            return MvStatus::UNKNOWNCONFIGSTORE;
        }
        let found = entries
            .get(..*num_entries)
            .unwrap_or(&[])
            .iter()
            .find(|e| e.scope == key.scope.0 && e.store == key.store.0 && fake_eq(e.key, text));
        let item = match found {
            _ if !script.server_error_key.is_empty() && text == script.server_error_key => {
                Item { result: MvConfigKeyFetchResult::SERVERERROR, at: 0, len: 0 }
            }
            Some(entry) if entry.at + entry.len <= *arena_used => {
                Item { result: MvConfigKeyFetchResult::OK, at: entry.at, len: entry.len }
            }
            _ => NOT_FOUND,
        };
        response_bytes += ITEM_OVERHEAD + item.len;
        if let Some(slot) = channel.items.get_mut(i) {
            *slot = item;
        }
    }
    if response_bytes > channel.recv_len {
        channel.result = MvConfigFetchResult::RESPONSETOOLARGE;
        channel.num_items = 0;
    } else {
        channel.result = MvConfigFetchResult::OK;
        channel.num_items = if script.drop_last_item { count.saturating_sub(1) } else { count };
    }
    channel.countdown = match script.delivery {
        Delivery::AfterPolls(n)
        | Delivery::CloseAfterPolls(n)
        | Delivery::ReadableThenClosed(n) => n.max(1),
        Delivery::Never => 0,
    };
    MvStatus::OKAY
}

/// `mvGetMicroseconds`: the clock, which also drives the scripted cloud (a response "arrives"
/// on a given poll after its request).
///
/// # Safety
///
/// As the header: a valid pointer.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvGetMicroseconds(microseconds: *mut u64) -> MvStatus {
    if microseconds.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    fake.stats.polls += 1;
    fake.clock_us = fake.clock_us.wrapping_add(fake.script.clock_step_us);
    for slot in 0..MAX_NETWORKS {
        let Some(network) = fake.networks.get_mut(slot) else { continue };
        if !network.in_use || network.countdown == 0 {
            continue;
        }
        network.countdown -= 1;
        if network.countdown == 0 {
            network.status = MvNetworkStatus::CONNECTED;
            if let Some(center) = network.center {
                let tag = network.tag;
                notify(fake, center, MvEventType::NETWORKSTATUSCHANGED, tag);
            }
        }
    }
    let delivery = fake.script.delivery;
    for slot in 0..MAX_CHANNELS {
        let Some(channel) = fake.channels.get_mut(slot) else { continue };
        if channel.state != ChannelState::Open || channel.countdown == 0 {
            continue;
        }
        channel.countdown -= 1;
        if channel.countdown != 0 {
            continue;
        }
        let (center, tag) = (channel.center, channel.tag);
        let event = match delivery {
            Delivery::CloseAfterPolls(_) => {
                channel.state = ChannelState::ClosedByServer;
                MvEventType::CHANNELNOTCONNECTED
            }
            Delivery::ReadableThenClosed(_) => {
                channel.state = ChannelState::ClosedByServer;
                MvEventType::CHANNELDATAREADABLE
            }
            _ => {
                channel.delivered = true;
                MvEventType::CHANNELDATAREADABLE
            }
        };
        if fake.script.foreign_record_first {
            notify(fake, center, MvEventType::CHANNELDATAREADABLE, FOREIGN_TAG);
        }
        notify(fake, center, event, tag);
    }
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { microseconds.write(fake.clock_us) };
    MvStatus::OKAY
}

/// `mvReadConfigFetchResponseData`.
///
/// # Safety
///
/// As the header: a valid pointer.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvReadConfigFetchResponseData(
    handle: MvChannelHandle,
    data: *mut MvConfigResponseData,
) -> MvStatus {
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    let Some(channel) = channel_slot(&mut fake.channels, handle) else {
        return MvStatus::INVALIDHANDLE;
    };
    if data.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    if channel.state == ChannelState::ClosedByServer {
        return MvStatus::CHANNELCLOSED;
    }
    if !channel.delivered {
        return MvStatus::RESPONSENOTPRESENT;
    }
    let response =
        MvConfigResponseData { result: channel.result, num_items: channel.num_items as u32 };
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { data.write(response) };
    MvStatus::OKAY
}

/// `mvReadConfigResponseItem`: copies at most `size` bytes and writes the count copied.
///
/// # Safety
///
/// As the header: valid pointers, a buffer of `size` bytes.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvReadConfigResponseItem(
    handle: MvChannelHandle,
    params: *const MvConfigResponseReadItemParams,
) -> MvStatus {
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    fake.stats.item_reads += 1;
    // SAFETY: thread mode; the arena is not written during a fetch.
    let arena = unsafe { arena() }.as_ptr();
    let Some(channel) = channel_slot(&mut fake.channels, handle) else {
        return MvStatus::INVALIDHANDLE;
    };
    if params.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    if channel.state == ChannelState::ClosedByServer {
        return MvStatus::CHANNELCLOSED;
    }
    if !channel.delivered {
        return MvStatus::RESPONSENOTPRESENT;
    }
    // SAFETY: non-null, valid per the caller's contract.
    let params = unsafe { &*params };
    let index = params.item_index as usize;
    if index >= channel.num_items {
        return MvStatus::INDEXINVALID;
    }
    let Some(&item) = channel.items.get(index) else { return MvStatus::INDEXINVALID };
    if params.result.is_null()
        || params.buf.length.is_null()
        || (params.buf.data.is_null() && params.buf.size > 0)
    {
        return MvStatus::PARAMETERFAULT;
    }
    if index != channel.next_read {
        fake.stats.out_of_order = true;
    }
    channel.next_read = index + 1;
    let copied = item.len.min(params.buf.size as usize);
    // SAFETY: `at + len` lies inside the arena (checked when the item was made); the caller's
    // buffer holds `size >= copied` bytes.
    fake_copy(params.buf.data, unsafe { arena.add(item.at) }, copied);
    // SAFETY: non-null, valid per the caller's contract.
    unsafe {
        params.result.write(item.result);
        params.buf.length.write(copied as u32);
    }
    MvStatus::OKAY
}

/// `mvCloseChannel`: closes and zeroes the handle.
///
/// # Safety
///
/// As the header: a valid pointer.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvCloseChannel(handle: *mut MvChannelHandle) -> MvStatus {
    if handle.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    // SAFETY: non-null, valid per the caller's contract.
    let value = unsafe { handle.read() };
    let Some(channel) = channel_slot(&mut fake.channels, value) else {
        return MvStatus::INVALIDHANDLE;
    };
    channel.state = ChannelState::Free;
    fake.stats.closes += 1;
    fake.stats.open_channels = fake.stats.open_channels.saturating_sub(1);
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { handle.write(0) };
    MvStatus::OKAY
}

/// `mvGetChannelClosureReason`.
///
/// # Safety
///
/// As the header: a valid pointer.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn fake_mvGetChannelClosureReason(
    handle: MvChannelHandle,
    reason: *mut MvClosureReason,
) -> MvStatus {
    // SAFETY: thread mode; no other reference is live.
    let fake = unsafe { fake() };
    let Some(channel) = channel_slot(&mut fake.channels, handle) else {
        return MvStatus::INVALIDHANDLE;
    };
    if reason.is_null() {
        return MvStatus::PARAMETERFAULT;
    }
    let value = match channel.state {
        ChannelState::ClosedByServer => MvClosureReason::CHANNELCLOSEDBYSERVER,
        _ => MvClosureReason::NONE,
    };
    // SAFETY: non-null, valid per the caller's contract.
    unsafe { reason.write(value) };
    MvStatus::OKAY
}
