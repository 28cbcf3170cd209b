//! Deliveries: one message to one channel about one incident transition, delivered at least
//! once and never twice (its idempotency key is unique), with a log of every attempt.

use super::kind::NotificationKind;
use super::message::Notification;
use super::retry::RetryPolicy;
use crate::ids::{AlertRuleId, ChannelId, DeliveryId, IncidentId, SubscriberId, TenantId};
use crate::status_page::{NoticeKind, SubscriberNotice};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The channel took it.
    Delivered,
    /// Every attempt failed, or the channel refused it for good.
    Failed,
}

impl DeliveryStatus {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<Self> {
        [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed].into_iter().find(|d| d.as_str() == s)
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How one attempt went, as a sender reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum AttemptResult {
    /// The channel took the message.
    Accepted {
        /// The receiver's status, for HTTP channels.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status_code: Option<u16>,
    },
    /// It did not.
    Rejected {
        /// The receiver's status, if it answered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status_code: Option<u16>,
        /// What went wrong.
        error: String,
        /// Whether another attempt may succeed.
        retryable: bool,
    },
}

impl AttemptResult {
    /// The receiver's status code, if any.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            AttemptResult::Accepted { status_code } | AttemptResult::Rejected { status_code, .. } => *status_code,
        }
    }
}

/// One attempt, as logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct DeliveryAttempt {
    /// The delivery.
    pub delivery_id: DeliveryId,
    /// Which attempt, from 1.
    pub number: u32,
    /// When it started.
    #[cfg_attr(feature = "schema", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// How it went.
    #[serde(flatten)]
    pub result: AttemptResult,
    /// The delivery's status after it.
    pub status_after: DeliveryStatus,
}

/// One message to one channel about an internal incident, or to one subscriber of a status
/// page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Identity; also the message id receivers see (`webhook-id`), the same on every retry.
    pub id: DeliveryId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Who receives it and what it says.
    #[serde(flatten)]
    pub to: Recipient,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due, while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<Timestamp>,
    /// The last receiver status code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status_code: Option<u16>,
    /// The last error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When it was planned.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// Who a delivery goes to, and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Recipient {
    /// A notification channel, about an internal incident.
    Channel(ChannelMessage),
    /// A subscriber of a status page.
    Subscriber(SubscriberMessage),
}

/// A notification to a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelMessage {
    /// The incident.
    pub incident_id: IncidentId,
    /// The channel.
    pub channel_id: ChannelId,
    /// The rule that chose the channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<AlertRuleId>,
    /// What to say.
    pub notification: Notification,
}

/// A message to a subscriber of a status page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberMessage {
    /// The subscriber.
    pub subscriber_id: SubscriberId,
    /// What makes a second message of the same thing to the same subscriber a duplicate
    /// (`update:<update>`, `confirm:<token hash>`).
    pub key: String,
    /// What to say.
    pub notice: SubscriberNotice,
}

impl Delivery {
    /// The key that makes a second delivery of the same transition to the same channel a
    /// duplicate.
    pub fn key_for(incident: IncidentId, kind: NotificationKind, channel: ChannelId) -> String {
        format!("{incident}:{}:{channel}", kind.key())
    }

    /// This delivery's idempotency key.
    pub fn idempotency_key(&self) -> String {
        match &self.to {
            Recipient::Channel(m) => Self::key_for(m.incident_id, m.notification.kind, m.channel_id),
            Recipient::Subscriber(m) => format!("subscriber:{}:{}", m.subscriber_id, m.key),
        }
    }

    /// What the delivery is about, for listing deliveries by it: the internal incident; for a
    /// subscriber, the public incident (or, for a confirmation, the subscriber).
    pub fn about(&self) -> uuid::Uuid {
        match &self.to {
            Recipient::Channel(m) => m.incident_id.as_uuid(),
            Recipient::Subscriber(m) => match &m.notice.kind {
                NoticeKind::Update { incident_id, .. } => incident_id.as_uuid(),
                NoticeKind::Confirm { .. } => m.subscriber_id.as_uuid(),
            },
        }
    }

    /// The channel message, for a delivery to a channel.
    pub fn channel_message(&self) -> Option<&ChannelMessage> {
        match &self.to {
            Recipient::Channel(m) => Some(m),
            Recipient::Subscriber(_) => None,
        }
    }

    /// A new delivery to a channel, due at once.
    pub fn planned(
        id: DeliveryId,
        tenant_id: TenantId,
        channel_id: ChannelId,
        rule_id: Option<AlertRuleId>,
        notification: Notification,
        now: Timestamp,
    ) -> Self {
        let to = Recipient::Channel(ChannelMessage { incident_id: notification.incident_id, channel_id, rule_id, notification });
        Self::due(id, tenant_id, to, now)
    }

