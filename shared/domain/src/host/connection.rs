//! Connection events: when an agent connected, and when and why its connection ended.

use crate::agent::protocol::DisconnectReason;
use crate::ids::{AgentId, ConnectionEventId, TenantId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Which side saw a connection end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The server, as its connection ended.
    Server,
    /// The agent, as it said in its next `hello`.
    Agent,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConnectionKind {
    /// The agent connected and authenticated (or enrolled).
    Connected {
        /// The address it connected from.
        address: Option<String>,
        /// The agent's version.
        agent_version: String,
    },
    /// The connection ended.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
        /// Detail for people.
        detail: Option<String>,
        /// Who says so.
        seen_by: Side,
    },
}

/// One connection event of one agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionEvent {
    /// Identity (time-ordered).
    pub id: ConnectionEventId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The agent.
    pub agent_id: AgentId,
    /// When.
    pub at: Timestamp,
    /// What.
    pub kind: ConnectionKind,
}
