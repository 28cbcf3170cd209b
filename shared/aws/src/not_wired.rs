//! The stores a function leaves unwired. Each function wires on DynamoDB only the ports its use
//! cases reach ([`crate::wiring`]); every other port is [`NotWired`]. A port turned into a trait
//! object keeps every method of its vtable, and link-time optimisation cannot drop them, so a
//! function that wired all forty ports on DynamoDB carried the code of every one (the sweeper a
//! third more bytes than it needs). A call that reaches a port left unwired is a wiring bug: it
//! fails with an error naming the function and the port, logged, and its event is retried.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use vigil_domain::accounts::{
    AnyInvitation, AuditEntry, AuditQuery, BrowserSession, Email, Membership, OneTimeToken, RefreshFamily, TokenHash, User,
};
use vigil_domain::agent::protocol::SampleBatch;
use vigil_domain::agent::rollup::{Resolution, Rollup};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::check::{CheckResult, FailureArtefact};
use vigil_domain::digest::HistoryDigest;
use vigil_domain::heartbeat::{PingKey, StoredRun, Task, TaskRecord};
use vigil_domain::host::{ActionRecord, ConnectionEvent, Enrolment, Host, HostRule, RuleWatch};
use vigil_domain::ids::{
    ActionRequestId, AgentId, AlertRuleId, ApiKeyId, BadgeId, ChannelId, CheckId, DeliveryId, EnrolmentId, HostRuleId, IncidentId,
    InvitationId, MaintenanceWindowId, MonitorId, PingId, PublicIncidentId, RefreshFamilyId, StatusPageId, SubscriberId, TaskId, TenantId,
    UserId,
};
use vigil_domain::incident::{AnyIncident, Incident, IncidentStatus, IncidentSubject, Ongoing, Open, TimelineEntry};
use vigil_domain::monitor::{HttpMonitor, MonitorHealth, MonitorRecord, MonitorStatus, StatusTransition};
use vigil_domain::notify::{AlertRule, Channel, Delivery, DeliveryAttempt, MaintenanceWindow, Mute, Timer};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::*;
use vigil_domain::status_page::{Badge, PageSnapshot, PublicIncident, StatusPage, Subscriber};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};
use vigil_domain::uptime::CheckTally;

/// Every storage port, refusing every call: the stores a function does not use.
#[derive(Clone, Copy, Debug)]
pub struct NotWired {
    function: &'static str,
}

impl NotWired {
    /// The unwired ports of `function`, which its errors name.
    pub fn new(function: &'static str) -> Self {
        Self { function }
    }

    fn refused<T>(&self, port: &'static str) -> Result<T, StoreError> {
        Err(self.refusal(port))
    }

    // Apart from the generic `refused`, which has a copy for each return type of the ports'
    // hundreds of methods: the log event and the message are made once in the binary.
    #[inline(never)]
    fn refusal(&self, port: &'static str) -> StoreError {
        tracing::error!(function = self.function, port, "a use case reached a store this function does not wire");
        StoreError::backend(format!("the {} function does not wire the {port} store", self.function))
    }
}

#[async_trait]
impl MonitorRepository for NotWired {
    async fn insert(&self, _record: &MonitorRecord) -> Result<(), StoreError> {
        self.refused("MonitorRepository")
    }
    async fn get(&self, _tenant: TenantId, _id: MonitorId) -> Result<Option<MonitorRecord>, StoreError> {
        self.refused("MonitorRepository")
    }
    async fn list(&self, _tenant: TenantId, _query: &MonitorQuery) -> Result<Page<MonitorRecord>, StoreError> {
        self.refused("MonitorRepository")
    }
    async fn update_spec(
        &self,
        _monitor: &HttpMonitor,
        _expected_revision: u64,
        _next_due_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        self.refused("MonitorRepository")
    }
    async fn change_health(
        &self,
        _tenant: TenantId,
        _id: MonitorId,
        _expected_version: u64,
        _health: &MonitorHealth,
        _next_due_at: Option<Timestamp>,
        _transition: Option<&StatusTransition>,
    ) -> Result<(), StoreError> {
        self.refused("MonitorRepository")
    }
    async fn delete(&self, _tenant: TenantId, _id: MonitorId) -> Result<bool, StoreError> {
        self.refused("MonitorRepository")
    }
    async fn count_by_status(&self, _tenant: TenantId) -> Result<BTreeMap<MonitorStatus, u64>, StoreError> {
        self.refused("MonitorRepository")
    }
}

