//! API keys.

use crate::account_views::KeyBody;
use crate::extract::{Caller, JsonBody};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;
use vigil_app::accounts::{CreateKey, create_key, list_keys, revoke_key};
use vigil_app::{Deps, SystemClock};
use vigil_domain::access::KeyScope;
use vigil_domain::ids::ApiKeyId;

/// `GET /v1/keys`: every key for admins, one's own otherwise.
pub(crate) async fn list(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<crate::views::ItemsBody<KeyBody>>, ApiError> {
    let keys = list_keys(&deps, &actor).await?;
    Ok(Json(crate::views::ItemsBody { items: keys.iter().map(|k| KeyBody::new(k, None)).collect() }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewKey {
    name: String,
    scope: KeyScope,
    expires_at: Option<Timestamp>,
    #[serde(default)]
    service: bool,
}

/// `POST /v1/keys`: the secret is in this answer only.
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<NewKey>,
) -> Result<(StatusCode, Json<KeyBody>), ApiError> {
    let cmd = CreateKey { name: body.name, scope: body.scope, expires_at: body.expires_at, service: body.service };
    let (key, secret) = create_key(&deps, &actor, cmd, SystemClock::now()).await?;
    Ok((StatusCode::CREATED, Json(KeyBody::new(&key, Some(secret.expose().to_owned())))))
}

/// `DELETE /v1/keys/{id}`: revokes (the key stays listed, marked revoked).
pub(crate) async fn revoke(State(deps): State<Deps>, Caller(actor): Caller, Path(id): Path<String>) -> Result<Json<KeyBody>, ApiError> {
    let id: ApiKeyId = id.parse().map_err(|_| ApiError::not_found(format!("no key with id `{id}`")))?;
    let key = revoke_key(&deps, &actor, id, SystemClock::now()).await?;
    Ok(Json(KeyBody::new(&key, None)))
}
