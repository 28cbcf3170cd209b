//! Password hashing with argon2id behind the [`PasswordHasher`] port. Like [`crate::SystemRandom`]
//! it lives here because every entry point needs the same one.
//!
//! Parameters (OWASP's first recommendation for argon2id): 19 MiB of memory, 2 passes, one
//! lane; about 20–40 ms of one core per hash on the machines Vigil is measured on, run on the
//! blocking pool so that sign-ins never stall the async threads. The parameters are written
//! into each hash (PHC format), so raising them later keeps old hashes verifiable.

use argon2::password_hash::{PasswordHash as Phc, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use async_trait::async_trait;
use vigil_domain::accounts::PasswordHash;
use vigil_domain::ports::{PasswordHasher, StoreError};

/// Memory cost in KiB.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
pub const PASSES: u32 = 2;
/// Lanes.
pub const LANES: u32 = 1;

/// argon2id with Vigil's parameters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Argon2Passwords;

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters"))
}

#[async_trait]
impl PasswordHasher for Argon2Passwords {
    async fn hash_password(&self, password: &str) -> Result<PasswordHash, StoreError> {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut salt_bytes = [0u8; 16];
            getrandom::fill(&mut salt_bytes).map_err(|e| StoreError::backend(e.to_string()))?;
            let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| StoreError::backend(e.to_string()))?;
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| PasswordHash(hash.to_string()))
                .map_err(|e| StoreError::backend(e.to_string()))
        })
        .await
        .map_err(StoreError::backend)?
    }

    async fn verify_password(&self, password: &str, hash: &PasswordHash) -> bool {
        let (password, hash) = (password.to_owned(), hash.0.clone());
        tokio::task::spawn_blocking(move || {
            Phc::new(&hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let hasher = Argon2Passwords;
        let a = hasher.hash_password("correct horse battery").await.unwrap();
        let b = hasher.hash_password("correct horse battery").await.unwrap();
        assert!(a.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", a.0);
        assert_ne!(a, b, "each hash has its own salt");
        assert!(hasher.verify_password("correct horse battery", &a).await);
        assert!(!hasher.verify_password("correct horse batterY", &a).await);
        assert!(!hasher.verify_password("x", &PasswordHash("not a hash".into())).await);
    }
}
