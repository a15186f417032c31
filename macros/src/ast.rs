//! Stage 1: the input, read into the macro's own model. Keeps references to the original
//! syntax so that later stages can point at exact tokens.

use syn::ext::IdentExt;

use crate::attr::{ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;

pub struct Input<'a> {
    pub ident: &'a syn::Ident,
    pub attrs: ContainerAttrs,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    /// The field's name without any `r#`.
    pub name: String,
    pub ident: &'a syn::Ident,
    pub ty: &'a syn::Type,
    pub attrs: FieldAttrs,
}

impl<'a> Input<'a> {
    /// Reads `input`, reporting a shape that cannot be derived. `None` if there is nothing to
    /// derive from at all (the errors are in `cx`).
    pub fn from_syn(cx: &Ctxt, input: &'a syn::DeriveInput) -> Option<Self> {
        let named = match &input.data {
            syn::Data::Struct(data) => match &data.fields {
                syn::Fields::Named(named) => Some(named),
                syn::Fields::Unnamed(_) => {
                    cx.error_spanned_by(
                        &data.fields,
                        "MicrovisorConfig needs named fields: each field names its key \
                         (write `struct Name { field: Type }`)",
                    );
                    None
                }
                syn::Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "MicrovisorConfig needs a struct with named fields, one per config key; \
                         a unit struct has nothing to fetch",
                    );
                    None
                }
            },
            syn::Data::Enum(data) => {
                cx.error_spanned_by(
                    &data.enum_token,
                    "MicrovisorConfig can only be derived for a struct with named fields, not an \
                     enum; to read an enum from text, derive `ConfigValue` for it instead and \
                     make it a field's type",
                );
                None
            }
            syn::Data::Union(data) => {
                cx.error_spanned_by(
                    &data.union_token,
                    "MicrovisorConfig can only be derived for a struct with named fields, not a \
                     union",
                );
                None
            }
        };
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "MicrovisorConfig cannot be derived for a generic struct: the request is one \
                 static array, fixed at compile time; use concrete types and capacities",
            );
        }
        let attrs = ContainerAttrs::from_ast(cx, &input.attrs);
        let named = named?;
        let fields = named
            .named
            .iter()
            .filter_map(|field| {
                let ident = field.ident.as_ref()?;
                Some(Field {
                    name: ident.unraw().to_string(),
                    ident,
                    ty: &field.ty,
                    attrs: FieldAttrs::from_ast(cx, &field.attrs),
                })
            })
            .collect();
        Some(Input { ident: &input.ident, attrs, fields })
    }
}

/// A field's key as sent to the cloud, and where it came from.
pub struct Key {
    pub text: String,
    /// The token to blame for it: the `key = "..."` literal if written, else the field's name.
    pub span: proc_macro2::Span,
    pub source: KeySource,
}

pub enum KeySource {
    /// `#[config(key = "...")]`.
    Written,
    /// The field's name, as is.
    FieldName,
    /// The field's name after the struct's `rename_all = "..."`.
    Renamed(&'static str),
}

impl Key {
    /// How the key came about, for messages: ` (the field's name after rename_all = "x")`.
    pub fn origin(&self) -> String {
        match self.source {
            KeySource::Written => String::new(),
            KeySource::FieldName => " (the field's name)".to_owned(),
            KeySource::Renamed(rule) => {
                format!(" (the field's name after `rename_all = \"{rule}\"`)")
            }
        }
    }
}

/// What the attributes resolve to for one field, shared by the checks and the expansion.
impl Field<'_> {
    /// The key sent to the cloud: the literal if written, else the field's name after
    /// `rename_all`. `None` if a written key or the struct's `rename_all` was malformed (and
    /// reported): there is no key to check.
    pub fn key(&self, container: &ContainerAttrs) -> Option<Key> {
        if let Some(lit) = self.attrs.key.get() {
            return Some(Key { text: lit.value(), span: lit.span(), source: KeySource::Written });
        }
        if self.attrs.key.is_malformed() || container.rename_all.is_malformed() {
            return None;
        }
        let (text, source) = match container.rename_all.get() {
            Some(rule) => (rule.apply(&self.name), KeySource::Renamed(rule.name())),
            None => (self.name.clone(), KeySource::FieldName),
        };
        Some(Key { text, span: self.ident.span(), source })
    }

    pub fn scope(&self, container: &ContainerAttrs) -> Option<crate::attr::Scope> {
        self.attrs.scope.get().or(container.scope.get()).copied()
    }

    pub fn store(&self, container: &ContainerAttrs) -> Option<crate::attr::Store> {
        self.attrs.store.get().or(container.store.get()).copied()
    }

    /// `#[config(nested)]`: a field whose struct's leaves this struct fetches.
    pub fn is_nested(&self) -> bool {
        self.attrs.nested.is_written()
    }

    /// `Option<..>` as written (the last path segment), the type the derive treats as
    /// optional.
    pub fn is_option(&self) -> bool {
        self.shape().option
    }

    /// `Secret<..>` or `Option<Secret<..>>`.
    pub fn is_secret(&self) -> bool {
        self.shape().secret
    }