#[async_trait]
impl CheckSchedule for NotWired {
    async fn claim_due(&self, _now: Timestamp, _until: Timestamp, _limit: usize) -> Result<Vec<DueCheck>, StoreError> {
        self.refused("CheckSchedule")
    }
    async fn claim_ahead(
        &self,
        _now: Timestamp,
        _lead_until: Timestamp,
        _until: Timestamp,
        _limit: usize,
    ) -> Result<Vec<DueCheck>, StoreError> {
        self.refused("CheckSchedule")
    }
}

#[async_trait]
impl CheckLog for NotWired {
    async fn record(&self, _records: &[CheckRecord]) -> Result<Vec<RecordOutcome>, StoreError> {
        self.refused("CheckLog")
    }
    async fn list(&self, _tenant: TenantId, _monitor: MonitorId, _page: &PageRequest) -> Result<Page<CheckResult>, StoreError> {
        self.refused("CheckLog")
    }
    async fn get(&self, _tenant: TenantId, _monitor: MonitorId, _id: CheckId) -> Result<Option<CheckResult>, StoreError> {
        self.refused("CheckLog")
    }
    async fn tally(&self, _tenant: TenantId, _monitor: MonitorId, _from: Timestamp, _to: Timestamp) -> Result<CheckTally, StoreError> {
        self.refused("CheckLog")
    }
    async fn hourly(
        &self,
        _tenant: TenantId,
        _monitor: MonitorId,
        _from: Timestamp,
        _to: Timestamp,
    ) -> Result<Vec<(Timestamp, CheckTally)>, StoreError> {
        self.refused("CheckLog")
    }
    async fn digests(&self, _tenant: TenantId, _monitors: &[MonitorId], _now: Timestamp) -> Result<Vec<HistoryDigest>, StoreError> {
        self.refused("CheckLog")
    }
}

#[async_trait]
impl TransitionLog for NotWired {
    async fn list(&self, _tenant: TenantId, _monitor: MonitorId, _page: &PageRequest) -> Result<Page<StatusTransition>, StoreError> {
        self.refused("TransitionLog")
    }
    async fn caused_by(&self, _tenant: TenantId, _monitor: MonitorId, _check: CheckId) -> Result<Option<StatusTransition>, StoreError> {
        self.refused("TransitionLog")
    }
}

