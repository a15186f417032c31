//! The read loop: one non-generic core that every struct's fetch calls with its plan. It
//! checks the response, reads item after item into the read buffer, writes each value in its
//! field's place, and on a failure undoes what it wrote; closing the channel and wiping the
//! read buffer happen once, when the [`Reader`] drops.

use core::mem::MaybeUninit;

use crate::channel::{send, wait, ConfigChannel, Request};
use crate::error::{FetchError, ItemError, ParseError};
use crate::fetch::bytes::{move_and_wipe, wipe};
use crate::fetch::kind::{code, write_option_tag, FieldRow};
use crate::fetch::ops::OpsTable;
use crate::ffi::{
    MvConfigFetchResult, MvConfigKeyFetchResult, MvConfigKeyFetchScope, MvConfigKeyFetchStore,
};
use crate::outcome::FieldOutcome;
use crate::schema::{KeySpec, Scope, Store};

/// Everything the fetch needs of one settings struct, in one constant per struct
/// (`MicrovisorConfig::PLAN`): so a struct's own code is one call, and the tables are read
/// where the cores are shared.
#[derive(Clone, Copy, Debug)]
pub struct FetchPlan {
    request: Request<'static>,
    rows: &'static [FieldRow],
    ops: OpsTable,
    /// `size_of` the struct.
    size: usize,
    /// The schema's `secret_scratch_bytes`.
    secret_bytes: usize,
}

impl FetchPlan {
    /// The plan of a struct of `size` bytes.
    ///
    /// # Safety
    ///
    /// - `keys` is the struct's request (`MicrovisorConfig::KEYS`: every key a `'static`
    ///   UTF-8 string) and `rows` its fields, in the same order.
    /// - Each row's `ops` is an entry of `ops` (looked up unchecked), and its offset a field
    ///   of the type that entry fills (its built-in kind, or `CUSTOM` for an entry of its own),
    ///   or of an `Option` of it for an `Option` kind.
    /// - The `max_len` of each row whose entry is not a `with` function's is at most its
    ///   type's `ConfigValue::MAX_LEN`: the family parsers do not check the length again.
    /// - `secret_bytes` covers every secret's `max_len` plus one.
    pub const unsafe fn new(
        keys: &'static [crate::ffi::MvConfigKeyToFetch],
        rows: &'static [FieldRow],
        ops: OpsTable,
        size: usize,
        secret_bytes: usize,
    ) -> Self {
        // SAFETY: the keys are `'static` strings (the contract).
        let request = unsafe { Request::from_raw(keys) };
        FetchPlan { request, rows, ops, size, secret_bytes }
    }

    /// The struct's request.
    pub const fn request(&self) -> Request<'static> {
        self.request
    }
}

/// Sends the request of `plan`, waits for the response and reads it into the struct at `out`:
/// a whole blocking fetch.
///
/// # Errors
///
/// As [`send`], [`wait`] and [`receive_fields`].
///
/// # Safety
///
/// As [`receive_fields`].
pub unsafe fn fetch_fields(
    channel: &mut dyn ConfigChannel,
    plan: &FetchPlan,
    out: *mut u8,
    scratch: &mut [MaybeUninit<u8>],
) -> Result<(), FetchError> {
    send(channel, plan.request)?;
    wait(channel)?;
    // SAFETY: the caller's contract.
    unsafe { receive_fields(channel, None, plan, out, scratch) }
}

/// Fetches into `staging`, then moves the new settings over those at `live` and wipes
/// `staging`: the refresh of a struct none of whose fields needs a drop. On error `live` is
/// untouched.
///
/// # Errors
///
/// As [`fetch_fields`].
///
/// # Safety
///
/// As [`receive_fields`] for `staging`; `live` holds a value of the struct, which needs no
/// drop, and does not overlap `staging`.
pub unsafe fn refresh_fields(
    channel: &mut dyn ConfigChannel,
    plan: &FetchPlan,
    live: *mut u8,
    staging: *mut u8,
    scratch: &mut [MaybeUninit<u8>],
) -> Result<(), FetchError> {
    // SAFETY: the caller's contract.
    unsafe {
        fetch_fields(channel, plan, staging, scratch)?;
        move_and_wipe(live, staging, plan.size);
    }
    Ok(())
}

