//! What every notifier shares, whatever carries its email and SMS: one HTTP sender for the
//! HTTP channels (webhooks, Slack, Discord, Teams, PagerDuty), behind the same network guard
//! as the checks, and the outer deadline of an attempt; and the parts of a hyper client that
//! Vigil's other outbound clients share ([`tls_client_config`], [`source_of`]).

mod client_parts;
mod deadline;
mod guarded_resolver;
mod http;

pub use client_parts::{source_of, tls_client_config, webpki_roots};
pub use deadline::within_deadline;
pub use http::HttpSender;
