//! The derive's compile-time checks, as a firmware engineer meets them: every misuse in
//! `tests/ui/fail/` must fail to compile with the committed `.stderr` (message and caret), and
//! every correct use in `tests/ui/pass/` must compile and run.
//!
//! # The toolchain is pinned for the compile-fail half
//!
//! rustc's wording, its notes and the way it draws carets change between releases, so the
//! `.stderr` snapshots are only meaningful on the toolchain they were reviewed on:
//! [`PINNED_RUSTC`] (the machine's stable, as serde and defmt pin theirs). On any other
//! toolchain the compile-fail cases are skipped with a message, and the pass cases still run
//! (they must compile everywhere). Under CI (`CI` set in the environment) a toolchain other
//! than the pinned one is a failure rather than a skip, so CI can never go green without
//! having compared a single snapshot. Set `MICROVISOR_CONFIG_UI=skip-fail` to skip the
//! compile-fail half on purpose, or `MICROVISOR_CONFIG_UI=force-fail` to run it anyway (to
//! see how a new toolchain words the errors: `TRYBUILD=overwrite` then rewrites the snapshots).
//!
//! When the pinned toolchain moves: change [`PINNED_RUSTC`], run
//! `TRYBUILD=overwrite cargo test --test ui`, and review every changed `.stderr` as a user would.
//!
//! The pass and fail cases share one `TestCases`, so trybuild runs `cargo build` (not
//! `cargo check`) on all of them: a `max_len` too large for the field's type is caught by a
//! constant evaluated in the build.

// A test reports a bad setting by panicking.
#![allow(clippy::panic)]

use std::process::Command;

/// The toolchain the `.stderr` snapshots were written and reviewed on.
const PINNED_RUSTC: &str = "rustc 1.95.0 ";

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    if run_fail_cases() {
        cases.compile_fail("tests/ui/fail/*.rs");
    }
}

/// Whether this toolchain runs the compile-fail cases; see the module documentation.
fn run_fail_cases() -> bool {
    match std::env::var("MICROVISOR_CONFIG_UI").as_deref() {
        Ok("skip-fail") => return false,
        Ok("force-fail") => return true,
        Ok(other) => panic!(
            "MICROVISOR_CONFIG_UI={other:?} is not understood; use `skip-fail` or `force-fail`"
        ),
        Err(_) => {}
    }
    // trybuild compiles with the `rustc` that cargo picks, which is `$RUSTC` if set.
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(&rustc)
        .arg("--version")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default();
    if version.starts_with(PINNED_RUSTC) {
        return true;
    }
    let message = format!(
        "the compile-fail UI cases are pinned to `{}` and this is `{}`",
        PINNED_RUSTC.trim_end(),
        version.trim_end()
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "{message}: CI must run them on the pinned toolchain"
    );
    eprintln!("note: {message}; skipping them (the pass cases still run)");
    false
}
