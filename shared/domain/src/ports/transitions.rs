use super::StoreError;
use crate::ids::{CheckId, MonitorId, TenantId};
use crate::monitor::StatusTransition;
use crate::page::{Page, PageRequest};
use async_trait::async_trait;

/// Reads the history of status changes (they are written with the change that caused them).
#[async_trait]
pub trait TransitionLog: Send + Sync {
    /// Lists a monitor's status changes, newest first.
    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<StatusTransition>, StoreError>;

    /// The transition caused by check `check`, if it caused one. A redelivered check uses this
    /// to publish again an event whose first publication may have been lost.
    async fn caused_by(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<StatusTransition>, StoreError>;
}
