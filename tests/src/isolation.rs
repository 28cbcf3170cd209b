//! The tenant isolation matrix: for every route of the API that names something by id,
//! organisation A's credentials on organisation B's ids answer 404, and B's data is the same
//! afterwards. The routes come from the OpenAPI document the router serves, so a new route is
//! covered as soon as it is documented; a route whose ids this matrix cannot make fails it, so
//! that whoever adds it also teaches the matrix.

use axum::Router;
use axum::body::Body;
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tower::ServiceExt;
use vigil_app::Deps;
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::tenant::{ApiKey, ApiKeySecret, Tenant};

/// An answer: status and JSON.
struct Answer {
    status: StatusCode,
    json: Value,
}

async fn send(router: &Router, key: &str, method: Method, path: &str, body: Option<Value>) -> Answer {
    let mut request = Request::builder().method(method).uri(path).header("authorization", format!("Bearer {key}"));
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(serde_json::to_vec(&json).expect("JSON"))
        }
        None => Body::empty(),
    };
    let response = router.clone().oneshot(request.body(body).expect("a request")).await.expect("an answer");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("a body").to_bytes();
    Answer { status, json: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
}

async fn created(router: &Router, key: &str, path: &str, body: Value) -> Value {
    let answer = send(router, key, Method::POST, path, Some(body)).await;
    assert!(answer.status.is_success(), "making {path} in the other organisation: {} {}", answer.status, answer.json);
    answer.json
}

/// A new organisation with an admin key, straight into the store.
pub async fn organisation(deps: &Deps, name: &str, secret: &str) -> TenantId {
    let now = jiff::Timestamp::now();
    let tenant = Tenant::new(TenantId::from_uuid(deps.random.new_id(now)), name.into(), now);
    let secret = ApiKeySecret::from_operator(secret).expect("a long enough key");
    let key = ApiKey::first_admin(ApiKeyId::from_uuid(deps.random.new_id(now)), tenant.id, secret.display_prefix(), secret.hash(), now);
    deps.stores.tenants.create_tenant(&tenant, &key).await.expect("a second organisation");
    tenant.id
}

/// What organisation B holds, by the name of the path parameter family that names it.
struct Ids(BTreeMap<&'static str, String>);

/// Which of B's ids a path's `{id}` names, by the collection it is under.
fn id_family(path: &str) -> Option<&'static str> {
    let collection = path.trim_start_matches("/v1/").split('/').next()?;
    Some(match collection {
        "monitors" => "monitor",
        "tasks" => "task",
        "channels" => "channel",
        "alert-rules" => "rule",
        "maintenance-windows" => "window",
        "incidents" => "incident",
        "invitations" => "invitation",
        "keys" => "key",
        "members" => "member",
        "hosts" => "host",
        "actions" => "action",
        "enrolments" => "enrolment",
        "host-rules" => "host rule",
        "status-pages" => "status page",
        "public-incidents" => "public incident",
        "badges" => "badge",
        _ => return None,
    })
}

/// A valid body for the route, so that a refusal cannot come from validation first.
fn body_for(method: &Method, path: &str, ids: &Ids) -> Option<Value> {
    let family = id_family(path)?;
    let leaf = path.rsplit('/').next().unwrap_or_default();
    Some(match (method.as_str(), family, leaf) {
        ("PATCH", "monitor", _) => json!({"name": "taken over"}),
        ("PUT", "monitor", "mute") => json!({}),
        ("PATCH", "task", _) => json!({"name": "taken over"}),
        ("PUT", "channel", _) => json!({"name": "taken over", "type": "webhook", "url": "http://127.0.0.1:9/x"}),
        ("PUT", "rule", _) => json!({"name": "taken over", "select": {"all": true}, "channels": [ids.0["a channel"]]}),
        ("PUT", "window", _) => window_body("taken over"),
        ("POST", "incident", "comments") => json!({"text": "taken over"}),
        ("POST", "incident", "publish") => json!({"page_id": ids.0["status page"]}),
        ("POST", "incident", _) => json!({"by": "intruder"}),
        ("PATCH", "member", _) => json!({"role": "viewer"}),
        ("POST", "host", "actions") => json!({"action": "say-hello"}),
        ("POST", "status page", "components") => json!({"name": "taken over"}),
        ("PUT", "status page", _) => json!({"name": "taken over"}),
        ("PATCH", "status page", _) => json!({"name": "taken over"}),
        ("POST", "status page", "subscribers") => json!({"type": "webhook", "url": "http://127.0.0.1:9/x"}),
        ("POST", "status page", "incidents") => json!({"name": "taken over", "body": "taken over"}),
        ("POST", "public incident", _) => json!({"status": "resolved", "body": "taken over"}),
        _ => return None,
    })
}

