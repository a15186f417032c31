//! The non-generic core of every generated fetch.
//!
//! The derive generates tables, not code: per struct the request (`KEYS`), one [`FieldRow`]
//! per field (where the field lives, how long its text may be, whether it is a secret, which
//! [`FieldOps`] handle it) and one [`FieldOps`] per distinct field type. One loop,
//! [`receive_fields`], reads item after item into the read buffer and hands each to its row's
//! parser, which writes the value straight into the field's place. All the protocol logic
//! (response checks, item reads, length checks, secret wiping, closing, dropping what was
//! written when a fetch stops half-way) lives here once, however many structs and fields a
//! firmware has: flash grows by a table row per field, not by code.

use core::mem::MaybeUninit;

use zeroize::Zeroize;

use crate::channel::{ConfigChannel, KeySpec, Request};
use crate::error::{FetchError, ItemError, ParseError};
use crate::ffi::{MvConfigFetchResult, MvConfigKeyFetchResult, MvStatus};
use crate::report::FieldOutcome;
use crate::value::ConfigValue;

/// One field of a settings struct, as the fetch loop sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldRow {
    /// `offset_of!` the field in the struct.
    pub offset: u32,
    /// The longest text accepted (at most 4096).
    pub max_len: u16,
    /// [`FieldRow::SECRET`] if the item comes from the secret store.
    pub flags: u8,
    /// Which entry of the struct's [`FieldOps`] table handles the field's type.
    pub ops: u8,
}

impl FieldRow {
    /// The item comes from the secret store: the read buffer is wiped after it.
    pub const SECRET: u8 = 1;
}

/// How the fields of one type (with one `default`, `with` and `validate`) are filled. Fields of
/// the same plain type share one entry.
#[derive(Clone, Copy, Debug)]
pub struct FieldOps {
    /// Parses the text into the field's place, which holds no value before; `Ok` means it now
    /// holds one.
    pub parse: unsafe fn(&[u8], *mut u8) -> Result<(), ParseError>,
    /// Writes the value of a key that is not found into the field's place; `false` if the
    /// type has none (the key is required), the place then left alone.
    pub missing: unsafe fn(*mut u8) -> bool,
    /// Drops a field in place; `None` for a type that needs no drop.
    pub drop: Option<unsafe fn(*mut u8)>,
    /// Checks a field's value (`#[config(validate = path)]`).
    pub validate: Option<ValidateFn>,
}

/// [`FieldOps::validate`]: checks the value in a field's place.
pub type ValidateFn = unsafe fn(*const u8) -> Result<(), ParseError>;

/// The [`FieldOps`] of a plain field of type `T`: parsed by `T::parse_into`, missing as
/// `T::missing()`. Its field is private and [`TypeOps::new`] its only constructor, so the
/// `ConfigValue::FIELD_OPS` constant that carries it cannot be given any other value.
#[derive(Debug)]
pub struct TypeOps<T>(FieldOps, core::marker::PhantomData<fn() -> T>);

impl<T: ConfigValue> TypeOps<T> {
    /// The entry of `T`.
    pub const fn new() -> Self {
        TypeOps(
            FieldOps {
                parse: parse_slot::<T>,
                missing: missing_slot::<T>,
                drop: FieldOps::drop_of::<T>(),
                validate: None,
            },
            core::marker::PhantomData,
        )
    }
}

impl<T: ConfigValue> Default for TypeOps<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> TypeOps<T> {
    /// The table entry.
    pub const fn ops(&self) -> FieldOps {
        self.0
    }
}

impl FieldOps {
    /// The drop of `T`, if it needs one.
    pub const fn drop_of<T>() -> Option<unsafe fn(*mut u8)> {
        if core::mem::needs_drop::<T>() {
            Some(drop_slot::<T>)
        } else {
            None
        }
    }
}

/// [`FieldOps::parse`] of a `T`.
///
/// # Safety
///
/// `slot` is valid for writes of a `T` and aligned for it.
unsafe fn parse_slot<T: ConfigValue>(text: &[u8], slot: *mut u8) -> Result<(), ParseError> {
    // SAFETY: the caller's contract; `MaybeUninit` asks nothing of the bytes there.
    let slot = unsafe { &mut *slot.cast::<MaybeUninit<T>>() };
    let place = slot.as_ptr();
    match T::parse_into(text, slot) {
        // A `parse_into` that answers with a reference to anything but its slot (which a safe
        // impl could do) has not initialized the slot: refuse it rather than trust it.
        Ok(value) if core::ptr::eq(value, place) => Ok(()),
        Ok(_) => Err(ParseError::Custom("parse_into answered outside its slot")),
        Err(error) => Err(error),
    }
}

/// [`FieldOps::missing`] of a `T`.
///
/// # Safety
///
/// `slot` is valid for writes of a `T` and aligned for it.
unsafe fn missing_slot<T: ConfigValue>(slot: *mut u8) -> bool {
    match T::missing() {
        Some(value) => {
            // SAFETY: the caller's contract.
            unsafe { slot.cast::<T>().write(value) };
            true
        }
        None => false,
    }
}

