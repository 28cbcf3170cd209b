//! Set-up, sign-in (tokens for API clients, a cookie for browsers), sign-out and password
//! resets: the routes that work without being signed in.

use crate::account_views::{MeBody, TokenBody, UserBody};
use crate::auth::{SessionCaller, origin_of, session_cookie, session_cookie_header};
use crate::extract::JsonBody;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use vigil_app::accounts::{
    AcceptInvitation, FinishSignIn, RefreshTokens, RequestPasswordReset, ResetPassword, SetUpOwner, SignIn, SignInOutcome, SignedIn,
    StartSession, SwitchOrganisation, accept_invitation, end_session, finish_sign_in, get_me, issue_tokens, refresh_tokens,
    request_password_reset, reset_password, revoke_tokens, set_up_owner, sign_in, start_session, switch_organisation,
};
use vigil_app::{Deps, SystemClock};
use vigil_domain::access::Origin;
use vigil_domain::accounts::SecretToken;
use vigil_domain::ids::TenantId;

/// The request's origin, as an extractor.
pub(crate) struct RequestOrigin(pub Origin);

impl FromRequestParts<Deps> for RequestOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _deps: &Deps) -> Result<Self, ApiError> {
        Ok(RequestOrigin(origin_of(parts)))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetUpBody {
    email: String,
    password: String,
    name: String,
    organisation: Option<String>,
}

/// `POST /v1/setup`: the first owner of a fresh installation; answers with tokens.
pub(crate) async fn set_up(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<SetUpBody>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let cmd =
        SetUpOwner { email: body.email, password: body.password, name: body.name, organisation: body.organisation, origin: origin.clone() };
    let signed_in = set_up_owner(&deps, cmd, now).await?;
    let pair = issue_tokens(&deps, signed_in, origin, now).await?;
    Ok((StatusCode::CREATED, Json(TokenBody::new(&pair))).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(tag = "grant_type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum TokenRequest {
    Password { email: String, password: String, code: Option<String>, organisation_id: Option<TenantId> },
    RefreshToken { refresh_token: String, organisation_id: Option<TenantId> },
    SecondFactor { ticket: String, code: String },
}

#[derive(Debug, Serialize)]
pub(crate) struct SecondFactorBody {
    second_factor_required: bool,
    ticket: String,
}

/// `POST /v1/auth/token`: a token pair for a password (and a code), a refresh token, or a
/// second-factor ticket and its code.
pub(crate) async fn token(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<TokenRequest>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let signed_in = match body {
        TokenRequest::Password { email, password, code, organisation_id } => {
            match sign_in(&deps, SignIn { email, password, code, tenant: organisation_id, origin: origin.clone() }, now).await? {
                SignInOutcome::SignedIn(signed_in) => *signed_in,
                SignInOutcome::SecondFactorNeeded(ticket) => return Ok(second_factor_needed(ticket)),
            }
        }
        TokenRequest::RefreshToken { refresh_token, organisation_id } => {
            let pair = refresh_tokens(&deps, RefreshTokens { refresh_token, tenant_id: organisation_id }, now).await?;
            return Ok(Json(TokenBody::new(&pair)).into_response());
        }
        TokenRequest::SecondFactor { ticket, code } => {
            finish_sign_in(&deps, FinishSignIn { ticket: SecretToken::presented(&ticket), code, origin: origin.clone() }, now).await?
        }
    };
    let pair = issue_tokens(&deps, signed_in, origin, now).await?;
    Ok(Json(TokenBody::new(&pair)).into_response())
}

/// 401 with a ticket: the password was right, a code finishes the sign-in.
fn second_factor_needed(ticket: SecretToken) -> Response {
    let mut error = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "second-factor-required",
        "A two-factor code is needed",
        "send the code from your authenticator app (or a recovery code) with this ticket within five minutes",
    )
    .into_response();
    let body = SecondFactorBody { second_factor_required: true, ticket: ticket.expose().to_owned() };
    *error.body_mut() = axum::body::Body::from(serde_json::to_vec(&body).unwrap_or_default());
    error
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RevokeBody {
    refresh_token: String,
}

/// `POST /v1/auth/revoke`: signs an API client out.
pub(crate) async fn revoke(State(deps): State<Deps>, JsonBody(body): JsonBody<RevokeBody>) -> Result<StatusCode, ApiError> {
    revoke_tokens(&deps, &body.refresh_token, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionBody {
    email: Option<String>,
    password: Option<String>,
    code: Option<String>,
    ticket: Option<String>,
    organisation_id: Option<TenantId>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SessionStarted {
    csrf_token: String,
    organisation_id: String,
    user: UserBody,
}

/// A session for `signed_in`: what the browser is told of it, and its `Set-Cookie` value.
pub(crate) async fn open_session(deps: &Deps, signed_in: SignedIn, origin: Origin) -> Result<(SessionStarted, HeaderValue), ApiError> {
    let user = UserBody::new(&signed_in.user);
    let (session, cookie) = start_session(deps, StartSession { signed_in, origin }, SystemClock::now()).await?;
    let body = SessionStarted { csrf_token: session.csrf, organisation_id: session.tenant_id.to_string(), user };
    Ok((body, session_cookie_header(deps, Some(&cookie))))
}

/// A session for `signed_in`, as a cookie and the session's CSRF token.
pub(crate) async fn session_response(deps: &Deps, signed_in: SignedIn, origin: Origin, status: StatusCode) -> Result<Response, ApiError> {
    let (body, cookie) = open_session(deps, signed_in, origin).await?;
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// `POST /v1/auth/session`: a browser signs in (password, then a code or a ticket and its
/// code) and gets a session cookie.
pub(crate) async fn start(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<SessionBody>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let signed_in = match (body.ticket, body.email, body.password) {
        (Some(ticket), _, _) => {
            let code = body.code.ok_or_else(|| ApiError::bad_request("a ticket comes with its `code`"))?;
            finish_sign_in(&deps, FinishSignIn { ticket: SecretToken::presented(&ticket), code, origin: origin.clone() }, now).await?
        }
        (None, Some(email), Some(password)) => {
            let cmd = SignIn { email, password, code: body.code, tenant: body.organisation_id, origin: origin.clone() };
            match sign_in(&deps, cmd, now).await? {
                SignInOutcome::SignedIn(signed_in) => *signed_in,
                SignInOutcome::SecondFactorNeeded(ticket) => return Ok(second_factor_needed(ticket)),
            }
        }
        _ => return Err(ApiError::bad_request("send `email` and `password`, or a `ticket` and its `code`")),
    };
    session_response(&deps, signed_in, origin, StatusCode::CREATED).await
}

/// `DELETE /v1/auth/session`: signs a browser out.
pub(crate) async fn end(State(deps): State<Deps>, headers: axum::http::HeaderMap) -> Result<Response, ApiError> {
    if let Some(cookie) = session_cookie(&headers) {
        end_session(&deps, &cookie).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie_header(&deps, None));
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SwitchBody {
    organisation_id: TenantId,
}

/// `POST /v1/auth/session/organisation`: the session looks at another organisation.
pub(crate) async fn switch(
    State(deps): State<Deps>,
    caller: SessionCaller,
    JsonBody(body): JsonBody<SwitchBody>,
) -> Result<Json<MeBody>, ApiError> {
    let session =
        switch_organisation(&deps, SwitchOrganisation { cookie: caller.cookie, tenant_id: body.organisation_id }, SystemClock::now())
            .await?;
    let me = get_me(&deps, &caller.actor).await?;
    Ok(Json(MeBody::new(&me, &session.tenant_id.to_string())))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetRequestBody {
    email: String,
}

/// `POST /v1/auth/password-reset`: mails a link if the address has an account; 202 either way.
pub(crate) async fn request_reset(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<ResetRequestBody>,
) -> Result<StatusCode, ApiError> {
    request_password_reset(&deps, RequestPasswordReset { email: body.email, origin }, SystemClock::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetBody {
    token: String,
    password: String,
}

/// `POST /v1/auth/password-reset/confirm`: a new password with the link's token.
pub(crate) async fn confirm_reset(State(deps): State<Deps>, JsonBody(body): JsonBody<ResetBody>) -> Result<StatusCode, ApiError> {
    reset_password(&deps, ResetPassword { token: SecretToken::presented(&body.token), password: body.password }, SystemClock::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcceptBody {
    token: String,
    name: Option<String>,
    password: Option<String>,
}

/// `POST /v1/invitations/accept`: joins the organisation (making the account if needed) and
/// answers with tokens.
pub(crate) async fn accept(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<AcceptBody>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let cmd =
        AcceptInvitation { token: SecretToken::presented(&body.token), name: body.name, password: body.password, origin: origin.clone() };
    let signed_in = accept_invitation(&deps, cmd, now).await?;
    let pair = issue_tokens(&deps, signed_in, origin, now).await?;
    Ok((StatusCode::CREATED, Json(TokenBody::new(&pair))).into_response())
}

/// `GET /v1/auth/session`: the signed-in browser's session: its user, organisation and CSRF
/// token (for scripts in the page that send changes).
pub(crate) async fn current(caller: SessionCaller) -> Json<SessionStarted> {
    Json(SessionStarted {
        csrf_token: caller.session.csrf,
        organisation_id: caller.actor.tenant_id.to_string(),
        user: UserBody::new(&caller.user),
    })
}
