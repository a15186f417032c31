//! A prototype of the thin fetch that bench/README.md proposes, to measure what it would give:
//! **not the crate's API**, and not used by the tests of the crate itself.
//!
//! The shape is the C baseline's, in Rust:
//! - per struct, what a derive would generate: the request table (`KEYS`, as today), one table
//!   of [`Field`] rows (`offset_of!` the field, its `max_len`, and a pointer to its type's
//!   in-place parser), and two small functions that put the scratch buffer on the stack;
//! - one non-generic loop, [`fetch_into`], that reads item *i* into the scratch buffer and
//!   calls row *i*'s parser on the field's address in a `MaybeUninit<Self>`;
//! - parsers that write their value in place ([`InPlace`]): nothing of a field is ever returned
//!   by value, so no field, no `Result<Self>` and no struct literal sits on the stack.
//!
//! It reuses the runtime's channel (`ConfigChannel`, `DeviceChannel`), its errors and its
//! integer parsers (`ConfigValue::parse` for the small types). `Bytes<N>` and [`Secret`] stand
//! in for the runtime's `Hex<N>` and `Secret<T>`, whose fields are private: with in-place
//! parsing added to those, the runtime's own types would do.

use core::mem::{size_of, MaybeUninit};
use core::ptr::{addr_of_mut, NonNull};

use microvisor_config::ffi::{
    MvConfigFetchResult, MvConfigKeyFetchResult, MvConfigKeyFetchStore, MvConfigKeyToFetch,
};
use microvisor_config::heapless::String;
use microvisor_config::{ConfigChannel, ConfigValue, FetchError, ItemError, ParseError};

/// Parses a field's text (`None`: the key was not found) into the field at `dst`, which holds
/// no value before.
pub type ParseFn = unsafe fn(dst: *mut u8, text: Option<&[u8]>) -> Result<(), ItemError>;

/// One row of a struct's field table: what the derive would generate per field.
#[derive(Clone, Copy)]
pub struct Field {
    /// `offset_of!(Self, field)`.
    pub offset: u16,
    /// The longest text accepted.
    pub max_len: u16,
    /// The field type's in-place parser.
    pub parse: ParseFn,
}

impl Field {
    /// A row for a field of type `T` at `offset`.
    pub const fn of<T: InPlace>(offset: usize, max_len: usize) -> Self {
        Field { offset: offset as u16, max_len: max_len as u16, parse: parse_field::<T> }
    }
}

/// A field type that parses into its place.
pub trait InPlace: Sized {
    /// A value to start from, for `Option<Self>`.
    const EMPTY: Self;

    /// Writes the value of `text` into `*dst`; `None`: the key was not found.
    ///
    /// # Safety
    ///
    /// `dst` is valid for writes and aligned; what it holds is overwritten without a drop.
    unsafe fn parse_into(dst: *mut Self, text: Option<&[u8]>) -> Result<(), ItemError>;
}

/// The [`ParseFn`] of `T`.
///
/// # Safety
///
/// `dst` points at a field of type `T` (the row's offset in the struct being filled).
pub unsafe fn parse_field<T: InPlace>(dst: *mut u8, text: Option<&[u8]>) -> Result<(), ItemError> {
    // SAFETY: the caller's contract: `dst` is a `T` field.
    unsafe { T::parse_into(dst.cast::<T>(), text) }
}

fn required(text: Option<&[u8]>) -> Result<&[u8], ItemError> {
    text.ok_or(ItemError::NotFound)
}

macro_rules! by_value {
    ($($ty:ty),*) => {$(
        impl InPlace for $ty {
            const EMPTY: Self = 0;
            unsafe fn parse_into(dst: *mut Self, text: Option<&[u8]>) -> Result<(), ItemError> {
                let value = <$ty as ConfigValue>::parse(required(text)?).map_err(ItemError::Invalid)?;
                // SAFETY: the caller's contract.
                unsafe { dst.write(value) };
                Ok(())
            }
        }
    )*};
}
by_value!(u8, u16, u32, i32);

