//! The incident pages over the in-memory store: the list and its filters, an incident's
//! timeline and delivery log, a responder acknowledging, commenting and resolving (refused in
//! the server's words while the monitor is down), and a viewer who sees no control and is
//! refused anyway.

use crate::installation::{Installation, assert_safe, element};
use axum::http::StatusCode;
use vigil_domain::accounts::Locale;
use vigil_domain::incident::IncidentStatus;

#[tokio::test]
async fn the_list_filters_by_status_subject_and_day() {
    let at = Installation::new().await;
    let (api, web) = (at.monitor("API").await, at.monitor("Website").await);
    let api_incident = at.outage(api).await;
    at.outage(web).await;
    at.check(web, 200).await;
    at.check(web, 200).await;
    assert!(at.ongoing(web).await.is_none(), "the website's incident resolved on recovery");

    let all = at.get("/incidents", &at.responder).await;
    assert_safe("/incidents", &all);
    let rows = element(&all.text(), "table", "incidents");
    assert!(rows.contains("API") && rows.contains("Website") && rows.contains("Open") && rows.contains("Resolved"), "{rows}");
    assert!(rows.contains("Lasted ") && rows.contains("Ongoing for "), "lengths");

    let open = element(&at.get("/incidents?status=open", &at.responder).await.text(), "table", "incidents");
    assert!(open.contains("API") && !open.contains("Website"), "{open}");
    assert!(open.contains(&format!("/incidents/{api_incident}")));
    let by_subject = at.get(&format!("/incidents?subject=monitor%3A{web}"), &at.responder).await.text();
    assert!(element(&by_subject, "table", "incidents").contains("Website") && !element(&by_subject, "table", "incidents").contains("API"));
    assert!(
        by_subject.contains(&format!("<option value=\"monitor:{web}\" selected>Website (Monitor)</option>")),
        "the filter keeps its choice"
    );
    let later = at.get("/incidents?since=2999-01-01", &at.responder).await.text();
    assert!(later.contains("No incident matches."));
    let bad = at.get("/incidents?since=yesterday", &at.responder).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element(&bad.text(), "p", "since-error").contains("Use a date like 2026-03-01."));
}

#[tokio::test]
async fn an_incident_page_shows_its_cause_timeline_and_delivery_log() {
    let at = Installation::new().await;
    let ops = at.channel("ops").await;
    at.rule_to(ops).await;
    let api = at.monitor("API").await;
    let incident = at.outage(api).await;
    at.deliver_due().await;
    let path = format!("/incidents/{incident}");
    let page = at.get(&path, &at.viewer).await;
    assert_safe(&path, &page);
    let html = page.text();
    assert!(html.contains("<h1>Incident: API</h1>"));
    let facts = element(&html, "dl", "incident-facts");
    assert!(facts.contains(&format!("/monitors/{api}")) && facts.contains("Unexpected status") && facts.contains("503"), "{facts}");
    let timeline = element(&html, "ol", "timeline");
    assert!(timeline.contains("Went down:"), "{timeline}");
    assert!(timeline.contains("ops was told of the opening (1 attempt)"), "{timeline}");
    let log = element(&html, "table", "deliveries");
    assert!(log.contains("ops") && log.contains("Delivered") && log.contains("Attempt 1") && log.contains("accepted (HTTP 200)"), "{log}");
}

