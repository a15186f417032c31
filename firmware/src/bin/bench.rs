//! The benchmark firmware: one fetch of one schema (or one of each, `two-schemas`) by one
//! implementation, measured.
//!
//! Features pick what it does (bench/variants lists the combinations bench/run builds):
//! - `bench-rust`: the runtime (`DeviceChannel::open`, then `refresh_with` of the live
//!   settings through a static staging copy, as the C baseline stages);
//! - `bench-c`: the C baseline (`mqtt_config_fetch` / `synthetic64_config_fetch`);
//! - none of them: nothing (the build the others are subtracted from);
//! - `synthetic64`: the 64-key schema instead of the MQTT demo's;
//! - `text-as-bytes`: with `bench-rust`, the schema's text fields as bytes (`MqttTextAsBytes`,
//!   `Synthetic64TextAsBytes`): the fetch without UTF-8 validation, measured for what that
//!   costs;
//! - `field-defaults`: with `bench-rust` on the synthetic schema, two of its integer fields
//!   given a `default`: what a field's own ops entry costs;
//! - `two-schemas`: both schemas' settings in one firmware, fetched one after the other, each
//!   through its own channel (with `bench-rust`, `bench-c` or neither): what a second struct
//!   adds when the fetch's core is shared.
//!
//! Everything else is the same in every build: the fake Microvisor (kept whole through a
//! table of its entry points), the cloud's values, the measurement and the output. So the
//! difference in flash between a build and the `none` build is what the fetch adds: the
//! notification setup and handler, opening the channel, the fetch itself and the code that
//! commits the result. The fetch runs once, from `measure::run`, which paints the stack first
//! and brackets the call with the markers the instruction count uses. It prints
//! `bench <schema> <impl> ok=<0|1> stack=<bytes>` and exits non-zero if the fetch failed.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use microvisor_config_firmware::{fake, measure, out, request_network};

#[cfg(all(feature = "bench-rust", feature = "bench-c"))]
compile_error!("pick one of `bench-rust` and `bench-c`");

#[cfg(all(feature = "text-as-bytes", not(feature = "bench-rust")))]
compile_error!("`text-as-bytes` is a variant of `bench-rust`");

#[cfg(all(
    feature = "field-defaults",
    any(not(feature = "bench-rust"), not(feature = "synthetic64"), feature = "text-as-bytes")
))]
compile_error!("`field-defaults` is a variant of `bench-rust` on the synthetic schema");

#[cfg(all(feature = "two-schemas", any(feature = "synthetic64", feature = "text-as-bytes")))]
compile_error!("`two-schemas` is both schemas, by `bench-rust`, `bench-c` or neither");

#[cfg(not(any(feature = "synthetic64", feature = "two-schemas")))]
#[allow(unused_imports)]
mod schema {
    #[cfg(not(feature = "text-as-bytes"))]
    pub use microvisor_config_firmware::mqtt::Mqtt as Settings;
    #[cfg(feature = "text-as-bytes")]
    pub use microvisor_config_firmware::mqtt::MqttTextAsBytes as Settings;
    pub use microvisor_config_firmware::mqtt::{
        load_cloud as load, mqtt_config_fetch as c_fetch, CMqtt as CSettings,
    };
    pub const NAME: &str = "mqtt";
    pub fn load_cloud() -> bool {
        load(true)
    }
}

#[cfg(all(feature = "synthetic64", not(feature = "two-schemas")))]
#[allow(unused_imports)]
mod schema {
    #[cfg(not(feature = "text-as-bytes"))]
    pub use microvisor_config_firmware::synthetic64::Synthetic64 as Settings;
    #[cfg(feature = "text-as-bytes")]
    pub use microvisor_config_firmware::synthetic64::Synthetic64TextAsBytes as Settings;
    pub use microvisor_config_firmware::synthetic64::{
        load_cloud, synthetic64_config_fetch as c_fetch, CSynthetic64 as CSettings,
    };
    pub const NAME: &str = "synthetic64";
}

#[cfg(feature = "two-schemas")]
#[allow(unused_imports)]
mod schema {
    pub use microvisor_config_firmware::mqtt::{
        mqtt_config_fetch as c_fetch, CMqtt as CSettings, Mqtt as Settings,
    };
    pub use microvisor_config_firmware::synthetic64::{
        synthetic64_config_fetch as c_fetch2, CSynthetic64 as CSettings2, Synthetic64 as Settings2,
    };
    pub const NAME: &str = "mqtt+synthetic64";
    pub fn load_cloud() -> bool {
        microvisor_config_firmware::mqtt::load_cloud(true)
            && microvisor_config_firmware::synthetic64::load_cloud()
    }
}

#[cfg(feature = "bench-rust")]
mod imp {
    use core::mem::MaybeUninit;

    use microvisor_config::MicrovisorConfig;
    use microvisor_config_firmware::{open_channel, setup_rust_notifications, Global};

    use super::schema::Settings;

    pub const NAME: &str = "rust";

    /// The live settings, and the staging copy `refresh_with` fills first: a static, as the C
    /// baseline's (`refresh` would stage on the stack).
    pub static LIVE: Global<Settings> = Global::new(Settings::empty());
    static STAGING: Global<MaybeUninit<Settings>> = Global::new(MaybeUninit::uninit());

