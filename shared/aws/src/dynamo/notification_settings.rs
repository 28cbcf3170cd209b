//! Channels, alert rules, maintenance windows and mutes: small per-tenant collections, kept as
//! documents in one partition per tenant (`NS#<tenant>`), read whole or by id. Ids are UUIDv7s,
//! so `sk` order is creation order.

use super::DynamoStore;
use super::documents::doc_item;
use super::toolkit::errors::decode;
use super::toolkit::item::key;
use async_trait::async_trait;
use vigil_domain::ids::{AlertRuleId, ChannelId, MaintenanceWindowId, TenantId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::notify::{AlertRule, Channel, MaintenanceWindow, Mute};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{AlertRuleRepository, ChannelRepository, SilenceRepository, StoreError};

const CHANNEL: &str = "CH#";
const RULE: &str = "AR#";
const WINDOW: &str = "MW#";
const MUTE: &str = "MU#";

fn settings_pk(tenant: TenantId) -> String {
    format!("NS#{tenant}")
}

fn mute_sk(subject: IncidentSubject) -> String {
    format!("{MUTE}{}#{}", subject.kind(), subject.uuid())
}

#[async_trait]
impl ChannelRepository for DynamoStore {
    async fn insert(&self, channel: &Channel) -> Result<(), StoreError> {
        let item = doc_item(settings_pk(channel.tenant_id), format!("{CHANNEL}{}", channel.id), channel).map_err(decode)?;
        self.put_item(item, "storing a channel").await
    }

    async fn get(&self, tenant: TenantId, id: ChannelId) -> Result<Option<Channel>, StoreError> {
        self.get_doc(settings_pk(tenant), format!("{CHANNEL}{id}"), "reading a channel").await
    }

    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Channel>, StoreError> {
        self.doc_page(&settings_pk(tenant), CHANNEL, false, page, "listing channels").await
    }

    async fn delete(&self, tenant: TenantId, id: ChannelId) -> Result<bool, StoreError> {
        self.delete_item(key(settings_pk(tenant), format!("{CHANNEL}{id}")), "deleting a channel").await
    }
}

#[async_trait]
impl AlertRuleRepository for DynamoStore {
    async fn put(&self, rule: &AlertRule) -> Result<(), StoreError> {
        let item = doc_item(settings_pk(rule.tenant_id), format!("{RULE}{}", rule.id), rule).map_err(decode)?;
        self.put_item(item, "storing an alert rule").await
    }

    async fn get(&self, tenant: TenantId, id: AlertRuleId) -> Result<Option<AlertRule>, StoreError> {
        self.get_doc(settings_pk(tenant), format!("{RULE}{id}"), "reading an alert rule").await
    }

    async fn all(&self, tenant: TenantId) -> Result<Vec<AlertRule>, StoreError> {
        self.all_docs(&settings_pk(tenant), RULE, "reading alert rules").await
    }

    async fn delete(&self, tenant: TenantId, id: AlertRuleId) -> Result<bool, StoreError> {
        self.delete_item(key(settings_pk(tenant), format!("{RULE}{id}")), "deleting an alert rule").await
    }
}

#[async_trait]
impl SilenceRepository for DynamoStore {
    async fn put_window(&self, window: &MaintenanceWindow) -> Result<(), StoreError> {
        let item = doc_item(settings_pk(window.tenant_id), format!("{WINDOW}{}", window.id), window).map_err(decode)?;
        self.put_item(item, "storing a maintenance window").await
    }

    async fn windows(&self, tenant: TenantId) -> Result<Vec<MaintenanceWindow>, StoreError> {
        self.all_docs(&settings_pk(tenant), WINDOW, "reading maintenance windows").await
    }

    async fn delete_window(&self, tenant: TenantId, id: MaintenanceWindowId) -> Result<bool, StoreError> {
        self.delete_item(key(settings_pk(tenant), format!("{WINDOW}{id}")), "deleting a maintenance window").await
    }

    async fn put_mute(&self, mute: &Mute) -> Result<(), StoreError> {
        let item = doc_item(settings_pk(mute.tenant_id), mute_sk(mute.subject), mute).map_err(decode)?;
        self.put_item(item, "storing a mute").await
    }

    async fn delete_mute(&self, tenant: TenantId, subject: IncidentSubject) -> Result<bool, StoreError> {
        self.delete_item(key(settings_pk(tenant), mute_sk(subject)), "deleting a mute").await
    }

    async fn mutes(&self, tenant: TenantId) -> Result<Vec<Mute>, StoreError> {
        self.all_docs(&settings_pk(tenant), MUTE, "reading mutes").await
    }
}