#[async_trait]
impl TenantDirectory for NotWired {
    async fn create_tenant(&self, _tenant: &Tenant, _first_key: &ApiKey) -> Result<(), StoreError> {
        self.refused("TenantDirectory")
    }
    async fn has_tenants(&self) -> Result<bool, StoreError> {
        self.refused("TenantDirectory")
    }
    async fn find_key(&self, _hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError> {
        self.refused("TenantDirectory")
    }
    async fn insert_key(&self, _key: &ApiKey) -> Result<(), StoreError> {
        self.refused("TenantDirectory")
    }
    async fn key(&self, _tenant: TenantId, _id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        self.refused("TenantDirectory")
    }
    async fn keys(&self, _tenant: TenantId) -> Result<Vec<ApiKey>, StoreError> {
        self.refused("TenantDirectory")
    }
    async fn update_key(&self, _key: &ApiKey) -> Result<(), StoreError> {
        self.refused("TenantDirectory")
    }
}

#[async_trait]
impl IncidentStore for NotWired {
    async fn open(&self, _incident: &Incident<Open>, _entries: &[TimelineEntry]) -> Result<OpenOutcome, StoreError> {
        self.refused("IncidentStore")
    }
    async fn get(&self, _tenant: TenantId, _id: IncidentId) -> Result<Option<AnyIncident>, StoreError> {
        self.refused("IncidentStore")
    }
    async fn ongoing(&self, _tenant: TenantId, _subject: IncidentSubject) -> Result<Option<Ongoing>, StoreError> {
        self.refused("IncidentStore")
    }
    async fn transition(&self, _incident: &AnyIncident, _expected: IncidentStatus, _entries: &[TimelineEntry]) -> Result<(), StoreError> {
        self.refused("IncidentStore")
    }
    async fn append(&self, _tenant: TenantId, _entries: &[TimelineEntry]) -> Result<(), StoreError> {
        self.refused("IncidentStore")
    }
    async fn timeline(&self, _tenant: TenantId, _id: IncidentId, _page: &PageRequest) -> Result<Page<TimelineEntry>, StoreError> {
        self.refused("IncidentStore")
    }
    async fn list(&self, _tenant: TenantId, _query: &IncidentQuery) -> Result<Page<AnyIncident>, StoreError> {
        self.refused("IncidentStore")
    }
}

#[async_trait]
impl ChannelRepository for NotWired {
    async fn insert(&self, _channel: &Channel) -> Result<(), StoreError> {
        self.refused("ChannelRepository")
    }
    async fn get(&self, _tenant: TenantId, _id: ChannelId) -> Result<Option<Channel>, StoreError> {
        self.refused("ChannelRepository")
    }
    async fn list(&self, _tenant: TenantId, _page: &PageRequest) -> Result<Page<Channel>, StoreError> {
        self.refused("ChannelRepository")
    }
    async fn delete(&self, _tenant: TenantId, _id: ChannelId) -> Result<bool, StoreError> {
        self.refused("ChannelRepository")
    }
}

#[async_trait]
impl AlertRuleRepository for NotWired {
    async fn put(&self, _rule: &AlertRule) -> Result<(), StoreError> {
        self.refused("AlertRuleRepository")
    }
    async fn get(&self, _tenant: TenantId, _id: AlertRuleId) -> Result<Option<AlertRule>, StoreError> {
        self.refused("AlertRuleRepository")
    }
    async fn all(&self, _tenant: TenantId) -> Result<Vec<AlertRule>, StoreError> {
        self.refused("AlertRuleRepository")
    }
    async fn delete(&self, _tenant: TenantId, _id: AlertRuleId) -> Result<bool, StoreError> {
        self.refused("AlertRuleRepository")
    }
}

#[async_trait]
impl SilenceRepository for NotWired {
    async fn put_window(&self, _window: &MaintenanceWindow) -> Result<(), StoreError> {
        self.refused("SilenceRepository")
    }
    async fn windows(&self, _tenant: TenantId) -> Result<Vec<MaintenanceWindow>, StoreError> {
        self.refused("SilenceRepository")
    }
    async fn delete_window(&self, _tenant: TenantId, _id: MaintenanceWindowId) -> Result<bool, StoreError> {
        self.refused("SilenceRepository")
    }
    async fn put_mute(&self, _mute: &Mute) -> Result<(), StoreError> {
        self.refused("SilenceRepository")
    }
    async fn delete_mute(&self, _tenant: TenantId, _subject: IncidentSubject) -> Result<bool, StoreError> {
        self.refused("SilenceRepository")
    }
    async fn mutes(&self, _tenant: TenantId) -> Result<Vec<Mute>, StoreError> {
        self.refused("SilenceRepository")
    }
}

#[async_trait]
impl DeliveryLog for NotWired {
    async fn enqueue(&self, _delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        self.refused("DeliveryLog")
    }
    async fn get(&self, _tenant: TenantId, _id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        self.refused("DeliveryLog")
    }
    async fn record_attempt(&self, _delivery: &Delivery, _attempt: &DeliveryAttempt) -> Result<(), StoreError> {
        self.refused("DeliveryLog")
    }
    async fn for_incident(&self, _tenant: TenantId, _incident: IncidentId) -> Result<Vec<Delivery>, StoreError> {
        self.refused("DeliveryLog")
    }
    async fn attempts(&self, _tenant: TenantId, _id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
        self.refused("DeliveryLog")
    }
    async fn failed(&self, _tenant: TenantId, _page: &PageRequest) -> Result<Page<Delivery>, StoreError> {
        self.refused("DeliveryLog")
    }
}

#[async_trait]
impl DeliveryDueIndex for NotWired {
    async fn claim_due(&self, _now: Timestamp, _lease: SignedDuration, _limit: usize) -> Result<Vec<Delivery>, StoreError> {
        self.refused("DeliveryDueIndex")
    }
    async fn claim(
        &self,
        _tenant: TenantId,
        _id: DeliveryId,
        _now: Timestamp,
        _lease: SignedDuration,
    ) -> Result<Option<Delivery>, StoreError> {
        self.refused("DeliveryDueIndex")
    }
}

#[async_trait]
impl TimerIndex for NotWired {
    async fn schedule(&self, _timers: &[Timer]) -> Result<(), StoreError> {
        self.refused("TimerIndex")
    }
    async fn claim_due(&self, _now: Timestamp, _lease: SignedDuration, _limit: usize) -> Result<Vec<Timer>, StoreError> {
        self.refused("TimerIndex")
    }
    async fn complete(&self, _claimed: &Timer, _next: Option<&Timer>) -> Result<(), StoreError> {
        self.refused("TimerIndex")
    }
}

#[async_trait]
impl TaskRepository for NotWired {
    async fn insert(&self, _record: &TaskRecord) -> Result<TaskWrite, StoreError> {
        self.refused("TaskRepository")
    }
    async fn get(&self, _tenant: TenantId, _id: TaskId) -> Result<Option<TaskRecord>, StoreError> {
        self.refused("TaskRepository")
    }
    async fn list(&self, _tenant: TenantId, _page: &PageRequest) -> Result<Page<TaskRecord>, StoreError> {
        self.refused("TaskRepository")
    }
    async fn update_spec(&self, _task: &Task, _expected_revision: u64) -> Result<TaskWrite, StoreError> {
        self.refused("TaskRepository")
    }
    async fn delete(&self, _tenant: TenantId, _id: TaskId) -> Result<bool, StoreError> {
        self.refused("TaskRepository")
    }
}

#[async_trait]
impl TaskStateStore for NotWired {
    async fn apply(&self, _locator: &TaskLocator, _decide: Decide) -> Result<Option<Applied>, StoreError> {
        self.refused("TaskStateStore")
    }
    async fn resolve(&self, _locator: &TaskLocator) -> Result<Option<(TenantId, TaskId)>, StoreError> {
        self.refused("TaskStateStore")
    }
}

#[async_trait]
impl TaskDueIndex for NotWired {
    async fn due(&self, _now: Timestamp, _limit: usize) -> Result<Vec<(TenantId, TaskId)>, StoreError> {
        self.refused("TaskDueIndex")
    }
}

#[async_trait]
impl TaskHistory for NotWired {
    async fn list_runs(&self, _tenant: TenantId, _task: TaskId, _page: &PageRequest) -> Result<Page<StoredRun>, StoreError> {
        self.refused("TaskHistory")
    }
    async fn list_pings(&self, _tenant: TenantId, _task: TaskId, _page: &PageRequest) -> Result<Page<StoredPing>, StoreError> {
        self.refused("TaskHistory")
    }
    async fn get_ping(&self, _tenant: TenantId, _task: TaskId, _ping: PingId) -> Result<Option<StoredPing>, StoreError> {
        self.refused("TaskHistory")
    }
}

#[async_trait]
impl PingKeys for NotWired {
    async fn get(&self, _tenant: TenantId) -> Result<Option<PingKey>, StoreError> {
        self.refused("PingKeys")
    }
    async fn get_or_insert(&self, _tenant: TenantId, _key: &PingKey) -> Result<PingKey, StoreError> {
        self.refused("PingKeys")
    }
}

#[async_trait]
impl Organisations for NotWired {
    async fn insert_tenant(&self, _tenant: &Tenant) -> Result<(), StoreError> {
        self.refused("Organisations")
    }
    async fn tenant(&self, _id: TenantId) -> Result<Option<Tenant>, StoreError> {
        self.refused("Organisations")
    }
    async fn update_tenant(&self, _tenant: &Tenant) -> Result<(), StoreError> {
        self.refused("Organisations")
    }
    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.refused("Organisations")
    }
}

