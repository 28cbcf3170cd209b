//! Channels, alert rules, maintenance windows and mutes: small per-tenant collections.

use super::DynamoStore;
use async_trait::async_trait;
use vigil_domain::ids::{AlertRuleId, ChannelId, MaintenanceWindowId, TenantId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::notify::{AlertRule, Channel, MaintenanceWindow, Mute};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{AlertRuleRepository, ChannelRepository, SilenceRepository, StoreError};

#[async_trait]
impl ChannelRepository for DynamoStore {
    async fn insert(&self, channel: &Channel) -> Result<(), StoreError> {
        let _ = channel;
        todo!()
    }
    async fn get(&self, tenant: TenantId, id: ChannelId) -> Result<Option<Channel>, StoreError> {
        todo!("{tenant}{id}")
    }
    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Channel>, StoreError> {
        todo!("{tenant}{page:?}")
    }
    async fn delete(&self, tenant: TenantId, id: ChannelId) -> Result<bool, StoreError> {
        todo!("{tenant}{id}")
    }
}

#[async_trait]
impl AlertRuleRepository for DynamoStore {
    async fn put(&self, rule: &AlertRule) -> Result<(), StoreError> {
        todo!("{rule:?}")
    }
    async fn get(&self, tenant: TenantId, id: AlertRuleId) -> Result<Option<AlertRule>, StoreError> {
        todo!("{tenant}{id}")
    }
    async fn all(&self, tenant: TenantId) -> Result<Vec<AlertRule>, StoreError> {
        todo!("{tenant}")
    }
    async fn delete(&self, tenant: TenantId, id: AlertRuleId) -> Result<bool, StoreError> {
        todo!("{tenant}{id}")
    }
}

#[async_trait]
impl SilenceRepository for DynamoStore {
    async fn put_window(&self, window: &MaintenanceWindow) -> Result<(), StoreError> {
        todo!("{window:?}")
    }
    async fn windows(&self, tenant: TenantId) -> Result<Vec<MaintenanceWindow>, StoreError> {
        todo!("{tenant}")
    }
    async fn delete_window(&self, tenant: TenantId, id: MaintenanceWindowId) -> Result<bool, StoreError> {
        todo!("{tenant}{id}")
    }
    async fn put_mute(&self, mute: &Mute) -> Result<(), StoreError> {
        todo!("{mute:?}")
    }
    async fn delete_mute(&self, tenant: TenantId, subject: IncidentSubject) -> Result<bool, StoreError> {
        todo!("{tenant}{subject:?}")
    }
    async fn mutes(&self, tenant: TenantId) -> Result<Vec<Mute>, StoreError> {
        todo!("{tenant}")
    }
}