/// Replaces `out` with the UTF-8 `text` (non-generic: every capacity shares it).
fn fill_text(
    out: &mut microvisor_config::heapless::string::StringView,
    text: &[u8],
) -> Result<(), ItemError> {
    out.clear();
    let text = core::str::from_utf8(text)
        .map_err(|e| ItemError::Invalid(ParseError::NotUtf8 { at: e.valid_up_to() }))?;
    out.push_str(text)
        .map_err(|_| ItemError::Invalid(ParseError::Capacity { capacity: out.capacity() }))
}

impl<const N: usize> InPlace for String<N> {
    const EMPTY: Self = String::new();
    unsafe fn parse_into(dst: *mut Self, text: Option<&[u8]>) -> Result<(), ItemError> {
        let text = required(text)?;
        // SAFETY: the caller's contract; an empty string is a length of 0 (the buffer is
        // `MaybeUninit`), so this writes a word, not N bytes.
        unsafe { dst.write(String::new()) };
        // SAFETY: initialised just above.
        fill_text(unsafe { &mut *dst }.as_mut_view(), text)
    }
}

/// Binary data of at most `N` bytes, stored as hex text; decoded in place.
pub struct Bytes<const N: usize> {
    len: u16,
    bytes: [u8; N],
}

impl<const N: usize> Bytes<N> {
    /// The decoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex `text` into the `capacity` bytes at `out` (non-generic: every capacity shares
/// it); the length.
///
/// # Safety
///
/// `out` is valid for writes of `capacity` bytes.
unsafe fn decode_hex(out: *mut u8, capacity: usize, text: &[u8]) -> Result<usize, ItemError> {
    if !text.len().is_multiple_of(2) {
        return Err(ItemError::Invalid(ParseError::OddLength));
    }
    let len = text.len() / 2;
    if len > capacity {
        return Err(ItemError::Invalid(ParseError::Capacity { capacity }));
    }
    for (i, pair) in text.chunks_exact(2).enumerate() {
        let &[high, low] = pair else { return Err(ItemError::Invalid(ParseError::OddLength)) };
        let high = hex_digit(high).ok_or(ItemError::Invalid(ParseError::NotHex { at: 2 * i }))?;
        let low = hex_digit(low).ok_or(ItemError::Invalid(ParseError::NotHex { at: 2 * i + 1 }))?;
        // SAFETY: `i < len <= capacity`.
        unsafe { out.add(i).write((high << 4) | low) };
    }
    Ok(len)
}

impl<const N: usize> InPlace for Bytes<N> {
    const EMPTY: Self = Bytes { len: 0, bytes: [0; N] };
    unsafe fn parse_into(dst: *mut Self, text: Option<&[u8]>) -> Result<(), ItemError> {
        let text = required(text)?;
        // SAFETY: the caller's contract: the field's N bytes are writable.
        let len = unsafe { decode_hex(addr_of_mut!((*dst).bytes).cast::<u8>(), N, text)? };
        // SAFETY: as above.
        unsafe { addr_of_mut!((*dst).len).write(len as u16) };
        Ok(())
    }
}

impl<T: InPlace> InPlace for Option<T> {
    const EMPTY: Self = None;
    unsafe fn parse_into(dst: *mut Self, text: Option<&[u8]>) -> Result<(), ItemError> {
        let Some(text) = text else {
            // SAFETY: the caller's contract.
            unsafe { dst.write(None) };
            return Ok(());
        };
        // SAFETY: the caller's contract. `T::EMPTY` is cheap for the types here (a length).
        unsafe { dst.write(Some(T::EMPTY)) };
        // SAFETY: initialised just above.
        match unsafe { &mut *dst } {
            Some(inner) => {
                // SAFETY: `inner` is a valid, aligned `T`, overwritten without drop (its
                // EMPTY owns nothing).
                unsafe { T::parse_into(inner, Some(text)) }
            }
            None => Ok(()),
        }
    }
}

/// A value that must not be shown; zeroed when dropped. Parsed in place like its `T`.
#[repr(transparent)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// The value.
    pub fn expose_secret(&self) -> &T {
        &self.0
    }
}

