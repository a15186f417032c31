//! Fields are built in their place in the settings: what is written is dropped exactly once
//! when a fetch stops half-way, and a value outside its slot is refused.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::cell::RefCell;
use std::mem::MaybeUninit;

use microvisor_config::{
    ConfigValue, FetchError, ItemError, MicrovisorConfig, ParseError, Scope, Secret, Store,
};
use microvisor_config_sim::Cloud;

thread_local! {
    /// The value of each `Counted` dropped, in order.
    static DROPPED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A value that counts its drops, and records which value each one dropped.
#[derive(Debug)]
struct Counted(u8);

impl Drop for Counted {
    fn drop(&mut self) {
        DROPPED.with(|dropped| dropped.borrow_mut().push(self.0));
    }
}

impl ConfigValue for Counted {
    const MAX_LEN: usize = 3;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        u8::parse(text).map(Counted)
    }
}

/// A value whose `parse_into` answers with a reference to somewhere else than its slot.
#[derive(Debug)]
struct Elsewhere;

impl ConfigValue for Elsewhere {
    const MAX_LEN: usize = 1;
    fn parse(_: &[u8]) -> Result<Self, ParseError> {
        Ok(Elsewhere)
    }
    fn parse_into<'s>(_: &[u8], _: &'s mut MaybeUninit<Self>) -> Result<&'s mut Self, ParseError> {
        Ok(Box::leak(Box::new(Elsewhere)))
    }
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Settings {
    first: Counted,
    second: Counted,
    third: u8,
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Liar {
    lie: Elsewhere,
}

fn drops() -> usize {
    DROPPED.with(|dropped| dropped.borrow().len())
}

#[test]
fn a_fetch_that_stops_half_way_drops_what_it_wrote_once() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "first", "1")
        .insert(Scope::Device, Store::Config, "second", "2")
        .insert(Scope::Device, Store::Config, "third", "x");
    let before = drops();
    let error = Settings::fetch(&mut cloud.open_channel()).unwrap_err();
    assert_eq!(error.key(), Some("third"));
    assert_eq!(drops() - before, 2, "both written fields dropped, once each");

    cloud.insert(Scope::Device, Store::Config, "second", "x");
    let before = drops();
    Settings::fetch(&mut cloud.open_channel()).unwrap_err();
    assert_eq!(drops() - before, 1, "only the first field was written");
}

/// A field whose value was parsed and then failed its `validate` check holds a value: the
/// failed fetch drops it, once, with the fields before it.
#[test]
fn a_value_that_fails_its_check_is_dropped_once() {
    fn below_ten(value: &Counted) -> Result<(), ParseError> {
        if value.0 < 10 {
            Ok(())
        } else {
            Err(ParseError::Custom("ten or more"))
        }
    }
    #[derive(MicrovisorConfig, Debug)]
    #[config(scope = device, store = config)]
    struct Checked {
        first: Counted,
        #[config(validate = below_ten)]
        checked: Counted,
    }
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "first", "1");
    cloud.insert(Scope::Device, Store::Config, "checked", "12");
    let before = DROPPED.with(|dropped| dropped.borrow().len());
    let error = Checked::fetch(&mut cloud.open_channel()).unwrap_err();
    assert_eq!(error.key(), Some("checked"));
    // The checked value as its check fails, then the field before it as the fetch unwinds.
    let dropped = DROPPED.with(|dropped| dropped.borrow()[before..].to_vec());
    assert_eq!(dropped, [12, 1], "each value once");
}

#[test]
fn a_whole_fetch_drops_nothing_until_the_settings_go() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "first", "1")
        .insert(Scope::Device, Store::Config, "second", "2")
        .insert(Scope::Device, Store::Config, "third", "3");
    let before = drops();
    let mut out = MaybeUninit::uninit();
    let settings = Settings::fetch_into(&mut cloud.open_channel(), &mut out).unwrap();
    assert_eq!((settings.first.0, settings.second.0, settings.third), (1, 2, 3));
    assert_eq!(drops(), before);
    // SAFETY: `fetch_into` answered `Ok`, so `out` holds the settings; dropped once here.
    unsafe { out.assume_init_drop() };
    assert_eq!(drops() - before, 2);
}

#[test]
fn refresh_with_staging_drops_the_old_settings_there() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "first", "1")
        .insert(Scope::Device, Store::Config, "second", "2")
        .insert(Scope::Device, Store::Config, "third", "3");
    let mut settings = Settings::fetch(&mut cloud.open_channel()).unwrap();
    cloud.insert(Scope::Device, Store::Config, "first", "7");
    let before = drops();
    let dropped_before = DROPPED.with(|dropped| dropped.borrow().len());
    let mut staging = MaybeUninit::uninit();
    settings.refresh_with(&mut cloud.open_channel(), &mut staging).unwrap();
    assert_eq!((settings.first.0, settings.second.0), (7, 2));
    assert_eq!(drops() - before, 2, "the old settings were dropped");
    // The old values, 1 and 2, not the new 7 (which a commit that copied the new settings over
    // the old and then dropped the staging copy would drop, while still using it).
    let dropped = DROPPED.with(|dropped| dropped.borrow()[dropped_before..].to_vec());
    assert_eq!(dropped, [1, 2]);
}

