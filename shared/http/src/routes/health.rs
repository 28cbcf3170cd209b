use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use vigil_api::Health;
use vigil_app::Deps;

/// Liveness and storage reachability; needs no key.
#[utoipa::path(get, path = "/healthz", tag = "service", operation_id = "healthz", security(()),
    responses((status = 200, description = "Up, and the storage answers", body = Health)))]
pub(crate) async fn healthz(State(deps): State<Deps>) -> Result<Json<Health>, ApiError> {
    deps.stores.tenants.has_tenants().await?;
    Ok(Json(Health { status: "ok".into() }))
}

/// This document: the OpenAPI 3.1 description of the API, generated from the handlers; needs
/// no key.
#[utoipa::path(get, path = "/openapi.json", tag = "service", operation_id = "openapi", security(()),
    responses((status = 200, description = "The OpenAPI document", body = Object, content_type = "application/json")))]
pub(crate) async fn openapi() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], crate::openapi::document_json())
}

/// Any unknown path.
pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("there is nothing at {}", uri.path()))
}

/// A known path with the wrong method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed", "this path does not support that method")
}
