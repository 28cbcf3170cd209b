//! The client over a scripted transport: listings read page after page, problem details become
//! typed errors, and only requests that may be repeated are repeated.

use async_trait::async_trait;
use bytes::Bytes;
use futures::TryStreamExt;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vigil_client::api::{MonitorDraft, MonitorQuery, Task};
use vigil_client::{Client, Error, RetryPolicy, Transport, TransportError};

type Answer = Result<(u16, &'static str, String), bool>;

/// Answers from a script, and remembers what was asked.
#[derive(Default)]
struct Script {
    answers: Mutex<VecDeque<Answer>>,
    asked: Mutex<Vec<(String, String)>>,
}

#[async_trait]
impl Transport for Script {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        self.asked.lock().unwrap().push((request.method().to_string(), request.uri().to_string()));
        match self.answers.lock().unwrap().pop_front().expect("an answer for every request") {
            Ok((status, content_type, body)) => {
                Ok(http::Response::builder().status(status).header("content-type", content_type).body(Bytes::from(body)).unwrap())
            }
            Err(not_sent) => Err(TransportError { not_sent, message: "the connection broke".into() }),
        }
    }
}

fn scripted(answers: Vec<Answer>) -> (Client, Arc<Script>) {
    let script = Arc::new(Script { answers: Mutex::new(answers.into()), ..Script::default() });
    let client = Client::with_transport("http://vigil.test/".parse().unwrap(), Some("vk_x"), script.clone())
        .retrying(RetryPolicy { attempts: 3, first_delay: Duration::from_millis(1) });
    (client, script)
}

fn task(name: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "0192f3a4-0000-7000-8000-000000000001", "name": name, "slug": null, "grace_seconds": 60,
        "max_run_seconds": null, "min_run_seconds": null, "one_shot": false, "managed": null, "status": "new",
        "status_reason": "no ping yet", "status_since": null, "expected_at": null, "next_deadline_at": null,
        "last_finish_at": null, "running": 0, "pings": 0, "ping_url": "http://vigil.test/ping/x",
        "ping_urls": {"success": "a", "start": "b", "fail": "c", "log": "d", "exit_status": "e"},
        "slug_ping_urls": null, "revision": 1, "created_at": "2026-03-01T00:00:00Z", "updated_at": "2026-03-01T00:00:00Z",
        "period_seconds": 60
    })
}

fn ok(body: serde_json::Value) -> Answer {
    Ok((200, "application/json", body.to_string()))
}

#[tokio::test]
async fn listings_are_streams_that_follow_the_cursor() {
    let (client, script) = scripted(vec![
        ok(serde_json::json!({"items": [task("a"), task("b")], "next_cursor": "c1"})),
        ok(serde_json::json!({"items": [task("c")], "next_cursor": null})),
    ]);
    let tasks: Vec<Task> = client.tasks().try_collect().await.unwrap();
    assert_eq!(tasks.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    let asked = script.asked.lock().unwrap().clone();
    assert_eq!(asked[0].1, "http://vigil.test/v1/tasks");
    assert_eq!(asked[1].1, "http://vigil.test/v1/tasks?cursor=c1");
}

#[tokio::test]
async fn problem_details_are_typed_errors() {
    let problem = r#"{"type":"https://vigil.dev/problems/not-found","title":"Not found","status":404,"detail":"no monitor with this id"}"#;
    let (client, _) = scripted(vec![Ok((404, "application/problem+json", problem.into()))]);
    let error = client.get_monitor("0192f3a4-0000-7000-8000-000000000001".parse().unwrap()).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(error.problem().map(|p| p.detail.as_str()), Some("no monitor with this id"));
    let (client, _) = scripted(vec![Ok((502, "text/html", "<h1>Bad gateway</h1>".into()))]);
    let error = client.create_monitor(&MonitorDraft::default()).await.unwrap_err();
    assert!(matches!(error, Error::Status { status: 502, .. }) && error.is_server_fault(), "{error:?}");
}

#[tokio::test]
async fn only_requests_that_may_be_repeated_are_repeated() {
    let page = || ok(serde_json::json!({"items": [], "next_cursor": null}));
    // A GET is repeated after a 503 and a broken connection.
    let (client, script) = scripted(vec![Ok((503, "text/plain", "busy".into())), Err(false), page()]);
    client.list_monitors(&MonitorQuery::default()).await.unwrap();
    assert_eq!(script.asked.lock().unwrap().len(), 3);

    // A POST is not repeated after the server may have received it.
    let (client, script) = scripted(vec![Ok((503, "text/plain", "busy".into())), page()]);
    assert!(client.create_monitor(&MonitorDraft::default()).await.is_err());
    assert_eq!(script.asked.lock().unwrap().len(), 1);
    let (client, script) = scripted(vec![Err(false), page()]);
    assert!(matches!(client.check_monitor("0192f3a4-0000-7000-8000-000000000001".parse().unwrap()).await, Err(Error::Transport(_))));
    assert_eq!(script.asked.lock().unwrap().len(), 1);

    // Unless it surely never left.
    let created = serde_json::json!({"id": "0192f3a4-0000-7000-8000-000000000002", "name": "n", "type": "email", "to": ["a@example.com"], "managed": null, "created_at": "2026-03-01T00:00:00Z"});
    let (client, script) = scripted(vec![Err(true), Ok((201, "application/json", created.to_string()))]);
    client.create_channel(&Default::default()).await.unwrap();
    assert_eq!(script.asked.lock().unwrap().len(), 2);

    // A DELETE whose answer was lost and that finds nothing the second time is done.
    let gone = r#"{"type":"x","title":"Not found","status":404,"detail":"no monitor with this id"}"#;
    let (client, script) = scripted(vec![Err(false), Ok((404, "application/problem+json", gone.into()))]);
    client.delete_monitor("0192f3a4-0000-7000-8000-000000000001".parse().unwrap()).await.unwrap();
    assert_eq!(script.asked.lock().unwrap().len(), 2);

    // Retries end.
    let (client, script) = scripted(vec![Err(false), Err(false), Err(false)]);
    assert!(client.summary().await.is_err());
    assert_eq!(script.asked.lock().unwrap().len(), 3);
}
