//! The simulated config-fetch channel: behaves as the device's does, over a [`Cloud`].

use std::vec::Vec;

use microvisor_config::ffi::{MvConfigFetchResult, MvConfigKeyFetchResult, MvConfigResponseData};
use microvisor_config::{ConfigChannel, ItemRead, MvStatus, Request, Scope, Store, WaitError};

use crate::cloud::{response_bytes, ChannelFault, Cloud, Entry, Fault, RequestedKey, Truncation};

impl Cloud {
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

/// A simulated config-fetch channel, opened by [`Cloud::open_channel`]: see the [crate
/// documentation](crate) for how it behaves.
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
                || key.len() > microvisor_config::CLOUD_MAX_KEY_LEN
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
impl microvisor_config::AsyncConfigChannel for SimChannel<'_> {
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
