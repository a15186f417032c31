//! Unit tests of the fetch's layers together: the kinds of the crate's types, the family
//! parsers against each type's own parser, the table builders, and the loop's fill of an
//! `Option` kind.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use core::mem::{align_of, size_of, MaybeUninit};
use std::fmt::Debug;

use heapless::{String, Vec};

use crate::channel::Request;
use crate::error::{ItemError, ParseError};
use crate::fetch::family::family_parser;
use crate::fetch::kind::{code, write_option_tag, FieldRow};
use crate::fetch::ops::{FieldOps, OpsTable, ParseFn, SplitOps, TypeOps};
use crate::fetch::read::{fill_field, item_of};
use crate::fetch::table::{field_row, ops_count, ops_table, own_ops_count, split_ops, FieldEntry};
use crate::outcome::FieldOutcome;
use crate::types::{Hex, Secret};
use crate::value::{parse_into_by_kind, ConfigValue};

/// The kinds the loop parses itself. A `heapless` release that changes the layout of
/// `String` or `Vec` turns theirs `CUSTOM` (or fails to compile): this says which.
#[test]
fn the_crates_own_types_have_builtin_kinds() {
    assert_eq!(<String<0> as ConfigValue>::FIELD_KIND.code(), code::TEXT);
    assert_eq!(<String<1> as ConfigValue>::FIELD_KIND.code(), code::TEXT);
    assert_eq!(<String<128> as ConfigValue>::FIELD_KIND.code(), code::TEXT);
    assert_eq!(<Vec<u8, 3> as ConfigValue>::FIELD_KIND.code(), code::BYTES);
    assert_eq!(<Hex<1536> as ConfigValue>::FIELD_KIND.code(), code::HEX);
    assert_eq!(<bool as ConfigValue>::FIELD_KIND.code(), code::BOOL);
    assert_eq!(<u8 as ConfigValue>::FIELD_KIND.code(), code::U8);
    assert_eq!(<u16 as ConfigValue>::FIELD_KIND.code(), code::U8 + 1);
    assert_eq!(<u32 as ConfigValue>::FIELD_KIND.code(), code::U32);
    assert_eq!(<i32 as ConfigValue>::FIELD_KIND.code(), code::I32);
    assert_eq!(<i8 as ConfigValue>::FIELD_KIND.code(), code::I8);
    assert_eq!(<Secret<String<8>> as ConfigValue>::FIELD_KIND.code(), code::TEXT);
    // An `Option` of a built-in kind whose payload is aligned to one byte or to a word:
    // the loop writes its tag, a byte or a word.
    let (option, byte_tag) = (code::OPTION, code::OPTION | code::OPTION_BYTE_TAG);
    assert_eq!(<Option<String<0>> as ConfigValue>::FIELD_KIND.code(), option | code::TEXT);
    assert_eq!(<Option<String<34>> as ConfigValue>::FIELD_KIND.code(), option | code::TEXT);
    assert_eq!(<Option<Vec<u8, 3>> as ConfigValue>::FIELD_KIND.code(), option | code::BYTES);
    assert_eq!(<Option<Hex<1536>> as ConfigValue>::FIELD_KIND.code(), option | code::HEX);
    // A `u32` is word-aligned on the device, not on a 64-bit host.
    let (u32_option, i32_option) = match size_of::<usize>() {
        4 => (option | code::U32, option | code::I32),
        _ => (code::CUSTOM, code::CUSTOM),
    };
    assert_eq!(<Option<u32> as ConfigValue>::FIELD_KIND.code(), u32_option);
    assert_eq!(<Option<i32> as ConfigValue>::FIELD_KIND.code(), i32_option);
    assert_eq!(<Option<u8> as ConfigValue>::FIELD_KIND.code(), byte_tag | code::U8);
    assert_eq!(<Option<i8> as ConfigValue>::FIELD_KIND.code(), byte_tag | code::I8);
    // `Secret<T>` is laid out as `T`.
    assert_eq!(<Secret<Option<u8>> as ConfigValue>::FIELD_KIND.code(), byte_tag | code::U8);
    // An `Option` kind is the loop's to fill, never a family parser's: that would parse
    // into its tag.
    assert!(!<Option<u8> as ConfigValue>::FIELD_KIND.is_parsed_by_family());
    assert!(!<Secret<Option<u8>> as ConfigValue>::FIELD_KIND.is_parsed_by_family());
    assert!(!<Option<String<8>> as ConfigValue>::FIELD_KIND.is_parsed_by_family());
    assert!(<Secret<Option<u8>> as ConfigValue>::FIELD_KIND.is_parsed_by_loop());
    for custom in [
        // A two-byte alignment (a tag the loop does not write), a niche (`None` is 2),
        // a `Secret` payload (a layout not checked), no built-in payload.
        <Option<u16> as ConfigValue>::FIELD_KIND.code(),
        <Option<i16> as ConfigValue>::FIELD_KIND.code(),
        <Option<bool> as ConfigValue>::FIELD_KIND.code(),
        <Option<Secret<String<8>>> as ConfigValue>::FIELD_KIND.code(),
        <Option<f32> as ConfigValue>::FIELD_KIND.code(),
        <Option<Option<u8>> as ConfigValue>::FIELD_KIND.code(),
        <u64 as ConfigValue>::FIELD_KIND.code(),
        <i64 as ConfigValue>::FIELD_KIND.code(),
        <u128 as ConfigValue>::FIELD_KIND.code(),
        <f32 as ConfigValue>::FIELD_KIND.code(),
        <crate::types::Base64<4> as ConfigValue>::FIELD_KIND.code(),
    ] {
        assert_eq!(custom, code::CUSTOM);
    }
}

