//! The non-generic core of every generated fetch.
//!
//! The derive's code is a struct literal whose every field is one call into [`Fetch`]: all the
//! protocol logic (send, wait, response checks, item reads, length checks, secret wiping,
//! closing) lives here once, however many structs and fields a firmware has.

use crate::channel::{ConfigChannel, KeySpec};
use crate::error::{FetchError, ItemError};
use crate::ffi::{MvConfigFetchResult, MvConfigKeyFetchResult, MvConfigKeyToFetch};
use crate::parse::wipe;
use crate::report::FieldOutcome;
#[cfg(doc)]
use crate::value::ConfigValue;
use crate::Store;
use core::mem::MaybeUninit;

/// A type's [`ConfigValue::parse_into`], as generated code passes it.
pub type ParseInto<T> =
    for<'s> fn(&[u8], &'s mut MaybeUninit<T>) -> Result<&'s mut T, crate::ParseError>;

/// One fetch in progress: the request was sent, the response arrived and matched the request;
/// items are read one after another, in request order.
///
/// Dropping it closes the channel and wipes the part of the read buffer that held a secret, on
/// success and on every error path alike.
pub struct Fetch<'a> {
    channel: &'a mut dyn ConfigChannel,
    schema: &'static [KeySpec],
    scratch: &'a mut [u8],
    /// The index of the next item to read.
    next: u32,
    /// How much of `scratch` may hold secret bytes.
    secret_extent: usize,
    /// Where `fetch_report` collects every field's outcome; `None` for a plain fetch.
    report: Option<ReportSink<'a>>,
}

/// Where a reporting fetch records each field's outcome, and how it judges the fields after
/// the first failure (the struct's generated `check_item`).
pub struct ReportSink<'a> {
    /// One slot per field, in field order.
    pub outcomes: &'a mut [FieldOutcome],
    /// Parses a field's text without keeping it.
    pub check: fn(usize, &[u8]) -> Result<(), crate::ParseError>,
}

impl core::fmt::Debug for ReportSink<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReportSink").field("outcomes", &self.outcomes).finish_non_exhaustive()
    }
}

