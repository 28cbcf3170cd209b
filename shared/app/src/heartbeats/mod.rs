//! The heartbeat engine: pings in, missed deadlines found.

mod record_ping;
mod sweep;
#[cfg(test)]
mod tests;

pub use record_ping::{PingRecorded, RecordPing, RecordPingError, record_ping};
pub use sweep::{SweepDueTasks, SweepDueTasksError, Swept, sweep_due_tasks};
