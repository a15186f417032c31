//! The four stores of the cloud, named as a cloud file names its tables.

use core::fmt;

use microvisor_config::{Scope, Store};

/// One of the cloud's four stores: a scope and a store, written `device.config`,
/// `device.secret`, `account.config` or `account.secret` (the cloud file's table names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Place {
    /// The scope.
    pub scope: Scope,
    /// The store.
    pub store: Store,
}

impl Place {
    /// The four stores, in the order a cloud file and a template list them.
    pub const ALL: [Place; 4] = [
        Place::new(Scope::Device, Store::Config),
        Place::new(Scope::Device, Store::Secret),
        Place::new(Scope::Account, Store::Config),
        Place::new(Scope::Account, Store::Secret),
    ];

    /// The store `store` of scope `scope`.
    pub const fn new(scope: Scope, store: Store) -> Self {
        Place { scope, store }
    }

    /// The store a table name (`device.config`, ...) names, if any.
    pub fn from_table(scope: &str, store: &str) -> Option<Self> {
        Place::ALL
            .into_iter()
            .find(|place| place.scope.as_str() == scope && place.store.as_str() == store)
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.scope.as_str(), self.store.as_str())
    }
}
