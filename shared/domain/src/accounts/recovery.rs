//! Recovery codes: ten single-use codes shown once when two-factor authentication is turned on,
//! for when the authenticator is lost. Only their hashes are kept.

use super::secret::hex_sha256;
use serde::{Deserialize, Serialize};

/// A recovery code as shown: `xxxxx-xxxxx` in an alphabet without look-alike characters.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

impl RecoveryCode {
    /// A code from random bytes (ten characters of a 31-letter alphabet: 49 bits).
    pub fn from_random(bytes: &[u8]) -> Self {
        let chars: String = bytes.iter().take(10).map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
        Self(format!("{}-{}", &chars[..5], &chars[5..]))
    }

    /// The text to show once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn normalised_hash(text: &str) -> String {
        let plain: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        hex_sha256(plain.as_bytes())
    }
}

/// The hashes of a user's unused recovery codes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecoveryCodes(Vec<String>);

impl RecoveryCodes {
    /// How many codes a set has.
    pub const COUNT: usize = 10;

    /// The hashes of `codes`.
    pub fn of(codes: &[RecoveryCode]) -> Self {
        Self(codes.iter().map(|code| RecoveryCode::normalised_hash(code.expose())).collect())
    }

    /// How many are left.
    pub fn remaining(&self) -> usize {
        self.0.len()
    }

    /// The set without `text` if `text` is one of its codes (spaces, dashes and case ignored).
    pub fn spend(&self, text: &str) -> Option<Self> {
        let hash = RecoveryCode::normalised_hash(text);
        let position = self.0.iter().position(|h| *h == hash)?;
        let mut rest = self.0.clone();
        rest.remove(position);
        Some(Self(rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_spent_once_whatever_its_spelling() {
        let codes: Vec<RecoveryCode> = (0..10u8).map(|i| RecoveryCode::from_random(&[i * 7; 10])).collect();
        assert!(codes[3].expose().len() == 11 && codes[3].expose().as_bytes()[5] == b'-');
        let set = RecoveryCodes::of(&codes);
        let spelled = codes[3].expose().to_uppercase().replace('-', " ");
        let rest = set.spend(&spelled).unwrap();
        assert_eq!(rest.remaining(), 9);
        assert!(rest.spend(codes[3].expose()).is_none());
        assert!(set.spend("nope-nope0").is_none());
    }
}
