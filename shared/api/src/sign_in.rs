//! First-run set-up, sign-in (tokens for API clients, a cookie for browsers), sign-out,
//! password resets and the OpenID provider's routes: what is sent before one is signed in.

use crate::accounts::User;
use crate::problem::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigil_domain::ids::TenantId;

/// The first owner of a fresh installation (`POST /v1/setup`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetUpRequest {
    /// Their email address.
    pub email: String,
    /// Their password: 10 to 256 characters, not a common one.
    pub password: String,
    /// Their name.
    pub name: String,
    /// A new name for the organisation made at first start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

/// What `POST /v1/auth/token` trades for a token pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenRequest {
    /// An email and password (and the current code when two-factor is on).
    Password {
        /// The account's email.
        email: String,
        /// Its password.
        password: String,
        /// A code of the authenticator app, or a recovery code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        /// The organisation to act in; the first one by default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        organisation_id: Option<TenantId>,
    },
    /// A refresh token (spent by this use: the answer holds the next one).
    RefreshToken {
        /// The refresh token.
        refresh_token: String,
        /// Another organisation to act in (switching is a refresh).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        organisation_id: Option<TenantId>,
    },
    /// The ticket of a password sign-in that needs a second factor, and the code.
    SecondFactor {
        /// The ticket of the `second-factor-required` answer.
        ticket: String,
        /// A code of the authenticator app, or a recovery code.
        code: String,
    },
}

/// An access token and the refresh token that gets the next pair (RFC 6749's token answer,
/// plus the organisation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenGrant {
    /// A JWT to send as `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the access token works for.
    pub expires_in: i64,
    /// Gets the next pair, once (`vr_…`).
    pub refresh_token: String,
    /// The organisation the tokens act in.
    pub organisation_id: TenantId,
}

/// The 401 of a sign-in: a problem, with a ticket when the password was right and only the
/// second factor is missing (`second-factor-required`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignInRefusal {
    /// The problem.
    #[serde(flatten)]
    pub problem: Problem,
    /// `true` when a code finishes the sign-in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub second_factor_required: bool,
    /// Send it back with the code (`grant_type: second_factor`) within five minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

/// Signs an API client out (`POST /v1/auth/revoke`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// The refresh token; every token of its sign-in stops working.
    pub refresh_token: String,
}

/// A browser's sign-in (`POST /v1/auth/session`): an email and password (and a code), or a
/// ticket and its code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// The account's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Its password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// A code of the authenticator app, or a recovery code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The ticket of a `second-factor-required` answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The organisation to act in; the first one by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<TenantId>,
}

/// A browser's session, as its page sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SessionStarted {
    /// Send it as `X-CSRF-Token` with every request that changes something.
    pub csrf_token: String,
    /// The organisation the session acts in.
    pub organisation_id: TenantId,
    /// The signed-in person.
    pub user: User,
}

/// Another organisation for the session (`POST /v1/auth/session/organisation`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchOrganisationRequest {
    /// One of the person's organisations.
    pub organisation_id: TenantId,
}

/// Asks for a password reset link (`POST /v1/auth/password-reset`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The account's email.
    pub email: String,
}

/// A new password with a reset link's token (`POST /v1/auth/password-reset/confirm`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The `token` of the link.
    pub token: String,
    /// The new password.
    pub password: String,
}

/// The sign-in methods a sign-in page offers (`GET /v1/auth/providers`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Providers {
    /// Sign-in through an OpenID provider.
    pub oidc: OidcOption,
}

/// Whether an OpenID provider is configured, and the name for its button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OidcOption {
    /// Whether it is offered.
    pub configured: bool,
    /// Its name (`Keycloak`, `Google`…).
    pub name: Option<String>,
}

/// Where a sign-in through the OpenID provider goes afterwards.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OidcStartQuery {
    /// A local path (`/monitors`); the dashboard by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
}

/// What the OpenID provider sends the browser back with (providers add more, such as
/// `session_state`, which are ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OidcCallbackQuery {
    /// The `state` the start gave the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The authorization code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The provider's issuer (RFC 9207).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The provider's error code, when it refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its words about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}
