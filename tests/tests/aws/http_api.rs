//! The deployment's main HTTP API as API Gateway routes it: each request goes to the function
//! whose route of functions/manifest.json API Gateway would choose (`scripts/check-infra` holds
//! Terraform's routes to the manifest's), each function's handler over its own wiring. The tests
//! that set up through the API, and act through one function, go through it, so a request sent to
//! the wrong function (a route left out of the manifest, or a handler left out of a group) fails
//! them as it would fail in a deployment.

use axum::Router;
use axum::extract::Request;
use axum::http::Method;
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt as _;
use vigil_aws::wiring;
use vigil_tests::emulator::Session;

/// The routes of the pages' own domains, which have an HTTP API of their own (its `$default` is
/// the status function's, its subscribing routes the api's and the dashboard's): not modelled.
const OWN_DOMAIN_ROUTES: [(&str, &str); 3] = [("status", "$default"), ("api", "POST /subscribe"), ("dashboard", "POST /subscription")];

/// `(function, route key)` of every route of the main HTTP API in functions/manifest.json.
fn manifest_routes() -> Vec<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/manifest.json");
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("functions/manifest.json")).expect("JSON");
    let mut routes = Vec::new();
    for function in manifest["functions"].as_array().expect("functions") {
        if function["trigger"]["type"] != "API Gateway HTTP API" {
            continue;
        }
        let name = function["name"].as_str().expect("a name");
        for key in function["trigger"]["routes"].as_array().expect("routes") {
            let key = key.as_str().expect("a route key");
            if !OWN_DOMAIN_ROUTES.contains(&(name, key)) {
                routes.push((name.to_owned(), key.to_owned()));
            }
        }
    }
    routes
}

/// How specifically `key` matches `method` and `path`, or `None` if it does not: a route without
/// a greedy variable over one with it; then the more literal path segments (before the greedy
/// variable); then a method over `ANY`. `$default` matches everything, least specifically.
fn specificity(key: &str, method: &Method, path: &str) -> Option<(bool, usize, bool)> {
    if key == "$default" {
        return Some((false, 0, false));
    }
    let (route_method, route_path) = key.split_once(' ')?;
    if route_method != "ANY" && route_method != method.as_str() {
        return None;
    }
    let pattern: Vec<&str> = route_path.trim_start_matches('/').split('/').collect();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let greedy = pattern.last().is_some_and(|last| last.ends_with("+}"));
    let fixed = if greedy { pattern.len() - 1 } else { pattern.len() };
    if segments.len() < fixed || (!greedy && segments.len() != fixed) || (greedy && segments.len() == fixed) {
        return None;
    }
    let mut literals = 0;
    for (part, segment) in pattern[..fixed].iter().zip(&segments) {
        if part.starts_with('{') {
            if segment.is_empty() {
                return None;
            }
        } else if part == segment {
            literals += 1;
        } else {
            return None;
        }
    }
    Some((!greedy, literals, route_method != "ANY"))
}

/// The function API Gateway sends `method` `path` to, by `routes`.
fn function_for<'a>(routes: &'a [(String, String)], method: &Method, path: &str) -> Option<&'a str> {
    let matching = routes.iter().filter_map(|(function, key)| Some((specificity(key, method, path)?, function.as_str())));
    matching.max_by_key(|(rank, _)| *rank).map(|(_, function)| function)
}

/// The main HTTP API of a deployment on `session`'s emulator: each function's handler over its
/// own wiring, as its `main` wires it (no agents' WebSocket API), chosen per request as API
/// Gateway would.
pub fn http_api(session: &Session) -> Router {
    let functions: HashMap<&str, Router> = HashMap::from([
        ("api", vigil_fn_api::app(session.api_deps())),
        ("dashboard", vigil_fn_api::dashboard_app(session.wired(wiring::dashboard_deps))),
        ("host-pages", vigil_fn_api::host_pages_app(session.wired(wiring::hosts_deps), None)),
        ("alerting-pages", vigil_fn_api::alerting_pages_app(session.wired(wiring::alerting_page_deps))),
        ("account-pages", vigil_fn_api::account_pages_app(session.wired(wiring::accounts_deps))),
        ("accounts", vigil_fn_api::accounts_app(session.wired(wiring::accounts_deps))),
        ("sso", vigil_fn_api::sso_app(session.wired(wiring::sso_deps))),
        ("monitors", vigil_fn_api::monitors_app(session.wired(wiring::monitors_deps))),
        ("check-now", vigil_fn_api::check_now_app(session.wired(vigil_fn_api::check_now_deps))),
        ("tasks", vigil_fn_api::tasks_app(session.wired(wiring::tasks_deps))),
        ("alerting", vigil_fn_api::alerting_app(session.wired(wiring::alerting_deps))),
        ("hosts", vigil_fn_api::hosts_app(session.wired(wiring::hosts_deps), None)),
        ("publishing", vigil_fn_api::publishing_app(session.wired(wiring::publishing_deps))),
        ("triage", vigil_fn_api::triage_app(session.wired(wiring::triage_deps))),
        ("status", vigil_fn_api::status_app(session.wired(wiring::status_deps))),
        ("heartbeat", vigil_fn_heartbeat::app(session.wired(wiring::heartbeat_deps))),
    ]);
    let routing = Arc::new((manifest_routes(), functions));
    Router::new().fallback(move |request: Request| {
        let routing = routing.clone();
        async move {
            let (routes, functions) = &*routing;
            let function = function_for(routes, request.method(), request.uri().path()).expect("$default takes every request");
            let router = functions.get(function).unwrap_or_else(|| panic!("no handler for the manifest's function {function}"));
            router.clone().oneshot(request).await.expect("a router's answer")
        }
    })
}

