//! Stores a function only reads. A port wired as a trait object keeps every method of its
//! vtable (see [`crate::not_wired`]), so a function that reads monitors through the whole
//! `DynamoStore` also carries the code that writes them: their items, transactions and the
//! serialisers of every document they hold. [`ReadOnly`] puts the reads of a port through to
//! the store and refuses its writes as [`NotWired`] does, so that link-time optimisation drops
//! the writes. The status function reads monitors, their checks, incidents, tasks, maintenance
//! windows, pages, their posted incidents and badges, and members, and writes none of them; the
//! prober reads monitors (a check's health is written with its result, by the check log); the
//! monitors function reads checks; the alerting function reads deliveries (the failed ones);
//! every route group reads users and memberships; the incidents function, the publishing and
//! the triage functions read what an incident is judged by and what pages show; and the
//! dashboard reads hosts' rules (whether a host's incident may be resolved).

use crate::dynamo::DynamoStore;
use crate::not_wired::NotWired;
use async_trait::async_trait;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::sync::Arc;
use vigil_domain::accounts::{Email, Membership, User};
use vigil_domain::check::CheckResult;
use vigil_domain::digest::HistoryDigest;
use vigil_domain::heartbeat::{Task, TaskRecord};
use vigil_domain::host::{HostRule, RuleWatch};
use vigil_domain::ids::{
    AgentId, BadgeId, CheckId, DeliveryId, HostRuleId, IncidentId, MaintenanceWindowId, MonitorId, PublicIncidentId, StatusPageId, TaskId,
    TenantId, UserId,
};
use vigil_domain::incident::{AnyIncident, Incident, IncidentStatus, IncidentSubject, Ongoing, Open, TimelineEntry};
use vigil_domain::monitor::{HttpMonitor, MonitorHealth, MonitorRecord, MonitorStatus, StatusTransition};
use vigil_domain::notify::{Delivery, DeliveryAttempt, MaintenanceWindow, Mute};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{
    Badges, CheckLog, CheckRecord, DeliveryLog, EnqueueOutcome, HostRules, IncidentQuery, IncidentStore, IncidentWrite, Memberships,
    MonitorQuery, MonitorRepository, OpenOutcome, PageWrite, PublicIncidents, RecordOutcome, SilenceRepository, StatusPages, StoreError,
    TaskRepository, TaskWrite, UserDirectory,
};
use vigil_domain::status_page::{Badge, PublicIncident, StatusPage};
use vigil_domain::tenant::Tenant;
use vigil_domain::uptime::CheckTally;

/// The reads of `store`; its writes refused, naming `function`.
#[derive(Clone, Debug)]
pub struct ReadOnly {
    store: Arc<DynamoStore>,
    writes: NotWired,
}

impl ReadOnly {
    /// The reads of `store` for `function`.
    pub fn new(store: Arc<DynamoStore>, function: &'static str) -> Self {
        Self { store, writes: NotWired::new(function) }
    }
}

#[async_trait]
impl MonitorRepository for ReadOnly {
    async fn insert(&self, record: &MonitorRecord) -> Result<(), StoreError> {
        MonitorRepository::insert(&self.writes, record).await
    }
    async fn get(&self, tenant: TenantId, id: MonitorId) -> Result<Option<MonitorRecord>, StoreError> {
        MonitorRepository::get(&*self.store, tenant, id).await
    }
    async fn list(&self, tenant: TenantId, query: &MonitorQuery) -> Result<Page<MonitorRecord>, StoreError> {
        MonitorRepository::list(&*self.store, tenant, query).await
    }
    async fn update_spec(&self, monitor: &HttpMonitor, expected_revision: u64, next_due_at: Option<Timestamp>) -> Result<(), StoreError> {
        MonitorRepository::update_spec(&self.writes, monitor, expected_revision, next_due_at).await
    }
    async fn change_health(
        &self,
        tenant: TenantId,
        id: MonitorId,
        expected_version: u64,
        health: &MonitorHealth,
        next_due_at: Option<Timestamp>,
        transition: Option<&StatusTransition>,
    ) -> Result<(), StoreError> {
        MonitorRepository::change_health(&self.writes, tenant, id, expected_version, health, next_due_at, transition).await
    }
    async fn delete(&self, tenant: TenantId, id: MonitorId) -> Result<bool, StoreError> {
        MonitorRepository::delete(&self.writes, tenant, id).await
    }
    async fn count_by_status(&self, tenant: TenantId) -> Result<BTreeMap<MonitorStatus, u64>, StoreError> {
        MonitorRepository::count_by_status(&*self.store, tenant).await
    }
}

