//! What `Secret<T>` promises, shown: its bytes are zero after it is dropped (observed through
//! the `MaybeUninit` that held it, which still owns the memory, so reading it is sound and Miri
//! checks every byte was written), the wrapped value's own `Drop` runs first and once, a
//! half-parsed secret is wiped, it is neither `Clone` nor `Copy`, it prints `[REDACTED]`; and
//! the fetch's read buffer is wiped on the reporting path too.
//!
//! Run under Miri by `scripts/miri`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;
mod reliability;

use core::mem::{size_of, MaybeUninit};
use std::sync::atomic::{AtomicUsize, Ordering};

use microvisor_config::heapless::String;
use microvisor_config::{ConfigValue, Hex, MicrovisorConfig, Secret};
use reliability::*;

/// The bytes of `slot`'s storage.
///
/// # Safety
///
/// Every byte of the storage must be initialized (the value's drop wrote it, or it was written
/// before).
unsafe fn storage<T>(slot: &MaybeUninit<T>) -> Vec<u8> {
    // SAFETY: the slot is `size_of::<T>()` bytes, borrowed for the call; the caller vouches
    // every byte is initialized, so reading them as `u8` is sound.
    unsafe { core::slice::from_raw_parts(slot.as_ptr().cast::<u8>(), size_of::<T>()) }.to_vec()
}

/// Drops `value` in place and returns the bytes it leaves behind.
fn bytes_left_by<T>(value: T) -> Vec<u8> {
    let mut slot = MaybeUninit::new(value);
    // SAFETY: the slot holds a value; it is dropped once, here, and not used as a `T` again.
    unsafe { slot.assume_init_drop() };
    // SAFETY: a `Secret`'s drop writes every byte of its storage, padding included. For any
    // other `T` the caller passes a type without padding whose drop writes nothing.
    unsafe { storage(&slot) }
}

#[test]
fn a_dropped_secret_leaves_only_zeros() {
    let left = bytes_left_by(Secret::new([0xa5u8; 48]));
    assert_eq!(left, [0u8; 48]);

    let left = bytes_left_by(Secret::new(String::<32>::try_from("hunter2-very-secret").unwrap()));
    assert!(left.iter().all(|&b| b == 0), "{left:?}");

    let left = bytes_left_by(Secret::new(Hex::<16>::parse(b"deadbeef00112233").unwrap()));
    assert!(left.iter().all(|&b| b == 0), "{left:?}");
}

/// Without `Secret`, the same drop leaves the bytes as they were: what makes the test above
/// able to fail.
#[test]
fn a_dropped_plain_value_keeps_its_bytes() {
    assert_eq!(bytes_left_by([0xa5u8; 48]), [0xa5u8; 48]);
}

/// A type with padding: the padding is wiped too (under Miri, reading a padding byte that was
/// never written is an error, so this checks every byte was).
#[repr(C)]
struct Padded {
    tag: u8,
    // 7 bytes of padding here on 64-bit targets.
    word: u64,
}

#[test]
fn padding_is_wiped_too() {
    assert!(size_of::<Padded>() > 9, "the type has padding");
    let left = bytes_left_by(Secret::new(Padded { tag: 0x5a, word: u64::MAX }));
    assert_eq!(left, vec![0; size_of::<Padded>()]);
}

/// Drops of [`Probe`], and whether each saw its bytes intact.
static PROBE_DROPS: AtomicUsize = AtomicUsize::new(0);
static PROBE_INTACT: AtomicUsize = AtomicUsize::new(0);

const MARK: [u8; 24] = *b"probe-secret-bytes-here!";

/// A value whose `Drop` records that it ran, and whether its bytes were still there.
struct Probe {
    bytes: [u8; 24],
}

