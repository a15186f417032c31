//! What one field of each type adds to a firmware's flash: for each type `T`, a settings struct
//! of a 32-byte text field (`Base`), the same with one field of type `T` (`One`), and with two
//! (`Two`); likewise one and two nested structs of two fields, and the same fields written
//! flat. Each is fetched by an entry point of its own over the real device channel. `run` links
//! each entry point alone (`--gc-sections`) and subtracts: `One - Base` is the first field of
//! the type (its parser, if no other field links it, and its row, key and request entry),
//! `Two - One` each further one.
#![no_std]

use core::hint::black_box;
use core::mem::MaybeUninit;
use core::ptr::addr_of_mut;

use microvisor_config::device::{ChannelBuffers, DeviceChannel, Notifications};
use microvisor_config::ffi::MvNetworkHandle;
use microvisor_config::heapless::{String, Vec};
use microvisor_config::{Base64, ConfigValue, Hex, Json, MicrovisorConfig, Secret};
use serde::Deserialize;

static NOTIFICATIONS: Notifications<16> = Notifications::new();
static mut BUFFERS: ChannelBuffers<512, 1024> = ChannelBuffers::new();

/// Opens a channel on `network` and fetches an `S` into `out`; the error is kept, as a firmware
/// that reports it keeps it.
fn fetch<S: MicrovisorConfig>(network: MvNetworkHandle, out: &mut MaybeUninit<S>) -> bool {
    // SAFETY: each entry point is linked alone, and called once at a time: the only channel.
    let buffers = unsafe { &mut *addr_of_mut!(BUFFERS) };
    let mut channel = match DeviceChannel::open(network, NOTIFICATIONS.center(), 0, buffers) {
        Ok(channel) => channel,
        Err(status) => {
            black_box(status);
            return false;
        }
    };
    match S::fetch(&mut channel) {
        Ok(settings) => {
            out.write(settings);
            true
        }
        Err(error) => {
            black_box(error);
            false
        }
    }
}

/// An enum read from its variants' names.
#[derive(ConfigValue, Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// One.
    Slow,
    /// Two.
    Fast,
    /// Three.
    Off,
}

/// A JSON value's type: the clock's display preferences.
#[derive(Deserialize)]
pub struct Prefs {
    /// A small integer.
    pub brightness: u8,
    /// A flag.
    pub use_24_hour: bool,
    /// Text.
    pub zone: String<16>,
}

/// A nested struct's fields, measured against the same two fields written flat.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
pub struct Endpoint {
    #[config(key = "host")]
    host: String<32>,
    #[config(key = "port")]
    port: u16,
}

/// The struct every other one extends.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
pub struct Base {
    #[config(key = "name")]
    name: String<32>,
}

/// `Base`, and `One` and `Two` of each measured type, with their entry points
/// `field_cost_<name>_{one,two}`.
macro_rules! measured {
    ($($name:ident: $ty:ty $(, $attr:ident = $value:expr)?;)*) => {$(
        entry_points! {
            $name,
            One {
                #[config(key = "v" $(, $attr = $value)?)]
                v: $ty,
            },
            Two {
                #[config(key = "v" $(, $attr = $value)?)]
                v: $ty,
                #[config(key = "w" $(, $attr = $value)?)]
                w: $ty,
            }
        }
    )*};
}

/// `One` and `Two` with the fields given after `Base`'s, and their entry points.
macro_rules! entry_points {
    ($name:ident, One { $($one:tt)* }, Two { $($two:tt)* }) => {
        mod $name {
            use super::*;

            #[derive(MicrovisorConfig)]
            #[config(scope = device, store = config)]
            pub struct One {
                #[config(key = "name")]
                name: String<32>,
                $($one)*
            }

            #[derive(MicrovisorConfig)]
            #[config(scope = device, store = config)]
            pub struct Two {
                #[config(key = "name")]
                name: String<32>,
                $($two)*
            }

            #[export_name = concat!("field_cost_", stringify!($name), "_one")]
            extern "C" fn one(network: MvNetworkHandle, out: &mut MaybeUninit<One>) -> bool {
                fetch(network, out)
            }

            #[export_name = concat!("field_cost_", stringify!($name), "_two")]
            extern "C" fn two(network: MvNetworkHandle, out: &mut MaybeUninit<Two>) -> bool {
                fetch(network, out)
            }
        }
    };
}

#[export_name = "field_cost_base"]
extern "C" fn base(network: MvNetworkHandle, out: &mut MaybeUninit<Base>) -> bool {
    fetch(network, out)
}

measured! {
    text_other_capacity: String<64>;
    bytes: Vec<u8, 32>;
    hex: Hex<32>;
    base64: Base64<32>;
    bool_: bool;
    u8_: u8;
    u16_: u16;
    u32_: u32;
    u64_: u64;
    i16_: i16;
    i32_: i32;
    i64_: i64;
    f32_: f32;
    f64_: f64;
    option_u8: Option<u8>;
    option_u16: Option<u16>;
    option_u32: Option<u32>;
    option_text: Option<String<32>>;
    secret_hex: Secret<Hex<32>>;
    secret_text: Secret<String<32>>;
    u16_with_default: u16, default = 1883;
    enum_: Mode;
    json: Json<Prefs>, max_len = 96;
}

// An `Endpoint` nested, against its two fields written in the struct itself: what nesting adds.
entry_points! {
    endpoint_nested,
    One {
        #[config(nested, prefix = "a-")]
        a: Endpoint,
    },
    Two {
        #[config(nested, prefix = "a-")]
        a: Endpoint,
        #[config(nested, prefix = "b-")]
        b: Endpoint,
    }
}

entry_points! {
    endpoint_flat,
    One {
        #[config(key = "a-host")]
        a_host: String<32>,
        #[config(key = "a-port")]
        a_port: u16,
    },
    Two {
        #[config(key = "a-host")]
        a_host: String<32>,
        #[config(key = "a-port")]
        a_port: u16,
        #[config(key = "b-host")]
        b_host: String<32>,
        #[config(key = "b-port")]
        b_port: u16,
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