#[async_trait]
impl CheckLog for ReadOnly {
    async fn record(&self, records: &[CheckRecord]) -> Result<Vec<RecordOutcome>, StoreError> {
        CheckLog::record(&self.writes, records).await
    }
    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<CheckResult>, StoreError> {
        CheckLog::list(&*self.store, tenant, monitor, page).await
    }
    async fn get(&self, tenant: TenantId, monitor: MonitorId, id: CheckId) -> Result<Option<CheckResult>, StoreError> {
        CheckLog::get(&*self.store, tenant, monitor, id).await
    }
    async fn tally(&self, tenant: TenantId, monitor: MonitorId, from: Timestamp, to: Timestamp) -> Result<CheckTally, StoreError> {
        CheckLog::tally(&*self.store, tenant, monitor, from, to).await
    }
    async fn hourly(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Timestamp, CheckTally)>, StoreError> {
        CheckLog::hourly(&*self.store, tenant, monitor, from, to).await
    }
    async fn digests(&self, tenant: TenantId, monitors: &[MonitorId], now: Timestamp) -> Result<Vec<HistoryDigest>, StoreError> {
        CheckLog::digests(&*self.store, tenant, monitors, now).await
    }
}

#[async_trait]
impl IncidentStore for ReadOnly {
    async fn open(&self, incident: &Incident<Open>, entries: &[TimelineEntry]) -> Result<OpenOutcome, StoreError> {
        IncidentStore::open(&self.writes, incident, entries).await
    }
    async fn get(&self, tenant: TenantId, id: IncidentId) -> Result<Option<AnyIncident>, StoreError> {
        IncidentStore::get(&*self.store, tenant, id).await
    }
    async fn ongoing(&self, tenant: TenantId, subject: IncidentSubject) -> Result<Option<Ongoing>, StoreError> {
        IncidentStore::ongoing(&*self.store, tenant, subject).await
    }
    async fn transition(&self, incident: &AnyIncident, expected: IncidentStatus, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        IncidentStore::transition(&self.writes, incident, expected, entries).await
    }
    async fn append(&self, tenant: TenantId, entries: &[TimelineEntry]) -> Result<(), StoreError> {
        IncidentStore::append(&self.writes, tenant, entries).await
    }
    async fn timeline(&self, tenant: TenantId, id: IncidentId, page: &PageRequest) -> Result<Page<TimelineEntry>, StoreError> {
        IncidentStore::timeline(&*self.store, tenant, id, page).await
    }
    async fn list(&self, tenant: TenantId, query: &IncidentQuery) -> Result<Page<AnyIncident>, StoreError> {
        IncidentStore::list(&*self.store, tenant, query).await
    }
}

