//! Whether the sign-in page offers an OpenID provider's button, and what it says.

use vigil_app::Deps;

/// The provider's name for the sign-in button, when one is configured.
pub(crate) fn provider(deps: &Deps) -> Option<String> {
    vigil_app::accounts::sign_in_options(deps).oidc
}

/// Where the button leads: the provider's start route, coming back to `next`.
pub(crate) fn start_url(base: &str, next: &str) -> String {
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{base}/v1/auth/oidc/start?return_to={next}")
}