fn window_body(name: &str) -> Value {
    let now = jiff::Timestamp::now();
    json!({"name": name, "select": {"all": true},
           "schedule": {"type": "one_off", "starts_at": now + jiff::SignedDuration::from_hours(24), "ends_at": now + jiff::SignedDuration::from_hours(25)}})
}

/// B's state as its own key reads it, to compare before and after.
async fn snapshot(router: &Router, key: &str) -> Vec<(String, Value)> {
    let mut state = Vec::new();
    for path in [
        "/v1/monitors",
        "/v1/tasks",
        "/v1/channels",
        "/v1/alert-rules",
        "/v1/maintenance-windows",
        "/v1/incidents",
        "/v1/invitations",
        "/v1/keys",
        "/v1/members",
        "/v1/hosts",
        "/v1/enrolments",
        "/v1/host-rules",
        "/v1/actions",
        "/v1/status-pages",
        "/v1/badges",
    ] {
        let mut answer = send(router, key, Method::GET, path, None).await;
        assert_eq!(answer.status, StatusCode::OK, "reading {path}: {}", answer.json);
        // When a key was last used changes with every read: not part of what must not change.
        if let Some(items) = answer.json.get_mut("items").and_then(Value::as_array_mut) {
            for item in items {
                if let Some(object) = item.as_object_mut() {
                    object.remove("last_used_at");
                    object.remove("next_check_at");
                    object.remove("last_check");
                }
            }
        }
        state.push((path.to_owned(), answer.json));
    }
    state
}

