//! A person's own account. An API key has none: these answer it `400` ([`NotAPerson`]).

use crate::account_views;
use crate::auth::session_cookie;
use crate::extract::{Caller, JsonBody};
use crate::openapi::NotAPerson;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use vigil_api::{
    EmailChangeRequest, Me, PasswordChange, PasswordConfirmation, Problem, RecoveryCodes, TokenConfirmation, TotpCode, TotpOffer, User,
};
use vigil_app::accounts::{
    ChangePassword, RequestEmailChange, begin_totp, change_password, confirm_email_change, confirm_totp, disable_totp, get_me,
    request_email_change, update_profile,
};
use vigil_app::{Deps, SystemClock};
use vigil_domain::accounts::{SecretToken, UserDraft};

/// The signed-in person: their account and organisations.
#[utoipa::path(get, path = "/me", tag = "accounts", operation_id = "get_me",
    responses((status = 200, description = "The person", body = Me), (status = 400, response = NotAPerson)))]
pub(crate) async fn read(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Me>, ApiError> {
    let me = get_me(&deps, &actor).await?;
    Ok(Json(account_views::me(&me, actor.tenant_id)))
}

/// Change one's name, language or time zone; absent fields stay.
#[utoipa::path(patch, path = "/me", tag = "accounts", operation_id = "update_me",
    request_body = UserDraft,
    responses((status = 200, description = "The account changed", body = User),
        (status = 409, description = "The account changed meanwhile (`conflict`): try again", body = Problem,
            content_type = "application/problem+json")))]
pub(crate) async fn update(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(draft): JsonBody<UserDraft>,
) -> Result<Json<User>, ApiError> {
    let user = update_profile(&deps, &actor, draft, SystemClock::now()).await?;
    Ok(Json(account_views::user(&user)))
}

/// Change one's password; every other session and refresh token of the account ends.
#[utoipa::path(post, path = "/me/password", tag = "accounts", operation_id = "change_password",
    request_body = PasswordChange,
    responses((status = 204, description = "Changed")))]
pub(crate) async fn password(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let keep_session = session_cookie(&headers).map(|cookie| cookie.hash());
    change_password(&deps, &actor, ChangePassword { current: body.current, new: body.new, keep_session }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change one's email: a confirmation link valid 24 hours is mailed to the new address.
#[utoipa::path(post, path = "/me/email", tag = "accounts", operation_id = "request_email_change",
    request_body = EmailChangeRequest,
    responses((status = 202, description = "The link is mailed"),
        (status = 502, description = "The mail could not be sent (`mail-failed`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn email(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<EmailChangeRequest>,
) -> Result<StatusCode, ApiError> {
    request_email_change(&deps, &actor, RequestEmailChange { new_email: body.new_email, password: body.password }, SystemClock::now())
        .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Confirm a new email with the link's token.
#[utoipa::path(post, path = "/me/email/confirm", tag = "accounts", operation_id = "confirm_email_change",
    request_body = TokenConfirmation,
    responses((status = 200, description = "The person, with the new address", body = Me),
        (status = 400, description = "The link is not valid, was used or expired (`bad-token`)", body = Problem,
            content_type = "application/problem+json")))]
pub(crate) async fn confirm_email(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<TokenConfirmation>,
) -> Result<Json<Me>, ApiError> {
    confirm_email_change(&deps, &actor, SecretToken::presented(&body.token), SystemClock::now()).await?;
    let me = get_me(&deps, &actor).await?;
    Ok(Json(account_views::me(&me, actor.tenant_id)))
}

/// Start turning two-factor authentication on: a secret to put in an authenticator app.
#[utoipa::path(post, path = "/me/totp", tag = "accounts", operation_id = "begin_totp",
    responses((status = 201, description = "The secret; a code of it turns two-factor on", body = TotpOffer),
        (status = 400, response = NotAPerson),
        (status = 409, description = "Two-factor is on already (`conflict`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn totp_begin(State(deps): State<Deps>, Caller(actor): Caller) -> Result<(StatusCode, Json<TotpOffer>), ApiError> {
    let offer = begin_totp(&deps, &actor, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(TotpOffer { secret: offer.secret, uri: offer.uri })))
}

/// Turn two-factor authentication on with a code of the new secret; the recovery codes are
/// in this answer only.
#[utoipa::path(post, path = "/me/totp/confirm", tag = "accounts", operation_id = "confirm_totp",
    request_body = TotpCode,
    responses((status = 200, description = "Two-factor is on", body = RecoveryCodes),
        (status = 409, description = "No secret was asked for (`conflict`)", body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn totp_confirm(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<TotpCode>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let codes = confirm_totp(&deps, &actor, &body.code, SystemClock::now()).await?;
    Ok(Json(RecoveryCodes { recovery_codes: codes.iter().map(|c| c.expose().to_owned()).collect() }))
}

/// Turn two-factor authentication off (with the password).
#[utoipa::path(post, path = "/me/totp/disable", tag = "accounts", operation_id = "disable_totp",
    request_body = PasswordConfirmation,
    responses((status = 204, description = "Two-factor is off")))]
pub(crate) async fn totp_disable(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<PasswordConfirmation>,
) -> Result<StatusCode, ApiError> {
    disable_totp(&deps, &actor, &body.password, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
