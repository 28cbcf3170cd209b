//! Fingerprints of secrets: 16 hex digits of a SHA-256, so that whoever holds a secret can tell
//! whether the stored one is the same without the API ever showing it.

use sha2::{Digest, Sha256};

/// The fingerprint of `secret`.
pub fn of_secret(secret: &str) -> String {
    let digest = Sha256::new().chain_update(b"vigil-secret\0").chain_update(secret.as_bytes()).finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_secrets_have_equal_fingerprints_and_show_nothing_of_themselves() {
        let a = super::of_secret("https://hooks.slack.com/services/T1/B2/SECRET");
        assert_eq!(a, super::of_secret("https://hooks.slack.com/services/T1/B2/SECRET"));
        assert_ne!(a, super::of_secret("https://hooks.slack.com/services/T1/B2/SECRET2"));
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