/// Runs the matrix on `router` over `deps`, where `key_a` is an admin key of one organisation.
/// Makes a second organisation with every kind of item, then sends every documented route
/// with an id, with A's key and B's ids.
pub async fn run(router: Router, deps: &Deps, key_a: &str) {
    let key_b = "vk_the_other_organisations_admin_key_0002";
    // A's own channel: bodies that name a channel name one A may use, so only the id is wrong.
    let channel_a =
        created(&router, key_a, "/v1/channels", json!({"name": "a hook", "type": "webhook", "url": "http://127.0.0.1:9/a"})).await;
    organisation(deps, "B", key_b).await;
    let mut ids = BTreeMap::new();
    let monitor =
        created(&router, key_b, "/v1/monitors", json!({"name": "b shop", "url": "http://127.0.0.1:9/", "interval_seconds": 3600})).await;
    let monitor = monitor["id"].as_str().expect("monitor id").to_owned();
    let check = created(&router, key_b, &format!("/v1/monitors/{monitor}/check"), json!({})).await;
    ids.insert("check", check["check"]["id"].as_str().expect("check id").to_owned());
    ids.insert("monitor", monitor.clone());
    let task = created(&router, key_b, "/v1/tasks", json!({"name": "b job", "period_seconds": 3600})).await;
    ids.insert("task", task["id"].as_str().expect("task id").to_owned());
    let channel =
        created(&router, key_b, "/v1/channels", json!({"name": "b hook", "type": "webhook", "url": "http://127.0.0.1:9/hook"})).await;
    ids.insert("channel", channel["id"].as_str().expect("channel id").to_owned());
    let rule =
        created(&router, key_b, "/v1/alert-rules", json!({"name": "b rule", "select": {"all": true}, "channels": [ids["channel"]]})).await;
    ids.insert("rule", rule["id"].as_str().expect("rule id").to_owned());
    let window = created(&router, key_b, "/v1/maintenance-windows", window_body("b window")).await;
    ids.insert("window", window["id"].as_str().expect("window id").to_owned());
    let invitation = created(&router, key_b, "/v1/invitations", json!({"email": "bo@b.example", "role": "viewer"})).await;
    ids.insert("invitation", invitation["id"].as_str().expect("invitation id").to_owned());
    let token = invitation["link"].as_str().and_then(|l| l.split("token=").nth(1)).expect("the invitation's link").to_owned();
    let joined = send(
        &router,
        "",
        Method::POST,
        "/v1/invitations/accept",
        Some(json!({"token": token, "name": "Bo", "password": "bo's long passphrase"})),
    )
    .await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.json);
    let members = send(&router, key_b, Method::GET, "/v1/members", None).await;
    ids.insert("member", members.json["items"][0]["user_id"].as_str().expect("a member").to_owned());
    let key = created(&router, key_b, "/v1/keys", json!({"name": "b key", "scope": "read", "service": true})).await;
    ids.insert("key", key["id"].as_str().expect("key id").to_owned());
    ids.insert("a channel", channel_a["id"].as_str().expect("channel id").to_owned());
    // An incident of B: its monitor's checks fail (nothing listens on port 9).
    let incident = open_incident(&router, deps, key_b, &monitor).await;
    ids.insert("incident", incident);
    host_items(&router, deps, key_b, &mut ids).await;
    status_page_items(&router, key_b, &monitor, &mut ids).await;
    let ids = Ids(ids);

    let before = snapshot(&router, key_b).await;
    let document = send(&router, key_a, Method::GET, "/v1/openapi.json", None).await;
    let paths = document.json["paths"].as_object().expect("the OpenAPI document's paths");
    let mut checked = 0;
    for (template, operations) in paths {
        // Outside /v1 are the public routes: ping URLs, status pages, their documents and badges,
        // addressed by a token or a slug that is the whole of the secret, not by an organisation's ids.
        if !template.contains('{') || !template.starts_with("/v1/") {
            continue;
        }
        let family = id_family(template).unwrap_or_else(|| {
            panic!(
                "the isolation matrix does not know which of the other organisation's ids `{template}` names: teach tests/src/isolation.rs"
            )
        });
        let mut path = template
            .replace("{check_id}", &ids.0["check"])
            .replace("{component_id}", &ids.0["component"])
            .replace("{subscriber_id}", &ids.0["subscriber"])
            .replace("{id}", &ids.0[family]);
        if template.ends_with("/metrics/series") {
            // Its metric is required: without one the refusal would be the missing parameter's.
            path.push_str("?metric=cpu.percent");
        }
        for method in operations.as_object().expect("operations").keys() {
            let method: Method = method.to_uppercase().parse().expect("an HTTP method");
            let answer = send(&router, key_a, method.clone(), &path, body_for(&method, template, &ids)).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {template} with another organisation's id: {}", answer.json);
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} routes with ids were checked");
    assert_eq!(snapshot(&router, key_b).await, before, "the other organisation's data did not change");
}

