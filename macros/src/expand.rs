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
        (Err(errors), _) => fallback(input, errors),
        (Ok(()), None) => fallback(
            input,
            syn::Error::new_spanned(&input.ident, "MicrovisorConfig could not read this item"),
        ),
    }
}

/// The errors, and an impl that satisfies the trait, so the user sees the real mistake and not
/// a cascade of "the trait `MicrovisorConfig` is not implemented".
///
/// The stub copies the item's generics, so that a generic struct (itself an error) does not add
/// "missing generics" to it.
fn fallback(input: &syn::DeriveInput, errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        #[automatically_derived]
        // SAFETY: `receive_into` never returns (this impl only stands in for a derive that
        // failed to compile).
        unsafe impl #impl_generics ::microvisor_config::MicrovisorConfig for #ident #type_generics
        #where_clause
        {
            const KEYS: &'static [::microvisor_config::ffi::MvConfigKeyToFetch] = &[];
            const SCHEMA: &'static [::microvisor_config::KeySpec] = &[];
            const RESPONSE_MAX_BYTES: ::microvisor_config::__private::core::primitive::usize = 0;
            const SCRATCH_BYTES: ::microvisor_config::__private::core::primitive::usize = 0;
            type Outcomes = [::microvisor_config::FieldOutcome; 0];
            const NO_OUTCOMES: Self::Outcomes = [];
            fn receive_into(
                _: &mut dyn ::microvisor_config::ConfigChannel,
                _: ::microvisor_config::__private::core::option::Option<::microvisor_config::__private::ReportSink<'_>>,
                _: &mut ::microvisor_config::__private::core::mem::MaybeUninit<Self>,
            ) -> ::microvisor_config::__private::core::result::Result<(), ::microvisor_config::FetchError> {
                ::microvisor_config::__private::core::unreachable!()
            }
            fn check_item(
                _: ::microvisor_config::__private::core::primitive::usize,
                _: &[::microvisor_config::__private::core::primitive::u8],
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
        Some((value, lit)) => {
            // As a plain `usize` literal, whatever suffix was written.
            let mut value = proc_macro2::Literal::usize_unsuffixed(*value);
            value.set_span(lit.span());
            quote!(#value)
        }
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
        // A `with` function parses `T` of an `Option<T>` field, and a missing key is `None`.
        if field.is_option() {
            quote!(false)
        } else {
            quote!(true)
        }
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

/// The field's parser, as an expression of type `fn(&[u8]) -> Result<T, ParseError>`: its
/// `with` function, or its type's `ConfigValue::parse`. For `with` on an `Option<T>` field the
/// function parses `T`: the key's absence, not the function, makes the `None`.
///
/// `receive_dyn` and `check_item` both use these exact tokens, and every other use of the
/// type's `ConfigValue` impl is an associated item too (`MAX_LEN`, `OPTIONAL`, `missing`), never
/// a generic bound: so a type that is not a `ConfigValue`, or a `with` function of the wrong
/// signature, gives identical diagnostics at one place, which rustc prints once.
fn parser(field: &Field<'_>) -> TokenStream {
    let ty = field.ty;
    match field.attrs.with.get() {
        Some(with) => {
            let parsed = field.option_inner().unwrap_or(ty);
            quote_spanned! {with.span()=>
                {
                    let __parse: fn(
                        &[::microvisor_config::__private::core::primitive::u8],
                    ) -> ::microvisor_config::__private::core::result::Result<
                        #parsed,
                        ::microvisor_config::ParseError,
                    > = #with;
                    __parse
                }
            }
        }
        None => quote_spanned!(ty.span()=> <#ty as ::microvisor_config::ConfigValue>::parse),
    }
}

/// The field's `validate` function as a `fn(&T) -> Result<(), ParseError>`; see [`parser`].
fn validator(field: &Field<'_>) -> Option<TokenStream> {
    let ty = field.ty;
    let validate = field.attrs.validate.get()?;
    Some(quote_spanned! {validate.span()=>
        {
            let __check: fn(
                &#ty,
            ) -> ::microvisor_config::__private::core::result::Result<
                (),
                ::microvisor_config::ParseError,
            > = #validate;
            __check
        }
    })
}

/// The field's default, as a value of the field's type: a mistyped `default = EXPR` is one
/// "mismatched types" on the expression, "expected due to" the field's type.
fn default_value(field: &Field<'_>) -> Option<TokenStream> {
    let ty = field.ty;
    match field.attrs.default.get()? {
        attr::Default::Trait => Some(quote_spanned! {ty.span()=>
            <#ty as ::microvisor_config::__private::core::default::Default>::default()
        }),
        attr::Default::Expr(expr) => Some(quote! {
            {
                let __default: #ty = #expr;
                __default
            }
        }),
    }
}

/// The block that fills one field's place in `*__out` from the fetch in progress, `__fetch`,
/// and counts it filled.
fn fill_field(field: &Field<'_>) -> TokenStream {
    let ty = field.ty;
    let member = field.ident;
    let some = quote!(::microvisor_config::__private::core::option::Option::Some);
    let none = quote!(::microvisor_config::__private::core::option::Option::None);
    let put = quote!(::microvisor_config::__private::put);
    let not_found = quote! {
        return ::microvisor_config::__private::core::result::Result::Err(
            __fetch.error_at_previous(::microvisor_config::ItemError::NotFound),
        )
    };
    // Writes the field's slot, or returns the error naming its key.
    let fill = match (field.attrs.with.get(), default_value(field)) {
        // The common case: parsed in place by the type's own `parse_into`.
        (None, None) => quote_spanned! {ty.span()=>
            __fetch.value_into(
                __slot,
                <#ty as ::microvisor_config::ConfigValue>::parse_into,
                <#ty as ::microvisor_config::ConfigValue>::missing,
            )?;
        },
        (None, Some(default)) => quote_spanned! {ty.span()=>
            if !__fetch.optional_into(__slot, <#ty as ::microvisor_config::ConfigValue>::parse_into)? {
                #put(__slot, #default);
            }
        },
        // A user parser returns its value; it is moved into place.
        (Some(_), default) => {
            let parse = parser(field);
            let read = quote!(__fetch.optional_with(#parse)?);
            let missing = match default {
                Some(default) => quote!(#put(__slot, #default)),
                None => not_found,
            };
            if field.is_option() {
                quote!(#put(__slot, #read);)
            } else {
                quote! {
                    match #read {
                        #some(__value) => #put(__slot, __value),
                        #none => #missing,
                    }
                }
            }
        }
    };
    let validate = validator(field).map(|check| {
        quote! {
            // SAFETY: the slot was written just above (an error would have returned).
            __fetch.validate(unsafe { __slot.assume_init_ref() }, #check)?;
        }
    });
    quote! {
        {
            // SAFETY: `__out` points at the caller's `MaybeUninit<Self>`, so the field's place
            // is valid for a `MaybeUninit` of its type, and nothing else borrows it now.
            let __slot = unsafe {
                &mut *::microvisor_config::__private::core::ptr::addr_of_mut!((*__out).#member)
                    .cast::<::microvisor_config::__private::core::mem::MaybeUninit<#ty>>()
            };
            #fill
            __filled.advance();
            #validate
        }
    }
}

/// The expression that parses `__text` as one field (with its `with` and `validate`), for
/// `check_item`: the value is dropped, only the verdict is kept.
fn check_field(field: &Field<'_>) -> TokenStream {
    let parse = parser(field);
    let parsed = if field.attrs.with.get().is_some() && field.is_option() {
        quote!((#parse)(__text).map(::microvisor_config::__private::core::option::Option::Some))
    } else {
        quote!((#parse)(__text))
    };
    match validator(field) {
        Some(check) => quote!(#parsed.and_then(|__value| (#check)(&__value))),
        None => quote!(#parsed.map(|_| ())),
    }
}

/// A const assertion that an explicit `max_len` fits the field's type. It cannot be checked in
/// the macro: only the compiler knows `<T as ConfigValue>::MAX_LEN`. The struct is not generic,
/// so the constant is evaluated by `cargo check` as well as `cargo build`; the error is at the
/// `max_len` literal, and its name says what failed.
fn max_len_fits_type(field: &Field<'_>) -> Option<TokenStream> {
    let (value, lit) = field.attrs.max_len.get()?;
    if field.attrs.with.get().is_some() {
        return None;
    }
    let ty = field.ty;
    let ty_text = crate::ast::type_text(ty);
    let max_len = max_len_tokens(field);
    let capacity = match crate::ast::text_capacity(ty) {
        Some(capacity) => format!("{capacity} bytes of text"),
        None => format!("`<{ty_text} as ConfigValue>::MAX_LEN` bytes of text"),
    };
    let message = format!(
        "max_len = {value} on field `{}` is more than its type `{ty_text}` can hold ({capacity}); \
         lower max_len, or give the type more capacity",
        field.name,
    );
    Some(quote_spanned! {lit.span()=>
        const _: () = {
            #[allow(dead_code)]
            const MAX_LEN_FITS_FIELD_TYPE: () =
                if <#ty as ::microvisor_config::ConfigValue>::MAX_LEN < #max_len {
                    ::microvisor_config::__private::core::panic!(#message)
                };
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
    let mut drops = Vec::new();
    for (index, field) in input.fields.iter().enumerate() {
        // Checked by `valid`: every field has a key, a scope and a store here.
        let (Some(key), Some(scope), Some(store)) =
            (field.key(container), field.scope(container), field.store(container))
        else {
            continue;
        };
        let key = key.text;
        let (scope, store) = (scope_tokens(scope), store_tokens(store));
        let max_len = max_len_tokens(field);
        let required = required_tokens(field);
        let default = default_text(field);
        let name = &field.name;
        let type_name = crate::ast::type_text(field.ty);
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
        reads.push(fill_field(field));
        let member = field.ident;
        drops.push(quote! {
            if __count > #index {
                ::microvisor_config::__private::core::ptr::drop_in_place(
                    ::microvisor_config::__private::core::ptr::addr_of_mut!((*__out).#member),
                );
            }
        });
        asserts.extend(max_len_fits_type(field));
        let check = check_field(field);
        checks.push(quote!(#index => #check));
    }
    let field_count = keys.len();
    quote! {
        #[automatically_derived]
        // SAFETY: `receive_into` returns `Ok` only after every field of `__out` was written
        // (each step that fails returns early, and `__filled` drops what was written).
        unsafe impl ::microvisor_config::MicrovisorConfig for #ident {
            const KEYS: &'static [::microvisor_config::ffi::MvConfigKeyToFetch] = &[#(#keys),*];
            const SCHEMA: &'static [::microvisor_config::KeySpec] = &[#(#specs),*];
            const RESPONSE_MAX_BYTES: ::microvisor_config::__private::core::primitive::usize =
                ::microvisor_config::__private::response_max_bytes(
                    <Self as ::microvisor_config::MicrovisorConfig>::SCHEMA,
                );
            const SCRATCH_BYTES: ::microvisor_config::__private::core::primitive::usize = ::microvisor_config::__private::scratch_bytes(
                <Self as ::microvisor_config::MicrovisorConfig>::SCHEMA,
            );

            type Outcomes = [::microvisor_config::FieldOutcome; #field_count];
            const NO_OUTCOMES: Self::Outcomes =
                [::microvisor_config::FieldOutcome::NotRead; #field_count];

            fn receive_into(
                __channel: &mut dyn ::microvisor_config::ConfigChannel,
                __report: ::microvisor_config::__private::core::option::Option<::microvisor_config::__private::ReportSink<'_>>,
                __out: &mut ::microvisor_config::__private::core::mem::MaybeUninit<Self>,
            ) -> ::microvisor_config::__private::core::result::Result<(), ::microvisor_config::FetchError> {
                /// Drops the first `__count` fields of `*__out`, in declaration order.
                ///
                /// # Safety
                ///
                /// Those fields are written and owned by the caller, which drops them once.
                unsafe fn __drop_first(
                    __out: *mut #ident,
                    __count: ::microvisor_config::__private::core::primitive::usize,
                ) {
                    // SAFETY: the function's contract.
                    unsafe {
                        #(#drops)*
                    }
                }

                let mut __scratch =
                    [0u8; <Self as ::microvisor_config::MicrovisorConfig>::SCRATCH_BYTES];
                let mut __fetch = ::microvisor_config::__private::Fetch::resume(
                    __channel,
                    <Self as ::microvisor_config::MicrovisorConfig>::SCHEMA,
                    &mut __scratch,
                    __report,
                )?;
                let __out: *mut Self = __out.as_mut_ptr();
                // SAFETY: `__out` is valid for writes of `Self` while this function runs, and
                // `__drop_first` drops exactly the first fields, which are filled in
                // declaration order below.
                let mut __filled =
                    unsafe { ::microvisor_config::__private::Filled::new(__out, __drop_first) };
                // Fields are read in declaration order, the request's order, each parsed
                // straight into its place in `*__out`.
                #(#reads)*
                __filled.finish();
                ::microvisor_config::__private::core::result::Result::Ok(())
            }

            fn check_item(
                __index: ::microvisor_config::__private::core::primitive::usize,
                __text: &[::microvisor_config::__private::core::primitive::u8],
            ) -> ::microvisor_config::__private::core::result::Result<(), ::microvisor_config::ParseError> {
                match __index {
                    #(#checks,)*
                    _ => ::microvisor_config::__private::core::result::Result::Ok(()),
                }
            }
        }
        #(#asserts)*
    }
}
