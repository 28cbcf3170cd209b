//! What an agent proves itself with: a one-time enrolment token, then its own secret.
//!
//! The server never needs to keep either in the clear: it keeps the token's digest (to find
//! and burn it), the secret's [`AgentSecret::verifier`] (to authenticate a `hello`) and the
//! [`ActionKey`] derived from the secret (to sign action requests). A leaked verifier lets
//! nobody connect as the agent.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// Why a token or secret was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be {prefix} followed by 43 characters of base64url (32 bytes)")]
pub struct CredentialFormatError {
    what: &'static str,
    prefix: &'static str,
}

fn parse_key(text: &str, what: &'static str, prefix: &'static str) -> Result<[u8; 32], CredentialFormatError> {
    let error = CredentialFormatError { what, prefix };
    let encoded = text.strip_prefix(prefix).ok_or_else(|| error.clone())?;
    let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| error.clone())?;
    bytes.try_into().map_err(|_| error)
}

macro_rules! secret_key {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name([u8; 32]);

        impl $name {
            /// Prefix of the text form.
            pub const PREFIX: &'static str = $prefix;

            /// A new one from 32 random bytes.
            pub const fn from_random(bytes: [u8; 32]) -> Self {
                Self(bytes)
            }

            /// Parses the text form.
            pub fn parse(text: &str) -> Result<Self, CredentialFormatError> {
                parse_key(text.trim(), $what, $prefix).map(Self)
            }

            /// The text form, to show or store once.
            pub fn expose(&self) -> String {
                format!("{}{}", $prefix, URL_SAFE_NO_PAD.encode(self.0))
            }

            /// The SHA-256 digest of the text form, hex: what the server stores.
            pub fn digest(&self) -> String {
                hex(&Sha256::digest(self.expose().as_bytes()))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(…)"))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.expose())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

secret_key!(
    /// A one-time token an admin hands to a new agent; spent by its first enrolment.
    EnrolmentToken,
    "vet_",
    "an enrolment token"
);
secret_key!(
    /// The secret an agent receives at enrolment and presents on every connection.
    AgentSecret,
    "vas_",
    "an agent secret"
);

impl AgentSecret {
    /// What the server keeps to authenticate the agent: same as [`AgentSecret::digest`].
    pub fn verifier(&self) -> String {
        self.digest()
    }

    /// The key action requests to this agent are signed with, derived so that the secret
    /// itself need not be kept by the server.
    pub fn action_key(&self) -> ActionKey {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any size");
        mac.update(b"vigil agent action key v1");
        ActionKey(mac.finalize().into_bytes().into())
    }
}

/// The HMAC-SHA256 key of one agent's action requests.
#[derive(Clone, PartialEq, Eq)]
pub struct ActionKey([u8; 32]);

impl ActionKey {
    /// The key bytes (what HMAC uses).
    pub fn key(&self) -> &[u8] {
        &self.0
    }

    /// The stored form (base64url).
    pub fn expose(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<Self> {
        URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok().map(Self)
    }
}

impl fmt::Debug for ActionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ActionKey(…)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip_and_refuse_what_is_not_theirs() {
        let token = EnrolmentToken::from_random([7; 32]);
        let text = token.expose();
        assert!(text.starts_with("vet_") && text.len() == 4 + 43, "{text}");
        assert_eq!(EnrolmentToken::parse(&text), Ok(token.clone()));
        assert_eq!(EnrolmentToken::parse(&format!(" {text}\n")), Ok(token), "surrounding whitespace of a pasted token is ignored");
        let secret = AgentSecret::from_random([9; 32]);
        let cases = [
            ("an agent secret", secret.expose()),
            ("no prefix", URL_SAFE_NO_PAD.encode([1u8; 32])),
            ("short", "vet_AAAA".to_owned()),
            ("long", format!("vet_{}", URL_SAFE_NO_PAD.encode([1u8; 33]))),
            ("not base64url", format!("vet_{}", "!".repeat(43))),
            ("empty", String::new()),
        ];
        for (name, text) in cases {
            let error = EnrolmentToken::parse(&text).expect_err(name);
            assert_eq!(error.to_string(), "an enrolment token must be vet_ followed by 43 characters of base64url (32 bytes)");
        }
        assert!(AgentSecret::parse(&secret.expose()).is_ok());
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let secret = AgentSecret::from_random([9; 32]);
        assert_eq!(format!("{secret:?}"), "AgentSecret(…)");
        assert_eq!(format!("{:?}", secret.action_key()), "ActionKey(…)");
    }

    #[test]
    fn derived_keys_are_stable_and_distinct() {
        let a = AgentSecret::from_random([1; 32]);
        let b = AgentSecret::from_random([2; 32]);
        assert_eq!(a.action_key(), a.action_key());
        assert_ne!(a.action_key(), b.action_key());
        assert_ne!(a.action_key().key(), &[1; 32], "the action key is not the secret");
        assert_eq!(ActionKey::parse(&a.action_key().expose()), Some(a.action_key()));
        assert_eq!(a.verifier().len(), 64);
        assert_ne!(a.verifier(), b.verifier());
    }
}
