//! A password hasher for tests: instant, so a use-case test does not spend argon2's deliberate
//! tens of milliseconds per hash. Never wired into a running Vigil.

use async_trait::async_trait;
use vigil_domain::accounts::PasswordHash;
use vigil_domain::ports::{PasswordHasher, StoreError};

/// Stores passwords reversed behind a marker: distinct per password, checkable, useless to
/// anyone outside a test.
#[derive(Clone, Copy, Debug, Default)]
pub struct InstantPasswords;

#[async_trait]
impl PasswordHasher for InstantPasswords {
    async fn hash_password(&self, password: &str) -> Result<PasswordHash, StoreError> {
        Ok(PasswordHash(format!("$test${}", password.chars().rev().collect::<String>())))
    }

    async fn verify_password(&self, password: &str, hash: &PasswordHash) -> bool {
        hash.0.strip_prefix("$test$").is_some_and(|reversed| reversed.chars().rev().eq(password.chars()))
    }
}
