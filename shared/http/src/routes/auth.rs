//! Set-up, sign-in (tokens for API clients, a cookie for browsers), sign-out and password
//! resets: the routes that work without being signed in.

use crate::account_views;
use crate::auth::{SessionCaller, origin_of, session_cookie, session_cookie_header};
use crate::extract::JsonBody;
use crate::openapi::{SignInRefused, TooManyAttempts};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vigil_api::{
    AcceptInvitationRequest, Me, PasswordReset, PasswordResetRequest, Problem, RevokeRequest, SessionRequest, SessionStarted, SetUpRequest,
    SignInRefusal, SwitchOrganisationRequest, TokenGrant, TokenRequest,
};
use vigil_app::accounts::{
    AcceptInvitation, FinishSignIn, RefreshTokens, RequestPasswordReset, ResetPassword, SetUpOwner, SignIn, SignInOutcome, SignedIn,
    StartSession, SwitchOrganisation, accept_invitation, end_session, finish_sign_in, get_me, issue_tokens, refresh_tokens,
    request_password_reset, reset_password, revoke_tokens, set_up_owner, sign_in, start_session, switch_organisation,
};
use vigil_app::{Deps, SystemClock};
use vigil_domain::access::Origin;
use vigil_domain::accounts::SecretToken;

/// The request's origin, as an extractor.
pub(crate) struct RequestOrigin(pub Origin);

impl FromRequestParts<Deps> for RequestOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _deps: &Deps) -> Result<Self, ApiError> {
        Ok(RequestOrigin(origin_of(parts)))
    }
}

/// Set up the first owner of a fresh installation; needs no credentials, and works once.
///
/// The organisation made at first start becomes theirs (renamed to `organisation` if given);
/// the answer signs them in.
#[utoipa::path(post, path = "/setup", tag = "accounts", operation_id = "set_up", security(()),
    request_body = SetUpRequest,
    responses((status = 201, description = "The owner, signed in", body = TokenGrant),
        (status = 409, description = "Someone has an account already (`conflict`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn set_up(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<SetUpRequest>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let cmd =
        SetUpOwner { email: body.email, password: body.password, name: body.name, organisation: body.organisation, origin: origin.clone() };
    let signed_in = set_up_owner(&deps, cmd, now).await?;
    let pair = issue_tokens(&deps, signed_in, origin, now).await?;
    Ok((StatusCode::CREATED, Json(account_views::token_grant(&pair))).into_response())
}

/// Sign in an API client: a token pair for a password (and a code), a refresh token, or a
/// second-factor ticket and its code; needs no credentials.
///
/// A refresh token works once: the answer holds the next one, and a refresh token used twice
/// revokes every token of its sign-in. A refresh with another `organisation_id` switches
/// organisation.
#[utoipa::path(post, path = "/auth/token", tag = "accounts", operation_id = "grant_tokens", security(()),
    request_body = TokenRequest,
    responses((status = 200, description = "A token pair", body = TokenGrant),
        (status = 401, response = SignInRefused),
        (status = 403, description = "Password sign-in is off for the organisation (`password-sign-in-disabled`), or the person \
            is not a member of the organisation asked for (`not-a-member`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = TooManyAttempts)))]
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
            return Ok(Json(account_views::token_grant(&pair)).into_response());
        }
        TokenRequest::SecondFactor { ticket, code } => {
            finish_sign_in(&deps, FinishSignIn { ticket: SecretToken::presented(&ticket), code, origin: origin.clone() }, now).await?
        }
    };
    let pair = issue_tokens(&deps, signed_in, origin, now).await?;
    Ok(Json(account_views::token_grant(&pair)).into_response())
}

/// 401 with a ticket: the password was right, a code finishes the sign-in.
fn second_factor_needed(ticket: SecretToken) -> Response {
    let problem = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "second-factor-required",
        "A two-factor code is needed",
        "send the code from your authenticator app (or a recovery code) with this ticket within five minutes",
    );
    let body = SignInRefusal { problem: problem.0.clone(), second_factor_required: true, ticket: Some(ticket.expose().to_owned()) };
    let mut response = problem.into_response();
    *response.body_mut() = axum::body::Body::from(serde_json::to_vec(&body).unwrap_or_default());
    response
}

