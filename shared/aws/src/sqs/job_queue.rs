use super::SqsMessages;
use super::job_message::encode_job;
use super::send_message::BatchEntry;
use anyhow::anyhow;
use async_trait::async_trait;
use vigil_domain::job::DelayedJob;
use vigil_domain::ports::{ProbeJobQueue, StoreError};

/// How many times entries that SQS refused in a batch are sent again.
const RESEND_ATTEMPTS: usize = 3;

/// Probe jobs on an SQS queue: ten messages per `SendMessageBatch` (SQS's limit), each with its
/// job's `DelaySeconds`.
#[derive(Clone, Debug)]
pub struct SqsJobQueue {
    sqs: SqsMessages,
    queue_url: String,
}

impl SqsJobQueue {
    /// Jobs go to the queue at `queue_url`.
    pub fn new(sqs: SqsMessages, queue_url: impl Into<String>) -> Self {
        Self { sqs, queue_url: queue_url.into() }
    }
}

#[async_trait]
impl ProbeJobQueue for SqsJobQueue {
    async fn enqueue(&self, jobs: &[DelayedJob]) -> Result<(), StoreError> {
        for chunk in jobs.chunks(10) {
            let mut pending: Vec<BatchEntry> = chunk
                .iter()
                .enumerate()
                .map(|(i, job)| BatchEntry {
                    id: i.to_string(),
                    message_body: encode_job(&job.job),
                    delay_seconds: job.delay_seconds as i32,
                })
                .collect();
            for attempt in 1..=RESEND_ATTEMPTS {
                let failed = self
                    .sqs
                    .send_batch(&self.queue_url, &pending)
                    .await
                    .map_err(|e| StoreError::backend(anyhow!("sending probe jobs: {e:#}")))?;
                if failed.is_empty() {
                    pending.clear();
                    break;
                }
                let refused: Vec<String> = failed.iter().map(|f| format!("{}: {}", f.code, f.message.as_deref().unwrap_or(""))).collect();
                // A sender fault (a bad message) fails the same way every time.
                if failed.iter().any(|f| f.sender_fault) || attempt == RESEND_ATTEMPTS {
                    return Err(StoreError::backend(anyhow!("SQS refused {} probe jobs: {}", refused.len(), refused.join("; "))));
                }
                tracing::warn!(refused = %refused.join("; "), "SQS refused some probe jobs; sending them again");
                pending.retain(|entry| failed.iter().any(|f| f.id == entry.id));
            }
        }
        Ok(())
    }
}
