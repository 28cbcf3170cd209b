//! What every notifier shares, whatever carries its email and SMS: one HTTP sender for the
//! HTTP channels (webhooks, Slack, Discord, Teams, PagerDuty), behind the same network guard
//! as the checks, and the outer deadline of an attempt.

mod deadline;
mod guarded_resolver;
mod http;

pub use deadline::within_deadline;
pub use http::HttpSender;
