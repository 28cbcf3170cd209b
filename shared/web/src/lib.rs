//! Vigil's dashboard: pages rendered on the server from compile-time-checked templates over the
//! same use cases as the API, enhanced by a little script where it helps and complete without
//! it. [`app`] is what `vigil serve` serves: the API, the pages and their assets in one router.
//! Lambda functions serve parts of it: [`dashboard_app`] the pages, [`account_pages_app`] the
//! account's pages, [`host_pages_app`] the hosts' pages, [`alerting_pages_app`] alerting's,
//! [`check_now_app`] the pages that run a check (with the API's "check now"), [`tasks_app`] the
//! heartbeat tasks' pages (with the tasks' API), [`triage_app`] the incidents' pages (with
//! incidents' triage), [`publishing_app`] the status pages' editor (with the status page
//! editors' API), [`api_app`] what of the API no route group's function serves,
//! [`status_app`] the public status pages.

mod assets;
mod failure;
mod history;
mod i18n;
mod live;
mod notice;
mod oidc_button;
mod own_domain;
mod page;
mod pages;
mod qr;
#[cfg(test)]
mod route_groups;
mod run_bar;
mod security;
mod shell;
mod span;
mod visitor;

pub use assets::{ASSETS, Asset};
pub use i18n::Tr;
pub use security::CONTENT_SECURITY_POLICY;

use axum::Router;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use vigil_app::Deps;

/// The pages and their assets, with the security headers on every answer, waiting for their
/// state.
fn page_routes() -> Router<Deps> {
    with_page_layers(
        dashboard_pages()
            .merge(check_now_pages())
            .merge(pages::heartbeats::routes())
            .merge(pages::incidents::routes())
            .merge(pages::status_editor::routes())
            .merge(account_pages())
            .merge(pages::hosts::routes())
            .merge(pages::notifications::routes())
            .merge(pages::status_page::routes()),
    )
}

/// The dashboard's pages and every asset, and a status page's subscription form (it queues a
/// mail): every page but the account's, the hosts', alerting's, the heartbeat tasks', the
/// incidents', the status pages' editor, those that run a check and the public status pages
/// themselves, without their layers.
fn dashboard_pages() -> Router<Deps> {
    use pages::*;
    Router::new()
        .route("/", get(overview::show))
        .route("/monitors/new", get(monitor_form::show_new).post(monitor_form::create))
        .route("/monitors/assertions", post(monitor_form::check_assertions))
        .route("/monitors/{id}/edit", get(monitor_form::show_edit).post(monitor_form::update))
        .route("/monitors/{id}", get(monitor::show))
        .route("/monitors/{id}/pause", post(monitor::pause))
        .route("/monitors/{id}/resume", post(monitor::resume))
        .route("/monitors/{id}/delete", post(monitor::delete))
        .route("/live", get(live::stream))
        .route("/assets/{name}", get(assets::serve))
        .merge(status_page::subscription_routes())
}

/// The pages that run a check inside the request, "check now" on a monitor's page and a
/// monitor's form tried, without their layers: the only pages that need the probe engine.
fn check_now_pages() -> Router<Deps> {
    use pages::*;
    Router::new().route("/monitors/try", post(monitor_form::try_it)).route("/monitors/{id}/check", post(monitor::check_now))
}

/// Setting up, signing in and out, resetting a password, accepting an invitation, a person's
/// preferences and the settings of their account and organisation (profile, password, second
/// factor, members, keys, the audit log): the pages of the account's stores and mail, without
/// their layers.
fn account_pages() -> Router<Deps> {
    use pages::*;
    Router::new()
        .route("/setup", get(setup::show).post(setup::submit))
        .route("/sign-in", get(sign_in::show).post(sign_in::submit))
        .route("/sign-in/code", post(sign_in::submit_code))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/organisation/switch", post(preferences::switch_organisation))
        .route("/preferences/theme", post(preferences::theme))
        .route("/preferences/language", post(preferences::language))
        .route("/forgot-password", get(reset::show_request).post(reset::submit_request))
        .route("/reset-password", get(reset::show_reset).post(reset::submit_reset))
        .route("/invitations/accept", get(invitation::show).post(invitation::submit))
        .route("/settings/profile", get(profile::show).post(profile::submit))
        .route("/settings/password", get(password::show).post(password::submit))
        .route("/settings/two-factor", get(two_factor::show))
        .route("/settings/two-factor/begin", post(two_factor::begin))
        .route("/settings/two-factor/confirm", post(two_factor::confirm))
        .route("/settings/two-factor/disable", post(two_factor::disable))
        .route("/settings/members", get(members::show))
        .route("/settings/members/invite", post(members::invite))
        .route("/settings/members/{id}/role", post(members::change))
        .route("/settings/members/{id}/remove", post(members::remove))
        .route("/settings/invitations/{id}/revoke", post(members::revoke))
        .route("/settings/keys", get(keys::show).post(keys::create))
        .route("/settings/keys/{id}/revoke", post(keys::revoke))
        .route("/settings/audit-log", get(audit::show))
        .route("/settings/organisation", get(organisation::show).post(organisation::submit))
}

