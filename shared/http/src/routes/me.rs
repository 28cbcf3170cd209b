//! A person's own account.

use crate::account_views::{MeBody, UserBody};
use crate::auth::session_cookie;
use crate::extract::{Caller, JsonBody};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use vigil_app::accounts::{
    ChangePassword, RequestEmailChange, begin_totp, change_password, confirm_email_change, confirm_totp, disable_totp, get_me,
    request_email_change, update_profile,
};
use vigil_app::{Deps, SystemClock};
use vigil_domain::accounts::{SecretToken, UserDraft};

/// `GET /v1/me`.
pub(crate) async fn read(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<MeBody>, ApiError> {
    let me = vigil_app::accounts::get_me(&deps, &actor).await?;
    Ok(Json(MeBody::new(&me, &actor.tenant_id.to_string())))
}

/// `PATCH /v1/me`: name, language, time zone.
pub(crate) async fn update(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(draft): JsonBody<UserDraft>,
) -> Result<Json<UserBody>, ApiError> {
    let user = update_profile(&deps, &actor, draft, SystemClock::now()).await?;
    Ok(Json(UserBody::new(&user)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordBody {
    current: String,
    new: String,
}

/// `POST /v1/me/password`: every other session and refresh token ends.
pub(crate) async fn password(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    let keep_session = session_cookie(&headers).map(|cookie| cookie.hash());
    change_password(&deps, &actor, ChangePassword { current: body.current, new: body.new, keep_session }, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EmailBody {
    new_email: String,
    password: String,
}

/// `POST /v1/me/email`: mails a confirmation link to the new address.
pub(crate) async fn email(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<EmailBody>,
) -> Result<StatusCode, ApiError> {
    request_email_change(&deps, &actor, RequestEmailChange { new_email: body.new_email, password: body.password }, SystemClock::now())
        .await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenBody {
    token: String,
}

/// `POST /v1/me/email/confirm`.
pub(crate) async fn confirm_email(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<TokenBody>,
) -> Result<Json<MeBody>, ApiError> {
    confirm_email_change(&deps, &actor, SecretToken::presented(&body.token), SystemClock::now()).await?;
    let me = get_me(&deps, &actor).await?;
    Ok(Json(MeBody::new(&me, &actor.tenant_id.to_string())))
}

#[derive(Debug, Serialize)]
pub(crate) struct TotpOfferBody {
    secret: String,
    uri: String,
}

/// `POST /v1/me/totp`: a secret to put in an authenticator app.
pub(crate) async fn totp_begin(State(deps): State<Deps>, Caller(actor): Caller) -> Result<(StatusCode, Json<TotpOfferBody>), ApiError> {
    let offer = begin_totp(&deps, &actor, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(TotpOfferBody { secret: offer.secret, uri: offer.uri })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeBody {
    code: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct RecoveryCodesBody {
    recovery_codes: Vec<String>,
}

/// `POST /v1/me/totp/confirm`: turns two-factor on; the recovery codes are shown once.
pub(crate) async fn totp_confirm(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<CodeBody>,
) -> Result<Json<RecoveryCodesBody>, ApiError> {
    let codes = confirm_totp(&deps, &actor, &body.code, SystemClock::now()).await?;
    Ok(Json(RecoveryCodesBody { recovery_codes: codes.iter().map(|c| c.expose().to_owned()).collect() }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisableBody {
    password: String,
}

/// `POST /v1/me/totp/disable`.
pub(crate) async fn totp_disable(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<DisableBody>,
) -> Result<StatusCode, ApiError> {
    disable_totp(&deps, &actor, &body.password, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
