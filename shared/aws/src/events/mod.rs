//! Where domain events go on AWS: the SNS topic that incidents and notifications subscribe to,
//! optionally also an EventBridge bus for customers' own rules, fanned out by [`FanOutPublisher`].

mod eventbridge;
mod fan_out;
mod sns;

pub use eventbridge::EventBridgePublisher;
pub use fan_out::FanOutPublisher;
pub use sns::{SnsPublisher, event_from_sns_envelope};

use vigil_domain::events::DomainEvent;

/// The event's type as subscribers filter on it (the `type` tag of its JSON).
pub(crate) fn event_type(event: &DomainEvent) -> &'static str {
    match event {
        DomainEvent::MonitorStatusChanged(_) => "monitor_status_changed",
        DomainEvent::TaskStatusChanged(_) => "task_status_changed",
        DomainEvent::HostAlertChanged(_) => "host_alert_changed",
    }
}
