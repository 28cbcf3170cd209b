//! Heartbeat tasks: jobs (cron jobs, backups, scripts) that ping Vigil when they run, and are
//! reported when a ping is late, missing, failed or too long.
//!
//! [`spec`] says what a task is, [`ping`] what a ping URL says, [`run`] how a run moves,
//! [`assess`] what status a task has at an instant, and [`step`] how its state moves on a ping
//! or with time; [`digest`] what lists show of a task's runs.

pub mod assess;
pub mod cron;
pub mod digest;
pub mod names;
pub mod ping;
pub mod ping_cap;
pub mod run;
pub mod spec;
mod status;
pub mod step;
pub mod task;

#[cfg(test)]
mod tests;

pub use assess::{Assessment, assess};
pub use names::{PingKey, PingToken, Slug};
pub use ping::{PingBody, PingKind, PingPath, PingTarget, PingUrlError};
pub use ping_cap::PingCap;
pub use run::{RunState, StoredRun};
pub use spec::{TaskDraft, TaskSchedule, TaskSpec};
pub use status::TaskStatus;
pub use task::{Task, TaskRecord, TaskState};
