//! Every route the real router serves is in the OpenAPI document, with every method it
//! answers, and the document has nothing the router lacks; each route group serves what the
//! whole router does below its paths. The routes are read from the routers' `Debug` form (see
//! [`crate::route_listing`]).

use crate::route_listing::routes_in;
use std::collections::{BTreeMap, BTreeSet};

/// `(path, methods)` of every operation of the document.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let document: serde_json::Value = serde_json::from_str(crate::openapi::document_json()).expect("the document is JSON");
    let paths = document["paths"].as_object().expect("the document has paths");
    paths
        .iter()
        .map(|(path, item)| {
            let methods = item.as_object().expect("a path item").keys().filter(|k| k.as_str() != "parameters").map(|m| m.to_uppercase());
            (path.clone(), methods.collect())
        })
        .collect()
}

#[test]
fn every_route_is_documented() {
    let served = routes_in(&format!("{:?}", crate::stateless_router()));
    assert!(served.len() >= 30, "the router's Debug form no longer parses: found only {served:?}");
    assert!(served.contains_key("/v1/monitors/{id}/checks/{check_id}") && served.contains_key("/healthz"), "{served:?}");
    let documented = documented();
    for (path, methods) in &served {
        let Some(in_document) = documented.get(path) else { panic!("{path} is served but not in the OpenAPI document") };
        if methods.contains("ANY") {
            assert!(!in_document.is_empty(), "{path}: the document lists no method");
        } else {
            assert_eq!(methods, in_document, "{path}: the router answers {methods:?}, the document says {in_document:?}");
        }
    }
    let missing: Vec<_> = documented.keys().filter(|path| !served.contains_key(*path)).collect();
    assert!(missing.is_empty(), "documented but not served: {missing:?}");
}

#[test]
fn the_debug_form_parser_reads_paths_and_methods() {
    let debug = r#"Router { path_router: PathRouter { routes: {RouteId(1): MethodRouter(MethodRouter { get: BoxedHandler, allow_header: Bytes(b"GET,HEAD,DELETE") }), RouteId(2): MethodRouter(MethodRouter { fallback: BoxedHandler, allow_header: Skip })}, node: Node { paths: {RouteId(2): "/ping/{*rest}", RouteId(1): "/v1/x/{id}"} } }, fallback_router: PathRouter { routes: {RouteId(9): MethodRouter(MethodRouter { allow_header: Bytes(b"POST") })}, node: Node { paths: {RouteId(9): "/"} } } }"#;
    let routes = routes_in(debug);
    assert_eq!(routes.len(), 2, "{routes:?}");
    assert_eq!(routes["/v1/x/{id}"], BTreeSet::from(["GET".to_owned(), "DELETE".to_owned()]));
    assert_eq!(routes["/ping/{rest}"], BTreeSet::from(["ANY".to_owned()]));
}

#[test]
fn shared_errors_follow_the_shape_of_each_operation() {
    let document: serde_json::Value = serde_json::from_str(crate::openapi::document_json()).unwrap();
    let statuses = |path: &str, method: &str| -> BTreeSet<String> {
        document["paths"][path][method]["responses"].as_object().unwrap_or_else(|| panic!("{method} {path}")).keys().cloned().collect()
    };
    let set = |codes: &[&str]| codes.iter().map(|c| (*c).to_owned()).collect::<BTreeSet<_>>();
    assert_eq!(statuses("/v1/monitors", "post"), set(&["201", "400", "401", "403", "413", "415", "500"]));
    assert_eq!(statuses("/v1/monitors", "get"), set(&["200", "400", "401", "403", "500"]));
    assert_eq!(statuses("/v1/monitors/{id}", "patch"), set(&["200", "400", "401", "403", "404", "412", "413", "415", "500"]));
    assert_eq!(statuses("/v1/summary", "get"), set(&["200", "401", "403", "500"]));
    assert_eq!(statuses("/healthz", "get"), set(&["200", "500"]));
    assert_eq!(statuses("/ping/{rest}", "post"), set(&["200", "400", "404", "500"]));
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["components"]["securitySchemes"]["api_key"]["scheme"], "bearer");
    let problem = &document["components"]["responses"]["NotFound"]["content"]["application/problem+json"]["schema"]["$ref"];
    assert_eq!(problem, "#/components/schemas/Problem");
    let limit = document["paths"]["/v1/tasks"]["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "limit").cloned();
    assert_eq!(limit.map(|p| p["schema"]["maximum"].clone()), Some(serde_json::json!(500)), "pagination is documented");
}

