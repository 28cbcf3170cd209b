//! Contract suites: one per storage port, written against the traits only. Every adapter
//! (SQLite here, DynamoDB on the emulator) runs every suite, so the backends cannot drift.
//!
//! Each suite takes a fresh [`Stores`] so that global reads (the due-index) see only its data.

mod artefacts;
mod check_log;
mod fixtures;
mod monitors;
mod schedule;
mod tenants;

pub use artefacts::artefact_store_contract;
pub use check_log::{check_log_contract, concurrent_records_contract, tally_contract};
pub use monitors::{monitor_listing_contract, monitor_repository_contract};
pub use schedule::{claim_ahead_contract, concurrent_claims_contract, schedule_contract};
pub use tenants::tenant_directory_contract;

use std::sync::Arc;
use vigil_domain::ports::{ArtefactStore, CheckLog, CheckSchedule, MonitorRepository, TenantDirectory, TransitionLog};

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
];
