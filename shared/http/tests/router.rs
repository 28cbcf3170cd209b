//! The router answered in-process with `tower::ServiceExt::oneshot` over the in-memory store:
//! what a request is refused for, and the shape of every refusal, need no server or socket.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;
use vigil_app::tenants::{Bootstrap, Bootstrapped, bootstrap};
use vigil_app::{Blobs, Deps, Settings, Stores};
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::tenant::{ApiKey, ApiKeySecret, Tenant};
use vigil_memory::{MemoryStore, RecordingPublisher, ScriptedNotifier, ScriptedProber, SequentialRandom};

/// The router over a fresh store with one tenant, and that tenant's key.
async fn api() -> (Router, Deps, String) {
    let store = Arc::new(MemoryStore::new());
    let deps = Deps {
        stores: Stores::on(store.clone(), Blobs { artefacts: store.clone(), ping_bodies: store }),
        events: Arc::new(RecordingPublisher::new()),
        prober: Arc::new(ScriptedProber::answering(ScriptedProber::response(200))),
        random: Arc::new(SequentialRandom::new()),
        notifier: Arc::new(ScriptedNotifier::default()),
        passwords: Arc::new(vigil_memory::InstantPasswords),
        oidc: None,
        settings: Settings::default(),
    };
    let now = jiff::Timestamp::from_second(1_767_225_600).unwrap();
    let Bootstrapped::Created { secret, .. } =
        bootstrap(&deps, Bootstrap { tenant_name: "acme".into(), admin_key: None }, now).await.unwrap()
    else {
        panic!("a fresh store")
    };
    (vigil_http::router(deps.clone()), deps, secret.expose().to_owned())
}

/// An answer: status, content type and body as JSON (`Null` if empty).
struct Answer {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    json: Value,
}

impl Answer {
    /// Asserts a problem+json answer of `status` whose detail mentions `detail`.
    fn assert_problem(&self, status: u16, detail: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.json);
        assert_eq!(self.content_type, "application/problem+json", "{}", self.json);
        assert_eq!(self.json["status"], status, "the body repeats the status: {}", self.json);
        assert!(self.json["type"].as_str().is_some_and(|t| t.starts_with("https://")), "a problem type URI: {}", self.json);
        assert!(self.json["title"].as_str().is_some_and(|t| !t.is_empty()), "a title: {}", self.json);
        let said = self.json["detail"].as_str().unwrap_or_default();
        assert!(said.contains(detail), "detail {said:?} should mention {detail:?}");
    }
}

async fn call(router: &Router, method: Method, path: &str, key: Option<&str>, content_type: Option<&str>, body: Vec<u8>) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, key);
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let response = router.clone().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    Answer {
        status: parts.status,
        content_type: parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned(),
        headers: parts.headers,
        json: if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("a JSON body") },
    }
}

/// A JSON call with the tenant's key.
async fn send(router: &Router, key: &str, method: Method, path: &str, body: Option<Value>) -> Answer {
    let bearer = format!("Bearer {key}");
    let (content_type, bytes) = match body {
        Some(body) => (Some("application/json"), serde_json::to_vec(&body).unwrap()),
        None => (None, Vec::new()),
    };
    call(router, method, path, Some(&bearer), content_type, bytes).await
}

#[tokio::test]
async fn requests_without_a_valid_key_are_refused_with_a_challenge() {
    let (router, _, key) = api().await;
    let cases = [
        (None, "send an API key or an access token as `Authorization: Bearer <key>`"),
        (Some("Basic dXNlcjpwYXNz".to_owned()), "must be `Bearer <key or token>`"),
        (Some("Bearer ".to_owned()), "must be `Bearer <key or token>`"),
        (Some("Bearer vk_wrong".to_owned()), "not valid"),
        (Some(format!("Token {key}")), "must be `Bearer <key or token>`"),
    ];
    for path in ["/v1/monitors", "/v1/tasks", "/v1/incidents", "/v1/channels", "/v1/summary"] {
        for (authorization, detail) in &cases {
            let answer = call(&router, Method::GET, path, authorization.as_deref(), None, Vec::new()).await;
            answer.assert_problem(401, detail);
            assert_eq!(answer.headers.get(header::WWW_AUTHENTICATE).map(|v| v.as_bytes()), Some(&b"Bearer"[..]), "{path}");
        }
    }
    let accepted = send(&router, &key, Method::GET, "/v1/monitors", None).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);
    let health = call(&router, Method::GET, "/healthz", None, None, Vec::new()).await;
    assert_eq!((health.status, health.json.clone()), (StatusCode::OK, json!({"status": "ok"})), "health needs no key");
}

