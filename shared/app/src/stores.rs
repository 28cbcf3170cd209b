//! The storage ports as one bundle. Each runtime, the tests and the benchmarks wire a backend in
//! one line ([`Stores::on`]), so a new port is added here, in its adapters and in its contract
//! suite, and nowhere else.

use std::sync::Arc;
use vigil_domain::ports::{
    ActionHistory, AlertRuleRepository, ArtefactStore, AuditLog, Badges, ChannelRepository, CheckLog, CheckSchedule, ConnectionLog,
    DeliveryDueIndex, DeliveryLog, HostDirectory, HostMetrics, HostRules, IncidentStore, InvitationStore, Memberships, MonitorRepository,
    OneTimeTokens, Organisations, PingBodyStore, PingKeys, PublicIncidents, RefreshTokenStore, ServerSecrets, SessionStore, SignInAttempts,
    SilenceRepository, StatusPages, StatusSnapshots, Subscribers, TaskDueIndex, TaskHistory, TaskRepository, TaskStateStore,
    TenantDirectory, TimerIndex, TransitionLog, UserDirectory,
};

/// Every port a database backend implements by itself (SQLite self-hosted, DynamoDB on AWS).
/// Blobs (failure artefacts, large ping bodies) may live elsewhere: a filesystem or S3.
pub trait Database:
    MonitorRepository
    + CheckSchedule
    + CheckLog
    + TransitionLog
    + TenantDirectory
    + IncidentStore
    + ChannelRepository
    + AlertRuleRepository
    + SilenceRepository
    + DeliveryLog
    + DeliveryDueIndex
    + TimerIndex
    + TaskRepository
    + TaskStateStore
    + TaskDueIndex
    + TaskHistory
    + PingKeys
    + Organisations
    + UserDirectory
    + Memberships
    + InvitationStore
    + OneTimeTokens
    + SessionStore
    + RefreshTokenStore
    + AuditLog
    + SignInAttempts
    + ServerSecrets
    + StatusPages
    + PublicIncidents
    + Subscribers
    + Badges
    + StatusSnapshots
    + HostDirectory
    + HostMetrics
    + ConnectionLog
    + HostRules
    + ActionHistory
    + 'static
{
}

impl<T> Database for T where
    T: MonitorRepository
        + CheckSchedule
        + CheckLog
        + TransitionLog
        + TenantDirectory
        + IncidentStore
        + ChannelRepository
        + AlertRuleRepository
        + SilenceRepository
        + DeliveryLog
        + DeliveryDueIndex
        + TimerIndex
        + TaskRepository
        + TaskStateStore
        + TaskDueIndex
        + TaskHistory
        + PingKeys
        + Organisations
        + UserDirectory
        + Memberships
        + InvitationStore
        + OneTimeTokens
        + SessionStore
        + RefreshTokenStore
        + AuditLog
        + SignInAttempts
        + ServerSecrets
        + StatusPages
        + PublicIncidents
        + Subscribers
        + Badges
        + StatusSnapshots
        + HostDirectory
        + HostMetrics
        + ConnectionLog
        + HostRules
        + ActionHistory
        + 'static
{
}

/// Where a backend keeps blobs: failure artefacts and the ping bodies too large to keep with
/// their ping.
#[derive(Clone)]
pub struct Blobs {
    /// Failure artefacts.
    pub artefacts: Arc<dyn ArtefactStore>,
    /// Ping bodies kept apart from their ping.
    pub ping_bodies: Arc<dyn PingBodyStore>,
}

