//! API keys.

use crate::account_views;
use crate::extract::{Caller, JsonBody, KeyPath};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vigil_api::{ApiKey, ApiKeyId, KeyRequest, Listing};
use vigil_app::accounts::{CreateKey, create_key, list_keys, revoke_key};
use vigil_app::{Deps, SystemClock};

/// The organisation's keys: every key for admins, one's own otherwise; revoked ones included.
#[utoipa::path(get, path = "/keys", tag = "keys", operation_id = "list_keys",
    responses((status = 200, description = "The keys, without their secrets", body = Listing<ApiKey>)))]
pub(crate) async fn list(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Listing<ApiKey>>, ApiError> {
    let keys = list_keys(&deps, &actor).await?;
    Ok(Json(Listing { items: keys.iter().map(|k| account_views::key(k, None)).collect() }))
}

/// Make a key; its secret is in this answer only. A key never has more rights than the person
/// who made it has now; service keys (tied to nobody) are made by admins.
#[utoipa::path(post, path = "/keys", tag = "keys", operation_id = "create_key",
    request_body = KeyRequest,
    responses((status = 201, description = "The key, with its secret", body = ApiKey)))]
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<KeyRequest>,
) -> Result<(StatusCode, Json<ApiKey>), ApiError> {
    let cmd = CreateKey { name: body.name, scope: body.scope, expires_at: body.expires_at, service: body.service };
    let (key, secret) = create_key(&deps, &actor, cmd, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(account_views::key(&key, Some(secret.expose().to_owned())))))
}

/// Revoke a key: it stops working at once, and stays listed, marked revoked.
#[utoipa::path(delete, path = "/keys/{id}", tag = "keys", operation_id = "revoke_key",
    params(("id" = ApiKeyId, Path, description = "The key")),
    responses((status = 200, description = "The key, revoked", body = ApiKey)))]
pub(crate) async fn revoke(State(deps): State<Deps>, Caller(actor): Caller, KeyPath(id): KeyPath) -> Result<Json<ApiKey>, ApiError> {
    let key = revoke_key(&deps, &actor, id, SystemClock::now()).await?;
    Ok(Json(account_views::key(&key, None)))
}
