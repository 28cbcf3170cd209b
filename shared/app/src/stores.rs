//! The storage ports as one bundle. Each runtime, the tests and the benchmarks wire a backend in
//! one line ([`Stores::on`]), so a new port is added here, in its adapters and in its contract
//! suite, and nowhere else.

use std::sync::Arc;
use vigil_domain::ports::{
    AlertRuleRepository, ArtefactStore, ChannelRepository, CheckLog, CheckSchedule, DeliveryDueIndex, DeliveryLog, IncidentStore,
    MonitorRepository, PingBodyStore, PingKeys, SilenceRepository, TaskDueIndex, TaskHistory, TaskRepository, TaskStateStore,
    TenantDirectory, TimerIndex, TransitionLog,
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
/// Built with [`Stores::on`]; a runtime that puts one port on another adapter (AWS sends new
/// deliveries through a queue) replaces that field with struct-update syntax:
/// `Stores { deliveries, ..Stores::on(database, blobs) }`.
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
            ping_keys: database,
            ping_bodies: blobs.ping_bodies,
        }
    }
}