/// Sends the request for `keys` (`mvSendConfigFetchRequest`). On failure the channel is closed
/// before the error is returned.
///
/// # Errors
///
/// [`FetchError::Send`].
pub fn send(
    channel: &mut dyn ConfigChannel,
    keys: &[MvConfigKeyToFetch],
) -> Result<(), FetchError> {
    channel.send_request(keys).map_err(|status| {
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

impl core::fmt::Debug for Fetch<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Fetch")
            .field("items", &self.schema.len())
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// Reads the response's overall result and item count, and checks them against a request of
/// `items` keys.
fn check_response(channel: &mut dyn ConfigChannel, items: usize) -> Result<(), FetchError> {
    let data = channel.read_response_data().map_err(FetchError::Response)?;
    match data.result {
        MvConfigFetchResult::OK => {}
        MvConfigFetchResult::RESPONSETOOLARGE => return Err(FetchError::ResponseTooLarge),
        other => return Err(FetchError::UnknownResponseResult(other.0)),
    }
    let expected = u32::try_from(items).unwrap_or(u32::MAX);
    if data.num_items != expected {
        return Err(FetchError::ItemCount { expected, got: data.num_items });
    }
    Ok(())
}

impl<'a> Fetch<'a> {
    /// Sends the request for `keys`, waits for the response and starts reading it: the three
    /// steps of a blocking fetch. `schema` describes the same keys; `scratch` must be at least
    /// one byte longer than the longest `max_len` (the derive's `SCRATCH_BYTES`).
    ///
    /// # Errors
    ///
    /// As [`send`], [`wait`] and [`Fetch::resume`]. The channel is closed before the error is
    /// returned.
    pub fn begin(
        channel: &'a mut dyn ConfigChannel,
        keys: &[MvConfigKeyToFetch],
        schema: &'static [KeySpec],
        scratch: &'a mut [u8],
    ) -> Result<Self, FetchError> {
        send(channel, keys)?;
        wait(channel)?;
        Fetch::resume(channel, schema, scratch, None)
    }

    /// Starts reading a response that has arrived: checks its overall result and that it holds
    /// one item per entry of `schema`.
    ///
    /// # Errors
    ///
    /// `Response` (`RESPONSENOTPRESENT` if it has not arrived yet), `ResponseTooLarge`,
    /// `UnknownResponseResult` or `ItemCount`. The channel is closed before the error is
    /// returned.
    pub fn resume(
        channel: &'a mut dyn ConfigChannel,
        schema: &'static [KeySpec],
        scratch: &'a mut [u8],
        report: Option<ReportSink<'a>>,
    ) -> Result<Self, FetchError> {
        // Built first, so that its Drop closes the channel on each early return below.
        let mut fetch = Fetch { channel, schema, scratch, next: 0, secret_extent: 0, report };
        if let Err(error) = check_response(&mut *fetch.channel, schema.len()) {
            // A response that failed as a whole has no items to judge: without this, the
            // drop's `finish_report` would read every item of a response that is too large or
            // does not match the request, and report fields `Ok` that were never fetched.
            // The report keeps every field `NotRead`, as `FieldOutcome::NotRead` says.
            fetch.report = None;
            return Err(error);
        }
        Ok(fetch)
    }

    /// Reads the next item and parses it straight into `slot` (the field's place in the
    /// settings being built: no copy of a large value passes through the stack). A key that is
    /// not found gives `T::missing()`, or [`ItemError::NotFound`] if `T` has no such value.
    /// On `Ok` the slot is initialized; on `Err` it is not (nothing to drop).
    ///
    /// # Errors
    ///
    /// [`FetchError::Item`] naming the key.
    pub fn value_into<T>(
        &mut self,
        slot: &mut MaybeUninit<T>,
        parse: ParseInto<T>,
        missing: fn() -> Option<T>,
    ) -> Result<(), FetchError> {
        if self.optional_into(slot, parse)? {
            return Ok(());
        }
        match missing() {
            Some(value) => {
                slot.write(value);
                Ok(())
            }
            None => Err(self.error_at_previous(ItemError::NotFound)),
        }
    }

    /// Reads the next item and parses it straight into `slot`: `true` if it did, `false` if
    /// the key is not found and the slot was left alone (the caller writes the default).
    ///
    /// # Errors
    ///
    /// [`FetchError::Item`] naming the key; the slot is then not initialized.
    pub fn optional_into<T>(
        &mut self,
        slot: &mut MaybeUninit<T>,
        parse: ParseInto<T>,
    ) -> Result<bool, FetchError> {
        let place = slot.as_ptr();
        // A `parse_into` that answers with a reference to anything but its slot (which a safe
        // impl could do) has not initialized the slot: refuse it rather than trust it.
        let verdict = self.read_next()?.map(|text| match parse(text, slot) {
            Ok(value) if core::ptr::eq(value, place) => Ok(()),
            Ok(_) => Err(crate::ParseError::Custom("parse_into answered outside its slot")),
            Err(error) => Err(error),
        });
        self.settle(verdict).map(|written| written.is_some())
    }

    /// Reads the next item and parses it with `parse` (`#[config(with = path)]`); `None` if the
    /// key is not found.
    ///
    /// # Errors
    ///
    /// [`FetchError::Item`] naming the key.
    pub fn optional_with<T>(
        &mut self,
        parse: fn(&[u8]) -> Result<T, crate::ParseError>,
    ) -> Result<Option<T>, FetchError> {
        let parsed = self.read_next()?.map(parse);
        self.settle(parsed)
    }

    /// Records how the item read last turned out, and gives its value or error.
    fn settle<T>(
        &mut self,
        parsed: Option<Result<T, crate::ParseError>>,
    ) -> Result<Option<T>, FetchError> {
        match parsed {
            None => {
                self.record(self.next.saturating_sub(1), FieldOutcome::Defaulted);
                Ok(None)
            }
            Some(Ok(value)) => {
                self.record(self.next.saturating_sub(1), FieldOutcome::Ok);
                Ok(Some(value))
            }
            Some(Err(error)) => Err(self.error_at_previous(ItemError::Invalid(error))),
        }
    }

    fn record(&mut self, index: u32, outcome: FieldOutcome) {
        if let Some(report) = &mut self.report {
            let slot = usize::try_from(index).ok().and_then(|i| report.outcomes.get_mut(i));
            if let Some(slot) = slot {
                *slot = outcome;
            }
        }
    }

    /// Runs a field's validator on its value (`#[config(validate = path)]`).
    ///
    /// # Errors
    ///
    /// [`FetchError::Item`] naming the key of the item read last.
    pub fn validate<T>(
        &mut self,
        value: &T,
        check: fn(&T) -> Result<(), crate::ParseError>,
    ) -> Result<(), FetchError> {
        check(value).map_err(|error| self.error_at_previous(ItemError::Invalid(error)))
    }

    /// The error for the item read last.
    pub fn error_at_previous(&mut self, error: ItemError) -> FetchError {
        self.item_error(self.next.saturating_sub(1), error)
    }

    fn item_error(&mut self, index: u32, error: ItemError) -> FetchError {
        self.record(index, FieldOutcome::Failed(error));
        let key = usize::try_from(index)
            .ok()
            .and_then(|i| self.schema.get(i))
            .map_or("", |spec| spec.key);
        FetchError::Item { index, key, error }
    }

    /// Reads the next item into the scratch buffer: its text, or `None` if the key is not
    /// found. Never returns a possibly truncated value: the read offers one byte more than the
    /// item's `max_len`, and a length that reaches that byte is "too long".
    fn read_next(&mut self) -> Result<Option<&[u8]>, FetchError> {
        let index = self.next;
        self.next = self.next.saturating_add(1);
        let Some(spec) = usize::try_from(index).ok().and_then(|i| self.schema.get(i)) else {
            return Err(self.item_error(index, ItemError::Read(crate::MvStatus::INDEXINVALID)));
        };
        let (max_len, secret) = (spec.max_len, spec.store == Store::Secret);
        let offered = max_len.saturating_add(1).min(self.scratch.len());
        if secret {
            self.secret_extent = self.secret_extent.max(offered);
        }
        let buf = self.scratch.get_mut(..offered).unwrap_or_default();
        let read = match self.channel.read_item(index, buf) {
            Ok(read) => read,
            Err(status) => return Err(self.item_error(index, ItemError::Read(status))),
        };
        match read.result {
            MvConfigKeyFetchResult::OK => {}
            MvConfigKeyFetchResult::KEYNOTFOUND => return Ok(None),
            MvConfigKeyFetchResult::SERVERERROR => {
                return Err(self.item_error(index, ItemError::ServerError))
            }
            other => return Err(self.item_error(index, ItemError::UnknownResult(other.0))),
        }
        let length = usize::try_from(read.length).unwrap_or(usize::MAX);
        let max = u32::try_from(max_len).unwrap_or(u32::MAX);
        // `offered <= scratch.len()`, so below it the slice is always there.
        if length >= offered {
            return Err(self.item_error(index, ItemError::TooLong { len: read.length, max }));
        }
        Ok(Some(self.scratch.get(..length).unwrap_or_default()))
    }
}

impl Fetch<'_> {
    /// For a reporting fetch that stopped at a failed field: reads and judges every item after
    /// it, so the report covers all fields.
    fn finish_report(&mut self) {
        let Some(check) = self.report.as_ref().map(|report| report.check) else {
            return;
        };
        while usize::try_from(self.next).is_ok_and(|next| next < self.schema.len()) {
            let index = self.next;
            let required = usize::try_from(index)
                .ok()
                .and_then(|i| self.schema.get(i))
                .is_some_and(|spec| spec.required);
            let outcome = match self.read_next() {
                Err(_) => continue, // recorded by `item_error`
                Ok(None) if required => FieldOutcome::Failed(ItemError::NotFound),
                Ok(None) => FieldOutcome::Defaulted,
                Ok(Some(text)) => match check(index as usize, text) {
                    Ok(()) => FieldOutcome::Ok,
                    Err(error) => FieldOutcome::Failed(ItemError::Invalid(error)),
                },
            };
            self.record(index, outcome);
        }
    }
}

impl Drop for Fetch<'_> {
    fn drop(&mut self) {
        self.finish_report();
        self.channel.close();
        if let Some(secret_bytes) = self.scratch.get_mut(..self.secret_extent) {
            wipe(secret_bytes);
        }
    }
}

/// The read buffer a schema needs: one byte more than its longest `max_len`.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn scratch_bytes(schema: &[KeySpec]) -> usize {
    let mut longest = 0;
    let mut i = 0;
    while i < schema.len() {
        if schema[i].max_len > longest {
            longest = schema[i].max_len;
        }
        i += 1;
    }
    longest + 1
}

