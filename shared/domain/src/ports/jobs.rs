use super::StoreError;
use crate::job::DelayedJob;
use async_trait::async_trait;

/// Hands probe jobs from a scheduler to probers (SQS on AWS). Delivery is at least once:
/// probers recognise a redelivered check by its id.
#[async_trait]
pub trait ProbeJobQueue: Send + Sync {
    /// Enqueues every job, each to be released after its delay. Returns once the queue has
    /// accepted all of them; on error, some may have been accepted (a retry enqueues them again,
    /// which probers absorb as duplicates).
    async fn enqueue(&self, jobs: &[DelayedJob]) -> Result<(), StoreError>;
}
