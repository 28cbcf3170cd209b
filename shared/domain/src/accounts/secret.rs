use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// A secret handed to a person or client once: an invitation or reset link's token, a session
/// cookie, a refresh token. 256 random bits, URL-safe; only its [`TokenHash`] is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(…)")
    }
}

impl SecretToken {
    /// A new token from 32 random bytes.
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token as a client presented it.
    pub fn presented(text: &str) -> Self {
        Self(text.trim().to_owned())
    }

    /// The text to hand out (once).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored and looked up.
    pub fn hash(&self) -> TokenHash {
        TokenHash(hex_sha256(self.0.as_bytes()))
    }
}

/// The SHA-256 of a [`SecretToken`], lowercase hex: what storage keeps.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenHash(pub String);

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.0[..self.0.len().min(8)])
    }
}

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_url_safe_hash_stably_and_never_print() {
        let token = SecretToken::from_random([250; 32]);
        assert_eq!(token.expose().len(), 43);
        assert!(token.expose().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(token.hash(), SecretToken::presented(&format!(" {} ", token.expose())).hash());
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
