//! SQS's `SendMessage` alone, through a [`Caller`] rather than `aws-sdk-sqs`: its client,
//! endpoint rules and serialisers were about 70 KiB of the text of every function that enqueues
//! a delivery (the dashboard, the route groups that resolve or publish incidents, the incidents,
//! notifier and sweeper functions). The scheduler's `SendMessageBatch` keeps the SDK.

use crate::signed_call::{Answer, CallRequest, Caller, Service, Signer, retryable_status};
use anyhow::{Context, bail};
use serde::Serialize;

/// SQS, as its calls are signed, counted and tried again: its JSON protocol answers throttling
/// with a 400 whose type names it.
static SQS: Service = Service { label: "SQS", signing_name: "sqs", s3_rules: false, retryable: throttled_or_failed };

/// What `SendMessage` takes.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendMessage<'a> {
    queue_url: &'a str,
    message_body: &'a str,
    delay_seconds: i32,
}

/// Sends messages to SQS queues.
#[derive(Clone, Debug)]
pub struct SqsMessages {
    endpoint: String,
    caller: Caller,
}

impl SqsMessages {
    /// A client of SQS in `signer`'s region, or of an emulator at `endpoint` when there is one.
    /// Makes no request.
    pub fn new(signer: &Signer, endpoint: Option<&str>) -> Self {
        let region = &signer.region;
        let endpoint = match endpoint {
            Some(endpoint) => format!("{}/", endpoint.trim_end_matches('/')),
            None => format!("https://sqs.{region}.{}/", dns_suffix(region)),
        };
        Self { endpoint, caller: Caller::new(&SQS, signer) }
    }

    /// Sends `body` to the queue at `queue_url`, visible after `delay_seconds` (0–900).
    pub async fn send(&self, queue_url: &str, body: &str, delay_seconds: i32) -> anyhow::Result<()> {
        let payload = serde_json::to_vec(&SendMessage { queue_url, message_body: body, delay_seconds }).context("a SendMessage request")?;
        let headers = vec![("content-type", "application/x-amz-json-1.0".to_owned()), ("x-amz-target", "AmazonSQS.SendMessage".to_owned())];
        let request = CallRequest { method: "POST", url: self.endpoint.clone(), headers, body: payload.into() };
        let answer = self.caller.send("SendMessage", request).await?;
        expect_success(queue_url, &answer)
    }
}

/// The DNS suffix of AWS's endpoints in `region`'s partition.
fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" }
}

/// SQS's error: its type without the namespace (`com.amazonaws.sqs#QueueDoesNotExist`) and its
/// message.
fn error_of(answer: &Answer) -> (String, String) {
    let parsed: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    let field = |name: &str| parsed.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let kind = field("__type");
    let kind = kind.rsplit('#').next().unwrap_or_default().to_owned();
    let message = if parsed.get("message").is_some() { field("message") } else { field("Message") };
    (kind, message)
}

/// Server errors and throttling, which SQS asks to be tried again.
fn throttled_or_failed(answer: &Answer) -> bool {
    retryable_status(answer) || (answer.status == 400 && matches!(error_of(answer).0.as_str(), "RequestThrottled" | "ThrottlingException"))
}

/// An error naming the call, the queue and SQS's type and message, unless `answer` succeeded.
fn expect_success(queue_url: &str, answer: &Answer) -> anyhow::Result<()> {
    if (200..300).contains(&answer.status) {
        return Ok(());
    }
    let reason = match error_of(answer) {
        (kind, message) if !kind.is_empty() && !message.is_empty() => format!("{message} ({kind})"),
        (kind, message) if kind.is_empty() && message.is_empty() => "no reason given".to_owned(),
        (kind, message) => format!("{kind}{message}"),
    };
    bail!("SQS SendMessage to {queue_url}: HTTP {}: {reason}", answer.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer { status, body: body.as_bytes().to_vec() }
    }

    #[test]
    fn an_error_names_the_call_the_queue_and_the_reason() {
        let cases = [
            (
                400,
                r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#,
                "The specified queue does not exist. (QueueDoesNotExist)",
            ),
            (403, r#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no"}"#, "no (AccessDeniedException)"),
            (500, "<html>oops</html>", "no reason given"),
        ];
        for (status, body, reason) in cases {
            let error = expect_success("https://q/1/n", &answer(status, body)).unwrap_err();
            assert_eq!(error.to_string(), format!("SQS SendMessage to https://q/1/n: HTTP {status}: {reason}"));
        }
        assert!(expect_success("q", &answer(200, r#"{"MessageId":"m"}"#)).is_ok());
    }

    #[test]
    fn throttling_and_server_errors_are_tried_again_and_nothing_else() {
        let cases = [
            (400, r#"{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"}"#, true),
            (400, r#"{"__type":"com.amazon.coral.availability#ThrottlingException"}"#, true),
            (400, r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist"}"#, false),
            (503, "", true),
            (429, "", true),
            (403, "{}", false),
            (200, "{}", false),
        ];
        for (status, body, retried) in cases {
            assert_eq!(throttled_or_failed(&answer(status, body)), retried, "{status} {body}");
        }
    }

    #[test]
    fn the_endpoint_is_the_emulator_or_the_region_s() {
        let signer = |region: &str| Signer {
            region: region.to_owned(),
            credentials: aws_credential_types::provider::SharedCredentialsProvider::new(aws_credential_types::Credentials::new(
                "a", "b", None, None, "test",
            )),
            http: crate::sdk_http::SdkHttpClient::new(),
            counter: None,
        };
        assert_eq!(SqsMessages::new(&signer("eu-west-1"), Some("http://127.0.0.1:5000")).endpoint, "http://127.0.0.1:5000/");
        assert_eq!(SqsMessages::new(&signer("eu-west-1"), None).endpoint, "https://sqs.eu-west-1.amazonaws.com/");
        assert_eq!(SqsMessages::new(&signer("cn-north-1"), None).endpoint, "https://sqs.cn-north-1.amazonaws.com.cn/");
    }
}