#[test]
fn account_routes_say_what_they_answer_and_which_credentials_they_take() {
    let document: serde_json::Value = serde_json::from_str(crate::openapi::document_json()).unwrap();
    let operation = |path: &str, method: &str| document["paths"][path][method].clone();
    let statuses = |path: &str, method: &str| -> BTreeSet<String> {
        operation(path, method)["responses"].as_object().unwrap_or_else(|| panic!("{method} {path}")).keys().cloned().collect()
    };
    let set = |codes: &[&str]| codes.iter().map(|c| (*c).to_owned()).collect::<BTreeSet<_>>();

    // Sign-in: no credentials, so no shared 401 or 403, but its own 401 (with the ticket), 403 and 429.
    assert_eq!(statuses("/v1/auth/token", "post"), set(&["200", "400", "401", "403", "413", "415", "429", "500"]));
    assert_eq!(operation("/v1/auth/token", "post")["security"], serde_json::json!([{}]), "public");
    assert_eq!(
        operation("/v1/auth/token", "post")["responses"]["401"]["$ref"],
        "#/components/responses/SignInRefused",
        "the 401 of a sign-in carries the second factor's ticket"
    );
    let refused = &document["components"]["responses"]["SignInRefused"];
    assert_eq!(refused["content"]["application/problem+json"]["schema"]["$ref"], "#/components/schemas/SignInRefusal");
    let ticket = &document["components"]["schemas"]["SignInRefusal"];
    assert!(ticket.to_string().contains("\"ticket\"") && ticket.to_string().contains("Problem"), "{ticket}");
    let throttled = &document["components"]["responses"]["TooManyAttempts"];
    assert_eq!(throttled["headers"]["Retry-After"]["schema"]["type"], "integer", "{throttled}");
    for (path, method) in [
        ("/v1/setup", "post"),
        ("/v1/auth/token", "post"),
        ("/v1/auth/revoke", "post"),
        ("/v1/auth/session", "post"),
        ("/v1/auth/session", "delete"),
        ("/v1/auth/password-reset", "post"),
        ("/v1/auth/password-reset/confirm", "post"),
        ("/v1/invitations/accept", "post"),
        ("/v1/auth/providers", "get"),
        ("/v1/auth/oidc/start", "get"),
        ("/v1/auth/oidc/callback", "get"),
    ] {
        assert_eq!(operation(path, method)["security"], serde_json::json!([{}]), "{method} {path} needs no credentials");
    }
    assert_eq!(statuses("/v1/setup", "post"), set(&["201", "400", "409", "413", "415", "500"]));
    assert!(statuses("/v1/auth/password-reset", "post").contains("429"));
    assert_eq!(operation("/v1/auth/oidc/start", "get")["responses"]["302"]["headers"]["Location"]["schema"]["type"], "string");

    // Everything else: a key or token, or the cookie (with the CSRF token on changes).
    let bearer_or_cookie = serde_json::json!([{"api_key": []}, {"session_cookie": []}]);
    let with_csrf = serde_json::json!([{"api_key": []}, {"session_cookie": [], "csrf_token": []}]);
    assert_eq!(operation("/v1/keys", "get")["security"], bearer_or_cookie);
    assert_eq!(operation("/v1/keys", "post")["security"], with_csrf);
    assert_eq!(operation("/v1/monitors", "post")["security"], with_csrf);
    assert_eq!(operation("/v1/auth/session", "get")["security"], serde_json::json!([{"session_cookie": []}]));
    assert_eq!(statuses("/v1/keys/{id}", "delete"), set(&["200", "401", "403", "404", "500"]));
    assert_eq!(statuses("/v1/members/{id}", "patch"), set(&["204", "400", "401", "403", "404", "409", "413", "415", "500"]));
    assert_eq!(statuses("/v1/me", "get"), set(&["200", "400", "401", "403", "500"]));
    assert_eq!(document["components"]["securitySchemes"]["session_cookie"]["in"], "cookie");
    assert_eq!(document["components"]["securitySchemes"]["session_cookie"]["name"], "vigil_session");
    assert_eq!(document["components"]["securitySchemes"]["csrf_token"]["name"], "X-CSRF-Token");
    let audit = operation("/v1/audit-log", "get")["parameters"].as_array().unwrap().iter().map(|p| p["name"].clone()).collect::<Vec<_>>();
    assert_eq!(audit, ["actor", "action", "target_kind", "target_id", "since", "until", "cursor", "limit"].map(serde_json::Value::from));
    let created_key = &operation("/v1/keys", "post")["responses"]["201"]["links"];
    assert!(created_key.get("revoke_key").is_some(), "a created key links to its revocation: {created_key}");
}