impl<T> Drop for Secret<T> {
    fn drop(&mut self) {
        wipe(NonNull::from(&mut self.0).cast::<u8>(), size_of::<T>());
    }
}

impl<T: InPlace> InPlace for Secret<T> {
    const EMPTY: Self = Secret(T::EMPTY);
    unsafe fn parse_into(dst: *mut Self, text: Option<&[u8]>) -> Result<(), ItemError> {
        // SAFETY: `Secret<T>` is `repr(transparent)` over `T`.
        unsafe { T::parse_into(dst.cast::<T>(), text) }
    }
}

/// Zeroes `len` bytes at `at` in a way the optimiser keeps.
fn wipe(at: NonNull<u8>, len: usize) {
    for i in 0..len {
        // SAFETY: callers pass memory they own, valid for `len` bytes.
        unsafe { at.as_ptr().add(i).write_volatile(0) };
    }
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
}

fn item_error(index: usize, key: &MvConfigKeyToFetch, error: ItemError) -> FetchError {
    // SAFETY: the request tables are generated from string literals: 'static ASCII text.
    let key = unsafe {
        core::str::from_utf8_unchecked(core::slice::from_raw_parts(
            key.key.data,
            key.key.length as usize,
        ))
    };
    FetchError::Item { index: index as u32, key, error }
}

/// The one loop: sends `keys`, waits, checks the response, and parses item *i* with
/// `fields[i]` into `out`. Closes the channel and wipes the secret part of `scratch` on every
/// path; on failure also wipes the `size` bytes at `out` (they may hold part of a secret).
///
/// # Safety
///
/// `out` is valid for writes of `size` bytes and is a value of the struct `fields` describes.
pub unsafe fn fetch_into(
    channel: &mut dyn ConfigChannel,
    keys: &'static [MvConfigKeyToFetch],
    fields: &'static [Field],
    out: NonNull<u8>,
    size: usize,
    scratch: &mut [u8],
) -> Result<(), FetchError> {
    let mut secret_extent = 0;
    // SAFETY: passed on from the caller.
    let result = unsafe { exchange(channel, keys, fields, out, scratch, &mut secret_extent) };
    channel.close();
    if let Some(secret) = scratch.get_mut(..secret_extent) {
        let len = secret.len();
        wipe(NonNull::from(secret).cast::<u8>(), len);
    }
    if result.is_err() {
        wipe(out, size);
    }
    result
}

