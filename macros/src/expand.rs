//! Stage 4: the generated code, the only stage that calls `quote!`.
//!
//! What it writes is thin on purpose: two static tables (the request and the schema) and a
//! struct literal whose every field is one call into the runtime's non-generic
//! `__private::Fetch`. Paths are absolute and go through the runtime's hidden `__private`
//! module, so nothing in the user's scope (a `struct Result`, say) can change their meaning.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::ast::{Field, Input};
use crate::attr::{self, ContainerAttrs};
use crate::ctxt::Ctxt;
use crate::valid;

pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let parsed = Input::from_syn(&cx, input);
    if let Some(parsed) = &parsed {
        valid::check(&cx, parsed);
    }
    match (cx.check(), parsed) {
        (Ok(()), Some(parsed)) => impl_config(&parsed),
        (Err(errors), _) => fallback(&input.ident, errors),
        (Ok(()), None) => fallback(
            &input.ident,
            syn::Error::new_spanned(&input.ident, "MicrovisorConfig could not read this item"),
        ),
    }
}

/// The errors, and an impl that satisfies the trait, so the user sees the real mistake and not
/// a cascade of "the trait `MicrovisorConfig` is not implemented".
fn fallback(ident: &syn::Ident, errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    quote! {
        #errors
        #[automatically_derived]
        impl ::microvisor_config::MicrovisorConfig for #ident {
            const KEYS: &'static [::microvisor_config::ffi::MvConfigKeyToFetch] = &[];
            const SCHEMA: &'static [::microvisor_config::KeySpec] = &[];
            const RESPONSE_MAX_BYTES: usize = 0;
            const SCRATCH_BYTES: usize = 0;
            type Outcomes = [::microvisor_config::FieldOutcome; 0];
            const NO_OUTCOMES: Self::Outcomes = [];
            fn receive_dyn(
                _: &mut dyn ::microvisor_config::ConfigChannel,
                _: ::microvisor_config::__private::core::option::Option<::microvisor_config::__private::ReportSink<'_>>,
            ) -> ::microvisor_config::__private::core::result::Result<Self, ::microvisor_config::FetchError> {
                ::microvisor_config::__private::core::unreachable!()
            }
            fn check_item(
                _: usize,
                _: &[u8],
            ) -> ::microvisor_config::__private::core::result::Result<(), ::microvisor_config::ParseError> {
                ::microvisor_config::__private::core::result::Result::Ok(())
            }
        }
    }
}

fn scope_tokens(scope: attr::Scope) -> TokenStream {
    match scope {
        attr::Scope::Device => quote!(::microvisor_config::Scope::Device),
        attr::Scope::Account => quote!(::microvisor_config::Scope::Account),
    }
}

fn store_tokens(store: attr::Store) -> TokenStream {
    match store {
        attr::Store::Config => quote!(::microvisor_config::Store::Config),
        attr::Store::Secret => quote!(::microvisor_config::Store::Secret),
    }
}

