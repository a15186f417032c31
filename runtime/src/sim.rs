//! A host simulator of the Microvisor cloud and its config-fetch channel (feature `sim`).
//!
//! [`Cloud`] holds the four stores; [`Cloud::open_channel`] gives a [`SimChannel`] that behaves
//! as the vendor's header says the device does: one request per channel (`REQUESTALREADYSENT`
//! after it), `INVALIDCONFIGKEY` for a key outside printable ASCII, `KEYNOTFOUND`,
//! `SERVERERROR`, `RESPONSETOOLARGE` when the response exceeds the receive buffer,
//! `INDEXINVALID`, `CHANNELCLOSED`, a response that is readable only once the wait has begun,
//! and either of the two plausible answers to a value longer than the reader's buffer.
//! [`Cloud::deliver_manually`] holds responses until [`Cloud::deliver`], the simulated
//! notification, for event loops and `async` fetches.
//!
//! A cloud can also be read from a TOML file ([`Cloud::from_toml_file`]), checked against a
//! settings struct with every problem listed at once ([`Cloud::check`]), and written as a
//! skeleton to fill in ([`template`]); the README's "cloud in a file" section has the format.
//!
//! # Examples
//!
//! ```
//! use microvisor_config::{sim::Cloud, MicrovisorConfig, Scope, Store};
//!
//! #[derive(MicrovisorConfig)]
//! #[config(scope = device, store = config)]
//! struct Settings {
//!     #[config(key = "broker-port")]
//!     port: u16,
//! }
//!
//! let mut cloud = Cloud::new();
//! cloud.insert(Scope::Device, Store::Config, "broker-port", "8883");
//! let settings = Settings::fetch(&mut cloud.open_channel()).unwrap();
//! assert_eq!(settings.port, 8883);
//! assert_eq!(cloud.requests_sent(), 1);
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::vec::Vec;

use crate::channel::{ConfigChannel, ItemRead, Request, Scope, Store};
use crate::error::WaitError;
use crate::ffi::{MvConfigFetchResult, MvConfigKeyFetchResult, MvConfigResponseData, MvStatus};

mod check;
mod file;
mod place;
mod template;

pub use check::{CheckReport, FieldCheck, Status};
pub use file::{LoadError, Problem, ProblemKind, FAULT_OPTIONS};
pub use place::Place;
pub use template::template;

/// The receive buffer the vendor's demos give a config-fetch channel.
pub const DEFAULT_RECEIVE_BUFFER: usize = 7 * 1024;

/// The bytes the simulator counts for the response's own header, besides its items.
pub const RESPONSE_HEADER_BYTES: usize = 8;

/// The bytes the simulator counts for each item, besides its value. The real wire format is not
/// published; size receive buffers with a margin over this model.
pub const ITEM_OVERHEAD_BYTES: usize = 8;

/// The size of a response of `items` items whose values total `value_bytes`, in the
/// simulator's model (a header, then each item's overhead and value): a response larger than
/// the channel's receive buffer is `RESPONSETOOLARGE`.
pub const fn response_bytes(items: usize, value_bytes: usize) -> usize {
    RESPONSE_HEADER_BYTES
        .saturating_add(items.saturating_mul(ITEM_OVERHEAD_BYTES))
        .saturating_add(value_bytes)
}

/// What a key answers instead of its value.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The item's result is `SERVERERROR`.
    ServerError,
    /// The item's result is a value the header does not define.
    UnknownResult(u32),
    /// `mvReadConfigResponseItem` answers this status for the item.
    ReadStatus(MvStatus),
}

/// A fault of the channel as a whole.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelFault {
    /// `mvSendConfigFetchRequest` answers this status.
    SendStatus(MvStatus),
    /// The response never arrives: the wait times out.
    NoResponse,
    /// The channel closes while the fetch waits.
    ClosedWhileWaiting,
    /// `mvReadConfigFetchResponseData` answers this status.
    ResponseStatus(MvStatus),
    /// The response's overall result is this raw value.
    ResponseResult(u32),
    /// The response claims this many items, whatever the request named.
    ItemCount(u32),
    /// The channel closes after this many items were read.
    CloseAfterItems(u32),
}

