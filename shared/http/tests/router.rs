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
    let (router, deps, key, _) = api_of_tenant().await;
    (router, deps, key)
}

/// [`api`], and the tenant.
async fn api_of_tenant() -> (Router, Deps, String, TenantId) {
    let store = Arc::new(MemoryStore::new());
    let deps = Deps {
        stores: Arc::new(Stores::on(store.clone(), Blobs { artefacts: store.clone(), ping_bodies: store })),
        events: Arc::new(RecordingPublisher::new()),
        prober: Arc::new(ScriptedProber::answering(ScriptedProber::response(200))),
        random: Arc::new(SequentialRandom::new()),
        notifier: Arc::new(ScriptedNotifier::default()),
        passwords: Arc::new(vigil_memory::InstantPasswords),
        oidc: None,
        live: None,
        settings: Arc::new(Settings::default()),
    };
    let now = jiff::Timestamp::from_second(1_767_225_600).unwrap();
    let Bootstrapped::Created { secret, tenant, .. } =
        bootstrap(&deps, Bootstrap { tenant_name: "acme".into(), admin_key: None }, now).await.unwrap()
    else {
        panic!("a fresh store")
    };
    (vigil_http::router(deps.clone()), deps, secret.expose().to_owned(), tenant.id)
}

/// An answer: status, content type and body as JSON (`Null` if empty).
struct Answer {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    json: Value,
    bytes: Vec<u8>,
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
    answer(router, request.body(Body::from(body)).unwrap()).await
}