/// The public status pages (a page, its history, an incident, unlocking a protected page) and
/// their assets, with the pages' layers: the pages the status function serves.
fn status_pages() -> Router<Deps> {
    with_page_layers(Router::new().route("/assets/{name}", get(assets::serve_public)).merge(pages::status_page::routes()))
}

/// What every page answers with: the security headers, and a panic as a 500.
fn with_page_layers(routes: Router<Deps>) -> Router<Deps> {
    routes.layer(axum::middleware::map_response(security::headers)).layer(CatchPanicLayer::new())
}

/// Everything Vigil serves over HTTP: the API of vigil-http, the pages and the assets; and on a
/// status page's own domain, that page.
pub fn app(deps: Deps) -> Router {
    on_own_domains(deps.clone(), app_routes().with_state(deps))
}

/// The routes of [`app`], waiting for their state.
fn app_routes() -> Router<Deps> {
    vigil_http::stateless_router().merge(page_routes())
}

/// What the status function serves: the public status pages, their feeds, badges and
/// Statuspage documents, confirming and ending a subscription, and the pages' assets, each as
/// [`app`] serves it, with nothing of the dashboard or the rest of the API. API Gateway sends it
/// `/status/…`, `/badges/…` and `/api/v2/…`, and every request to a page's own domain, but
/// subscribing (a form's post and the API's), which queues a mail and goes to the api.
pub fn status_app(deps: Deps) -> Router {
    on_own_domains(deps.clone(), status_routes().with_state(deps))
}

/// The routes of [`status_app`], waiting for their state.
fn status_routes() -> Router<Deps> {
    vigil_http::public_page_router().merge(status_pages())
}

/// What the dashboard function serves: the pages and their assets, and a status page's
/// subscription form, each as [`app`] serves it, with nothing of the API, none of the account's
/// pages (the account pages' function's), none of the hosts' (the host pages' function's), none
/// of alerting's (the alerting pages' function's), none of the status pages' editor (the
/// publishing function's) and none of the public status pages (the status function's). API
/// Gateway sends it every request that no other function's route takes.
pub fn dashboard_app(deps: Deps) -> Router {
    on_own_domains(deps.clone(), dashboard_routes().with_state(deps))
}

/// The routes of [`dashboard_app`], waiting for their state.
fn dashboard_routes() -> Router<Deps> {
    vigil_http::with_unknown_paths_answered(with_page_layers(dashboard_pages()))
}

/// What the account pages' function serves: setting up, signing in and out, resetting a
/// password, accepting an invitation, preferences, and the account's and organisation's
/// settings, each as [`app`] serves it. API Gateway sends it those paths: the first page anyone
/// opens (signing in) starts this function, not the dashboard's.
pub fn account_pages_app(deps: Deps) -> Router {
    account_page_routes().with_state(deps)
}

/// The routes of [`account_pages_app`], waiting for their state.
fn account_page_routes() -> Router<Deps> {
    vigil_http::with_unknown_paths_answered(with_page_layers(account_pages()))
}

/// What the host pages' function serves: the hosts, a host's page with its charts, actions and
/// revocation, and enrolling a host, each as [`app`] serves it. API Gateway sends it `/hosts`
/// and everything below, so the dashboard carries neither the hosts' stores nor the agents'
/// WebSocket API client.
pub fn host_pages_app(deps: Deps) -> Router {
    host_page_routes().with_state(deps)
}

/// The routes of [`host_pages_app`], waiting for their state.
fn host_page_routes() -> Router<Deps> {
    vigil_http::with_unknown_paths_answered(with_page_layers(pages::hosts::routes()))
}