/// How the simulated device answers a value longer than the reader's buffer. The header does
/// not say; a reader must be correct under both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Truncation {
    /// It copies what fits and reports the bytes it wrote (the buffer's size).
    #[default]
    ReportWritten,
    /// It copies what fits and reports the value's full length.
    ReportFullLength,
}

/// One key as a request named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestedKey {
    /// Its scope.
    pub scope: Scope,
    /// Its store.
    pub store: Store,
    /// The key's bytes.
    pub key: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    Value(Vec<u8>),
    Fault(Fault),
}

#[derive(Debug, Default)]
struct Log {
    channels_opened: usize,
    channels_closed: usize,
    requests_sent: usize,
    last_request: Vec<RequestedKey>,
    /// With manual delivery: how many times `deliver` was called, and who waits for it.
    deliveries: usize,
    wakers: Vec<std::task::Waker>,
    polls: usize,
}

/// The four stores of a simulated cloud, and the faults it is told to show.
#[derive(Debug)]
pub struct Cloud {
    entries: BTreeMap<(Scope, Store, Vec<u8>), Entry>,
    channel_faults: Vec<ChannelFault>,
    receive_buffer: usize,
    truncation: Truncation,
    max_keys: Option<usize>,
    manual_delivery: bool,
    log: RefCell<Log>,
}

impl Default for Cloud {
    fn default() -> Self {
        Self::new()
    }
}

impl Cloud {
    /// An empty cloud with the vendor demos' 7 KiB receive buffer.
    pub fn new() -> Self {
        Cloud {
            entries: BTreeMap::new(),
            channel_faults: Vec::new(),
            receive_buffer: DEFAULT_RECEIVE_BUFFER,
            truncation: Truncation::default(),
            max_keys: None,
            manual_delivery: false,
            log: RefCell::new(Log::default()),
        }
    }