/// B's enrolment, an enrolled host (through the enrolment use case, as an agent's connection
/// would), a rule on hosts and an action request (undelivered: no agent is connected).
async fn host_items(router: &Router, deps: &Deps, key_b: &str, ids: &mut BTreeMap<&'static str, String>) {
    let pending = created(router, key_b, "/v1/enrolments", json!({"name": "b pending"})).await;
    ids.insert("enrolment", pending["id"].as_str().expect("enrolment id").to_owned());
    let spent = created(router, key_b, "/v1/enrolments", json!({"name": "b host"})).await;
    let token = vigil_domain::agent::EnrolmentToken::parse(spent["token"].as_str().expect("the token")).expect("a token");
    let host = vigil_domain::agent::protocol::HostInfo {
        hostname: "b-host".into(),
        os: "Debian 13".into(),
        kernel: "6.12".into(),
        arch: "x86_64".into(),
        cpu_cores: 2,
        agent_version: "0.1.0".into(),
    };
    let cmd = vigil_app::hosts::EnrolAgent { token, host, origin: Default::default() };
    let enrolled = vigil_app::hosts::enrol_agent(deps, cmd, jiff::Timestamp::now()).await.expect("B's host enrols");
    let host_id = enrolled.host.id.to_string();
    let rule = created(router, key_b, "/v1/host-rules", json!({"name": "b quiet", "silent_seconds": 600})).await;
    ids.insert("host rule", rule["id"].as_str().expect("host rule id").to_owned());
    let unsent = send(router, key_b, Method::POST, &format!("/v1/hosts/{host_id}/actions"), Some(json!({"action": "say-hello"}))).await;
    assert_eq!(unsent.status, StatusCode::CONFLICT, "recorded, and refused as not connected: {}", unsent.json);
    let actions = send(router, key_b, Method::GET, "/v1/actions", None).await;
    ids.insert("action", actions.json["items"][0]["id"].as_str().expect("B's action request").to_owned());
    ids.insert("host", host_id);
}

/// B's status page, a public incident on it, a badge of B's monitor, a component and a webhook
/// subscriber.
async fn status_page_items(router: &Router, key_b: &str, monitor: &str, ids: &mut BTreeMap<&'static str, String>) {
    let page = created(router, key_b, "/v1/status-pages", json!({"name": "B status", "slug": "b-status"})).await;
    let page_id = page["id"].as_str().expect("status page id").to_owned();
    let incident =
        created(router, key_b, &format!("/v1/status-pages/{page_id}/incidents"), json!({"name": "B trouble", "body": "Looking."})).await;
    ids.insert("public incident", incident["id"].as_str().expect("public incident id").to_owned());
    let badge = created(router, key_b, "/v1/badges", json!({"target": "monitor", "id": monitor})).await;
    ids.insert("badge", badge["id"].as_str().expect("badge id").to_owned());
    let component = created(router, key_b, &format!("/v1/status-pages/{page_id}/components"), json!({"name": "B API"})).await;
    ids.insert("component", component["component_id"].as_str().expect("component id").to_owned());
    let hook = json!({"type": "webhook", "url": "https://hooks.example.com/b"});
    let subscriber = created(router, key_b, &format!("/v1/status-pages/{page_id}/subscribers"), hook).await;
    ids.insert("subscriber", subscriber["id"].as_str().expect("subscriber id").to_owned());
    ids.insert("status page", page_id);
}

/// Checks B's monitor until it is down, and has its going-down handled (in-process workers
/// self-hosted; directly where the incident function would do it); the incident's id.
async fn open_incident(router: &Router, deps: &Deps, key_b: &str, monitor: &str) -> String {
    for _ in 0..10 {
        let status = send(router, key_b, Method::GET, &format!("/v1/monitors/{monitor}"), None).await;
        if status.json["status"] == "down" {
            break;
        }
        send(router, key_b, Method::POST, &format!("/v1/monitors/{monitor}/check"), Some(json!({}))).await;
    }
    for _ in 0..25 {
        vigil_app::incidents::reconcile_outages(deps, jiff::Timestamp::now()).await.expect("reconciling");
        let incidents = send(router, key_b, Method::GET, "/v1/incidents", None).await;
        if let Some(id) = incidents.json["items"][0]["id"].as_str() {
            return id.to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the other organisation's monitor opened no incident")
}
