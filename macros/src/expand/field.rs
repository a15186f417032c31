//! One field's share of the expansion: the items that ask its type and functions what the
//! derive needs (once each), its table entry, its checks, and its row's pieces.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::ast::{Field, Input};
use crate::attr::{self, ContainerAttrs};

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

/// The name of the constant that holds the field's facts ([`facts_item`]), the one use of
/// its type's `ConfigValue` impl; `None` for a field parsed `with` a function, whose type need
/// not be a `ConfigValue`.
fn facts_ident(field: &Field<'_>) -> Option<syn::Ident> {
    // A nested field's type is asked to be a settings struct instead (`tree`).
    if field.attrs.with.is_written() || field.is_nested() {
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
pub(super) fn facts_item(field: &Field<'_>) -> Option<TokenStream> {
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
pub(super) fn with_item(field: &Field<'_>) -> Option<TokenStream> {
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
pub(super) fn validate_item(field: &Field<'_>) -> Option<TokenStream> {
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
pub(super) fn default_item(field: &Field<'_>) -> Option<TokenStream> {
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
pub(super) fn max_len_given(field: &Field<'_>) -> Option<TokenStream> {
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
pub(super) fn min_len_fits_type(field: &Field<'_>) -> Option<TokenStream> {
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
pub(super) fn max_len_fits_type(field: &Field<'_>) -> Option<TokenStream> {
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

/// One of the struct's own fields, as the tables need it.
pub(super) struct Leaf {
    /// Its request entry (for a struct without nested fields).
    pub key: TokenStream,
    /// Its `KeySpec`.
    pub spec: TokenStream,
    /// Its entry among the struct's own.
    pub entry: usize,
    /// Its offset in the struct, refused past 64 KiB by its name.
    pub offset: TokenStream,
    pub max_len: TokenStream,
    /// Its verdict on `__text`, for `check_item`.
    pub check: TokenStream,
    /// Its check of a missing key's value, for `check_missing`, if it has one.
    pub missing_check: Option<TokenStream>,
}

/// The struct's own fields as [`Leaf`]s, and their entries (one per distinct plain type, one
/// per field with ops of its own); nested fields are left out.
pub(super) fn leaves<'i, 'a>(
    input: &'i Input<'a>,
) -> (Vec<(&'i Field<'a>, Leaf)>, Vec<TokenStream>) {
    let ident = input.ident;
    let container: &ContainerAttrs = &input.attrs;
    let mut leaves = Vec::new();
    let mut entries = Vec::new();
    let mut entry_keys: Vec<String> = Vec::new();
    for (index, field) in input.fields.iter().enumerate() {
        if field.is_nested() {
            continue;
        }
        // Checked by `valid`: every own field has a key, a scope and a store here.
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
        let spec = quote! {
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
        };
        // Fields of one plain type share an entry; the others have their own.
        let entry_key = if has_own_ops(field) { format!("#{index}") } else { type_name.clone() };
        let entry = match entry_keys.iter().position(|known| *known == entry_key) {
            Some(known) => known,
            None => {
                entry_keys.push(entry_key);
                entries.push(field_entry(field));
                entry_keys.len() - 1
            }
        };
        let offset = offset_within_64_kib(ident, field);
        leaves.push((
            field,
            Leaf {
                key: quote!(::microvisor_config::__private::key(#scope, #store, #key)),
                spec,
                entry,
                offset,
                max_len,
                check: check_field(field),
                missing_check: check_missing_field(field),
            },
        ));
    }
    (leaves, entries)
}

/// `offset_of!` the field, refused past 64 KiB at its name and by its name (the rows hold
/// 16-bit offsets), before `field_row`, which checks it too, is called.
pub(super) fn offset_within_64_kib(ident: &syn::Ident, field: &Field<'_>) -> TokenStream {
    let member = field.ident;
    let past_64_kib = format!(
        "field `{}` starts past 64 KiB into `{ident}`: a settings struct's fields must lie \
         within its first 64 KiB (the fetch's rows hold 16-bit offsets); give a large field \
         a smaller capacity, or split the struct",
        field.name,
    );
    let past_64_kib_literal = format_literal(&past_64_kib);
    quote_spanned! {member.span()=>
        {
            let __offset = ::microvisor_config::__private::core::mem::offset_of!(#ident, #member);
            if __offset
                > ::microvisor_config::__private::core::primitive::u16::MAX
                    as ::microvisor_config::__private::core::primitive::usize
            {
                ::microvisor_config::__private::core::panic!(#past_64_kib_literal);
            }
            __offset
        }
    }
}
