//! SQS's `SendMessage` and `SendMessageBatch`, through a [`Caller`] rather than `aws-sdk-sqs`:
//! its client, endpoint rules and serialisers were about 70 KiB of the text of every function
//! that enqueues a delivery (the dashboard, the route groups that resolve or publish incidents,
//! the incidents, notifier and sweeper functions), and the scheduler's batches of probe jobs kept
//! the SDK's orchestrator in it.

use crate::service_answer::{CallError, ServiceError, json_answer_is_retryable, service_endpoint};
use crate::signed_call::{AWS_JSON_1_0, CallRequest, Caller, Service, Signer};
use anyhow::Context;
use serde::{Deserialize, Serialize};

/// SQS, as its calls are signed, counted and tried again: its JSON protocol answers throttling
/// with a 400 whose type names it.
static SQS: Service = Service { label: "SQS", signing_name: "sqs", s3_rules: false, retryable: json_answer_is_retryable };

/// What `SendMessage` takes.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendMessage<'a> {
    queue_url: &'a str,
    message_body: &'a str,
    delay_seconds: i32,
}

/// What `SendMessageBatch` takes: up to ten entries.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendMessageBatch<'a> {
    queue_url: &'a str,
    entries: &'a [BatchEntry],
}

/// One message of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchEntry {
    /// Unique within the batch: what a failure names.
    pub id: String,
    /// The message.
    pub message_body: String,
    /// Seconds before it is visible (0–900).
    pub delay_seconds: i32,
}

/// What `SendMessageBatch` answers: the entries that were refused.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendMessageBatchAnswer {
    #[serde(default)]
    failed: Vec<BatchFailure>,
}

/// An entry SQS refused.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct BatchFailure {
    /// The entry's id.
    pub id: String,
    /// Whether the entry itself is at fault (and would fail the same way again).
    pub sender_fault: bool,
    /// SQS's code.
    pub code: String,
    /// SQS's message.
    #[serde(default)]
    pub message: Option<String>,
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
        Self { endpoint: service_endpoint("sqs", &signer.region, endpoint), caller: Caller::new(&SQS, signer) }
    }

    /// Sends `body` to the queue at `queue_url`, visible after `delay_seconds` (0–900).
    pub async fn send(&self, queue_url: &str, body: &str, delay_seconds: i32) -> anyhow::Result<()> {
        let message = SendMessage { queue_url, message_body: body, delay_seconds };
        let request = CallRequest::aws_json(&self.endpoint, AWS_JSON_1_0, "AmazonSQS.SendMessage".into(), &message)?;
        let answer = self.caller.send("SendMessage", request).await?;
        CallError::unless_success(|| format!("SQS SendMessage to {queue_url}"), &answer, ServiceError::of_json)?;
        Ok(())
    }

    /// Sends `entries` (at most ten) to the queue at `queue_url`; the entries SQS refused.
    pub async fn send_batch(&self, queue_url: &str, entries: &[BatchEntry]) -> anyhow::Result<Vec<BatchFailure>> {
        let batch = SendMessageBatch { queue_url, entries };
        let request = CallRequest::aws_json(&self.endpoint, AWS_JSON_1_0, "AmazonSQS.SendMessageBatch".into(), &batch)?;
        let answer = self.caller.send("SendMessageBatch", request).await?;
        CallError::unless_success(|| format!("SQS SendMessageBatch to {queue_url}"), &answer, ServiceError::of_json)?;
        let answer: SendMessageBatchAnswer = serde_json::from_slice(&answer.body).context("reading what SendMessageBatch answered")?;
        Ok(answer.failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_batch_is_sent_and_its_failures_read_as_sqs_names_them() {
        let entries = [BatchEntry { id: "0".into(), message_body: "{}".into(), delay_seconds: 30 }];
        assert_eq!(
            serde_json::to_value(SendMessageBatch { queue_url: "https://q/1/jobs", entries: &entries }).unwrap(),
            json!({"QueueUrl": "https://q/1/jobs", "Entries": [{"Id": "0", "MessageBody": "{}", "DelaySeconds": 30}]})
        );
        let answer: SendMessageBatchAnswer = serde_json::from_value(json!({
            "Successful": [{"Id": "0", "MessageId": "m", "MD5OfMessageBody": "x"}],
            "Failed": [{"Id": "1", "SenderFault": false, "Code": "InternalError"}],
        }))
        .unwrap();
        assert_eq!(answer.failed, [BatchFailure { id: "1".into(), sender_fault: false, code: "InternalError".into(), message: None }]);
        let none: SendMessageBatchAnswer = serde_json::from_value(json!({"Successful": []})).unwrap();
        assert!(none.failed.is_empty());
    }
}
