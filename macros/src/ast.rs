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
                     enum (to read an enum from text, implement `ConfigValue` for it)",
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

/// What the attributes resolve to for one field, shared by the checks and the expansion.
impl Field<'_> {
    /// The key sent to the cloud and the span to blame for it: the literal if written, else
    /// the field's name after `rename_all`.
    pub fn key(&self, container: &ContainerAttrs) -> (String, proc_macro2::Span) {
        match self.attrs.key.get() {
            Some(lit) => (lit.value(), lit.span()),
            None => {
                let name = match container.rename_all.get() {
                    Some(rule) => rule.apply(&self.name),
                    None => self.name.clone(),
                };
                (name, self.ident.span())
            }
        }
    }

    pub fn scope(&self, container: &ContainerAttrs) -> Option<crate::attr::Scope> {
        self.attrs.scope.get().or(container.scope.get()).copied()
    }

    pub fn store(&self, container: &ContainerAttrs) -> Option<crate::attr::Store> {
        self.attrs.store.get().or(container.store.get()).copied()
    }

    /// `Option<..>` as written (the last path segment), the type the derive treats as
    /// optional.
    pub fn is_option(&self) -> bool {
        generic_argument_of(self.ty, "Option").is_some()
    }

    /// `Secret<..>` or `Option<Secret<..>>`.
    pub fn is_secret(&self) -> bool {
        let inner = generic_argument_of(self.ty, "Option").unwrap_or(self.ty);
        last_segment(inner).is_some_and(|segment| segment.ident == "Secret")
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
