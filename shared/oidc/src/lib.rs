//! The [`OidcProvider`] port over a real OpenID provider (Keycloak, Google, Entra ID, Okta…):
//! discovery from the issuer URL, kept for an hour and fetched again when the provider signs
//! with a key it did not list before; the authorization URL of the code flow with PKCE; the code
//! exchange; ID token validation (signature against the provider's keys, issuer, audience,
//! expiry, nonce); the userinfo endpoint when the ID token leaves out the email or the groups.

mod claims;
mod offered;
mod provider_http;
mod settings;

pub use claims::GroupsClaim;
pub use offered::OfferedProvider;
pub use settings::OidcSettings;

use anyhow::Context;
use async_trait::async_trait;
use claims::{DiscoveredClient, GroupsClaim as Groups};
use openidconnect::core::{CoreGenderClaim, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AccessToken, AuthenticationFlow, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IdTokenClaims,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, SignatureVerificationError,
    UserInfoClaims,
};
use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use url::Url;
use vigil_domain::accounts::OidcIdentity;
use vigil_domain::ports::{AuthorizationRequest, OidcFailure, OidcProvider};

/// How long the discovery document and the provider's keys are kept.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// A token signed with an unknown key fetches the keys again, but not more often than this.
const REFRESH_AT_MOST_EVERY: Duration = Duration::from_secs(60);

/// An OpenID provider reached over HTTPS (HTTP for a provider on loopback, in tests).
pub struct OpenIdProvider {
    settings: OidcSettings,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    http: provider_http::ProviderHttp,
    discovered: Mutex<Option<Discovered>>,
}

struct Discovered {
    client: Arc<DiscoveredClient>,
    at: Instant,
}

impl OpenIdProvider {
    /// A provider for `settings`, sending people back to `redirect_uri` (this server's
    /// callback). Nothing is fetched yet: discovery happens at the first sign-in, so that a
    /// provider that is down does not keep Vigil from starting.
    pub fn new(settings: OidcSettings, redirect_uri: &Url) -> anyhow::Result<Self> {
        let issuer = IssuerUrl::new(settings.issuer.clone()).with_context(|| format!("the OpenID issuer URL `{}`", settings.issuer))?;
        let redirect = RedirectUrl::from_url(redirect_uri.clone());
        let http = provider_http::ProviderHttp::new(settings.extra_root_certificates_pem.as_deref())?;
        Ok(Self { settings, issuer, redirect, http, discovered: Mutex::new(None) })
    }

    /// The client made from the provider's discovery document, fetched again when older than
    /// the TTL or, with `refresh`, when older than a minute (keys rotated).
    async fn client(&self, refresh: bool) -> Result<Arc<DiscoveredClient>, OidcFailure> {
        let mut discovered = self.discovered.lock().await;
        if let Some(current) = discovered.as_ref() {
            let age = current.at.elapsed();
            if age < DISCOVERY_TTL && !(refresh && age >= REFRESH_AT_MOST_EVERY) {
                return Ok(current.client.clone());
            }
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| OidcFailure::Unreachable(format!("discovery at {}: {}", self.issuer.as_str(), chain(&e))))?;
        let client = DiscoveredClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect.clone());
        let client = Arc::new(client);
        *discovered = Some(Discovered { client: client.clone(), at: Instant::now() });
        tracing::info!(issuer = self.issuer.as_str(), "read the OpenID provider's discovery document and keys");
        Ok(client)
    }

    /// The ID token's claims, validated; with the keys fetched again once if it is signed with
    /// a key they did not have.
    async fn verified_claims(
        &self,
        client: Arc<DiscoveredClient>,
        response: &claims::TokenResponse,
        nonce: &str,
    ) -> Result<IdTokenClaims<Groups, CoreGenderClaim>, OidcFailure> {
        let id_token = response
            .extra_fields()
            .id_token()
            .ok_or_else(|| OidcFailure::InvalidToken("the token answer has no ID token (is `openid` among the client's scopes?)".into()))?;
        let nonce = Nonce::new(nonce.to_owned());
        match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => Ok(claims.clone()),
            Err(ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey)) => {
                let client = self.client(true).await?;
                id_token.claims(&client.id_token_verifier(), &nonce).cloned().map_err(|e| OidcFailure::InvalidToken(chain(&e)))
            }
            Err(error) => Err(OidcFailure::InvalidToken(chain(&error))),
        }
    }

    async fn user_info(
        &self,
        client: &DiscoveredClient,
        access_token: &AccessToken,
        subject: &openidconnect::SubjectIdentifier,
    ) -> Result<Option<UserInfoClaims<Groups, CoreGenderClaim>>, OidcFailure> {
        let Ok(request) = client.user_info(access_token.clone(), Some(subject.clone())) else { return Ok(None) };
        let claims = request
            .request_async(&self.http)
            .await
            .map_err(|e| OidcFailure::Unreachable(format!("the userinfo endpoint: {}", chain(&e))))?;
        Ok(Some(claims))
    }
}