// A field of a type with a `Drop` of its own, reached through `Option`, `default` or `with`,
// one struct each: each alone must make a refresh drop the old settings, not overwrite them.

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct OptionalCounted {
    optional: Option<Counted>,
    plain: u8,
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct DefaultedCounted {
    #[config(default = Counted(9))]
    defaulted: Counted,
    plain: u8,
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct CountedWith {
    #[config(with = counted_from_text, max_len = 3)]
    parsed_with: Counted,
    plain: u8,
}

fn counted_from_text(text: &[u8]) -> Result<Counted, ParseError> {
    Counted::parse(text)
}

/// Fetches `T`, refreshes it, and answers how many values the refresh dropped.
fn drops_of_a_refresh<T: MicrovisorConfig>(cloud: &Cloud) -> usize {
    let mut settings = T::fetch(&mut cloud.open_channel()).unwrap();
    let before = drops();
    settings.refresh(&mut cloud.open_channel()).unwrap();
    drops() - before
}

#[test]
fn a_refresh_drops_the_old_drop_fields_however_they_are_declared() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "optional", "1")
        .insert(Scope::Device, Store::Config, "parsed_with", "3")
        .insert(Scope::Device, Store::Config, "plain", "4");
    assert_eq!(drops_of_a_refresh::<OptionalCounted>(&cloud), 1, "Option<Counted>");
    assert_eq!(drops_of_a_refresh::<DefaultedCounted>(&cloud), 1, "default");
    assert_eq!(drops_of_a_refresh::<CountedWith>(&cloud), 1, "with");
}

#[test]
fn a_value_outside_its_slot_is_refused() {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "lie", "x");
    assert_eq!(
        Liar::fetch(&mut cloud.open_channel()).unwrap_err(),
        FetchError::Item {
            index: 0,
            key: "lie",
            scope: Scope::Device,
            store: Store::Config,
            error: ItemError::Invalid(ParseError::Custom("parse_into answered outside its slot"))
        }
    );
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = secret)]
struct Key {
    key: Secret<microvisor_config::Hex<8>>,
}

/// A secret that fails half-way through decoding has already written part of itself into the
/// settings' memory; no drop will run for it, so it is wiped on the spot.
#[test]
fn a_secret_that_fails_half_way_leaves_no_bytes_behind() {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Secret, "key", "a1b2c3d4e5f6zz");
    let mut out = MaybeUninit::<Key>::uninit();
    // SAFETY: writing bytes into a `MaybeUninit` is always allowed.
    unsafe { out.as_mut_ptr().cast::<u8>().write_bytes(0x55, size_of::<Key>()) };
    let error = Key::fetch_into(&mut cloud.open_channel(), &mut out).unwrap_err();
    assert_eq!(error.item_error(), Some(&ItemError::Invalid(ParseError::NotHex { at: 12 })));
    // SAFETY: every byte of `out` was written, by the fill above and then by the wipe.
    let bytes = unsafe { std::slice::from_raw_parts(out.as_ptr().cast::<u8>(), size_of::<Key>()) };
    assert!(bytes.iter().all(|&b| b == 0), "{bytes:02x?}");

    // Without the failure, the same memory holds the key (so the test above can fail).
    cloud.insert(Scope::Device, Store::Secret, "key", "a1b2c3d4e5f6");
    let key = Key::fetch_into(&mut cloud.open_channel(), &mut out).unwrap();
    assert_eq!(&**key.key.expose_secret(), &[0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]);
}

// Which commit each kind of field makes a refresh take: the move (no field with a drop of its
// own) or the swap and drop glue.

fn accept<T>(_: &T) -> Result<(), ParseError> {
    Ok(())
}

fn text_from(text: &[u8]) -> Result<microvisor_config::heapless::String<8>, ParseError> {
    ConfigValue::parse(text)
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct WrappersOfDropless {
    #[config(validate = accept)]
    validated: Option<microvisor_config::heapless::String<8>>,
    #[config(store = secret)]
    wide: Secret<u64>,
    #[config(store = secret)]
    optional_wide: Option<Secret<u64>>,
    #[config(store = secret, default)]
    defaulted: Secret<microvisor_config::heapless::String<8>>,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct SecretCounted {
    #[config(store = secret)]
    counted: Secret<Counted>,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct OptionalSecretCounted {
    #[config(store = secret)]
    counted: Option<Secret<Counted>>,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct TextWith {
    #[config(with = text_from, max_len = 8)]
    text: microvisor_config::heapless::String<8>,
}

#[test]
fn a_refresh_takes_the_drop_path_only_when_a_field_needs_a_drop() {
    use microvisor_config::__private::drops_fields;
    assert!(!drops_fields(WrappersOfDropless::FIELD_OPS), "Option, Secret of drop-less types");
    assert!(!drops_fields(OwnTypes::FIELD_OPS), "the crate's own types");
    assert!(drops_fields(Settings::FIELD_OPS), "Counted");
    assert!(drops_fields(SecretCounted::FIELD_OPS), "Secret<Counted>");
    assert!(drops_fields(OptionalSecretCounted::FIELD_OPS), "Option<Secret<Counted>>");
    assert!(drops_fields(OptionalCounted::FIELD_OPS), "Option<Counted>");
    assert!(drops_fields(DefaultedCounted::FIELD_OPS), "Counted with default");
    // A `with` function's type need not be a `ConfigValue`: its drop glue decides.
    assert!(drops_fields(TextWith::FIELD_OPS), "String parsed with a function");
}

#[test]
fn a_secret_of_a_drop_type_is_dropped_by_a_refresh() {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Secret, "counted", "5");
    assert_eq!(drops_of_a_refresh::<SecretCounted>(&cloud), 1, "Secret<Counted>");
    assert_eq!(drops_of_a_refresh::<OptionalSecretCounted>(&cloud), 1, "Option<Secret<Counted>>");
}

/// The crate's own types only.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct OwnTypes {
    name: microvisor_config::heapless::String<8>,
    #[config(store = secret)]
    key: Secret<microvisor_config::Hex<4>>,
    port: Option<u16>,
}
