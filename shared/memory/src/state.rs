//! What the store holds: one collection per kind of item, keyed by tenant first, as the other
//! stores key everything.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use vigil_domain::accounts::{AuditEntry, BrowserSession, Membership, OneTimeToken, RefreshFamily, StoredInvitation, User};
use vigil_domain::agent::rollup::{Resolution, Rollup};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::check::{CheckResult, FailureArtefact};
use vigil_domain::heartbeat::{PingKey, StoredRun, TaskRecord};
use vigil_domain::host::{ActionRecord, ConnectionEvent, Enrolment, Host, HostRule, RuleWatch};
use vigil_domain::ids::{ActionRequestId, AgentId, ConnectionEventId, EnrolmentId, HostRuleId};
use vigil_domain::ids::{
    AlertRuleId, ChannelId, CheckId, DeliveryId, IncidentId, MaintenanceWindowId, MonitorId, PingId, RunId, TaskId, TenantId,
    TimelineEntryId,
};
use vigil_domain::ids::{AuditEntryId, InvitationId, RefreshFamilyId, UserId};
use vigil_domain::ids::{BadgeId, PublicIncidentId, StatusPageId, SubscriberId};
use vigil_domain::incident::{AnyIncident, IncidentSubject, TimelineEntry};
use vigil_domain::monitor::{MonitorRecord, StatusTransition};
use vigil_domain::notify::{AlertRule, Channel, Delivery, DeliveryAttempt, MaintenanceWindow, Mute, Timer};
use vigil_domain::ports::StoredPing;
use vigil_domain::status_page::{Badge, PageSnapshot, PublicIncident, StatusPage, Subscriber};
use vigil_domain::tenant::{ApiKey, Tenant};

/// A stored transition: in the order stored (`seq`), linked to the check that caused it.
#[derive(Clone, Debug)]
pub(crate) struct StoredTransition {
    pub(crate) seq: i64,
    pub(crate) check_planned_ms: Option<i64>,
    pub(crate) transition: StatusTransition,
}

/// A timer's key: one timer per incident, rule and slot.
pub(crate) type TimerKey = (TenantId, IncidentId, AlertRuleId, &'static str);

/// A timer with its due time in the index (a claim moves the index, not the timer).
#[derive(Clone, Debug)]
pub(crate) struct IndexedTimer {
    pub(crate) due_ms: i64,
    pub(crate) timer: Timer,
}

/// Everything the store holds.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) monitors: BTreeMap<(TenantId, MonitorId), MonitorRecord>,
    pub(crate) results: BTreeMap<(TenantId, MonitorId, i64), CheckResult>,
    pub(crate) transitions: BTreeMap<(TenantId, MonitorId), Vec<StoredTransition>>,
    pub(crate) next_seq: i64,
    pub(crate) tenants: BTreeMap<TenantId, Tenant>,
    pub(crate) api_keys: HashMap<String, ApiKey>,
    pub(crate) artefacts: BTreeMap<(TenantId, MonitorId, CheckId), FailureArtefact>,
    pub(crate) incidents: BTreeMap<(TenantId, IncidentId), AnyIncident>,
    pub(crate) timelines: BTreeMap<(TenantId, IncidentId), BTreeMap<TimelineEntryId, TimelineEntry>>,
    pub(crate) channels: BTreeMap<(TenantId, ChannelId), Channel>,
    pub(crate) rules: BTreeMap<(TenantId, AlertRuleId), AlertRule>,
    pub(crate) windows: BTreeMap<(TenantId, MaintenanceWindowId), MaintenanceWindow>,
    pub(crate) mutes: BTreeMap<(TenantId, IncidentSubject), Mute>,
    pub(crate) deliveries: BTreeMap<(TenantId, DeliveryId), Delivery>,
    pub(crate) attempts: BTreeMap<(TenantId, DeliveryId, u32), DeliveryAttempt>,
    pub(crate) timers: BTreeMap<TimerKey, IndexedTimer>,
    pub(crate) tasks: BTreeMap<(TenantId, TaskId), TaskRecord>,
    pub(crate) runs: BTreeMap<(TenantId, TaskId, RunId), StoredRun>,
    pub(crate) pings: BTreeMap<(TenantId, TaskId, PingId), StoredPing>,
    pub(crate) ping_keys: BTreeMap<TenantId, PingKey>,
    pub(crate) ping_bodies: BTreeMap<(TenantId, TaskId, PingId), Vec<u8>>,
    pub(crate) users: BTreeMap<UserId, User>,
    pub(crate) memberships: BTreeMap<(TenantId, UserId), Membership>,
    pub(crate) invitations: BTreeMap<(TenantId, InvitationId), StoredInvitation>,
    pub(crate) one_time_tokens: HashMap<String, OneTimeToken>,
    pub(crate) sessions: HashMap<String, BrowserSession>,
    pub(crate) refresh_families: BTreeMap<RefreshFamilyId, RefreshFamily>,
    pub(crate) audit: BTreeMap<(TenantId, i64, AuditEntryId), AuditEntry>,
    pub(crate) sign_in_failures: HashMap<String, Vec<i64>>,
    pub(crate) server_secrets: HashMap<String, [u8; 32]>,
    pub(crate) status_pages: BTreeMap<(TenantId, StatusPageId), StatusPage>,
    pub(crate) public_incidents: BTreeMap<(TenantId, PublicIncidentId), PublicIncident>,
    pub(crate) subscribers: BTreeMap<(TenantId, SubscriberId), Subscriber>,
    pub(crate) badges: BTreeMap<(TenantId, BadgeId), Badge>,
    pub(crate) snapshots: BTreeMap<(TenantId, StatusPageId), PageSnapshot>,
    pub(crate) enrolments: BTreeMap<(TenantId, EnrolmentId), Enrolment>,
    pub(crate) hosts: BTreeMap<(TenantId, AgentId), Host>,
    pub(crate) batches: BTreeMap<(TenantId, AgentId, u64), Vec<HostSample>>,
    pub(crate) rollups: BTreeMap<(TenantId, AgentId, Resolution, i64), Rollup>,
    pub(crate) connections: BTreeMap<(TenantId, AgentId, ConnectionEventId), ConnectionEvent>,
    pub(crate) host_rules: BTreeMap<(TenantId, HostRuleId), HostRule>,
    pub(crate) watches: BTreeMap<(TenantId, AgentId, HostRuleId), RuleWatch>,
    pub(crate) actions: BTreeMap<(TenantId, ActionRequestId), ActionRecord>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("tenants", &self.tenants.len())
            .field("monitors", &self.monitors.len())
            .field("results", &self.results.len())
            .field("incidents", &self.incidents.len())
            .field("deliveries", &self.deliveries.len())
            .field("tasks", &self.tasks.len())
            .finish_non_exhaustive()
    }
}