impl Drop for Probe {
    fn drop(&mut self) {
        PROBE_DROPS.fetch_add(1, Ordering::SeqCst);
        if self.bytes == MARK {
            PROBE_INTACT.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The wrapped value is dropped exactly once, before its storage is zeroed (so a `T` that
/// must release something in its `Drop` still can).
#[test]
fn the_value_is_dropped_once_then_wiped() {
    let left = bytes_left_by(Secret::new(Probe { bytes: MARK }));
    assert_eq!(PROBE_DROPS.load(Ordering::SeqCst), 1);
    assert_eq!(PROBE_INTACT.load(Ordering::SeqCst), 1);
    assert_eq!(left, [0u8; 24]);
}

/// Storage for a `T` whose every byte is 0xa5, so that what a test reads back afterwards shows
/// what was written over it.
fn painted<T>() -> MaybeUninit<T> {
    let mut slot = MaybeUninit::<T>::uninit();
    // SAFETY: `size_of` bytes of writable storage; any bytes are valid for it.
    unsafe { slot.as_mut_ptr().cast::<u8>().write_bytes(0xa5, size_of::<T>()) };
    slot
}

/// A secret whose parse failed half-way is wiped: hex decodes into the slot as it goes, so
/// `deadbeef` is there when `zz` is met.
#[test]
fn a_secret_that_failed_to_parse_is_wiped() {
    let mut slot = painted::<Secret<Hex<8>>>();
    assert!(Secret::<Hex<8>>::parse_into(b"deadbeefzz00", &mut slot).is_err());
    // SAFETY: every byte was written above, and the wipe writes zeros over all of them.
    let left = unsafe { storage(&slot) };
    assert!(left.iter().all(|&b| b == 0), "{left:x?}");

    // The same parse outside a `Secret` leaves the decoded bytes: what makes this test able to
    // fail.
    let mut slot = painted::<Hex<8>>();
    assert!(Hex::<8>::parse_into(b"deadbeefzz00", &mut slot).is_err());
    // SAFETY: as above; the failed parse wrote a whole `Hex` value first.
    let left = unsafe { storage(&slot) };
    assert!(left.windows(4).any(|w| w == [0xde, 0xad, 0xbe, 0xef]), "{left:x?}");
}

/// The same through an `Option`, whose `parse_into` parses the payload by its kind's parser
/// rather than by `Secret`'s own: the payload's place is wiped all the same.
#[test]
fn an_optional_secret_that_failed_to_parse_is_wiped() {
    let mut slot = painted::<Option<Secret<Hex<8>>>>();
    assert!(Option::<Secret<Hex<8>>>::parse_into(b"deadbeefzz00", &mut slot).is_err());
    // SAFETY: every byte was written above (the parse writes only whole values over them).
    let left = unsafe { storage(&slot) };
    assert!(!left.windows(4).any(|w| w == [0xde, 0xad, 0xbe, 0xef]), "{left:x?}");
}

/// `true` for `Clone` types, through the inherent method that only exists for them; `false`
/// through the trait method every type has (the inherent method wins when its bound holds, as
/// in the `impls` crate).
struct CloneProbe<T>(core::marker::PhantomData<T>);

trait Fallback {
    fn is_clone(&self) -> bool {
        false
    }
    fn is_copy(&self) -> bool {
        false
    }
}
impl<T> Fallback for CloneProbe<T> {}

impl<T: Clone> CloneProbe<T> {
    #[allow(dead_code)]
    fn is_clone(&self) -> bool {
        true
    }
}

struct CopyProbe<T>(core::marker::PhantomData<T>);
impl<T> Fallback for CopyProbe<T> {}
impl<T: Copy> CopyProbe<T> {
    #[allow(dead_code)]
    fn is_copy(&self) -> bool {
        true
    }
}

#[test]
fn secrets_are_neither_clone_nor_copy() {
    // Concrete types only: inside a generic function the bound is unknown and the fallback
    // would always answer.
    macro_rules! traits {
        ($ty:ty) => {
            (
                CloneProbe::<$ty>(core::marker::PhantomData).is_clone(),
                CopyProbe::<$ty>(core::marker::PhantomData).is_copy(),
            )
        };
    }
    assert_eq!(traits!(u8), (true, true));
    assert_eq!(traits!(String<8>), (true, false));
    assert_eq!(traits!(Secret<u8>), (false, false));
    assert_eq!(traits!(Secret<String<8>>), (false, false));
    assert_eq!(traits!(Secret<Hex<8>>), (false, false));
}

/// The same, at compile time: if `Secret<T>` implemented `Clone` or `Copy`, the call below
/// would match two impls and not compile (the `static_assertions::assert_not_impl_any!` trick).
const _: () = {
    trait AmbiguousIfClone<A> {
        fn some_item() {}
    }
    impl<T: ?Sized> AmbiguousIfClone<()> for T {}
    #[allow(dead_code)]
    struct IsClone;
    impl<T: Clone> AmbiguousIfClone<IsClone> for T {}

    trait AmbiguousIfCopy<A> {
        fn some_item() {}
    }
    impl<T: ?Sized> AmbiguousIfCopy<()> for T {}
    #[allow(dead_code)]
    struct IsCopy;
    impl<T: Copy> AmbiguousIfCopy<IsCopy> for T {}

    #[allow(dead_code)]
    fn secret_is_not_clone_or_copy() {
        <Secret<u8> as AmbiguousIfClone<_>>::some_item();
        <Secret<u8> as AmbiguousIfCopy<_>>::some_item();
        <Secret<String<8>> as AmbiguousIfClone<_>>::some_item();
    }
};

#[test]
fn secrets_print_redacted() {
    let secret = Secret::new(String::<32>::try_from("hunter2-very-secret").unwrap());
    assert_eq!(format!("{secret:?}"), "[REDACTED]");
    assert_eq!(format!("{secret:#?}"), "[REDACTED]");
    assert_eq!(format!("{secret}"), "[REDACTED]");
    assert_eq!(format!("{:?}", Secret::new(42u8)), "[REDACTED]");
    let settings = fetched_good();
    let printed = format!("{settings:?} {settings:#?}");
    assert!(printed.contains("[REDACTED]"));
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(!printed.contains("deadbeef"), "{printed}");
    assert!(!printed.contains("de, ad"), "{printed}");
}

/// A reporting fetch that stopped at a bad field still reads the secrets after it (to judge
/// them); the read buffer is wiped of them all the same.
#[test]
fn the_read_buffer_is_wiped_on_the_reporting_path() {
    use microvisor_config::__private::ReportSink;
    use microvisor_config::{ConfigChannel, FieldOutcome};

    let mut cloud = cloud_of(&GOOD);
    put(&mut cloud, 1, "88x3");
    // 32 bytes: longer than any secret, so it reaches past their stretch of the buffer.
    put(&mut cloud, 5, LONGEST[5]);
    let mut scratch = [0xa5u8; Rich::SCRATCH_BYTES];
    let mut outcomes = [FieldOutcome::NotRead; FIELDS];
    let mut channel = cloud.open_channel();
    channel.send_request(microvisor_config::Request::of::<Rich>()).unwrap();
    channel.wait_response().unwrap();
    {
        let mut report = ReportSink::of::<Rich>(&mut outcomes);
        let mut out = MaybeUninit::<Rich>::uninit();
        let result =
            common::receive_with_scratch(&mut channel, Some(&mut report), &mut out, &mut scratch);
        // It stops at the port; what it wrote before is dropped, the rest read and judged,
        // then the buffer wiped.
        assert_eq!(result.unwrap_err().key(), Some(Rich::SCHEMA[1].key));
    }
    assert_eq!(outcomes[0], FieldOutcome::Ok, "host read");
    assert!(channel.is_closed());
    assert_eq!(outcomes[8], FieldOutcome::Ok, "private_key read");
    assert_eq!(outcomes[9], FieldOutcome::Ok, "password read");
    // The longest secret (password, max_len 24) plus its one byte.
    let secret_extent = Rich::SCHEMA[9].max_len + 1;
    assert!(scratch[..secret_extent].iter().all(|&b| b == 0), "{:x?}", &scratch[..secret_extent]);
    // Past it, what the longer root-CA left is still there (not wiped).
    assert_eq!(&scratch[secret_extent..32], &LONGEST[5].as_bytes()[secret_extent..]);
}

/// A settings struct with a secret and a plain value read before a field that can fail or panic.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct KeyThenPort {
    #[config(key = "key", store = secret)]
    key: Secret<Hex<8>>,
    #[config(key = "name")]
    name: String<8>,
    #[config(key = "port", with = port_or_panic, max_len = 8)]
    port: u16,
}

/// Parses a port; panics on `panic`, as a buggy parser of the user's might.
fn port_or_panic(text: &[u8]) -> Result<u16, microvisor_config::ParseError> {
    assert!(text != b"panic", "a parser of the user's panicked");
    u16::parse(text)
}

/// Fetches `KeyThenPort` with `port` set to `port` into storage filled with 0xa5 first, and
/// returns the bytes the struct's place holds afterwards, and those of its `key` field.
fn bytes_after_fetch(port: &str, unwind: bool) -> (Vec<u8>, Vec<u8>) {
    use microvisor_config::{Scope, Store};
    use microvisor_config_sim::Cloud;
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Secret, "key", "deadbeefdeadbeef");
    cloud.insert(Scope::Device, Store::Config, "name", "gateway");
    cloud.insert(Scope::Device, Store::Config, "port", port);
    let mut slot = painted::<KeyThenPort>();
    let fetched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        KeyThenPort::fetch_into(&mut cloud.open_channel(), &mut slot).is_ok()
    }));
    assert_eq!(fetched.is_err(), unwind, "the fetch of port {port:?} unwound");
    assert!(!matches!(fetched, Ok(true)), "the fetch of port {port:?} succeeded");
    // SAFETY: every byte was written above (the fetch writes only whole values over them).
    let all = unsafe { storage(&slot) };
    let at = core::mem::offset_of!(KeyThenPort, key);
    let key = all[at..at + size_of::<Secret<Hex<8>>>()].to_vec();
    (all, key)
}