    /// The field's type as written, without its `Option` and `Secret`: what its `with` and
    /// `validate` functions see.
    pub fn shape(&self) -> Shape<'_> {
        let (option, ty) = match generic_argument_of(self.ty, "Option") {
            Some(inner) => (true, inner),
            None => (false, self.ty),
        };
        let (secret, value) = match generic_argument_of(ty, "Secret") {
            Some(inner) => (true, inner),
            None => (false, ty),
        };
        Shape { option, secret, value }
    }
}

/// A field's type as `Option<Secret<T>>`, each wrapper there or not, read from the type as
/// written (the last segment of its path): a type alias is its own `T`.
pub struct Shape<'a> {
    pub option: bool,
    pub secret: bool,
    /// `T`.
    pub value: &'a syn::Type,
}

/// A type as a user writes it (`Hex<8>`, `heapless::Vec<u8, 32>`), for messages: a token
/// stream's own text puts spaces everywhere (`Hex < 8 >`).
pub fn type_text(ty: &syn::Type) -> String {
    let spaced = quote::ToTokens::to_token_stream(ty).to_string();
    let mut out = String::with_capacity(spaced.len());
    let mut chars = spaced.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let before = out.chars().last();
            let after = chars.peek().copied();
            let glue = matches!(before, Some('<' | ':' | '&' | '(' | '[' | '!'))
                || matches!(after, Some('<' | '>' | ':' | ',' | ')' | ']' | ';'));
            // `[T; N]` keeps the space after its `;`.
            if glue && before != Some(';') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The longest text a built-in field type parses, when the macro can tell from the type as
/// written (`String<16>` is 16, `Hex<8>` is 16, `Base64<6>` is 8; through `Secret` and
/// `Option`). Only for messages: the check itself is a const assertion on
/// `ConfigValue::MAX_LEN`, which also covers type aliases and the user's own types.
pub fn text_capacity(ty: &syn::Type) -> Option<usize> {
    let segment = last_segment(ty)?;
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let literal = |arg: &syn::GenericArgument| match arg {
        syn::GenericArgument::Const(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        })) => int.base10_parse::<usize>().ok(),
        // `String<16>` parses its `16` as a type-or-const argument.
        syn::GenericArgument::Type(syn::Type::Verbatim(tokens)) => {
            syn::parse2::<syn::LitInt>(tokens.clone()).ok()?.base10_parse::<usize>().ok()
        }
        _ => None,
    };
    let inner_type = || match args.args.first() {
        Some(syn::GenericArgument::Type(inner)) => text_capacity(inner),
        _ => None,
    };
    match segment.ident.to_string().as_str() {
        "Secret" | "Option" => inner_type(),
        "String" if args.args.len() == 1 => literal(args.args.first()?),
        "Vec" if args.args.len() == 2 => literal(args.args.last()?),
        "Hex" if args.args.len() == 1 => literal(args.args.first()?)?.checked_mul(2),
        "Base64" if args.args.len() == 1 => literal(args.args.first()?)?.div_ceil(3).checked_mul(4),
        _ => None,
    }
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        syn::Type::Group(group) => last_segment(&group.elem),
        syn::Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

/// `T` of `Wrapper<T>`, where the type's last path segment is `wrapper`.
fn generic_argument_of<'t>(ty: &'t syn::Type, wrapper: &str) -> Option<&'t syn::Type> {
    let segment = last_segment(ty)?;
    if segment.ident != wrapper {
        return None;
    }
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{text_capacity, type_text};

    fn ty(text: &str) -> syn::Type {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn types_read_as_written() {
        assert_eq!(type_text(&ty("Hex<8>")), "Hex<8>");
        assert_eq!(type_text(&ty("heapless::Vec<u8, 32>")), "heapless::Vec<u8, 32>");
        assert_eq!(type_text(&ty("Option<Secret<String<16>>>")), "Option<Secret<String<16>>>");
        assert_eq!(type_text(&ty("[u8; 4]")), "[u8; 4]");
        assert_eq!(type_text(&ty("&'static str")), "&'static str");
        assert_eq!(type_text(&ty("::core::primitive::u16")), "::core::primitive::u16");
    }

    #[test]
    fn capacities_of_built_in_types() {
        assert_eq!(text_capacity(&ty("String<16>")), Some(16));
        assert_eq!(text_capacity(&ty("heapless::Vec<u8, 10>")), Some(10));
        assert_eq!(text_capacity(&ty("Hex<8>")), Some(16));
        assert_eq!(text_capacity(&ty("Base64<32>")), Some(44));
        assert_eq!(text_capacity(&ty("Base64<1>")), Some(4));
        assert_eq!(text_capacity(&ty("Secret<Option<String<5>>>")), Some(5));
        // Not knowable from the tokens: the const assertion's message names MAX_LEN instead.
        assert_eq!(text_capacity(&ty("String<{ 2 * 3 }>")), None);
        assert_eq!(text_capacity(&ty("Hostname")), None);
        assert_eq!(text_capacity(&ty("Level<3>")), None);
        assert_eq!(text_capacity(&ty("u16")), None);
    }
}