/// The routes of the whole router below `prefix` (the path itself and what is under it), less
/// the `(method, path)` pairs that API Gateway sends elsewhere.
fn routes_below(prefix: &str, sent_elsewhere: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
    let mut routes = BTreeMap::new();
    for (path, mut methods) in routes_in(&format!("{:?}", crate::stateless_router())) {
        if path != prefix && !path.starts_with(&format!("{prefix}/")) {
            continue;
        }
        methods.retain(|method| !sent_elsewhere.contains(&(method.as_str(), path.as_str())));
        if !methods.is_empty() {
            routes.insert(path, methods);
        }
    }
    routes
}

/// API Gateway sends `/v1/monitors` and everything below it to the monitors function, but
/// "check now" (`infra/modules/vigil/api.tf`): the function must answer exactly those routes of
/// the whole router, with the same methods, or a request would find a 404 there.
#[test]
fn the_monitors_group_serves_every_monitor_route_but_check_now() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_monitor_routes())));
    let expected = routes_below("/v1/monitors", &[("POST", "/v1/monitors/{id}/check")]);
    assert!(expected.len() >= 8, "the whole router's monitor routes no longer parse: {expected:?}");
    assert!(expected["/v1/monitors/{id}"].contains("PATCH") && expected["/v1/monitors/{id}"].contains("DELETE"), "{expected:?}");
    assert!(!expected.contains_key("/v1/monitors/{id}/check"), "{expected:?}");
    assert_eq!(group, expected);
}

/// The same for the check-now function, which API Gateway sends `POST /v1/monitors/{id}/check`
/// alone.
#[test]
fn the_check_now_group_serves_running_a_check_now() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_check_now_routes())));
    let whole = routes_below("/v1/monitors", &[]);
    let expected = BTreeMap::from([("/v1/monitors/{id}/check".to_owned(), whole["/v1/monitors/{id}/check"].clone())]);
    assert_eq!(expected["/v1/monitors/{id}/check"], BTreeSet::from(["POST".to_owned()]));
    assert_eq!(group, expected);
}

/// The same for the tasks function, which API Gateway sends all of `/v1/tasks`.
#[test]
fn the_tasks_group_serves_every_task_route() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_task_routes())));
    let expected = routes_below("/v1/tasks", &[]);
    assert!(expected.len() >= 6, "the whole router's task routes no longer parse: {expected:?}");
    assert_eq!(group, expected);
}

/// The same for the alerting function, which API Gateway sends `/v1/channels`,
/// `/v1/alert-rules`, `/v1/maintenance-windows` and `/v1/deliveries` and what is below them, a
/// channel's test send included.
#[test]
fn the_alerting_group_serves_every_alerting_route() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_alerting_routes())));
    let mut expected = BTreeMap::new();
    for prefix in ["/v1/channels", "/v1/alert-rules", "/v1/maintenance-windows", "/v1/deliveries"] {
        expected.extend(routes_below(prefix, &[]));
    }
    assert!(expected.len() >= 8, "the whole router's alerting routes no longer parse: {expected:?}");
    assert!(expected.contains_key("/v1/deliveries/failed") && expected.contains_key("/v1/channels/{id}/test"), "{expected:?}");
    assert_eq!(group, expected);
}

/// The same for the hosts function, which API Gateway sends all of `/v1/hosts`,
/// `/v1/enrolments`, `/v1/host-rules` and `/v1/actions`.
#[test]
fn the_hosts_group_serves_every_host_route() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_host_routes())));
    let mut expected = BTreeMap::new();
    for prefix in ["/v1/hosts", "/v1/enrolments", "/v1/host-rules", "/v1/actions"] {
        expected.extend(routes_below(prefix, &[]));
    }
    assert!(expected.len() >= 10, "the whole router's host routes no longer parse: {expected:?}");
    assert!(expected.contains_key("/v1/hosts/{id}/actions") && expected.contains_key("/v1/actions/{id}"), "{expected:?}");
    assert_eq!(group, expected);
}

/// The same for the publishing function, which API Gateway sends all of `/v1/status-pages`,
/// `/v1/public-incidents` and `/v1/badges`, and an incident's publishing.
#[test]
fn the_publishing_group_serves_every_route_of_the_pages_editors() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_publishing_routes())));
    let mut expected = BTreeMap::new();
    for prefix in ["/v1/status-pages", "/v1/public-incidents", "/v1/badges", "/v1/incidents/{id}/publish"] {
        expected.extend(routes_below(prefix, &[]));
    }
    assert!(expected.len() >= 9, "the whole router's editors' routes no longer parse: {expected:?}");
    assert!(expected["/v1/incidents/{id}/publish"].contains("POST"), "{expected:?}");
    assert_eq!(group, expected);
}