/// Everything between opening and closing.
///
/// # Safety
///
/// As [`fetch_into`].
unsafe fn exchange(
    channel: &mut dyn ConfigChannel,
    keys: &'static [MvConfigKeyToFetch],
    fields: &'static [Field],
    out: NonNull<u8>,
    scratch: &mut [u8],
    secret_extent: &mut usize,
) -> Result<(), FetchError> {
    // SAFETY: the prototype's keys are the string literals its tables were built from.
    let request = unsafe { microvisor_config::Request::from_raw(keys) };
    channel.send_request(request).map_err(FetchError::Send)?;
    channel.wait_response().map_err(FetchError::Wait)?;
    let data = channel.read_response_data().map_err(FetchError::Response)?;
    match data.result {
        MvConfigFetchResult::OK => {}
        MvConfigFetchResult::RESPONSETOOLARGE => return Err(FetchError::ResponseTooLarge),
        other => return Err(FetchError::UnknownResponseResult(other.0)),
    }
    let expected = keys.len() as u32;
    if data.num_items != expected {
        return Err(FetchError::ItemCount { expected, got: data.num_items });
    }
    for (index, (key, field)) in keys.iter().zip(fields).enumerate() {
        // The extra byte tells a value that fits from one that was cut.
        let offered = (usize::from(field.max_len) + 1).min(scratch.len());
        if key.store == MvConfigKeyFetchStore::SECRET {
            *secret_extent = (*secret_extent).max(offered);
        }
        let buf = scratch.get_mut(..offered).unwrap_or_default();
        let read = channel
            .read_item(index as u32, buf)
            .map_err(|status| item_error(index, key, ItemError::Read(status)))?;
        let text = match read.result {
            MvConfigKeyFetchResult::OK => {
                let len = read.length as usize;
                match scratch.get(..len) {
                    Some(text) if len < offered => Some(text),
                    _ => {
                        let error =
                            ItemError::TooLong { len: read.length, max: u32::from(field.max_len) };
                        return Err(item_error(index, key, error));
                    }
                }
            }
            MvConfigKeyFetchResult::KEYNOTFOUND => None,
            MvConfigKeyFetchResult::SERVERERROR => {
                return Err(item_error(index, key, ItemError::ServerError))
            }
            other => return Err(item_error(index, key, ItemError::UnknownResult(other.0))),
        };
        // SAFETY: the row describes a field of the struct at `out` (the caller's contract).
        unsafe { (field.parse)(out.as_ptr().add(usize::from(field.offset)), text) }
            .map_err(|error| item_error(index, key, error))?;
    }
    Ok(())
}

/// Replaces `*live` with the fetched `*staging` (a plain copy: the types here own nothing, and
/// the copy overwrites every byte of the old value, secrets included).
///
/// # Safety
///
/// `staging` holds a complete value.
pub unsafe fn commit<T>(live: &mut T, staging: &MaybeUninit<T>) {
    // SAFETY: `staging` is initialised (the caller's contract) and does not overlap `live`.
    // The old value is overwritten, not dropped: nothing it owns needs releasing.
    unsafe { core::ptr::copy_nonoverlapping(staging.as_ptr(), live, 1) };
}

/// What the derive would generate for a struct, written out: the two tables and the two
/// functions that put the scratch buffer on the stack.
#[macro_export]
macro_rules! thin_config {
    ($ty:ty, scratch = $scratch:expr, keys = $keys:expr, fields = $fields:expr) => {
        impl $ty {
            /// The request.
            pub const KEYS: &'static [microvisor_config::ffi::MvConfigKeyToFetch] = $keys;
            /// One row per field.
            pub const FIELDS: &'static [$crate::thin::Field] = $fields;

            /// Fetches into `out`, which holds a complete value on `Ok`.
            ///
            /// # Errors
            ///
            /// As the runtime's fetch.
            pub fn fetch_into(
                out: &mut core::mem::MaybeUninit<Self>,
                channel: &mut dyn microvisor_config::ConfigChannel,
            ) -> Result<(), microvisor_config::FetchError> {
                let mut scratch = [0u8; $scratch];
                // SAFETY: `out` is a `Self` of `size_of::<Self>()` bytes, which the tables
                // describe.
                unsafe {
                    $crate::thin::fetch_into(
                        channel,
                        Self::KEYS,
                        Self::FIELDS,
                        core::ptr::NonNull::from(out).cast::<u8>(),
                        core::mem::size_of::<Self>(),
                        &mut scratch,
                    )
                }
            }

            /// Fetches into `staging`, then copies it over `self` if every item was good.
            ///
            /// # Errors
            ///
            /// As the runtime's fetch; `self` is untouched.
            pub fn refresh_via(
                &mut self,
                staging: &mut core::mem::MaybeUninit<Self>,
                channel: &mut dyn microvisor_config::ConfigChannel,
            ) -> Result<(), microvisor_config::FetchError> {
                Self::fetch_into(staging, channel)?;
                // SAFETY: `fetch_into` succeeded, so `staging` is complete.
                unsafe { $crate::thin::commit(self, staging) };
                Ok(())
            }
        }
    };
}