/// [`FieldOps::drop`] of a `T`.
///
/// # Safety
///
/// `slot` holds a `T`, which is not used again.
unsafe fn drop_slot<T>(slot: *mut u8) {
    // SAFETY: the caller's contract.
    unsafe { core::ptr::drop_in_place(slot.cast::<T>()) };
}

/// Where a reporting fetch records each field's outcome, and how it judges the fields after
/// the first failure (the struct's generated `check_item`).
pub struct ReportSink<'a> {
    /// One slot per field, in field order.
    pub outcomes: &'a mut [FieldOutcome],
    /// Parses a field's text without keeping it.
    pub check: fn(usize, &[u8]) -> Result<(), ParseError>,
    /// The struct's schema: which keys are required.
    pub schema: &'static [KeySpec],
    /// Judges the fields after the first failure: [`Fetch::finish_report`], reached only
    /// through here so that a firmware that never asks for a report does not carry it.
    pub finish: fn(&mut Fetch<'_>),
}

impl core::fmt::Debug for ReportSink<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReportSink").field("outcomes", &self.outcomes).finish_non_exhaustive()
    }
}

/// Sends `request` (`mvSendConfigFetchRequest`). On failure the channel is closed
/// before the error is returned.
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

/// Reads a response that has arrived into the struct at `out`, field by field, as `rows` and
/// `ops` describe it, and closes the channel. `Ok` means every field of `*out` is written; on
/// `Err` none is left (those written are dropped).
///
/// # Errors
///
/// `Response` (`RESPONSENOTPRESENT` if it has not arrived yet), `ResponseTooLarge`,
/// `UnknownResponseResult`, `ItemCount`, or [`FetchError::Item`] naming the key.
///
/// # Safety
///
/// `out` is valid for writes of the struct and aligned for it; `request` is the struct's
/// request and `rows` its fields, in the same order: each row's offset is a field whose type
/// is the one its `ops` entry handles.
pub unsafe fn receive_fields(
    channel: &mut dyn ConfigChannel,
    report: Option<ReportSink<'_>>,
    request: Request<'static>,
    rows: &'static [FieldRow],
    ops: &'static [FieldOps],
    out: *mut u8,
    scratch: &mut [u8],
) -> Result<(), FetchError> {
    let mut fetch = Fetch::resume(channel, request, rows, scratch, report)?;
    let mut filled = Filled { out, rows, ops, count: 0 };
    for row in rows {
        let Some(ops) = ops.get(usize::from(row.ops)) else {
            return Err(fetch.item_error(fetch.next, ItemError::Invalid(TABLE_MISMATCH)));
        };
        // SAFETY: the row's offset is a field of the struct at `out` (the contract).
        let slot = unsafe { out.add(row.offset as usize) };
        // SAFETY: `slot` is a field of the type `ops` handles, holding no value yet.
        unsafe { fetch.fill(slot, ops) }?;
        filled.count += 1;
        if let Some(validate) = ops.validate {
            // SAFETY: the field was written just above.
            if let Err(error) = unsafe { validate(slot) } {
                return Err(fetch.error_at_previous(ItemError::Invalid(error)));
            }
        }
    }
    core::mem::forget(filled);
    Ok(())
}

/// What a generated table that does not fit its struct would give; it never happens.
const TABLE_MISMATCH: ParseError = ParseError::Custom("field table out of step");

/// The fields written so far, dropped if the fetch stops half-way (so a `Secret` field already
/// read is still wiped).
struct Filled {
    out: *mut u8,
    rows: &'static [FieldRow],
    ops: &'static [FieldOps],
    count: usize,
}

impl Drop for Filled {
    fn drop(&mut self) {
        for row in self.rows.iter().take(self.count) {
            if let Some(drop) = self.ops.get(usize::from(row.ops)).and_then(|ops| ops.drop) {
                // SAFETY: the first `count` rows' fields were written (each count follows a
                // write) and nothing else drops them, since the struct never became whole.
                unsafe { drop(self.out.add(row.offset as usize)) };
            }
        }
    }
}

/// One fetch in progress: the request was sent, the response arrived and matched the request;
/// items are read one after another, in request order.
///
/// Dropping it closes the channel and wipes the part of the read buffer that held a secret, on
/// success and on every error path alike.
pub struct Fetch<'a> {
    channel: &'a mut dyn ConfigChannel,
    request: Request<'static>,
    rows: &'static [FieldRow],
    scratch: &'a mut [u8],
    /// The index of the next item to read.
    next: u32,
    /// How much of `scratch` may hold secret bytes.
    secret_extent: usize,
    /// Where `fetch_report` collects every field's outcome; `None` for a plain fetch.
    report: Option<ReportSink<'a>>,
}

