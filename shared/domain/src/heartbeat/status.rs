use serde::{Deserialize, Serialize};
use std::fmt;

/// What a heartbeat task is known to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Never pinged.
    New,
    /// The last run succeeded and the next is not due yet.
    Up,
    /// A run has started and not finished.
    Running,
    /// The next ping is overdue but within the grace time.
    Late,
    /// Missed (past the grace time), failed, or ran too long.
    Down,
    /// Not being watched, by request.
    Paused,
}

impl TaskStatus {
    /// Every status, in display order.
    pub const ALL: [TaskStatus; 6] =
        [TaskStatus::New, TaskStatus::Up, TaskStatus::Running, TaskStatus::Late, TaskStatus::Down, TaskStatus::Paused];

    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TaskStatus::New => "new",
            TaskStatus::Up => "up",
            TaskStatus::Running => "running",
            TaskStatus::Late => "late",
            TaskStatus::Down => "down",
            TaskStatus::Paused => "paused",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
