//! Tests of the AWS functions on the emulator: the whole pipeline through the handlers, and
//! faults.

mod account_mail;
mod account_pages;
mod agents;
mod alerting;
mod alerting_pages;
mod alerting_routes;
mod dashboard_pages;
mod downstream_faults;
mod faults;
mod heartbeats;
mod host_pages;
mod http_api;
mod incidents;
mod isolation;
mod messages;
mod monitors;
mod notifier_faults;
mod pipeline;
mod publishing_routes;
mod s3_objects;
mod schedule_cursor;
mod status;
mod status_mail;
mod tasks;
