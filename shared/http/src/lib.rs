//! Vigil's HTTP API. [`router`] builds the axum `Router` that `vigil serve` serves directly and
//! the api Lambda serves through API Gateway; [`problem`] is the one place where errors become
//! RFC 9457 problem+json responses; [`openapi::document`] is the OpenAPI 3.1 description of it,
//! generated from the same annotations the router is built from.

mod account_views;
mod agent_hub;
pub mod answer_cache;
mod auth;
pub mod browser;
mod extract;
mod host_views;
mod incident_views;
pub mod openapi;
pub mod problem;
mod route_groups;
mod routes;
// Public for the route-group tests of other crates (the pages' groups); no binary uses it.
#[doc(hidden)]
pub mod route_listing;
mod status_page_views;
mod task_views;
mod views;

pub use agent_hub::AgentHub;
pub use auth::InProcessActor;
pub use route_groups::{
    accounts_router, alerting_router, api_function_routes, check_now_router, hosts_router, monitors_router, public_page_router,
    publishing_router, sso_router, tasks_router, triage_router,
};

use std::sync::Arc;
use vigil_domain::ports::AgentLink;

/// The link to connected agents the routes that reach them use (revocation, remote actions),
/// as a request extension; without one, no agent is connected.
#[derive(Clone)]
pub struct AgentLinks(pub Arc<dyn AgentLink>);

impl AgentLinks {
    /// The link of the request, or one to no agent.
    pub fn or_none(links: Option<axum::Extension<AgentLinks>>) -> Arc<dyn AgentLink> {
        links.map_or_else(|| Arc::new(NoAgents) as Arc<dyn AgentLink>, |axum::Extension(AgentLinks(link))| link)
    }
}

/// No agent is connected: what a deployment without agent connections answers.
struct NoAgents;

#[async_trait::async_trait]
impl AgentLink for NoAgents {
    async fn send(
        &self,
        _: vigil_domain::ids::AgentId,
        _: vigil_domain::agent::protocol::ServerMessage,
    ) -> Result<bool, vigil_domain::ports::StoreError> {
        Ok(false)
    }

    async fn disconnect(
        &self,
        _: vigil_domain::ids::AgentId,
        _: vigil_domain::agent::protocol::DisconnectReason,
    ) -> Result<(), vigil_domain::ports::StoreError> {
        Ok(())
    }
}

/// `router` with the agents' WebSocket served by `hub` (self-hosted: `vigil serve`), and the
/// hub as the link the routes reach agents through.
pub fn with_agent_hub(router: Router, hub: AgentHub) -> Router {
    router.layer(axum::Extension(AgentLinks(Arc::new(hub.clone())))).layer(axum::Extension(hub))
}

#[cfg(test)]
mod route_coverage;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::any;
use route_groups::{
    account_routes, alerting_routes, api_own_routes, check_now_routes, host_routes, monitor_routes, public_page_routes, publishing_routes,
    root_routes, sso_routes, task_routes, triage_routes,
};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
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
        .layer(axum::Extension(Arc::new(answer_cache::AnswerCache::default())))
        .fallback(routes::health::not_found)
        .layer(CatchPanicLayer::custom(problem::panic_response))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(deps)
}

/// The documented routes: each handler is registered under the path and methods its own
/// `#[utoipa::path]` annotation gives, so the router and the document cannot disagree. A new
/// route is one more line in a group of [`route_groups`] and an annotation on its handler. The
/// OpenAPI document is built from these ([`openapi::document`]); the router serves their plain
/// twins ([`plain_api_routes`]).
pub(crate) fn api_routes() -> OpenApiRouter<Deps> {
    OpenApiRouter::with_openapi(openapi::Fixed::openapi()).merge(root_routes()).merge(public_page_routes()).nest(
        "/v1",
        api_own_routes()
            .merge(monitor_routes())
            .merge(check_now_routes())
            .merge(task_routes())
            .merge(alerting_routes())
            .merge(host_routes())
            .merge(publishing_routes())
            .merge(triage_routes())
            .merge(account_routes())
            .merge(sso_routes()),
    )
}

