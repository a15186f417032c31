//! `#[derive(ConfigValue)]` for an enum of unit variants read from text (`"eu" | "us"`).
//!
//! Small enough to keep its four stages in one file: read the variants and their
//! `#[config(name = "...")]`, apply the enum's `rename_all`, check the names (each non-empty,
//! no two alike), and expand to one `match` on the value's bytes.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

const NAME: &str = "name";
const RENAME_ALL: &str = "rename_all";
const CASES: &[&str] = &[
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

pub fn derive(input: &syn::DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let variants = read(&cx, input);
    let result = cx.check();
    match (result, variants) {
        (Ok(()), Some(variants)) => expand(&input.ident, &variants),
        (Err(errors), _) => fallback(&input.ident, errors),
        (Ok(()), None) => fallback(
            &input.ident,
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
        let (name, span) = match variant_name(cx, &variant.attrs) {
            Some(lit) => (lit.value(), lit.span()),
            None => {
                (rename(rename_all.as_deref(), &variant.ident.to_string()), variant.ident.span())
            }
        };
        variants.push(Variant { ident: &variant.ident, name, span });
    }
    check_names(cx, &variants);
    Some(variants)
}

/// Every config attribute word of one list, with its value.
fn config_values(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    allowed: &str,
    mut found: impl FnMut(syn::LitStr),
) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("config")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(allowed) {
                let value: syn::Expr = meta.value()?.parse()?;
                match value {
                    syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(lit), .. }) => found(lit),
                    other => {
                        cx.error_spanned_by(
                            &other,
                            format!("expected a string literal: `{allowed} = \"...\"`"),
                        );
                    }
                }
                Ok(())
            } else {
                let word =
                    meta.path.get_ident().map_or_else(|| "?".to_owned(), ToString::to_string);
                cx.error_at(
                    meta.path.span(),
                    format!("unknown config attribute `{word}` here; expected `{allowed}`"),
                );
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            }
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
}

fn rename_rule(cx: &Ctxt, attrs: &[syn::Attribute]) -> Option<String> {
    let mut rule = None;
    config_values(cx, attrs, RENAME_ALL, |lit| {
        if rule.is_some() {
            cx.error_at(lit.span(), "duplicate config attribute `rename_all`");
        } else if CASES.contains(&lit.value().as_str()) {
            rule = Some(lit.value());
        } else {
            cx.error_at(
                lit.span(),
                format!(
                    "unknown case `{}` for rename_all; expected one of: {}",
                    lit.value(),
                    CASES.join(", ")
                ),
            );
        }
    });
    rule
}

fn variant_name(cx: &Ctxt, attrs: &[syn::Attribute]) -> Option<syn::LitStr> {
    let mut name = None;
    config_values(cx, attrs, NAME, |lit| {
        if name.is_some() {
            cx.error_at(lit.span(), "duplicate config attribute `name`");
        } else {
            name = Some(lit);
        }
    });
    name
}

/// Renames a PascalCase variant as serde's `rename_all` does for variants.
fn rename(rule: Option<&str>, variant: &str) -> String {
    let words = || {
        let mut words: Vec<String> = Vec::new();
        for ch in variant.chars() {
            if ch.is_uppercase() || words.is_empty() {
                words.push(String::new());
            }
            if let Some(word) = words.last_mut() {
                word.push(ch);
            }
        }
        words
    };
    let joined = |sep: &str, upper: bool| {
        let words: Vec<String> = words()
            .into_iter()
            .map(|w| if upper { w.to_uppercase() } else { w.to_lowercase() })
            .collect();
        words.join(sep)
    };
    match rule {
        Some("lowercase") => variant.to_lowercase(),
        Some("UPPERCASE") => variant.to_uppercase(),
        Some("camelCase") => {
            let mut chars = variant.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().collect::<String>() + chars.as_str())
                .unwrap_or_default()
        }
        Some("snake_case") => joined("_", false),
        Some("SCREAMING_SNAKE_CASE") => joined("_", true),
        Some("kebab-case") => joined("-", false),
        Some("SCREAMING-KEBAB-CASE") => joined("-", true),
        _ => variant.to_owned(),
    }
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
    quote! {
        #[automatically_derived]
        impl ::microvisor_config::ConfigValue for #ident {
            const MAX_LEN: usize = #max_len;
            fn parse(
                text: &[u8],
            ) -> ::microvisor_config::__private::core::result::Result<Self, ::microvisor_config::ParseError> {
                match text {
                    #(#arms,)*
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
            pub const fn config_name(&self) -> &'static str {
                match self {
                    #(#names,)*
                }
            }
        }
    }
}

fn fallback(ident: &syn::Ident, errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    quote! {
        #errors
        #[automatically_derived]
        impl ::microvisor_config::ConfigValue for #ident {
            const MAX_LEN: usize = 0;
            fn parse(
                _: &[u8],
            ) -> ::microvisor_config::__private::core::result::Result<Self, ::microvisor_config::ParseError> {
                ::microvisor_config::__private::core::result::Result::Err(
                    ::microvisor_config::ParseError::UnknownVariant,
                )
            }
        }
    }
}
