use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};
use vigil_app::Deps;

/// Liveness and storage reachability; needs no key.
pub(crate) async fn healthz(State(deps): State<Deps>) -> Result<Json<Value>, ApiError> {
    deps.stores.tenants.has_tenants().await?;
    Ok(Json(json!({"status": "ok"})))
}

/// Any unknown path.
pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("there is nothing at {}", uri.path()))
}

/// A known path with the wrong method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed", "this path does not support that method")
}