/// The field's `max_len`: as written, or the type's bound capped at the cloud's limit.
fn max_len_tokens(field: &Field<'_>) -> TokenStream {
    let ty = field.ty;
    match field.attrs.max_len.get() {
        Some((_, lit)) => quote!(#lit),
        None => quote_spanned! {ty.span()=>
            ::microvisor_config::__private::min(
                <#ty as ::microvisor_config::ConfigValue>::MAX_LEN,
                ::microvisor_config::__private::CLOUD_MAX_VALUE_LEN,
            )
        },
    }
}

/// Whether a missing key is an error.
fn required_tokens(field: &Field<'_>) -> TokenStream {
    let ty = field.ty;
    if field.attrs.default.get().is_some() {
        quote!(false)
    } else if field.attrs.with.get().is_some() {
        quote!(true)
    } else {
        quote_spanned!(ty.span()=> !<#ty as ::microvisor_config::ConfigValue>::OPTIONAL)
    }
}

fn default_text(field: &Field<'_>) -> TokenStream {
    match field.attrs.default.get() {
        None => quote!(::microvisor_config::__private::core::option::Option::None),
        Some(attr::Default::Trait) => {
            quote!(::microvisor_config::__private::core::option::Option::Some("Default::default()"))
        }
        Some(attr::Default::Expr(expr)) => {
            let text = expr.to_token_stream().to_string();
            quote!(::microvisor_config::__private::core::option::Option::Some(#text))
        }
    }
}

fn default_expr(field: &Field<'_>) -> Option<TokenStream> {
    match field.attrs.default.get()? {
        attr::Default::Trait => {
            Some(quote!(::microvisor_config::__private::core::default::Default::default()))
        }
        attr::Default::Expr(expr) => Some(expr.to_token_stream()),
    }
}

/// The expression that reads one field from the fetch in progress, `fetch`.
fn read_field(field: &Field<'_>) -> TokenStream {
    let ty = field.ty;
    let some = quote!(::microvisor_config::__private::core::option::Option::Some);
    let none = quote!(::microvisor_config::__private::core::option::Option::None);
    let read = match (field.attrs.with.get(), default_expr(field)) {
        (None, None) => quote_spanned!(ty.span()=> __fetch.value::<#ty>()?),
        (None, Some(default)) => quote_spanned! {ty.span()=>
            match __fetch.optional::<#ty>()? {
                #some(value) => value,
                #none => #default,
            }
        },
        (Some(with), default) => {
            let missing = default.unwrap_or_else(|| {
                quote! {
                    return ::microvisor_config::__private::core::result::Result::Err(
                        __fetch.error_at_previous(::microvisor_config::ItemError::NotFound),
                    )
                }
            });
            quote_spanned! {with.span()=>
                match __fetch.optional_with::<#ty>(#with)? {
                    #some(value) => value,
                    #none => #missing,
                }
            }
        }
    };
    match field.attrs.validate.get() {
        Some(validate) => quote_spanned! {validate.span()=>
            {
                let value = #read;
                __fetch.validate(value, #validate)?
            }
        },
        None => read,
    }
}

/// The expression that parses `text` as one field (with its `with` and `validate`), for
/// `check_item`: the value is dropped, only the verdict is kept.
fn check_field(field: &Field<'_>) -> TokenStream {
    let ty = field.ty;
    let parse = match field.attrs.with.get() {
        Some(with) => quote_spanned!(with.span()=> (#with)(text)),
        None => quote_spanned!(ty.span()=> <#ty as ::microvisor_config::ConfigValue>::parse(text)),
    };
    match field.attrs.validate.get() {
        Some(validate) => quote_spanned! {validate.span()=>
            #parse.and_then(|value: #ty| (#validate)(&value))
        },
        None => quote_spanned!(ty.span()=> #parse.map(|_: #ty| ())),
    }
}

/// A const assertion that an explicit `max_len` fits the field's type. It cannot be checked in
/// the macro: only the compiler knows `<T as ConfigValue>::MAX_LEN`.
fn max_len_fits_type(field: &Field<'_>) -> Option<TokenStream> {
    let (value, lit) = field.attrs.max_len.get()?;
    if field.attrs.with.get().is_some() {
        return None;
    }
    let ty = field.ty;
    let message = format!(
        "max_len = {value} on field `{}` is more than its type `{}` can hold; lower max_len or \
         give the type more capacity",
        field.name,
        ty.to_token_stream(),
    );
    Some(quote_spanned! {lit.span()=>
        const _: () = if <#ty as ::microvisor_config::ConfigValue>::MAX_LEN < #lit {
            ::microvisor_config::__private::core::panic!(#message)
        };
    })
}

fn impl_config(input: &Input<'_>) -> TokenStream {
    let ident = input.ident;
    let container: &ContainerAttrs = &input.attrs;
    let mut keys = Vec::new();
    let mut specs = Vec::new();
    let mut reads = Vec::new();
    let mut asserts = Vec::new();
    let mut checks = Vec::new();
    for (index, field) in input.fields.iter().enumerate() {
        let (key, _) = field.key(container);
        // Checked by `valid`: every field has a scope and a store here.
        let (Some(scope), Some(store)) = (field.scope(container), field.store(container)) else {
            continue;
        };
        let (scope, store) = (scope_tokens(scope), store_tokens(store));
        let max_len = max_len_tokens(field);
        let required = required_tokens(field);
        let default = default_text(field);
        let name = &field.name;
        let type_name = field.ty.to_token_stream().to_string();
        keys.push(quote!(::microvisor_config::__private::key(#scope, #store, #key)));
        specs.push(quote! {
            ::microvisor_config::KeySpec {
                key: #key,
                scope: #scope,
                store: #store,
                max_len: #max_len,
                required: #required,
                field: #name,
                type_name: #type_name,
                default: #default,
            }
        });
        let member = field.ident;
        let read = read_field(field);
        reads.push(quote!(#member: #read));
        asserts.extend(max_len_fits_type(field));
        let check = check_field(field);
        checks.push(quote!(#index => #check));
    }
    let field_count = keys.len();
    quote! {
        #[automatically_derived]
        impl ::microvisor_config::MicrovisorConfig for #ident {
            const KEYS: &'static [::microvisor_config::ffi::MvConfigKeyToFetch] = &[#(#keys),*];
            const SCHEMA: &'static [::microvisor_config::KeySpec] = &[#(#specs),*];
            const RESPONSE_MAX_BYTES: usize =
                ::microvisor_config::__private::response_max_bytes(
                    <Self as ::microvisor_config::MicrovisorConfig>::SCHEMA,
                );
            const SCRATCH_BYTES: usize = ::microvisor_config::__private::scratch_bytes(
                <Self as ::microvisor_config::MicrovisorConfig>::SCHEMA,
            );

            type Outcomes = [::microvisor_config::FieldOutcome; #field_count];
            const NO_OUTCOMES: Self::Outcomes =
                [::microvisor_config::FieldOutcome::NotRead; #field_count];

            fn receive_dyn(
                channel: &mut dyn ::microvisor_config::ConfigChannel,
                report: ::microvisor_config::__private::core::option::Option<::microvisor_config::__private::ReportSink<'_>>,
            ) -> ::microvisor_config::__private::core::result::Result<Self, ::microvisor_config::FetchError> {
                let mut scratch =
                    [0u8; <Self as ::microvisor_config::MicrovisorConfig>::SCRATCH_BYTES];
                let mut __fetch = ::microvisor_config::__private::Fetch::resume(
                    channel,
                    <Self as ::microvisor_config::MicrovisorConfig>::SCHEMA,
                    &mut scratch,
                    report,
                )?;
                // Fields are read in declaration order, the request's order: a struct literal
                // evaluates its fields as written.
                ::microvisor_config::__private::core::result::Result::Ok(Self {
                    #(#reads,)*
                })
            }

            fn check_item(
                index: usize,
                text: &[u8],
            ) -> ::microvisor_config::__private::core::result::Result<(), ::microvisor_config::ParseError> {
                match index {
                    #(#checks,)*
                    _ => ::microvisor_config::__private::core::result::Result::Ok(()),
                }
            }
        }
        #(#asserts)*
    }
}
