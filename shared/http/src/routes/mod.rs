//! Handlers. Each one only extracts, calls one use case and shapes the response.

pub(crate) mod agents;
pub(crate) mod alerting;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod channels;
pub(crate) mod checks;
pub(crate) mod deliveries;
pub(crate) mod health;
pub(crate) mod host_actions;
pub(crate) mod host_rules;
pub(crate) mod hosts;
pub(crate) mod incidents;
pub(crate) mod keys;
pub(crate) mod me;
pub(crate) mod monitors;
pub(crate) mod oidc;
pub(crate) mod organisation;
pub(crate) mod ping;
pub(crate) mod public_pages;
pub(crate) mod status;
pub(crate) mod status_pages;
pub(crate) mod subscribers;
pub(crate) mod subscriptions;
pub(crate) mod tasks;