/// [`api_routes`] without their OpenAPI operations: what the router serves, so that no server
/// builds the document's operations and schemas to route requests.
fn plain_api_routes() -> Router<Deps> {
    use route_groups::{
        plain_account_routes, plain_alerting_routes, plain_api_own_routes, plain_check_now_routes, plain_host_routes, plain_monitor_routes,
        plain_public_page_routes, plain_publishing_routes, plain_root_routes, plain_sso_routes, plain_task_routes, plain_triage_routes,
    };
    plain_root_routes().merge(plain_public_page_routes()).nest(
        "/v1",
        plain_api_own_routes()
            .merge(plain_monitor_routes())
            .merge(plain_check_now_routes())
            .merge(plain_task_routes())
            .merge(plain_alerting_routes())
            .merge(plain_host_routes())
            .merge(plain_publishing_routes())
            .merge(plain_triage_routes())
            .merge(plain_account_routes())
            .merge(plain_sso_routes()),
    )
}

/// `routes` with the status pages' Statuspage documents, by slug and by a page's own domain,
/// and the cache of public answers they and the feeds share.
fn with_statuspage_documents(routes: Router<Deps>) -> Router<Deps> {
    routes
        // Documents below `api/v2/` may hold a slash, which a `routes!` path cannot capture.
        .route("/status/{slug}/api/v2/{*document}", axum::routing::get(routes::public_pages::statuspage_document))
        .route("/api/v2/{*document}", axum::routing::get(routes::public_pages::statuspage_document_by_host))
        .layer(axum::Extension(Arc::new(answer_cache::AnswerCache::default())))
}

/// The API router over `deps`.
pub fn router(deps: Deps) -> Router {
    stateless_router().with_state(deps)
}

/// Every route and layer of [`router`], waiting for its state: what a router that adds routes
/// of its own merges (the pages'), and what the route-group tests list.
pub fn stateless_router() -> Router<Deps> {
    with_api_layers(with_statuspage_documents(plain_api_routes().merge(ping_routes())))
}

/// What every API router answers around its routes: problem+json for unknown paths and methods,
/// the body limit, a panic as a 500, and a span per request.
fn with_api_layers(routes: Router<Deps>) -> Router<Deps> {
    routes
        .fallback(routes::health::not_found)
        .method_not_allowed_fallback(routes::health::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(CatchPanicLayer::custom(problem::panic_response))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
}

/// `routes` answering a path none of them serves with problem+json, as the whole router does:
/// what a router of pages alone (the dashboard function's) answers around them.
pub fn with_unknown_paths_answered(routes: Router<Deps>) -> Router<Deps> {
    routes.fallback(routes::health::not_found)
}

/// The redirect URI to register at the OpenID provider: the callback route under `public_url`.
pub fn oidc_callback_url(public_url: &url::Url) -> url::Url {
    let mut base = public_url.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    base.join(routes::oidc::CALLBACK_PATH).expect("a relative path joins onto any http(s) URL")
}

/// The span of one request: its method and the route it matched, never the path itself (a
/// ping URL is its task's secret).
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let route = request.extensions().get::<axum::extract::MatchedPath>().map_or("unmatched", |path| path.as_str());
    tracing::info_span!("request", method = %request.method(), route)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_callback_sits_under_the_public_url() {
        for (public, callback) in [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/auth/oidc/callback"),
            ("https://vigil.example.com/", "https://vigil.example.com/v1/auth/oidc/callback"),
            ("https://api.example.com/prod", "https://api.example.com/prod/v1/auth/oidc/callback"),
            ("https://api.example.com/prod/", "https://api.example.com/prod/v1/auth/oidc/callback"),
        ] {
            assert_eq!(super::oidc_callback_url(&url::Url::parse(public).unwrap()).as_str(), callback, "{public}");
        }
    }
}
