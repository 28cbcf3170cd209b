//! Notification channels. Secrets are shown once, in the answer to a channel's creation, and
//! masked after; `secret_fingerprint` lets whoever holds a secret tell whether it is the one
//! stored.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vigil_domain::ids::ChannelId;
use vigil_domain::managed::Managed;
use vigil_domain::notify::ChannelKind;

/// Who a channel writes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Recipients {
    /// A phone number (sms, masked).
    One(String),
    /// Email addresses.
    Many(Vec<String>),
}

/// A notification channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Channel {
    /// Identity.
    pub id: ChannelId,
    /// Display name.
    pub name: String,
    /// The kind of channel.
    #[serde(rename = "type")]
    pub kind: ChannelKind,
    /// Where it posts (webhook in full; Slack, Discord and Teams as scheme and host only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The webhook signing secret: in full in the answer to the creation, masked after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The PagerDuty routing key, masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_key: Option<String>,
    /// Email recipients, or the SMS phone number (masked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Recipients>,
    /// 16 hex digits of a SHA-256 of the channel's secret (signing secret, credential URL,
    /// routing key or phone number), to compare with without seeing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_fingerprint: Option<String>,
    /// The monitoring-as-code file managing it; `null` when none does.
    #[serde(default)]
    pub managed: Option<Managed>,
    /// When it was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// How a channel answered a test message (a refusal is still a completed test).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChannelTest {
    /// Whether the channel took the message.
    pub delivered: bool,
    /// The receiver's status code, for HTTP channels.
    pub status_code: Option<u16>,
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
