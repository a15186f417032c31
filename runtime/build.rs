//! Puts `microvisor.x` (link/microvisor.x: the system calls at their fixed addresses) on the link
//! search path of a device build, as cortex-m-rt does with `link.x`: a firmware then links the
//! calls with one `-Tmicrovisor.x` and no vendor object.

// A build script reports a failure by panicking.
#![allow(clippy::expect_used)]

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=link/microvisor.x");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("none") {
        return;
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("microvisor.x"), include_bytes!("link/microvisor.x"))
        .expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search={}", out.display());
}
