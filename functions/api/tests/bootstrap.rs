//! The real `vigil-api` binary (and the other binaries of the package), started against a fake
//! Lambda Runtime API and the emulator, serves one API Gateway event; with its configuration
//! missing it refuses to start.

use std::path::Path;
use vigil_tests::emulator::Session;
use vigil_tests::lambda::sample_event;
use vigil_tests::runtime_api::{Answer, invoke_binary};

const BINARY: &str = env!("CARGO_BIN_EXE_vigil-api");
const ACCOUNTS: &str = env!("CARGO_BIN_EXE_vigil-accounts");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_an_api_gateway_event() {
    let session = Session::start().await;
    let run = invoke_binary(Path::new(BINARY), &session.function_env(), sample_event("apigw-healthz.json")).await;
    let Some(Answer::Response(answer)) = run.answer else { panic!("no response: {run:?}") };
    assert_eq!(answer["statusCode"], 200, "{answer}");
    assert_eq!(answer["body"], r#"{"status":"ok"}"#, "the health check reached DynamoDB: {answer}");
    assert!(run.init.is_some(), "it asked the runtime API for an event");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_configuration_stops_the_cold_start_with_one_line() {
    let env = [("AWS_REGION", "us-east-1".to_owned()), ("VIGIL_ARTEFACT_BUCKET", "b".to_owned())];
    let run = invoke_binary(Path::new(BINARY), &env, sample_event("apigw-healthz.json")).await;
    assert!(run.exit.is_some_and(|status| !status.success()), "{run:?}");
    assert!(run.init.is_none(), "it never asked for an event");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with("configuration error: VIGIL_TABLE is not set"), "{}", lines[0]);
    assert!(lines[0].contains("VIGIL_EVENTS_TOPIC_ARN is not set"), "{}", lines[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_cold_start_creates_the_tenant_of_the_configured_key_hash() {
    let session = Session::start().await;
    let key = vigil_tests::app::TEST_KEY;
    let mut env = session.function_env();
    env.push(("VIGIL_ADMIN_KEY_SHA256", vigil_domain::tenant::ApiKeySecret::presented(key).hash().0));
    // The accounts function makes the tenant at its first cold start.
    let event = vigil_tests::lambda::api_request("GET", "/v1/keys", Some(key), None);
    let answer = answer_of(Path::new(ACCOUNTS), &env, event.clone()).await;
    assert_eq!(answer["statusCode"], 200, "the key whose hash was configured is the admin key: {answer}");
    // A second cold start finds the tenant and creates nothing.
    let answer = answer_of(Path::new(ACCOUNTS), &env, event).await;
    assert_eq!(answer["statusCode"], 200, "{answer}");
    let keys: serde_json::Value = serde_json::from_str(answer["body"].as_str().unwrap_or_default()).unwrap();
    assert_eq!(keys["items"].as_array().map(Vec::len), Some(1), "one tenant, one key: {answer}");
    // The api reads it.
    let summary = vigil_tests::lambda::api_request("GET", "/v1/summary", Some(key), None);
    let answer = answer_of(Path::new(BINARY), &env, summary).await;
    assert_eq!(answer["statusCode"], 200, "{answer}");
    let wrong = vigil_tests::lambda::api_request("GET", "/v1/summary", Some("vk_not-the-configured-key-000000"), None);
    let answer = answer_of(Path::new(BINARY), &env, wrong).await;
    assert_eq!(answer["statusCode"], 401, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openid_provider_of_the_environment_is_offered_on_the_sign_in_page() {
    let session = Session::start().await;
    let mut env = session.function_env();
    let event = vigil_tests::lambda::api_request("GET", "/v1/auth/providers", None, None);
    let run = invoke_binary(Path::new(ACCOUNTS), &env, event.clone()).await;
    let Some(Answer::Response(answer)) = run.answer else { panic!("no response: {run:?}") };
    assert_eq!(answer["body"], r#"{"oidc":{"configured":false,"name":null}}"#, "{answer}");
    env.extend([
        ("VIGIL_OIDC_ISSUER", "https://id.example.com/realms/ops".to_owned()),
        ("VIGIL_OIDC_CLIENT_ID", "vigil".to_owned()),
        ("VIGIL_OIDC_CLIENT_SECRET", "a-secret-never-logged".to_owned()),
        ("VIGIL_OIDC_NAME", "Ops SSO".to_owned()),
    ]);
    let run = invoke_binary(Path::new(ACCOUNTS), &env, event).await;
    let Some(Answer::Response(answer)) = run.answer else { panic!("no response: {run:?}") };
    assert_eq!(answer["body"], r#"{"oidc":{"configured":true,"name":"Ops SSO"}}"#, "{answer}");
    assert!(!run.stderr.contains("a-secret-never-logged"), "the secret is never logged: {}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_binaries_serve_their_pages_the_account_pages_with_the_openid_provider_of_the_environment() {
    let session = Session::start().await;
    let mut env = session.function_env();
    env.extend([
        ("VIGIL_OIDC_ISSUER", "https://id.example.com/realms/ops".to_owned()),
        ("VIGIL_OIDC_CLIENT_ID", "vigil".to_owned()),
        ("VIGIL_OIDC_NAME", "Ops SSO".to_owned()),
    ]);
    // The accounts function's first cold start makes the tenant of the key, and its owner is set
    // up through it; until then the pages send everyone to set up.
    let key = vigil_tests::app::TEST_KEY;
    env.push(("VIGIL_ADMIN_KEY_SHA256", vigil_domain::tenant::ApiKeySecret::presented(key).hash().0));
    let owner = serde_json::json!({"email": "owner@example.com", "password": "correct horse battery staple", "name": "Owner"});
    let set_up = answer_of(Path::new(ACCOUNTS), &env, vigil_tests::lambda::api_request("POST", "/v1/setup", None, Some(&owner))).await;
    assert_eq!(set_up["statusCode"], 201, "{set_up}");
    let account_pages = Path::new(env!("CARGO_BIN_EXE_vigil-account-pages"));
    let answer = answer_of(account_pages, &env, sample_event("apigw-sign-in-page.json")).await;
    assert_eq!(answer["statusCode"], 200, "{answer}");
    let page = answer["body"].as_str().expect("an HTML body");
    assert!(page.contains("Ops SSO") && page.contains("/v1/auth/oidc/start"), "{page}");
    // The overview is the dashboard's, which sends a visitor without a session to sign in, and
    // answers the sign-in page and the API's paths as unknown.
    let dashboard = Path::new(env!("CARGO_BIN_EXE_vigil-dashboard"));
    let overview = answer_of(dashboard, &env, sample_event("apigw-overview-page.json")).await;
    assert_eq!(overview["statusCode"], 303, "{overview}");
    assert!(overview["headers"]["location"].as_str().unwrap_or_default().contains("/sign-in?next="), "{overview}");
    let sign_in = answer_of(dashboard, &env, sample_event("apigw-sign-in-page.json")).await;
    assert_eq!(sign_in["statusCode"], 404, "{sign_in}");
    let api_path = answer_of(dashboard, &env, vigil_tests::lambda::api_request("GET", "/v1/summary", Some(key), None)).await;
    assert_eq!(api_path["statusCode"], 404, "{api_path}");
    let overview = answer_of(account_pages, &env, sample_event("apigw-overview-page.json")).await;
    assert_eq!(overview["statusCode"], 404, "the account pages' function has no overview: {overview}");
    // The hosts' and alerting's pages are their own functions': each sends a visitor without a
    // session to sign in, and the dashboard answers them as unknown.
    let host_pages = Path::new(env!("CARGO_BIN_EXE_vigil-host-pages"));
    let alerting_pages = Path::new(env!("CARGO_BIN_EXE_vigil-alerting-pages"));
    for (pages, event) in [(host_pages, "apigw-hosts-page.json"), (alerting_pages, "apigw-channels-page.json")] {
        let page = answer_of(pages, &env, sample_event(event)).await;
        assert_eq!(page["statusCode"], 303, "{event}: {page}");
        assert!(page["headers"]["location"].as_str().unwrap_or_default().contains("/sign-in?next="), "{event}: {page}");
        let page = answer_of(dashboard, &env, sample_event(event)).await;
        assert_eq!(page["statusCode"], 404, "the dashboard does not serve {event}: {page}");
    }
    let overview = answer_of(host_pages, &env, sample_event("apigw-overview-page.json")).await;
    assert_eq!(overview["statusCode"], 404, "the host pages' function has no overview: {overview}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sso_binary_goes_to_the_provider_of_its_environment() {
    let session = Session::start().await;
    let mut env = session.function_env();
    let sso = Path::new(env!("CARGO_BIN_EXE_vigil-sso"));
    let start = vigil_tests::lambda::api_request("GET", "/v1/auth/oidc/start", None, None);
    let answer = answer_of(sso, &env, start.clone()).await;
    assert_eq!(answer["statusCode"], 404, "no provider configured: {answer}");
    // A provider nothing answers for: the start reaches for its discovery document.
    env.extend([("VIGIL_OIDC_ISSUER", "http://127.0.0.1:9/realms/ops".to_owned()), ("VIGIL_OIDC_CLIENT_ID", "vigil".to_owned())]);
    let answer = answer_of(sso, &env, start).await;
    assert_eq!(answer["statusCode"], 502, "{answer}");
    assert!(answer["body"].as_str().unwrap_or_default().contains("oidc-provider-unreachable"), "{answer}");
}

/// What `binary` answered to `event`, cold-started with `env`.
async fn answer_of(binary: &Path, env: &[(&'static str, String)], event: serde_json::Value) -> serde_json::Value {
    let run = invoke_binary(binary, env, event).await;
    let Some(Answer::Response(answer)) = run.answer else { panic!("no response: {run:?}") };
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_route_group_binaries_serve_their_routes() {
    let session = Session::start().await;
    let key = vigil_tests::app::TEST_KEY;
    let mut env = session.function_env();
    env.push(("VIGIL_ADMIN_KEY_SHA256", vigil_domain::tenant::ApiKeySecret::presented(key).hash().0));
    // The accounts function's first cold start makes the tenant of the key; the groups'
    // functions read it.
    let keys = answer_of(Path::new(ACCOUNTS), &env, vigil_tests::lambda::api_request("GET", "/v1/keys", Some(key), None)).await;
    assert_eq!(keys["statusCode"], 200, "{keys}");
    let groups = [
        (
            env!("CARGO_BIN_EXE_vigil-monitors"),
            "/v1/monitors",
            serde_json::json!({"name": "shop", "url": "http://127.0.0.1:9/", "interval_seconds": 60}),
        ),
        (env!("CARGO_BIN_EXE_vigil-tasks"), "/v1/tasks", serde_json::json!({"name": "shop", "period_seconds": 3600})),
        (
            env!("CARGO_BIN_EXE_vigil-alerting"),
            "/v1/channels",
            serde_json::json!({"name": "shop", "type": "webhook", "url": "http://127.0.0.1:9/"}),
        ),
        (env!("CARGO_BIN_EXE_vigil-hosts"), "/v1/enrolments", serde_json::json!({"name": "shop"})),
    ];
    for (binary, path, body) in groups {
        let binary = Path::new(binary);
        let created = answer_of(binary, &env, vigil_tests::lambda::api_request("POST", path, Some(key), Some(&body))).await;
        assert_eq!(created["statusCode"], 201, "{path}: {created}");
        let listed = answer_of(binary, &env, vigil_tests::lambda::api_request("GET", path, Some(key), None)).await;
        let page: serde_json::Value = serde_json::from_str(listed["body"].as_str().unwrap_or_default()).unwrap();
        assert_eq!(page["items"][0]["name"], "shop", "{path}: {listed}");
        let wrong = vigil_tests::lambda::api_request("GET", path, Some("vk_not-the-configured-key-000000"), None);
        let refused = answer_of(binary, &env, wrong).await;
        assert_eq!(refused["statusCode"], 401, "{path}: {refused}");
    }

    // The check-now function checks the monitor made above (nothing listens on its port).
    let monitors = Path::new(env!("CARGO_BIN_EXE_vigil-monitors"));
    let listed = answer_of(monitors, &env, vigil_tests::lambda::api_request("GET", "/v1/monitors", Some(key), None)).await;
    let page: serde_json::Value = serde_json::from_str(listed["body"].as_str().unwrap_or_default()).unwrap();
    let id = page["items"][0]["id"].as_str().expect("the monitor's id").to_owned();
    let check_now = Path::new(env!("CARGO_BIN_EXE_vigil-check-now"));
    let checked =
        answer_of(check_now, &env, vigil_tests::lambda::api_request("POST", &format!("/v1/monitors/{id}/check"), Some(key), None)).await;
    assert_eq!(checked["statusCode"], 200, "{checked}");
    let check: serde_json::Value = serde_json::from_str(checked["body"].as_str().unwrap_or_default()).unwrap();
    assert_eq!(check["check"]["result"], "down", "{check}");

    // The triage function lists the (no) incidents of the key's organisation.
    let triage = Path::new(env!("CARGO_BIN_EXE_vigil-triage"));
    let listed = answer_of(triage, &env, vigil_tests::lambda::api_request("GET", "/v1/incidents", Some(key), None)).await;
    assert_eq!(listed["statusCode"], 200, "{listed}");
    let page: serde_json::Value = serde_json::from_str(listed["body"].as_str().unwrap_or_default()).unwrap();
    assert_eq!(page["items"], serde_json::json!([]), "{listed}");

    // The status function serves a page the publishing function made, to anyone, and a 404
    // page for no page.
    let page = serde_json::json!({"name": "Shop status", "slug": "shop"});
    let publishing = Path::new(env!("CARGO_BIN_EXE_vigil-publishing"));
    let made = answer_of(publishing, &env, vigil_tests::lambda::api_request("POST", "/v1/status-pages", Some(key), Some(&page))).await;
    assert_eq!(made["statusCode"], 201, "{made}");
    let status = Path::new(env!("CARGO_BIN_EXE_vigil-status"));
    let shown = answer_of(status, &env, vigil_tests::lambda::api_request("GET", "/status/shop", None, None)).await;
    assert_eq!(shown["statusCode"], 200, "{shown}");
    assert!(shown["body"].as_str().unwrap_or_default().contains("Shop status"), "{shown}");
    let missing = answer_of(status, &env, vigil_tests::lambda::api_request("GET", "/status/nobody", None, None)).await;
    assert_eq!(missing["statusCode"], 404, "{missing}");
}
