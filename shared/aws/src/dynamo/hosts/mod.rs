//! Hosts in the single table. In the tenant's partition: enrolments (with a pointer from the
//! token's digest, deleted with its old image to take the token once), hosts (with a pointer
//! from the agent id), rules and their states per host. In each host's own partition: its
//! progress (a small item written with every batch), its sample batches (one item per batch,
//! keyed by time and number) and rollups, all with the TTL attribute. Connection events in a
//! partition per host, the action history in one per tenant (with a pointer per request id).
//! docs/aws.md has the keys and what a host costs.

mod directory;
mod gateway;
mod history;
mod metrics;
mod rules;

pub use gateway::ConnectedAgent;

use super::keys::EXPIRES_AT;
use super::toolkit::attributes::n;
use crate::dynamo::client::AttributeValue;
use jiff::{SignedDuration, Timestamp};

/// The TTL attribute of an item that may go `keep` after `at`.
fn expiry(at: Timestamp, keep: SignedDuration) -> (String, AttributeValue) {
    (EXPIRES_AT.to_owned(), n((at + keep).as_second()))
}
