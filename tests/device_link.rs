//! The system calls are linked by address (runtime/link/microvisor.x): the script must define
//! exactly the calls the runtime declares, each at the slot docs/PROTOCOL.md documents. The
//! device image's own check (examples/device/check-image) then holds the linked ELF to this
//! script.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap()
}

/// The calls `ffi::sys` declares.
fn declared() -> Vec<String> {
    let ffi = read("runtime/src/ffi.rs");
    let sys = &ffi[ffi.find("pub mod sys").unwrap()..];
    let mut names: Vec<String> = sys
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub fn "))
        .map(|rest| rest[..rest.find('(').unwrap()].to_owned())
        .collect();
    names.sort();
    names
}

/// `PROVIDE(name = address);` of the linker script.
fn provided() -> BTreeMap<String, u32> {
    read("runtime/link/microvisor.x")
        .lines()
        .filter_map(|line| line.strip_prefix("PROVIDE(")?.strip_suffix(");"))
        .map(|body| {
            let (name, address) = body.split_once(" = ").unwrap();
            (name.to_owned(), u32::from_str_radix(address.trim_start_matches("0x"), 16).unwrap())
        })
        .collect()
}

/// The slots of docs/PROTOCOL.md's "Linking" table, by call.
fn documented() -> BTreeMap<String, u32> {
    let protocol = read("docs/PROTOCOL.md");
    let table = &protocol[protocol.find("## Linking").unwrap()..];
    let mut slots = BTreeMap::new();
    for row in table.lines().take_while(|line| !line.starts_with("## How")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        for pair in cells.windows(2) {
            if let (Some(name), Some(slot)) =
                (pair[0].strip_prefix("`mv"), pair[1].strip_prefix("0x"))
            {
                let name = format!("mv{}", name.trim_end_matches('`'));
                slots.insert(name, u32::from_str_radix(&slot.replace('_', ""), 16).unwrap());
            }
        }
    }
    slots
}

#[test]
fn the_linker_script_defines_every_declared_call_at_its_documented_slot() {
    let declared = declared();
    let provided = provided();
    assert_eq!(declared.len(), 13, "{declared:?}");
    assert_eq!(provided.keys().cloned().collect::<Vec<_>>(), declared, "script against sys");
    let documented = documented();
    for (name, address) in &provided {
        let slot = documented.get(name).unwrap_or_else(|| panic!("{name} is not documented"));
        assert_eq!(*address, slot + 1, "{name}: a Thumb function is its slot + 1");
        assert_eq!((slot - 0x0C1F_E000) % 8, 0, "{name}: slots are 8 bytes apart");
    }
}
