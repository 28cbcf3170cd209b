//! The first organisation of a fresh installation and its admin key.

mod bootstrap;
mod bootstrap_hashed;
#[cfg(test)]
mod tests;

pub use bootstrap::{Bootstrap, BootstrapError, Bootstrapped, bootstrap};
pub use bootstrap_hashed::{BootstrapWithKeyHash, bootstrap_with_key_hash};
