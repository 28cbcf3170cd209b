//! Which moment of an incident a message is about.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The incident transition a notification announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotificationKind {
    /// The subject went down.
    Opened,
    /// Someone took the incident.
    Acknowledged,
    /// The incident ended.
    Resolved,
    /// Nobody acknowledged in time; step `step` (from 1) of an escalation policy.
    Escalated {
        /// The step, from 1.
        step: u32,
    },
    /// Still down; reminder number `count` (from 1).
    Reminder {
        /// The reminder, from 1.
        count: u32,
    },
    /// A test message sent on request.
    Test,
}

impl NotificationKind {
    /// The part of an idempotency key naming the transition: the same for every redelivery of
    /// one transition and different for two transitions.
    pub fn key(&self) -> String {
        match self {
            NotificationKind::Opened => "opened".into(),
            NotificationKind::Acknowledged => "acknowledged".into(),
            NotificationKind::Resolved => "resolved".into(),
            NotificationKind::Escalated { step } => format!("escalated-{step}"),
            NotificationKind::Reminder { count } => format!("reminder-{count}"),
            NotificationKind::Test => "test".into(),
        }
    }

    /// Whether the message asks for attention (as opposed to announcing relief).
    pub fn is_alarm(&self) -> bool {
        matches!(self, NotificationKind::Opened | NotificationKind::Escalated { .. } | NotificationKind::Reminder { .. })
    }

    /// The event type of webhook payloads: `incident.opened`, `incident.escalated`...
    pub fn event_type(&self) -> &'static str {
        match self {
            NotificationKind::Opened => "incident.opened",
            NotificationKind::Acknowledged => "incident.acknowledged",
            NotificationKind::Resolved => "incident.resolved",
            NotificationKind::Escalated { .. } => "incident.escalated",
            NotificationKind::Reminder { .. } => "incident.reminder",
            NotificationKind::Test => "channel.test",
        }
    }
}

impl fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}
