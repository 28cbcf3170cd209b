//! Contract suites: one per storage port, written against the traits only. Every adapter
//! (SQLite here, DynamoDB on the emulator) runs every suite, so the backends cannot drift.
//!
//! Each suite takes a fresh [`Stores`] so that global reads (the due-index) see only its data.

mod artefacts;
mod check_log;
mod fixtures;
mod incident_fixtures;
mod incidents;
mod monitors;
mod notifications;
mod schedule;
mod tasks;
mod tenants;

pub use artefacts::artefact_store_contract;
pub use check_log::{check_log_contract, concurrent_records_contract, tally_contract};
pub use incidents::{concurrent_openings_contract, incident_store_contract};
pub use monitors::{monitor_listing_contract, monitor_repository_contract};
pub use notifications::{delivery_log_contract, notification_settings_contract, timer_index_contract};
pub use schedule::{claim_ahead_contract, concurrent_claims_contract, schedule_contract};
pub use tasks::{
    concurrent_task_changes_contract, ping_body_store_contract, ping_keys_contract, task_due_index_contract, task_record,
    task_repository_contract, task_state_contract,
};
pub use tenants::tenant_directory_contract;

use std::sync::Arc;
use vigil_domain::ports::{
    AlertRuleRepository, ArtefactStore, ChannelRepository, CheckLog, CheckSchedule, DeliveryDueIndex, DeliveryLog, IncidentStore,
    MonitorRepository, PingBodyStore, PingKeys, SilenceRepository, TaskDueIndex, TaskHistory, TaskRepository, TaskStateStore,
    TenantDirectory, TimerIndex, TransitionLog,
};

/// The storage ports of one backend.
#[derive(Clone)]
pub struct Stores {
    /// Monitors.
    pub monitors: Arc<dyn MonitorRepository>,
    /// Due-index.
    pub schedule: Arc<dyn CheckSchedule>,
    /// Check history.
    pub checks: Arc<dyn CheckLog>,
    /// Transitions.
    pub transitions: Arc<dyn TransitionLog>,
    /// Tenants.
    pub tenants: Arc<dyn TenantDirectory>,
    /// Artefacts.
    pub artefacts: Arc<dyn ArtefactStore>,
    /// Incidents.
    pub incidents: Arc<dyn IncidentStore>,
    /// Channels.
    pub channels: Arc<dyn ChannelRepository>,
    /// Alert rules.
    pub alert_rules: Arc<dyn AlertRuleRepository>,
    /// Maintenance windows and mutes.
    pub silences: Arc<dyn SilenceRepository>,
    /// Deliveries.
    pub deliveries: Arc<dyn DeliveryLog>,
    /// Due deliveries.
    pub delivery_due: Arc<dyn DeliveryDueIndex>,
    /// Escalation timers.
    pub timers: Arc<dyn TimerIndex>,
    /// Heartbeat tasks.
    pub tasks: Arc<dyn TaskRepository>,
    /// Heartbeat task state.
    pub task_state: Arc<dyn TaskStateStore>,
    /// Heartbeat due-index.
    pub task_due: Arc<dyn TaskDueIndex>,
    /// Runs and pings.
    pub task_history: Arc<dyn TaskHistory>,
    /// Ping keys.
    pub ping_keys: Arc<dyn PingKeys>,
    /// Ping bodies.
    pub ping_bodies: Arc<dyn PingBodyStore>,
}

/// Every suite, by name, for backends that run them one by one.
pub const SUITES: &[&str] = &[
    "monitor_repository",
    "monitor_listing",
    "schedule",
    "concurrent_claims",
    "claim_ahead",
    "check_log",
    "tally",
    "concurrent_records",
    "tenant_directory",
    "artefact_store",
    "incident_store",
    "concurrent_openings",
    "notification_settings",
    "delivery_log",
    "timer_index",
    "task_repository",
    "task_state",
    "task_due_index",
    "concurrent_task_changes",
    "ping_keys",
    "ping_body_store",
];