/// The router's answer to `request`; the body read as JSON when it says it is JSON.
async fn answer(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let json =
        if content_type.contains("json") && !bytes.is_empty() { serde_json::from_slice(&bytes).expect("a JSON body") } else { Value::Null };
    Answer { status: parts.status, content_type, headers: parts.headers, json, bytes: bytes.to_vec() }
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

/// A GET with no credentials and the headers `extra`.
async fn get(router: &Router, path: &str, extra: &[(header::HeaderName, &str)]) -> Answer {
    let mut request = Request::builder().uri(path);
    for (name, value) in extra {
        request = request.header(name, *value);
    }
    answer(router, request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn a_public_page_serves_statuspage_documents_that_caches_may_keep() {
    use vigil_app::status_pages::{CreatePage, PostIncident, create_page, post_incident};
    let (router, deps, _, tenant) = api_of_tenant().await;
    let actor = vigil_domain::access::Actor::system(tenant);
    let now = vigil_app::SystemClock::now();
    let draft = serde_json::from_value(json!({"name": "Acme status", "slug": "acme"})).unwrap();
    let page = create_page(&deps, CreatePage { actor: actor.clone(), draft }, now).await.unwrap();
    let draft = serde_json::from_value(json!({"name": "Slow API", "body": "Looking into it."})).unwrap();
    post_incident(&deps, PostIncident { actor, page_id: page.id, draft }, now).await.unwrap();

    let summary = get(&router, "/status/acme/api/v2/summary.json", &[]).await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.json);
    assert_eq!(summary.content_type, "application/json");
    for key in ["page", "components", "incidents", "scheduled_maintenances", "status"] {
        assert!(summary.json.get(key).is_some(), "summary.json has {key}: {}", summary.json);
    }
    assert_eq!(summary.json["page"]["name"], "Acme status");
    assert_eq!(summary.json["incidents"][0]["name"], "Slow API");
    assert_eq!(summary.json["incidents"][0]["status"], "investigating");
    let caching = summary.headers[header::CACHE_CONTROL].to_str().unwrap();
    assert!(caching.starts_with("public") && caching.contains("max-age="), "{caching}");
    let etag = summary.headers[header::ETAG].to_str().unwrap().to_owned();

    let again = get(&router, "/status/acme/api/v2/summary.json", &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!((again.status, again.bytes.len()), (StatusCode::NOT_MODIFIED, 0), "a cache that has it is told so");
    assert_eq!(again.headers[header::ETAG], etag.as_str());
    let stale = get(&router, "/status/acme/api/v2/summary.json", &[(header::IF_NONE_MATCH, "\"other\"")]).await;
    assert_eq!(stale.status, StatusCode::OK);

    let unresolved = get(&router, "/status/acme/api/v2/incidents/unresolved.json", &[]).await;
    assert_eq!(unresolved.json["incidents"].as_array().map(Vec::len), Some(1), "{}", unresolved.json);
    let status = get(&router, "/status/acme/api/v2/status.json", &[]).await;
    assert_eq!(status.json["status"]["indicator"], "minor", "an open incident shows in the overall status: {}", status.json);
    get(&router, "/status/acme/api/v2/secrets.json", &[]).await.assert_problem(404, "no document");
    get(&router, "/status/nobody/api/v2/summary.json", &[]).await.assert_problem(404, "no status page");
}

#[tokio::test]
async fn password_and_members_pages_refuse_anonymous_readers() {
    use vigil_app::status_pages::{CreatePage, create_page};
    let (router, deps, _, tenant) = api_of_tenant().await;
    let actor = vigil_domain::access::Actor::system(tenant);
    let now = vigil_app::SystemClock::now();
    for draft in [
        json!({"name": "Locked", "slug": "locked", "access": "password", "password": "correct horse battery"}),
        json!({"name": "Staff", "slug": "staff", "access": "members"}),
    ] {
        let draft = serde_json::from_value(draft).unwrap();
        create_page(&deps, CreatePage { actor: actor.clone(), draft }, now).await.unwrap();
    }
    get(&router, "/status/locked/api/v2/summary.json", &[]).await.assert_problem(401, "password");
    let forged = get(&router, "/status/locked/api/v2/summary.json", &[(header::COOKIE, "vigil_page_access=forged")]).await;
    forged.assert_problem(401, "password");
    get(&router, "/status/staff/api/v2/summary.json", &[]).await.assert_problem(403, "members");
    let unknown_session = get(&router, "/status/staff/api/v2/components.json", &[(header::COOKIE, "vigil_session=nobody")]).await;
    unknown_session.assert_problem(403, "members");
}

#[tokio::test]
async fn badges_are_well_formed_svg_and_shields_json_by_token_only() {
    use vigil_app::status_pages::{CreateBadge, create_badge};
    let (router, deps, key, tenant) = api_of_tenant().await;
    let created = send(&router, &key, Method::POST, "/v1/monitors", Some(json!({"name": "api", "url": "https://example.com/"}))).await;
    let monitor = created.json["id"].as_str().expect("a monitor id").to_owned();
    let draft = serde_json::from_value(json!({"target": "monitor", "id": monitor, "label": "API"})).unwrap();
    let cmd = CreateBadge { actor: vigil_domain::access::Actor::system(tenant), draft };
    let badge = create_badge(&deps, cmd, vigil_app::SystemClock::now()).await.unwrap();

    let svg = get(&router, &format!("/badges/{}/status.svg", badge.token), &[]).await;
    assert_eq!((svg.status, svg.content_type.as_str()), (StatusCode::OK, "image/svg+xml"));
    let text = String::from_utf8(svg.bytes.clone()).expect("UTF-8");
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"), "{text}");
    assert_eq!(text.matches("<text").count(), text.matches("</text>").count(), "balanced elements: {text}");
    assert!(text.contains("API") && !text.contains(&monitor), "the label shows, the monitor id never does");
    assert!(svg.headers.contains_key(header::ETAG) && svg.headers.contains_key(header::CACHE_CONTROL));

    let shields = get(&router, &format!("/badges/{}/uptime-24h.json", badge.token), &[]).await;
    assert_eq!(shields.json["schemaVersion"], 1, "{}", shields.json);
    assert_eq!(shields.json["label"], "API");
    assert!(shields.json["message"].is_string() && shields.json["color"].is_string());

    get(&router, &format!("/badges/{}/status.svg", monitor), &[]).await.assert_problem(404, "no such badge");
    get(&router, &format!("/badges/{}/sparkles.svg", badge.token), &[]).await.assert_problem(404, "no such badge");
    get(&router, &format!("/badges/{}/status.png", badge.token), &[]).await.assert_problem(404, "no such badge");
}

#[tokio::test]
async fn editors_build_a_page_through_the_api_and_readers_see_it_at_once() {
    let (router, _, key) = api().await;
    let monitor = send(&router, &key, Method::POST, "/v1/monitors", Some(json!({"name": "api", "url": "https://example.com/"}))).await;
    let bad = send(&router, &key, Method::POST, "/v1/status-pages", Some(json!({"name": "", "slug": "Not A Slug!"}))).await;
    bad.assert_problem(400, "");
    let fields: Vec<&str> = bad.json["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert!(fields.contains(&"name") && fields.contains(&"slug"), "every failing field is listed: {}", bad.json);
    assert_eq!(send(&router, &key, Method::GET, "/v1/status-pages", None).await.json, json!([]), "a refused page is not stored");

    let draft = json!({"name": "Acme", "slug": "acme-api", "access": "password", "password": "correct horse battery"});
    let page = send(&router, &key, Method::POST, "/v1/status-pages", Some(draft)).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.json);
    assert_eq!(page.json["access"], "password", "the password's hash is never shown: {}", page.json);
    assert!(!page.json.to_string().contains("argon") && !page.json.to_string().contains("hash"), "{}", page.json);
    let id = page.json["id"].as_str().unwrap().to_owned();
    send(&router, &key, Method::PUT, &format!("/v1/status-pages/{id}"), None).await.assert_problem(405, "");
    let renamed = send(&router, &key, Method::PATCH, &format!("/v1/status-pages/{id}"), Some(json!({"name": "Acme API"}))).await;
    assert_eq!((renamed.status, renamed.json["name"].as_str()), (StatusCode::OK, Some("Acme API")), "{}", renamed.json);
    assert_eq!(renamed.json["access"], "password", "what was not sent stays");
    let taken = send(&router, &key, Method::POST, "/v1/status-pages", Some(json!({"name": "Again", "slug": "acme-api"}))).await;
    taken.assert_problem(400, "");
    assert!(taken.json.to_string().contains("is taken"), "{}", taken.json);

    let component = json!({"name": "API", "monitors": [monitor.json["id"]]});
    let with = send(&router, &key, Method::POST, &format!("/v1/status-pages/{id}/components"), Some(component)).await;
    assert_eq!(with.status, StatusCode::CREATED, "{}", with.json);
    let component_id = with.json["component_id"].as_str().unwrap().to_owned();
    let incident = json!({"name": "API errors", "body": "Looking into it.", "components": {component_id.clone(): "major_outage"}});
    let posted = send(&router, &key, Method::POST, &format!("/v1/status-pages/{id}/incidents"), Some(incident)).await;
    assert_eq!((posted.status, posted.json["status"].as_str()), (StatusCode::CREATED, Some("investigating")), "{}", posted.json);
    let incident_id = posted.json["id"].as_str().unwrap().to_owned();
    let listed = send(&router, &key, Method::GET, &format!("/v1/status-pages/{id}/incidents"), None).await;
    assert_eq!(listed.json["items"][0]["id"], incident_id.as_str());

    let changed = json!({"name": "Public API", "status": "under_maintenance"});
    let page_now = send(&router, &key, Method::PUT, &format!("/v1/status-pages/{id}/components/{component_id}"), Some(changed)).await;
    assert_eq!(page_now.json["components"][0]["name"], "Public API", "{}", page_now.json);
    let hook = json!({"type": "webhook", "url": "https://hooks.example.com/status", "components": [component_id.clone()]});
    let subscriber = send(&router, &key, Method::POST, &format!("/v1/status-pages/{id}/subscribers"), Some(hook)).await;
    assert_eq!(subscriber.status, StatusCode::CREATED, "{}", subscriber.json);
    let secret = subscriber.json["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 30 && subscriber.json["confirmed"] == true, "{}", subscriber.json);
    let subscribers = send(&router, &key, Method::GET, &format!("/v1/status-pages/{id}/subscribers"), None).await;
    let listed_secret = subscribers.json["items"][0]["secret"].as_str().unwrap().to_owned();
    assert!(listed_secret != secret && listed_secret.ends_with(&secret[secret.len() - 4..]), "masked once made: {listed_secret}");
    assert!(!subscribers.json.to_string().contains("token"), "no confirmation or unsubscribe token: {}", subscribers.json);
    let subscriber_id = subscriber.json["id"].as_str().unwrap().to_owned();
    let gone = send(&router, &key, Method::DELETE, &format!("/v1/status-pages/{id}/subscribers/{subscriber_id}"), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let again = send(&router, &key, Method::DELETE, &format!("/v1/status-pages/{id}/subscribers/{subscriber_id}"), None).await;
    again.assert_problem(404, "subscriber");

    let resolved = json!({"status": "resolved", "body": "Fixed."});
    let done = send(&router, &key, Method::POST, &format!("/v1/public-incidents/{incident_id}/updates"), Some(resolved.clone())).await;
    assert_eq!(done.json["status"], "resolved", "{}", done.json);
    send(&router, &key, Method::POST, &format!("/v1/public-incidents/{incident_id}/updates"), Some(resolved)).await.assert_problem(409, "");

    let badge =
        send(&router, &key, Method::POST, "/v1/badges", Some(json!({"target": "component", "id": component_id, "page_id": id}))).await;
    assert_eq!(badge.status, StatusCode::CREATED, "{}", badge.json);
    assert!(badge.json["svg_url"].as_str().is_some_and(|u| u.ends_with("/status.svg")), "{}", badge.json);
    let token = badge.json["token"].as_str().unwrap().to_owned();
    assert_eq!(get(&router, &format!("/badges/{token}/status.svg"), &[]).await.status, StatusCode::OK);
    let badge_id = badge.json["id"].as_str().unwrap().to_owned();
    assert_eq!(send(&router, &key, Method::DELETE, &format!("/v1/badges/{badge_id}"), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(get(&router, &format!("/badges/{token}/status.svg"), &[]).await.status, StatusCode::NOT_FOUND);

    let without = send(&router, &key, Method::DELETE, &format!("/v1/status-pages/{id}/components/{component_id}"), None).await;
    assert_eq!((without.status, without.json["components"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{}", without.json);
    assert_eq!(send(&router, &key, Method::DELETE, &format!("/v1/status-pages/{id}"), None).await.status, StatusCode::NO_CONTENT);
    send(&router, &key, Method::GET, &format!("/v1/status-pages/{id}"), None).await.assert_problem(404, "status page");
    get(&router, "/status/acme-api/api/v2/summary.json", &[]).await.assert_problem(404, "no status page");
}

#[tokio::test]
async fn a_page_with_its_own_domain_is_found_by_the_host_header() {
    use vigil_app::status_pages::{CreatePage, create_page};
    let (router, deps, _, tenant) = api_of_tenant().await;
    let draft = serde_json::from_value(json!({"name": "Acme", "slug": "acme", "custom_domain": "status.acme.test"})).unwrap();
    create_page(&deps, CreatePage { actor: vigil_domain::access::Actor::system(tenant), draft }, vigil_app::SystemClock::now())
        .await
        .unwrap();
    let status = get(&router, "/api/v2/status.json", &[(header::HOST, "Status.Acme.test:443")]).await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.json);
    assert_eq!(status.json["page"]["name"], "Acme");
    assert_eq!(status.json["page"]["url"], "https://status.acme.test");
    let components = get(&router, "/api/v2/components.json", &[(header::HOST, "status.acme.test")]).await;
    assert!(components.json["components"].is_array(), "{}", components.json);
    get(&router, "/api/v2/status.json", &[(header::HOST, "elsewhere.test")]).await.assert_problem(404, "no status page");
}
