use crate::probe::{ProbeReport, ProbeRequest};
use async_trait::async_trait;

/// Performs checks against targets.
#[async_trait]
pub trait Prober: Send + Sync {
    /// Performs one request. Never fails: every outcome is a [`ProbeReport`].
    async fn probe(&self, request: &ProbeRequest) -> ProbeReport;
}