    /// Stores `value` under `key` (replacing a value or fault there).
    pub fn insert(
        &mut self,
        scope: Scope,
        store: Store,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> &mut Self {
        self.entries
            .insert((scope, store, key.as_ref().to_vec()), Entry::Value(value.as_ref().to_vec()));
        self
    }

    /// Removes `key`, so that it answers `KEYNOTFOUND`.
    pub fn remove(&mut self, scope: Scope, store: Store, key: impl AsRef<[u8]>) -> &mut Self {
        self.entries.remove(&(scope, store, key.as_ref().to_vec()));
        self
    }

    /// Makes `key` answer `fault` instead of a value.
    pub fn fail(
        &mut self,
        scope: Scope,
        store: Store,
        key: impl AsRef<[u8]>,
        fault: Fault,
    ) -> &mut Self {
        self.entries.insert((scope, store, key.as_ref().to_vec()), Entry::Fault(fault));
        self
    }

    /// Makes every channel opened from now on show `fault`.
    pub fn channel_fault(&mut self, fault: ChannelFault) -> &mut Self {
        self.channel_faults.push(fault);
        self
    }

    /// Removes every channel fault.
    pub fn clear_channel_faults(&mut self) -> &mut Self {
        self.channel_faults.clear();
        self
    }

    /// Sets the channel's receive buffer, in bytes; a larger response is `RESPONSETOOLARGE`.
    pub fn receive_buffer(&mut self, bytes: usize) -> &mut Self {
        self.receive_buffer = bytes;
        self
    }

    /// Sets how a value longer than the reader's buffer is answered.
    pub fn truncation(&mut self, truncation: Truncation) -> &mut Self {
        self.truncation = truncation;
        self
    }

    /// Makes a request naming more than `max` keys fail with `TOOMANYCONFIGKEYS` (the real limit
    /// is not published).
    pub fn max_keys(&mut self, max: usize) -> &mut Self {
        self.max_keys = Some(max);
        self
    }

    /// Makes responses arrive only when [`Cloud::deliver`] is called, as a real response
    /// arrives some time after the request: for tests of event loops and `async` fetches.
    pub fn deliver_manually(&mut self) -> &mut Self {
        self.manual_delivery = true;
        self
    }

    /// With manual delivery: the responses to every request sent so far arrive, and the
    /// wakers of the `async` fetches awaiting them are woken (the device's notification).
    pub fn deliver(&self) {
        let wakers = {
            let mut log = self.log.borrow_mut();
            log.deliveries += 1;
            core::mem::take(&mut log.wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }

    /// How many times an `async` fetch polled for its response.
    pub fn response_polls(&self) -> usize {
        self.log.borrow().polls
    }

    /// The value stored under a key, if any.
    pub fn get(&self, scope: Scope, store: Store, key: impl AsRef<[u8]>) -> Option<&[u8]> {
        match self.entries.get(&(scope, store, key.as_ref().to_vec())) {
            Some(Entry::Value(value)) => Some(value),
            _ => None,
        }
    }

    /// Every key stored, with its scope and store, in a stable order.
    pub fn keys(&self) -> impl Iterator<Item = (Scope, Store, &[u8])> + '_ {
        self.entries.keys().map(|(scope, store, key)| (*scope, *store, key.as_slice()))
    }

    /// Opens a config-fetch channel on this cloud.
    pub fn open_channel(&self) -> SimChannel<'_> {
        self.log.borrow_mut().channels_opened += 1;
        SimChannel {
            cloud: self,
            state: State::Open,
            response: Vec::new(),
            response_data: MvConfigResponseData::default(),
            items_read: 0,
            delivered_at: 0,
        }
    }

    /// How many channels were opened.
    pub fn channels_opened(&self) -> usize {
        self.log.borrow().channels_opened
    }

    /// How many channels were closed (each counted once).
    pub fn channels_closed(&self) -> usize {
        self.log.borrow().channels_closed
    }

    /// How many `mvSendConfigFetchRequest` calls any channel received, successful or not.
    pub fn requests_sent(&self) -> usize {
        self.log.borrow().requests_sent
    }

    /// The keys of the last request, in request order.
    pub fn last_request(&self) -> Vec<RequestedKey> {
        self.log.borrow().last_request.clone()
    }

    fn has_fault(&self, wanted: impl Fn(&ChannelFault) -> bool) -> Option<ChannelFault> {
        self.channel_faults.iter().copied().find(|fault| wanted(fault))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Open, no request yet.
    Open,
    /// The request left; the response is on its way.
    Sent,
    /// The response arrived (the fetch has waited for it).
    Arrived,
    /// Closed by the application or by the simulated server.
    Closed,
}

/// A simulated config-fetch channel. See the [module documentation](self).
#[derive(Debug)]
pub struct SimChannel<'cloud> {
    cloud: &'cloud Cloud,
    state: State,
    response: Vec<Result<Entry, ()>>,
    response_data: MvConfigResponseData,
    items_read: u32,
    /// With manual delivery: the `Cloud::deliver` count at which the response arrives.
    delivered_at: usize,
}

impl SimChannel<'_> {
    /// Whether the channel is closed.
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    /// Whether the response can be read, as the reads answer it. With manual delivery, a
    /// delivered response is readable without a wait: an event loop reads it when the
    /// notification (here `Cloud::deliver`) says so.
    fn arrived(&mut self) -> Result<(), MvStatus> {
        if self.state == State::Sent && self.cloud.manual_delivery && self.is_delivered() {
            self.state = State::Arrived;
        }
        match self.state {
            State::Closed => Err(MvStatus::CHANNELCLOSED),
            State::Open | State::Sent => Err(MvStatus::RESPONSENOTPRESENT),
            State::Arrived => Ok(()),
        }
    }

    fn is_delivered(&self) -> bool {
        !self.cloud.manual_delivery || self.cloud.log.borrow().deliveries >= self.delivered_at
    }

