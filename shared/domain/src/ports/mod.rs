//! Ports: the narrow traits through which use cases reach storage, queues, the network and
//! randomness. Each has one contract test suite that every adapter runs.

mod artefacts;
mod check_log;
mod error;
mod events;
mod jobs;
mod monitors;
mod prober;
mod random;
mod schedule;
mod tenants;
mod transitions;

pub use artefacts::ArtefactStore;
pub use check_log::{CheckLog, CheckRecord, HealthUpdate, RecordOutcome};
pub use error::StoreError;
pub use events::EventPublisher;
pub use jobs::ProbeJobQueue;
pub use monitors::{MonitorQuery, MonitorRepository};
pub use prober::Prober;
pub use random::RandomSource;
pub use schedule::{CheckSchedule, DueCheck};
pub use tenants::TenantDirectory;
pub use transitions::TransitionLog;
