//! Ports: the narrow traits through which use cases reach storage, queues, the network and
//! randomness. Each has one contract test suite that every adapter runs.

mod artefacts;
mod check_log;
mod error;
mod events;
mod monitors;
mod prober;
mod random;
mod schedule;
mod tasks;
mod tenants;
mod transitions;

pub use artefacts::ArtefactStore;
pub use check_log::{CheckLog, CheckRecord, HealthUpdate, RecordOutcome};
pub use error::StoreError;
pub use events::EventPublisher;
pub use monitors::{MonitorQuery, MonitorRepository};
pub use prober::Prober;
pub use random::RandomSource;
pub use schedule::{CheckSchedule, DueCheck};
pub use tasks::{
    Applied, Decide, PingBodyStore, PingKeys, StoredBody, StoredPing, TaskChange, TaskDueIndex, TaskHistory, TaskLocator, TaskRepository,
    TaskStateStore, TaskWrite,
};
pub use tenants::TenantDirectory;
pub use transitions::TransitionLog;
