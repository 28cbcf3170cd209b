use crate::alerting::{
    come_back, detail, go_down, incidents_of, rule, timeline_types, wait_for_detail, wait_for_incident, watched, webhook,
};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use vigil_tests::app::TestApp;
use vigil_tests::receiver::Receiver;
use vigil_tests::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_opens_one_incident_notified_once_signed_then_resolved_once() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let receiver = Receiver::start().await;
    let (channel, secret) = webhook(&app, "ops hook", &receiver).await;
    let monitor = watched(&app, &target, "checkout").await;
    rule(&app, json!({"name": "e2e", "select": {"monitors": [monitor]}, "channels": [channel]})).await;

    go_down(&app, &target, &monitor).await;
    let opened = receiver.wait_for_accepted(1, Duration::from_secs(5)).await;
    let message = &opened[0];
    assert!(message.signature_verifies(&secret), "the Standard Webhooks signature verifies: {:?}", message.headers);
    assert!(!message.signature_verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "and only with the channel's secret");
    let body = message.json();
    assert_eq!(body["type"], "incident.opened");
    assert_eq!(body["data"]["subject"]["name"], "checkout");
    assert_eq!(body["data"]["subject"]["url"], target.url("/"));
    assert_eq!(body["data"]["cause"]["failure_class"], "bad_status");
    assert_eq!(body["data"]["cause"]["status_code"], 500);
    let incident_id = body["data"]["incident_id"].as_str().unwrap().to_owned();
    assert!(body["data"]["incident_url"].as_str().unwrap().ends_with(&format!("/v1/incidents/{incident_id}")));
    assert!(body["data"]["artefact_url"].as_str().unwrap().contains(&format!("/v1/monitors/{monitor}/checks/")));

    // Staying down opens nothing new and sends nothing more.
    app.check_now(&monitor).await;
    app.check_now(&monitor).await;
    let incident = wait_for_incident(&app, &monitor, "open", Duration::from_secs(5)).await;
    assert_eq!(incident["id"], incident_id.as_str());
    assert_eq!(incidents_of(&app, &monitor).await.len(), 1, "one incident per outage");

    come_back(&app, &target, &monitor).await;
    let both = receiver.wait_for_accepted(2, Duration::from_secs(5)).await;
    let resolved = both[1].json();
    assert!(both[1].signature_verifies(&secret));
    assert_eq!(resolved["type"], "incident.resolved");
    assert_eq!(resolved["data"]["incident_id"], incident_id.as_str());
    assert!(resolved["data"]["downtime_seconds"].as_i64().unwrap() >= 0);
    assert!(resolved["data"]["title"].as_str().unwrap().starts_with("[RESOLVED] checkout is up again after"));
    assert_ne!(both[0].header("webhook-id"), both[1].header("webhook-id"), "one message id per message");

    let detail =
        wait_for_detail(&app, &incident_id, Duration::from_secs(5), |d| timeline_types(d).iter().filter(|t| *t == "notified").count() == 2)
            .await;
    assert_eq!(detail["status"], "resolved");
    assert_eq!(detail["resolved"]["by"]["kind"], "recovery");
    let types = timeline_types(&detail);
    for expected in ["opened", "notified", "check_failures", "resolved"] {
        assert!(types.contains(&expected.to_owned()), "{expected} in {types:?}");
    }
    let failures = detail["timeline"].as_array().unwrap().iter().find(|e| e["type"] == "check_failures").unwrap();
    assert_eq!(failures["failed"], 3, "the three failing checks while it lasted");
    let deliveries = detail["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 2);
    assert!(deliveries.iter().all(|d| d["status"] == "delivered" && d["last_status_code"] == 200 && d["attempts"] == 1), "{deliveries:?}");
    assert_eq!(deliveries[0]["log"][0]["status_code"], 200);
    assert_eq!(receiver.received().len(), 2, "exactly one message per transition");

    // The next outage is a new incident.
    go_down(&app, &target, &monitor).await;
    receiver.wait_for_accepted(3, Duration::from_secs(5)).await;
    let all = incidents_of(&app, &monitor).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["status"], "open");
    assert_ne!(all[0]["id"], incident_id.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_acknowledge_comment_and_resolve_through_the_api() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let receiver = Receiver::start().await;
    let (channel, _) = webhook(&app, "ops", &receiver).await;
    // Two passes to recover, so that it can be seen recovering, not yet up, when people resolve.
    let body = json!({"name": "api", "url": target.url("/"), "failure_threshold": 1, "recovery_threshold": 2, "tags": ["e2e"]});
    let monitor = app.create_quiet_monitor(body).await;
    app.wait_for_status(&monitor, "up", Duration::from_secs(10)).await;
    rule(&app, json!({"name": "tags", "select": {"tags": ["e2e"]}, "channels": [channel], "notify_on": {"resolved": false}})).await;
    go_down(&app, &target, &monitor).await;
    let incident = wait_for_incident(&app, &monitor, "open", Duration::from_secs(5)).await;
    let id = incident["id"].as_str().unwrap();
    assert_eq!(incident["cause"]["status_code"], 500);
    assert!(incident["artefact"].as_str().unwrap().starts_with(&format!("/v1/monitors/{monitor}/checks/")));
    let artefact = app.call(Method::GET, incident["artefact"].as_str().unwrap(), None).await;
    assert_eq!(artefact.json["artefact"]["status_code"], 500, "the link leads to the failing response");

    let acked = app.call(Method::POST, &format!("/v1/incidents/{id}/acknowledge"), Some(json!({"by": "ann"}))).await;
    assert_eq!(acked.status, StatusCode::OK, "{:?}", acked.json);
    assert_eq!(acked.json["status"], "acknowledged");
    assert_eq!(acked.json["acknowledged"]["by"], "ann");
    let again = app.call(Method::POST, &format!("/v1/incidents/{id}/acknowledge"), None).await;
    assert_eq!(again.json["acknowledged"]["by"], "ann", "acknowledging twice keeps the first");
    let comment = app.call(Method::POST, &format!("/v1/incidents/{id}/comments"), Some(json!({"text": "rolling back", "by": "ann"}))).await;
    assert_eq!(comment.status, StatusCode::CREATED, "{:?}", comment.json);
    app.call(Method::POST, &format!("/v1/incidents/{id}/comments"), Some(json!({"text": "  "}))).await.assert_problem(400, "comment");
    // While it is down, nothing else would open an incident for the rest of the outage.
    let refused = app.call(Method::POST, &format!("/v1/incidents/{id}/resolve"), Some(json!({"by": "bob"}))).await;
    refused.assert_problem(409, "the monitor is still down, so resolving would leave the rest of this outage unalerted");
    assert_eq!(detail(&app, id).await["status"], "acknowledged", "the refused resolve changed nothing");
    target.set_status(200);
    assert_eq!(app.check_now(&monitor).await["status"], "recovering");
    let resolved = app.call(Method::POST, &format!("/v1/incidents/{id}/resolve"), Some(json!({"by": "bob", "note": "rolled back"}))).await;
    assert_eq!(resolved.json["status"], "resolved");
    assert_eq!(resolved.json["resolved"]["by"]["name"], "bob");
    app.call(Method::POST, &format!("/v1/incidents/{id}/acknowledge"), None).await.assert_problem(409, "resolved");

    // Opened and acknowledged were announced; resolution was not wanted by the rule.
    let messages = receiver.wait_for_accepted(2, Duration::from_secs(5)).await;
    let types: Vec<_> = messages.iter().map(|m| m.json()["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(types, ["incident.opened", "incident.acknowledged"]);
    let detail = detail(&app, id).await;
    let types = timeline_types(&detail);
    let order: Vec<_> = types.iter().filter(|t| ["opened", "acknowledged", "commented", "resolved"].contains(&t.as_str())).collect();
    assert_eq!(order, ["opened", "acknowledged", "commented", "resolved"]);

    // Filters and errors.
    let listed = app.call(Method::GET, "/v1/incidents?status=resolved&limit=1", None).await;
    assert_eq!(listed.json["items"][0]["id"], id);
    app.call(Method::GET, "/v1/incidents?status=closed", None).await.assert_problem(400, "unknown status");
    app.call(Method::GET, "/v1/incidents?from=yesterday", None).await.assert_problem(400, "RFC 3339");
    let unknown = uuid::Uuid::now_v7();
    app.call(Method::GET, &format!("/v1/incidents/{unknown}"), None).await.assert_problem(404, "no incident");
    app.call(Method::GET, "/v1/incidents/not-an-id", None).await.assert_problem(404, "no incident");
    app.call_as(None, Method::GET, "/v1/incidents", None).await.assert_problem(401, "API key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_status_events_open_and_resolve_task_incidents_once() {
    use vigil_domain::events::{DomainEvent, TaskStatusChanged};
    use vigil_domain::heartbeat::TaskStatus;
    use vigil_domain::ids::TaskId;

    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (channel, secret) = webhook(&app, "ops", &receiver).await;
    let task = TaskId::from_uuid(uuid::Uuid::now_v7());
    let other = TaskId::from_uuid(uuid::Uuid::now_v7());
    rule(&app, json!({"name": "tasks", "select": {"tasks": [task.to_string(), other.to_string()]}, "channels": [channel]})).await;
    let deps = &app.server.as_ref().unwrap().deps;
    let tenant = app.call(Method::GET, "/v1/summary", None).await;
    assert_eq!(tenant.status, StatusCode::OK);
    let tenant_id = {
        let key = vigil_domain::tenant::ApiKeySecret::presented(&app.key);
        deps.stores.tenants.find_key(&key.hash()).await.unwrap().unwrap().tenant_id
    };
    let change_of = |task_id, from, to, at: jiff::Timestamp| {
        DomainEvent::TaskStatusChanged(TaskStatusChanged {
            tenant_id,
            task_id,
            task_name: "nightly backup".into(),
            from,
            to,
            at,
            reason: "no ping since 02:00 (grace 5 min)".into(),
        })
    };
    let change = |from, to, at| change_of(task, from, to, at);
    let down_at = vigil_domain::time::to_millis(jiff::Timestamp::now());
    let down = change(TaskStatus::Late, TaskStatus::Down, down_at);
    // At least once: the same event twice opens one incident and sends one message.
    deps.events.publish(&[down.clone(), down]).await.unwrap();
    let messages = receiver.wait_for_accepted(1, Duration::from_secs(5)).await;
    assert!(messages[0].signature_verifies(&secret));
    let body = messages[0].json();
    assert_eq!(body["data"]["subject"]["kind"], "task");
    assert_eq!(body["data"]["subject"]["id"], task.to_string());
    assert_eq!(body["data"]["cause"]["summary"], "no ping since 02:00 (grace 5 min)");

    let listed = app.call(Method::GET, &format!("/v1/incidents?task_id={task}"), None).await;
    assert_eq!(listed.json["items"].as_array().unwrap().len(), 1);
    let up_at = down_at + jiff::SignedDuration::from_secs(90);
    deps.events.publish(&[change(TaskStatus::Down, TaskStatus::Up, up_at)]).await.unwrap();
    let messages = receiver.wait_for_accepted(2, Duration::from_secs(5)).await;
    let resolved = messages[1].json();
    assert_eq!(resolved["type"], "incident.resolved");
    assert_eq!(resolved["data"]["downtime_seconds"], 90);
    assert_eq!(resolved["data"]["title"], "[RESOLVED] nightly backup is up again after 1 min 30 s down");
    // A late redelivery of the Down event opens nothing. Events are handled in order, so once
    // the other task's message arrived, the redelivery was handled too.
    deps.events.publish(&[change(TaskStatus::Late, TaskStatus::Down, down_at)]).await.unwrap();
    deps.events.publish(&[change_of(other, TaskStatus::Late, TaskStatus::Down, up_at)]).await.unwrap();
    let messages = receiver.wait_for_accepted(3, Duration::from_secs(5)).await;
    assert_eq!(messages[2].json()["data"]["subject"]["id"], other.to_string());
    let listed = app.call(Method::GET, &format!("/v1/incidents?task_id={task}"), None).await;
    let items = listed.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["status"], "resolved");
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_down_monitor_resolves_its_incident() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let receiver = Receiver::start().await;
    let (channel, _) = webhook(&app, "ops", &receiver).await;
    let monitor = watched(&app, &target, "retired").await;
    rule(&app, json!({"name": "r", "select": {"monitors": [monitor]}, "channels": [channel], "repeat_every_seconds": 3600})).await;
    go_down(&app, &target, &monitor).await;
    let incident = wait_for_incident(&app, &monitor, "open", Duration::from_secs(5)).await;
    let deleted = app.call(Method::DELETE, &format!("/v1/monitors/{monitor}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let messages = receiver.wait_for_accepted(2, Duration::from_secs(5)).await;
    assert_eq!(messages[1].json()["type"], "incident.resolved");
    let detail = detail(&app, incident["id"].as_str().unwrap()).await;
    assert_eq!(detail["resolved"]["by"]["kind"], "subject_deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_task_keeps_its_incident_until_it_recovers() {
    let app = TestApp::spawn().await;
    let task = app.create_task(json!({"name": "backup", "period_seconds": 3600, "grace_seconds": 600})).await;
    let (id, ping_url) = (task["id"].as_str().unwrap().to_owned(), task["ping_url"].as_str().unwrap().to_owned());
    assert_eq!(app.ping(Method::POST, &format!("{ping_url}/fail"), None).await.status, StatusCode::OK);
    let incident = wait_for_task_incident(&app, &id, "open").await;
    let incident_id = incident["id"].as_str().unwrap();

    let refused = app.call(Method::POST, &format!("/v1/incidents/{incident_id}/resolve"), Some(json!({"by": "bob"}))).await;
    refused.assert_problem(409, "the task is still down");
    assert_eq!(detail(&app, incident_id).await["status"], "open");

    assert_eq!(app.ping(Method::POST, &ping_url, None).await.status, StatusCode::OK);
    let resolved = wait_for_task_incident(&app, &id, "resolved").await;
    assert_eq!(resolved["id"], incident_id, "the recovery resolved the same incident");
}

async fn wait_for_task_incident(app: &TestApp, task: &str, status: &str) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let reply = app.call(Method::GET, &format!("/v1/incidents?task_id={task}"), None).await;
        if let Some(newest) = reply.json["items"].as_array().and_then(|items| items.first()).filter(|i| i["status"] == status) {
            return newest.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "no {status} incident for task {task}: {:?}", reply.json);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
