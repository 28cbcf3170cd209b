//! Channels, alert rules and maintenance windows.

use crate::paging::{Items, items};
use crate::{Client, Error, NO_BODY, NO_QUERY};
use http::Method;
use vigil_api::{
    AlertRule, AlertRuleDraft, AlertRuleId, Channel, ChannelDraft, ChannelId, ChannelTest, MaintenanceDraft, MaintenanceWindow,
    MaintenanceWindowId, Page, PageQuery,
};

impl Client {
    /// `POST /v1/channels`; the answer holds a webhook's signing secret, shown this once.
    pub async fn create_channel(&self, draft: &ChannelDraft) -> Result<Channel, Error> {
        self.call(Method::POST, "/v1/channels", NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/channels`: one page.
    pub async fn list_channels(&self, page: &PageQuery) -> Result<Page<Channel>, Error> {
        self.call(Method::GET, "/v1/channels", Some(page), NO_BODY).await
    }

    /// Every channel, oldest first.
    pub fn channels(&self) -> Items<'_, Channel> {
        items(move |cursor| async move { self.list_channels(&PageQuery { cursor, limit: None }).await })
    }

    /// `GET /v1/channels/{id}`.
    pub async fn get_channel(&self, id: ChannelId) -> Result<Channel, Error> {
        self.get(&format!("/v1/channels/{id}")).await
    }

    /// `PUT /v1/channels/{id}`.
    pub async fn replace_channel(&self, id: ChannelId, draft: &ChannelDraft) -> Result<Channel, Error> {
        self.call(Method::PUT, &format!("/v1/channels/{id}"), NO_QUERY, Some(draft)).await
    }

    /// `DELETE /v1/channels/{id}`.
    pub async fn delete_channel(&self, id: ChannelId) -> Result<(), Error> {
        self.delete(&format!("/v1/channels/{id}")).await
    }

    /// `POST /v1/channels/{id}/test`: sends a test message.
    pub async fn test_channel(&self, id: ChannelId) -> Result<ChannelTest, Error> {
        self.call(Method::POST, &format!("/v1/channels/{id}/test"), NO_QUERY, NO_BODY).await
    }

    /// `POST /v1/alert-rules`.
    pub async fn create_alert_rule(&self, draft: &AlertRuleDraft) -> Result<AlertRule, Error> {
        self.call(Method::POST, "/v1/alert-rules", NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/alert-rules`: every rule.
    pub async fn alert_rules(&self) -> Result<Vec<AlertRule>, Error> {
        self.get::<Page<AlertRule>>("/v1/alert-rules").await.map(|page| page.items)
    }

    /// `GET /v1/alert-rules/{id}`.
    pub async fn get_alert_rule(&self, id: AlertRuleId) -> Result<AlertRule, Error> {
        self.get(&format!("/v1/alert-rules/{id}")).await
    }

    /// `PUT /v1/alert-rules/{id}`.
    pub async fn replace_alert_rule(&self, id: AlertRuleId, draft: &AlertRuleDraft) -> Result<AlertRule, Error> {
        self.call(Method::PUT, &format!("/v1/alert-rules/{id}"), NO_QUERY, Some(draft)).await
    }

    /// `DELETE /v1/alert-rules/{id}`.
    pub async fn delete_alert_rule(&self, id: AlertRuleId) -> Result<(), Error> {
        self.delete(&format!("/v1/alert-rules/{id}")).await
    }

    /// `POST /v1/maintenance-windows`.
    pub async fn create_maintenance_window(&self, draft: &MaintenanceDraft) -> Result<MaintenanceWindow, Error> {
        self.call(Method::POST, "/v1/maintenance-windows", NO_QUERY, Some(draft)).await
    }

    /// `GET /v1/maintenance-windows`: every window.
    pub async fn maintenance_windows(&self) -> Result<Vec<MaintenanceWindow>, Error> {
        self.get::<Page<MaintenanceWindow>>("/v1/maintenance-windows").await.map(|page| page.items)
    }

    /// `GET /v1/maintenance-windows/{id}`.
    pub async fn get_maintenance_window(&self, id: MaintenanceWindowId) -> Result<MaintenanceWindow, Error> {
        self.get(&format!("/v1/maintenance-windows/{id}")).await
    }

    /// `PUT /v1/maintenance-windows/{id}`.
    pub async fn replace_maintenance_window(&self, id: MaintenanceWindowId, draft: &MaintenanceDraft) -> Result<MaintenanceWindow, Error> {
        self.call(Method::PUT, &format!("/v1/maintenance-windows/{id}"), NO_QUERY, Some(draft)).await
    }

    /// `DELETE /v1/maintenance-windows/{id}`.
    pub async fn delete_maintenance_window(&self, id: MaintenanceWindowId) -> Result<(), Error> {
        self.delete(&format!("/v1/maintenance-windows/{id}")).await
    }
}