/// Reads a response that has arrived into the struct at `out`, field by field, and closes the
/// channel. `Ok` means every field is written; on `Err` none is left: the fields written are
/// dropped and all of `out` is wiped, so no secret stays there, whole or half-parsed.
///
/// # Errors
///
/// `Response` (`RESPONSENOTPRESENT` if it has not arrived yet), `ResponseTooLarge`,
/// `UnknownResponseResult`, `ItemCount`, or [`FetchError::Item`] naming the key.
///
/// # Safety
///
/// `out` is the place of the struct `plan` describes, all its bytes, aligned for it. `scratch`
/// is the read buffer, whatever it holds: it is zeroed first, and its first `secret_bytes`
/// are wiped when the read is over, however it ended.
pub unsafe fn receive_fields(
    channel: &mut dyn ConfigChannel,
    report: Option<&mut ReportSink<'_>>,
    plan: &FetchPlan,
    out: *mut u8,
    scratch: &mut [MaybeUninit<u8>],
) -> Result<(), FetchError> {
    // Zeroed here rather than by every struct's own code: a channel is handed initialized
    // bytes to write into.
    let (len, at) = (scratch.len(), scratch.as_mut_ptr().cast::<u8>());
    // SAFETY: the buffer's own bytes, all zeroed before they are seen as `u8`s.
    let scratch = unsafe {
        at.write_bytes(0, len);
        core::slice::from_raw_parts_mut(at, len)
    };
    let mut reader = Reader { channel, scratch, secret_extent: plan.secret_bytes };
    // SAFETY: the caller's contract.
    unsafe { read_fields(&mut reader, report, plan, out) }
    // `reader` drops here, whichever way the read ended: the close and the wipe are written
    // once, not at every return.
}

/// The body of [`receive_fields`], through `reader`.
///
/// # Safety
///
/// As [`receive_fields`].
#[inline(always)]
unsafe fn read_fields(
    reader: &mut Reader<'_>,
    mut report: Option<&mut ReportSink<'_>>,
    plan: &FetchPlan,
    out: *mut u8,
) -> Result<(), FetchError> {
    let rows = plan.rows;
    // A response that failed as a whole has no items to judge: the report keeps every field
    // `NotRead`.
    check_response(&mut *reader.channel, rows.len())?;
    // Undoes the fields written so far if the fetch stops at a field: on the error path below,
    // and if a user's parser panics where panics unwind.
    let mut written = Written { plan, out, stopped_at: 0 };
    let mut index = 0;
    let (failed, error) = loop {
        written.stopped_at = index;
        let Some(row) = rows.get(index) else {
            // Every field written: nothing to undo.
            core::mem::forget(written);
            return Ok(());
        };
        // SAFETY: the row's offset is a field of the struct at `out` (the contract).
        let slot = unsafe { out.add(usize::from(row.offset)) };
        // SAFETY: `slot` is a field of the row's type, holding no value yet.
        match unsafe { reader.fill(index, row, &plan.ops, slot) } {
            Ok(outcome) => {
                if let Some(report) = &mut report {
                    report.record(index, outcome);
                }
            }
            Err(error) => break (index, error),
        }
        index += 1;
    };
    // `stopped_at` is `failed`: the fields before it were written, that one may be half-written.
    drop(written);
    if let Some(report) = report {
        report.record(failed, FieldOutcome::Failed(error));
        (report.finish)(reader, report, rows, failed + 1);
    }
    // SAFETY: the struct's own request (the contract).
    let (key, scope, store) = unsafe { item_of(plan.request, failed) };
    Err(FetchError::Item { index: failed as u16, key, scope, store, error })
}

/// The fields a fetch has written: dropping it undoes them (see [`unwind_fields`]).
struct Written<'p> {
    plan: &'p FetchPlan,
    out: *mut u8,
    /// The field being filled: those before it hold values.
    stopped_at: usize,
}

impl Drop for Written<'_> {
    fn drop(&mut self) {
        // SAFETY: `read_fields` keeps `stopped_at` at the field being filled (or that failed),
        // every one before it written, and forgets this guard once the struct is whole.
        unsafe { unwind_fields(self.plan, self.out, self.stopped_at) };
    }
}

/// Undoes a fetch that failed at field `failed`: drops the fields before it, then wipes the
/// whole struct. One wipe of the struct, not of each secret: whatever the types and however far
/// a parse got, nothing read is left, and the loop need not know which fields are secret.
///
/// # Safety
///
/// As [`receive_fields`]; the fields before `failed` hold values, which are not used again.
unsafe fn unwind_fields(plan: &FetchPlan, out: *mut u8, failed: usize) {
    if let Some(drop_written) = plan.ops.drop_written {
        // SAFETY: the caller's contract.
        unsafe { drop_written(plan.rows, &plan.ops, out, failed) };
    }
    // SAFETY: the struct's bytes (the contract); what was in them was dropped above or needs
    // no drop.
    unsafe { wipe(out, plan.size) };
}

