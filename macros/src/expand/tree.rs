//! The tables of a struct with nested fields (`#[config(nested)]`): one request, one schema and
//! one set of rows for every leaf of the tree, built at compile time by the runtime's constant
//! functions from the struct's own fields and each nested struct's tables (`SUBTREE`).
//!
//! A leaf's index is no longer its field's position: each field's first leaf is a constant
//! (`AT_<field>`), the sum of the widths before it, and `check_item` and `check_missing` hand a
//! nested struct's leaves to its own, by their index within it.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::field::{offset_within_64_kib, Leaf};
use super::Tables;
use crate::ast::{Field, Input};

/// A generated constant's name, out of the way of the user's.
fn name(what: &str) -> syn::Ident {
    syn::Ident::new(&format!("__MICROVISOR_CONFIG_{what}"), Span::mixed_site())
}

/// `const NESTED: Subtree = <T as MicrovisorConfig>::SUBTREE;` for a nested field: the one place
/// that asks its type to be a settings struct, written by a failed derive too.
pub(super) fn subtree_item(field: &Field<'_>) -> Option<TokenStream> {
    if !field.is_nested() {
        return None;
    }
    let (ty, nested) = (field.ty, name(&format!("NESTED_{}", field.name)));
    Some(quote_spanned! {ty.span()=>
        const #nested: ::microvisor_config::__private::Subtree =
            <#ty as ::microvisor_config::MicrovisorConfig>::SUBTREE;
    })
}

pub(super) fn tables(
    input: &Input<'_>,
    leaves: &[(&Field<'_>, Leaf)],
    entries: &[TokenStream],
) -> Tables {
    let ident = input.ident;
    let private = quote!(::microvisor_config::__private);
    let this = quote!(<#ident as ::microvisor_config::MicrovisorConfig>);
    let outer = ident.to_string();
    let (own, parts_name, leaf_count) = (name("OWN_ENTRIES"), name("PARTS"), name("LEAVES"));
    let mut items = TokenStream::new();
    let (mut parts, mut row_parts, mut checks, mut missing_checks) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut entry_lists = vec![quote!(#own)];
    // Where the next nested struct's entries start among the struct's, and where the next
    // field's leaves start.
    let mut entries_start = quote!(#own.len());
    let mut next_leaf = quote!(0);
    let mut own_leaves = leaves.iter();
    for (part, field) in input.fields.iter().enumerate() {
        let at = name(&format!("AT_{}", field.name));
        items.extend(quote! {
            const #at: #private::core::primitive::usize = #next_leaf;
        });
        if !field.is_nested() {
            // `leaves` holds every own field, in order (`valid` saw to their keys).
            let Some((_, leaf)) = own_leaves.next() else { continue };
            let Leaf { spec, entry, offset, max_len, check, missing_check, .. } = leaf;
            parts.push(quote!(#private::SchemaPart::Leaf(#spec)));
            row_parts.push(quote! {
                #private::RowPart::Leaf { entry: #entry, offset: #offset, max_len: #max_len }
            });
            checks.push(quote!(__leaf if __leaf == #at => #check));
            if let Some(check) = missing_check {
                missing_checks.push(quote!(__leaf if __leaf == #at => #check));
            }
            next_leaf = quote!(#at + 1);
            continue;
        }
        let nested = name(&format!("NESTED_{}", field.name));
        let field_name = &field.name;
        let prefix = field.attrs.prefix.get().map(syn::LitStr::value).unwrap_or_default();
        parts.push(quote! {
            #private::SchemaPart::Nested {
                field: #field_name,
                prefix: #prefix,
                schema: #nested.schema,
            }
        });
        let offset = offset_within_64_kib(ident, field);
        row_parts.push(quote! {
            #private::RowPart::Nested {
                rows: #nested.rows,
                entries_start: #entries_start,
                offset: #offset,
            }
        });
        entries_start = quote!(#entries_start + #nested.entries.len());
        entry_lists.push(quote!(#nested.entries));
        let within = quote!(__leaf >= #at && __leaf < #at + #nested.schema.len());
        checks.push(quote!(__leaf if #within => (#nested.check_item)(__leaf - #at, __text)));
        missing_checks.push(quote!(__leaf if #within => (#nested.check_missing)(__leaf - #at)));
        // Its keys, once prefixed, against the cloud's limit and the struct's other keys: a
        // constant evaluated with the struct, whose error names the field and the key.
        let keys_fit = syn::Ident::new(
            &format!("KEYS_OF_NESTED_FIELD_{}_ARE_UNIQUE", field.name),
            field.ident.span(),
        );
        items.extend(quote_spanned! {field.ident.span()=>
            #[allow(dead_code, non_upper_case_globals)]
            const #keys_fit: () = {
                let __problem = ::microvisor_config::__private::check_nested(
                    #parts_name,
                    <#ident as ::microvisor_config::MicrovisorConfig>::SCHEMA,
                    #part,
                    #outer,
                );
                if let ::microvisor_config::__private::core::option::Option::Some(__message) =
                    __problem.text()
                {
                    ::microvisor_config::__private::core::panic!("{}", __message);
                }
            };
        });
        next_leaf = quote!(#at + #nested.schema.len());
    }
    items.extend(quote! {
        const #own: &[#private::FieldEntry] = &[#(#entries),*];
        const #parts_name: &[#private::SchemaPart] = &[#(#parts),*];
        const #leaf_count: #private::core::primitive::usize = #private::leaf_count(#parts_name);
    });
    Tables {
        items,
        keys: quote! {{
            const KEYS: [::microvisor_config::ffi::MvConfigKeyToFetch; #leaf_count] =
                #private::tree_keys(#this::SCHEMA);
            &KEYS
        }},
        schema: quote! {{
            const TEXT: [#private::core::primitive::u8; #private::tree_text_len(#parts_name)] =
                #private::tree_text(#parts_name);
            const SCHEMA: [::microvisor_config::KeySpec; #leaf_count] =
                #private::tree_schema(#parts_name, &TEXT);
            &SCHEMA
        }},
        leaves: quote!(#leaf_count),
        entries: quote! {{
            const LISTS: &[&[#private::FieldEntry]] = &[#(#entry_lists),*];
            const ENTRIES: [#private::FieldEntry; #private::entries_len(LISTS)] =
                #private::joined_entries(LISTS);
            &ENTRIES
        }},
        rows: quote! {{
            const ROWS: [#private::FieldRow; #leaf_count] =
                #private::tree_rows(#this::FIELD_ENTRIES, &[#(#row_parts),*]);
            &ROWS
        }},
        check_item: checks,
        check_missing: missing_checks,
    }
}
