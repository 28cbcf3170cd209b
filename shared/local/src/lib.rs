//! Vigil's self-hosted adapters: the SQLite store, filesystem artefacts, the in-process bus and
//! the notifier, in place of DynamoDB, S3, SQS, SNS and EventBridge. The drivers that run the use
//! cases on timers (the functions' peers) live with `vigil serve` in cli/src/serve.

pub mod artefacts;
pub mod bus;
pub mod data_dir_lock;
pub mod notifier;
pub mod sqlite;

pub use artefacts::FsArtefactStore;
pub use bus::InProcessBus;
pub use data_dir_lock::DataDirLock;
pub use notifier::{LocalNotifier, SmtpConfig, SmtpSecurity};
pub use sqlite::{DueIndex, DueWatch, HostRetention, SqliteStore};
