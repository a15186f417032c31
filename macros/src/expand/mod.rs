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
use quote::{quote, quote_spanned};

mod field;
mod tree;

use crate::ast::{Field, Input};
use crate::ctxt::Ctxt;
use crate::valid;
use field::{
    default_item, facts_item, leaves, max_len_fits_type, max_len_given, min_len_fits_type,
    validate_item, with_item, Leaf,
};

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

/// The parts of the impl that depend on whether the struct has nested fields.
struct Tables {
    /// Items beside the impl, in the same block.
    items: TokenStream,
    keys: TokenStream,
    schema: TokenStream,
    /// How many leaves: the number of outcomes.
    leaves: TokenStream,
    entries: TokenStream,
    rows: TokenStream,
    /// The arms of `check_item`'s and `check_missing`'s match on the leaf's index; any other
    /// index is `Ok`.
    check_item: Vec<TokenStream>,
    check_missing: Vec<TokenStream>,
}

fn impl_config(input: &Input<'_>) -> TokenStream {
    let ident = input.ident;
    let (leaves, entries) = leaves(input);
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
    let tables = if input.fields.iter().any(Field::is_nested) {
        tree::tables(input, &leaves, &entries)
    } else {
        flat_tables(&leaves, &entries)
    };
    let Tables { items, keys, schema, leaves, entries, rows, check_item, check_missing } = tables;
    let no_drop_impl = refuse_drop_impl(ident);
    let field_items = field_items(&input.fields);
    let private = quote!(::microvisor_config::__private);
    let result = quote!(#private::core::result::Result<(), ::microvisor_config::ParseError>);
    let ok = quote!(#private::core::result::Result::Ok(()));
    quote! {
        const _: () = {
        #field_items
        #items
        #[automatically_derived]
        // SAFETY: the tables are the struct's own, generated together from its fields (and
        // from the tables of the structs nested in it, each its own), which is what
        // `FetchPlan::new` asks (and on which `receive_fields` writes every field before it
        // returns `Ok`, dropping what it wrote on any failure); the keys are string literals,
        // or text of a constant the struct's own; the struct has no `Drop` of its own
        // (`refuse_drop_impl` below, as each nested struct), and `FIELD_OPS` holds the drop of
        // every field whose type has one beyond zeroing (`FieldOps::drop`: each field's type's
        // own, or the conservative `drop_of` of a field parsed `with` a function).
        unsafe impl ::microvisor_config::MicrovisorConfig for #ident {
            const KEYS: &'static [::microvisor_config::ffi::MvConfigKeyToFetch] = #keys;
            const SCHEMA: &'static [::microvisor_config::KeySpec] = #schema;
            const RESPONSE_MAX_BYTES: #private::core::primitive::usize =
                #private::response_max_bytes(
                    <Self as ::microvisor_config::MicrovisorConfig>::SCHEMA,
                );
            const SCRATCH_BYTES: #private::core::primitive::usize = #private::scratch_bytes(
                <Self as ::microvisor_config::MicrovisorConfig>::SCHEMA,
            );
            type Scratch = [#private::core::primitive::u8;
                <Self as ::microvisor_config::MicrovisorConfig>::SCRATCH_BYTES];

            type Outcomes = [::microvisor_config::FieldOutcome; #leaves];
            const NO_OUTCOMES: Self::Outcomes =
                [::microvisor_config::FieldOutcome::NotRead; #leaves];

            const FIELD_ENTRIES: &'static [#private::FieldEntry] = #entries;
            const FIELD_ROWS: &'static [#private::FieldRow] = #rows;
            // The struct's own entries, then one per family of built-in kinds it uses, one
            // table per operation (`split_ops`, `OpsTable`): only the parsers its fields need
            // are linked, and no table of an operation that none of its entries has.
            const FIELD_OPS: #private::OpsTable = #private::ops_table_of!(#ident);

            fn check_item(
                __index: #private::core::primitive::usize,
                __text: &[#private::core::primitive::u8],
            ) -> #result {
                match __index {
                    #(#check_item,)*
                    _ => #ok,
                }
            }

            fn check_missing(__index: #private::core::primitive::usize) -> #result {
                match __index {
                    #(#check_missing,)*
                    _ => #ok,
                }
            }
        }
        // The rows evaluated with the struct, whether or not a fetch of it is compiled: their
        // checks (a field past 64 KiB) are then errors at once, under `cargo check` too.
        const _: &[#private::FieldRow] =
            <#ident as ::microvisor_config::MicrovisorConfig>::FIELD_ROWS;
        #no_drop_impl
        };
    }
}

/// The tables of a struct without nested fields: literal arrays, a field's index its position.
fn flat_tables(leaves: &[(&Field<'_>, Leaf)], entries: &[TokenStream]) -> Tables {
    let private = quote!(::microvisor_config::__private);
    let keys = leaves.iter().map(|(_, leaf)| &leaf.key);
    let specs = leaves.iter().map(|(_, leaf)| &leaf.spec);
    let rows = leaves.iter().map(|(field, leaf)| {
        let Leaf { entry, offset, max_len, .. } = leaf;
        quote_spanned! {field.ident.span()=>
            #private::field_row(
                <Self as ::microvisor_config::MicrovisorConfig>::FIELD_ENTRIES,
                #entry,
                #offset,
                #max_len,
            )
        }
    });
    let check_item = leaves.iter().enumerate().map(|(index, (_, leaf))| {
        let check = &leaf.check;
        quote!(#index => #check)
    });
    let check_missing = leaves.iter().enumerate().filter_map(|(index, (_, leaf))| {
        let check = leaf.missing_check.as_ref()?;
        Some(quote!(#index => #check))
    });
    let count = leaves.len();
    Tables {
        items: TokenStream::new(),
        keys: quote!(&[#(#keys),*]),
        schema: quote!(&[#(#specs),*]),
        leaves: quote!(#count),
        entries: quote!(&[#(#entries),*]),
        rows: quote!(&[#(#rows),*]),
        check_item: check_item.collect(),
        check_missing: check_missing.collect(),
    }
}

/// What each field's type and functions are asked, once each ([`facts_item`], [`with_item`],
/// [`validate_item`]), and the assertion that a written `max_len` fits the type: the items
/// every other part of the expansion reads, and all that a failed derive still writes, so
/// that a mistake of a type shows in the same compile as the attribute mistakes.
fn field_items(fields: &[Field<'_>]) -> TokenStream {
    let mut items = TokenStream::new();
    for field in fields {
        items.extend(tree::subtree_item(field));
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

    /// A nested field's type is asked to be a settings struct once, and not to be a value.
    #[test]
    fn a_nested_fields_type_is_asked_to_be_a_settings_struct_once() {
        for input in [
            syn::parse_quote! {
                struct Device {
                    #[config(nested, prefix = "mqtt-")]
                    mqtt: Tls,
                    #[config(nested)]
                    ota: Tls,
                }
            },
            syn::parse_quote! {
                struct Device {
                    #[config(nested, key = "x")]
                    mqtt: Tls,
                    #[config(nested)]
                    ota: Tls,
                }
            },
        ] {
            let expanded = derive(&input).to_string();
            assert_eq!(expanded.matches(":: MicrovisorConfig > :: SUBTREE").count(), 2);
            assert_eq!(config_value_uses(input), 0);
        }
    }
}
