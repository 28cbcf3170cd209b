//! The api function: Vigil's HTTP API and dashboard (the same axum Router as `vigil serve`)
//! behind API Gateway. lambda_http turns each API Gateway event into an HTTP request for the router and
//! the router's response into the event's answer.

use axum::Router;
use vigil_app::Deps;

/// The handler: the shared router (API, pages and their assets) over the AWS dependencies.
pub fn app(deps: Deps) -> Router {
    vigil_web::app(deps)
}
