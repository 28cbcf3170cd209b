//! The heartbeat function: the ping URLs behind API Gateway (`ANY /ping/{proxy+}`), answered
//! by the same router as `vigil serve` answers them with.

use axum::Router;
use vigil_app::Deps;

/// The handler: the ping router over the AWS dependencies.
pub fn app(deps: Deps) -> Router {
    vigil_http::ping_router(deps)
}
