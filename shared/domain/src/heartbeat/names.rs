//! How pings name their task: an unguessable token, or a tenant's ping key and the task's slug.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The secret of a task's ping URL `/ping/<token>`: a random UUIDv4 (122 random bits).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PingToken(Uuid);

impl PingToken {
    /// A token from 16 random bytes, shaped as a UUIDv4.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }

    /// Wraps a UUID read back from storage or a URL.
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The UUID.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for PingToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

/// Tokens are secrets: debug output shows only their start.
impl fmt::Debug for PingToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PingToken({}…)", &self.0.simple().to_string()[..6])
    }
}

/// A tenant's ping key, the first part of `/ping/<ping-key>/<slug>` URLs: 22 URL-safe
/// characters (128 random bits).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PingKey(String);

impl PingKey {
    const ALPHABET: &'static [u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// A key from 16 random bytes.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        let mut bits = u128::from_be_bytes(bytes);
        let mut text = String::with_capacity(22);
        for _ in 0..22 {
            text.push(Self::ALPHABET[(bits & 63) as usize] as char);
            bits >>= 6;
        }
        Self(text)
    }

    /// The key as it appears in URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PingKey {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            Ok(Self(text.to_owned()))
        } else {
            Err("a ping key is 1-64 letters, digits, `-` and `_`".into())
        }
    }
}

impl TryFrom<String> for PingKey {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<PingKey> for String {
    fn from(key: PingKey) -> String {
        key.0
    }
}

impl fmt::Debug for PingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PingKey({}…)", &self.0[..self.0.len().min(4)])
    }
}

/// A task's slug, unique within its tenant: 1-100 of `a-z`, `0-9`, `-` and `_`, as
/// Healthchecks allows.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Slug {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if (1..=100).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
            Ok(Self(text.to_owned()))
        } else {
            Err("must be 1-100 characters of a-z, 0-9, `-` and `_`".into())
        }
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> String {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_version_4_and_keys_url_safe() {
        let token = PingToken::from_random([0xAB; 16]);
        assert_eq!(token.as_uuid().get_version_num(), 4);
        assert!(!format!("{token:?}").contains(&token.to_string()));
        let key = PingKey::from_random([0x5A; 16]);
        assert_eq!(key.as_str().len(), 22);
        assert_eq!(key.as_str().parse::<PingKey>().unwrap(), key);
        assert!("bad key!".parse::<PingKey>().is_err());
        for (slug, ok) in [("db-backup_2", true), ("DB", false), ("", false), ("a/b", false)] {
            assert_eq!(slug.parse::<Slug>().is_ok(), ok, "{slug}");
        }
    }
}