/// Fills the field of `row` at `slot` from its item's `text`: parsed by the row's entry, or,
/// for a key that is not found (`None`), the type's missing value; then checked, if the entry
/// has a check. An `Option` kind has its tag written here, then its payload parsed by its
/// family's entry (or the tag alone, `None`, for a missing key). On `Ok` the field holds a
/// value; on `Err` it does not.
///
/// # Safety
///
/// `slot` is valid for writes of the row's field type, and holds no value; `row` is a row of
/// `ops`'s struct (`FetchPlan::new`'s contract); `text` is at most the row's `max_len` bytes.
#[inline(always)]
pub(crate) unsafe fn fill_field(
    text: Option<&[u8]>,
    row: &FieldRow,
    ops: &OpsTable,
    mut slot: *mut u8,
) -> Result<FieldOutcome, ItemError> {
    let entry = usize::from(row.ops);
    if row.kind & code::OPTION != 0 {
        // From here `slot` is the payload's place, which the family's entry parses. That entry
        // has no missing value and no check: a missing key returns here. (One variable, not
        // two: a second one live across the parse costs a shared loop bytes.)
        // SAFETY: a field of an `Option` kind is laid out as its kind says.
        slot = unsafe { write_option_tag(slot, row.kind, text.is_some()) };
        if text.is_none() {
            return Ok(FieldOutcome::Defaulted);
        }
    }
    // SAFETY: the row's entry is in the table (`FetchPlan::new`'s contract), whose parsers are
    // one for each entry.
    let parse = unsafe { *ops.parse.get_unchecked(entry) };
    let outcome = match text {
        // SAFETY: the caller's contract; `slot` is the place the row's entry parses.
        Some(text) => unsafe { parse(text, slot, row) }
            .map(|()| FieldOutcome::Ok)
            .map_err(ItemError::Invalid)?,
        // A family's entry, past the own entries' missing values, has none.
        None => match ops.missing.get(entry) {
            // SAFETY: the caller's contract.
            Some(missing) if unsafe { missing(slot) } => FieldOutcome::Defaulted,
            _ => return Err(ItemError::NotFound),
        },
    };
    // The check vouches for the value the settings get, a default as much as a parsed one.
    if let Some(validate_field) = ops.validate_field {
        // SAFETY: the field was written just above (for an `Option` kind, whose entry has no
        // check, `validate_field` reads nothing).
        unsafe { validate_field(ops, entry, slot) }.map_err(ItemError::Invalid)?;
    }
    Ok(outcome)
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

/// The items of a response being read, one after another, into the read buffer.
///
/// Dropping it closes the channel and wipes the part of the read buffer that a secret may have
/// held, on success and on every error path alike.
pub struct Reader<'a> {
    channel: &'a mut dyn ConfigChannel,
    scratch: &'a mut [u8],
    /// How much of `scratch` a secret may fill: the longest secret's `max_len` plus one, known
    /// at compile time. Wiped whether or not the fetch got as far as a secret: a constant is
    /// less code than tracking the stretch used.
    secret_extent: usize,
}

impl core::fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Reader").field("secret_extent", &self.secret_extent).finish_non_exhaustive()
    }
}

