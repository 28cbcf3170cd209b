use super::StoreError;
use crate::ids::{MonitorId, TenantId};
use crate::monitor::StatusTransition;
use crate::page::{Page, PageRequest};
use async_trait::async_trait;

/// Reads the history of status changes (they are written with the change that caused them).
#[async_trait]
pub trait TransitionLog: Send + Sync {
    /// Lists a monitor's status changes, newest first.
    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<StatusTransition>, StoreError>;
}
