//! The status function's routes are exactly the whole app's below the paths API Gateway sends
//! it (`infra/modules/vigil/api.tf`), with the same methods, less subscribing, which API Gateway
//! sends to the api: a request sent there can never find a 404 that `vigil serve` would not give.

use std::collections::{BTreeMap, BTreeSet};
use vigil_http::route_listing::routes_in;

/// The paths API Gateway sends the status function on Vigil's own host; on a page's own
/// domain it gets every request, which `own_domain` turns into one of these.
const STATUS_PREFIXES: [&str; 4] = ["/status/", "/badges/", "/api/v2/", "/assets/"];

/// The routes below those that API Gateway sends the api instead: subscribing queues a mail.
const SENT_TO_THE_API: [&str; 2] = ["/status/{slug}/subscribe", "/status/{slug}/subscription"];

#[test]
fn the_status_group_serves_every_public_page_route_of_the_whole_app() {
    let whole = routes_in(&format!("{:?}", crate::app_routes()));
    let public: BTreeMap<String, BTreeSet<String>> =
        whole.into_iter().filter(|(path, _)| STATUS_PREFIXES.iter().any(|prefix| path.starts_with(prefix))).collect();
    assert!(public.len() >= 12, "the whole app's public routes no longer parse: {public:?}");
    for path in ["/status/{slug}", "/status/{slug}/subscribe/confirm", "/badges/{token}/{file}", "/api/v2/{document}", "/assets/{name}"] {
        assert!(public.contains_key(path), "{path} is not in {public:?}");
    }
    // Subscribing is a POST alone on each path, so leaving the path out leaves out just that.
    for path in SENT_TO_THE_API {
        assert_eq!(public[path], BTreeSet::from(["POST".to_owned()]), "{path}");
    }
    let expected: BTreeMap<String, BTreeSet<String>> =
        public.into_iter().filter(|(path, _)| !SENT_TO_THE_API.contains(&path.as_str())).collect();
    let group = routes_in(&format!("{:?}", crate::status_routes()));
    assert_eq!(group, expected);
}

/// The API's paths, which API Gateway sends to the api and the route groups' functions.
const API_PREFIXES: [&str; 3] = ["/v1/", "/ping/", "/healthz"];

/// The pages' paths API Gateway sends the account pages' function (`infra/modules/vigil/api.tf`):
/// these exact paths, and everything below the prefixes.
const ACCOUNT_PAGE_PATHS: [&str; 5] = ["/setup", "/sign-in", "/sign-out", "/forgot-password", "/reset-password"];
const ACCOUNT_PAGE_PREFIXES: [&str; 5] = ["/sign-in/", "/organisation/", "/preferences/", "/invitations/", "/settings/"];

fn is_account_page(path: &str) -> bool {
    ACCOUNT_PAGE_PATHS.contains(&path) || ACCOUNT_PAGE_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// The pages' paths API Gateway sends the host pages' function: `/hosts` and everything below.
fn is_host_page(path: &str) -> bool {
    path == "/hosts" || path.starts_with("/hosts/")
}

/// The pages' paths API Gateway sends the alerting pages' function: these and everything below.
const ALERTING_PAGE_PATHS: [&str; 4] = ["/channels", "/rules", "/windows", "/mutes"];

fn is_alerting_page(path: &str) -> bool {
    ALERTING_PAGE_PATHS.iter().any(|page| path == *page || path.strip_prefix(page).is_some_and(|rest| rest.starts_with('/')))
}

/// The pages' routes API Gateway sends the check-now function: these paths, POST alone.
const CHECK_NOW_PAGE_PATHS: [&str; 2] = ["/monitors/try", "/monitors/{id}/check"];

fn is_check_now_page(path: &str) -> bool {
    CHECK_NOW_PAGE_PATHS.contains(&path)
}

/// The pages' paths API Gateway sends the tasks function: `/tasks` and everything below.
fn is_task_page(path: &str) -> bool {
    path == "/tasks" || path.starts_with("/tasks/")
}

/// The pages' paths API Gateway sends the triage function: `/incidents` and everything below.
fn is_incident_page(path: &str) -> bool {
    path == "/incidents" || path.starts_with("/incidents/")
}

/// The pages' paths API Gateway sends the publishing function: `/status-pages` and everything
/// below.
fn is_status_editor_page(path: &str) -> bool {
    path == "/status-pages" || path.starts_with("/status-pages/")
}

/// API Gateway sends the dashboard function every request that no other route takes
/// (`$default`), and a status page's subscription form: it must answer every page of the whole
/// app outside the API's, the account pages', the host pages', the alerting pages', the tasks',
/// the triage, the publishing, the check-now and the status function's paths, and the form, each
/// with the same methods (the dashboard serves every asset, the status function only the public
/// pages').
#[test]
fn the_dashboard_serves_every_page_of_the_whole_app_outside_the_api_and_the_other_page_functions() {
    let whole = routes_in(&format!("{:?}", crate::app_routes()));
    let elsewhere = |path: &str| {
        API_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
            || is_account_page(path)
            || is_host_page(path)
            || is_alerting_page(path)
            || is_check_now_page(path)
            || is_task_page(path)
            || is_incident_page(path)
            || is_status_editor_page(path)
            || (STATUS_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) && !path.starts_with("/assets/"))
    };
    let form = "/status/{slug}/subscription";
    let expected: BTreeMap<String, BTreeSet<String>> = whole.into_iter().filter(|(path, _)| path == form || !elsewhere(path)).collect();
    assert!(expected.len() >= 10, "the whole app's pages no longer parse: {expected:?}");
    for path in ["/", "/monitors/{id}", "/monitors/{id}/edit", "/assets/{name}", "/live", form] {
        assert!(expected.contains_key(path), "{path} is not in {expected:?}");
    }
    for path in [
        "/sign-in",
        "/settings/keys",
        "/hosts",
        "/hosts/{id}",
        "/channels",
        "/mutes",
        "/monitors/{id}/check",
        "/monitors/try",
        "/tasks",
        "/tasks/{id}",
        "/incidents",
        "/incidents/{id}",
        "/status-pages",
        "/status-pages/{id}/components",
    ] {
        assert!(!expected.contains_key(path), "{path} is in {expected:?}");
    }
    let dashboard = routes_in(&format!("{:?}", crate::dashboard_routes()));
    assert_eq!(dashboard, expected);
}

