//! The derive behind `microvisor-config`. Use it through that crate: `microvisor_config::MicrovisorConfig`.
//!
//! Four stages, one file each: `ast` reads the input into the macro's own model, `attr`
//! reads `#[config(...)]` into typed slots, `valid` checks the rules, `expand` writes the
//! code (and is the only stage that calls `quote!`). Every stage reports into one `ctxt::Ctxt`,
//! so a struct with three mistakes shows three errors in one compile. `value_enum` is the
//! small `#[derive(ConfigValue)]` for enums read from text.

mod ast;
mod attr;
mod case;
mod ctxt;
mod expand;
mod symbol;
mod valid;
mod value_enum;

use proc_macro::TokenStream;

// Documented where users meet it, on `microvisor_config::MicrovisorConfig`'s re-export (rustdoc
// would append a doc comment here to that page).
#[proc_macro_derive(MicrovisorConfig, attributes(config))]
pub fn derive_microvisor_config(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input).into()
}

// Documented on `microvisor_config::ConfigValue`'s re-export, as above.
#[proc_macro_derive(ConfigValue, attributes(config))]
pub fn derive_config_value(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    value_enum::derive(&input).into()
}
