//! The api function: Vigil's HTTP API (the same axum Router as `vigil serve`) behind API
//! Gateway. lambda_http turns each API Gateway event into an HTTP request for the router and
//! the router's response into the event's answer.

use axum::Router;
use vigil_app::Deps;

/// The handler: the shared router over the AWS dependencies.
pub fn app(deps: Deps) -> Router {
    vigil_http::router(deps)
}
