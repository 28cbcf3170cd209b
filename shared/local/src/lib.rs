//! Vigil's self-hosted adapters: everything `vigil serve` needs to run the use cases in one
//! process, in place of DynamoDB, S3, SQS, SNS and EventBridge.

pub mod artefacts;
pub mod bus;
pub mod incident_workers;
pub mod notifier;
pub mod scheduler;
pub mod sqlite;
pub mod sweeper;

pub use artefacts::FsArtefactStore;
pub use bus::InProcessBus;
pub use incident_workers::{IncidentWorkers, IncidentWorkersConfig};
pub use notifier::{LocalNotifier, SmtpConfig, SmtpSecurity};
pub use scheduler::{LocalScheduler, SchedulerConfig, SchedulerStats};
pub use sqlite::SqliteStore;
pub use sweeper::{LocalSweeper, SweeperConfig, SweeperStats};
