//! Driving the functions' handlers as Lambda would: with the sample events of `events/`, made
//! to fit the test (path, key, body), and with SQS messages received from the emulator turned
//! into the batches Lambda's poller would deliver.

use aws_lambda_events::sqs::SqsEvent;
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};
use serde_json::{Value, json};
use std::path::PathBuf;
use tower::ServiceExt;

/// A sample event from `events/`.
pub fn sample_event(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../events").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// An API Gateway HTTP API (payload 2.0) request, shaped as the sample, for `method path` with
/// `key` and a JSON `body`.
pub fn api_request(method: &str, path: &str, key: Option<&str>, body: Option<&Value>) -> Value {
    let mut event = sample_event("apigw-create-monitor.json");
    event["rawPath"] = json!(path);
    event["requestContext"]["http"]["method"] = json!(method);
    event["requestContext"]["http"]["path"] = json!(path);
    let headers = event["headers"].as_object_mut().expect("headers");
    headers.remove("content-length");
    match key {
        Some(key) => headers.insert("authorization".into(), json!(format!("Bearer {key}"))),
        None => headers.remove("authorization"),
    };
    match body {
        Some(body) => event["body"] = json!(body.to_string()),
        None => {
            event.as_object_mut().expect("event").remove("body");
        }
    }
    event
}

/// What the api function answered: status and JSON body.
#[derive(Debug)]
pub struct ApiAnswer {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON (`Null` if empty).
    pub json: Value,
    /// The answer as API Gateway receives it.
    pub raw: Value,
}

/// Serves one API Gateway event with `router` through lambda_http, as the api function does.
pub async fn call_api(router: &axum::Router, event: Value) -> ApiAnswer {
    let request: lambda_http::request::LambdaRequest = serde_json::from_value(event).expect("an API Gateway event");
    let adapter = lambda_http::Adapter::from(router.clone());
    let response =
        adapter.oneshot(lambda_http::LambdaEvent::new(request, lambda_http::Context::default())).await.expect("the api handler answered");
    let raw = serde_json::to_value(&response).expect("an API Gateway answer");
    let status = raw["statusCode"].as_u64().expect("a status code") as u16;
    let json = raw["body"].as_str().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
    ApiAnswer { status, json, raw }
}

/// Receives every message visible on the queue now, as Lambda's poller would (without deleting
/// them: the caller settles them after the handler answered).
pub async fn receive_all(sqs: &aws_sdk_sqs::Client, queue_url: &str) -> Vec<Message> {
    let mut messages = Vec::new();
    loop {
        let output = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(30)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .expect("receiving from the emulator");
        let batch = output.messages.unwrap_or_default();
        if batch.is_empty() {
            return messages;
        }
        messages.extend(batch);
    }
}

/// The SQS event Lambda would deliver for `messages`.
pub fn sqs_event(messages: &[Message], queue_arn: &str) -> SqsEvent {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            let attributes: serde_json::Map<String, Value> =
                m.attributes().map(|a| a.iter().map(|(k, v)| (k.as_str().to_owned(), json!(v))).collect()).unwrap_or_default();
            json!({
                "messageId": m.message_id(),
                "receiptHandle": m.receipt_handle(),
                "body": m.body(),
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": m.md5_of_body(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": crate::emulator::REGION,
            })
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).expect("an SQS event")
}

/// Deletes the messages of a batch that the handler did not return as failures, as Lambda does.
pub async fn settle(sqs: &aws_sdk_sqs::Client, queue_url: &str, messages: &[Message], failed: &[String]) {
    for message in messages {
        if !failed.iter().any(|id| Some(id.as_str()) == message.message_id()) {
            sqs.delete_message()
                .queue_url(queue_url)
                .receipt_handle(message.receipt_handle().unwrap_or_default())
                .send()
                .await
                .expect("deleting");
        }
    }
}
