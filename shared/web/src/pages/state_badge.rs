//! A state as these pages show it: a word and a shape, never colour alone (the colour only
//! repeats what the word says).

use crate::i18n::{Tr, msg};
use vigil_domain::heartbeat::{RunState, TaskStatus};
use vigil_domain::host::{ActionOutcome, HostStatus};
use vigil_domain::incident::IncidentStatus;
use vigil_domain::notify::DeliveryStatus;

/// A state's badge.
#[derive(Clone, Debug)]
pub(crate) struct Badge {
    /// The CSS class giving it its colour (`good`, `bad`, `warn`, `quiet`).
    pub(crate) tone: &'static str,
    /// A shape that says the same as the word, hidden from screen readers.
    pub(crate) mark: &'static str,
    /// The word.
    pub(crate) text: String,
}

impl Badge {
    fn of(tr: &Tr, tone: &'static str, mark: &'static str, key: &str) -> Self {
        Self { tone, mark, text: tr.t(key).to_owned() }
    }

    /// A host's status.
    pub(crate) fn host(tr: &Tr, status: HostStatus) -> Self {
        match status {
            HostStatus::Pending => Self::of(tr, "quiet", "○", msg("hosts.status.pending")),
            HostStatus::Up => Self::of(tr, "good", "✓", msg("hosts.status.up")),
            HostStatus::Alerting => Self::of(tr, "warn", "▲", msg("hosts.status.alerting")),
            HostStatus::Down => Self::of(tr, "bad", "✕", msg("hosts.status.down")),
            HostStatus::Revoked => Self::of(tr, "quiet", "⊘", msg("hosts.status.revoked")),
        }
    }

    /// What became of a remote action.
    pub(crate) fn action(tr: &Tr, outcome: &ActionOutcome) -> Self {
        match outcome {
            ActionOutcome::Pending => Self::of(tr, "warn", "◐", msg("hosts.action.pending")),
            ActionOutcome::Undelivered => Self::of(tr, "quiet", "○", msg("hosts.action.undelivered")),
            ActionOutcome::Completed { exit_code: Some(0), timed_out: false, .. } => Self::of(tr, "good", "✓", msg("hosts.action.done")),
            ActionOutcome::Completed { .. } => Self::of(tr, "bad", "✕", msg("hosts.action.failed")),
            ActionOutcome::Refused { .. } => Self::of(tr, "bad", "⊘", msg("hosts.action.refused")),
        }
    }

    /// A heartbeat task's status.
    pub(crate) fn task(tr: &Tr, status: TaskStatus) -> Self {
        match status {
            TaskStatus::New => Self::of(tr, "quiet", "○", msg("tasks.status.new")),
            TaskStatus::Up => Self::of(tr, "good", "✓", msg("tasks.status.up")),
            TaskStatus::Running => Self::of(tr, "warn", "▶", msg("tasks.status.running")),
            TaskStatus::Late => Self::of(tr, "warn", "!", msg("tasks.status.late")),
            TaskStatus::Down => Self::of(tr, "bad", "✕", msg("tasks.status.down")),
            TaskStatus::Paused => Self::of(tr, "quiet", "‖", msg("tasks.status.paused")),
        }
    }

    /// A run's state.
    pub(crate) fn run(tr: &Tr, state: &RunState) -> Self {
        match state {
            RunState::Running(_) => Self::of(tr, "warn", "▶", msg("task.run.running")),
            RunState::Completed(_) => Self::of(tr, "good", "✓", msg("task.run.completed")),
            RunState::Failed(_) => Self::of(tr, "bad", "✕", msg("task.run.failed")),
        }
    }

    /// An incident's status.
    pub(crate) fn incident(tr: &Tr, status: IncidentStatus) -> Self {
        match status {
            IncidentStatus::Open => Self::of(tr, "bad", "!", msg("incidents.status.open")),
            IncidentStatus::Acknowledged => Self::of(tr, "warn", "◐", msg("incidents.status.acknowledged")),
            IncidentStatus::Resolved => Self::of(tr, "good", "✓", msg("incidents.status.resolved")),
        }
    }

    /// A delivery's status.
    pub(crate) fn delivery(tr: &Tr, status: DeliveryStatus) -> Self {
        match status {
            DeliveryStatus::Pending => Self::of(tr, "warn", "…", msg("incident.delivery.pending")),
            DeliveryStatus::Delivered => Self::of(tr, "good", "✓", msg("incident.delivery.delivered")),
            DeliveryStatus::Failed => Self::of(tr, "bad", "✕", msg("incident.delivery.failed")),
        }
    }
}
