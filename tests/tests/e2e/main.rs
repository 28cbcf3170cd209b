//! End-to-end tests: the real app on a free port, checking targets the tests control.

mod accounts;
mod accounts_client;
mod agent;
mod alerting;
mod checks;
mod client;
mod errors;
mod heartbeats;
mod heartbeats_api;
mod hosts;
mod incidents;
mod jobs;
mod monitors_api;
mod notifications;
mod oidc;
mod oidc_rules;
mod outbound_guard;
mod restart;
mod scheduler;
mod ssrf;
mod status_pages;