/// The same for the triage function, which API Gateway sends `/v1/incidents` and everything
/// below it but publishing an incident (the publishing function's).
#[test]
fn the_triage_group_serves_every_incident_route_but_publishing() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_triage_routes())));
    let expected = routes_below("/v1/incidents", &[("POST", "/v1/incidents/{id}/publish")]);
    assert!(expected.len() >= 4 && !expected.contains_key("/v1/incidents/{id}/publish"), "{expected:?}");
    assert_eq!(group, expected);
}

/// The paths API Gateway sends the accounts function (`infra/modules/vigil/api.tf`), each with
/// what is below it.
const ACCOUNT_PREFIXES: [&str; 9] = [
    "/v1/setup",
    "/v1/auth",
    "/v1/me",
    "/v1/organisation",
    "/v1/organisations",
    "/v1/members",
    "/v1/invitations",
    "/v1/keys",
    "/v1/audit-log",
];

/// The same for the accounts function, which API Gateway sends all of the account's paths but
/// signing in through the OpenID provider (`/v1/auth/oidc/…`, the sso function's).
#[test]
fn the_accounts_group_serves_every_route_of_the_account_but_the_providers_sign_in() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_account_routes())));
    let mut expected = BTreeMap::new();
    for prefix in ACCOUNT_PREFIXES {
        expected.extend(routes_below(prefix, &[]));
    }
    let sso = routes_below(SSO_PREFIX, &[]);
    expected.retain(|path, _| !sso.contains_key(path));
    assert!(expected.len() >= 25, "the whole router's account routes no longer parse: {expected:?}");
    for path in ["/v1/auth/token", "/v1/auth/providers", "/v1/me", "/v1/organisations", "/v1/keys/{id}", "/v1/audit-log"] {
        assert!(expected.contains_key(path), "{path} is not in {expected:?}");
    }
    assert_eq!(group, expected);
}

/// The path API Gateway sends the sso function, with what is below it.
const SSO_PREFIX: &str = "/v1/auth/oidc";

/// The same for the sso function, which API Gateway sends `/v1/auth/oidc/…`.
#[test]
fn the_sso_group_serves_signing_in_through_the_provider() {
    let group = routes_in(&format!("{:?}", crate::route_groups::v1_group(crate::route_groups::plain_sso_routes())));
    let expected = routes_below(SSO_PREFIX, &[]);
    assert_eq!(expected.keys().collect::<Vec<_>>(), ["/v1/auth/oidc/callback", "/v1/auth/oidc/start"], "{expected:?}");
    assert_eq!(group, expected);
}

/// API Gateway sends the api function every `/v1` route that no group's route is more specific
/// than, `/healthz`, and subscribing to a status page (`infra/modules/vigil/api.tf`): the
/// function must answer exactly the whole router's routes that no group serves there. Each
/// group's own routes are its router's (the tests above hold those to the whole router).
#[test]
fn the_api_function_serves_every_v1_route_that_no_group_serves() {
    use crate::route_groups::{
        plain_account_routes, plain_alerting_routes, plain_check_now_routes, plain_host_routes, plain_monitor_routes,
        plain_publishing_routes, plain_sso_routes, plain_task_routes, plain_triage_routes, v1_group,
    };
    let mut expected = routes_below("/v1", &[]);
    let groups = [
        plain_monitor_routes,
        plain_check_now_routes,
        plain_task_routes,
        plain_alerting_routes,
        plain_host_routes,
        plain_publishing_routes,
        plain_triage_routes,
        plain_account_routes,
        plain_sso_routes,
    ];
    for group in groups {
        for (path, methods) in routes_in(&format!("{:?}", v1_group(group()))) {
            let left = expected.entry(path).or_default();
            left.retain(|method| !methods.contains(method));
        }
    }
    expected.retain(|_, methods| !methods.is_empty());
    let whole = routes_in(&format!("{:?}", crate::stateless_router()));
    for path in ["/healthz", "/status/{slug}/subscribe"] {
        expected.insert(path.to_owned(), whole[path].clone());
    }
    assert!(expected.len() >= 5, "the whole router's routes no longer parse: {expected:?}");
    for path in ["/v1/summary", "/v1/openapi.json"] {
        assert!(expected.contains_key(path), "{path} is not in {expected:?}");
    }
    assert!(!expected.contains_key("/v1/channels/{id}/test"), "a channel's test send is the alerting function's: {expected:?}");
    assert!(
        !expected.keys().any(|path| path.starts_with("/v1/monitors")),
        "a monitor's routes are the monitors' and the check-now function's: {expected:?}"
    );
    assert!(!expected.contains_key("/v1/auth/token"), "sign-in is the accounts function's: {expected:?}");
    assert_eq!(routes_in(&format!("{:?}", crate::api_function_routes())), expected);
}
