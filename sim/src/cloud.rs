//! The simulated cloud: its four stores, the faults it is told to show, and what its channels
//! logged.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::vec::Vec;

use microvisor_config::{MvStatus, Scope, Store};

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
pub(crate) enum Entry {
    Value(Vec<u8>),
    Fault(Fault),
}

#[derive(Debug, Default)]
pub(crate) struct Log {
    pub(crate) channels_opened: usize,
    pub(crate) channels_closed: usize,
    pub(crate) requests_sent: usize,
    pub(crate) last_request: Vec<RequestedKey>,
    /// With manual delivery: how many times `deliver` was called, and who waits for it.
    pub(crate) deliveries: usize,
    pub(crate) wakers: Vec<std::task::Waker>,
    pub(crate) polls: usize,
}

/// The four stores of a simulated cloud, and the faults it is told to show.
#[derive(Debug)]
pub struct Cloud {
    pub(crate) entries: BTreeMap<(Scope, Store, Vec<u8>), Entry>,
    channel_faults: Vec<ChannelFault>,
    pub(crate) receive_buffer: usize,
    pub(crate) truncation: Truncation,
    pub(crate) max_keys: Option<usize>,
    pub(crate) manual_delivery: bool,
    pub(crate) log: RefCell<Log>,
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

    pub(crate) fn has_fault(&self, wanted: impl Fn(&ChannelFault) -> bool) -> Option<ChannelFault> {
        self.channel_faults.iter().copied().find(|fault| wanted(fault))
    }
}