/// The storage ports of one backend.
///
/// Built with [`Stores::on`]; a runtime that puts one port on another adapter replaces that field
/// with struct-update syntax: `Stores { deliveries, ..Stores::on(database, blobs) }`. Where a
/// binary's size matters (the Lambda functions), list the ports instead: `on` makes a trait object
/// of every port, and each keeps its whole vtable's code in the binary even when its field is then
/// replaced (`vigil_aws::wiring`).
#[derive(Clone)]
pub struct Stores {
    /// Monitors, their health and due times.
    pub monitors: Arc<dyn MonitorRepository>,
    /// The due-index.
    pub schedule: Arc<dyn CheckSchedule>,
    /// Check history.
    pub checks: Arc<dyn CheckLog>,
    /// Status change history.
    pub transitions: Arc<dyn TransitionLog>,
    /// Tenants and API keys.
    pub tenants: Arc<dyn TenantDirectory>,
    /// Failure artefacts.
    pub artefacts: Arc<dyn ArtefactStore>,
    /// Incidents and their timelines.
    pub incidents: Arc<dyn IncidentStore>,
    /// Notification channels.
    pub channels: Arc<dyn ChannelRepository>,
    /// Alert rules.
    pub alert_rules: Arc<dyn AlertRuleRepository>,
    /// Maintenance windows and mutes.
    pub silences: Arc<dyn SilenceRepository>,
    /// Deliveries and their attempts.
    pub deliveries: Arc<dyn DeliveryLog>,
    /// Pending deliveries by due time (self-hosted deliverers poll it).
    pub delivery_due: Arc<dyn DeliveryDueIndex>,
    /// Escalation and reminder timers.
    pub timers: Arc<dyn TimerIndex>,
    /// Heartbeat tasks and their specs.
    pub tasks: Arc<dyn TaskRepository>,
    /// Heartbeat tasks' live state, changed atomically.
    pub task_state: Arc<dyn TaskStateStore>,
    /// The due-index of heartbeat deadlines.
    pub task_due: Arc<dyn TaskDueIndex>,
    /// Runs and pings.
    pub task_history: Arc<dyn TaskHistory>,
    /// Tenants' ping keys.
    pub ping_keys: Arc<dyn PingKeys>,
    /// Ping bodies kept apart from their ping.
    pub ping_bodies: Arc<dyn PingBodyStore>,
    /// Organisations and their settings.
    pub organisations: Arc<dyn Organisations>,
    /// People.
    pub users: Arc<dyn UserDirectory>,
    /// Who belongs where, as what.
    pub memberships: Arc<dyn Memberships>,
    /// Invitations.
    pub invitations: Arc<dyn InvitationStore>,
    /// Reset and change links, second-factor tickets, OpenID sign-ins under way.
    pub one_time_tokens: Arc<dyn OneTimeTokens>,
    /// Browser sessions.
    pub sessions: Arc<dyn SessionStore>,
    /// Refresh-token families of API clients.
    pub refresh_tokens: Arc<dyn RefreshTokenStore>,
    /// The audit log.
    pub audit: Arc<dyn AuditLog>,
    /// Failed sign-ins, for throttling.
    pub sign_in_attempts: Arc<dyn SignInAttempts>,
    /// Secrets made once per deployment (the access-token key).
    pub server_secrets: Arc<dyn ServerSecrets>,
    /// Status pages and their components.
    pub status_pages: Arc<dyn StatusPages>,
    /// Public incidents.
    pub public_incidents: Arc<dyn PublicIncidents>,
    /// Subscribers of status pages.
    pub subscribers: Arc<dyn Subscribers>,
    /// Badges.
    pub badges: Arc<dyn Badges>,
    /// Status pages' snapshots.
    pub status_snapshots: Arc<dyn StatusSnapshots>,
    /// Enrolments and enrolled hosts.
    pub hosts: Arc<dyn HostDirectory>,
    /// Hosts' samples and rollups.
    pub host_metrics: Arc<dyn HostMetrics>,
    /// Agents' connection events.
    pub connections: Arc<dyn ConnectionLog>,
    /// Rules on hosts and their states.
    pub host_rules: Arc<dyn HostRules>,
    /// Remote actions and their outcomes.
    pub actions: Arc<dyn ActionHistory>,
}

impl Stores {
    /// Every port on `database`, with blobs in `blobs`.
    pub fn on<D: Database>(database: Arc<D>, blobs: Blobs) -> Self {
        Self {
            monitors: database.clone(),
            schedule: database.clone(),
            checks: database.clone(),
            transitions: database.clone(),
            tenants: database.clone(),
            artefacts: blobs.artefacts,
            incidents: database.clone(),
            channels: database.clone(),
            alert_rules: database.clone(),
            silences: database.clone(),
            deliveries: database.clone(),
            delivery_due: database.clone(),
            timers: database.clone(),
            tasks: database.clone(),
            task_state: database.clone(),
            task_due: database.clone(),
            task_history: database.clone(),
            ping_keys: database.clone(),
            ping_bodies: blobs.ping_bodies,
            organisations: database.clone(),
            users: database.clone(),
            memberships: database.clone(),
            invitations: database.clone(),
            one_time_tokens: database.clone(),
            sessions: database.clone(),
            refresh_tokens: database.clone(),
            audit: database.clone(),
            sign_in_attempts: database.clone(),
            server_secrets: database.clone(),
            status_pages: database.clone(),
            public_incidents: database.clone(),
            subscribers: database.clone(),
            badges: database.clone(),
            status_snapshots: database.clone(),
            hosts: database.clone(),
            host_metrics: database.clone(),
            connections: database.clone(),
            host_rules: database.clone(),
            actions: database,
        }
    }
}
