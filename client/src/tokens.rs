//! A signed-in client's tokens: a short-lived access token, refreshed before it expires (or
//! when the server refuses it) with a refresh token that works once. Each refresh answers the
//! next refresh token, which must be kept before anything else happens: the server takes a
//! spent refresh token sent again for a stolen one and revokes the whole sign-in. So the tokens
//! live in a [`TokenStore`] that hands them out under a lock, which other holders of the same
//! tokens (another `vigil` process with the same configuration file) respect.

use crate::{Client, Error};
use async_trait::async_trait;
use http::HeaderValue;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use vigil_api::{TenantId, TokenGrant};

/// An access token is refreshed this long before it expires, so that it does not expire on
/// its way to the server.
const MARGIN: SignedDuration = SignedDuration::from_secs(30);

/// What a signed-in client keeps between runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTokens {
    /// The refresh token that gets the next pair (once).
    pub refresh_token: String,
    /// The latest access token, while it may still work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// When the access token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires_at: Option<Timestamp>,
    /// The organisation the tokens act in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<TenantId>,
}

impl StoredTokens {
    /// The tokens of `grant`, received at `now`.
    pub fn from_grant(grant: &TokenGrant, now: Timestamp) -> Self {
        Self {
            refresh_token: grant.refresh_token.clone(),
            access_token: Some(grant.access_token.clone()),
            access_expires_at: now.checked_add(SignedDuration::from_secs(grant.expires_in)).ok(),
            organisation_id: Some(grant.organisation_id),
        }
    }
}

/// Exclusive access to stored tokens, until dropped.
pub trait TokenGuard: Send {
    /// The tokens stored now; `None` once signed out.
    fn tokens(&self) -> Option<StoredTokens>;
    /// Keeps `tokens` (`None`: signed out) before returning.
    fn store(&mut self, tokens: Option<StoredTokens>) -> Result<(), Error>;
}

/// Where a signed-in client keeps its tokens.
#[async_trait]
pub trait TokenStore: Send + Sync + 'static {
    /// Waits for exclusive access to the tokens (other clients sharing them wait meanwhile).
    async fn lock(&self) -> Result<Box<dyn TokenGuard>, Error>;
}

/// Tokens kept in memory only (tests, and programs that sign in for one run).
#[derive(Clone, Debug, Default)]
pub struct MemoryTokens {
    tokens: Arc<tokio::sync::Mutex<Option<StoredTokens>>>,
}

impl MemoryTokens {
    /// A store holding `tokens`.
    pub fn new(tokens: Option<StoredTokens>) -> Self {
        Self { tokens: Arc::new(tokio::sync::Mutex::new(tokens)) }
    }

    /// The tokens stored now.
    pub async fn current(&self) -> Option<StoredTokens> {
        self.tokens.lock().await.clone()
    }
}

struct MemoryGuard(tokio::sync::OwnedMutexGuard<Option<StoredTokens>>);

impl TokenGuard for MemoryGuard {
    fn tokens(&self) -> Option<StoredTokens> {
        self.0.clone()
    }

    fn store(&mut self, tokens: Option<StoredTokens>) -> Result<(), Error> {
        *self.0 = tokens;
        Ok(())
    }
}

#[async_trait]
impl TokenStore for MemoryTokens {
    async fn lock(&self) -> Result<Box<dyn TokenGuard>, Error> {
        Ok(Box::new(MemoryGuard(self.tokens.clone().lock_owned().await)))
    }
}

/// The access token of a signed-in client, shared by its clones, and the store of its tokens.
pub(crate) struct Session {
    store: Arc<dyn TokenStore>,
    access: tokio::sync::Mutex<Option<(String, Timestamp)>>,
}

impl Session {
    pub(crate) fn new(store: Arc<dyn TokenStore>) -> Self {
        Self { store, access: tokio::sync::Mutex::new(None) }
    }

    /// The `Authorization` to send: the access token while it is fresh and not the `refused`
    /// one, else the one another client sharing the store got meanwhile, else a new one.
    pub(crate) async fn authorization(&self, client: &Client, refused: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        let refused = refused.and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let usable =
            |token: &str, expires_at: Timestamp| Some(token) != refused && now_plus(MARGIN).is_some_and(|deadline| expires_at > deadline);
        let mut access = self.access.lock().await;
        if let Some((token, expires_at)) = access.as_ref()
            && usable(token, *expires_at)
        {
            return header(token);
        }
        let mut guard = self.store.lock().await?;
        let stored = guard.tokens().ok_or(Error::SignedOut)?;
        if let (Some(token), Some(expires_at)) = (&stored.access_token, stored.access_expires_at)
            && usable(token, expires_at)
        {
            *access = Some((token.clone(), expires_at));
            return header(token);
        }
        let next = StoredTokens::from_grant(&client.refresh(&stored.refresh_token, stored.organisation_id).await?, Timestamp::now());
        guard.store(Some(next.clone()))?;
        let (Some(token), Some(expires_at)) = (next.access_token, next.access_expires_at) else {
            return Err(Error::Usage("the server's token answer has no expiry".into()));
        };
        let value = header(&token);
        *access = Some((token, expires_at));
        value
    }

    /// A new token pair, for `organisation` (another one: a switch) or the same one.
    pub(crate) async fn rotate(&self, client: &Client, organisation: Option<TenantId>) -> Result<TokenGrant, Error> {
        let mut access = self.access.lock().await;
        let mut guard = self.store.lock().await?;
        let stored = guard.tokens().ok_or(Error::SignedOut)?;
        let grant = client.refresh(&stored.refresh_token, organisation.or(stored.organisation_id)).await?;
        let next = StoredTokens::from_grant(&grant, Timestamp::now());
        guard.store(Some(next.clone()))?;
        *access = next.access_token.zip(next.access_expires_at);
        Ok(grant)
    }

    /// Signs out: the refresh token (and every token of its sign-in) is revoked, and the store
    /// forgets them.
    pub(crate) async fn end(&self, client: &Client) -> Result<(), Error> {
        let mut access = self.access.lock().await;
        let mut guard = self.store.lock().await?;
        if let Some(stored) = guard.tokens() {
            client.revoke_tokens(&stored.refresh_token).await?;
        }
        guard.store(None)?;
        *access = None;
        Ok(())
    }
}

fn now_plus(margin: SignedDuration) -> Option<Timestamp> {
    Timestamp::now().checked_add(margin).ok()
}

fn header(token: &str) -> Result<HeaderValue, Error> {
    crate::bearer(token).ok_or_else(|| Error::Usage("the access token is not a header value".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_is_kept_with_the_time_its_access_token_expires() {
        let now: Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
        let grant = TokenGrant {
            access_token: "eyJ.a.b".into(),
            token_type: "Bearer".into(),
            expires_in: 900,
            refresh_token: "vr_1".into(),
            organisation_id: "0192f3a4-0000-7000-8000-000000000001".parse().unwrap(),
        };
        let tokens = StoredTokens::from_grant(&grant, now);
        assert_eq!(tokens.access_expires_at, Some("2026-03-01T12:15:00Z".parse().unwrap()));
        assert_eq!((tokens.refresh_token.as_str(), tokens.access_token.as_deref()), ("vr_1", Some("eyJ.a.b")));
        assert_eq!(tokens.organisation_id, Some(grant.organisation_id));
    }
}
