//! A config-fetch channel whose every answer comes from the fuzzer's bytes, and the log of what
//! it was asked and what it answered.
//!
//! The input is read front to back, lazily, one call at a time; once it runs out every read is
//! zero, which is the "all is well" answer of each call, so a short input still finishes a
//! fetch. Each call starts with a control byte; most values mean the normal answer (so that
//! random bytes mostly get through to the items) and the top ones pick a fault:
//!
//! | call | control byte | answer |
//! |---|---|---|
//! | send | `< 0xf0` | `Ok` |
//! | | `>= 0xf0` | `Err(status)` |
//! | wait | `< 0xf0` | `Ok` |
//! | | `0xf0..=0xf4` / `0xf5..=0xf9` / `>= 0xfa` | `Timeout` / `ChannelClosed` / `Status(status)` |
//! | response data | `< 0xf0` | `Ok { OK, every item }` |
//! | | `0xf0..=0xf3` | `Err(status)` |
//! | | `0xf4..=0xf7` / `0xf8..=0xfb` / `>= 0xfc` | a `result`, a `num_items`, or both |
//! | read item | `< 0xe0` / `0xe8..=0xef` / `0xf0..=0xf3` / `>= 0xf4` | result `OK` / `KEYNOTFOUND` / `SERVERERROR` / a `result` |
//! | | `0xe0..=0xe7` | `Err(status)` |
//!
//! An item that is not `Err` goes on with a length (one byte below `0xfe`, else two or four
//! more bytes) and the bytes the device writes: `min(length, buffer)` of them, from the input.
//! Bit 0 of the control byte says what a value longer than the buffer reports: 0 its full
//! length, 1 the bytes written (the header does not say which the device does). Bit 1 fills
//! the rest of the buffer with `0xee` after the value, which no correct reader may look at.
//!
//! A `status` is one byte picking one of [`PICKS`] (the statuses the calls document, and two
//! more), or `0xff` and a raw `u32`; a `result` is one byte: `OK`,
//! `RESPONSETOOLARGE`/`KEYNOTFOUND`, `2`, or `0xff` and a raw `u32`.

use microvisor_config::ffi::{MvConfigFetchResult, MvConfigKeyFetchResult, MvConfigResponseData};
use microvisor_config::{ConfigChannel, ItemRead, MvStatus, Request, WaitError};

use crate::statuses;

/// The statuses a script picks by one byte: every one the calls of a fetch document (the shared
/// fixture `tests/fixtures/statuses.rs`, which the fault sweep uses too), then two that none of
/// them documents: UNAVAILABLE (opening a channel's) and OKAY, a failure that claims success,
/// which must still fail the fetch.
pub const PICKS: [MvStatus; 12] =
    statuses::union(&[&statuses::ALL, &[MvStatus::UNAVAILABLE, MvStatus::OKAY]]);

/// Reads the fuzzer's bytes front to back; zero once they run out.
#[derive(Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    /// The next byte, or zero.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&first, rest)) => {
                self.data = rest;
                first
            }
            None => 0,
        }
    }

    /// The next four bytes as a little-endian `u32`, missing bytes zero.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// The next `n` bytes, missing bytes zero.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }

    /// A status: one of [`PICKS`], or a raw value.
    pub fn status(&mut self) -> MvStatus {
        match self.byte() {
            0xff => MvStatus(self.u32()),
            pick => PICKS[usize::from(pick) % PICKS.len()],
        }
    }

    /// A result value: 0, 1, 2 or a raw one.
    pub fn result(&mut self) -> u32 {
        match self.byte() {
            0xff => self.u32(),
            pick => u32::from(pick % 3),
        }
    }

    /// An item length: a byte, or after `0xfe` a `u16`, after `0xff` a `u32`.
    pub fn length(&mut self) -> u32 {
        match self.byte() {
            0xfe => u32::from(u16::from_le_bytes([self.byte(), self.byte()])),
            0xff => self.u32(),
            short => u32::from(short),
        }
    }
}

/// One call the fetch made, and what the channel answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// `send_request`, with the keys as (scope, store, text).
    Send { keys: Vec<(u32, u32, Vec<u8>)>, answer: Result<(), MvStatus> },
    /// `wait_response`.
    Wait { answer: Result<(), WaitError> },
    /// `read_response_data`.
    ResponseData { answer: Result<MvConfigResponseData, MvStatus> },
    /// `read_item`: the index asked for, the buffer's length, the answer, and the bytes the
    /// device wrote at the start of the buffer.
    ReadItem { index: u32, offered: usize, answer: Result<ItemRead, MvStatus>, written: Vec<u8> },
    /// `close`.
    Close,
}

