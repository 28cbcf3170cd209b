//! Status pages on the real app: built through the API, read as Statuspage documents and as
//! feeds a real feed reader (feedparser) parses, with caching headers, and refused to anonymous
//! readers when protected.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};
use vigil_tests::app::TestApp;
use vigil_tests::emulator::repo_root;

/// What feedparser makes of `feed`: its version, whether it found it malformed, and its entries.
fn feedparser(feed: &[u8]) -> Value {
    let python = repo_root().join(".venv-feeds/bin/python");
    assert!(python.exists(), "\n\nfeedparser is not installed: run `./scripts/install-test-tools` (it fills .venv-feeds).\n");
    let script = "import feedparser, json, sys\n\
        d = feedparser.parse(sys.stdin.buffer.read())\n\
        print(json.dumps({'version': d.version, 'bozo': d.bozo, 'title': d.feed.get('title'), \
        'entries': [{'title': e.get('title'), 'link': e.get('link'), 'id': e.get('id'), 'summary': e.get('summary'), \
        'published': e.get('published_parsed') is not None} for e in d.entries]}))";
    let mut child =
        Command::new(python).args(["-c", script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("starting feedparser");
    child.stdin.take().unwrap().write_all(feed).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "feedparser failed");
    serde_json::from_slice(&output.stdout).expect("feedparser's summary")
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(format!("{}{path}", app.base)).send().await.expect("the app answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_parse_in_a_real_feed_reader_and_documents_have_statuspage_fields() {
    let app = TestApp::spawn().await;
    let page = app.call(Method::POST, "/v1/status-pages", Some(json!({"name": "Acme & Co", "slug": "acme"}))).await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.json);
    let id = page.json["id"].as_str().unwrap().to_owned();
    let component = app.call(Method::POST, &format!("/v1/status-pages/{id}/components"), Some(json!({"name": "API"}))).await;
    let api = component.json["component_id"].as_str().expect("a component").to_owned();
    let incident = json!({"name": "API <errors>", "body": "Requests fail & retry.", "components": {api.clone(): "partial_outage"}});
    let posted = app.call(Method::POST, &format!("/v1/status-pages/{id}/incidents"), Some(incident)).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.json);
    let incident_id = posted.json["id"].as_str().unwrap().to_owned();
    let update = json!({"status": "identified", "body": "A bad deploy; rolling back."});
    app.call(Method::POST, &format!("/v1/public-incidents/{incident_id}/updates"), Some(update)).await;

    let summary = get(&app, "/status/acme/api/v2/summary.json").await;
    assert_eq!(summary.status(), StatusCode::OK);
    let caching = summary.headers()["cache-control"].to_str().unwrap().to_owned();
    assert!(caching.contains("max-age"), "{caching}");
    let etag = summary.headers()["etag"].to_str().unwrap().to_owned();
    let summary: Value = summary.json().await.unwrap();
    assert_eq!(summary["status"]["indicator"], "major", "{summary}");
    assert_eq!(summary["components"][0]["status"], "partial_outage");
    let incident = &summary["incidents"][0];
    for field in [
        "id",
        "name",
        "status",
        "created_at",
        "updated_at",
        "monitoring_at",
        "resolved_at",
        "impact",
        "shortlink",
        "page_id",
        "incident_updates",
    ] {
        assert!(incident.get(field).is_some(), "an incident has {field}: {incident}");
    }
    assert_eq!(incident["incident_updates"].as_array().map(Vec::len), Some(2));
    let unchanged =
        app.client.get(format!("{}/status/acme/api/v2/summary.json", app.base)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);

    let rss = get(&app, "/status/acme/history.rss").await;
    assert!(rss.headers()["content-type"].to_str().unwrap().starts_with("application/rss+xml"));
    assert!(rss.headers().contains_key("etag"));
    let parsed = feedparser(&rss.bytes().await.unwrap());
    assert_eq!((parsed["version"].as_str(), parsed["bozo"].as_bool()), (Some("rss20"), Some(false)), "{parsed}");
    assert_eq!(parsed["title"], "Acme & Co");
    let entries = parsed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "one entry per update: {parsed}");
    assert_eq!(entries[0]["title"], "API <errors>: identified", "newest first, text unescaped once: {parsed}");
    assert_eq!(entries[1]["summary"], "Requests fail & retry.");
    assert!(entries[0]["link"].as_str().unwrap().ends_with(&format!("/status/acme/incidents/{incident_id}")));
    assert!(entries.iter().all(|e| e["published"] == true), "dates parse: {parsed}");

    let atom = get(&app, "/status/acme/history.atom").await;
    assert!(atom.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    let parsed = feedparser(&atom.bytes().await.unwrap());
    assert_eq!((parsed["version"].as_str(), parsed["bozo"].as_bool()), (Some("atom10"), Some(false)), "{parsed}");
    let entries = parsed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{parsed}");
    assert_eq!(entries[1]["title"], "API <errors>: investigating");
    assert_ne!(entries[0]["id"], entries[1]["id"], "each update has its own id");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protected_pages_refuse_anonymous_readers_everywhere() {
    let app = TestApp::spawn().await;
    let locked = json!({"name": "Locked", "slug": "locked", "access": "password", "password": "correct horse battery"});
    assert_eq!(app.call(Method::POST, "/v1/status-pages", Some(locked)).await.status, StatusCode::CREATED);
    let staff = json!({"name": "Staff", "slug": "staff", "access": "members"});
    assert_eq!(app.call(Method::POST, "/v1/status-pages", Some(staff)).await.status, StatusCode::CREATED);
    for (slug, status) in [("locked", StatusCode::UNAUTHORIZED), ("staff", StatusCode::FORBIDDEN)] {
        for path in ["api/v2/summary.json", "api/v2/incidents.json", "history.rss", "history.atom"] {
            let answer = get(&app, &format!("/status/{slug}/{path}")).await;
            assert_eq!(answer.status(), status, "{slug}/{path}");
            assert_eq!(answer.headers()["content-type"], "application/problem+json");
        }
    }
    app.stop().await;
}

/// The `s` and `t` of the link to `path` in `mail`, with quoted-printable soft breaks undone.
fn link_params(mail: &vigil_tests::smtp_sink::Mail, path: &str) -> (String, String) {
    let body = mail.data.replace("=\r\n", "").replace("=3D", "=");
    let start = body.find(path).unwrap_or_else(|| panic!("no {path} link in {body}"));
    let query = body[start..].split_whitespace().next().unwrap().split_once('?').expect("a query").1.to_owned();
    let get = |name: &str| {
        let value = query.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).expect("the parameter");
        // The link may sit in a header, between angle brackets.
        value.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect::<String>()
    };
    (get("s"), get("t"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_subscribes_confirms_is_told_and_leaves_in_one_click() {
    let (app, sink) = super::accounts::app_with_mail().await;
    let page = app.call(Method::POST, "/v1/status-pages", Some(json!({"name": "Acme", "slug": "acme-mail"}))).await;
    let id = page.json["id"].as_str().unwrap().to_owned();
    let subscribe = |email: &str| app.client.post(format!("{}/status/acme-mail/subscribe", app.base)).json(&json!({"email": email})).send();
    let asked = subscribe("reader@example.com").await.unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let bad = subscribe("not an address").await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let mails = sink.wait_for(1, std::time::Duration::from_secs(20)).await;
    assert_eq!(mails[0].to, vec!["reader@example.com".to_owned()]);
    let (subscriber, token) = link_params(&mails[0], "/subscribe/confirm?");
    let wrong = get(&app, &format!("/status/acme-mail/subscribe/confirm?s={subscriber}&t=wrong")).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST, "a wrong token confirms nothing");
    let confirmed = get(&app, &format!("/status/acme-mail/subscribe/confirm?s={subscriber}&t={token}")).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(confirmed.json::<Value>().await.unwrap()["confirmed"], true);

    let incident = json!({"name": "API errors", "body": "Looking into it."});
    let posted = app.call(Method::POST, &format!("/v1/status-pages/{id}/incidents"), Some(incident)).await;
    assert_eq!(posted.json["subscribers_told"], 1, "{}", posted.json);
    let mails = sink.wait_for(2, std::time::Duration::from_secs(20)).await;
    let notice = &mails[1];
    assert!(notice.header("Subject").is_some_and(|s| s.contains("API errors")), "{}", notice.data);
    let list_unsubscribe = notice.header("List-Unsubscribe").expect("every message has a one-click unsubscribe header");
    assert!(list_unsubscribe.contains("/status/acme-mail/unsubscribe?"), "{list_unsubscribe}");
    let (who, unsubscribe_token) = link_params(notice, "/unsubscribe?");
    assert_eq!(who, subscriber);
    let leave = |t: &str| app.client.post(format!("{}/status/acme-mail/unsubscribe?s={subscriber}&t={t}", app.base)).send();
    assert_eq!(leave("forged").await.unwrap().status(), StatusCode::NOT_FOUND, "a forged link removes nobody");
    let left = leave(&unsubscribe_token).await.unwrap();
    assert_eq!(left.json::<Value>().await.unwrap()["removed"], true);
    let again = leave(&unsubscribe_token).await.unwrap();
    assert_eq!(
        (again.status(), again.json::<Value>().await.unwrap()["removed"].clone()),
        (StatusCode::OK, json!(false)),
        "twice is harmless"
    );

    let incident_id = posted.json["id"].as_str().unwrap();
    let update = json!({"status": "resolved", "body": "Fixed."});
    let told = app.call(Method::POST, &format!("/v1/public-incidents/{incident_id}/updates"), Some(update)).await;
    assert_eq!(told.json["subscribers_told"], 0, "nobody is left to tell: {}", told.json);
    app.stop().await;
}
