//! Stage 3: the rules. One function per rule, each saying why; cross-field rules in their own
//! pass. Each reports on the smallest token to blame and lets the others run. A rule stays
//! quiet about an attribute that was malformed (and so already reported), so that one mistake
//! makes one error.

use std::collections::HashMap;

use crate::ast::{Field, Input, Key, KeySource};
use crate::attr::{ContainerAttrs, Scope, Store};
use crate::ctxt::Ctxt;
use crate::symbol::{MAX_KEY_LEN, MAX_VALUE_LEN, SCOPE, SCOPES, STORE, STORES};

pub fn check(cx: &Ctxt, input: &Input<'_>) {
    check_has_fields(cx, input);
    check_scope_everywhere(cx, input);
    check_store_everywhere(cx, input);
    for field in &input.fields {
        if field.is_nested() {
            check_nested_alone(cx, field);
            check_prefix_text(cx, field);
            continue;
        }
        check_prefix_needs_nested(cx, field);
        check_key_text(cx, &input.attrs, field);
        check_max_len(cx, field);
        check_min_len(cx, field);
        check_presence(cx, field);
        check_secret_type(cx, &input.attrs, field);
        check_plain_has_effect(cx, &input.attrs, field);
        check_with_needs_max_len(cx, field);
    }
    check_unique_keys(cx, input);
}

/// A nested field's keys, stores and values are its struct's: an attribute that would say them
/// for the field has nothing to act on.
fn check_nested_alone(cx: &Ctxt, field: &Field<'_>) {
    let attrs = &field.attrs;
    let written = [
        (attrs.key.span(), "key"),
        (attrs.scope.span(), "scope"),
        (attrs.store.span(), "store"),
        (attrs.max_len.span(), "max_len"),
        (attrs.min_len.span(), "min_len"),
        (attrs.default.span(), "default"),
        (attrs.required.span(), "required"),
        (attrs.plain.span(), "plain"),
        (attrs.with.span(), "with"),
        (attrs.validate.span(), "validate"),
    ];
    for (span, word) in written {
        if let Some(span) = span {
            cx.error_at(
                span,
                format!(
                    "`{word}` does not apply to a nested field: the fields of its struct say their \
                     own keys, scopes, stores and values; remove `{word}`, or set it on those \
                     fields"
                ),
            );
        }
    }
}

/// A prefix is the start of every key of the nested struct: printable ASCII, as keys are, and
/// not empty (which says nothing).
fn check_prefix_text(cx: &Ctxt, field: &Field<'_>) {
    let Some(lit) = field.attrs.prefix.get() else {
        return;
    };
    let text = lit.value();
    if text.is_empty() {
        cx.error_spanned_by(lit, "`prefix = \"\"` has no effect: remove it, or give the prefix");
    } else if let Some((position, bad)) =
        text.char_indices().find(|(_, c)| !(' '..='~').contains(c))
    {
        cx.error_spanned_by(
            lit,
            format!(
                "prefix contains {bad:?} (U+{:04X}) at byte {position}; keys may hold only \
                 printable ASCII (' ' to '~'), or Microvisor rejects the request with \
                 INVALIDCONFIGKEY",
                u32::from(bad)
            ),
        );
    }
}

/// `prefix` is for the keys of a nested struct.
fn check_prefix_needs_nested(cx: &Ctxt, field: &Field<'_>) {
    if let Some(span) = field.attrs.prefix.span() {
        cx.error_at(
            span,
            "`prefix` is for a nested field: write `#[config(nested, prefix = \"...\")]` on a \
             field whose type derives `MicrovisorConfig`, or give this field its `key`",
        );
    }
}

/// A request with no keys is not a fetch; an empty struct is surely a mistake.
fn check_has_fields(cx: &Ctxt, input: &Input<'_>) {
    if input.fields.is_empty() {
        cx.error_spanned_by(
            input.ident,
            "MicrovisorConfig needs at least one field: an empty struct fetches nothing",
        );
    }
}

/// Microvisor needs a scope for every key, and guessing one would fetch from the wrong store
/// without a word: a missing one is an error, never a default. When no field has one, the fix
/// is one struct-level attribute, so that is the one error.
fn check_scope_everywhere(cx: &Ctxt, input: &Input<'_>) {
    check_everywhere(
        cx,
        input,
        input.attrs.scope.is_written(),
        |field| field.attrs.scope.is_written(),
        SCOPE,
        SCOPES,
    );
}

