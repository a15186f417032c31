//! Stage 2: `#[config(...)]` read into typed slots. A parser reports a mistake and goes on, so
//! that every mistake of a struct shows in one compile.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use crate::case::{RenameRule, ValidNames};
use crate::ctxt::Ctxt;
use crate::symbol::*;

/// A slot that takes one value; a second one is reported on its own token.
///
/// A slot remembers that it was written even when the value was malformed (and reported), so
/// that later checks do not pile a second error on the same mistake: a struct whose
/// `scope = "device"` was rejected must not also hear that its fields have no scope.
pub struct Slot<T> {
    name: &'static str,
    value: Option<(T, Span)>,
    written: bool,
}

impl<T> Slot<T> {
    pub fn new(name: &'static str) -> Self {
        Slot { name, value: None, written: false }
    }

    /// Records a value, or `None` for one that was written but already reported as malformed.
    pub fn set(&mut self, cx: &Ctxt, span: Span, value: Option<T>) {
        if self.written {
            cx.error_at(
                span,
                format!("duplicate config attribute `{}`: give each attribute once", self.name),
            );
            return;
        }
        self.written = true;
        self.value = value.map(|value| (value, span));
    }

    /// The value, if a valid one was written.
    pub fn into_value(self) -> Option<T> {
        self.value.map(|(value, _)| value)
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(value, _)| value)
    }

    pub fn span(&self) -> Option<Span> {
        self.value.as_ref().map(|(_, span)| *span)
    }

    /// Written, whether or not the value was valid.
    pub fn is_written(&self) -> bool {
        self.written
    }

    /// Written with a value that was reported as malformed: checks that depend on this slot
    /// stay quiet.
    pub fn is_malformed(&self) -> bool {
        self.written && self.value.is_none()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Device,
    Account,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Device => "device",
            Scope::Account => "account",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Store {
    Config,
    Secret,
}

impl Store {
    pub fn as_str(self) -> &'static str {
        match self {
            Store::Config => "config",
            Store::Secret => "secret",
        }
    }
}

/// `default`, `default = "text"` or `default = EXPR`.
pub enum Default {
    Trait,
    /// A string literal: the text of a text field, checked at compile time to fit it.
    Text(syn::LitStr),
    Expr(Box<syn::Expr>),
}

pub struct ContainerAttrs {
    pub scope: Slot<Scope>,
    pub store: Slot<Store>,
    pub rename_all: Slot<RenameRule>,
}

pub struct FieldAttrs {
    pub key: Slot<syn::LitStr>,
    pub scope: Slot<Scope>,
    pub store: Slot<Store>,
    pub max_len: Slot<(usize, syn::LitInt)>,
    pub min_len: Slot<(usize, syn::LitInt)>,
    pub default: Slot<Default>,
    pub required: Slot<()>,
    pub plain: Slot<()>,
    pub with: Slot<syn::ExprPath>,
    pub validate: Slot<syn::ExprPath>,
    pub nested: Slot<()>,
    pub prefix: Slot<syn::LitStr>,
}

impl ContainerAttrs {
    pub fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut out = ContainerAttrs {
            scope: Slot::new(SCOPE),
            store: Slot::new(STORE),
            rename_all: Slot::new(RENAME_ALL),
        };
        for_each_config_meta(cx, attrs, |meta, word| {
            let span = meta.path.span();
            match word.as_str() {
                SCOPE => out.scope.set(cx, span, parse_scope(cx, meta)?),
                STORE => out.store.set(cx, span, parse_store(cx, meta)?),
                RENAME_ALL => out.rename_all.set(cx, span, parse_rename_rule(cx, meta)?),
                _ => unknown_word(
                    cx,
                    meta,
                    &word,
                    " on a struct",
                    CONTAINER_WORDS,
                    Elsewhere { words: FIELD_WORDS, place: "a field" },
                )?,
            }
            Ok(())
        });
        out
    }
}