    /// A new delivery to `to`, due at once.
    pub fn due(id: DeliveryId, tenant_id: TenantId, to: Recipient, now: Timestamp) -> Self {
        Self {
            id,
            tenant_id,
            to,
            status: DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: Some(now),
            last_status_code: None,
            last_error: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The delivery after an attempt that started at `at`, took `took` and ended with `result`,
    /// and the attempt's log entry. A retryable failure is retried per `policy` until no
    /// attempt is left; then the delivery has failed.
    pub fn after_attempt(&self, result: AttemptResult, policy: &RetryPolicy, at: Timestamp, took: Duration) -> (Delivery, DeliveryAttempt) {
        let attempts = self.attempts + 1;
        let end = at + SignedDuration::try_from(took).unwrap_or_default();
        let (status, next_attempt_at, error) = match &result {
            AttemptResult::Accepted { .. } => (DeliveryStatus::Delivered, None, None),
            AttemptResult::Rejected { error, retryable, .. } => match policy.delay_after(attempts).filter(|_| *retryable) {
                Some(wait) => {
                    (DeliveryStatus::Pending, Some(end + SignedDuration::try_from(wait).unwrap_or_default()), Some(error.clone()))
                }
                None => (DeliveryStatus::Failed, None, Some(error.clone())),
            },
        };
        let next = Delivery {
            status,
            attempts,
            next_attempt_at: next_attempt_at.map(crate::time::to_millis),
            last_status_code: result.status_code().or(self.last_status_code),
            last_error: error,
            updated_at: crate::time::to_millis(end),
            ..self.clone()
        };
        let attempt = DeliveryAttempt {
            delivery_id: self.id,
            number: attempts,
            at,
            duration_ms: took.as_millis() as u64,
            result,
            status_after: status,
        };
        (next, attempt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::message::tests::sample;
    use uuid::Uuid;

    #[test]
    fn attempts_table() {
        let base: url::Url = "http://127.0.0.1:8080".parse().unwrap();
        let incident = sample();
        let now = incident.core().opened_at;
        let n = Notification::of(&incident.into(), NotificationKind::Opened, now, &base);
        let fresh = Delivery::planned(
            DeliveryId::from_uuid(Uuid::from_u128(5)),
            TenantId::from_uuid(Uuid::from_u128(1)),
            ChannelId::from_uuid(Uuid::from_u128(6)),
            None,
            n,
            now,
        );
        let policy = RetryPolicy { max_attempts: 3, first_delay: Duration::from_secs(2), max_delay: Duration::from_secs(60) };
        let fail = |retryable| AttemptResult::Rejected { status_code: Some(500), error: "HTTP 500".into(), retryable };
        let ok = AttemptResult::Accepted { status_code: Some(204) };
        let took = Duration::from_millis(100);

        let (delivered, log) = fresh.after_attempt(ok, &policy, now, took);
        assert_eq!((delivered.status, delivered.attempts, delivered.next_attempt_at), (DeliveryStatus::Delivered, 1, None));
        assert_eq!(log.status_after, DeliveryStatus::Delivered);

        let (retrying, _) = fresh.after_attempt(fail(true), &policy, now, took);
        assert_eq!(retrying.status, DeliveryStatus::Pending);
        assert_eq!(retrying.next_attempt_at, Some(now + SignedDuration::from_millis(2_100)), "first wait after the attempt ends");
        let (second, _) = retrying.after_attempt(fail(true), &policy, now, took);
        assert_eq!(second.next_attempt_at, Some(now + SignedDuration::from_millis(4_100)));
        let (third, log) = second.after_attempt(fail(true), &policy, now, took);
        assert_eq!((third.status, third.attempts, third.next_attempt_at), (DeliveryStatus::Failed, 3, None), "out of attempts");
        assert_eq!(log.number, 3);
        assert_eq!(third.last_error.as_deref(), Some("HTTP 500"));

        let (refused, _) = fresh.after_attempt(fail(false), &policy, now, took);
        assert_eq!(refused.status, DeliveryStatus::Failed, "a permanent refusal is not retried");
        let message = fresh.channel_message().unwrap();
        assert_eq!(fresh.idempotency_key(), Delivery::key_for(message.incident_id, NotificationKind::Opened, message.channel_id));
    }

    #[test]
    fn channel_and_subscriber_deliveries_round_trip_and_stored_ones_still_read() {
        use crate::accounts::Locale;
        use crate::ids::StatusPageId;
        let base: url::Url = "http://127.0.0.1:8080".parse().unwrap();
        let incident = sample();
        let now = incident.core().opened_at;
        let n = Notification::of(&incident.into(), NotificationKind::Opened, now, &base);
        let channel = Delivery::planned(
            DeliveryId::from_uuid(Uuid::from_u128(5)),
            TenantId::from_uuid(Uuid::from_u128(1)),
            ChannelId::from_uuid(Uuid::from_u128(6)),
            None,
            n,
            now,
        );
        let json = serde_json::to_value(&channel).unwrap();
        assert!(json.get("incident_id").is_some() && json.get("channel_id").is_some(), "channel fields stay where stored ones have them");
        assert_eq!(serde_json::from_value::<Delivery>(json).unwrap(), channel);

        let subscriber = SubscriberId::from_uuid(Uuid::from_u128(9));
        let notice = SubscriberNotice {
            kind: NoticeKind::Confirm { link: "https://x.test/c".into() },
            page_id: StatusPageId::from_uuid(Uuid::from_u128(3)),
            page_name: "Acme".into(),
            page_url: "https://x.test".into(),
            locale: Locale::Fr,
            unsubscribe_url: "https://x.test/u".into(),
        };
        let to = Recipient::Subscriber(SubscriberMessage { subscriber_id: subscriber, key: "confirm:abc".into(), notice });
        let mail = Delivery::due(DeliveryId::from_uuid(Uuid::from_u128(7)), TenantId::from_uuid(Uuid::from_u128(1)), to, now);
        let text = serde_json::to_string(&mail).unwrap();
        assert_eq!(serde_json::from_str::<Delivery>(&text).unwrap(), mail);
        assert_eq!(mail.idempotency_key(), format!("subscriber:{subscriber}:confirm:abc"));
        assert_eq!(mail.about(), subscriber.as_uuid());
        assert!(mail.channel_message().is_none());
    }
}