#[async_trait]
impl TaskRepository for ReadOnly {
    async fn insert(&self, record: &TaskRecord) -> Result<TaskWrite, StoreError> {
        TaskRepository::insert(&self.writes, record).await
    }
    async fn get(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskRecord>, StoreError> {
        TaskRepository::get(&*self.store, tenant, id).await
    }
    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<TaskRecord>, StoreError> {
        TaskRepository::list(&*self.store, tenant, page).await
    }
    async fn update_spec(&self, task: &Task, expected_revision: u64) -> Result<TaskWrite, StoreError> {
        TaskRepository::update_spec(&self.writes, task, expected_revision).await
    }
    async fn delete(&self, tenant: TenantId, id: TaskId) -> Result<bool, StoreError> {
        TaskRepository::delete(&self.writes, tenant, id).await
    }
}

#[async_trait]
impl SilenceRepository for ReadOnly {
    async fn put_window(&self, window: &MaintenanceWindow) -> Result<(), StoreError> {
        SilenceRepository::put_window(&self.writes, window).await
    }
    async fn windows(&self, tenant: TenantId) -> Result<Vec<MaintenanceWindow>, StoreError> {
        SilenceRepository::windows(&*self.store, tenant).await
    }
    async fn delete_window(&self, tenant: TenantId, id: MaintenanceWindowId) -> Result<bool, StoreError> {
        SilenceRepository::delete_window(&self.writes, tenant, id).await
    }
    async fn put_mute(&self, mute: &Mute) -> Result<(), StoreError> {
        SilenceRepository::put_mute(&self.writes, mute).await
    }
    async fn delete_mute(&self, tenant: TenantId, subject: IncidentSubject) -> Result<bool, StoreError> {
        SilenceRepository::delete_mute(&self.writes, tenant, subject).await
    }
    async fn mutes(&self, tenant: TenantId) -> Result<Vec<Mute>, StoreError> {
        SilenceRepository::mutes(&*self.store, tenant).await
    }
}

#[async_trait]
impl StatusPages for ReadOnly {
    async fn insert_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError> {
        StatusPages::insert_page(&self.writes, page).await
    }
    async fn page(&self, tenant: TenantId, id: StatusPageId) -> Result<Option<StatusPage>, StoreError> {
        StatusPages::page(&*self.store, tenant, id).await
    }
    async fn pages(&self, tenant: TenantId) -> Result<Vec<StatusPage>, StoreError> {
        StatusPages::pages(&*self.store, tenant).await
    }
    async fn update_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError> {
        StatusPages::update_page(&self.writes, page).await
    }
    async fn delete_page(&self, tenant: TenantId, id: StatusPageId) -> Result<bool, StoreError> {
        StatusPages::delete_page(&self.writes, tenant, id).await
    }
    async fn page_by_slug(&self, slug: &str) -> Result<Option<StatusPage>, StoreError> {
        StatusPages::page_by_slug(&*self.store, slug).await
    }
    async fn page_by_domain(&self, domain: &str) -> Result<Option<StatusPage>, StoreError> {
        StatusPages::page_by_domain(&*self.store, domain).await
    }
}

#[async_trait]
impl PublicIncidents for ReadOnly {
    async fn put_incident(&self, incident: &PublicIncident) -> Result<IncidentWrite, StoreError> {
        PublicIncidents::put_incident(&self.writes, incident).await
    }
    async fn incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<Option<PublicIncident>, StoreError> {
        PublicIncidents::incident(&*self.store, tenant, id).await
    }
    async fn incidents(&self, tenant: TenantId, page: StatusPageId, request: &PageRequest) -> Result<Page<PublicIncident>, StoreError> {
        PublicIncidents::incidents(&*self.store, tenant, page, request).await
    }
    async fn delete_incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<bool, StoreError> {
        PublicIncidents::delete_incident(&self.writes, tenant, id).await
    }
}

#[async_trait]
impl Badges for ReadOnly {
    async fn insert_badge(&self, badge: &Badge) -> Result<(), StoreError> {
        Badges::insert_badge(&self.writes, badge).await
    }
    async fn badge_by_token(&self, token: &str) -> Result<Option<Badge>, StoreError> {
        Badges::badge_by_token(&*self.store, token).await
    }
    async fn badges(&self, tenant: TenantId) -> Result<Vec<Badge>, StoreError> {
        Badges::badges(&*self.store, tenant).await
    }
    async fn delete_badge(&self, tenant: TenantId, id: BadgeId) -> Result<bool, StoreError> {
        Badges::delete_badge(&self.writes, tenant, id).await
    }
}

#[async_trait]
impl UserDirectory for ReadOnly {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        UserDirectory::insert_user(&self.writes, user).await
    }
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        UserDirectory::user(&*self.store, id).await
    }
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        UserDirectory::user_by_email(&*self.store, email).await
    }
    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        UserDirectory::update_user(&self.writes, user).await
    }
    async fn has_users(&self) -> Result<bool, StoreError> {
        UserDirectory::has_users(&*self.store).await
    }
}

