use reqwest::{Method, StatusCode};
use serde_json::json;
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::tenant::{ApiKey, ApiKeySecret, Tenant};
use vigil_tests::app::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_read_update_pause_resume_delete() {
    let app = TestApp::spawn().await;
    let created = app
        .call(
            Method::POST,
            "/v1/monitors",
            Some(json!({
                "name": "Home page", "url": "http://127.0.0.1:9/", "interval_seconds": 30,
                "headers": {"X-Check": "vigil"}, "tags": ["prod", "web"],
                "assertions": ["[STATUS] == 200"], "failure_threshold": 3
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json["id"].as_str().unwrap().to_owned();
    assert_eq!(created.json["name"], "Home page");
    assert_eq!(created.json["method"], "GET");
    assert_eq!(created.json["timeout_ms"], 10_000);
    assert_eq!(created.json["expected_status"], json!(["2xx"]));
    assert_eq!(created.json["recovery_threshold"], 1);
    assert_eq!(created.json["status"], "pending");
    assert_eq!(created.json["revision"], 1);

    let read = app.call(Method::GET, &format!("/v1/monitors/{id}"), None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json["headers"]["X-Check"], "vigil");
    assert_eq!(read.json["tags"], json!(["prod", "web"]));

    let updated = app.call(Method::PATCH, &format!("/v1/monitors/{id}"), Some(json!({"name": "Homepage", "interval_seconds": 60}))).await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.json);
    assert_eq!(updated.json["name"], "Homepage");
    assert_eq!(updated.json["interval_seconds"], 60);
    assert_eq!(updated.json["url"], "http://127.0.0.1:9/", "untouched fields keep their value");
    assert_eq!(updated.json["revision"], 2);

    let stale = app
        .client
        .patch(format!("{}/v1/monitors/{id}", app.base))
        .bearer_auth(&app.key)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "lost update"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);

    let paused = app.call(Method::POST, &format!("/v1/monitors/{id}/pause"), None).await;
    assert_eq!(paused.json["status"], "paused");
    assert!(paused.json["next_check_at"].is_null());
    let resumed = app.call(Method::POST, &format!("/v1/monitors/{id}/resume"), None).await;
    assert_eq!(resumed.json["status"], "pending");
    assert!(resumed.json["next_check_at"].is_string());
    let transitions = app.call(Method::GET, &format!("/v1/monitors/{id}/transitions"), None).await;
    let kinds: Vec<_> = transitions.json["items"].as_array().unwrap().iter().map(|t| t["cause"]["kind"].clone()).collect();
    // Newest first; the check the scheduler runs at creation may have moved it before.
    assert_eq!(kinds[..2], [json!("resumed"), json!("paused")]);

    assert_eq!(app.call(Method::DELETE, &format!("/v1/monitors/{id}"), None).await.status, StatusCode::NO_CONTENT);
    app.call(Method::GET, &format!("/v1/monitors/{id}"), None).await.assert_problem(404, "no monitor");
    app.call(Method::DELETE, &format!("/v1/monitors/{id}"), None).await.assert_problem(404, "no monitor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_pages_and_filters() {
    let app = TestApp::spawn().await;
    // A target that accepts and never answers: the first checks stay in flight, so every
    // monitor is still pending while the listing is read, however slow the machine.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    for (i, tag) in ["a", "b", "a", "b", "a"].iter().enumerate() {
        app.create_monitor(json!({"name": format!("m{i}"), "url": url, "tags": [tag], "timeout_ms": 30000})).await;
    }
    let mut names = Vec::new();
    let mut path = "/v1/monitors?limit=2".to_owned();
    loop {
        let page = app.call(Method::GET, &path, None).await;
        assert_eq!(page.status, StatusCode::OK);
        let items = page.json["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        names.extend(items.iter().map(|m| m["name"].as_str().unwrap().to_owned()));
        match page.json["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/monitors?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(names, ["m0", "m1", "m2", "m3", "m4"], "every monitor once, oldest first");

    let tagged = app.call(Method::GET, "/v1/monitors?tag=b", None).await;
    let tagged: Vec<_> = tagged.json["items"].as_array().unwrap().iter().map(|m| m["name"].clone()).collect();
    assert_eq!(tagged, [json!("m1"), json!("m3")]);
    let pending = app.call(Method::GET, "/v1/monitors?status=pending", None).await;
    assert_eq!(pending.json["items"].as_array().unwrap().len(), 5);
    app.call(Method::GET, "/v1/monitors?status=sideways", None).await.assert_problem(400, "unknown status");

    let summary = app.call(Method::GET, "/v1/summary", None).await;
    assert_eq!(summary.json["total"], 5);
    assert_eq!(summary.json["by_status"]["pending"], 5);
    assert_eq!(summary.json["by_status"]["down"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenants_monitor_is_not_found() {
    let app = TestApp::spawn().await;
    let id = app.create_monitor(json!({"name": "mine", "url": "http://127.0.0.1:9/"})).await;

    let deps = &app.server.as_ref().unwrap().deps;
    let now = jiff::Timestamp::now();
    let other = Tenant::new(TenantId::from_uuid(deps.random.new_id(now)), "other".into(), now);
    let secret = ApiKeySecret::from_random(deps.random.secret_bytes());
    let key = ApiKey::first_admin(ApiKeyId::from_uuid(deps.random.new_id(now)), other.id, secret.display_prefix(), secret.hash(), now);
    deps.stores.tenants.create_tenant(&other, &key).await.unwrap();

    for (method, path) in [
        (Method::GET, format!("/v1/monitors/{id}")),
        (Method::DELETE, format!("/v1/monitors/{id}")),
        (Method::POST, format!("/v1/monitors/{id}/check")),
        (Method::GET, format!("/v1/monitors/{id}/checks")),
    ] {
        app.call_as(Some(secret.expose()), method, &path, None).await.assert_problem(404, "no monitor");
    }
    let listed = app.call_as(Some(secret.expose()), Method::GET, "/v1/monitors", None).await;
    assert_eq!(listed.json["items"], json!([]));
    // Still there for its owner.
    assert_eq!(app.call(Method::GET, &format!("/v1/monitors/{id}"), None).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_refused_in_urls_and_masked_in_headers() {
    let app = TestApp::spawn().await;
    let target = vigil_tests::receiver::Receiver::start().await;
    let with_userinfo = target.url().replace("http://", "http://ann:hunter2@");
    let refused = app.call(Method::POST, "/v1/monitors", Some(json!({"name": "api", "url": with_userinfo}))).await;
    refused.assert_problem(400, "must not hold credentials");
    assert!(!refused.json.to_string().contains("hunter2"), "the password is not echoed: {}", refused.json);

    let token = "Bearer abcdefghijklmnopqrstuvwxyz";
    let body = json!({"name": "api", "url": target.url(), "method": "POST", "body": "{}", "interval_seconds": 3600,
        "headers": {"Authorization": token, "Accept": "application/json"}});
    let created = app.call(Method::POST, "/v1/monitors", Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.json);
    assert_eq!(created.json["headers"]["Authorization"], "Bearer …wxyz");
    assert_eq!(created.json["headers"]["Accept"], "application/json", "other headers are shown as they are");
    let id = created.json["id"].as_str().unwrap().to_owned();
    let read = app.call(Method::GET, &format!("/v1/monitors/{id}"), None).await;
    assert!(!read.json.to_string().contains("abcdefghij"), "no read shows the credential: {}", read.json);

    // A client sending back what it read keeps the stored credential.
    let headers = read.json["headers"].clone();
    let updated = app.call(Method::PATCH, &format!("/v1/monitors/{id}"), Some(json!({"headers": headers, "name": "api v2"}))).await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.json);
    app.check_now(&id).await;
    let received = target.received();
    assert_eq!(received.last().and_then(|r| r.header("authorization")), Some(token), "the check sent the real credential");
}
