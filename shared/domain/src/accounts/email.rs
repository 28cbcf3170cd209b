use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address, trimmed and lowercased so that one person has one account whatever case
/// they type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why an address was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was given.
    #[error("an email address is required")]
    Empty,
    /// Not of the form `name@domain`.
    #[error("`{0}` is not an email address (name@domain)")]
    Malformed(String),
    /// Over the length SMTP allows.
    #[error("an email address has at most 254 characters")]
    TooLong,
}

impl Email {
    /// The address `text`, checked for the shape SMTP needs.
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(EmailError::Empty);
        }
        if text.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let malformed = || EmailError::Malformed(text.to_owned());
        let (local, domain) = text.rsplit_once('@').ok_or_else(malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.split('.').all(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        let local_ok = !local.is_empty() && local.len() <= 64 && !local.contains('@') && local.bytes().all(|b| b.is_ascii_graphic());
        if !domain_ok || !local_ok {
            return Err(malformed());
        }
        Ok(Self(text.to_ascii_lowercase()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_case_by_case() {
        let cases: [(&str, Result<&str, ()>); 9] = [
            (" Ann@Example.COM ", Ok("ann@example.com")),
            ("a.b+tag@sub.example.org", Ok("a.b+tag@sub.example.org")),
            ("", Err(())),
            ("ann", Err(())),
            ("ann@localhost", Err(())),
            ("@example.com", Err(())),
            ("ann@example..com", Err(())),
            ("ann smith@example.com", Err(())),
            ("ann@exa_mple.com", Err(())),
        ];
        for (text, expected) in cases {
            assert_eq!(Email::parse(text).map(|e| e.as_str().to_owned()).map_err(|_| ()), expected.map(str::to_owned), "{text:?}");
        }
        assert_eq!(Email::parse("ann@example.com").unwrap().domain(), "example.com");
    }
}