impl FieldAttrs {
    pub fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut out = FieldAttrs {
            key: Slot::new(KEY),
            scope: Slot::new(SCOPE),
            store: Slot::new(STORE),
            max_len: Slot::new(MAX_LEN),
            min_len: Slot::new(MIN_LEN),
            default: Slot::new(DEFAULT),
            required: Slot::new(REQUIRED),
            plain: Slot::new(PLAIN),
            with: Slot::new(WITH),
            validate: Slot::new(VALIDATE),
            nested: Slot::new(NESTED),
            prefix: Slot::new(PREFIX),
        };
        for_each_config_meta(cx, attrs, |meta, word| {
            let span = meta.path.span();
            match word.as_str() {
                KEY => out.key.set(cx, span, parse_lit_str(cx, meta, KEY)?),
                SCOPE => out.scope.set(cx, span, parse_scope(cx, meta)?),
                STORE => out.store.set(cx, span, parse_store(cx, meta)?),
                MAX_LEN => out.max_len.set(cx, span, parse_len(cx, meta, MAX_LEN)?),
                MIN_LEN => out.min_len.set(cx, span, parse_len(cx, meta, MIN_LEN)?),
                DEFAULT => {
                    let value = if meta.input.peek(syn::Token![=]) {
                        let expr = meta.value()?.parse::<syn::Expr>().map_err(|error| {
                            syn::Error::new(
                                error.span(),
                                "expected an expression of the field's type after `default =` \
                                 (`default = 8883`, or `default = \"text\"` for a text \
                                 field), or `default` alone for `Default::default()`",
                            )
                        })?;
                        match ungroup(expr) {
                            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) => {
                                Some(Default::Text(text))
                            }
                            expr => Some(Default::Expr(Box::new(expr))),
                        }
                    } else if meta.input.peek(syn::Token![:]) {
                        colon_for_equals(cx, meta, DEFAULT)?;
                        None
                    } else {
                        Some(Default::Trait)
                    };
                    out.default.set(cx, span, value);
                }
                REQUIRED => out.required.set(cx, span, flag(cx, meta, REQUIRED)?),
                PLAIN => out.plain.set(cx, span, flag(cx, meta, PLAIN)?),
                WITH => out.with.set(cx, span, parse_path(cx, meta, WITH)?),
                VALIDATE => out.validate.set(cx, span, parse_path(cx, meta, VALIDATE)?),
                NESTED => out.nested.set(cx, span, flag(cx, meta, NESTED)?),
                PREFIX => out.prefix.set(cx, span, parse_lit_str(cx, meta, PREFIX)?),
                _ => unknown_word(
                    cx,
                    meta,
                    &word,
                    "",
                    FIELD_WORDS,
                    Elsewhere { words: CONTAINER_WORDS, place: "the struct" },
                )?,
            }
            Ok(())
        });
        out
    }
}

/// `; did you mean `x`?` for the valid word closest to `word` (within two edits, ignoring
/// case, or of which `word` is the start), else nothing.
pub fn did_you_mean(word: &str, valid: &[&str]) -> String {
    let lower = word.to_lowercase();
    valid
        .iter()
        .map(|candidate| {
            let candidate_lower = candidate.to_lowercase();
            let distance = if lower.len() >= 3 && candidate_lower.starts_with(&lower) {
                1
            } else {
                edit_distance(&lower, &candidate_lower)
            };
            (distance, candidate)
        })
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| format!("; did you mean `{candidate}`?"))
        .unwrap_or_default()
}

/// Levenshtein distance, with a swap of two neighbours counted as one edit (`defualt`).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let width = b.len() + 1;
    // The distance between a[..i] and b[..j] is at `i * width + j`.
    let mut table = vec![0usize; (a.len() + 1) * width];
    let at = |table: &[usize], i: usize, j: usize| {
        table.get(i * width + j).copied().unwrap_or(usize::MAX / 2)
    };
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            let distance = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a.get(i - 1) != b.get(j - 1));
                let mut best = (at(&table, i - 1, j) + 1)
                    .min(at(&table, i, j - 1) + 1)
                    .min(at(&table, i - 1, j - 1) + cost);
                if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                    best = best.min(at(&table, i - 2, j - 2) + 1);
                }
                best
            };
            if let Some(cell) = table.get_mut(i * width + j) {
                *cell = distance;
            }
        }
    }
    at(&table, a.len(), b.len())
}

