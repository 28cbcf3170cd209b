//! Host agents, server side: enrolment tokens and enrolment, an agent's connection message by
//! message ([`on_agent_message`], transport-free), samples stored and rolled up, threshold
//! rules judged as samples arrive and silence rules as time passes (opening and resolving
//! incidents through the incident path), remote actions requested, signed, recorded and
//! answered, and what the API lists.
//!
//! Use cases that people call take their [`Actor`] and check the permission table; those an
//! agent's connection calls take the agent's actor, which the table grants nothing.

mod actions;
mod alerts;
mod authenticate;
mod connections;
mod enrol;
mod enrolments;
mod errors;
mod ingest;
mod metrics;
mod reconcile;
mod records;
mod rules;
mod session;
mod sweep;
#[cfg(test)]
mod tests;

pub use actions::{ActionAnswer, RequestAction, get_action, list_actions, record_action_answer, request_action};
pub use authenticate::{AuthenticateAgent, authenticate_agent};
pub use connections::{RecordDisconnect, list_connections, record_disconnect};
pub use enrol::{EnrolAgent, Enrolled, enrol_agent};
pub use enrolments::{CreateEnrolment, create_enrolment, list_enrolments, withdraw_enrolment};
pub use errors::{AgentRefused, HostError};
pub use ingest::{IngestBatch, ingest_batch};
pub use metrics::{Point, Series, SeriesQuery, SeriesResolution, host_metric_series, latest_sample};
pub use reconcile::reconcile_host_alerts;
pub use records::{HostView, get_host, list_hosts, revoke_host};
pub use rules::{RuleView, create_host_rule, delete_host_rule, list_host_rules};
pub use session::{AgentSession, Answer, on_agent_gone, on_agent_message};
pub use sweep::{SweptHosts, sweep_silent_hosts};

use vigil_domain::access::{Actor, Origin};
use vigil_domain::host::Host;

/// The actor of `host`'s agent, as the audit log names it.
fn agent_actor(host: &Host, origin: Origin) -> Actor {
    Actor::agent(host.tenant_id, host.id, format!("agent {}", host.name), origin)
}
