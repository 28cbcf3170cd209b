//! The functions behind API Gateway, each serving part of the axum Router of `vigil serve`: the
//! api function (what of the API no group's function serves), the dashboard's pages, the
//! account's pages, the hosts' pages, alerting's pages, and the functions of one route group
//! each (the monitors', "check now"'s with the pages that run a check, the heartbeat tasks' with
//! their pages, alerting's, the hosts', the status pages' editors', incidents' triage with their
//! pages, the account's, signing in through the OpenID provider, the public status pages').
//! lambda_http turns each API Gateway event into an HTTP request for the router and the router's
//! response into the event's answer.

use axum::Router;
use std::sync::Arc;
use vigil_app::Deps;
use vigil_aws::config::ApiConfig;
use vigil_domain::ports::OidcProvider;
use vigil_oidc::{OfferedProvider, OidcSettings, OpenIdProvider};

/// The api function's handler: what of the API no route group's function serves (the summary,
/// the document), `/healthz` and subscribing to a status page, with the client's address taken
/// from API Gateway's request context (the audit log records it).
pub fn app(deps: Deps) -> Router {
    vigil_web::api_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The dashboard function's handler: the pages and their assets (not the account's, the
/// hosts', alerting's, the heartbeat tasks', the incidents', those that run a check or the
/// public status pages, which have functions of their own).
pub fn dashboard_app(deps: Deps) -> Router {
    vigil_web::dashboard_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The alerting pages' function's handler: channels and their test send, alert rules,
/// maintenance windows and mutes, over `vigil_aws::wiring::alerting_page_deps`.
pub fn alerting_pages_app(deps: Deps) -> Router {
    vigil_web::alerting_pages_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The host pages' function's handler: the hosts, a host's page, its actions and revocation,
/// and enrolling a host, over the hosts function's dependencies
/// (`vigil_aws::wiring::hosts_deps`), reaching agents through their WebSocket API's connections
/// when the deployment has one.
pub fn host_pages_app(deps: Deps, agents: Option<vigil_aws::AgentGateway>) -> Router {
    with_agents(vigil_web::host_pages_app(deps), agents).layer(axum::middleware::from_fn(client_address))
}

/// The account pages' function's handler: setting up, signing in and out, resetting a
/// password, accepting an invitation, preferences and the account's settings, over
/// [`accounts_deps`], so that the first page anyone opens starts a function without the
/// dashboard's stores, probe engine and notifier. Sign-in throttling counts per client address.
pub fn account_pages_app(deps: Deps) -> Router {
    vigil_web::account_pages_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The accounts function's handler: sign-in (passwords, second factors, tokens), people,
/// organisations, invitations, keys, the audit log and setting up the first owner, over their own
/// dependencies (`vigil_aws::wiring::accounts_deps`). Sign-in throttling counts per client
/// address.
pub fn accounts_app(deps: Deps) -> Router {
    vigil_http::accounts_router(deps).layer(axum::middleware::from_fn(client_address))
}

/// The sso function's handler: signing in through the OpenID provider, the way there and the
/// way back (`vigil_aws::wiring::sso_deps`).
pub fn sso_app(deps: Deps) -> Router {
    vigil_http::sso_router(deps).layer(axum::middleware::from_fn(client_address))
}

/// The check-now function's dependencies (`vigil_aws::wiring::check_now_deps`), with the probe
/// engine: "check now" (the API's and a monitor's page's) and a monitor's form tried run a check
/// inside the request.
pub fn check_now_deps(clients: &vigil_aws::AwsClients, config: &vigil_aws::config::StoreConfig) -> anyhow::Result<Deps> {
    vigil_aws::wiring::check_now_deps(clients, config, one_check_at_a_time()?)
}

/// The probe engine of a function that runs one check per request ("check now", a monitor's
/// form tried): names looked up through the C library, not hickory, whose cache only the
/// prober's batches use and whose DNS client was about 230 KB of each zip.
fn one_check_at_a_time() -> anyhow::Result<Arc<dyn vigil_domain::ports::Prober>> {
    let guard = vigil_probe::NetworkGuard::with_getaddrinfo();
    Ok(Arc::new(vigil_probe::HttpProber::with_guard(vigil_probe::ProberConfig::default(), guard)?))
}

/// The accounts and account pages' functions' dependencies (`vigil_aws::wiring::accounts_deps`),
/// with the OpenID provider of `VIGIL_OIDC_*` offered by name (`/v1/auth/providers`, the sign-in
/// page's button; signing in through it is the sso function's).
pub fn accounts_deps(clients: &vigil_aws::AwsClients, config: &ApiConfig) -> anyhow::Result<Deps> {
    let mut deps = vigil_aws::wiring::accounts_deps(clients, &config.store)?;
    deps.oidc = offered_provider(config);
    Ok(deps)
}

/// The sso function's dependencies (`vigil_aws::wiring::sso_deps`), with the OpenID provider of
/// `VIGIL_OIDC_*`.
pub fn sso_deps(clients: &vigil_aws::AwsClients, config: &ApiConfig) -> anyhow::Result<Deps> {
    let mut deps = vigil_aws::wiring::sso_deps(clients, &config.store)?;
    deps.oidc = oidc_provider(config)?;
    Ok(deps)
}

/// The OpenID provider of `VIGIL_OIDC_*` as a page or `/v1/auth/providers` offers it, if one is
/// configured: its name and issuer, and nothing of the OpenID Connect client.
fn offered_provider(config: &ApiConfig) -> Option<Arc<dyn OidcProvider>> {
    config.oidc.as_ref().map(|oidc| Arc::new(OfferedProvider::new(&oidc.display_name, &oidc.issuer)) as Arc<dyn OidcProvider>)
}

/// `router` reaching agents through `agents`, if any (else action requests are recorded as
/// undelivered).
fn with_agents(router: Router, agents: Option<vigil_aws::AgentGateway>) -> Router {
    match agents {
        Some(gateway) => router.layer(axum::Extension(vigil_http::AgentLinks(Arc::new(gateway)))),
        None => router,
    }
}

/// The monitors function's handler: every route below `/v1/monitors` but "check now", over the
/// monitors' own dependencies (`vigil_aws::wiring::monitors_deps`), so that its binary carries
/// neither the pages nor the rest of the API and its stores, nor the check engine.
pub fn monitors_app(deps: Deps) -> Router {
    vigil_http::monitors_router(deps).layer(axum::middleware::from_fn(client_address))
}

/// The check-now function's handler: running a monitor's check now
/// (`POST /v1/monitors/{id}/check` and `POST /monitors/{id}/check`) and trying a monitor's form
/// (`POST /monitors/try`), over [`check_now_deps`].
pub fn check_now_app(deps: Deps) -> Router {
    vigil_web::check_now_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The tasks function's handler: every route below `/v1/tasks` and the heartbeat tasks' pages
/// (`/tasks` and below), over the tasks' own dependencies (`vigil_aws::wiring::tasks_deps`).
pub fn tasks_app(deps: Deps) -> Router {
    vigil_web::tasks_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The alerting function's handler: channels and their test send, alert rules, maintenance
/// windows and failed deliveries, over their own dependencies (`vigil_aws::wiring::alerting_deps`).
pub fn alerting_app(deps: Deps) -> Router {
    vigil_http::alerting_router(deps).layer(axum::middleware::from_fn(client_address))
}

/// The hosts function's handler: hosts, their metrics, connections and actions, enrolments and
/// host rules, over their own dependencies (`vigil_aws::wiring::hosts_deps`), reaching agents
/// through their WebSocket API's connections when the deployment has one.
pub fn hosts_app(deps: Deps, agents: Option<vigil_aws::AgentGateway>) -> Router {
    with_agents(vigil_http::hosts_router(deps), agents).layer(axum::middleware::from_fn(client_address))
}

/// The publishing function's handler: what a status page's editors do (pages, components,
/// subscribers, posted incidents, badges, publishing an incident), through the API and the
/// editor's pages (`/status-pages` and below), over their own dependencies
/// (`vigil_aws::wiring::publishing_deps`).
pub fn publishing_app(deps: Deps) -> Router {
    vigil_web::publishing_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The triage function's handler: incidents listed, read, acknowledged, commented on and
/// resolved, through the API and their pages (`/incidents` and below, where an incident is also
/// published on a status page), over their own dependencies (`vigil_aws::wiring::triage_deps`).
pub fn triage_app(deps: Deps) -> Router {
    vigil_web::triage_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The status function's handler: the public status pages, their feeds, badges, Statuspage
/// documents, a subscription's links and the pages' assets, on Vigil's host and on each page's
/// own domain, over the status pages' own dependencies (`vigil_aws::wiring::status_deps`). A
/// crowd reading a page during an outage starts this small function, not the dashboard's.
pub fn status_app(deps: Deps) -> Router {
    vigil_web::status_app(deps).layer(axum::middleware::from_fn(client_address))
}

/// The start of the accounts, account pages' and sso functions: logging, their configuration (the
/// stores' and the OpenID provider's; a missing or malformed variable stops the cold start with
/// one line), and the clients.
pub async fn api_start() -> (ApiConfig, vigil_aws::AwsClients) {
    vigil_aws::logs::init();
    let config = vigil_aws::startup::config_or_exit(ApiConfig::from_env());
    let clients = vigil_aws::AwsClients::new(&config.store.aws, vigil_aws::ClientOptions::default()).await;
    (config, clients)
}

/// Runs a route group's function: its configuration (the stores'), its clients, the
/// dependencies `wire` makes of them, and the handler `app` over those.
pub async fn run_route_group(
    wire: fn(&vigil_aws::AwsClients, &vigil_aws::config::StoreConfig) -> anyhow::Result<Deps>,
    app: fn(Deps) -> Router,
) -> Result<(), lambda_http::Error> {
    run_handler(|clients, config| Ok(app(wire(clients, config)?))).await
}

/// Runs a function of the stores' configuration: the handler `make` builds of its clients and
/// configuration.
pub async fn run_handler(
    make: impl FnOnce(&vigil_aws::AwsClients, &vigil_aws::config::StoreConfig) -> anyhow::Result<Router>,
) -> Result<(), lambda_http::Error> {
    vigil_aws::logs::init();
    let config = vigil_aws::startup::config_or_exit(vigil_aws::config::StoreConfig::from_env());
    let clients = vigil_aws::AwsClients::new(&config.aws, vigil_aws::ClientOptions::default()).await;
    lambda_http::run(make(&clients, &config)?).await
}

/// Puts API Gateway's `sourceIp` where the router reads a client's address, as a server does.
async fn client_address(mut request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use lambda_http::request::RequestContext;
    let ip = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.as_deref().and_then(|ip| ip.parse::<std::net::IpAddr>().ok()),
        _ => None,
    };
    if let Some(ip) = ip {
        request.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(ip, 0)));
    }
    next.run(request).await
}

/// The OpenID provider of `VIGIL_OIDC_*`, sending people back to the callback under the public
/// URL; `None` when none is configured.
fn oidc_provider(config: &ApiConfig) -> anyhow::Result<Option<Arc<dyn OidcProvider>>> {
    let Some(oidc) = &config.oidc else { return Ok(None) };
    let settings = OidcSettings {
        issuer: oidc.issuer.clone(),
        client_id: oidc.client_id.clone(),
        client_secret: oidc.client_secret.clone(),
        display_name: oidc.display_name.clone(),
        extra_scopes: OidcSettings::scope_list(&oidc.extra_scopes),
        extra_root_certificates_pem: None,
    };
    let provider = OpenIdProvider::new(settings, &vigil_http::oidc_callback_url(&config.store.public_url))?;
    Ok(Some(Arc::new(provider)))
}
