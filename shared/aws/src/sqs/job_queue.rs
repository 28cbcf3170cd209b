use super::job_message::encode_job;
use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use vigil_domain::job::DelayedJob;
use vigil_domain::ports::{ProbeJobQueue, StoreError};

/// How many times entries that SQS refused in a batch are sent again.
const RESEND_ATTEMPTS: usize = 3;

/// Probe jobs on an SQS queue: ten messages per `SendMessageBatch` (SQS's limit), each with its
/// job's `DelaySeconds`.
#[derive(Clone, Debug)]
pub struct SqsJobQueue {
    client: Client,
    queue_url: String,
}

impl SqsJobQueue {
    /// Jobs go to the queue at `queue_url`.
    pub fn new(client: Client, queue_url: impl Into<String>) -> Self {
        Self { client, queue_url: queue_url.into() }
    }
}

#[async_trait]
impl ProbeJobQueue for SqsJobQueue {
    async fn enqueue(&self, jobs: &[DelayedJob]) -> Result<(), StoreError> {
        for chunk in jobs.chunks(10) {
            let mut pending: Vec<SendMessageBatchRequestEntry> = chunk
                .iter()
                .enumerate()
                .map(|(i, job)| {
                    SendMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .message_body(encode_job(&job.job))
                        .delay_seconds(job.delay_seconds as i32)
                        .build()
                        .map_err(StoreError::backend)
                })
                .collect::<Result<_, _>>()?;
            for attempt in 1..=RESEND_ATTEMPTS {
                let output = self
                    .client
                    .send_message_batch()
                    .queue_url(&self.queue_url)
                    .set_entries(Some(pending.clone()))
                    .send()
                    .await
                    .map_err(|e| StoreError::backend(anyhow!("sending probe jobs: {}", crate::sdk_error::describe(&e))))?;
                if output.failed.is_empty() {
                    pending.clear();
                    break;
                }
                let refused: Vec<String> =
                    output.failed.iter().map(|f| format!("{}: {}", f.code, f.message.as_deref().unwrap_or(""))).collect();
                // A sender fault (a bad message) fails the same way every time.
                if output.failed.iter().any(|f| f.sender_fault) || attempt == RESEND_ATTEMPTS {
                    return Err(StoreError::backend(anyhow!("SQS refused {} probe jobs: {}", refused.len(), refused.join("; "))));
                }
                tracing::warn!(refused = %refused.join("; "), "SQS refused some probe jobs; sending them again");
                pending.retain(|entry| output.failed.iter().any(|f| f.id == entry.id));
            }
        }
        Ok(())
    }
}