/// The sum of a schema's `max_len`s: the most value bytes one response can carry.
#[allow(clippy::indexing_slicing)] // `i < len` guards it; evaluated at compile time anyway
pub const fn response_max_bytes(schema: &[KeySpec]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < schema.len() {
        total += schema[i].max_len;
        i += 1;
    }
    total
}

/// The fields of a settings value under construction that are written so far, dropped if the
/// construction stops half-way (so a `Secret` field already read is still wiped).
pub struct Filled<T> {
    out: *mut T,
    count: usize,
    drop_first: unsafe fn(*mut T, usize),
}

impl<T> Filled<T> {
    /// Starts with no field written.
    ///
    /// # Safety
    ///
    /// `out` must be valid for writes of `T` while this lives, and `drop_first(out, n)` must
    /// drop exactly the first `n` fields of `*out` in declaration order (the derive writes it).
    pub unsafe fn new(out: *mut T, drop_first: unsafe fn(*mut T, usize)) -> Self {
        Filled { out, count: 0, drop_first }
    }

    /// Counts one more field as written.
    pub fn advance(&mut self) {
        self.count += 1;
    }

    /// Every field is written: `*out` is a whole value now, which the caller owns.
    pub fn finish(self) {
        core::mem::forget(self);
    }
}

impl<T> Drop for Filled<T> {
    fn drop(&mut self) {
        // SAFETY: `new`'s contract: the first `count` fields were written (each `advance`
        // follows a write) and nothing else drops them, since the value never became whole.
        unsafe { (self.drop_first)(self.out, self.count) };
    }
}

impl<T> core::fmt::Debug for Filled<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Filled").field("count", &self.count).finish_non_exhaustive()
    }
}