/// What the loop writes for a built-in kind is what the type's own parser gives, value or
/// error, for good and bad text alike.
/// Texts longer than the type's `MAX_LEN`, which the family parsers are never handed, are
/// checked through `parse_into_by_kind`, which is handed them.
fn builtin_parses_as_the_type<T: ConfigValue + PartialEq + Debug>(texts: &[&[u8]]) {
    let kind = T::FIELD_KIND.code();
    assert_ne!(kind, code::CUSTOM);
    for text in texts {
        let mut slot = MaybeUninit::<T>::uninit();
        let by_kind = parse_into_by_kind(text, &mut slot).map(|value| &*value);
        assert_eq!(
            by_kind,
            T::parse(text).as_ref().map_err(Clone::clone),
            "{:?}",
            core::str::from_utf8(text)
        );
        if text.len() > T::MAX_LEN {
            continue;
        }
        let mut slot = MaybeUninit::<T>::uninit();
        let row = FieldRow { offset: 0, max_len: T::MAX_LEN as u16, kind, ops: 0 };
        let parse = family_parser(kind);
        // SAFETY: a `T` place of kind `kind`; `text` is at most `T::MAX_LEN` bytes.
        let parsed = unsafe { parse(text, slot.as_mut_ptr().cast(), &row) };
        // SAFETY: `Ok` means the slot holds a value.
        let parsed = parsed.map(|()| unsafe { slot.assume_init() });
        assert_eq!(parsed, T::parse(text), "{:?}", core::str::from_utf8(text));
    }
}

/// `parse_option` writes `Some` and parses the payload in place, relying on the payload's
/// placeholder: it gives what `Option<T>`'s own parser gives, value or error.
fn option_parses_as_the_type<T: ConfigValue + Clone + PartialEq + Debug>(texts: &[&[u8]]) {
    option_parses_as_the_type_seen_as(texts, |value: &T| value.clone());
}

