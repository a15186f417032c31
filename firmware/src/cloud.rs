//! Helpers for filling the fake cloud and comparing what a fetch returned with it.

use microvisor_config::heapless::Vec;

use crate::fake;

/// `MvConfigKeyFetchScope::DEVICE`.
pub const DEVICE: u32 = 1;
/// `MvConfigKeyFetchScope::ACCOUNT`.
pub const ACCOUNT: u32 = 0;
/// `MvConfigKeyFetchStore::CONFIG`.
pub const CONFIG: u32 = 1;
/// `MvConfigKeyFetchStore::SECRET`.
pub const SECRET: u32 = 0;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Stores the lowercase hex of `bytes` pseudo-random bytes (a DER file as the vendor's tools
/// upload it); the same `seed` gives the same bytes.
pub fn insert_hex(scope: u32, store: u32, key: fake::LoadedKey, bytes: usize, seed: u32) -> bool {
    fake::insert_with(scope, store, key, 2 * bytes, |out| {
        let mut state = seed | 1;
        for pair in out.chunks_exact_mut(2) {
            // xorshift32: deterministic, cheap, never zero.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let byte = state as u8;
            if let [high, low] = pair {
                *high = HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
                *low = HEX.get(usize::from(byte & 0xf)).copied().unwrap_or(b'0');
            }
        }
    })
}

fn nibble(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0xff,
    }
}

/// Whether `bytes` are the decoding of the hex `text`.
pub fn same_hex(bytes: &[u8], text: &[u8]) -> bool {
    bytes.len() * 2 == text.len()
        && !text.is_empty()
        && bytes
            .iter()
            .zip(text.chunks_exact(2))
            .all(|(&byte, pair)| matches!(pair, &[h, l] if nibble(h) << 4 | nibble(l) == byte))
}

/// Whether a C hex field (`bytes` of which `len` are used) is the decoding of `text`.
pub fn same_c_hex(bytes: &[u8], len: u16, text: &[u8]) -> bool {
    bytes.get(..usize::from(len)).is_some_and(|used| same_hex(used, text))
}

/// A text field's type in the benchmark's text-as-bytes structs (`MqttTextAsBytes`,
/// `Synthetic64TextAsBytes`): bytes, not `String`, so the fetch skips UTF-8 validation.
pub type Bytes<const N: usize> = Vec<u8, N>;

/// The bytes of a text field, `String` or [`Bytes`], to compare with the cloud's value.
pub fn text(text: &impl AsRef<[u8]>) -> &[u8] {
    text.as_ref()
}

/// Whether a C text field (NUL-terminated) holds exactly `text`.
pub fn same_c_text(field: &[u8], text: &[u8]) -> bool {
    field.get(..text.len()) == Some(text) && field.get(text.len()) == Some(&0)
}