    fn close_by_server(&mut self) {
        if self.state != State::Closed {
            self.state = State::Closed;
            self.cloud.log.borrow_mut().channels_closed += 1;
        }
    }

    fn build_response(&mut self, keys: &[RequestedKey]) {
        let mut value_bytes = 0;
        self.response = keys
            .iter()
            .map(|k| {
                let entry = self.cloud.entries.get(&(k.scope, k.store, k.key.clone())).cloned();
                if let Some(Entry::Value(value)) = &entry {
                    value_bytes += value.len();
                }
                entry.ok_or(())
            })
            .collect();
        let fits = response_bytes(keys.len(), value_bytes) <= self.cloud.receive_buffer;
        self.response_data = MvConfigResponseData {
            result: if fits {
                MvConfigFetchResult::OK
            } else {
                MvConfigFetchResult::RESPONSETOOLARGE
            },
            num_items: if fits { u32::try_from(keys.len()).unwrap_or(u32::MAX) } else { 0 },
        };
        if let Some(ChannelFault::ResponseResult(raw)) =
            self.cloud.has_fault(|f| matches!(f, ChannelFault::ResponseResult(_)))
        {
            self.response_data.result = MvConfigFetchResult(raw);
        }
        if let Some(ChannelFault::ItemCount(count)) =
            self.cloud.has_fault(|f| matches!(f, ChannelFault::ItemCount(_)))
        {
            self.response_data.num_items = count;
        }
    }
}

/// Reads a request's keys the way the device does, through their pointers.
fn read_request(request: Request<'_>) -> Result<Vec<RequestedKey>, MvStatus> {
    (0..request.len())
        .zip(request.keys())
        .map(|(index, k)| {
            let scope = Scope::from_ffi(k.scope).ok_or(MvStatus::UNKNOWNCONFIGSCOPE)?;
            let store = Store::from_ffi(k.store).ok_or(MvStatus::UNKNOWNCONFIGSTORE)?;
            // A key whose pointer is null: Microvisor faults on the nested pointer.
            let key = request.key(index).ok_or(MvStatus::LATEFAULT)?.to_vec();
            if key.is_empty()
                || key.len() > crate::CLOUD_MAX_KEY_LEN
                || !key.iter().all(|b| (0x20..0x7f).contains(b))
            {
                return Err(MvStatus::INVALIDCONFIGKEY);
            }
            Ok(RequestedKey { scope, store, key })
        })
        .collect()
}

