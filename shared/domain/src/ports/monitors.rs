use super::StoreError;
use crate::ids::{MonitorId, TenantId};
use crate::monitor::{HttpMonitor, MonitorHealth, MonitorRecord, MonitorStatus, StatusTransition};
use crate::page::{Page, PageRequest};
use async_trait::async_trait;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// Filters for listing monitors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitorQuery {
    /// Only monitors carrying this tag.
    pub tag: Option<String>,
    /// Only monitors in this status.
    pub status: Option<MonitorStatus>,
    /// Which page.
    pub page: PageRequest,
}

/// Stores monitors with their health and next due time.
#[async_trait]
pub trait MonitorRepository: Send + Sync {
    /// Stores a new monitor.
    async fn insert(&self, record: &MonitorRecord) -> Result<(), StoreError>;

    /// Reads a monitor of `tenant`.
    async fn get(&self, tenant: TenantId, id: MonitorId) -> Result<Option<MonitorRecord>, StoreError>;

    /// Lists monitors of `tenant`, oldest first.
    async fn list(&self, tenant: TenantId, query: &MonitorQuery) -> Result<Page<MonitorRecord>, StoreError>;

    /// Replaces the monitor's spec and due time if its stored revision is still
    /// `expected_revision` ([`StoreError::Conflict`] otherwise, [`StoreError::NotFound`] if gone).
    async fn update_spec(&self, monitor: &HttpMonitor, expected_revision: u64, next_due_at: Option<Timestamp>) -> Result<(), StoreError>;

    /// Replaces the monitor's health and due time if its stored health version is still
    /// `expected_version`, appending `transition` to its history in the same write.
    async fn change_health(
        &self,
        tenant: TenantId,
        id: MonitorId,
        expected_version: u64,
        health: &MonitorHealth,
        next_due_at: Option<Timestamp>,
        transition: Option<&StatusTransition>,
    ) -> Result<(), StoreError>;

    /// Deletes a monitor and everything recorded about it; `false` if it did not exist.
    async fn delete(&self, tenant: TenantId, id: MonitorId) -> Result<bool, StoreError>;

    /// How many monitors of `tenant` are in each status.
    async fn count_by_status(&self, tenant: TenantId) -> Result<BTreeMap<MonitorStatus, u64>, StoreError>;
}
