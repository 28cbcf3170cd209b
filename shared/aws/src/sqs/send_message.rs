//! SQS's `SendMessage` alone, through a [`Caller`] rather than `aws-sdk-sqs`: its client,
//! endpoint rules and serialisers were about 70 KiB of the text of every function that enqueues
//! a delivery (the dashboard, the route groups that resolve or publish incidents, the incidents,
//! notifier and sweeper functions). The scheduler's `SendMessageBatch` keeps the SDK.

use crate::service_answer::{CallError, ServiceError, json_answer_is_retryable, service_endpoint};
use crate::signed_call::{CallRequest, Caller, Service, Signer};
use anyhow::Context;
use serde::Serialize;

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
        let payload = serde_json::to_vec(&SendMessage { queue_url, message_body: body, delay_seconds }).context("a SendMessage request")?;
        let headers = vec![("content-type", "application/x-amz-json-1.0".to_owned()), ("x-amz-target", "AmazonSQS.SendMessage".to_owned())];
        let request = CallRequest { method: "POST", url: self.endpoint.clone(), headers, body: payload.into() };
        let answer = self.caller.send("SendMessage", request).await?;
        CallError::unless_success(|| format!("SQS SendMessage to {queue_url}"), &answer, ServiceError::of_json)?;
        Ok(())
    }
}
