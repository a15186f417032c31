//! Collects every error of one derive, so that all are reported at once, in source order.

use std::cell::RefCell;
use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// The errors found so far. Must be finished with [`Ctxt::check`]: dropping it unchecked is a
/// bug in the macro, caught in debug builds.
pub struct Ctxt {
    errors: RefCell<Option<Vec<Entry>>>,
}

/// One error, with where it sorts: by the line and column of its token, so that the user reads
/// the errors top to bottom whichever stage found them. A note sorts right after its error.
struct Entry {
    at: (usize, usize),
    error: syn::Error,
}

/// An error reported earlier, to attach a note to.
#[derive(Clone, Copy)]
pub struct Reported {
    at: (usize, usize),
}

fn position(span: Span) -> (usize, usize) {
    let start = span.start();
    (start.line, start.column)
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt { errors: RefCell::new(Some(Vec::new())) }
    }

    /// Reports `message` on the tokens of `tokens` (a caret under all of them).
    pub fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) -> Reported {
        let tokens = tokens.into_token_stream();
        let first = tokens.clone().into_iter().next().map_or_else(Span::call_site, |t| t.span());
        self.push(position(first), syn::Error::new_spanned(tokens, message))
    }

    /// Reports `message` at `span`.
    pub fn error_at<M: Display>(&self, span: Span, message: M) -> Reported {
        self.push(position(span), syn::Error::new(span, message))
    }

    /// Reports `message` at `span`, shown right after the error `of`. (A proc macro on stable
    /// Rust can only emit errors, so the note is one too; its text says it is a note.)
    pub fn note_at<M: Display>(&self, of: Reported, span: Span, message: M) {
        self.push(of.at, syn::Error::new(span, message));
    }

    /// Reports an error that syn produced, at its own span.
    pub fn syn_error(&self, error: syn::Error) -> Reported {
        self.push(position(error.span()), error)
    }

    fn push(&self, at: (usize, usize), error: syn::Error) -> Reported {
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.push(Entry { at, error });
        }
        Reported { at }
    }

    /// All errors combined into one, in source order, or `Ok` if there were none.
    pub fn check(self) -> syn::Result<()> {
        let mut errors = self.errors.borrow_mut().take().unwrap_or_default();
        // Stable: errors at one place, and a note after its error, keep the order of reporting.
        errors.sort_by_key(|entry| entry.at);
        let mut iter = errors.into_iter().map(|entry| entry.error);
        let Some(mut combined) = iter.next() else {
            return Ok(());
        };
        for rest in iter {
            combined.combine(rest);
        }
        Err(combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            debug_assert!(false, "Ctxt dropped without check");
        }
    }
}
