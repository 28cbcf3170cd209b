//! Tenants and authentication.

mod authenticate;
mod bootstrap;

pub use authenticate::{Authenticate, AuthenticateError, Principal, authenticate};
pub use bootstrap::{Bootstrap, BootstrapError, Bootstrapped, bootstrap};