impl core::fmt::Debug for Fetch<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Fetch")
            .field("items", &self.rows.len())
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// Checks a response's overall result and that it holds `items` items.
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
    /// Starts reading a response that has arrived: checks its overall result and that it holds
    /// one item per row. `scratch` must be at least one byte longer than the longest
    /// `max_len` (the derive's `SCRATCH_BYTES`).
    ///
    /// # Errors
    ///
    /// `Response` (`RESPONSENOTPRESENT` if it has not arrived yet), `ResponseTooLarge`,
    /// `UnknownResponseResult` or `ItemCount`. The channel is closed before the error is
    /// returned.
    pub fn resume(
        channel: &'a mut dyn ConfigChannel,
        request: Request<'static>,
        rows: &'static [FieldRow],
        scratch: &'a mut [u8],
        report: Option<ReportSink<'a>>,
    ) -> Result<Self, FetchError> {
        // Built first, so that its Drop closes the channel on each early return below.
        let mut fetch =
            Fetch { channel, request, rows, scratch, next: 0, secret_extent: 0, report };
        if let Err(error) = check_response(&mut *fetch.channel, rows.len()) {
            // A response that failed as a whole has no items to judge: without this, the
            // drop's `finish_report` would read every item of a response that is too large or
            // does not match the request, and report fields `Ok` that were never fetched.
            // The report keeps every field `NotRead`, as `FieldOutcome::NotRead` says.
            fetch.report = None;
            return Err(error);
        }
        Ok(fetch)
    }

    /// Reads the next item into the field at `slot`: parsed by `ops.parse`, or, for a key that
    /// is not found, `ops.missing`. On `Ok` the field holds a value; on `Err` it does not.
    ///
    /// # Safety
    ///
    /// `slot` is valid for writes of the field type `ops` handles, and holds no value.
    unsafe fn fill(&mut self, slot: *mut u8, ops: &FieldOps) -> Result<(), FetchError> {
        let parsed = match self.read_next()? {
            // SAFETY: the caller's contract.
            Some(text) => unsafe { (ops.parse)(text, slot) },
            // SAFETY: the caller's contract.
            None if unsafe { (ops.missing)(slot) } => {
                self.record(self.next.saturating_sub(1), FieldOutcome::Defaulted);
                return Ok(());
            }
            None => return Err(self.error_at_previous(ItemError::NotFound)),
        };
        match parsed {
            Ok(()) => {
                self.record(self.next.saturating_sub(1), FieldOutcome::Ok);
                Ok(())
            }
            Err(error) => Err(self.error_at_previous(ItemError::Invalid(error))),
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

    /// The error for the item read last.
    pub fn error_at_previous(&mut self, error: ItemError) -> FetchError {
        self.item_error(self.next.saturating_sub(1), error)
    }

    fn item_error(&mut self, index: u32, error: ItemError) -> FetchError {
        self.record(index, FieldOutcome::Failed(error));
        FetchError::Item { index, key: key_text(self.request, index), error }
    }

    /// Reads the next item into the scratch buffer: its text, or `None` if the key is not
    /// found. Never returns a possibly truncated value: the read offers one byte more than the
    /// item's `max_len`, and a length that reaches that byte is "too long".
    fn read_next(&mut self) -> Result<Option<&[u8]>, FetchError> {
        let index = self.next;
        self.next = self.next.saturating_add(1);
        let Some(row) = usize::try_from(index).ok().and_then(|i| self.rows.get(i)) else {
            return Err(self.item_error(index, ItemError::Read(MvStatus::INDEXINVALID)));
        };
        let max_len = row.max_len;
        let offered = usize::from(max_len).saturating_add(1).min(self.scratch.len());
        if row.flags & FieldRow::SECRET != 0 {
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
        // `offered <= scratch.len()`, so below it the slice is always there.
        if length >= offered {
            let max = u32::from(max_len);
            return Err(self.item_error(index, ItemError::TooLong { len: read.length, max }));
        }
        Ok(Some(self.scratch.get(..length).unwrap_or_default()))
    }

    /// For a reporting fetch that stopped at a failed field: reads and judges every item after
    /// it, so the report covers all fields. Reached only through [`ReportSink::finish`].
    pub fn finish_report(&mut self) {
        let Some((check, schema)) =
            self.report.as_ref().map(|report| (report.check, report.schema))
        else {
            return;
        };
        while usize::try_from(self.next).is_ok_and(|next| next < self.rows.len()) {
            let index = self.next;
            let required = usize::try_from(index)
                .ok()
                .and_then(|i| schema.get(i))
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
        if let Some(finish) = self.report.as_ref().map(|report| report.finish) {
            finish(self);
        }
        self.channel.close();
        if let Some(secret_bytes) = self.scratch.get_mut(..self.secret_extent) {
            secret_bytes.zeroize();
        }
    }
}

/// The key of item `index`, for an error.
fn key_text(request: Request<'static>, index: u32) -> &'static str {
    usize::try_from(index)
        .ok()
        .and_then(|index| request.key(index))
        .and_then(|key| crate::parse::utf8(key).ok())
        .unwrap_or("")
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
