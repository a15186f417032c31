//! `#[derive(ConfigValue)]` for an enum of unit variants read from text (`"eu" | "us"`).
//!
//! Small enough to keep its four stages in one file: read the variants and their
//! `#[config(name = "...")]`, apply the enum's `rename_all`, check the names (each non-empty,
//! no two alike), and expand to one `match` on the value's bytes.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;

use crate::attr::{
    for_each_config_meta, parse_lit_str, parse_rename_rule, unknown_word, Elsewhere, Slot,
};
use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::symbol::{NAME, RENAME_ALL};

pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let variants = read(&cx, input);
    let result = cx.check();
    match (result, variants) {
        (Ok(()), Some(variants)) => expand(&input.ident, &variants),
        (Err(errors), _) => fallback(input, errors),
        (Ok(()), None) => fallback(
            input,
            syn::Error::new_spanned(&input.ident, "ConfigValue could not read this enum"),
        ),
    }
}

struct Variant<'a> {
    ident: &'a syn::Ident,
    name: String,
    span: Span,
}

fn read<'a>(cx: &Ctxt, input: &'a syn::DeriveInput) -> Option<Vec<Variant<'a>>> {
    let syn::Data::Enum(data) = &input.data else {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(ConfigValue)] reads an enum of unit variants from text; for a struct, \
             implement `ConfigValue` by hand",
        );
        return None;
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(&input.generics, "#[derive(ConfigValue)] takes no generic enum");
    }
    let rename_all = rename_rule(cx, &input.attrs);
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, syn::Fields::Unit) {
            cx.error_spanned_by(
                &variant.fields,
                format!(
                    "variant `{}` has fields; a config text names a unit variant only",
                    variant.ident
                ),
            );
            continue;
        }
        let name = variant_name(cx, &variant.attrs);
        if name.is_malformed() {
            // Reported already: the identifier it would fall back to could also clash with
            // another variant's name, a second error for one mistake.
            continue;
        }
        let (name, span) = match name.into_value() {
            Some(lit) => (lit.value(), lit.span()),
            None => {
                let ident = variant.ident.to_string();
                let name = rename_all.map_or(ident.clone(), |rule| rule.apply_to_variant(&ident));
                (name, variant.ident.span())
            }
        };
        variants.push(Variant { ident: &variant.ident, name, span });
    }
    check_names(cx, &variants);
    Some(variants)
}

/// The enum's `rename_all`, read as the struct derive reads its attributes (`attr.rs`).
fn rename_rule(cx: &Ctxt, attrs: &[syn::Attribute]) -> Option<RenameRule> {
    let mut rule = Slot::new(RENAME_ALL);
    for_each_config_meta(cx, attrs, |meta, word| match word.as_str() {
        RENAME_ALL => {
            rule.set(cx, meta.path.span(), parse_rename_rule(cx, meta)?);
            Ok(())
        }
        _ => unknown_word(
            cx,
            meta,
            &word,
            " on an enum",
            &[RENAME_ALL],
            Elsewhere { words: &[NAME], place: "a variant" },
        ),
    });
    rule.into_value()
}

/// A variant's `name`, as written (maybe not at all, maybe malformed).
fn variant_name(cx: &Ctxt, attrs: &[syn::Attribute]) -> Slot<syn::LitStr> {
    let mut name = Slot::new(NAME);
    for_each_config_meta(cx, attrs, |meta, word| match word.as_str() {
        NAME => {
            name.set(cx, meta.path.span(), parse_lit_str(cx, meta, NAME)?);
            Ok(())
        }
        _ => unknown_word(
            cx,
            meta,
            &word,
            " on a variant",
            &[NAME],
            Elsewhere { words: &[RENAME_ALL], place: "the enum" },
        ),
    });
    name
}

/// A name is the whole text of a value: empty or alike names could never be told apart.
fn check_names(cx: &Ctxt, variants: &[Variant<'_>]) {
    let mut seen: Vec<&Variant<'_>> = Vec::new();
    for variant in variants {
        if variant.name.is_empty() {
            cx.error_at(variant.span, "a variant's config name may not be empty");
        }
        if variant.name.len() > crate::symbol::MAX_VALUE_LEN {
            cx.error_at(variant.span, "a variant's config name is longer than any cloud value");
        }
        if let Some(first) = seen.iter().find(|v| v.name == variant.name) {
            let duplicate = cx.error_at(
                variant.span,
                format!(
                    "duplicate config name `{}`: variant `{}` already has it",
                    variant.name, first.ident
                ),
            );
            cx.note_at(
                duplicate,
                first.span,
                format!("note: `{}` is first used here", variant.name),
            );
        } else {
            seen.push(variant);
        }
    }
}

fn expand(ident: &syn::Ident, variants: &[Variant<'_>]) -> TokenStream {
    let max_len = variants.iter().map(|v| v.name.len()).max().unwrap_or(0);
    let arms = variants.iter().map(|variant| {
        let bytes = syn::LitByteStr::new(variant.name.as_bytes(), variant.span);
        let member = variant.ident;
        quote!(#bytes => ::microvisor_config::__private::core::result::Result::Ok(Self::#member))
    });
    let names = variants.iter().map(|variant| {
        let name = &variant.name;
        let member = variant.ident;
        quote!(Self::#member => #name)
    });
    let primitive = quote!(::microvisor_config::__private::core::primitive);
    quote! {
        #[automatically_derived]
        impl ::microvisor_config::ConfigValue for #ident {
            const MAX_LEN: #primitive::usize = #max_len;
            fn parse(
                __text: &[#primitive::u8],
            ) -> ::microvisor_config::__private::core::result::Result<Self, ::microvisor_config::ParseError> {
                match __text {
                    #(#arms,)*
                    [] => ::microvisor_config::__private::core::result::Result::Err(
                        ::microvisor_config::ParseError::Empty,
                    ),
                    _ => ::microvisor_config::__private::core::result::Result::Err(
                        ::microvisor_config::ParseError::UnknownVariant,
                    ),
                }
            }
        }

        #[automatically_derived]
        impl #ident {
            /// The text that names this variant in the cloud.
            #[allow(dead_code)]
            pub const fn config_name(&self) -> &'static #primitive::str {
                match self {
                    #(#names,)*
                }
            }
        }
    }
}

/// The errors, and an impl that keeps them the only ones: uses of the type elsewhere still find
/// a `ConfigValue`. (Generic, if the enum wrongly is, so as not to add "missing generics".)
fn fallback(input: &syn::DeriveInput, errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let primitive = quote!(::microvisor_config::__private::core::primitive);
    quote! {
        #errors
        #[automatically_derived]
        impl #impl_generics ::microvisor_config::ConfigValue for #ident #type_generics #where_clause {
            const MAX_LEN: #primitive::usize = 0;
            fn parse(
                _: &[#primitive::u8],
            ) -> ::microvisor_config::__private::core::result::Result<Self, ::microvisor_config::ParseError> {
                ::microvisor_config::__private::core::result::Result::Err(
                    ::microvisor_config::ParseError::UnknownVariant,
                )
            }
        }
    }
}
