//! Stage 4: the generated code, the only stage that calls `quote!`.
//!
//! What it writes is tables, not code: the request (`KEYS`), the schema (`SCHEMA`, for host
//! tools), one entry per distinct field type as written and per field with its own ops
//! (`FIELD_ENTRIES`, compile time only), from which
//! constant functions of the runtime compute one row per field (`FIELD_ROWS`: offset, `max_len`,
//! kind byte, ops entry) and the ops table (`FIELD_OPS`: the entries of the fields the runtime
//! does not parse itself, then one per family of built-in kinds the struct uses, one table per
//! operation), and the read buffer's type (`Scratch`, `[u8; SCRATCH_BYTES]`). Besides the
//! tables: `check_item` (a field's text judged without keeping it, for reports and cloud
//! checks) and `check_missing` (the value a missing key gives a field, judged by its
//! `validate`), constant assertions (`max_len` within the type's bound; the rows evaluated, so a
//! field past 64 KiB is an error at once) and the refusal of a `Drop` impl. No code of the
//! fetch: the trait's provided methods place the read buffer and hand it, with the struct's
//! `PLAN` built from these tables, to the runtime's non-generic cores (`fetch_fields`,
//! `refresh_fields`, `receive_fields`). Paths are absolute and go through the runtime's hidden
//! `__private` module, so nothing in the user's scope (a `struct Result`, say) can change their
//! meaning.

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
        (Err(errors), parsed) => fallback(input, parsed.as_ref(), errors),
        (Ok(()), None) => fallback(
            input,
            None,
            syn::Error::new_spanned(&input.ident, "MicrovisorConfig could not read this item"),
        ),
    }
}

