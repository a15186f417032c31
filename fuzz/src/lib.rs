//! Shared by the fuzz targets of microvisor-config: the scripted channel ([`script`]), the
//! reference parsers ([`reference`]), the fetched struct and the oracle ([`model`]), and the
//! seed writer ([`seeds`]). Two fixtures come from the root package's tests, which use them
//! too: the struct with every kind of field ([`every_kind`]) and the statuses each call
//! documents ([`statuses`]).
#![allow(missing_docs, clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

#[path = "../../tests/fixtures/every_kind.rs"]
pub mod every_kind;
pub mod model;
pub mod parsers;
pub mod reference;
pub mod script;
pub mod seeds;
#[path = "../../tests/fixtures/statuses.rs"]
pub mod statuses;

/// Checks that `seeds/<target>` holds exactly `corpus`, file by file; with `WRITE_SEEDS=1` in
/// the environment, writes it there first.
#[cfg(test)]
fn assert_seeds_current<N: AsRef<std::path::Path>>(target: &str, corpus: Vec<(N, Vec<u8>)>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").join(target);
    for (name, input) in corpus {
        let path = dir.join(name);
        if std::env::var_os("WRITE_SEEDS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &input).unwrap();
        }
        assert_eq!(
            std::fs::read(&path).ok(),
            Some(input),
            "{}: run `WRITE_SEEDS=1 cargo test`",
            path.display()
        );
    }
}

#[cfg(test)]
mod replay {
    /// Replays every input in `$FUZZ_REPLAY_DIR/fetch` and `$FUZZ_REPLAY_DIR/parsers` (a
    /// corpus libFuzzer grew or merged) through both oracles: to run a corpus under Miri, which
    /// checks what AddressSanitizer does not (uninitialized reads, invalid drops, provenance):
    ///
    /// `FUZZ_REPLAY_DIR=$PWD/corpus MIRIFLAGS=-Zmiri-disable-isolation cargo +nightly miri test
    /// --lib -- --ignored replay`
    #[test]
    #[ignore = "needs FUZZ_REPLAY_DIR"]
    fn replay_corpus() {
        let dir =
            std::path::PathBuf::from(std::env::var_os("FUZZ_REPLAY_DIR").expect("FUZZ_REPLAY_DIR"));
        let mut replayed = 0;
        for (target, run) in
            [("fetch", crate::model::run as fn(&[u8])), ("parsers", crate::parsers::run)]
        {
            let Ok(entries) = std::fs::read_dir(dir.join(target)) else { continue };
            for entry in entries {
                let path = entry.unwrap().path();
                run(&std::fs::read(&path).unwrap());
                replayed += 1;
            }
        }
        assert!(replayed > 0, "no input in {}", dir.display());
        eprintln!("replayed {replayed} inputs");
    }
}