#[async_trait]
impl UserDirectory for NotWired {
    async fn insert_user(&self, _user: &User) -> Result<(), StoreError> {
        self.refused("UserDirectory")
    }
    async fn user(&self, _id: UserId) -> Result<Option<User>, StoreError> {
        self.refused("UserDirectory")
    }
    async fn user_by_email(&self, _email: &Email) -> Result<Option<User>, StoreError> {
        self.refused("UserDirectory")
    }
    async fn update_user(&self, _user: &User) -> Result<(), StoreError> {
        self.refused("UserDirectory")
    }
    async fn has_users(&self) -> Result<bool, StoreError> {
        self.refused("UserDirectory")
    }
}

#[async_trait]
impl Memberships for NotWired {
    async fn put_membership(&self, _membership: &Membership) -> Result<(), StoreError> {
        self.refused("Memberships")
    }
    async fn membership(&self, _tenant: TenantId, _user: UserId) -> Result<Option<Membership>, StoreError> {
        self.refused("Memberships")
    }
    async fn members(&self, _tenant: TenantId) -> Result<Vec<Membership>, StoreError> {
        self.refused("Memberships")
    }
    async fn memberships_of(&self, _user: UserId) -> Result<Vec<(Membership, Tenant)>, StoreError> {
        self.refused("Memberships")
    }
    async fn remove_membership(&self, _tenant: TenantId, _user: UserId) -> Result<(), StoreError> {
        self.refused("Memberships")
    }
}

