use reqwest::{Method, StatusCode};
use serde_json::json;
use vigil_tests::app::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_problem_and_loses_nothing() {
    let app = TestApp::spawn().await;
    let kept = app.create_monitor(json!({"name": "kept", "url": "http://127.0.0.1:9/"})).await;
    let post = |body| app.call(Method::POST, "/v1/monitors", Some(body));

    post(json!({"name": "x", "url": "http://h/", "colour": "red"})).await.assert_problem(400, "`colour` is not a field of this object");
    post(json!({"name": "x", "url": "http://h/", "interval_seconds": "often"})).await.assert_problem(400, "interval_seconds");
    post(json!({"name": "x", "url": "http://h/", "failure_threshold": 300})).await.assert_problem(400, "failure_threshold");
    let reply = post(json!({"name": "x", "url": "http://h/", "interval_seconds": 5})).await;
    reply.assert_problem(400, "between 10 and 86400 seconds");
    assert_eq!(reply.json["errors"][0]["field"], "interval_seconds");
    post(json!({"name": "x", "url": "ftp://h/"})).await.assert_problem(400, "must use http or https");
    post(json!({"name": "x", "url": "not a url"})).await.assert_problem(400, "not a valid URL");
    post(json!({"url": "http://h/"})).await.assert_problem(400, "name: is required");
    post(json!({"name": "x", "url": "http://h/", "assertions": ["[STATUS] == 200", "[STATUS] =="]}))
        .await
        .assert_problem(400, "assertions[1]");
    post(json!(["not", "an", "object"])).await.assert_problem(400, "must be a JSON object");
    let typed = post(json!({"name": "x", "url": "http://h/", "interval_seconds": "often"})).await;
    assert_eq!(typed.json["errors"][0]["field"], "interval_seconds");
    assert_eq!(typed.json["errors"][0]["message"], "must be a whole number, 0 or more, not the string \"often\"");

    // Every bad id of an alert rule, by its path, in words rather than the UUID parser's.
    let rule = json!({"name": "r", "select": {"monitors": ["nope"], "tasks": ["0192f3a4-5b6c-7d8e-9f01-23456789abcd", "x"]},
        "channels": ["not-a-channel"], "escalation": [{"after_seconds": 60, "channels": ["also-bad"]}]});
    let reply = app.call(Method::POST, "/v1/alert-rules", Some(rule)).await;
    reply.assert_problem(400, "`not-a-channel` is not a channel id");
    let fields: Vec<&str> = reply.json["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["select.monitors[0]", "select.tasks[1]", "channels[0]", "escalation[0].channels[0]"], "{}", reply.json);
    assert!(!reply.json.to_string().contains("UUID parsing"), "{}", reply.json);

    app.call_raw(Method::POST, "/v1/monitors", "application/json", b"{\"name\": ".to_vec()).await.assert_problem(400, "not valid JSON");
    app.call_raw(Method::POST, "/v1/monitors", "text/plain", b"{}".to_vec()).await.assert_problem(415, "application/json");
    let huge = format!("{{\"name\": \"x\", \"url\": \"http://h/\", \"body\": \"{}\"}}", "a".repeat(400 * 1024));
    app.call_raw(Method::POST, "/v1/monitors", "application/json", huge.into_bytes()).await.assert_problem(413, "limited to");
    let big_monitor_body = json!({"name": "x", "url": "http://h/", "method": "POST", "body": "a".repeat(100 * 1024)});
    post(big_monitor_body).await.assert_problem(400, "body: must be at most 65536 bytes");

    app.call(Method::GET, "/v1/monitors?limit=0", None).await.assert_problem(400, "limit");
    app.call(Method::GET, "/v1/monitors?limit=lots", None).await.assert_problem(400, "query");
    app.call(Method::GET, "/v1/monitors?cursor=garbage", None).await.assert_problem(400, "cursor");
    app.call(Method::GET, "/v1/monitors/not-a-uuid", None).await.assert_problem(404, "not-a-uuid");
    app.call(Method::GET, "/v2/anything", None).await.assert_problem(404, "nothing at /v2/anything");
    app.call(Method::PUT, "/v1/monitors", None).await.assert_problem(405, "method");

    let missing = app.call_as(None, Method::GET, "/v1/monitors", None).await;
    missing.assert_problem(401, "Bearer");
    app.call_as(Some("vk_wrong"), Method::GET, "/v1/monitors", None).await.assert_problem(401, "not valid");
    let health = app.call_as(None, Method::GET, "/healthz", None).await;
    assert_eq!(health.status, StatusCode::OK);

    let listed = app.call(Method::GET, "/v1/monitors", None).await;
    let ids: Vec<_> = listed.json["items"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, [kept], "only the valid monitor was stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_that_breaks_a_rule_changes_nothing() {
    let app = TestApp::spawn().await;
    let id = app.create_monitor(json!({"name": "steady", "url": "http://127.0.0.1:9/"})).await;
    let reply = app.call(Method::PATCH, &format!("/v1/monitors/{id}"), Some(json!({"name": "renamed", "interval_seconds": 1}))).await;
    reply.assert_problem(400, "interval_seconds");
    let read = app.call(Method::GET, &format!("/v1/monitors/{id}"), None).await;
    assert_eq!(read.json["name"], "steady");
    assert_eq!(read.json["revision"], 1);
}