/// A fetch that fails after a `Secret` field was read wipes that field's place, and the rest of
/// the struct (the plain `name` read before, the padding, the storage's old bytes), whether the
/// later field is invalid or its parser panics (where panics unwind).
#[test]
fn a_fetch_that_stops_after_a_secret_wipes_it() {
    for (port, unwinds) in [("88x3", false), ("panic", true)] {
        let (all, key) = bytes_after_fetch(port, unwinds);
        assert!(key.iter().all(|&b| b == 0), "port {port:?}, the key: {key:x?}");
        assert!(all.iter().all(|&b| b == 0), "port {port:?}, the struct: {all:x?}");
    }
}

/// Settings whose fields need no drop of their own: a refresh moves the new settings over the
/// old ones and zeroes the staging copy.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Rotating {
    #[config(key = "key", store = secret)]
    key: Secret<Hex<8>>,
    #[config(key = "token", store = secret)]
    token: Option<Secret<String<12>>>,
    #[config(key = "name")]
    name: String<8>,
    #[config(key = "port", default = 8883)]
    port: u16,
}

/// A refresh of settings without a field of their own to drop leaves nothing behind in the
/// staging copy: not the new values (moved into the settings), nor the old ones (overwritten
/// there, secrets included), nor the staging copy's own old bytes.
#[test]
fn a_refresh_leaves_the_staging_copy_zeroed() {
    use microvisor_config::{Scope, Store};
    use microvisor_config_sim::Cloud;
    assert!(!microvisor_config::__private::drops_fields(Rotating::FIELD_OPS), "the move path");
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Secret, "key", "0011223344556677")
        .insert(Scope::Device, Store::Secret, "token", "first-token")
        .insert(Scope::Device, Store::Config, "name", "gateway");
    let mut settings = Rotating::fetch(&mut cloud.open_channel()).unwrap();
    cloud
        .insert(Scope::Device, Store::Secret, "key", "8899aabbccddeeff")
        .insert(Scope::Device, Store::Secret, "token", "second")
        .insert(Scope::Device, Store::Config, "name", "relay")
        .insert(Scope::Device, Store::Config, "port", "1883");
    let left = staging_after_refresh(&mut settings, &cloud);
    assert_eq!(
        settings.key.expose_secret().as_bytes(),
        [0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]
    );
    assert_eq!(settings.token.as_ref().map(|t| t.expose_secret().as_str()), Some("second"));
    assert_eq!((settings.name.as_str(), settings.port), ("relay", 1883));
    assert!(left.iter().all(|&b| b == 0), "the staging copy: {left:x?}");
}

