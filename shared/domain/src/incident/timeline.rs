//! An incident's timeline: every event, appended, never edited.

use super::lifecycle::ResolvedBy;
use super::subject::IncidentCause;
use crate::ids::{AlertRuleId, ChannelId, IncidentId, TimelineEntryId};
use crate::notify::NotificationKind;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Something that happened to an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineEvent {
    /// The subject went down.
    Opened {
        /// Why.
        cause: IncidentCause,
    },
    /// Nobody is notified about this incident.
    Silenced {
        /// Which maintenance window or mute.
        reason: String,
    },
    /// How many checks failed while it lasted.
    CheckFailures {
        /// Failed checks between opening and resolution.
        failed: u64,
        /// All checks in that time.
        checks: u64,
    },
    /// Someone took it.
    Acknowledged {
        /// Who.
        by: String,
    },
    /// Someone wrote something.
    Commented {
        /// Who.
        by: String,
        /// What.
        text: String,
    },
    /// A channel got a message.
    Notified {
        /// The channel.
        channel_id: ChannelId,
        /// Its name then.
        channel_name: String,
        /// About what.
        notification: NotificationKind,
        /// Attempts it took.
        attempts: u32,
        /// The receiver's status code, for HTTP channels.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status_code: Option<u16>,
    },
    /// A channel could not be reached after every attempt.
    DeliveryFailed {
        /// The channel.
        channel_id: ChannelId,
        /// Its name then.
        channel_name: String,
        /// About what.
        notification: NotificationKind,
        /// Attempts made.
        attempts: u32,
        /// The last error.
        error: String,
    },
    /// Nobody acknowledged in time, so the next escalation step was notified.
    Escalated {
        /// The rule escalating.
        rule_id: AlertRuleId,
        /// The step, counted from 1.
        step: u32,
        /// The channels of that step.
        channels: Vec<ChannelId>,
    },
    /// A reminder that the subject is still down.
    Reminded {
        /// The rule reminding.
        rule_id: AlertRuleId,
        /// Which reminder, counted from 1.
        count: u32,
    },
    /// The incident ended.
    Resolved {
        /// How.
        by: ResolvedBy,
    },
}

/// One entry of a timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// Identity (time-ordered).
    pub id: TimelineEntryId,
    /// The incident.
    pub incident_id: IncidentId,
    /// When.
    #[cfg_attr(feature = "schema", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// What.
    #[serde(flatten)]
    pub event: TimelineEvent,
}