/// As `option_parses_as_the_type`, comparing what `view` shows of the values (for
/// `Secret`, which does not compare).
fn option_parses_as_the_type_seen_as<T: ConfigValue, V: PartialEq + Debug>(
    texts: &[&[u8]],
    view: impl Fn(&T) -> V,
) {
    assert!(T::placeholder().is_some(), "a built-in kind without a placeholder");
    let ops = TypeOps::<Option<T>>::option().ops();
    // The row the loop hands it: `CUSTOM`, the entry being the `Option`'s own.
    let row = FieldRow { offset: 0, max_len: T::MAX_LEN as u16, kind: code::CUSTOM, ops: 0 };
    let seen = |parsed: Result<&Option<T>, ParseError>| parsed.map(|o| o.as_ref().map(&view));
    for text in texts {
        let expected = Option::<T>::parse(text);
        let mut slot = MaybeUninit::<Option<T>>::uninit();
        // `Option`'s own in-place parser, through `parse_into_by_kind`: any length.
        let in_place = Option::<T>::parse_into(text, &mut slot).map(|value| &*value);
        assert_eq!(
            seen(in_place),
            seen(expected.as_ref().map_err(Clone::clone)),
            "{:?}",
            core::str::from_utf8(text)
        );
        // The loop's entry, which is never handed a text longer than the field's `max_len`.
        if text.len() > T::MAX_LEN {
            continue;
        }
        let mut slot = MaybeUninit::<Option<T>>::uninit();
        // SAFETY: an `Option<T>` place; `text` is at most `T::MAX_LEN` bytes.
        let parsed = unsafe { (ops.parse)(text, slot.as_mut_ptr().cast(), &row) };
        // SAFETY: `Ok` means the slot holds a value.
        let parsed = parsed.map(|()| unsafe { slot.assume_init_ref() });
        assert_eq!(
            seen(parsed),
            seen(expected.as_ref().map_err(Clone::clone)),
            "{:?}",
            core::str::from_utf8(text)
        );
    }
    let mut slot = MaybeUninit::<Option<T>>::uninit();
    // SAFETY: an `Option<T>` place.
    assert!(unsafe { (ops.missing)(slot.as_mut_ptr().cast()) });
    // SAFETY: `missing` answered `true`: it wrote the value.
    assert!(unsafe { slot.assume_init() }.is_none());
}

#[test]
fn options_of_builtin_kinds_parse_as_their_types() {
    option_parses_as_the_type::<String<8>>(&[b"", b"broker", b"\xff", b"123456789"]);
    option_parses_as_the_type::<Vec<u8, 4>>(&[b"", b"\x00\xff", b"abcde"]);
    option_parses_as_the_type::<Hex<4>>(&[b"DEadBE", b"abc", b"0g", b"0011223344"]);
    option_parses_as_the_type::<bool>(&[b"true", b"false", b"yes"]);
    option_parses_as_the_type::<u8>(&[b"0", b"255", b"256", b"1x"]);
    option_parses_as_the_type::<u16>(&[b"8883", b"65536"]);
    option_parses_as_the_type::<u32>(&[b"4294967295", b"4294967296"]);
    option_parses_as_the_type::<i8>(&[b"-128", b"128", b"-"]);
    option_parses_as_the_type::<i16>(&[b"-32768", b"--1"]);
    option_parses_as_the_type::<i32>(&[b"-2147483648", b"2147483648"]);
    let exposed = |secret: &Secret<String<8>>| secret.expose_secret().clone();
    option_parses_as_the_type_seen_as(&[b"hunter2", b"\xff"], exposed);
    let exposed = |secret: &Secret<Hex<4>>| secret.expose_secret().to_vec();
    option_parses_as_the_type_seen_as(&[b"deadbeef", b"zz"], exposed);
}

#[test]
fn builtin_kinds_parse_as_their_types() {
    builtin_parses_as_the_type::<String<8>>(&[
        b"",
        b"broker",
        b"caf\xc3\xa9",
        b"\xff",
        b"12345678",
    ]);
    builtin_parses_as_the_type::<Vec<u8, 4>>(&[b"", b"\x00\xff", b"abcd", b"abcde"]);
    builtin_parses_as_the_type::<Hex<4>>(&[
        b"",
        b"DEadBE",
        b"abc",
        b"zz",
        b"0g",
        b"00112233",
        b"0011223344",
        b"001122334",
    ]);
    builtin_parses_as_the_type::<bool>(&[b"true", b"false", b"", b"TRUE", b"yes"]);
    builtin_parses_as_the_type::<u8>(&[b"0", b"255", b"256", b"", b"+1", b"-1", b"1x"]);
    builtin_parses_as_the_type::<u16>(&[b"8883", b"65535", b"65536", b"99999999999x"]);
    builtin_parses_as_the_type::<u32>(&[b"4294967295", b"4294967296", b"007"]);
    builtin_parses_as_the_type::<i8>(&[
        b"-128", b"127", b"128", b"-129", b"-", b"+", b"", b"+5", b"-1x", b"+x", b"7-",
    ]);
    builtin_parses_as_the_type::<i16>(&[b"-32768", b"32767", b"-32769", b"--1"]);
    builtin_parses_as_the_type::<i32>(&[b"-2147483648", b"2147483647", b"2147483648"]);
}

