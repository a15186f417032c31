//! Puts the linker scripts where cortex-m-rt's `link.x` finds them, and compiles the C
//! baseline (bench/c-baseline) with arm-none-eabi-gcc into a static library. The linker takes
//! from it only what a binary calls, so a build that does not call the C fetch holds none of it.

use std::{env, fs, path::PathBuf};

/// The C baseline's flags: what the issue prescribes (`-Os`, the M33, Thumb, the hard-float
/// ABI of the Rust target), plus sections per function and per object so that the link drops
/// what is unused, as every embedded C build does. Nothing else: no LTO, no `-ffreestanding`
/// (which would stop GCC from inlining small `memcpy`s).
const C_FLAGS: &[&str] = &[
    "-Os",
    "-mcpu=cortex-m33",
    "-mthumb",
    "-mfloat-abi=hard",
    "-ffunction-sections",
    "-fdata-sections",
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-g",
];

const C_SOURCES: &[&str] = &["config_fetch.c", "mqtt_config.c", "synthetic64_config.c"];

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy("memory.x", out.join("memory.x")).expect("memory.x is readable");
    // The interrupt table is the firmware's own (`__INTERRUPTS` in each binary): nothing to
    // provide here, but cortex-m-rt's `device` feature includes this file.
    fs::write(out.join("device.x"), "").expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");

    let c_dir = PathBuf::from("../bench/c-baseline");
    let mut build = cc::Build::new();
    build.compiler("arm-none-eabi-gcc").no_default_flags(true).include(&c_dir);
    for flag in C_FLAGS {
        build.flag(flag);
    }
    for source in C_SOURCES {
        build.file(c_dir.join(source));
    }
    for header in ["mv_syscalls.h", "config_fetch.h", "mqtt_config.h", "synthetic64_config.h"] {
        println!("cargo:rerun-if-changed={}", c_dir.join(header).display());
    }
    build.compile("cbaseline");
}
