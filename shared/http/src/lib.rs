//! Vigil's HTTP API. [`router`] builds the axum `Router` that `vigil serve` serves directly and
//! the api Lambda serves through API Gateway; [`problem`] is the one place where errors become
//! RFC 9457 problem+json responses.

mod account_views;
mod auth;
pub mod browser;
mod extract;
mod incident_views;
mod json_shape;
pub mod problem;
mod routes;
mod task_views;
mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post, put};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use vigil_app::Deps;

/// The largest request body accepted (a monitor's own body is capped at 64 KiB).
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;

/// The heartbeat ping endpoint. Pings authenticate by their URL, not an API key.
fn ping_routes() -> Router<Deps> {
    Router::new().route("/ping/{*rest}", any(routes::ping::ping))
}

/// The ping endpoint alone over `deps`: what the heartbeat Lambda serves behind API Gateway's
/// `/ping/{proxy+}` route, with nothing of the JSON API in its way (the handler bounds what it
/// reads of a body itself).
pub fn ping_router(deps: Deps) -> Router {
    ping_routes()
        .fallback(routes::health::not_found)
        .layer(CatchPanicLayer::custom(problem::panic_response))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(deps)
}

/// The API router over `deps`.
pub fn router(deps: Deps) -> Router {
    let v1 = Router::new()
        .route("/monitors", post(routes::monitors::create).get(routes::monitors::list))
        .route("/monitors/{id}", get(routes::monitors::read).patch(routes::monitors::update).delete(routes::monitors::delete))
        .route("/monitors/{id}/pause", post(routes::monitors::pause))
        .route("/monitors/{id}/resume", post(routes::monitors::resume))
        .route("/monitors/{id}/check", post(routes::checks::trigger))
        .route("/monitors/{id}/checks", get(routes::checks::list))
        .route("/monitors/{id}/checks/{check_id}", get(routes::checks::read))
        .route("/monitors/{id}/uptime", get(routes::status::uptime))
        .route("/monitors/{id}/transitions", get(routes::status::transitions))
        .route("/monitors/{id}/mute", put(routes::alerting::mute).delete(routes::alerting::unmute))
        .route("/summary", get(routes::status::summary))
        .route("/incidents", get(routes::incidents::list))
        .route("/incidents/{id}", get(routes::incidents::read))
        .route("/incidents/{id}/acknowledge", post(routes::incidents::acknowledge))
        .route("/incidents/{id}/comments", post(routes::incidents::comment))
        .route("/incidents/{id}/resolve", post(routes::incidents::resolve))
        .route("/channels", post(routes::channels::create).get(routes::channels::list))
        .route("/channels/{id}", get(routes::channels::read).delete(routes::channels::delete))
        .route("/channels/{id}/test", post(routes::channels::test))
        .route("/alert-rules", post(routes::alerting::create_alert_rule).get(routes::alerting::list_alert_rules))
        .route("/alert-rules/{id}", put(routes::alerting::replace_alert_rule).delete(routes::alerting::delete_alert_rule))
        .route("/maintenance-windows", post(routes::alerting::create_maintenance_window).get(routes::alerting::list_maintenance_windows))
        .route("/maintenance-windows/{id}", axum::routing::delete(routes::alerting::delete_maintenance_window))
        .route("/deliveries/failed", get(routes::deliveries::failed))
        .route("/tasks", post(routes::tasks::create).get(routes::tasks::list))
        .route("/tasks/{id}", get(routes::tasks::read).patch(routes::tasks::update).delete(routes::tasks::delete))
        .route("/tasks/{id}/pause", post(routes::tasks::pause))
        .route("/tasks/{id}/resume", post(routes::tasks::resume))
        .route("/tasks/{id}/runs", get(routes::tasks::runs))
        .route("/tasks/{id}/pings", get(routes::tasks::pings))
        .route("/setup", post(routes::auth::set_up))
        .route("/auth/token", post(routes::auth::token))
        .route("/auth/revoke", post(routes::auth::revoke))
        .route("/auth/session", get(routes::auth::current).post(routes::auth::start).delete(routes::auth::end))
        .route("/auth/session/organisation", post(routes::auth::switch))
        .route("/auth/password-reset", post(routes::auth::request_reset))
        .route("/auth/password-reset/confirm", post(routes::auth::confirm_reset))
        .route("/me", get(routes::me::read).patch(routes::me::update))
        .route("/me/password", post(routes::me::password))
        .route("/me/email", post(routes::me::email))
        .route("/me/email/confirm", post(routes::me::confirm_email))
        .route("/me/totp", post(routes::me::totp_begin))
        .route("/me/totp/confirm", post(routes::me::totp_confirm))
        .route("/me/totp/disable", post(routes::me::totp_disable))
        .route("/organisation", get(routes::organisation::read).patch(routes::organisation::update))
        .route("/organisation/leave", post(routes::organisation::leave))
        .route("/organisations", get(routes::organisation::mine).post(routes::organisation::create))
        .route("/members", get(routes::organisation::members))
        .route("/members/{id}", axum::routing::patch(routes::organisation::change).delete(routes::organisation::remove))
        .route("/invitations", get(routes::organisation::invitations).post(routes::organisation::invite))
        .route("/invitations/accept", post(routes::auth::accept))
        .route("/invitations/{id}", axum::routing::delete(routes::organisation::revoke))
        .route("/keys", get(routes::keys::list).post(routes::keys::create))
        .route("/keys/{id}", axum::routing::delete(routes::keys::revoke))
        .route("/audit-log", get(routes::audit::list));
    Router::new()
        .route("/healthz", get(routes::health::healthz))
        .merge(ping_routes())
        .nest("/v1", v1)
        .fallback(routes::health::not_found)
        .method_not_allowed_fallback(routes::health::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(CatchPanicLayer::custom(problem::panic_response))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(deps)
}

/// The span of one request: its method and the route it matched, never the path itself (a
/// ping URL is its task's secret).
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let route = request.extensions().get::<axum::extract::MatchedPath>().map_or("unmatched", |path| path.as_str());
    tracing::info_span!("request", method = %request.method(), route)
}