/// A struct's ops table holds its own entries in order, then one entry per family of
/// built-in kinds it uses (not per type), and each row points at the entry that parses it.
#[test]
fn rows_point_at_their_own_or_their_familys_ops() {
    fn plain<T: ConfigValue>() -> FieldEntry {
        FieldEntry::plain(T::FIELD_KIND, T::FIELD_OPS)
    }
    let entries = [
        plain::<Option<u16>>(),
        plain::<String<8>>(),
        plain::<u16>(),
        plain::<f32>(),
        plain::<Secret<i32>>(),
        plain::<Secret<String<4>>>(),
        plain::<u8>(),
        plain::<bool>(),
        plain::<Option<u8>>(),
    ];
    // Two of their own, and the text, bool, unsigned and signed families, in code order.
    assert_eq!(ops_count(&entries), 6);
    let table: [FieldOps; 6] = ops_table(&entries);
    // Split by operation, entry for entry: the parses below go through the split table;
    // the two own entries come first, and only they have the other operations (function
    // addresses do not compare reliably, so what each entry does is compared instead: only
    // the `Option` entry has a missing value).
    assert_eq!(own_ops_count(&entries), 2);
    let split: SplitOps<6, 2> = split_ops(&entries);
    for (i, ops) in table.iter().enumerate() {
        let mut b = MaybeUninit::<[u64; 2]>::uninit();
        // SAFETY: 16 bytes, room and alignment for every type of the list.
        assert_eq!(unsafe { (ops.missing)(b.as_mut_ptr().cast()) }, i == 0, "missing {i}");
        if i >= 2 {
            assert!(ops.drop.is_none() && ops.validate.is_none(), "family {i}");
            continue;
        }
        let mut a = MaybeUninit::<[u64; 2]>::uninit();
        // SAFETY: as above.
        assert_eq!(unsafe { (split.missing[i])(a.as_mut_ptr().cast()) }, i == 0, "{i}");
        assert_eq!(split.drop[i].is_some(), ops.drop.is_some(), "drop {i}");
        assert_eq!(split.validate[i].is_some(), ops.validate.is_some(), "validate {i}");
    }
    let rows: std::vec::Vec<FieldRow> =
        (0..entries.len()).map(|entry| field_row(&entries, entry, 0, 8)).collect();
    let slots: std::vec::Vec<u8> = rows.iter().map(|row| row.ops).collect();
    // The `Option<u8>` is filled by its row, through the unsigned family's entry.
    assert_eq!(slots, [0, 2, 4, 1, 5, 2, 4, 3, 4]);
    let kinds: std::vec::Vec<u8> = rows.iter().map(|row| row.kind).collect();
    assert_eq!(
        kinds,
        [
            code::CUSTOM,
            code::TEXT,
            code::U8 + 1,
            code::CUSTOM,
            code::I8 + 2,
            code::TEXT,
            code::U8,
            code::BOOL,
            code::OPTION | code::OPTION_BYTE_TAG | code::U8,
        ]
    );
    // Each row's entry parses its field's type.
    let parse = |row: &FieldRow, text: &[u8], slot: *mut u8| {
        // SAFETY: `slot` is a place of the row's type, large enough for `text`.
        unsafe { (split.parse[usize::from(row.ops)])(text, slot, row) }
    };
    let mut option = MaybeUninit::<Option<u16>>::uninit();
    parse(&rows[0], b"7", option.as_mut_ptr().cast()).unwrap();
    // SAFETY: parsed above.
    assert_eq!(unsafe { option.assume_init() }, Some(7));
    let mut option = MaybeUninit::<Option<u8>>::uninit();
    // SAFETY: an `Option<u8>` place, of the row's kind.
    let payload = unsafe { write_option_tag(option.as_mut_ptr().cast(), rows[8].kind, true) };
    parse(&rows[8], b"200", payload).unwrap();
    // SAFETY: the tag written, the payload parsed.
    assert_eq!(unsafe { option.assume_init() }, Some(200));
    let mut text = MaybeUninit::<String<8>>::uninit();
    parse(&rows[1], b"broker", text.as_mut_ptr().cast()).unwrap();
    // SAFETY: parsed above.
    assert_eq!(unsafe { text.assume_init() }, "broker");
    let mut port = MaybeUninit::<u16>::uninit();
    parse(&rows[2], b"8883", port.as_mut_ptr().cast()).unwrap();
    // SAFETY: parsed above.
    assert_eq!(unsafe { port.assume_init() }, 8883);
    let mut float = MaybeUninit::<f32>::uninit();
    parse(&rows[3], b"0.5", float.as_mut_ptr().cast()).unwrap();
    // SAFETY: parsed above.
    assert_eq!(unsafe { float.assume_init() }, 0.5);
    let mut signed = MaybeUninit::<Secret<i32>>::uninit();
    parse(&rows[4], b"-70000", signed.as_mut_ptr().cast()).unwrap();
    // SAFETY: parsed above.
    assert_eq!(*unsafe { signed.assume_init() }.expose_secret(), -70000);
    let mut byte = MaybeUninit::<u8>::uninit();
    assert_eq!(
        parse(&rows[6], b"256", byte.as_mut_ptr().cast()),
        Err(ParseError::OutOfRange),
        "the unsigned family's entry takes the width from the row"
    );
    let mut flag = MaybeUninit::<bool>::uninit();
    parse(&rows[7], b"true", flag.as_mut_ptr().cast()).unwrap();
    // SAFETY: parsed above.
    assert!(unsafe { flag.assume_init() });
    // A built-in family has no default: a missing key is required.
    for family in &table[2..] {
        // SAFETY: not called with a real place: the entry writes nothing.
        assert!(!unsafe { (family.missing)(core::ptr::null_mut()) });
        assert!(family.drop.is_none() && family.validate.is_none());
    }
}