/// What the alerting pages' function serves: channels (and their test send), alert rules,
/// maintenance windows and mutes, each as [`app`] serves it. API Gateway sends it those paths,
/// so the dashboard sends nothing itself and carries no notifier.
pub fn alerting_pages_app(deps: Deps) -> Router {
    alerting_page_routes().with_state(deps)
}

/// The routes of [`alerting_pages_app`], waiting for their state.
fn alerting_page_routes() -> Router<Deps> {
    vigil_http::with_unknown_paths_answered(with_page_layers(pages::notifications::routes()))
}

/// What the check-now function serves: the pages that run a check ("check now" on a monitor's
/// page, a monitor's form tried), each as [`app`] serves it, and the API's "check now"
/// (`POST /v1/monitors/{id}/check`, vigil-http's [`vigil_http::check_now_router`]). API Gateway
/// sends it those three routes alone, so that no other function behind it carries the probe
/// engine.
pub fn check_now_app(deps: Deps) -> Router {
    check_now_page_routes().with_state(deps.clone()).merge(vigil_http::check_now_router(deps))
}

/// The pages of [`check_now_app`], waiting for their state; the API's router answers unknown
/// paths.
fn check_now_page_routes() -> Router<Deps> {
    with_page_layers(check_now_pages())
}

/// What the tasks function serves: the heartbeat tasks' pages (the tasks, a task's page with its
/// runs and pings, its form, pausing, resuming and deleting it), each as [`app`] serves it, and
/// the tasks' API (every route below `/v1/tasks`, vigil-http's [`vigil_http::tasks_router`]).
/// API Gateway sends it `/tasks`, `/v1/tasks` and everything below them: the pages and the API
/// reach the same stores.
pub fn tasks_app(deps: Deps) -> Router {
    task_page_routes().with_state(deps.clone()).merge(vigil_http::tasks_router(deps))
}

/// The pages of [`tasks_app`], waiting for their state; the API's router answers unknown paths.
fn task_page_routes() -> Router<Deps> {
    with_page_layers(pages::heartbeats::routes())
}

/// What the triage function serves: the incidents' pages (the list with its filters, an
/// incident's page, acknowledging, commenting, resolving and publishing it on a status page),
/// each as [`app`] serves it, and incidents' triage (every route below `/v1/incidents` but
/// publishing, vigil-http's [`vigil_http::triage_router`]). API Gateway sends it `/incidents`,
/// `/v1/incidents` and everything below them but the API's publishing.
pub fn triage_app(deps: Deps) -> Router {
    incident_page_routes().with_state(deps.clone()).merge(vigil_http::triage_router(deps))
}

/// The pages of [`triage_app`], waiting for their state; the API's router answers unknown paths.
fn incident_page_routes() -> Router<Deps> {
    with_page_layers(pages::incidents::routes())
}

/// What the publishing function serves: the status pages' editor (the pages, a page's settings,
/// components and posted incidents, deleting a page), each as [`app`] serves it, and the status
/// page editors' API (vigil-http's [`vigil_http::publishing_router`]). API Gateway sends it
/// `/status-pages` and everything below, and the API's paths of that group: the editor's pages
/// and the API reach the same stores.
pub fn publishing_app(deps: Deps) -> Router {
    status_editor_page_routes().with_state(deps.clone()).merge(vigil_http::publishing_router(deps))
}

/// The pages of [`publishing_app`], waiting for their state; the API's router answers unknown
/// paths.
fn status_editor_page_routes() -> Router<Deps> {
    with_page_layers(pages::status_editor::routes())
}

/// What the api function serves: the `/v1` routes that no group's function serves (the summary,
/// the document), `/healthz`, and subscribing to a status page, on Vigil's host and on a page's
/// own domain; nothing of the pages.
pub fn api_app(deps: Deps) -> Router {
    on_own_domains(deps.clone(), vigil_http::api_function_routes().with_state(deps))
}

/// `routed`, with a request on a status page's own domain turned into the page's path first.
fn on_own_domains(deps: Deps, routed: Router) -> Router {
    // A page's own domain is turned into the page's path before routing, which a layer of
    // the router itself could not do (it runs once a route is chosen).
    let own_domains = axum::middleware::from_fn_with_state((deps, own_domain::Hosts::default()), own_domain::route);
    Router::new().fallback_service(tower::Layer::layer(&own_domains, routed))
}
