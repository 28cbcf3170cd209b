use crate::accounts::OidcIdentity;
use async_trait::async_trait;
use url::Url;

/// What an authorization request carries besides the client's own settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// Comes back with the code and finds the sign-in under way.
    pub state: String,
    /// The ID token must carry it back.
    pub nonce: String,
    /// The PKCE `S256` challenge of the verifier kept on the server.
    pub pkce_challenge: String,
}

/// Why the provider did not vouch for anyone.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OidcFailure {
    /// The provider answered with an OAuth error (`invalid_grant`, `access_denied`…).
    #[error("the identity provider answered `{error}`{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        /// The error code.
        error: String,
        /// Its `error_description`, if any.
        description: Option<String>,
    },
    /// The provider could not be reached, or answered something that is not OpenID Connect.
    #[error("the identity provider could not be reached: {0}")]
    Unreachable(String),
    /// The ID token failed validation (signature, issuer, audience, expiry or nonce).
    #[error("the identity provider's ID token is not valid: {0}")]
    InvalidToken(String),
}

/// One OpenID Connect provider, configured for this server (authorization code flow with PKCE).
#[async_trait]
pub trait OidcProvider: Send + Sync {
    /// The name people know it by, for the sign-in button.
    fn display_name(&self) -> &str;

    /// Its issuer identifier, as configured.
    fn issuer(&self) -> &str;

    /// The provider's URL that starts a sign-in carrying `request`.
    async fn authorization_url(&self, request: &AuthorizationRequest) -> Result<Url, OidcFailure>;

    /// Exchanges `code` with the PKCE `verifier`, validates the ID token (signature against the
    /// provider's keys, issuer, audience, expiry, `nonce`) and returns whom it vouches for.
    async fn exchange(&self, code: &str, verifier: &str, nonce: &str) -> Result<OidcIdentity, OidcFailure>;
}
