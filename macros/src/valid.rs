//! Stage 3: the rules. One function per rule, each saying why; cross-field rules in their own
//! pass. Each reports on the smallest token to blame and lets the others run.

use std::collections::HashMap;

use crate::ast::{Field, Input};
use crate::attr::ContainerAttrs;
use crate::ctxt::Ctxt;
use crate::symbol::{MAX_KEY_LEN, MAX_VALUE_LEN};

pub fn check(cx: &Ctxt, input: &Input<'_>) {
    check_has_fields(cx, input);
    for field in &input.fields {
        check_scope_and_store(cx, &input.attrs, field);
        check_key_text(cx, &input.attrs, field);
        check_max_len(cx, field);
        check_presence(cx, field);
        check_secret_type(cx, &input.attrs, field);
        check_with_needs_max_len(cx, field);
    }
    check_unique_keys(cx, input);
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

/// Microvisor needs both for every key, and guessing one would fetch from the wrong store
/// without a word: a missing one is an error, never a default.
fn check_scope_and_store(cx: &Ctxt, container: &ContainerAttrs, field: &Field<'_>) {
    let name = &field.name;
    if field.scope(container).is_none() {
        cx.error_spanned_by(
            field.ident,
            format!(
                "field `{name}` has no scope: add `#[config(scope = device)]` (or `account`) to \
                 the field, or `#[config(scope = ...)]` to the struct for every field"
            ),
        );
    }
    if field.store(container).is_none() {
        cx.error_spanned_by(
            field.ident,
            format!(
                "field `{name}` has no store: add `#[config(store = config)]` (or `secret`) to \
                 the field, or `#[config(store = ...)]` to the struct for every field"
            ),
        );
    }
}

/// Microvisor rejects a key outside printable ASCII with INVALIDCONFIGKEY, and the cloud
/// allows 1 to 100 characters: better to learn it from the compiler than from a device.
fn check_key_text(cx: &Ctxt, container: &ContainerAttrs, field: &Field<'_>) {
    let (key, span) = field.key(container);
    if key.is_empty() {
        cx.error_at(span, "config key is empty; keys have 1 to 100 printable ASCII characters");
        return;
    }
    if key.len() > MAX_KEY_LEN {
        cx.error_at(
            span,
            format!(
                "config key is {} bytes long; the cloud allows at most {MAX_KEY_LEN}",
                key.len()
            ),
        );
    }
    if let Some(bad) = key.chars().find(|c| !(' '..='~').contains(c)) {
        cx.error_at(
            span,
            format!(
                "config key contains {bad:?} (U+{:04X}); keys may hold only printable ASCII \
                 (' ' to '~'), or Microvisor rejects the request with INVALIDCONFIGKEY",
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
            cx.error_spanned_by(lit, "max_len must be at least 1 (it counts bytes of the value)");
        } else if *value > MAX_VALUE_LEN {
            cx.error_spanned_by(
                lit,
                format!("max_len = {value} is above the cloud's limit of {MAX_VALUE_LEN} bytes"),
            );
        }
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
                "`required` and `default` contradict: a required key has no default",
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
    if field.store(container) == Some(crate::attr::Store::Secret)
        && !field.is_secret()
        && field.attrs.plain.get().is_none()
    {
        cx.error_spanned_by(
            field.ty,
            format!(
                "field `{}` is read from the secret store but its type is not `Secret<..>`: \
                 wrap it (`Secret<{}>`), or add `#[config(plain)]` if it may be printed",
                field.name,
                quote::ToTokens::to_token_stream(field.ty)
            ),
        );
    }
}

/// With a custom parser the type gives no bound, and an unbounded read buffer would be 4 KiB
/// of stack: the length must be said.
fn check_with_needs_max_len(cx: &Ctxt, field: &Field<'_>) {
    if let Some(span) = field.attrs.with.span() {
        if field.attrs.max_len.get().is_none() {
            cx.error_at(
                span,
                "a field parsed `with` a function needs `max_len = N`: the type gives no bound",
            );
        }
    }
}

/// Two fields fetching the same key from the same store would silently share one value.
fn check_unique_keys(cx: &Ctxt, input: &Input<'_>) {
    let mut seen = HashMap::new();
    for field in &input.fields {
        let (Some(scope), Some(store)) = (field.scope(&input.attrs), field.store(&input.attrs))
        else {
            continue;
        };
        let (key, span) = field.key(&input.attrs);
        if let Some((first_field, first_span)) =
            seen.insert((scope, store, key.clone()), (field.name.clone(), span))
        {
            cx.error_at(
                span,
                format!(
                    "duplicate config key `{key}` in the {} {} store: field `{first_field}` \
                     already fetches it",
                    scope.as_str(),
                    store.as_str()
                ),
            );
            cx.error_at(first_span, format!("note: `{key}` is first fetched here"));
            seen.insert((scope, store, key), (first_field, first_span));
        }
    }
}
