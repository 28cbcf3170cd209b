//! Notifications: channels, alert rules with escalation, maintenance windows and mutes, what a
//! message says on each kind of channel, how webhook messages are signed, and when a failed
//! delivery is tried again. All pure: the sending happens in adapters behind
//! [`crate::ports::Notifier`].

pub mod channel;
pub mod delivery;
pub mod kind;
pub mod maintenance;
pub mod message;
pub mod render;
pub mod retry;
pub mod rule;
pub mod selector;
pub mod signature;
pub mod timer;

pub use channel::{Channel, ChannelConfig, ChannelDraft, ChannelKind, SecretText, SigningSecret};
pub use delivery::{AttemptResult, ChannelMessage, Delivery, DeliveryAttempt, DeliveryStatus, Recipient, SubscriberMessage};
pub use kind::NotificationKind;
pub use maintenance::{MaintenanceDraft, MaintenanceWindow, Mute, PublicMaintenance, WindowSchedule, WindowSettings, silence_reason};
pub use message::Notification;
pub use render::{OutboundMessage, RenderContext, render};
pub use retry::{ReceiverVerdict, RetryPolicy};
pub use rule::{AlertRule, AlertRuleDraft, EscalationStep, EscalationStepDraft, NotifyOn, recipients};
pub use selector::{Selector, SelectorDraft};
pub use timer::{Timer, TimerKind};

use crate::monitor::FieldError;

/// Every rule an input broke, field by field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct InvalidInput(pub Vec<FieldError>);

impl InvalidInput {
    /// One field error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }
}

/// Collects field errors while validating.
#[derive(Default)]
pub(crate) struct Problems(Vec<FieldError>);

impl Problems {
    pub(crate) fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    pub(crate) fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, InvalidInput> {
        if self.0.is_empty() { Ok(value()) } else { Err(InvalidInput(self.0)) }
    }
}
