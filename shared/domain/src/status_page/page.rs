//! A status page: where it is served (a slug under `/status/`, optionally a domain of its own),
//! who may read it, and its components in order.

use super::component::Component;
use crate::accounts::{Locale, PasswordHash};
use crate::ids::{ComponentId, StatusPageId, TenantId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The path segment of a page: `/status/<slug>`. Unique across every organisation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PageSlug(String);

impl PageSlug {
    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a slug: 2 to 60 characters of `a-z`, `0-9` and `-`, not starting or ending with
    /// `-` (it appears in URLs and in DynamoDB keys).
    pub fn parse(text: &str) -> Result<Self, String> {
        let ok = (2..=60).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err("must be 2-60 characters of a-z, 0-9 and `-`, not starting or ending with `-`".into())
        }
    }
}

impl TryFrom<String> for PageSlug {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<PageSlug> for String {
    fn from(slug: PageSlug) -> String {
        slug.0
    }
}

impl fmt::Display for PageSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A host name a page is served on (`status.example.com`), matched against the `Host` header.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PageDomain(String);

impl PageDomain {
    /// The host name, lowercase.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a host name: labels of letters, digits and `-`, at least two of them, no port,
    /// at most 253 characters; kept lowercase.
    pub fn parse(text: &str) -> Result<Self, String> {
        let host = text.trim().trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = host.split('.').collect();
        let label_ok = |l: &&str| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if host.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) {
            Ok(Self(host))
        } else {
            Err("must be a host name such as status.example.com (no scheme, path or port)".into())
        }
    }

    /// The host of a `Host` header value (`Status.Example.com:443` → `status.example.com`), if
    /// it is a host name at all.
    pub fn of_host_header(value: &str) -> Option<Self> {
        let host = match value.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => value,
        };
        Self::parse(host).ok()
    }
}

impl TryFrom<String> for PageDomain {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<PageDomain> for String {
    fn from(domain: PageDomain) -> String {
        domain.0
    }
}

impl fmt::Display for PageDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who may read a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageAccess {
    /// Anyone.
    Public,
    /// Whoever knows the password.
    Password {
        /// Its hash.
        hash: PasswordHash,
    },
    /// Members of the organisation, signed in.
    Members,
}

impl PageAccess {
    /// The wire name: `public`, `password` or `members`.
    pub fn kind(&self) -> &'static str {
        match self {
            PageAccess::Public => "public",
            PageAccess::Password { .. } => "password",
            PageAccess::Members => "members",
        }
    }
}

/// A status page and its components.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPage {
    /// Identity.
    pub id: StatusPageId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Served at `/status/<slug>`.
    pub slug: PageSlug,
    /// Also served on this host, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_domain: Option<PageDomain>,
    /// The title readers see.
    pub name: String,
    /// A paragraph under the title; may be empty.
    #[serde(default)]
    pub description: String,
    /// Who may read it.
    pub access: PageAccess,
    /// Whether search engines are asked not to index it.
    #[serde(default)]
    pub no_index: bool,
    /// The language of a reader who names none.
    #[serde(default)]
    pub default_locale: Locale,
    /// The IANA time zone dates are shown and days counted in.
    pub time_zone: String,
    /// Components and groups, in display order.
    #[serde(default)]
    pub components: Vec<Component>,
    /// Increases with every change (stores replace a page only at the revision it was read).
    pub revision: u64,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl StatusPage {
    /// The component `id`.
    pub fn component(&self, id: ComponentId) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    /// The components of group `group`, in order.
    pub fn children(&self, group: ComponentId) -> impl Iterator<Item = &Component> {
        self.components.iter().filter(move |c| c.group_id == Some(group))
    }

    /// Components in reading order: each top-level component or group followed by its members.
    pub fn in_reading_order(&self) -> Vec<&Component> {
        let mut out = Vec::with_capacity(self.components.len());
        for top in self.components.iter().filter(|c| c.group_id.is_none()) {
            out.push(top);
            if top.is_group {
                out.extend(self.children(top.id));
            }
        }
        out
    }
}

impl StatusPage {
    /// The proof, kept in a reader's cookie, that they gave a password page its password: an
    /// HMAC of the page and its password's hash under the server's `secret`, so that changing
    /// the password (or the page's access) shuts every reader out again. `None` for a page
    /// without a password.
    pub fn access_token(&self, secret: &[u8; 32]) -> Option<String> {
        use base64::Engine;
        use hmac::{Hmac, Mac};
        let PageAccess::Password { hash } = &self.access else { return None };
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes keys of any size");
        mac.update(self.id.as_uuid().as_bytes());
        mac.update(hash.0.as_bytes());
        Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    /// Whether `presented` is the page's access token.
    pub fn admits_token(&self, secret: &[u8; 32], presented: &str) -> bool {
        self.access_token(secret).is_some_and(|token| {
            token.len() == presented.len() && token.bytes().zip(presented.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_domains_are_checked() {
        for (text, ok) in [("acme", true), ("a", false), ("acme-status", true), ("-acme", false), ("Acme", false), ("ac me", false)] {
            assert_eq!(PageSlug::parse(text).is_ok(), ok, "{text}");
        }
        let cases = [
            ("status.example.com", Some("status.example.com")),
            ("Status.Example.COM.", Some("status.example.com")),
            ("localhost", None),
            ("https://status.example.com", None),
            ("status.example.com/x", None),
            ("-bad.example.com", None),
        ];
        for (text, want) in cases {
            assert_eq!(PageDomain::parse(text).ok().map(String::from).as_deref(), want, "{text}");
        }
        assert_eq!(PageDomain::of_host_header("Status.Example.com:8443").unwrap().as_str(), "status.example.com");
        assert_eq!(PageDomain::of_host_header("127.0.0.1:8080").map(String::from).as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn a_password_change_voids_the_access_tokens() {
        let at = Timestamp::UNIX_EPOCH;
        let page = StatusPage {
            id: StatusPageId::from_uuid(uuid::Uuid::from_u128(1)),
            tenant_id: TenantId::from_uuid(uuid::Uuid::from_u128(2)),
            slug: PageSlug::parse("acme").unwrap(),
            custom_domain: None,
            name: "Acme".into(),
            description: String::new(),
            access: PageAccess::Password { hash: PasswordHash("$argon2id$one".into()) },
            no_index: false,
            default_locale: Locale::En,
            time_zone: "UTC".into(),
            components: vec![],
            revision: 1,
            created_at: at,
            updated_at: at,
        };
        let secret = [7; 32];
        let token = page.access_token(&secret).unwrap();
        assert!(page.admits_token(&secret, &token));
        assert!(!page.admits_token(&[8; 32], &token), "another server's secret");
        let changed = StatusPage { access: PageAccess::Password { hash: PasswordHash("$argon2id$two".into()) }, ..page.clone() };
        assert!(!changed.admits_token(&secret, &token));
        assert_eq!(StatusPage { access: PageAccess::Public, ..page }.access_token(&secret), None);
    }
}