/// The fuzzer's channel. See the [module documentation](self).
#[derive(Debug)]
pub struct ScriptChannel<'a> {
    input: Reader<'a>,
    /// How many items a normal response holds.
    items: u32,
    /// Every call, in order.
    pub log: Vec<Call>,
    closed: bool,
    /// Set when the fetch called anything but `close` on a closed channel.
    pub used_after_close: bool,
}

impl<'a> ScriptChannel<'a> {
    /// A channel answering from `input`, whose normal response holds `items` items.
    pub fn new(input: Reader<'a>, items: u32) -> Self {
        ScriptChannel { input, items, log: Vec::new(), closed: false, used_after_close: false }
    }

    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    fn touch(&mut self) {
        if self.closed {
            self.used_after_close = true;
        }
    }
}

impl ConfigChannel for ScriptChannel<'_> {
    fn send_request(&mut self, request: Request<'_>) -> Result<(), MvStatus> {
        self.touch();
        let keys = request
            .keys()
            .iter()
            .enumerate()
            .map(|(index, k)| {
                let text = request.key(index).unwrap_or_default();
                (k.scope.0, k.store.0, text.to_vec())
            })
            .collect();
        let answer = if self.input.byte() >= 0xf0 { Err(self.input.status()) } else { Ok(()) };
        self.log.push(Call::Send { keys, answer });
        answer
    }

    fn wait_response(&mut self) -> Result<(), WaitError> {
        self.touch();
        let answer = match self.input.byte() {
            0..=0xef => Ok(()),
            0xf0..=0xf4 => Err(WaitError::Timeout),
            0xf5..=0xf9 => Err(WaitError::ChannelClosed),
            0xfa..=0xff => Err(WaitError::Status(self.input.status())),
        };
        self.log.push(Call::Wait { answer });
        answer
    }

    fn read_response_data(&mut self) -> Result<MvConfigResponseData, MvStatus> {
        self.touch();
        let normal =
            MvConfigResponseData { result: MvConfigFetchResult::OK, num_items: self.items };
        let answer = match self.input.byte() {
            0..=0xef => Ok(normal),
            0xf0..=0xf3 => Err(self.input.status()),
            0xf4..=0xf7 => Ok(MvConfigResponseData {
                result: MvConfigFetchResult(self.input.result()),
                ..normal
            }),
            0xf8..=0xfb => Ok(MvConfigResponseData { num_items: self.input.u32(), ..normal }),
            0xfc..=0xff => Ok(MvConfigResponseData {
                result: MvConfigFetchResult(self.input.result()),
                num_items: self.input.u32(),
            }),
        };
        self.log.push(Call::ResponseData { answer });
        answer
    }

    fn read_item(&mut self, index: u32, buf: &mut [u8]) -> Result<ItemRead, MvStatus> {
        self.touch();
        let control = self.input.byte();
        let result = match control {
            0..=0xdf => MvConfigKeyFetchResult::OK,
            0xe0..=0xe7 => {
                let answer = Err(self.input.status());
                self.log.push(Call::ReadItem {
                    index,
                    offered: buf.len(),
                    answer,
                    written: Vec::new(),
                });
                return answer;
            }
            0xe8..=0xef => MvConfigKeyFetchResult::KEYNOTFOUND,
            0xf0..=0xf3 => MvConfigKeyFetchResult::SERVERERROR,
            0xf4..=0xff => MvConfigKeyFetchResult(self.input.result()),
        };
        let length = self.input.length();
        let written = (length as usize).min(buf.len());
        let bytes = self.input.bytes(written);
        buf[..written].copy_from_slice(&bytes);
        if control & 2 != 0 {
            buf[written..].fill(0xee);
        }
        let reported = if control & 1 == 0 { length } else { written as u32 };
        let answer = Ok(ItemRead { result, length: reported });
        self.log.push(Call::ReadItem { index, offered: buf.len(), answer, written: bytes });
        answer
    }

    fn close(&mut self) {
        self.closed = true;
        self.log.push(Call::Close);
    }
}
