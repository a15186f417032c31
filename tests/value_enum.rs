//! Enums read from text with `#[derive(ConfigValue)]`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use microvisor_config::{
    ConfigValue, FetchError, ItemError, MicrovisorConfig, ParseError, Scope, Store,
};
use microvisor_config_sim::Cloud;

#[derive(ConfigValue, Debug, PartialEq, Clone, Copy)]
#[config(rename_all = "kebab-case")]
enum Region {
    Eu,
    UsEast,
    #[config(name = "ap")]
    AsiaPacific,
}

#[derive(ConfigValue, Debug, PartialEq)]
enum Mode {
    Fast,
    Slow,
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = account, store = config)]
struct Settings {
    region: Region,
    #[config(default = Mode::Slow)]
    mode: Mode,
}

#[test]
fn variants_are_read_by_name() {
    assert_eq!(Region::parse(b"eu"), Ok(Region::Eu));
    assert_eq!(Region::parse(b"us-east"), Ok(Region::UsEast));
    assert_eq!(Region::parse(b"ap"), Ok(Region::AsiaPacific));
    assert_eq!(Region::parse(b"asia-pacific"), Err(ParseError::UnknownVariant));
    assert_eq!(Region::parse(b"EU"), Err(ParseError::UnknownVariant));
    assert_eq!(Region::MAX_LEN, 7);
    assert_eq!(Region::UsEast.config_name(), "us-east");
    assert_eq!(Mode::parse(b"Fast"), Ok(Mode::Fast));
    assert_eq!(Mode::parse(b"fast"), Err(ParseError::UnknownVariant));
}

#[test]
fn enum_fields_fetch_and_name_their_key() {
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Account, Store::Config, "region", "us-east");
    let settings = Settings::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!((settings.region, settings.mode), (Region::UsEast, Mode::Slow));

    cloud.insert(Scope::Account, Store::Config, "region", "mars");
    assert_eq!(
        Settings::fetch(&mut cloud.open_channel()).unwrap_err(),
        FetchError::Item {
            index: 0,
            key: "region",
            scope: Scope::Account,
            store: Store::Config,
            error: ItemError::Invalid(ParseError::UnknownVariant)
        }
    );
    cloud.insert(Scope::Account, Store::Config, "region", "us-east-1");
    assert_eq!(
        Settings::fetch(&mut cloud.open_channel()).unwrap_err().item_error(),
        Some(&ItemError::TooLong { len: 8, max: 7 })
    );
}

/// An enum pasted by `macro_rules!` reads its names and case as a written one does: the
/// pasted literals arrive inside invisible groups, which the derive looks through.
#[test]
fn an_enum_generated_by_a_macro_reads_like_a_written_one() {
    macro_rules! region {
        ($case:literal, $name:literal) => {
            #[derive(ConfigValue, Debug, PartialEq)]
            #[config(rename_all = $case)]
            enum Pasted {
                UsEast,
                #[config(name = $name)]
                AsiaPacific,
            }
        };
    }
    region!("SCREAMING_SNAKE_CASE", "ap");
    assert_eq!(Pasted::parse(b"US_EAST"), Ok(Pasted::UsEast));
    assert_eq!(Pasted::parse(b"ap"), Ok(Pasted::AsiaPacific));
}

/// A name may be any UTF-8 text; the longest bounds the value in bytes, not characters, so a
/// name of non-ASCII letters is read whole (and not refused as too long).
#[test]
fn names_are_bounded_in_bytes() {
    #[derive(ConfigValue, Debug, PartialEq)]
    enum Lang {
        #[config(name = "fran\u{e7}ais")]
        French,
        #[config(name = "en")]
        English,
    }
    #[derive(MicrovisorConfig, Debug)]
    #[config(scope = device, store = config)]
    struct Locale {
        lang: Lang,
    }
    assert_eq!(Lang::MAX_LEN, "fran\u{e7}ais".len());
    let mut cloud = Cloud::new();
    cloud.insert(Scope::Device, Store::Config, "lang", "fran\u{e7}ais");
    assert_eq!(Locale::fetch(&mut cloud.open_channel()).unwrap().lang, Lang::French);
}