/// Refreshes `settings` from `cloud` through a staging copy first filled with 0xa5, and returns
/// the bytes the copy holds afterwards.
fn staging_after_refresh<T: MicrovisorConfig>(
    settings: &mut T,
    cloud: &microvisor_config_sim::Cloud,
) -> Vec<u8> {
    let mut staging = painted::<T>();
    settings.refresh_with(&mut cloud.open_channel(), &mut staging).unwrap();
    // SAFETY: every byte was written above, and the refresh writes only whole values or zeros.
    unsafe { storage(&staging) }
}

fn name_from(text: &[u8]) -> Result<String<8>, microvisor_config::ParseError> {
    String::parse(text)
}

/// Settings refreshed by the swap and the old settings' drop glue: a field parsed `with` a
/// function, whose type (with drop glue) is not known to need none.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Swapped {
    #[config(key = "key", store = secret)]
    key: Secret<Hex<8>>,
    #[config(key = "name", with = name_from, max_len = 8)]
    name: String<8>,
}

/// The swap leaves the staging copy all zeros too: the old settings are dropped there, then
/// their bytes zeroed, the plain field's with them.
#[test]
fn a_refresh_by_swap_leaves_the_staging_copy_zeroed() {
    use microvisor_config::{Scope, Store};
    use microvisor_config_sim::Cloud;
    assert!(microvisor_config::__private::drops_fields(Swapped::FIELD_OPS), "the swap path");
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Secret, "key", "0011223344556677").insert(
        Scope::Device,
        Store::Config,
        "name",
        "gateway",
    );
    let mut settings = Swapped::fetch(&mut cloud.open_channel()).unwrap();
    cloud.insert(Scope::Device, Store::Config, "name", "relay");
    let left = staging_after_refresh(&mut settings, &cloud);
    assert_eq!(settings.name.as_str(), "relay");
    assert!(left.iter().all(|&b| b == 0), "the staging copy: {left:x?}");
}