#[test]
fn each_request_goes_to_the_function_whose_route_is_the_most_specific() {
    let routes = manifest_routes();
    for (method, path, function) in [
        ("GET", "/sign-in", "account-pages"),
        ("POST", "/sign-in/code", "account-pages"),
        ("GET", "/setup", "account-pages"),
        ("GET", "/settings/keys", "account-pages"),
        ("POST", "/preferences/theme", "account-pages"),
        ("GET", "/invitations/accept", "account-pages"),
        ("GET", "/sign-in-elsewhere", "dashboard"),
        ("GET", "/channels", "alerting-pages"),
        ("POST", "/channels/abc/test", "alerting-pages"),
        ("GET", "/rules/new", "alerting-pages"),
        ("POST", "/windows/abc/delete", "alerting-pages"),
        ("POST", "/mutes/abc/unmute", "alerting-pages"),
        ("GET", "/channels-elsewhere", "dashboard"),
        ("GET", "/incidents", "triage"),
        ("POST", "/incidents/abc/publish", "triage"),
        ("GET", "/incidents-elsewhere", "dashboard"),
        ("GET", "/hosts", "host-pages"),
        ("POST", "/hosts/enrol", "host-pages"),
        ("POST", "/hosts/abc/actions", "host-pages"),
        ("GET", "/hosts-elsewhere", "dashboard"),
        ("GET", "/", "dashboard"),
        ("GET", "/monitors/abc/edit", "dashboard"),
        ("POST", "/monitors/abc/check", "check-now"),
        ("POST", "/monitors/try", "check-now"),
        ("POST", "/monitors/assertions", "dashboard"),
        ("POST", "/monitors/abc/pause", "dashboard"),
        ("GET", "/assets/app.0123.css", "dashboard"),
        ("GET", "/healthz", "api"),
        ("POST", "/v1/auth/token", "accounts"),
        ("GET", "/v1/auth/oidc/callback", "sso"),
        ("GET", "/v1/auth/oidc/start", "sso"),
        ("GET", "/v1/auth/providers", "accounts"),
        ("POST", "/v1/setup", "accounts"),
        ("GET", "/v1/organisations", "accounts"),
        ("DELETE", "/v1/keys/abc", "accounts"),
        ("GET", "/v1/audit-log", "accounts"),
        ("GET", "/v1/openapi.json", "api"),
        ("GET", "/v1/summary", "api"),
        ("GET", "/v1/monitors", "monitors"),
        ("GET", "/v1/monitors/abc", "monitors"),
        ("DELETE", "/v1/monitors/abc", "monitors"),
        ("POST", "/v1/monitors/abc/check", "check-now"),
        ("GET", "/v1/monitors/abc/check", "monitors"),
        ("GET", "/v1/monitors/abc/checks", "monitors"),
        ("POST", "/v1/channels", "alerting"),
        ("POST", "/v1/channels/abc/test", "alerting"),
        ("GET", "/v1/deliveries/failed", "alerting"),
        ("GET", "/v1/incidents/abc", "triage"),
        ("POST", "/v1/incidents/abc/publish", "publishing"),
        ("GET", "/v1/hosts", "hosts"),
        ("POST", "/v1/tasks", "tasks"),
        ("GET", "/tasks", "tasks"),
        ("POST", "/tasks/abc/pause", "tasks"),
        ("GET", "/tasks-elsewhere", "dashboard"),
        ("GET", "/status-pages", "publishing"),
        ("POST", "/status-pages/abc/components", "publishing"),
        ("GET", "/status-pages-elsewhere", "dashboard"),
        ("GET", "/status/acme", "status"),
        ("POST", "/status/acme/subscribe", "api"),
        ("POST", "/status/acme/subscription", "dashboard"),
        ("GET", "/badges/tok/uptime.svg", "status"),
        ("POST", "/ping/abc", "heartbeat"),
    ] {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        assert_eq!(function_for(&routes, &method, path), Some(function), "{method} {path}");
    }
}