/// An `Option<T>` with a guard behind it, where the loop's writes must not reach.
#[repr(C)]
struct Guarded<T> {
    option: MaybeUninit<Option<T>>,
    guard: [u8; 8],
}

/// What the loop makes of a field of an `Option` kind from its row alone ([`fill_field`],
/// the loop's own code, with the table and row the derive would make for a struct of that
/// one field): its tag written (`write_option_tag`), then its payload parsed by its family's
/// parser, or the tag alone for a missing key. The value is `Option<T>`'s own parser's, or
/// `None`, with the outcome the report would record; the tag's bytes, as wide as `T`'s
/// alignment, are 1 or 0 however the place was filled before; nothing is written past the
/// `Option` (the guard keeps its bytes); and the bytes written are a valid `Option<T>`
/// (Miri checks the tag, and that `None` needs no payload).
fn option_fills_by_its_row<T: ConfigValue + PartialEq + Debug>(texts: &[&[u8]]) {
    let kind = Option::<T>::FIELD_KIND;
    assert_ne!(kind.code() & code::OPTION, 0, "not an `Option` kind");
    assert!(kind.is_parsed_by_loop() && !kind.is_parsed_by_family());
    let entries = [FieldEntry::plain(kind, Option::<T>::FIELD_OPS)];
    let parse: &'static [ParseFn; 1] = &const {
        let entries = [FieldEntry::plain(Option::<T>::FIELD_KIND, Option::<T>::FIELD_OPS)];
        split_ops::<1, 0>(&entries).parse
    };
    let ops = OpsTable::new(parse, &[], &[], &[]);
    let row = field_row(&entries, 0, 0, T::MAX_LEN);
    let fill = |text: Option<&[u8]>| {
        let mut place = Guarded::<T> { option: MaybeUninit::uninit(), guard: [0xa5; 8] };
        let slot = place.option.as_mut_ptr().cast::<u8>();
        // SAFETY: the `Option`'s own bytes.
        unsafe { slot.write_bytes(0xa5, size_of::<Option<T>>()) };
        // SAFETY: an `Option<T>` place, of the row's kind, holding no value; `text` is at
        // most `T::MAX_LEN` bytes (below).
        let result = unsafe { fill_field(text, &row, &ops, slot) };
        assert_eq!(place.guard, [0xa5; 8], "written past the `Option`");
        let mut tag = std::vec![0u8; align_of::<T>()];
        tag[0] = u8::from(text.is_some());
        // SAFETY: the tag's bytes, written by the fill over the bytes written above.
        let written = unsafe { core::slice::from_raw_parts(slot, align_of::<T>()) };
        assert_eq!(written, &tag[..], "the tag");
        // SAFETY: `Ok` means the tag and the payload, if any, are written.
        result.map(|outcome| (outcome, unsafe { place.option.assume_init() }))
    };
    assert_eq!(fill(None), Ok((FieldOutcome::Defaulted, None)));
    for text in texts.iter().filter(|text| text.len() <= T::MAX_LEN) {
        let expected = Option::<T>::parse(text)
            .map(|value| (FieldOutcome::Ok, value))
            .map_err(ItemError::Invalid);
        assert_eq!(fill(Some(text)), expected, "{:?}", core::str::from_utf8(text));
    }
}

