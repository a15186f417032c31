//! With a mistake, the derive emits the error and a stub impl; the stub is as hygienic as the
//! real expansion, so the user's shadowing items add no error of their own.
#![allow(non_camel_case_types, dead_code, unused_macros)]

struct Result;
struct Option;
struct Some;
struct Ok;
struct usize;
struct u8;
mod core {}

macro_rules! unreachable {
    ($($tokens:tt)*) => {
        compile_error!("the derive called a shadowed `unreachable!`")
    };
}

#[derive(::microvisor_config::MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(key = "")]
    port: ::core::primitive::u16,
}

fn main() {}