#[async_trait]
impl InvitationStore for NotWired {
    async fn insert_invitation(&self, _invitation: &AnyInvitation) -> Result<(), StoreError> {
        self.refused("InvitationStore")
    }
    async fn invitation_by_token(&self, _token: &TokenHash) -> Result<Option<AnyInvitation>, StoreError> {
        self.refused("InvitationStore")
    }
    async fn invitation(&self, _tenant: TenantId, _id: InvitationId) -> Result<Option<AnyInvitation>, StoreError> {
        self.refused("InvitationStore")
    }
    async fn invitations(&self, _tenant: TenantId) -> Result<Vec<AnyInvitation>, StoreError> {
        self.refused("InvitationStore")
    }
    async fn settle_invitation(&self, _settled: &AnyInvitation) -> Result<(), StoreError> {
        self.refused("InvitationStore")
    }
}

#[async_trait]
impl OneTimeTokens for NotWired {
    async fn insert_token(&self, _token: &OneTimeToken) -> Result<(), StoreError> {
        self.refused("OneTimeTokens")
    }
    async fn take_token(&self, _hash: &TokenHash) -> Result<Option<OneTimeToken>, StoreError> {
        self.refused("OneTimeTokens")
    }
}

#[async_trait]
impl SessionStore for NotWired {
    async fn insert_session(&self, _session: &BrowserSession) -> Result<(), StoreError> {
        self.refused("SessionStore")
    }
    async fn session(&self, _hash: &TokenHash) -> Result<Option<BrowserSession>, StoreError> {
        self.refused("SessionStore")
    }
    async fn update_session(&self, _session: &BrowserSession) -> Result<(), StoreError> {
        self.refused("SessionStore")
    }
    async fn delete_session(&self, _hash: &TokenHash) -> Result<(), StoreError> {
        self.refused("SessionStore")
    }
    async fn delete_sessions_of(&self, _user: UserId, _keep: Option<&TokenHash>) -> Result<(), StoreError> {
        self.refused("SessionStore")
    }
}

#[async_trait]
impl RefreshTokenStore for NotWired {
    async fn insert_family(&self, _family: &RefreshFamily) -> Result<(), StoreError> {
        self.refused("RefreshTokenStore")
    }
    async fn family(&self, _id: RefreshFamilyId) -> Result<Option<RefreshFamily>, StoreError> {
        self.refused("RefreshTokenStore")
    }
    async fn replace_family(&self, _family: &RefreshFamily, _expected_generation: u32) -> Result<(), StoreError> {
        self.refused("RefreshTokenStore")
    }
    async fn revoke_families_of(&self, _user: UserId, _at: Timestamp) -> Result<(), StoreError> {
        self.refused("RefreshTokenStore")
    }
}

