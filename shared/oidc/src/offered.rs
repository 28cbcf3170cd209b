//! The provider as a page offers it: its name on the sign-in button and its issuer, for a
//! server that links to sign-in without serving it (the dashboard's and the accounts Lambda
//! functions; the sso function signs people in). Nothing of the OpenID Connect client is reached, so a
//! binary that wires this carries none of it.

use async_trait::async_trait;
use url::Url;
use vigil_domain::accounts::OidcIdentity;
use vigil_domain::ports::{AuthorizationRequest, OidcFailure, OidcProvider};

/// What signing in through an offered provider answers: another function does it.
const ELSEWHERE: &str = "signing in through the provider is served by another function (the sso function)";

/// A provider offered by name, signed in with elsewhere.
#[derive(Clone, Debug)]
pub struct OfferedProvider {
    name: String,
    issuer: String,
}

impl OfferedProvider {
    /// The provider of `issuer`, offered as `name`.
    pub fn new(name: impl Into<String>, issuer: impl Into<String>) -> Self {
        Self { name: name.into(), issuer: issuer.into() }
    }
}

#[async_trait]
impl OidcProvider for OfferedProvider {
    fn display_name(&self) -> &str {
        &self.name
    }

    fn issuer(&self) -> &str {
        &self.issuer
    }

    async fn authorization_url(&self, _request: &AuthorizationRequest) -> Result<Url, OidcFailure> {
        Err(OidcFailure::Unreachable(ELSEWHERE.into()))
    }

    async fn exchange(&self, _code: &str, _verifier: &str, _nonce: &str) -> Result<OidcIdentity, OidcFailure> {
        Err(OidcFailure::Unreachable(ELSEWHERE.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn it_names_the_provider_and_signs_no_one_in() {
        let offered = OfferedProvider::new("Ops SSO", "https://id.example.com/realms/ops");
        assert_eq!((offered.display_name(), offered.issuer()), ("Ops SSO", "https://id.example.com/realms/ops"));
        let refused = offered.exchange("code", "verifier", "nonce").await.unwrap_err();
        assert!(refused.to_string().contains("sso function"), "{refused}");
    }
}