#[tokio::test]
async fn a_responder_acknowledges_comments_and_resolves_once_the_monitor_is_no_longer_down() {
    let at = Installation::new().await;
    let api = at.monitor("API").await;
    let incident = at.outage(api).await;
    let path = format!("/incidents/{incident}");
    let page = at.get(&path, &at.responder).await.text();
    for action in ["acknowledge", "resolve", "comment"] {
        assert!(page.contains(&format!("{path}/{action}\"")), "the responder may {action}");
    }

    let acknowledged = at.post(&format!("{path}/acknowledge"), &at.responder, &[]).await;
    assert_eq!(acknowledged.status, StatusCode::SEE_OTHER);
    let html = at.get(&acknowledged.location(), &at.responder).await.text();
    assert!(html.contains("You acknowledged the incident.") && html.contains("Acknowledged by Rita Responder."), "in the timeline");
    assert!(!html.contains(&format!("{path}/acknowledge\"")), "acknowledged once");

    let empty = at.post(&format!("{path}/comment"), &at.responder, &[("text", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(element(&empty.text(), "p", "text-error").contains("A comment has 1 to 4,000 characters."));
    let commented = at.post(&format!("{path}/comment"), &at.responder, &[("text", "Restarting <b>the pool</b>")]).await;
    assert_eq!(commented.status, StatusCode::SEE_OTHER);
    let timeline = element(&at.get(&path, &at.responder).await.text(), "ol", "timeline");
    assert!(timeline.contains("Rita Responder wrote:") && timeline.contains("Restarting &#60;b&#62;the pool&#60;/b&#62;"), "{timeline}");

    let refused = at.post(&format!("{path}/resolve"), &at.responder, &[("note", "fixed?")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(html.contains("The monitor is still down: its incident resolves itself when it comes back up"), "the server's words");
    assert!(html.contains("value=\"fixed?\""), "the note stays");
    let stored = at.deps.stores.incidents.get(at.tenant, incident).await.unwrap().unwrap();
    assert_eq!(stored.status(), IncidentStatus::Acknowledged, "still ongoing");

    at.check(api, 200).await;
    assert!(at.ongoing(api).await.is_some(), "one success: recovering, the incident still open");
    let resolved = at.post(&format!("{path}/resolve"), &at.responder, &[("note", "pool restarted")]).await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER);
    let html = at.get(&resolved.location(), &at.responder).await.text();
    assert!(html.contains("The incident is resolved.") && html.contains("Resolved by Rita Responder.") && html.contains("pool restarted"));
    assert!(!html.contains(&format!("{path}/resolve\"")) && html.contains(&format!("{path}/comment\"")), "notes may follow a resolution");

    for (path, fields) in [
        ("/tasks", vec![("name", "x")]),
        ("/channels", vec![("kind", "email"), ("name", "x"), ("to", "a@example.com")]),
        ("/mutes", vec![("monitor", "x")]),
    ] {
        assert_eq!(at.post(path, &at.responder, &fields).await.status, StatusCode::FORBIDDEN, "a responder does nothing else: {path}");
    }
}

#[tokio::test]
async fn a_viewer_reads_an_incident_without_controls_and_is_refused_anyway() {
    let at = Installation::new().await;
    let api = at.monitor("API").await;
    let incident = at.outage(api).await;
    let path = format!("/incidents/{incident}");
    let html = at.get(&path, &at.viewer).await.text();
    assert!(html.contains("Incident: API") && element(&html, "ol", "timeline").contains("Went down:"));
    assert!(!html.contains("<form method=\"post\" action=\"/incidents/") && !html.contains("id=\"respond\""), "no controls");
    for action in ["acknowledge", "resolve"] {
        assert_eq!(at.post(&format!("{path}/{action}"), &at.viewer, &[]).await.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(at.post(&format!("{path}/comment"), &at.viewer, &[("text", "hi")]).await.status, StatusCode::FORBIDDEN);
    let stored = at.deps.stores.incidents.get(at.tenant, incident).await.unwrap().unwrap();
    assert_eq!(stored.status(), IncidentStatus::Open, "nothing changed");
    assert_eq!(at.get("/incidents/0192f3a4-5b6c-7d8e-9f01-23456789abcd", &at.viewer).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_incident_in_french_with_the_refusal_in_french() {
    let at = Installation::new().await;
    let api = at.monitor("API").await;
    let incident = at.outage(api).await;
    at.speak(&at.responder, Locale::Fr, "Europe/Paris").await;
    let path = format!("/incidents/{incident}");
    let html = at.get(&path, &at.responder).await.text();
    assert!(html.contains("<html lang=\"fr\"") && html.contains("Chronologie") && html.contains("Prendre en charge"), "French");
    assert!(html.contains("Statut inattendu"), "the failure class in words");
    let refused = at.post(&format!("{path}/resolve"), &at.responder, &[]).await.text();
    assert!(refused.contains("La sonde est toujours en panne"), "the refusal in French");
    let list = at.get("/incidents", &at.responder).await.text();
    assert!(list.contains("Ouvert") && list.contains("En cours depuis"), "the list in French");
}
