use crate::alerting::{detail, go_down, rule, timeline_types, wait_for_detail, wait_for_incident, watched, webhook};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use tokio::time::Instant;
use vigil_local::{SmtpConfig, SmtpSecurity};
use vigil_tests::app::TestApp;
use vigil_tests::receiver::{Answer, Receiver};
use vigil_tests::smtp_sink::SmtpSink;
use vigil_tests::target::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_failing_once_gets_the_message_once_after_a_retry() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let flaky = Receiver::scripted(&[Answer::Status(500)], Answer::Status(200)).await;
    let (channel, secret) = webhook(&app, "flaky", &flaky).await;
    let monitor = watched(&app, &target, "flaky target").await;
    rule(&app, json!({"name": "r", "select": {"monitors": [monitor]}, "channels": [channel], "notify_on": {"resolved": false}})).await;
    go_down(&app, &target, &monitor).await;

    let accepted = flaky.wait_for_accepted(1, Duration::from_secs(10)).await;
    let received = flaky.received();
    assert_eq!(received.len(), 2, "one refused attempt, one accepted");
    assert_eq!(received[0].header("webhook-id"), received[1].header("webhook-id"), "a retry is the same message");
    assert!(accepted[0].signature_verifies(&secret), "signed afresh on each attempt");
    assert!(received[1].at - received[0].at >= Duration::from_millis(250), "the retry waited for its backoff");
    let incident = wait_for_incident(&app, &monitor, "open", Duration::from_secs(5)).await;
    let detail =
        wait_for_detail(&app, incident["id"].as_str().unwrap(), Duration::from_secs(5), |d| d["deliveries"][0]["status"] == "delivered")
            .await;
    let log = detail["deliveries"][0]["log"].as_array().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0]["status_code"].as_u64(), log[0]["status_after"].as_str()), (Some(500), Some("pending")));
    assert_eq!((log[1]["status_code"].as_u64(), log[1]["status_after"].as_str()), (Some(200), Some("delivered")));
    // Nothing more comes: the delivery is done.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(flaky.received().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_receiver_ends_in_failed_deliveries_without_delaying_the_others() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    let dead = Receiver::scripted(&[], Answer::Never).await;
    let healthy = Receiver::start().await;
    let (dead_channel, _) = webhook(&app, "dead", &dead).await;
    let (healthy_channel, _) = webhook(&app, "healthy", &healthy).await;
    let monitor = watched(&app, &target, "db").await;
    // The dead channel comes first, so a sender that waited on it would delay the healthy one.
    rule(&app, json!({"name": "r", "select": {"monitors": [monitor]}, "channels": [dead_channel, healthy_channel]})).await;

    let down_at = Instant::now();
    go_down(&app, &target, &monitor).await;
    let arrived = healthy.wait_for_accepted(1, Duration::from_secs(5)).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let dead_first = loop {
        if let Some(first) = dead.received().first() {
            break first.at;
        }
        assert!(Instant::now() < deadline, "the dead receiver was never tried");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    // The dead receiver's first attempt lasts the whole 1.5 s send timeout; the healthy message
    // arrived while it was still hanging, so it did not wait behind it.
    assert!(arrived[0].at < dead_first + Duration::from_millis(1500), "the healthy message waited for the dead receiver");
    assert!(arrived[0].at - down_at < Duration::from_secs(3), "and arrived promptly: {:?}", arrived[0].at - down_at);

    // Three attempts, each cut at the 1.5 s send timeout, then the failed-deliveries list.
    let deadline = Instant::now() + Duration::from_secs(20);
    let failed = loop {
        let reply = app.call(Method::GET, "/v1/deliveries/failed", None).await;
        let items = reply.json["items"].as_array().cloned().unwrap_or_default();
        if !items.is_empty() {
            break items;
        }
        assert!(Instant::now() < deadline, "the dead receiver's delivery never failed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["channel_id"], dead_channel.as_str());
    assert_eq!(failed[0]["attempts"], 3);
    assert!(failed[0]["last_error"].as_str().unwrap().contains("no answer within"), "{:?}", failed[0]);
    assert_eq!(dead.received().len(), 3);
    let incident = wait_for_incident(&app, &monitor, "open", Duration::from_secs(1)).await;
    let detail = detail(&app, incident["id"].as_str().unwrap()).await;
    assert!(timeline_types(&detail).contains(&"delivery_failed".to_owned()));
    assert_eq!(healthy.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalation_fires_when_nobody_acknowledges_and_not_when_someone_does() {
    let app = TestApp::spawn().await;
    let (target_a, target_b) = (Target::http().await, Target::http().await);
    let first_line = Receiver::start().await;
    let escalation = Receiver::start().await;
    let (first_channel, _) = webhook(&app, "first line", &first_line).await;
    let (escalation_channel, _) = webhook(&app, "on-call lead", &escalation).await;
    let ignored = watched(&app, &target_a, "ignored").await;
    let handled = watched(&app, &target_b, "handled").await;
    rule(
        &app,
        json!({"name": "escalating", "select": {"tags": ["e2e"]}, "channels": [first_channel],
               "escalation": [{"after_seconds": 2, "channels": [escalation_channel]}]}),
    )
    .await;

    go_down(&app, &target_b, &handled).await;
    go_down(&app, &target_a, &ignored).await;
    let handled_incident = wait_for_incident(&app, &handled, "open", Duration::from_secs(5)).await;
    let ack = app.call(Method::POST, &format!("/v1/incidents/{}/acknowledge", handled_incident["id"].as_str().unwrap()), None).await;
    assert_eq!(ack.status, StatusCode::OK);

    // The ignored incident escalates; the handled one was due at about the same time and does not.
    let escalated = escalation.wait_for_accepted(1, Duration::from_secs(10)).await;
    let body = escalated[0].json();
    assert_eq!(body["type"], "incident.escalated");
    assert_eq!(body["data"]["subject"]["name"], "ignored");
    assert!(body["data"]["title"].as_str().unwrap().contains("escalation step 1"));
    // Timers are read every 100 ms; give the handled incident's timer several rounds.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let names: Vec<_> = escalation.received().iter().map(|m| m.json()["data"]["subject"]["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["ignored"], "acknowledging stopped the escalation");
    let ignored_incident = wait_for_incident(&app, &ignored, "open", Duration::from_secs(1)).await;
    let detail = detail(&app, ignored_incident["id"].as_str().unwrap()).await;
    assert!(timeline_types(&detail).contains(&"escalated".to_owned()));
    // The acknowledgement reached the first line, who had been told of the opening.
    let first_types: Vec<_> = first_line.received().iter().map(|m| m.json()["type"].as_str().unwrap().to_owned()).collect();
    assert!(first_types.contains(&"incident.acknowledged".to_owned()), "{first_types:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_windows_and_mutes_silence_notifications() {
    let app = TestApp::spawn().await;
    let (t1, t2, t3) = (Target::http().await, Target::http().await, Target::http().await);
    let receiver = Receiver::start().await;
    let (channel, _) = webhook(&app, "ops", &receiver).await;
    let in_window = watched(&app, &t1, "in maintenance").await;
    let muted = watched(&app, &t2, "muted").await;
    let control = watched(&app, &t3, "control").await;
    rule(&app, json!({"name": "all", "select": {"all": true}, "channels": [channel]})).await;
    let now = jiff::Timestamp::now();
    let window = app
        .call(
            Method::POST,
            "/v1/maintenance-windows",
            Some(json!({"name": "db upgrade", "select": {"monitors": [in_window]},
                        "schedule": {"type": "one_off", "starts_at": now - jiff::SignedDuration::from_mins(5), "ends_at": now + jiff::SignedDuration::from_hours(1)}})),
        )
        .await;
    assert_eq!(window.status, StatusCode::CREATED, "{:?}", window.json);
    assert_eq!(window.json["active"], true);
    let mute = app.call(Method::PUT, &format!("/v1/monitors/{muted}/mute"), None).await;
    assert_eq!(mute.status, StatusCode::OK, "{:?}", mute.json);

    go_down(&app, &t1, &in_window).await;
    go_down(&app, &t2, &muted).await;
    go_down(&app, &t3, &control).await;
    // Events are handled in order: once the control's message is in, the others were decided.
    let messages = receiver.wait_for_accepted(1, Duration::from_secs(5)).await;
    assert_eq!(messages[0].json()["data"]["subject"]["name"], "control");
    let silenced = wait_for_incident(&app, &in_window, "open", Duration::from_secs(5)).await;
    assert_eq!(silenced["silenced"], "maintenance window `db upgrade`", "checks ran and the incident opened, silently");
    let muted_incident = wait_for_incident(&app, &muted, "open", Duration::from_secs(5)).await;
    assert_eq!(muted_incident["silenced"], "monitor is muted");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1, "nothing for the silenced incidents");

    // Unmuted, the next outage notifies again.
    let unmute = app.call(Method::DELETE, &format!("/v1/monitors/{muted}/mute"), None).await;
    assert_eq!(unmute.status, StatusCode::NO_CONTENT);
    t2.set_status(200);
    app.check_now(&muted).await;
    go_down(&app, &t2, &muted).await;
    let messages = receiver.wait_for_accepted(2, Duration::from_secs(5)).await;
    assert_eq!(messages[1].json()["data"]["subject"]["name"], "muted");

    let windows = app.call(Method::GET, "/v1/maintenance-windows", None).await;
    assert_eq!(windows.json["items"][0]["name"], "db upgrade");
    let bad = app
        .call(
            Method::POST,
            "/v1/maintenance-windows",
            Some(json!({"name": "x", "select": {"all": true},
            "schedule": {"type": "recurring", "timezone": "Mars/Olympus", "start": "02:00", "duration_minutes": 60}})),
        )
        .await;
    bad.assert_problem(400, "schedule.timezone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_reaches_the_smtp_relay_once() {
    let sink = SmtpSink::start().await;
    let port = sink.addr.port();
    let app = TestApp::spawn_configured(|config| {
        config.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "Vigil <vigil@example.com>".into(),
        });
    })
    .await;
    let target = Target::http().await;
    let created =
        app.call(Method::POST, "/v1/channels", Some(json!({"name": "ops mail", "type": "email", "to": ["ops@example.com"]}))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.json);
    let channel = created.json["id"].as_str().unwrap().to_owned();
    let monitor = watched(&app, &target, "billing").await;
    rule(&app, json!({"name": "mail", "select": {"monitors": [monitor]}, "channels": [channel], "notify_on": {"resolved": false}})).await;
    go_down(&app, &target, &monitor).await;

    let mails = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails[0].to, ["ops@example.com"]);
    assert_eq!(mails[0].from, "vigil@example.com");
    assert_eq!(mails[0].header("Subject").as_deref(), Some("[DOWN] billing is down"));
    let body = mails[0].data.replace("=\r\n", "");
    assert!(body.contains(&target.url("/")), "the mail says what is down: {body}");
    assert!(body.contains("/v1/incidents/"), "and links the incident");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.mails().len(), 1, "exactly one mail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_are_managed_tested_and_keep_their_secrets() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (id, secret) = webhook(&app, "hook", &receiver).await;
    assert!(secret.starts_with("whsec_"), "the secret is shown once, at creation");

    let read = app.call(Method::GET, &format!("/v1/channels/{id}"), None).await;
    assert_eq!(read.json["type"], "webhook");
    assert!(!read.json.to_string().contains(&secret[6..]), "never again afterwards: {}", read.json);
    let listed = app.call(Method::GET, "/v1/channels", None).await;
    assert!(!listed.json.to_string().contains(&secret[6..]));

    let test = app.call(Method::POST, &format!("/v1/channels/{id}/test"), None).await;
    assert_eq!(test.json["delivered"], true, "{:?}", test.json);
    let got = receiver.wait_for_accepted(1, Duration::from_secs(2)).await;
    assert!(got[0].signature_verifies(&secret));
    assert_eq!(got[0].json()["type"], "channel.test");

    let slack = app
        .call(
            Method::POST,
            "/v1/channels",
            Some(json!({"name": "s", "type": "slack", "url": "https://hooks.slack.com/services/T0/B0/SECRETPART"})),
        )
        .await;
    assert_eq!(slack.status, StatusCode::CREATED);
    assert!(!slack.json.to_string().contains("SECRETPART"), "a Slack URL is a credential: {}", slack.json);

    let bad = app.call(Method::POST, "/v1/channels", Some(json!({"name": "x", "type": "pigeon"}))).await;
    bad.assert_problem(400, "type");
    let bad_rule = app
        .call(Method::POST, "/v1/alert-rules", Some(json!({"name": "r", "select": {"all": true}, "channels": [uuid::Uuid::now_v7()]})))
        .await;
    bad_rule.assert_problem(400, "channels[0]");
    app.call(Method::POST, &format!("/v1/channels/{}/test", uuid::Uuid::now_v7()), None).await.assert_problem(404, "no channel");

    let deleted = app.call(Method::DELETE, &format!("/v1/channels/{id}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    app.call(Method::GET, &format!("/v1/channels/{id}"), None).await.assert_problem(404, "no channel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_delivery_survives_a_restart() {
    let app = TestApp::spawn().await;
    let target = Target::http().await;
    // The first attempt hangs until the sender's timeout; later ones are accepted.
    let receiver = Receiver::scripted(&[Answer::Never], Answer::Status(200)).await;
    let (channel, secret) = webhook(&app, "hook", &receiver).await;
    let monitor = watched(&app, &target, "survivor").await;
    rule(&app, json!({"name": "r", "select": {"monitors": [monitor]}, "channels": [channel], "notify_on": {"resolved": false}})).await;
    go_down(&app, &target, &monitor).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while receiver.received().is_empty() {
        assert!(Instant::now() < deadline, "the first attempt never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Stop while the first attempt is in flight; the retry is due in the database, not in memory.
    let app = app.restart().await;
    let accepted = receiver.wait_for_accepted(1, Duration::from_secs(10)).await;
    assert!(accepted[0].signature_verifies(&secret));
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].header("webhook-id"), received[1].header("webhook-id"), "the same message, retried");
    let incident = wait_for_incident(&app, &monitor, "open", Duration::from_secs(5)).await;
    let detail =
        wait_for_detail(&app, incident["id"].as_str().unwrap(), Duration::from_secs(5), |d| d["deliveries"][0]["status"] == "delivered")
            .await;
    assert_eq!(detail["deliveries"][0]["attempts"], 2);
}