impl Reader<'_> {
    /// Reads item `index` into the field of `row` at `slot` ([`fill_field`]).
    ///
    /// # Safety
    ///
    /// As [`fill_field`].
    unsafe fn fill(
        &mut self,
        index: usize,
        row: &FieldRow,
        ops: &OpsTable,
        slot: *mut u8,
    ) -> Result<FieldOutcome, ItemError> {
        let text = self.read(index, row.max_len)?;
        // SAFETY: the caller's contract; `text` is at most `max_len` bytes (`read`).
        unsafe { fill_field(text, row, ops, slot) }
    }

    /// Reads item `index` into the read buffer: its text, or `None` if the key is not found.
    /// Never returns a possibly truncated value: the read offers one byte more than `max_len`,
    /// and a length that reaches that byte is "too long" (the device documents no "buffer too
    /// small" answer; docs/PROTOCOL.md, "How one fetch runs").
    fn read(&mut self, index: usize, max_len: u16) -> Result<Option<&[u8]>, ItemError> {
        let offered = usize::from(max_len).saturating_add(1).min(self.scratch.len());
        let buf = self.scratch.get_mut(..offered).unwrap_or_default();
        let read = self.channel.read_item(index as u32, buf).map_err(ItemError::Read)?;
        match read.result {
            MvConfigKeyFetchResult::OK => {}
            MvConfigKeyFetchResult::KEYNOTFOUND => return Ok(None),
            MvConfigKeyFetchResult::SERVERERROR => return Err(ItemError::ServerError),
            other => return Err(ItemError::UnknownResult(other.0)),
        }
        let length = usize::try_from(read.length).unwrap_or(usize::MAX);
        // `offered <= scratch.len()`, so below it the slice is always there.
        match self.scratch.get(..length) {
            Some(text) if length < offered => Ok(Some(text)),
            _ => Err(ItemError::TooLong { len: read.length, max: u32::from(max_len) }),
        }
    }

    /// For a reporting fetch that stopped at a failed field: reads and judges every item from
    /// `from` on, so the report covers all fields. Reached only through [`ReportSink::finish`],
    /// so a firmware that never asks for a report does not carry it.
    pub fn finish_report(
        &mut self,
        report: &mut ReportSink<'_>,
        rows: &'static [FieldRow],
        from: usize,
    ) {
        for (index, row) in rows.iter().enumerate().skip(from) {
            let required = report.schema.get(index).is_some_and(|spec| spec.required);
            let outcome = match self.read(index, row.max_len) {
                Err(error) => FieldOutcome::Failed(error),
                Ok(None) if required => FieldOutcome::Failed(ItemError::NotFound),
                Ok(None) => match (report.check_missing)(index) {
                    Ok(()) => FieldOutcome::Defaulted,
                    Err(error) => FieldOutcome::Failed(ItemError::Invalid(error)),
                },
                Ok(Some(text)) => match (report.check)(index, text) {
                    Ok(()) => FieldOutcome::Ok,
                    Err(error) => FieldOutcome::Failed(ItemError::Invalid(error)),
                },
            };
            report.record(index, outcome);
        }
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        self.channel.close();
        let secret_extent = self.secret_extent.min(self.scratch.len());
        // SAFETY: at most the buffer's length, from its start.
        unsafe { wipe(self.scratch.as_mut_ptr(), secret_extent) };
    }
}

/// Where a reporting fetch records each field's outcome, and how it judges the fields after
/// the first failure (the struct's generated `check_item` and `check_missing`).
pub struct ReportSink<'a> {
    /// One slot per field, in field order.
    pub outcomes: &'a mut [FieldOutcome],
    /// Parses a field's text without keeping it.
    pub check: fn(usize, &[u8]) -> Result<(), ParseError>,
    /// Checks the value a field gets for a missing key (its default, or `None`).
    pub check_missing: fn(usize) -> Result<(), ParseError>,
    /// The struct's schema: which keys are required.
    pub schema: &'static [KeySpec],
    /// Judges the fields after the first failure: [`Reader::finish_report`].
    pub finish: FinishFn,
}

/// [`ReportSink::finish`]: judges the fields of `rows` from the index given on.
pub type FinishFn = fn(&mut Reader<'_>, &mut ReportSink<'_>, &'static [FieldRow], usize);

impl ReportSink<'_> {
    fn record(&mut self, index: usize, outcome: FieldOutcome) {
        if let Some(slot) = self.outcomes.get_mut(index) {
            *slot = outcome;
        }
    }
}

impl core::fmt::Debug for ReportSink<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReportSink").field("outcomes", &self.outcomes).finish_non_exhaustive()
    }
}

/// The key, scope and store of item `index`, for an error; `""` in the device's config store if
/// there is no such item (a struct's own request always has it). Read straight from the entry:
/// each key is a string literal, so no null, empty or UTF-8 check is needed on the error path.
///
/// # Safety
///
/// Every key of the request is a `'static` UTF-8 string, its pointer and length, as
/// [`FetchPlan::new`]'s contract says.
pub(crate) unsafe fn item_of(
    request: Request<'static>,
    index: usize,
) -> (&'static str, Scope, Store) {
    let Some(entry) = request.keys().get(index) else {
        return ("", Scope::Device, Store::Config);
    };
    // SAFETY: the caller's contract: a string literal's pointer and length.
    let key = unsafe {
        core::str::from_utf8_unchecked(core::slice::from_raw_parts(
            entry.key.data,
            entry.key.length as usize,
        ))
    };
    // The request's entries are made from these enums, so no other value is there.
    let scope =
        if entry.scope == MvConfigKeyFetchScope::ACCOUNT { Scope::Account } else { Scope::Device };
    let store =
        if entry.store == MvConfigKeyFetchStore::SECRET { Store::Secret } else { Store::Config };
    (key, scope, store)
}