#[tokio::test]
async fn an_unknown_path_is_404_and_a_known_path_with_another_method_is_405() {
    let (router, _, key) = api().await;
    let cases = [
        (Method::GET, "/v2/anything", 404, "nothing at /v2/anything"),
        (Method::GET, "/v1/monitors/not-a-uuid", 404, "not-a-uuid"),
        (Method::GET, "/v1/monitors/0192f3a4-5b6c-7d8e-9f01-23456789abcd", 404, "no monitor with this id"),
        (Method::GET, "/v1/incidents/0192f3a4-5b6c-7d8e-9f01-23456789abcd", 404, "no incident with this id"),
        (Method::PUT, "/v1/monitors", 405, "method"),
        (Method::DELETE, "/v1/summary", 405, "method"),
        (Method::PATCH, "/v1/channels", 405, "method"),
        (Method::GET, "/v1/monitors/0192f3a4-5b6c-7d8e-9f01-23456789abcd/pause", 405, "method"),
        (Method::POST, "/healthz", 405, "method"),
    ];
    for (method, path, status, detail) in cases {
        send(&router, &key, method.clone(), path, None).await.assert_problem(status, detail);
    }
}

#[tokio::test]
async fn a_body_that_breaks_rules_is_refused_with_every_field_and_stores_nothing() {
    let (router, _, key) = api().await;
    let bad = json!({"name": "", "url": "ftp://x", "interval_seconds": 5, "timeout_ms": 0, "failure_threshold": 0, "assertions": ["[STATUS] =="]});
    let answer = send(&router, &key, Method::POST, "/v1/monitors", Some(bad)).await;
    answer.assert_problem(400, "interval_seconds");
    let mut fields: Vec<&str> = answer.json["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort();
    assert_eq!(fields, ["assertions[0]", "failure_threshold", "interval_seconds", "name", "timeout_ms", "url"], "{}", answer.json);
    assert!(answer.json["errors"].as_array().unwrap().iter().all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())));

    let task = json!({"name": "", "period_seconds": 10, "cron": "* * * * *"});
    let answer = send(&router, &key, Method::POST, "/v1/tasks", Some(task)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.json);
    assert!(answer.json["errors"].as_array().is_some_and(|e| e.len() >= 2), "every failing field of a task: {}", answer.json);

    let shapes = [
        (
            Some("application/json"),
            b"{\"name\": \"x\", \"url\": \"http://h/\", \"colour\": \"red\"}".to_vec(),
            400,
            "`colour` is not a field of this object",
        ),
        (Some("application/json"), b"[\"x\", \"http://h/\"]".to_vec(), 400, "must be a JSON object"),
        (Some("application/json"), b"{\"name\": ".to_vec(), 400, "not valid JSON"),
        (Some("text/plain"), b"{}".to_vec(), 415, "application/json"),
        (None, b"{}".to_vec(), 415, "application/json"),
    ];
    let bearer = format!("Bearer {key}");
    for (content_type, body, status, detail) in shapes {
        call(&router, Method::POST, "/v1/monitors", Some(&bearer), content_type, body).await.assert_problem(status, detail);
    }
    let typed = call(
        &router,
        Method::POST,
        "/v1/monitors",
        Some(&bearer),
        Some("application/json"),
        b"{\"name\": \"x\", \"url\": \"http://h/\", \"interval_seconds\": \"often\"}".to_vec(),
    )
    .await;
    assert_eq!(typed.json["errors"][0]["field"], "interval_seconds", "a type error names its field: {}", typed.json);

    let listed = send(&router, &key, Method::GET, "/v1/monitors", None).await;
    assert_eq!(listed.json["items"], json!([]), "nothing refused was stored");
}

#[tokio::test]
async fn another_tenants_monitor_is_indistinguishable_from_a_missing_one() {
    let (router, deps, key) = api().await;
    let created = send(&router, &key, Method::POST, "/v1/monitors", Some(json!({"name": "api", "url": "https://example.com/"}))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.json["id"].as_str().unwrap().to_owned();

    let other = Tenant::new(TenantId::from_uuid(uuid::Uuid::from_u128(2)), "other".into(), jiff::Timestamp::UNIX_EPOCH);
    let secret = ApiKeySecret::from_random([4; 32]);
    let their_key = ApiKey::first_admin(
        ApiKeyId::from_uuid(uuid::Uuid::from_u128(3)),
        other.id,
        secret.display_prefix(),
        secret.hash(),
        other.created_at,
    );
    deps.stores.tenants.create_tenant(&other, &their_key).await.unwrap();
    let theirs = secret.expose();

    let missing = send(&router, theirs, Method::GET, "/v1/monitors/0192f3a4-5b6c-7d8e-9f01-23456789abcd", None).await;
    let foreign = send(&router, theirs, Method::GET, &format!("/v1/monitors/{id}"), None).await;
    foreign.assert_problem(404, "no monitor with this id");
    assert_eq!(foreign.json, missing.json, "the same answer, word for word");
    send(&router, theirs, Method::DELETE, &format!("/v1/monitors/{id}"), None).await.assert_problem(404, "no monitor with this id");
    let still = send(&router, &key, Method::GET, &format!("/v1/monitors/{id}"), None).await;
    assert_eq!(still.status, StatusCode::OK, "the owner still has it");
    assert_eq!(send(&router, theirs, Method::GET, "/v1/monitors", None).await.json["items"], json!([]));
}