/// Sign an API client out: its refresh token, and every token of its sign-in, stop working;
/// needs no other credentials.
#[utoipa::path(post, path = "/auth/revoke", tag = "accounts", operation_id = "revoke_tokens", security(()),
    request_body = RevokeRequest,
    responses((status = 204, description = "Signed out (also when it was already)"),
        (status = 401, description = "Not a refresh token of this server (`unauthorized`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn revoke(State(deps): State<Deps>, JsonBody(body): JsonBody<RevokeRequest>) -> Result<StatusCode, ApiError> {
    revoke_tokens(&deps, &body.refresh_token, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A session for `signed_in`: what the browser is told of it, and its `Set-Cookie` value.
pub(crate) async fn open_session(deps: &Deps, signed_in: SignedIn, origin: Origin) -> Result<(SessionStarted, HeaderValue), ApiError> {
    let user = account_views::user(&signed_in.user);
    let (session, cookie) = start_session(deps, StartSession { signed_in, origin }, SystemClock::now()).await?;
    let body = SessionStarted { csrf_token: session.csrf, organisation_id: session.tenant_id, user };
    Ok((body, session_cookie_header(deps, Some(&cookie))))
}

/// A session for `signed_in`, as a cookie and the session's CSRF token.
pub(crate) async fn session_response(deps: &Deps, signed_in: SignedIn, origin: Origin, status: StatusCode) -> Result<Response, ApiError> {
    let (body, cookie) = open_session(deps, signed_in, origin).await?;
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Sign a browser in (a password, then a code or a ticket and its code) with a session cookie;
/// needs no credentials.
#[utoipa::path(post, path = "/auth/session", tag = "accounts", operation_id = "start_session", security(()),
    request_body = SessionRequest,
    responses((status = 201, description = "Signed in: the session cookie is set", body = SessionStarted,
            headers(("Set-Cookie" = String, description = "`vigil_session`, HttpOnly, SameSite=Lax, Secure when the public URL is https"))),
        (status = 401, response = SignInRefused),
        (status = 403, description = "Password sign-in is off for the organisation (`password-sign-in-disabled`), or the person \
            is not a member of the organisation asked for (`not-a-member`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = TooManyAttempts)))]
pub(crate) async fn start(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<SessionRequest>,
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

/// Sign a browser out: its session ends and the cookie is cleared; needs no credentials.
#[utoipa::path(delete, path = "/auth/session", tag = "accounts", operation_id = "end_session", security(()),
    responses((status = 204, description = "Signed out (also when there was no session)",
        headers(("Set-Cookie" = String, description = "Clears `vigil_session`")))))]
pub(crate) async fn end(State(deps): State<Deps>, headers: axum::http::HeaderMap) -> Result<Response, ApiError> {
    if let Some(cookie) = session_cookie(&headers) {
        end_session(&deps, &cookie).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie_header(&deps, None));
    Ok(response)
}

/// Make the browser's session act in another of the person's organisations (session cookie
/// only).
#[utoipa::path(post, path = "/auth/session/organisation", tag = "accounts", operation_id = "switch_session_organisation",
    security(("session_cookie" = [], "csrf_token" = [])),
    request_body = SwitchOrganisationRequest,
    responses((status = 200, description = "The person, acting in that organisation", body = Me)))]
pub(crate) async fn switch(
    State(deps): State<Deps>,
    caller: SessionCaller,
    JsonBody(body): JsonBody<SwitchOrganisationRequest>,
) -> Result<Json<Me>, ApiError> {
    let session =
        switch_organisation(&deps, SwitchOrganisation { cookie: caller.cookie, tenant_id: body.organisation_id }, SystemClock::now())
            .await?;
    let me = get_me(&deps, &caller.actor).await?;
    Ok(Json(account_views::me(&me, session.tenant_id)))
}

/// Mail a password reset link, if the address has an account; the answer is the same either
/// way. Needs no credentials.
#[utoipa::path(post, path = "/auth/password-reset", tag = "accounts", operation_id = "request_password_reset", security(()),
    request_body = PasswordResetRequest,
    responses((status = 202, description = "A link valid for one hour is mailed if the address has an account"),
        (status = 429, response = TooManyAttempts)))]
pub(crate) async fn request_reset(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<PasswordResetRequest>,
) -> Result<StatusCode, ApiError> {
    request_password_reset(&deps, RequestPasswordReset { email: body.email, origin }, SystemClock::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with a reset link's token; every session and refresh token of the
/// account ends. Needs no credentials.
#[utoipa::path(post, path = "/auth/password-reset/confirm", tag = "accounts", operation_id = "reset_password", security(()),
    request_body = PasswordReset,
    responses((status = 204, description = "The password is changed"),
        (status = 400, description = "The link is not valid, was used or expired (`bad-token`), or the password is refused \
            (`invalid-input`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn confirm_reset(State(deps): State<Deps>, JsonBody(body): JsonBody<PasswordReset>) -> Result<StatusCode, ApiError> {
    reset_password(&deps, ResetPassword { token: SecretToken::presented(&body.token), password: body.password }, SystemClock::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept an invitation: joins the organisation (making the account with `name` and
/// `password` if the address has none) and signs in. Needs no credentials.
#[utoipa::path(post, path = "/invitations/accept", tag = "organisations", operation_id = "accept_invitation", security(()),
    request_body = AcceptInvitationRequest,
    responses((status = 201, description = "A member now, signed in", body = TokenGrant),
        (status = 400, description = "The link is not valid, was accepted, withdrawn or expired (`bad-token`), or the new \
            account's fields are refused (`invalid-input`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An account with this address was made meanwhile (`conflict`)", body = Problem,
            content_type = "application/problem+json")))]
pub(crate) async fn accept(
    State(deps): State<Deps>,
    RequestOrigin(origin): RequestOrigin,
    JsonBody(body): JsonBody<AcceptInvitationRequest>,
) -> Result<Response, ApiError> {
    let now = SystemClock::now();
    let cmd =
        AcceptInvitation { token: SecretToken::presented(&body.token), name: body.name, password: body.password, origin: origin.clone() };
    let signed_in = accept_invitation(&deps, cmd, now).await?;
    let pair = issue_tokens(&deps, signed_in, origin, now).await?;
    Ok((StatusCode::CREATED, Json(account_views::token_grant(&pair))).into_response())
}

/// The signed-in browser's session: its person, organisation and CSRF token (for scripts in
/// the page that send changes); session cookie only.
#[utoipa::path(get, path = "/auth/session", tag = "accounts", operation_id = "get_session", security(("session_cookie" = [])),
    responses((status = 200, description = "The session", body = SessionStarted)))]
pub(crate) async fn current(caller: SessionCaller) -> Json<SessionStarted> {
    Json(SessionStarted {
        csrf_token: caller.session.csrf,
        organisation_id: caller.actor.tenant_id,
        user: account_views::user(&caller.user),
    })
}