    #[cfg(feature = "two-schemas")]
    static LIVE2: Global<super::schema::Settings2> = Global::new(super::schema::Settings2::empty());
    #[cfg(feature = "two-schemas")]
    static STAGING2: Global<MaybeUninit<super::schema::Settings2>> =
        Global::new(MaybeUninit::uninit());

    pub fn setup() -> bool {
        setup_rust_notifications().is_ok()
    }

    /// Opens a channel and refreshes `live` through `staging`. The error is kept
    /// (`black_box`), as the C's, which it writes through a pointer: a firmware reports it, so
    /// the code that builds it counts.
    fn refresh<S: MicrovisorConfig>(live: &mut S, staging: &mut MaybeUninit<S>) -> bool {
        // SAFETY: the only channel open: a refresh closes its own before it returns.
        let mut channel = match unsafe { open_channel() } {
            Ok(channel) => channel,
            Err(status) => {
                core::hint::black_box(status);
                return false;
            }
        };
        let result = live.refresh_with(&mut channel, staging);
        core::hint::black_box(result).is_ok()
    }

    /// Refreshes the live settings (of both schemas, with `two-schemas`).
    pub fn fetch() -> bool {
        // SAFETY: thread mode; no other reference to LIVE or STAGING is live.
        let ok = unsafe { refresh(LIVE.get(), STAGING.get()) };
        // SAFETY: as above, for the second schema's.
        #[cfg(feature = "two-schemas")]
        let ok = ok & unsafe { refresh(LIVE2.get(), STAGING2.get()) };
        ok
    }

    pub fn live() -> *const () {
        #[cfg(feature = "two-schemas")]
        core::hint::black_box(LIVE2.get_ptr());
        LIVE.get_ptr().cast()
    }
}

#[cfg(feature = "bench-c")]
mod imp {
    use core::sync::atomic::Ordering;

    use microvisor_config_firmware::cbaseline::CfError;
    use microvisor_config_firmware::{setup_c_notifications, Global, NETWORK};

    use super::schema::{c_fetch, CSettings};

    pub const NAME: &str = "c";

    /// The live settings; the C code keeps its staging copy in a static of its own.
    pub static LIVE: Global<CSettings> = Global::new(CSettings::empty());

    pub fn setup() -> bool {
        setup_c_notifications().is_ok()
    }

    #[cfg(feature = "two-schemas")]
    static LIVE2: Global<super::schema::CSettings2> =
        Global::new(super::schema::CSettings2::empty());

    /// Calls the C fetch, which opens its channel and updates the live settings (then that of
    /// the second schema, with `two-schemas`).
    pub fn fetch() -> bool {
        let mut err = CfError::default();
        // SAFETY: thread mode; LIVE and `err` are valid for the call.
        let ok = unsafe { c_fetch(NETWORK.load(Ordering::Relaxed), LIVE.get(), &mut err) == 0 };
        // SAFETY: as above, for the second schema's.
        #[cfg(feature = "two-schemas")]
        let ok = ok
            & unsafe {
                super::schema::c_fetch2(NETWORK.load(Ordering::Relaxed), LIVE2.get(), &mut err) == 0
            };
        ok
    }

    pub fn live() -> *const () {
        #[cfg(feature = "two-schemas")]
        core::hint::black_box(LIVE2.get_ptr());
        LIVE.get_ptr().cast()
    }
}

#[cfg(not(any(feature = "bench-rust", feature = "bench-c")))]
mod imp {
    pub const NAME: &str = "none";

    pub fn setup() -> bool {
        true
    }

    pub fn fetch() -> bool {
        true
    }

    pub fn live() -> *const () {
        core::ptr::null()
    }
}

#[entry]
fn main() -> ! {
    // The same in every build: the fake whole, the cloud, the network.
    black_box(&fake::SYSCALLS);
    black_box(&microvisor_config_firmware::mem_functions::ADDRESSES);
    fake::reset(fake::Script::normal());
    let ready = schema::load_cloud() && request_network().is_ok() && imp::setup();
    let measured = measure::run(imp::fetch);
    // The settings are read by nobody in this firmware: without this, LTO could drop the
    // stores of the values and with them work the fetch really does.
    black_box(imp::live());
    let ok = ready && measured.ok && !measured.overflowed;
    out::str("bench ");
    out::str(schema::NAME);
    out::str(" ");
    out::str(imp::NAME);
    out::str(if ok { " ok=1 stack=" } else { " ok=0 stack=" });
    out::num(u64::from(measured.stack));
    out::str("\n");
    out::exit(ok)
}

extern "C" {
    fn DefaultHandler();
}

/// The device interrupts, as in the tests: the runtime's notifications on 51, the C
/// baseline's on 52; each only in the build that uses it.
#[link_section = ".vector_table.interrupts"]
#[no_mangle]
#[used]
pub static __INTERRUPTS: [unsafe extern "C" fn(); 53] = {
    #[allow(unused_mut)]
    let mut table: [unsafe extern "C" fn(); 53] = [DefaultHandler; 53];
    #[cfg(feature = "bench-rust")]
    {
        table[microvisor_config_firmware::RUST_IRQ as usize] =
            microvisor_config_firmware::rust_notification_isr;
    }
    #[cfg(feature = "bench-c")]
    {
        table[microvisor_config_firmware::cbaseline::CF_IRQ as usize] =
            microvisor_config_firmware::cbaseline::cf_notification_isr;
    }
    table
};