#[async_trait]
impl OidcProvider for OpenIdProvider {
    fn display_name(&self) -> &str {
        &self.settings.display_name
    }

    fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    async fn authorization_url(&self, request: &AuthorizationRequest) -> Result<Url, OidcFailure> {
        let client = self.client(false).await?;
        let (state, nonce) = (request.state.clone(), request.nonce.clone());
        let authorize = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .add_scopes(self.settings.scopes().map(|scope| Scope::new(scope.to_owned())))
            // The library builds a challenge only from a verifier it holds; the verifier stays
            // in Vigil's store, so the challenge goes in as the parameters RFC 7636 names.
            .add_extra_param("code_challenge", request.pkce_challenge.clone())
            .add_extra_param("code_challenge_method", "S256");
        Ok(authorize.url().0)
    }

    async fn exchange(&self, code: &str, verifier: &str, nonce: &str) -> Result<OidcIdentity, OidcFailure> {
        let client = self.client(false).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| OidcFailure::Unreachable("the discovery document names no token endpoint".into()))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(token_failure)?;
        let claims = self.verified_claims(client.clone(), &response, nonce).await?;
        let mut identity = identity_of(&claims);
        if identity.email.is_none() || claims.additional_claims().groups.is_none() {
            match self.user_info(&client, response.access_token(), claims.subject()).await {
                Ok(Some(info)) => fill_from_user_info(&mut identity, &claims, &info),
                Ok(None) => {}
                // The ID token has what matters most; groups only widen what rules can match.
                Err(failure) if identity.email.is_some() => {
                    tracing::warn!(%failure, "the userinfo endpoint failed; going on with the ID token")
                }
                Err(failure) => return Err(failure),
            }
        }
        Ok(identity)
    }
}

fn identity_of(claims: &IdTokenClaims<Groups, CoreGenderClaim>) -> OidcIdentity {
    OidcIdentity {
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email().is_some() && claims.email_verified() == Some(true),
        name: claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned()),
        groups: claims.additional_claims().groups.clone().unwrap_or_default(),
    }
}

/// What the ID token left out, from the userinfo answer (whose subject the library checked).
fn fill_from_user_info(
    identity: &mut OidcIdentity,
    id: &IdTokenClaims<Groups, CoreGenderClaim>,
    info: &UserInfoClaims<Groups, CoreGenderClaim>,
) {
    if identity.email.is_none() {
        identity.email = info.email().map(|e| e.as_str().to_owned());
        identity.email_verified = identity.email.is_some() && info.email_verified() == Some(true);
    }
    if identity.name.is_none() {
        identity.name = info.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned());
    }
    if id.additional_claims().groups.is_none() {
        identity.groups = info.additional_claims().groups.clone().unwrap_or_default();
    }
}

/// The provider's own words when it answered with an OAuth error; otherwise the transport's.
fn token_failure<RE: Error + 'static>(
    error: RequestTokenError<RE, openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>>,
) -> OidcFailure {
    match error {
        RequestTokenError::ServerResponse(response) => {
            OidcFailure::Refused { error: response.error().as_ref().to_owned(), description: response.error_description().cloned() }
        }
        other => OidcFailure::Unreachable(format!("the token endpoint: {}", chain(&other))),
    }
}

/// An error and its sources on one line (the library's own messages are terse).
fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