/// Calls `f` for every `word` or `word = value` inside every `#[config(...)]`. A malformed
/// list is reported and the rest of that one attribute skipped.
pub fn for_each_config_meta(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    mut f: impl FnMut(&ParseNestedMeta<'_>, String) -> syn::Result<()>,
) {
    for attr in attrs {
        if !attr.path().is_ident(CONFIG) {
            continue;
        }
        if let syn::Meta::Path(path) = &attr.meta {
            cx.error_spanned_by(path, "expected `#[config(...)]` with at least one setting");
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let Some(ident) = meta.path.get_ident() else {
                cx.error_spanned_by(
                    &meta.path,
                    "expected a config attribute name such as `key` or `scope`",
                );
                return skip_value(&meta);
            };
            f(&meta, ident.to_string())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
}

/// The words of the other place an attribute may be written (a field's, for a struct's), to
/// tell a word written in the wrong place from a misspelt one.
pub struct Elsewhere {
    pub words: &'static [&'static str],
    /// Where they go: `a field`, `the struct`.
    pub place: &'static str,
}

/// Reports a word that is none of the config attributes `allowed` at `place` (` on a variant`,
/// or nothing for a field), with a hint: where it belongs if it is a word of `elsewhere`, else
/// the allowed word it is closest to. Skips its value, so parsing can go on.
pub fn unknown_word(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    word: &str,
    place: &str,
    allowed: &[&str],
    elsewhere: Elsewhere,
) -> syn::Result<()> {
    let hint = if elsewhere.words.contains(&word) {
        format!("; `{word}` belongs on {}", elsewhere.place)
    } else if allowed.len() > 1 {
        did_you_mean(word, allowed)
    } else {
        // The one word allowed is named just before.
        String::new()
    };
    let expected = match allowed {
        [one] => format!("`{one}`"),
        _ => format!("one of: {}", allowed.join(", ")),
    };
    cx.error_at(
        meta.path.span(),
        format!("unknown config attribute `{word}`{place}; expected {expected}{hint}"),
    );
    skip_value(meta)
}

/// Consumes `= value` or `(...)` after a word that was reported, so parsing can go on.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

/// A bare word (`plain`), reporting `plain = ...`.
fn flag(cx: &Ctxt, meta: &ParseNestedMeta<'_>, word: &str) -> syn::Result<Option<()>> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        cx.error_at(
            meta.path.span(),
            format!("`{word}` takes no value: write `#[config({word})]`"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    Ok(Some(()))
}

fn value_expr(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    word: &str,
    example: &str,
) -> syn::Result<Option<syn::Expr>> {
    if meta.input.peek(syn::Token![:]) {
        colon_for_equals(cx, meta, word)?;
        return Ok(None);
    }
    if !meta.input.peek(syn::Token![=]) {
        cx.error_at(meta.path.span(), format!("`{word}` needs a value: write `{example}`"));
        skip_value(meta)?;
        return Ok(None);
    }
    Ok(Some(ungroup(meta.value()?.parse()?)))
}

/// Reports `word: value` (as in a struct literal) on the colon, and skips the value.
fn colon_for_equals(cx: &Ctxt, meta: &ParseNestedMeta<'_>, word: &str) -> syn::Result<()> {
    let colon: syn::Token![:] = meta.input.parse()?;
    let value: syn::Expr = meta.input.parse()?;
    cx.error_at(
        colon.span,
        format!(
            "expected `=`, not `:`: write `{word} = {}`",
            quote::ToTokens::to_token_stream(&value)
        ),
    );
    Ok(())
}

/// The expression inside the invisible group that `macro_rules!` wraps around a `$value:literal`
/// or `$value:expr` it pastes, so that a struct generated by a macro reads like a written one.
fn ungroup(expr: syn::Expr) -> syn::Expr {
    match expr {
        syn::Expr::Group(group) => ungroup(*group.expr),
        other => other,
    }
}

pub fn parse_lit_str(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    word: &str,
) -> syn::Result<Option<syn::LitStr>> {
    let example = format!("{word} = \"...\"");
    Ok(match value_expr(cx, meta, word, &example)? {
        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(lit), .. })) => Some(lit),
        Some(syn::Expr::Path(path)) if path.path.get_ident().is_some() => {
            let ident = path.path.get_ident().map(ToString::to_string).unwrap_or_default();
            cx.error_spanned_by(
                &path,
                format!("expected a string literal for `{word}`: write `{word} = \"{ident}\"`"),
            );
            None
        }
        Some(other) => {
            cx.error_spanned_by(
                &other,
                format!("expected a string literal for `{word}`: write `{example}`"),
            );
            None
        }
        None => None,
    })
}

/// An identifier among `valid`, suggesting the identifier form for a string.
fn parse_word(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    word: &str,
    valid: &[&str],
) -> syn::Result<Option<String>> {
    let example = format!("{word} = {}", valid.join(" | "));
    Ok(match value_expr(cx, meta, word, &example)? {
        Some(syn::Expr::Path(path)) if path.path.get_ident().is_some() => {
            let ident = path.path.get_ident().map(ToString::to_string).unwrap_or_default();
            if valid.contains(&ident.as_str()) {
                Some(ident)
            } else {
                cx.error_spanned_by(
                    &path,
                    format!(
                        "unknown {word} `{ident}`; expected one of: {}{}",
                        valid.join(", "),
                        did_you_mean(&ident, valid)
                    ),
                );
                None
            }
        }
        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(lit), .. })) => {
            let text = lit.value();
            if valid.contains(&text.as_str()) {
                cx.error_spanned_by(
                    &lit,
                    format!("expected an identifier, not a string: write `{word} = {text}`"),
                );
            } else {
                cx.error_spanned_by(
                    &lit,
                    format!(
                        "expected an identifier, not a string; the {word}s are: {}",
                        valid.join(", ")
                    ),
                );
            }
            None
        }
        Some(other) => {
            cx.error_spanned_by(&other, format!("expected `{example}`"));
            None
        }
        None => None,
    })
}