/// The errors, and an impl that satisfies the trait, so the user sees the real mistake and not
/// a cascade of "the trait `MicrovisorConfig` is not implemented".
///
/// The stub copies the item's generics, so that a generic struct (itself an error) does not add
/// "missing generics" to it. The fields' own items ([`field_items`]) are still written, so that
/// a type that is not a `ConfigValue`, or a `max_len` past its type's capacity, is reported in
/// the same compile as the attribute mistakes (not for a generic struct, whose field types
/// name parameters that are not in scope there).
fn fallback(
    input: &syn::DeriveInput,
    parsed: Option<&Input<'_>>,
    errors: syn::Error,
) -> TokenStream {
    let errors = errors.to_compile_error();
    let field_items = match parsed {
        Some(parsed) if input.generics.params.is_empty() => {
            let items = field_items(&parsed.fields);
            quote!(const _: () = { #items };)
        }
        _ => TokenStream::new(),
    };
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        #field_items
        #[automatically_derived]
        // SAFETY: never run: this impl only stands in for a derive that failed to compile, so
        // that its errors are all that is reported (its tables are empty, and describe nothing).
        unsafe impl #impl_generics ::microvisor_config::MicrovisorConfig for #ident #type_generics
        #where_clause
        {
            const KEYS: &'static [::microvisor_config::ffi::MvConfigKeyToFetch] = &[];
            const SCHEMA: &'static [::microvisor_config::KeySpec] = &[];
            const RESPONSE_MAX_BYTES: ::microvisor_config::__private::core::primitive::usize = 0;
            const SCRATCH_BYTES: ::microvisor_config::__private::core::primitive::usize = 0;
            type Scratch = [::microvisor_config::__private::core::primitive::u8; 0];
            type Outcomes = [::microvisor_config::FieldOutcome; 0];
            const NO_OUTCOMES: Self::Outcomes = [];
            const FIELD_ENTRIES: &'static [::microvisor_config::__private::FieldEntry] = &[];
            const FIELD_ROWS: &'static [::microvisor_config::__private::FieldRow] = &[];
            const FIELD_OPS: ::microvisor_config::__private::OpsTable =
                ::microvisor_config::__private::OpsTable::EMPTY;
            fn check_item(
                _: ::microvisor_config::__private::core::primitive::usize,
                _: &[::microvisor_config::__private::core::primitive::u8],
            ) -> ::microvisor_config::__private::core::result::Result<(), ::microvisor_config::ParseError> {
                ::microvisor_config::__private::core::result::Result::Ok(())
            }
            fn check_missing(
                _: ::microvisor_config::__private::core::primitive::usize,
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
    match field.attrs.max_len.get() {
        Some((value, lit)) => {
            // As a plain `usize` literal, whatever suffix was written.
            let mut value = proc_macro2::Literal::usize_unsuffixed(*value);
            value.set_span(lit.span());
            quote!(#value)
        }
        None => match facts_ident(field) {
            Some(facts) => quote!(#facts.max_len()),
            // A `with` field without `max_len` was refused by `valid`.
            None => quote!(::microvisor_config::__private::CLOUD_MAX_VALUE_LEN),
        },
    }
}

/// Whether a missing key is an error.
fn required_tokens(field: &Field<'_>) -> TokenStream {
    if field.attrs.default.get().is_some() {
        return quote!(false);
    }
    match facts_ident(field) {
        Some(facts) => quote!(!#facts.optional()),
        // A `with` function parses `T` of an `Option<T>` field, and a missing key is `None`.
        None => {
            let required = !field.is_option();
            quote!(#required)
        }
    }
}

/// The name of the constant that holds the field's [`field_facts`](facts_item), the one use of
/// its type's `ConfigValue` impl; `None` for a field parsed `with` a function, whose type need
/// not be a `ConfigValue`.
fn facts_ident(field: &Field<'_>) -> Option<syn::Ident> {
    if field.attrs.with.is_written() {
        return None;
    }
    Some(syn::Ident::new(
        &format!("__MICROVISOR_CONFIG_FACTS_{}", field.name),
        proc_macro2::Span::mixed_site(),
    ))
}

/// `const FACTS: FieldFacts<T> = <T as ConfigValue>::FIELD_FACTS;` for the field: the only place where the
/// generated code asks that its type be a `ConfigValue`. Everything else reads the facts, so a
/// type that is not one is one error, at the type.
fn facts_item(field: &Field<'_>) -> Option<TokenStream> {
    let facts = facts_ident(field)?;
    let ty = field.ty;
    Some(quote_spanned! {ty.span()=>
        const #facts: ::microvisor_config::__private::FieldFacts<#ty> =
            <#ty as ::microvisor_config::ConfigValue>::FIELD_FACTS;
    })
}

fn default_text(field: &Field<'_>) -> TokenStream {
    match field.attrs.default.get() {
        None => quote!(::microvisor_config::__private::core::option::Option::None),
        Some(attr::Default::Trait) => {
            quote!(::microvisor_config::__private::core::option::Option::Some("Default::default()"))
        }
        Some(attr::Default::Text(lit)) => {
            let text = lit.to_token_stream().to_string();
            quote!(::microvisor_config::__private::core::option::Option::Some(#text))
        }
        Some(attr::Default::Expr(expr)) => {
            let text = expr.to_token_stream().to_string();
            quote!(::microvisor_config::__private::core::option::Option::Some(#text))
        }
    }
}

/// The field's `with` function, as the constant `fn(&[u8]) -> Result<T, ParseError>` that the
/// ops entry and `check_item` both call, so that a function of the wrong signature is one
/// error. `T` is the field's type without its `Option` and `Secret` ([`Field::shape`]): the
/// key's absence makes the `None`, and the derive wraps the value in its `Secret`.
fn with_item(field: &Field<'_>) -> Option<TokenStream> {
    let with = field.attrs.with.get()?;
    let ident = fn_ident("WITH", field);
    let value = field.shape().value;
    Some(quote_spanned! {with.span()=>
        const #ident: fn(
            &[::microvisor_config::__private::core::primitive::u8],
        ) -> ::microvisor_config::__private::core::result::Result<
            #value,
            ::microvisor_config::ParseError,
        > = #with;
    })
}

/// The field's `validate` function, as the constant `fn(&T) -> Result<(), ParseError>` every
/// check calls; `T` as for [`with_item`].
fn validate_item(field: &Field<'_>) -> Option<TokenStream> {
    let validate = field.attrs.validate.get()?;
    let ident = fn_ident("VALIDATE", field);
    let value = field.shape().value;
    Some(quote_spanned! {validate.span()=>
        const #ident: fn(
            &#value,
        ) -> ::microvisor_config::__private::core::result::Result<
            (),
            ::microvisor_config::ParseError,
        > = #validate;
    })
}

/// The name of one of the field's generated constants.
fn fn_ident(what: &str, field: &Field<'_>) -> syn::Ident {
    syn::Ident::new(
        &format!("__MICROVISOR_CONFIG_{what}_{}", field.name),
        proc_macro2::Span::mixed_site(),
    )
}

/// The field's check as a `fn(&FieldType) -> Result<(), ParseError>`: its `validate` function
/// called on the value inside the field's `Option` and `Secret`, and not called for `None`.
fn validator(field: &Field<'_>) -> Option<TokenStream> {
    field.attrs.validate.get()?;
    let ty = field.ty;
    let validate = fn_ident("VALIDATE", field);
    let private = quote!(::microvisor_config::__private);
    let result = quote!(#private::core::result::Result);
    let shape = field.shape();
    let expose = |value: TokenStream| {
        if shape.secret {
            quote!(::microvisor_config::Secret::expose_secret(#value))
        } else {
            value
        }
    };
    let body = if shape.option {
        let inner = expose(quote!(__inner));
        quote! {
            match __value {
                #private::core::option::Option::Some(__inner) => #validate(#inner),
                #private::core::option::Option::None => #result::Ok(()),
            }
        }
    } else {
        let inner = expose(quote!(__value));
        quote!(#validate(#inner))
    };
    Some(quote! {
        {
            let __check: fn(&#ty) -> #result<(), ::microvisor_config::ParseError> =
                |__value| #body;
            __check
        }
    })
}

/// The field's default, as a value of the field's type, built by [`default_item`].
fn default_value(field: &Field<'_>) -> Option<TokenStream> {
    let ident = fn_ident("DEFAULT", field);
    match field.attrs.default.get()? {
        attr::Default::Trait | attr::Default::Expr(_) => Some(quote!(#ident())),
        attr::Default::Text(lit) => Some(quote!((#ident.make)(#lit))),
    }
}

/// What builds the field's default, once, however often the expansion uses it: a function of
/// the field's type (a mistyped `default = EXPR` is one "mismatched types" on the expression),
/// or for a text default the type's [`TextDefault`] and the assertion that the text fits.
fn default_item(field: &Field<'_>) -> Option<TokenStream> {
    let ty = field.ty;
    let ident = fn_ident("DEFAULT", field);
    let private = quote!(::microvisor_config::__private);
    match field.attrs.default.get()? {
        attr::Default::Trait => Some(quote_spanned! {ty.span()=>
            const #ident: fn() -> #ty = <#ty as #private::core::default::Default>::default;
        }),
        attr::Default::Expr(expr) => Some(quote! {
            #[allow(non_snake_case)]
            fn #ident() -> #ty {
                #expr
            }
        }),
        attr::Default::Text(lit) => {
            let text = lit.value();
            let ty_text = crate::ast::type_text(ty);
            let message = format!(
                "default {} on field `{}` is {} bytes, more than its type `{ty_text}` holds; \
                 shorten it, or give the type more capacity",
                lit.to_token_stream(),
                field.name,
                text.len(),
            );
            let message_literal = format_literal(&message);
            let fits = syn::Ident::new(&format!("DEFAULT_FITS_TYPE_OF_{}", field.name), lit.span());
            let mut len = proc_macro2::Literal::usize_unsuffixed(text.len());
            len.set_span(lit.span());
            Some(quote_spanned! {lit.span()=>
                const #ident: #private::TextDefaultOf<#ty> =
                    <#ty as #private::TextDefault>::TEXT_DEFAULT;
                #[allow(dead_code, non_upper_case_globals)]
                const #fits: () = if #ident.capacity < #len {
                    // Written out, not `#private`: the panic's span is where the error points.
                    ::microvisor_config::__private::core::panic!(#message_literal)
                };
            })
        }
    }
}

/// `min_len = N` as the check that opens the field's parser and `check_item`: `__text` shorter
/// than `N` is refused before it is parsed.
fn min_len_check(field: &Field<'_>) -> TokenStream {
    let Some((min, lit)) = field.attrs.min_len.get() else {
        return TokenStream::new();
    };
    let mut min = proc_macro2::Literal::usize_unsuffixed(*min);
    min.set_span(lit.span());
    let private = quote!(::microvisor_config::__private);
    quote! {
        if __text.len() < #min {
            return #private::core::result::Result::Err(::microvisor_config::ParseError::TooShort {
                len: __text.len(),
                min: #min,
            });
        }
    }
}

/// A const assertion, for a field without `max_len`, that its type has a bound of its own: a
/// `Json<T>` is bounded only by the cloud's 4 KiB, which would be the read buffer.
fn max_len_given(field: &Field<'_>) -> Option<TokenStream> {
    if field.attrs.max_len.is_written() {
        return None;
    }
    let facts = facts_ident(field)?;
    let ty = field.ty;
    let message = format!(
        "field `{}` needs `max_len = N`, the longest value in bytes: its type `{}` is bounded \
         only by the cloud's 4096 bytes, which would all be read buffer on the stack",
        field.name,
        crate::ast::type_text(ty),
    );
    let message_literal = format_literal(&message);
    let name = syn::Ident::new(&format!("MAX_LEN_GIVEN_FOR_{}", field.name), ty.span());
    Some(quote_spanned! {ty.span()=>
        #[allow(dead_code, non_upper_case_globals)]
        const #name: () = if #facts.needs_max_len() {
            ::microvisor_config::__private::core::panic!(#message_literal)
        };
    })
}

/// A const assertion that a `min_len` fits the type's capacity, when no `max_len` is written
/// (against a written one, `valid` checks it).
fn min_len_fits_type(field: &Field<'_>) -> Option<TokenStream> {
    let (min, lit) = field.attrs.min_len.get()?;
    // Against a written `max_len` or the cloud's limit, `valid` has checked it.
    if field.attrs.max_len.is_written() || *min > crate::symbol::MAX_VALUE_LEN {
        return None;
    }
    let facts = facts_ident(field)?;
    let ty_text = crate::ast::type_text(field.ty);
    let message = format!(
        "min_len = {min} on field `{}` is more than its type `{ty_text}` can hold: no value could \
         be accepted; lower min_len, or give the type more capacity",
        field.name,
    );
    let message_literal = format_literal(&message);
    let name = syn::Ident::new(&format!("MIN_LEN_FITS_TYPE_OF_{}", field.name), lit.span());
    Some(quote_spanned! {lit.span()=>
        #[allow(dead_code, non_upper_case_globals)]
        const #name: () = if #facts.max_len() < #min {
            ::microvisor_config::__private::core::panic!(#message_literal)
        };
    })
}

/// The field's `FieldEntry`: its kind, and for a field the loop does not parse itself its ops
/// (how it is parsed into its place, what a missing key writes there, how it is dropped and
/// checked). A plain field uses its type's shared entry (`FieldEntry::plain`: a built-in kind
/// has no ops, so its type's generic parser is not linked); `default`, `with` and `validate`
/// make a custom entry with small functions of this field's own.
fn field_entry(field: &Field<'_>) -> TokenStream {
    let ty = field.ty;
    let private = quote!(::microvisor_config::__private);
    let result = quote!(#private::core::result::Result);
    let facts = facts_ident(field);
    let plain = quote!(#facts.ops());
    if !has_own_ops(field) {
        return quote!(#facts.entry());
    }
    // SAFETY (of every `unsafe` below): the fetch loop hands each function the place of this
    // very field in the struct being filled, valid for writes of `#ty`; `parse` and `missing`
    // find it empty, `validate` finds it written.
    let write = |value: TokenStream| {
        quote! {
            // SAFETY: see `field_entry`: the field's own place, empty.
            unsafe { __slot.cast::<#ty>().write(#value) }
        }
    };
    let (with, validate) = (field.attrs.with.get(), validator(field));
    let min_len = min_len_check(field);
    let parse = match with {
        Some(_) => {
            let parsed = with_parsed(field);
            let store = write(quote!(__value));
            quote! {
                |
                    __text: &[#private::core::primitive::u8],
                    __slot: *mut #private::core::primitive::u8,
                    _: &#private::FieldRow,
                | -> #result<(), ::microvisor_config::ParseError>
                {
                    #min_len
                    let __value = #parsed?;
                    #store;
                    #result::Ok(())
                }
            }
        }
        None if field.attrs.min_len.is_written() => quote! {
            |
                __text: &[#private::core::primitive::u8],
                __slot: *mut #private::core::primitive::u8,
                __row: &#private::FieldRow,
            | -> #result<(), ::microvisor_config::ParseError>
            {
                #min_len
                // SAFETY: the type's own parser, handed what this one was (`ParseFn`'s
                // contract).
                unsafe { (#plain.parse)(__text, __slot, __row) }
            }
        },
        None => quote!(#plain.parse),
    };
    let missing = match missing_of(field) {
        Missing::Value(value) => {
            let store = write(value);
            quote! {
                |__slot: *mut #private::core::primitive::u8| -> #private::core::primitive::bool {
                    #store;
                    true
                }
            }
        }
        Missing::Required => quote! {
            |_: *mut #private::core::primitive::u8| -> #private::core::primitive::bool { false }
        },
        Missing::TypesOwn => quote!(#plain.missing),
    };
    let validate = match validate {
        Some(check) => quote! {
            #private::core::option::Option::Some(
                |__slot: *const #private::core::primitive::u8| -> #result<(), ::microvisor_config::ParseError> {
                    // SAFETY: see `field_entry`: the field's own place, written.
                    (#check)(unsafe { &*__slot.cast::<#ty>() })
                },
            )
        },
        None => quote!(#private::core::option::Option::None),
    };
    // A type parsed by a `with` function need not be a `ConfigValue`: its drop glue, if any,
    // is its drop. Any other type's is its plain entry's (`FieldOps::drop`).
    let drop = match with {
        Some(_) => quote!(#private::FieldOps::drop_of::<#ty>()),
        None => quote!(#plain.drop),
    };
    quote! {
        #private::FieldEntry::custom(#private::FieldOps {
            parse: #parse,
            missing: #missing,
            drop: #drop,
            validate: #validate,
        })
    }
}

/// `__text` parsed by the field's `with` function as the field's whole value: the function's
/// `T` wrapped in the field's `Secret` and `Option`.
fn with_parsed(field: &Field<'_>) -> TokenStream {
    let with = fn_ident("WITH", field);
    let shape = field.shape();
    let mut value = quote!(__value);
    if shape.secret {
        value = quote!(::microvisor_config::Secret::new(#value));
    }
    if shape.option {
        value = quote!(::microvisor_config::__private::core::option::Option::Some(#value));
    }
    if shape.secret || shape.option {
        quote!(#with(__text).map(|__value| #value))
    } else {
        quote!(#with(__text))
    }
}

/// Whether a field has ops of its own: `default`, `with` and `validate` each need functions of
/// the field's; fields of one plain type share their type's.
fn has_own_ops(field: &Field<'_>) -> bool {
    field.attrs.with.get().is_some()
        || field.attrs.default.get().is_some()
        || field.attrs.validate.get().is_some()
        || field.attrs.min_len.get().is_some()
}

/// The expression that parses `__text` as one field (with its `with` and `validate`), for
/// `check_item`: the value is dropped, only the verdict is kept.
fn check_field(field: &Field<'_>) -> TokenStream {
    let min_len = min_len_check(field);
    let check = check_parsed(field);
    if min_len.is_empty() {
        return check;
    }
    quote!({
        #min_len
        #check
    })
}

/// The verdict of [`check_field`] on text of an accepted length.
fn check_parsed(field: &Field<'_>) -> TokenStream {
    let private = quote!(::microvisor_config::__private);
    let validate = validator(field);
    match (field.attrs.with.get(), facts_ident(field)) {
        (Some(_), _) => {
            let parsed = with_parsed(field);
            match validate {
                Some(check) => quote!(#parsed.and_then(|__value| (#check)(&__value))),
                None => quote!(#parsed.map(|_| ())),
            }
        }
        (None, Some(facts)) => {
            let validate = match validate {
                Some(check) => quote!(#private::core::option::Option::Some(#check)),
                None => quote!(#private::core::option::Option::None),
            };
            quote!(#private::check_text(&#facts, __text, #validate))
        }
        // A malformed `with`, already reported: nothing to check.
        (None, None) => quote!(#private::core::result::Result::Ok(())),
    }
}

/// What a key that is not found gives a field.
enum Missing {
    /// This value: the field's default, or `None` for an `Option` field parsed `with` a
    /// function of `T` (whose `T` need not be a `ConfigValue`).
    Value(TokenStream),
    /// Nothing: the key is required (a field parsed `with` a function, without a default).
    Required,
    /// What the field's type says, `ConfigValue::missing()`: `None` for an `Option`, however
    /// it is spelled (an alias, inside a `Secret`), and nothing for most types.
    TypesOwn,
}

/// What a missing key gives `field`: decided here once, for the fetch's entry (`field_entry`)
/// and for the check of that value (`check_missing_field`), so the two cannot disagree.
fn missing_of(field: &Field<'_>) -> Missing {
    match (default_value(field), field.attrs.with.get()) {
        (Some(default), _) => Missing::Value(default),
        (None, Some(_)) if field.is_option() => {
            Missing::Value(quote!(::microvisor_config::__private::core::option::Option::None))
        }
        (None, Some(_)) => Missing::Required,
        (None, None) => Missing::TypesOwn,
    }
}

/// The expression that checks the value a missing key gives the field ([`missing_of`]) with
/// its `validate`, for `check_missing`: what the fetch checks when it writes that value. `None`
/// for a field without a check or for a required key (a missing required key is `NotFound`,
/// not a value).
fn check_missing_field(field: &Field<'_>) -> Option<TokenStream> {
    let check = validator(field)?;
    let private = quote!(::microvisor_config::__private);
    match missing_of(field) {
        Missing::Value(value) => Some(quote!((#check)(&#value))),
        Missing::Required => None,
        Missing::TypesOwn => {
            let facts = facts_ident(field)?;
            Some(quote!(#private::check_missing(&#facts, #check)))
        }
    }
}

/// `message` as a format string that prints it as it is: a type's text may hold braces
/// (`String<{ 2 * 64 }>`).
fn format_literal(message: &str) -> String {
    message.replace('{', "{{").replace('}', "}}")
}

/// A const assertion that an explicit `max_len` fits the field's type. It cannot be checked in
/// the macro: only the compiler knows `<T as ConfigValue>::MAX_LEN`. The struct is not generic,
/// so the constant is evaluated by `cargo check` as well as `cargo build`; the error is at the
/// `max_len` literal, and its name says what failed.
fn max_len_fits_type(field: &Field<'_>) -> Option<TokenStream> {
    let (value, lit) = field.attrs.max_len.get()?;
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
    let message_literal = format_literal(&message);
    let facts = facts_ident(field)?;
    // Named for what failed, as the compiler quotes it: "evaluation of
    // `_::MAX_LEN_FITS_TYPE_OF_host` failed".
    let name = syn::Ident::new(&format!("MAX_LEN_FITS_TYPE_OF_{}", field.name), lit.span());
    Some(quote_spanned! {lit.span()=>
        #[allow(dead_code, non_upper_case_globals)]
        const #name: () = if #facts.type_max_len() < #max_len {
            ::microvisor_config::__private::core::panic!(#message_literal)
        };
    })
}

fn impl_config(input: &Input<'_>) -> TokenStream {
    let ident = input.ident;
    let container: &ContainerAttrs = &input.attrs;
    let mut keys = Vec::new();
    let mut specs = Vec::new();
    let mut rows = Vec::new();
    let mut entries = Vec::new();
    let mut entry_keys: Vec<String> = Vec::new();
    let mut checks = Vec::new();
    let mut missing_checks = Vec::new();
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
        let min_len = field.attrs.min_len.get().map_or(0, |(min, _)| *min);
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
                min_len: #min_len,
                required: #required,
                field: #name,
                type_name: #type_name,
                default: #default,
            }
        });
        // Fields of one plain type share an entry; the others have their own.
        let entry_key = if has_own_ops(field) { format!("#{index}") } else { type_name.clone() };
        let entry_index = match entry_keys.iter().position(|known| *known == entry_key) {
            Some(known) => known,
            None => {
                entry_keys.push(entry_key);
                entries.push(field_entry(field));
                entry_keys.len() - 1
            }
        };
        let member = field.ident;
        // The rows hold 16-bit offsets: a field past 64 KiB into the struct is refused here, at
        // its name and by its name, before `field_row` (which checks it too) is called.
        let past_64_kib = format!(
            "field `{}` starts past 64 KiB into `{ident}`: a settings struct's fields must lie \
             within its first 64 KiB (the fetch's rows hold 16-bit offsets); give a large field \
             a smaller capacity, or split the struct",
            field.name,
        );
        let past_64_kib_literal = format_literal(&past_64_kib);
        rows.push(quote_spanned! {member.span()=>
            ::microvisor_config::__private::field_row(
                <Self as ::microvisor_config::MicrovisorConfig>::FIELD_ENTRIES,
                #entry_index,
                {
                    let __offset = ::microvisor_config::__private::core::mem::offset_of!(#ident, #member);
                    if __offset
                        > ::microvisor_config::__private::core::primitive::u16::MAX
                            as ::microvisor_config::__private::core::primitive::usize
                    {
                        ::microvisor_config::__private::core::panic!(#past_64_kib_literal);
                    }
                    __offset
                },
                #max_len,
            )
        });
        let check = check_field(field);
        checks.push(quote!(#index => #check));
        if let Some(check) = check_missing_field(field) {
            missing_checks.push(quote!(#index => #check));
        }
    }
    let field_count = keys.len();
    if entries.len() > 256 {
        return syn::Error::new_spanned(
            ident,
            format!(
                "MicrovisorConfig handles at most 256 kinds of field in one struct (field types, \
                 or fields with their own `default`, `with` or `validate`); this one has {}: \
                 split it into two structs",
                entries.len()
            ),
        )
        .to_compile_error();
    }
    let no_drop_impl = refuse_drop_impl(ident);
    let field_items = field_items(&input.fields);
    quote! {
        const _: () = {
        #field_items
        #[automatically_derived]
        // SAFETY: the tables are the struct's own, generated together from its fields, which
        // is what `FetchPlan::new` asks (and on which `receive_fields` writes every field
        // before it returns `Ok`, dropping what it wrote on any failure); the keys are string
        // literals; the struct has no `Drop` of its own (`refuse_drop_impl` below), and
        // `FIELD_OPS` holds the drop of every field whose type has one beyond zeroing
        // (`FieldOps::drop`: each field's type's own, or the conservative `drop_of` of a field
        // parsed `with` a function).
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
            type Scratch = [::microvisor_config::__private::core::primitive::u8;
                <Self as ::microvisor_config::MicrovisorConfig>::SCRATCH_BYTES];

            type Outcomes = [::microvisor_config::FieldOutcome; #field_count];
            const NO_OUTCOMES: Self::Outcomes =
                [::microvisor_config::FieldOutcome::NotRead; #field_count];

            const FIELD_ENTRIES: &'static [::microvisor_config::__private::FieldEntry] = &[#(#entries),*];
            const FIELD_ROWS: &'static [::microvisor_config::__private::FieldRow] = &[#(#rows),*];
            // The struct's own entries, then one per family of built-in kinds it uses, one
            // table per operation (`split_ops`, `OpsTable`): only the parsers its fields need
            // are linked, and no table of an operation that none of its entries has.
            const FIELD_OPS: ::microvisor_config::__private::OpsTable =
                ::microvisor_config::__private::ops_table_of!(#ident);

            fn check_item(
                __index: ::microvisor_config::__private::core::primitive::usize,
                __text: &[::microvisor_config::__private::core::primitive::u8],
            ) -> ::microvisor_config::__private::core::result::Result<(), ::microvisor_config::ParseError> {
                match __index {
                    #(#checks,)*
                    _ => ::microvisor_config::__private::core::result::Result::Ok(()),
                }
            }

            fn check_missing(
                __index: ::microvisor_config::__private::core::primitive::usize,
            ) -> ::microvisor_config::__private::core::result::Result<(), ::microvisor_config::ParseError> {
                match __index {
                    #(#missing_checks,)*
                    _ => ::microvisor_config::__private::core::result::Result::Ok(()),
                }
            }
        }
        // The rows evaluated with the struct, whether or not a fetch of it is compiled: their
        // checks (a field past 64 KiB) are then errors at once, under `cargo check` too.
        const _: &[::microvisor_config::__private::FieldRow] =
            <#ident as ::microvisor_config::MicrovisorConfig>::FIELD_ROWS;
        #no_drop_impl
        };
    }
}

/// What each field's type and functions are asked, once each ([`facts_item`], [`with_item`],
/// [`validate_item`]), and the assertion that a written `max_len` fits the type: the items
/// every other part of the expansion reads, and all that a failed derive still writes, so
/// that a mistake of a type shows in the same compile as the attribute mistakes.
fn field_items(fields: &[Field<'_>]) -> TokenStream {
    let mut items = TokenStream::new();
    for field in fields {
        items.extend(facts_item(field));
        items.extend(with_item(field));
        items.extend(validate_item(field));
        items.extend(default_item(field));
        items.extend(max_len_fits_type(field));
        items.extend(max_len_given(field));
        items.extend(min_len_fits_type(field));
    }
    items
}

/// Refuses a `Drop` impl on the struct, which a refresh could skip: one whose fields need no
/// drop of their own is refreshed by moving the new settings over the old ones (see
/// `MicrovisorConfig::refresh_with`). The blanket impl and the struct's own overlap exactly
/// when the struct implements `Drop`, and the compiler then names the trait, whose name says
/// what is wrong, at the struct's name (pin-project's device).
fn refuse_drop_impl(ident: &syn::Ident) -> TokenStream {
    let trait_name = quote_spanned!(ident.span()=> MicrovisorConfigStructsMustNotImplementDrop);
    quote_spanned! {ident.span()=>
        const _: () = {
            #[allow(dead_code)]
            trait #trait_name {}
            #[allow(drop_bounds)]
            impl<T: ::microvisor_config::__private::core::ops::Drop> #trait_name for T {}
            impl #trait_name for #ident {}
        };
    }
}

#[cfg(test)]
mod tests {
    use super::derive;

    /// How often the expansion names `ConfigValue`: each use is an obligation that fails on
    /// its own for a type that is not one, and the compiler reports every failure.
    fn config_value_uses(input: syn::DeriveInput) -> usize {
        let expanded = derive(&input).to_string();
        expanded.matches(":: ConfigValue >").count()
    }

    /// One use per field (none for a field parsed `with` a function), whether the derive
    /// succeeds or fails on an attribute: a type that is not a `ConfigValue` is one error.
    #[test]
    fn a_field_type_is_asked_to_be_a_config_value_once() {
        let good = syn::parse_quote! {
            #[config(scope = device, store = config)]
            struct Settings {
                a: Address,
                #[config(default, validate = check, max_len = 8)]
                b: Option<Address>,
                #[config(with = parse, max_len = 4)]
                c: Address,
            }
        };
        assert_eq!(config_value_uses(good), 2);
        let failed = syn::parse_quote! {
            #[config(scope = device, store = config)]
            struct Settings {
                #[config(kye = "a")]
                a: Address,
                #[config(default, validate = check, max_len = 8)]
                b: Option<Address>,
                #[config(with = parse, max_len = 4)]
                c: Address,
            }
        };
        assert_eq!(config_value_uses(failed), 2);
    }
}