/// As for the scope: both stores exist in both scopes, and a guess could read a secret as a
/// config or miss it altogether.
fn check_store_everywhere(cx: &Ctxt, input: &Input<'_>) {
    check_everywhere(
        cx,
        input,
        input.attrs.store.is_written(),
        |field| field.attrs.store.is_written(),
        STORE,
        STORES,
    );
}

/// The rule of [`check_scope_everywhere`] and [`check_store_everywhere`]: the attribute
/// `word` (`word = usual`, or `other`) on the struct, or on every field.
fn check_everywhere(
    cx: &Ctxt,
    input: &Input<'_>,
    on_struct: bool,
    on_field: impl Fn(&Field<'_>) -> bool,
    word: &str,
    &[usual, other]: &[&str; 2],
) {
    if on_struct {
        return;
    }
    // A nested field's struct says its own scope and store.
    let own: Vec<&Field<'_>> = input.fields.iter().filter(|field| !field.is_nested()).collect();
    let missing: Vec<&Field<'_>> = own.iter().copied().filter(|field| !on_field(field)).collect();
    if !missing.is_empty() && missing.len() == own.len() {
        cx.error_spanned_by(
            input.ident,
            format!(
                "no {word} for the config keys: add `#[config({word} = {usual})]` (or `{other}`) \
                 to the struct, or a {word} to each field"
            ),
        );
        return;
    }
    for field in missing {
        cx.error_spanned_by(
            field.ident,
            format!(
                "field `{}` has no {word}: add `#[config({word} = {usual})]` (or `{other}`) to \
                 the field, or `#[config({word} = ...)]` to the struct for every field",
                field.name
            ),
        );
    }
}

/// Microvisor rejects a key outside printable ASCII with INVALIDCONFIGKEY, and the cloud
/// allows 1 to 100 characters: better to learn it from the compiler than from a device.
fn check_key_text(cx: &Ctxt, container: &ContainerAttrs, field: &Field<'_>) {
    let Some(key) = field.key(container) else {
        return;
    };
    let Key { text, span, .. } = &key;
    let fix = match key.source {
        KeySource::Written => "",
        _ => "; write the key with `#[config(key = \"...\")]`",
    };
    if text.is_empty() {
        cx.error_at(
            *span,
            format!("config key is empty; keys have 1 to {MAX_KEY_LEN} printable ASCII characters"),
        );
        return;
    }
    if text.len() > MAX_KEY_LEN {
        cx.error_at(
            *span,
            format!(
                "config key{} is {} bytes long; the cloud allows at most {MAX_KEY_LEN}{fix}",
                key.origin(),
                text.len()
            ),
        );
    }
    if let Some((position, bad)) = text.char_indices().find(|(_, c)| !(' '..='~').contains(c)) {
        cx.error_at(
            *span,
            format!(
                "config key{} contains {bad:?} (U+{:04X}) at byte {position}; keys may hold only \
                 printable ASCII (' ' to '~'), or Microvisor rejects the request with \
                 INVALIDCONFIGKEY{fix}",
                key.origin(),
                u32::from(bad)
            ),
        );
    }
}

/// Values are 1 to 4096 bytes of text; a `max_len` outside that is a typo. (That it fits the
/// field's type is checked by a const assertion in the expansion, where the type is known.)
fn check_max_len(cx: &Ctxt, field: &Field<'_>) {
    if let Some((value, lit)) = field.attrs.max_len.get() {
        if *value == 0 {
            cx.error_spanned_by(
                lit,
                format!(
                    "max_len = 0 accepts no value at all; give the longest value's length in \
                     bytes, from 1 to {MAX_VALUE_LEN}"
                ),
            );
        } else if *value > MAX_VALUE_LEN {
            cx.error_spanned_by(
                lit,
                format!(
                    "max_len = {value} is above the cloud's limit of {MAX_VALUE_LEN} bytes per \
                     value; no stored value can be longer"
                ),
            );
        }
    }
}

/// `min_len` says "shorter values are wrong": 0 says nothing, and a minimum above the maximum
/// would refuse every value. (Above the type's capacity, when no `max_len` is written, is a
/// const assertion in the expansion.)
fn check_min_len(cx: &Ctxt, field: &Field<'_>) {
    let Some((min, lit)) = field.attrs.min_len.get() else {
        return;
    };
    if *min == 0 {
        cx.error_spanned_by(
            lit,
            "min_len = 0 has no effect: every value is at least 0 bytes long; remove it, or give \
             the shortest valid length in bytes",
        );
    } else if let Some((max, _)) = field.attrs.max_len.get() {
        if min > max {
            cx.error_spanned_by(
                lit,
                format!(
                    "min_len = {min} is more than max_len = {max}: no value could be accepted; \
                     lower min_len or raise max_len"
                ),
            );
        }
    } else if *min > MAX_VALUE_LEN {
        cx.error_spanned_by(
            lit,
            format!(
                "min_len = {min} is above the cloud's limit of {MAX_VALUE_LEN} bytes per value; \
                 no stored value can be that long"
            ),
        );
    }
}

/// A field is optional by its type, by a default, or required: two of them at once contradict.
fn check_presence(cx: &Ctxt, field: &Field<'_>) {
    let attrs = &field.attrs;
    if let Some(span) = attrs.default.span() {
        if field.is_option() {
            cx.error_at(
                span,
                "`default` on an `Option` field: a missing key is already `None`; remove \
                 `default`, or drop the `Option` to use the default",
            );
        }
        if let Some(required) = attrs.required.span() {
            cx.error_at(
                required,
                "`required` and `default` contradict: a required key that is missing is an \
                 error, so its default is never used; remove one of them",
            );
        }
    }
    if let Some(required) = attrs.required.span() {
        if field.is_option() {
            cx.error_at(
                required,
                "`required` on an `Option` field: a missing key would be `None`; drop the \
                 `Option` to require the key",
            );
        }
    }
}

/// A secret in a plain type is printed by `Debug` the day somebody logs the settings.
fn check_secret_type(cx: &Ctxt, container: &ContainerAttrs, field: &Field<'_>) {
    if field.store(container) == Some(Store::Secret)
        && !field.is_secret()
        && !field.attrs.plain.is_written()
    {
        let ty = crate::ast::type_text(field.ty);
        cx.error_spanned_by(
            field.ty,
            format!(
                "field `{}` is read from the secret store but its type is not `Secret<..>`, so \
                 `Debug` would print it: write `Secret<{ty}>`, or add `#[config(plain)]` if the \
                 value may be shown",
                field.name,
            ),
        );
    }
}

/// `plain` says "this secret-store value may be shown"; anywhere else it does nothing, and
/// whoever wrote it expected it to do something.
fn check_plain_has_effect(cx: &Ctxt, container: &ContainerAttrs, field: &Field<'_>) {
    let Some(span) = field.attrs.plain.span() else {
        return;
    };
    match field.store(container) {
        Some(Store::Config) => {
            cx.error_at(
                span,
                format!(
                    "`plain` has no effect here: field `{}` is read from the config store, and \
                     only secret-store fields must be `Secret<..>`; remove `plain`",
                    field.name
                ),
            );
        }
        Some(Store::Secret) if field.is_secret() => {
            cx.error_at(
                span,
                "`plain` contradicts the field's `Secret<..>` type: remove `plain` to keep the \
                 value hidden, or drop `Secret` to let it be shown",
            );
        }
        _ => {}
    }
}

/// With a custom parser the type gives no bound, and an unbounded read buffer would be 4 KiB
/// of stack: the length must be said.
fn check_with_needs_max_len(cx: &Ctxt, field: &Field<'_>) {
    if let Some(span) = field.attrs.with.span() {
        if !field.attrs.max_len.is_written() {
            cx.error_at(
                span,
                "a field parsed `with` a function needs `max_len = N`, the longest value in \
                 bytes: the function's type gives no bound",
            );
        }
    }
}

/// Two fields fetching the same key from the same store would silently share one value. The
/// error goes on the second; a second diagnostic marks the first (stable proc macros cannot
/// attach a note to an error).
fn check_unique_keys(cx: &Ctxt, input: &Input<'_>) {
    let mut seen: HashMap<(Scope, Store, String), (&Field<'_>, Key)> = HashMap::new();
    // A nested struct's keys are known only to the compiler: `check_nested` in the expansion.
    for field in input.fields.iter().filter(|field| !field.is_nested()) {
        let (Some(scope), Some(store), Some(key)) =
            (field.scope(&input.attrs), field.store(&input.attrs), field.key(&input.attrs))
        else {
            continue;
        };
        let id = (scope, store, key.text.clone());
        if let Some((first_field, first_key)) = seen.get(&id) {
            let note = cx.error_at(
                key.span,
                format!(
                    "duplicate config key `{}`{} in the {} {} store: field `{}` already fetches \
                     it; give one of the two another `key`",
                    key.text,
                    key.origin(),
                    scope.as_str(),
                    store.as_str(),
                    first_field.name,
                ),
            );
            cx.note_at(
                note,
                first_key.span,
                format!(
                    "note: field `{}` first fetches `{}`{} here",
                    first_field.name,
                    first_key.text,
                    first_key.origin()
                ),
            );
        } else {
            seen.insert(id, (field, key));
        }
    }
}