#[test]
fn options_of_option_kinds_fill_by_their_rows() {
    option_fills_by_its_row::<String<8>>(&[b"", b"broker", b"caf\xc3\xa9", b"\xff"]);
    option_fills_by_its_row::<String<0>>(&[b""]);
    option_fills_by_its_row::<Vec<u8, 4>>(&[b"", b"\x00\xff", b"abcd"]);
    option_fills_by_its_row::<Hex<4>>(&[b"DEadBE", b"abc", b"0g", b"00112233"]);
    option_fills_by_its_row::<u8>(&[b"0", b"255", b"256", b"1x", b""]);
    option_fills_by_its_row::<i8>(&[b"-128", b"127", b"128", b"-"]);
    // Word-aligned on the device (its on-target scenarios fetch these), not on a 64-bit host.
    if size_of::<usize>() == 4 {
        option_fills_by_its_row::<u32>(&[b"4294967295", b"4294967296", b"0"]);
        option_fills_by_its_row::<i32>(&[b"-2147483648", b"2147483647", b"2147483648"]);
    }
}

#[test]
fn option_parses_in_place() {
    let mut slot = MaybeUninit::<Option<String<8>>>::uninit();
    let value = Option::<String<8>>::parse_into(b"client", &mut slot).unwrap();
    assert_eq!(value.as_deref(), Some("client"));
    let mut slot = MaybeUninit::<Option<String<8>>>::uninit();
    assert_eq!(
        Option::<String<8>>::parse_into(b"\xff", &mut slot).unwrap_err(),
        ParseError::NotUtf8 { at: 0 }
    );
    let mut slot = MaybeUninit::<Option<u16>>::uninit();
    assert_eq!(Option::<u16>::parse_into(b"8883", &mut slot).copied(), Ok(Some(8883)));
}

/// `Option` of a built-in type parses into its `Some` by the family's parser: the values
/// and errors of the type's own parser.
#[test]
fn option_of_a_builtin_parses_as_the_type() {
    fn check<T: ConfigValue + PartialEq + Debug>(texts: &[&[u8]]) {
        for text in texts {
            let mut slot = MaybeUninit::<Option<T>>::uninit();
            let parsed = Option::<T>::parse_into(text, &mut slot).map(|value| value.take());
            assert_eq!(parsed, T::parse(text).map(Some), "{:?}", core::str::from_utf8(text));
        }
    }
    check::<String<4>>(&[b"", b"abcd", b"abcde", b"\xff", b"ab\xc3"]);
    check::<Vec<u8, 2>>(&[b"", b"\xff\x00", b"abc"]);
    check::<Hex<2>>(&[b"", b"beef", b"beef00", b"bee", b"xx"]);
    check::<bool>(&[b"true", b"no"]);
    check::<u8>(&[b"255", b"256", b"-1", b""]);
    check::<i16>(&[b"-32768", b"32768", b"+7", b"-"]);
    check::<u32>(&[b"4294967295", b"4294967296"]);
}

/// An error names a key as it is, with its scope and store, and a key past the request as `""`.
#[test]
fn errors_name_keys_and_their_stores() {
    use crate::schema::request_entry as key;
    use crate::schema::{Scope, Store};
    const KEYS: &[crate::ffi::MvConfigKeyToFetch] = &[
        key(Scope::Device, Store::Config, "broker-host"),
        key(Scope::Account, Store::Secret, "clé"),
        key(Scope::Account, Store::Config, "api"),
        key(Scope::Device, Store::Secret, "pw"),
    ];
    // SAFETY: the keys point at string literals.
    let request = unsafe { Request::from_raw(KEYS) };
    // SAFETY: string literals.
    let item = |index| unsafe { item_of(request, index) };
    assert_eq!(item(0), ("broker-host", Scope::Device, Store::Config));
    assert_eq!(item(1), ("clé", Scope::Account, Store::Secret));
    assert_eq!(item(2), ("api", Scope::Account, Store::Config));
    assert_eq!(item(3), ("pw", Scope::Device, Store::Secret));
    assert_eq!(item(4).0, "");
}