fn parse_scope(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<Scope>> {
    Ok(parse_word(cx, meta, SCOPE, SCOPES)?.map(|word| {
        if word == "account" {
            Scope::Account
        } else {
            Scope::Device
        }
    }))
}

fn parse_store(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<Store>> {
    Ok(parse_word(cx, meta, STORE, STORES)?.map(|word| {
        if word == "secret" {
            Store::Secret
        } else {
            Store::Config
        }
    }))
}

/// The case a `rename_all = "..."` names, for structs and enums alike; an unknown one is
/// reported on the literal.
pub fn parse_rename_rule(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<RenameRule>> {
    let Some(lit) = parse_lit_str(cx, meta, RENAME_ALL)? else { return Ok(None) };
    let name = lit.value();
    let rule = RenameRule::from_str(&name);
    if rule.is_none() {
        let names: Vec<&str> = crate::case::RULES.iter().map(|(name, _)| *name).collect();
        cx.error_spanned_by(
            &lit,
            format!(
                "unknown case \"{name}\" for rename_all; expected one of: {ValidNames}{}",
                did_you_mean(&name, &names)
            ),
        );
    }
    Ok(rule)
}

/// `max_len = N` or `min_len = N`: a byte count.
fn parse_len(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    word: &str,
) -> syn::Result<Option<(usize, syn::LitInt)>> {
    let example = format!("{word} = 128");
    Ok(match value_expr(cx, meta, word, &example)? {
        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(lit), .. })) => {
            match lit.base10_parse::<usize>() {
                Ok(value) => Some((value, lit)),
                Err(_) => {
                    cx.error_spanned_by(
                        &lit,
                        format!("{word} must be a byte count from 1 to {MAX_VALUE_LEN}"),
                    );
                    None
                }
            }
        }
        Some(other) => {
            cx.error_spanned_by(
                &other,
                format!("expected an integer literal for `{word}`: write `{example}`"),
            );
            None
        }
        None => None,
    })
}

fn parse_path(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    word: &str,
) -> syn::Result<Option<syn::ExprPath>> {
    let example = format!("{word} = path::to::function");
    Ok(match value_expr(cx, meta, word, &example)? {
        Some(syn::Expr::Path(path)) => Some(path),
        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(lit), .. })) => {
            cx.error_spanned_by(
                &lit,
                format!("expected a path, not a string: write `{word} = {}`", lit.value()),
            );
            None
        }
        Some(other) => {
            cx.error_spanned_by(&other, format!("expected a function path: write `{example}`"));
            None
        }
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, edit_distance};
    use crate::symbol::{FIELD_WORDS, SCOPES, STORES};

    #[test]
    fn suggests_the_nearest_word() {
        assert_eq!(did_you_mean("defualt", FIELD_WORDS), "; did you mean `default`?");
        assert_eq!(did_you_mean("maxlen", FIELD_WORDS), "; did you mean `max_len`?");
        assert_eq!(did_you_mean("Key", FIELD_WORDS), "; did you mean `key`?");
        assert_eq!(did_you_mean("configs", STORES), "; did you mean `config`?");
        assert_eq!(did_you_mean("dev", SCOPES), "; did you mean `device`?");
        let cases: Vec<&str> = crate::case::RULES.iter().map(|(name, _)| *name).collect();
        assert_eq!(did_you_mean("kebab", &cases), "; did you mean `kebab-case`?");
        assert_eq!(did_you_mean("camelcase", &cases), "; did you mean `camelCase`?");
    }

    /// Two edits away is still near; a swap of neighbours is one edit, so a swap and one more
    /// edit is two.
    #[test]
    fn two_edits_and_a_swap_are_near() {
        assert_eq!(did_you_mean("maxln", FIELD_WORDS), "; did you mean `max_len`?");
        assert_eq!(did_you_mean("defualts", FIELD_WORDS), "; did you mean `default`?");
    }

    #[test]
    fn stays_quiet_when_nothing_is_near() {
        assert_eq!(did_you_mean("fleet", SCOPES), "");
        assert_eq!(did_you_mean("timeout", FIELD_WORDS), "");
        assert_eq!(did_you_mean("", FIELD_WORDS), "");
        // Three letters too many is three edits, however the rest matches.
        assert_eq!(did_you_mean("defaultxyz", FIELD_WORDS), "");
    }

    /// Each edit costs one: an insertion, a deletion, a change, a swap of neighbours.
    #[test]
    fn counts_each_edit_once() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("key", "key"), 0);
        assert_eq!(edit_distance("", "key"), 3);
        assert_eq!(edit_distance("key", ""), 3);
        assert_eq!(edit_distance("max_ln", "max_len"), 1);
        assert_eq!(edit_distance("max_lenn", "max_len"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("defualt", "default"), 1);
        assert_eq!(edit_distance("abcd", "badc"), 2);
        // A swap is of neighbours only: `ca` to `abc` is three edits.
        assert_eq!(edit_distance("ca", "abc"), 3);
    }
}