impl ConfigChannel for SimChannel<'_> {
    fn send_request(&mut self, request: Request<'_>) -> Result<(), MvStatus> {
        self.cloud.log.borrow_mut().requests_sent += 1;
        match self.state {
            State::Closed => return Err(MvStatus::CHANNELCLOSED),
            State::Sent | State::Arrived => return Err(MvStatus::REQUESTALREADYSENT),
            State::Open => {}
        }
        if let Some(ChannelFault::SendStatus(status)) =
            self.cloud.has_fault(|f| matches!(f, ChannelFault::SendStatus(_)))
        {
            if !status.leaves_request_unsent() {
                self.state = State::Sent;
            }
            return Err(status);
        }
        let requested = match read_request(request) {
            Ok(requested) => requested,
            Err(status) => {
                self.state = State::Sent;
                return Err(status);
            }
        };
        self.state = State::Sent;
        if self.cloud.max_keys.is_some_and(|max| requested.len() > max) {
            return Err(MvStatus::TOOMANYCONFIGKEYS);
        }
        self.build_response(&requested);
        let mut log = self.cloud.log.borrow_mut();
        log.last_request = requested;
        self.delivered_at = log.deliveries + 1;
        Ok(())
    }

    fn wait_response(&mut self) -> Result<(), WaitError> {
        match self.state {
            // Nothing was sent, so nothing will arrive: as the device channel, which answers
            // a wait without a request at once rather than after its timeout.
            State::Closed | State::Open => return Err(WaitError::ChannelClosed),
            State::Sent | State::Arrived => {}
        }
        if self.cloud.has_fault(|f| *f == ChannelFault::NoResponse).is_some()
            || !self.is_delivered()
        {
            return Err(WaitError::Timeout);
        }
        if self.cloud.has_fault(|f| *f == ChannelFault::ClosedWhileWaiting).is_some() {
            self.close_by_server();
            return Err(WaitError::ChannelClosed);
        }
        // The response "arrives" only once somebody waits for it, so a reader that skips the
        // wait sees RESPONSENOTPRESENT, as on a device whose response is still in flight.
        self.state = State::Arrived;
        Ok(())
    }

    fn read_response_data(&mut self) -> Result<MvConfigResponseData, MvStatus> {
        self.arrived()?;
        if let Some(ChannelFault::ResponseStatus(status)) =
            self.cloud.has_fault(|f| matches!(f, ChannelFault::ResponseStatus(_)))
        {
            return Err(status);
        }
        Ok(self.response_data)
    }

    fn read_item(&mut self, index: u32, buf: &mut [u8]) -> Result<ItemRead, MvStatus> {
        self.arrived()?;
        if self.response_data.result != MvConfigFetchResult::OK {
            return Err(MvStatus::RESPONSENOTPRESENT);
        }
        if let Some(ChannelFault::CloseAfterItems(limit)) =
            self.cloud.has_fault(|f| matches!(f, ChannelFault::CloseAfterItems(_)))
        {
            if self.items_read >= limit {
                self.close_by_server();
                return Err(MvStatus::CHANNELCLOSED);
            }
        }
        let entry = usize::try_from(index)
            .ok()
            .and_then(|i| self.response.get(i))
            .ok_or(MvStatus::INDEXINVALID)?;
        self.items_read += 1;
        let (result, value): (_, &[u8]) = match entry {
            Err(()) => (MvConfigKeyFetchResult::KEYNOTFOUND, &[]),
            Ok(Entry::Fault(Fault::ServerError)) => (MvConfigKeyFetchResult::SERVERERROR, &[]),
            Ok(Entry::Fault(Fault::UnknownResult(raw))) => (MvConfigKeyFetchResult(*raw), &[]),
            Ok(Entry::Fault(Fault::ReadStatus(status))) => return Err(*status),
            Ok(Entry::Value(value)) => (MvConfigKeyFetchResult::OK, value.as_slice()),
        };
        let written = value.len().min(buf.len());
        if let (Some(dest), Some(src)) = (buf.get_mut(..written), value.get(..written)) {
            dest.copy_from_slice(src);
        }
        let reported = match self.cloud.truncation {
            Truncation::ReportWritten => written,
            Truncation::ReportFullLength => value.len(),
        };
        Ok(ItemRead { result, length: u32::try_from(reported).unwrap_or(u32::MAX) })
    }

    fn close(&mut self) {
        self.close_by_server();
    }
}

#[cfg(feature = "async")]
impl crate::AsyncConfigChannel for SimChannel<'_> {
    fn poll_response(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), WaitError>> {
        use std::task::Poll;
        self.cloud.log.borrow_mut().polls += 1;
        match self.state {
            // As `wait_response`.
            State::Closed | State::Open => return Poll::Ready(Err(WaitError::ChannelClosed)),
            State::Sent | State::Arrived => {}
        }
        if self.cloud.has_fault(|f| *f == ChannelFault::ClosedWhileWaiting).is_some() {
            self.close_by_server();
            return Poll::Ready(Err(WaitError::ChannelClosed));
        }
        let never = self.cloud.has_fault(|f| *f == ChannelFault::NoResponse).is_some();
        if never || !self.is_delivered() {
            // Woken by `Cloud::deliver`, as the device's notification wakes the real channel.
            self.cloud.log.borrow_mut().wakers.push(cx.waker().clone());
            return Poll::Pending;
        }
        self.state = State::Arrived;
        Poll::Ready(Ok(()))
    }
}
