//! The channel a fetch talks through: the trait, the request it sends, and the two steps
//! every fetch shape shares (send, wait), which close the channel when they fail.

use crate::error::{FetchError, WaitError};
use crate::ffi::{MvConfigKeyFetchResult, MvConfigKeyToFetch, MvConfigResponseData, MvStatus};

/// A config-fetch channel: the four steps of one fetch, and closing.
///
/// The generated code talks only to this trait. The device implementation
/// (`microvisor_config::device::DeviceChannel`, on `target_os = "none"`) makes the real system
/// calls; the host simulator (crate `microvisor-config-sim`) behaves as
/// Microvisor does. A channel carries one request: Microvisor answers a second send on it with
/// `REQUESTALREADYSENT`.
pub trait ConfigChannel {
    /// Sends the one request of this channel (`mvSendConfigFetchRequest`). Success means only
    /// that the request left.
    ///
    /// # Errors
    ///
    /// The status Microvisor answered.
    fn send_request(&mut self, request: Request<'_>) -> Result<(), MvStatus>;

    /// Waits until the response has arrived (the channel's `CHANNELDATAREADABLE`
    /// notification), within the channel's timeout.
    ///
    /// # Errors
    ///
    /// [`WaitError::Timeout`] if nothing arrived in time, or why waiting failed.
    fn wait_response(&mut self) -> Result<(), WaitError>;

    /// Reads the overall result and the item count (`mvReadConfigFetchResponseData`).
    ///
    /// # Errors
    ///
    /// The status Microvisor answered.
    fn read_response_data(&mut self) -> Result<MvConfigResponseData, MvStatus>;

    /// Copies item `index` into `buf` (`mvReadConfigResponseItem`) and returns its result and
    /// the length Microvisor wrote through `length`. That length may exceed `buf.len()`: a
    /// reader must never trust bytes past `buf.len()`.
    ///
    /// # Errors
    ///
    /// The status Microvisor answered.
    fn read_item(&mut self, index: u32, buf: &mut [u8]) -> Result<ItemRead, MvStatus>;

    /// Closes the channel (`mvCloseChannel`). Closing a closed channel does nothing.
    fn close(&mut self);
}

impl<C: ConfigChannel + ?Sized> ConfigChannel for &mut C {
    fn send_request(&mut self, request: Request<'_>) -> Result<(), MvStatus> {
        (**self).send_request(request)
    }
    fn wait_response(&mut self) -> Result<(), WaitError> {
        (**self).wait_response()
    }
    fn read_response_data(&mut self) -> Result<MvConfigResponseData, MvStatus> {
        (**self).read_response_data()
    }
    fn read_item(&mut self, index: u32, buf: &mut [u8]) -> Result<ItemRead, MvStatus> {
        (**self).read_item(index, buf)
    }
    fn close(&mut self) {
        (**self).close();
    }
}

/// The keys of one request, each known to point at text it may read: what a channel sends.
///
/// A raw `MvConfigKeyToFetch` holds a pointer anyone can set, so a channel that reads the key
/// text (the simulator does, and Microvisor will) needs this promise. A struct's request is
/// `Request::of`; raw keys need [`Request::from_raw`] and its safety contract.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    keys: &'a [MvConfigKeyToFetch],
}

impl<'a> Request<'a> {
    /// A request of raw keys.
    ///
    /// # Safety
    ///
    /// Every key's `data` points at `length` bytes that are readable, and not written, for
    /// `'a` (a `&'a str`'s bytes, for example).
    pub const unsafe fn from_raw(keys: &'a [MvConfigKeyToFetch]) -> Self {
        Request { keys }
    }

    /// The keys, as the system call takes them.
    pub const fn keys(&self) -> &'a [MvConfigKeyToFetch] {
        self.keys
    }

    /// The number of keys.
    pub const fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the request names no key.
    pub const fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The text of key `index`, if there is such a key.
    pub fn key(&self, index: usize) -> Option<&'a [u8]> {
        let key = self.keys.get(index)?;
        let length = usize::try_from(key.key.length).ok()?;
        if length == 0 {
            return Some(&[]);
        }
        if key.key.data.is_null() {
            return None;
        }
        // SAFETY: `from_raw`'s (or `of`'s) promise: `data` points at `length` bytes readable
        // and unchanged for 'a.
        Some(unsafe { core::slice::from_raw_parts(key.key.data, length) })
    }
}

/// What `mvReadConfigResponseItem` wrote besides the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemRead {
    /// The item's result.
    pub result: MvConfigKeyFetchResult,
    /// The byte count written through `length`.
    pub length: u32,
}

/// Sends `request` (`mvSendConfigFetchRequest`). On failure the channel is closed before the
/// error is returned.
///
/// # Errors
///
/// [`FetchError::Send`].
pub fn send(channel: &mut dyn ConfigChannel, request: Request<'_>) -> Result<(), FetchError> {
    channel.send_request(request).map_err(|status| {
        channel.close();
        FetchError::Send(status)
    })
}

/// Waits for the response. On failure the channel is closed before the error is returned.
///
/// # Errors
///
/// [`FetchError::Wait`].
pub fn wait(channel: &mut dyn ConfigChannel) -> Result<(), FetchError> {
    channel.wait_response().map_err(|error| {
        channel.close();
        FetchError::Wait(error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Scope, Store};

    /// A request's length and keys are what it was made of; a null key has no text.
    #[test]
    fn a_request_is_its_keys() {
        const KEY: &str = "broker-host";
        let keys = [
            crate::schema::request_entry(Scope::Device, Store::Config, KEY),
            MvConfigKeyToFetch {
                key: crate::ffi::MvSizedString { data: core::ptr::null(), length: 3 },
                ..crate::schema::request_entry(Scope::Device, Store::Config, KEY)
            },
        ];
        // SAFETY: the first key points at a string literal; the second is null, which `key`
        // refuses to read.
        let request = unsafe { Request::from_raw(&keys) };
        assert_eq!((request.len(), request.is_empty()), (2, false));
        assert_eq!(request.key(0), Some(KEY.as_bytes()));
        assert_eq!(request.key(1), None);
        assert_eq!(request.key(2), None);
        // SAFETY: no keys.
        let empty = unsafe { Request::from_raw(&[]) };
        assert_eq!((empty.len(), empty.is_empty()), (0, true));
    }
}
