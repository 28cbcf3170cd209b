//! Tenants and authentication.

mod authenticate;
mod bootstrap;
mod bootstrap_hashed;
#[cfg(test)]
mod tests;

pub use authenticate::{Authenticate, AuthenticateError, Principal, authenticate};
pub use bootstrap::{Bootstrap, BootstrapError, Bootstrapped, bootstrap};
pub use bootstrap_hashed::{BootstrapWithKeyHash, bootstrap_with_key_hash};