#[async_trait]
impl Memberships for ReadOnly {
    async fn put_membership(&self, membership: &Membership) -> Result<(), StoreError> {
        Memberships::put_membership(&self.writes, membership).await
    }
    async fn membership(&self, tenant: TenantId, user: UserId) -> Result<Option<Membership>, StoreError> {
        Memberships::membership(&*self.store, tenant, user).await
    }
    async fn members(&self, tenant: TenantId) -> Result<Vec<Membership>, StoreError> {
        Memberships::members(&*self.store, tenant).await
    }
    async fn memberships_of(&self, user: UserId) -> Result<Vec<(Membership, Tenant)>, StoreError> {
        Memberships::memberships_of(&*self.store, user).await
    }
    async fn remove_membership(&self, tenant: TenantId, user: UserId) -> Result<(), StoreError> {
        Memberships::remove_membership(&self.writes, tenant, user).await
    }
}

#[async_trait]
impl DeliveryLog for ReadOnly {
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        DeliveryLog::enqueue(&self.writes, delivery).await
    }
    async fn get(&self, tenant: TenantId, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        DeliveryLog::get(&*self.store, tenant, id).await
    }
    async fn record_attempt(&self, delivery: &Delivery, attempt: &DeliveryAttempt) -> Result<(), StoreError> {
        DeliveryLog::record_attempt(&self.writes, delivery, attempt).await
    }
    async fn for_incident(&self, tenant: TenantId, incident: IncidentId) -> Result<Vec<Delivery>, StoreError> {
        DeliveryLog::for_incident(&*self.store, tenant, incident).await
    }
    async fn attempts(&self, tenant: TenantId, id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
        DeliveryLog::attempts(&*self.store, tenant, id).await
    }
    async fn failed(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Delivery>, StoreError> {
        DeliveryLog::failed(&*self.store, tenant, page).await
    }
}

#[async_trait]
impl HostRules for ReadOnly {
    async fn put_rule(&self, rule: &HostRule) -> Result<(), StoreError> {
        HostRules::put_rule(&self.writes, rule).await
    }
    async fn rule(&self, tenant: TenantId, id: HostRuleId) -> Result<Option<HostRule>, StoreError> {
        HostRules::rule(&*self.store, tenant, id).await
    }
    async fn rules(&self, tenant: TenantId) -> Result<Vec<HostRule>, StoreError> {
        HostRules::rules(&*self.store, tenant).await
    }
    async fn delete_rule(&self, tenant: TenantId, id: HostRuleId) -> Result<bool, StoreError> {
        HostRules::delete_rule(&self.writes, tenant, id).await
    }
    async fn put_watch(&self, watch: &RuleWatch) -> Result<(), StoreError> {
        HostRules::put_watch(&self.writes, watch).await
    }
    async fn watches_of(&self, tenant: TenantId, agent: AgentId) -> Result<Vec<RuleWatch>, StoreError> {
        HostRules::watches_of(&*self.store, tenant, agent).await
    }
    async fn watches(&self, tenant: TenantId) -> Result<Vec<RuleWatch>, StoreError> {
        HostRules::watches(&*self.store, tenant).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_write_is_refused_naming_the_function_and_the_port() {
        let store = Arc::new(DynamoStore::unreachable());
        let read_only = ReadOnly::new(store, "status");
        let tenant = TenantId::from_uuid(uuid::Uuid::from_u128(1));
        let refused = MonitorRepository::delete(&read_only, tenant, MonitorId::from_uuid(uuid::Uuid::from_u128(2))).await.unwrap_err();
        assert_eq!(refused.to_string(), "storage failed: the status function does not wire the MonitorRepository store");
        let refused = read_only.delete_page(tenant, StatusPageId::from_uuid(uuid::Uuid::from_u128(3))).await.unwrap_err();
        assert!(refused.to_string().contains("StatusPages"), "{refused}");
        let refused = HostRules::delete_rule(&read_only, tenant, HostRuleId::from_uuid(uuid::Uuid::from_u128(4))).await.unwrap_err();
        assert!(refused.to_string().contains("HostRules"), "{refused}");
    }
}
