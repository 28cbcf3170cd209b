use super::StoreError;
use crate::ids::{AlertRuleId, ChannelId, MaintenanceWindowId, TenantId};
use crate::incident::IncidentSubject;
use crate::notify::{AlertRule, Channel, MaintenanceWindow, Mute};
use crate::page::{Page, PageRequest};
use async_trait::async_trait;

/// Notification channels.
#[async_trait]
pub trait ChannelRepository: Send + Sync {
    /// Stores a channel, replacing the one with the same id (a replacement keeps its id).
    async fn insert(&self, channel: &Channel) -> Result<(), StoreError>;

    /// Reads a channel of `tenant`.
    async fn get(&self, tenant: TenantId, id: ChannelId) -> Result<Option<Channel>, StoreError>;

    /// Lists channels of `tenant`, oldest first.
    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Channel>, StoreError>;

    /// Deletes a channel; `false` if it did not exist.
    async fn delete(&self, tenant: TenantId, id: ChannelId) -> Result<bool, StoreError>;
}

/// Alert rules.
#[async_trait]
pub trait AlertRuleRepository: Send + Sync {
    /// Stores a rule, replacing the one with the same id.
    async fn put(&self, rule: &AlertRule) -> Result<(), StoreError>;

    /// Reads a rule of `tenant`.
    async fn get(&self, tenant: TenantId, id: AlertRuleId) -> Result<Option<AlertRule>, StoreError>;

    /// Every rule of `tenant`, oldest first (a tenant has few; matching reads them all).
    async fn all(&self, tenant: TenantId) -> Result<Vec<AlertRule>, StoreError>;

    /// Deletes a rule; `false` if it did not exist.
    async fn delete(&self, tenant: TenantId, id: AlertRuleId) -> Result<bool, StoreError>;
}

/// Maintenance windows and mutes: what silences notifications.
#[async_trait]
pub trait SilenceRepository: Send + Sync {
    /// Stores a maintenance window.
    async fn put_window(&self, window: &MaintenanceWindow) -> Result<(), StoreError>;

    /// Every window of `tenant`, oldest first.
    async fn windows(&self, tenant: TenantId) -> Result<Vec<MaintenanceWindow>, StoreError>;

    /// Deletes a window; `false` if it did not exist.
    async fn delete_window(&self, tenant: TenantId, id: MaintenanceWindowId) -> Result<bool, StoreError>;

    /// Mutes a subject, replacing an earlier mute of it.
    async fn put_mute(&self, mute: &Mute) -> Result<(), StoreError>;

    /// Unmutes a subject; `false` if it was not muted.
    async fn delete_mute(&self, tenant: TenantId, subject: IncidentSubject) -> Result<bool, StoreError>;

    /// Every mute of `tenant`, expired ones included.
    async fn mutes(&self, tenant: TenantId) -> Result<Vec<Mute>, StoreError>;
}