/// Holds a page function's router, `group` (its routes as `Debug` shows them), to the whole
/// app's routes whose path `below` takes: at least `least` of them, `named` among them.
fn assert_serves_exactly(group: String, below: fn(&str) -> bool, least: usize, named: &[&str]) {
    let whole = routes_in(&format!("{:?}", crate::app_routes()));
    let expected: BTreeMap<String, BTreeSet<String>> = whole.into_iter().filter(|(path, _)| below(path)).collect();
    assert!(expected.len() >= least, "the whole app's pages there no longer parse: {expected:?}");
    for path in named {
        assert!(expected.contains_key(*path), "{path} is not in {expected:?}");
    }
    assert_eq!(routes_in(&group), expected);
}

/// The same for the account pages' function: every page of the whole app below its paths.
#[test]
fn the_account_pages_serve_every_page_of_the_whole_app_below_their_paths() {
    let named = ["/setup", "/sign-in", "/sign-in/code", "/organisation/switch", "/invitations/accept", "/settings/keys"];
    assert_serves_exactly(format!("{:?}", crate::account_page_routes()), is_account_page, 20, &named);
}

/// The same for the host pages' function: every page of the whole app below its paths.
#[test]
fn the_host_pages_serve_every_page_of_the_whole_app_below_their_paths() {
    let named = ["/hosts", "/hosts/enrol", "/hosts/{id}", "/hosts/{id}/actions", "/hosts/{id}/revoke"];
    assert_serves_exactly(format!("{:?}", crate::host_page_routes()), is_host_page, 5, &named);
}

/// The same for the alerting pages' function: every page of the whole app below its paths.
#[test]
fn the_alerting_pages_serve_every_page_of_the_whole_app_below_their_paths() {
    let named = ["/channels", "/channels/{id}/test", "/rules/new", "/windows/{id}/edit", "/mutes", "/mutes/{monitor}/unmute"];
    assert_serves_exactly(format!("{:?}", crate::alerting_page_routes()), is_alerting_page, 15, &named);
}

/// The same for the tasks function's pages: every page of the whole app below their paths.
#[test]
fn the_task_pages_serve_every_page_of_the_whole_app_below_their_paths() {
    let named = ["/tasks", "/tasks/new", "/tasks/{id}", "/tasks/{id}/edit", "/tasks/{id}/pause", "/tasks/{id}/delete"];
    assert_serves_exactly(format!("{:?}", crate::task_page_routes()), is_task_page, 7, &named);
}

/// The same for the triage function's pages: every page of the whole app below their paths.
#[test]
fn the_incident_pages_serve_every_page_of_the_whole_app_below_their_paths() {
    let named = ["/incidents", "/incidents/{id}", "/incidents/{id}/acknowledge", "/incidents/{id}/resolve", "/incidents/{id}/publish"];
    assert_serves_exactly(format!("{:?}", crate::incident_page_routes()), is_incident_page, 6, &named);
}

/// The same for the publishing function's pages: the status pages' editor, every page of the
/// whole app below its paths.
#[test]
fn the_status_editor_pages_serve_every_page_of_the_whole_app_below_their_paths() {
    let named = [
        "/status-pages",
        "/status-pages/new",
        "/status-pages/{id}",
        "/status-pages/{id}/delete",
        "/status-pages/{id}/incidents/{incident}",
    ];
    assert_serves_exactly(format!("{:?}", crate::status_editor_page_routes()), is_status_editor_page, 10, &named);
}

/// The same for the check-now function's pages: both pages that run a check, and nothing else
/// (its API route is held to the whole router in shared/http).
#[test]
fn the_check_now_pages_are_exactly_the_pages_that_run_a_check() {
    let whole = routes_in(&format!("{:?}", crate::app_routes()));
    for path in CHECK_NOW_PAGE_PATHS {
        assert_eq!(whole[path], BTreeSet::from(["POST".to_owned()]), "{path}: API Gateway routes its POST alone");
    }
    assert_serves_exactly(format!("{:?}", crate::check_now_page_routes()), is_check_now_page, 2, &CHECK_NOW_PAGE_PATHS);
}