#[async_trait]
impl AuditLog for NotWired {
    async fn append(&self, _entry: &AuditEntry) -> Result<(), StoreError> {
        self.refused("AuditLog")
    }
    async fn entries(&self, _tenant: TenantId, _query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError> {
        self.refused("AuditLog")
    }
    async fn purge_audit(&self, _tenant: TenantId, _before: Timestamp) -> Result<u64, StoreError> {
        self.refused("AuditLog")
    }
}

#[async_trait]
impl SignInAttempts for NotWired {
    async fn record_failure(&self, _key: &str, _at: Timestamp, _since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        self.refused("SignInAttempts")
    }
    async fn failures(&self, _key: &str, _since: Timestamp) -> Result<(u32, Option<Timestamp>), StoreError> {
        self.refused("SignInAttempts")
    }
    async fn clear_failures(&self, _key: &str) -> Result<(), StoreError> {
        self.refused("SignInAttempts")
    }
}

#[async_trait]
impl ServerSecrets for NotWired {
    async fn server_secret(&self, _name: &str, _candidate: [u8; 32]) -> Result<[u8; 32], StoreError> {
        self.refused("ServerSecrets")
    }
}

#[async_trait]
impl StatusPages for NotWired {
    async fn insert_page(&self, _page: &StatusPage) -> Result<PageWrite, StoreError> {
        self.refused("StatusPages")
    }
    async fn page(&self, _tenant: TenantId, _id: StatusPageId) -> Result<Option<StatusPage>, StoreError> {
        self.refused("StatusPages")
    }
    async fn pages(&self, _tenant: TenantId) -> Result<Vec<StatusPage>, StoreError> {
        self.refused("StatusPages")
    }
    async fn update_page(&self, _page: &StatusPage) -> Result<PageWrite, StoreError> {
        self.refused("StatusPages")
    }
    async fn delete_page(&self, _tenant: TenantId, _id: StatusPageId) -> Result<bool, StoreError> {
        self.refused("StatusPages")
    }
    async fn page_by_slug(&self, _slug: &str) -> Result<Option<StatusPage>, StoreError> {
        self.refused("StatusPages")
    }
    async fn page_by_domain(&self, _domain: &str) -> Result<Option<StatusPage>, StoreError> {
        self.refused("StatusPages")
    }
}

#[async_trait]
impl PublicIncidents for NotWired {
    async fn put_incident(&self, _incident: &PublicIncident) -> Result<IncidentWrite, StoreError> {
        self.refused("PublicIncidents")
    }
    async fn incident(&self, _tenant: TenantId, _id: PublicIncidentId) -> Result<Option<PublicIncident>, StoreError> {
        self.refused("PublicIncidents")
    }
    async fn incidents(&self, _tenant: TenantId, _page: StatusPageId, _request: &PageRequest) -> Result<Page<PublicIncident>, StoreError> {
        self.refused("PublicIncidents")
    }
    async fn delete_incident(&self, _tenant: TenantId, _id: PublicIncidentId) -> Result<bool, StoreError> {
        self.refused("PublicIncidents")
    }
}

#[async_trait]
impl Subscribers for NotWired {
    async fn insert_subscriber(&self, _subscriber: &Subscriber) -> Result<(), StoreError> {
        self.refused("Subscribers")
    }
    async fn subscriber(&self, _tenant: TenantId, _id: SubscriberId) -> Result<Option<Subscriber>, StoreError> {
        self.refused("Subscribers")
    }
    async fn subscriber_by_email(
        &self,
        _tenant: TenantId,
        _page: StatusPageId,
        _address: &Email,
    ) -> Result<Option<Subscriber>, StoreError> {
        self.refused("Subscribers")
    }
    async fn update_subscriber(&self, _subscriber: &Subscriber) -> Result<(), StoreError> {
        self.refused("Subscribers")
    }
    async fn delete_subscriber(&self, _tenant: TenantId, _id: SubscriberId) -> Result<bool, StoreError> {
        self.refused("Subscribers")
    }
    async fn subscribers(&self, _tenant: TenantId, _page: StatusPageId, _request: &PageRequest) -> Result<Page<Subscriber>, StoreError> {
        self.refused("Subscribers")
    }
}

#[async_trait]
impl Badges for NotWired {
    async fn insert_badge(&self, _badge: &Badge) -> Result<(), StoreError> {
        self.refused("Badges")
    }
    async fn badge_by_token(&self, _token: &str) -> Result<Option<Badge>, StoreError> {
        self.refused("Badges")
    }
    async fn badges(&self, _tenant: TenantId) -> Result<Vec<Badge>, StoreError> {
        self.refused("Badges")
    }
    async fn delete_badge(&self, _tenant: TenantId, _id: BadgeId) -> Result<bool, StoreError> {
        self.refused("Badges")
    }
}

#[async_trait]
impl StatusSnapshots for NotWired {
    async fn put_snapshot(&self, _snapshot: &PageSnapshot) -> Result<(), StoreError> {
        self.refused("StatusSnapshots")
    }
    async fn snapshot(&self, _tenant: TenantId, _page: StatusPageId) -> Result<Option<PageSnapshot>, StoreError> {
        self.refused("StatusSnapshots")
    }
    async fn delete_snapshot(&self, _tenant: TenantId, _page: StatusPageId) -> Result<(), StoreError> {
        self.refused("StatusSnapshots")
    }
}

#[async_trait]
impl HostDirectory for NotWired {
    async fn insert_enrolment(&self, _enrolment: &Enrolment) -> Result<(), StoreError> {
        self.refused("HostDirectory")
    }
    async fn enrolments(&self, _tenant: TenantId) -> Result<Vec<Enrolment>, StoreError> {
        self.refused("HostDirectory")
    }
    async fn delete_enrolment(&self, _tenant: TenantId, _id: EnrolmentId) -> Result<bool, StoreError> {
        self.refused("HostDirectory")
    }
    async fn take_enrolment(&self, _token_digest: &str) -> Result<Option<Enrolment>, StoreError> {
        self.refused("HostDirectory")
    }
    async fn insert_host(&self, _host: &Host) -> Result<(), StoreError> {
        self.refused("HostDirectory")
    }
    async fn host(&self, _tenant: TenantId, _id: AgentId) -> Result<Option<Host>, StoreError> {
        self.refused("HostDirectory")
    }
    async fn host_by_agent(&self, _id: AgentId) -> Result<Option<Host>, StoreError> {
        self.refused("HostDirectory")
    }
    async fn hosts(&self, _tenant: TenantId) -> Result<Vec<Host>, StoreError> {
        self.refused("HostDirectory")
    }
    async fn update_host(&self, _host: &Host) -> Result<(), StoreError> {
        self.refused("HostDirectory")
    }
}

#[async_trait]
impl HostMetrics for NotWired {
    async fn append_batch(
        &self,
        _tenant: TenantId,
        _agent: AgentId,
        _batch: &SampleBatch,
        _received_at: Timestamp,
    ) -> Result<Appended, StoreError> {
        self.refused("HostMetrics")
    }
    async fn samples(&self, _tenant: TenantId, _agent: AgentId, _from: Timestamp, _to: Timestamp) -> Result<Vec<HostSample>, StoreError> {
        self.refused("HostMetrics")
    }
    async fn put_rollups(&self, _tenant: TenantId, _agent: AgentId, _rollups: &[Rollup]) -> Result<(), StoreError> {
        self.refused("HostMetrics")
    }
    async fn rollups(
        &self,
        _tenant: TenantId,
        _agent: AgentId,
        _resolution: Resolution,
        _from: Timestamp,
        _to: Timestamp,
    ) -> Result<Vec<Rollup>, StoreError> {
        self.refused("HostMetrics")
    }
}

#[async_trait]
impl ConnectionLog for NotWired {
    async fn append_connection(&self, _event: &ConnectionEvent) -> Result<(), StoreError> {
        self.refused("ConnectionLog")
    }
    async fn connections(&self, _tenant: TenantId, _agent: AgentId, _page: &PageRequest) -> Result<Page<ConnectionEvent>, StoreError> {
        self.refused("ConnectionLog")
    }
}

#[async_trait]
impl HostRules for NotWired {
    async fn put_rule(&self, _rule: &HostRule) -> Result<(), StoreError> {
        self.refused("HostRules")
    }
    async fn rule(&self, _tenant: TenantId, _id: HostRuleId) -> Result<Option<HostRule>, StoreError> {
        self.refused("HostRules")
    }
    async fn rules(&self, _tenant: TenantId) -> Result<Vec<HostRule>, StoreError> {
        self.refused("HostRules")
    }
    async fn delete_rule(&self, _tenant: TenantId, _id: HostRuleId) -> Result<bool, StoreError> {
        self.refused("HostRules")
    }
    async fn put_watch(&self, _watch: &RuleWatch) -> Result<(), StoreError> {
        self.refused("HostRules")
    }
    async fn watches_of(&self, _tenant: TenantId, _agent: AgentId) -> Result<Vec<RuleWatch>, StoreError> {
        self.refused("HostRules")
    }
    async fn watches(&self, _tenant: TenantId) -> Result<Vec<RuleWatch>, StoreError> {
        self.refused("HostRules")
    }
}

#[async_trait]
impl ActionHistory for NotWired {
    async fn insert_action(&self, _record: &ActionRecord) -> Result<(), StoreError> {
        self.refused("ActionHistory")
    }
    async fn action(&self, _tenant: TenantId, _id: ActionRequestId) -> Result<Option<ActionRecord>, StoreError> {
        self.refused("ActionHistory")
    }
    async fn update_action(&self, _record: &ActionRecord, _expected: &str) -> Result<(), StoreError> {
        self.refused("ActionHistory")
    }
    async fn actions(&self, _tenant: TenantId, _agent: Option<AgentId>, _page: &PageRequest) -> Result<Page<ActionRecord>, StoreError> {
        self.refused("ActionHistory")
    }
}

#[async_trait]
impl ArtefactStore for NotWired {
    async fn put(&self, _artefact: &FailureArtefact) -> Result<(), StoreError> {
        self.refused("ArtefactStore")
    }
    async fn get(&self, _tenant: TenantId, _monitor: MonitorId, _check: CheckId) -> Result<Option<FailureArtefact>, StoreError> {
        self.refused("ArtefactStore")
    }
    async fn delete_monitor(&self, _tenant: TenantId, _monitor: MonitorId) -> Result<(), StoreError> {
        self.refused("ArtefactStore")
    }
}

#[async_trait]
impl PingBodyStore for NotWired {
    async fn put(&self, _tenant: TenantId, _task: TaskId, _ping: PingId, _body: &[u8]) -> Result<(), StoreError> {
        self.refused("PingBodyStore")
    }
    async fn get(&self, _tenant: TenantId, _task: TaskId, _ping: PingId) -> Result<Option<Vec<u8>>, StoreError> {
        self.refused("PingBodyStore")
    }
    async fn delete(&self, _tenant: TenantId, _task: TaskId, _pings: &[PingId]) -> Result<(), StoreError> {
        self.refused("PingBodyStore")
    }
    async fn delete_task(&self, _tenant: TenantId, _task: TaskId) -> Result<(), StoreError> {
        self.refused("PingBodyStore")
    }
}

/// Events, for a function none of whose use cases publish any (the status function): it then
/// carries neither SNS's nor EventBridge's client.
#[async_trait]
impl EventPublisher for NotWired {
    async fn publish(&self, _events: &[vigil_domain::events::DomainEvent]) -> Result<(), StoreError> {
        self.refused("EventPublisher")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_call_is_refused_naming_the_function_and_the_port() {
        let store = NotWired::new("sweeper");
        let tenant = TenantId::from_uuid(uuid::Uuid::from_u128(1));
        let monitor = MonitorRepository::get(&store, tenant, MonitorId::from_uuid(uuid::Uuid::from_u128(2))).await;
        let pages = StatusPages::pages(&store, tenant).await;
        for (error, port) in [(monitor.unwrap_err(), "MonitorRepository"), (pages.unwrap_err(), "StatusPages")] {
            assert!(matches!(error, StoreError::Backend(_)), "{error:?}");
            assert_eq!(error.to_string(), format!("storage failed: the sweeper function does not wire the {port} store"));
        }
    }
}
