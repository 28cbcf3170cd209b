//! Agents on AWS: their connections to API Gateway's WebSocket API. The agents function keeps
//! each connection's session in the table (a Lambda keeps nothing between messages) and
//! answers through the API's connection management endpoint; the api function reaches an
//! agent the same way to send it an action request ([`AgentLink`]).

use crate::agent_connections::{AgentConnections, is_gone};
use crate::dynamo::{ConnectedAgent, DynamoStore};
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_app::hosts::AgentSession;
use vigil_domain::access::{Actor, Origin};
use vigil_domain::agent::protocol::{DisconnectReason, Goodbye, Message, ServerMessage};
use vigil_domain::ids::AgentId;
use vigil_domain::ports::{AgentLink, StoreError};

/// Agents' connections: who is on which, and the way to write to them.
#[derive(Clone, Debug)]
pub struct AgentGateway {
    store: DynamoStore,
    connections: AgentConnections,
}

impl AgentGateway {
    /// The gateway over `store`, writing through `connections`.
    pub fn new(store: DynamoStore, connections: AgentConnections) -> Self {
        Self { store, connections }
    }

    /// The session of `connection`: open for the agent recorded on it, else waiting for
    /// `enrol` or `hello`.
    pub async fn session(&self, connection: &str, origin: &Origin) -> Result<AgentSession, StoreError> {
        Ok(match self.store.gateway_connection(connection).await? {
            Some(known) => AgentSession::Open { actor: Actor::agent(known.tenant, known.agent, known.label, origin.clone()) },
            None => AgentSession::Opening,
        })
    }

    /// Records that `connection` carries the agent of `session` from now on.
    pub async fn opened(&self, connection: &str, session: &AgentSession, now: Timestamp) -> Result<(), StoreError> {
        let Some(actor) = session.actor() else { return Ok(()) };
        let Some(agent) = actor.as_agent() else { return Ok(()) };
        let known = ConnectedAgent { tenant: actor.tenant_id, agent, label: actor.label.clone() };
        self.store.open_gateway_connection(connection, &known, now).await
    }

    /// Forgets `connection` (and, if it still names it, the pointer of `agent`).
    pub async fn forget(&self, connection: &str, agent: Option<AgentId>) -> Result<(), StoreError> {
        self.store.close_gateway_connection(connection, agent).await
    }

    /// Writes `message` to `connection`; false when the connection is gone.
    pub async fn post(&self, connection: &str, message: &ServerMessage) -> Result<bool, StoreError> {
        match self.connections.post(connection, message.encode().into()).await {
            Ok(()) => Ok(true),
            Err(error) if is_gone(&error) => Ok(false),
            Err(error) => Err(StoreError::backend(format!("writing to an agent's connection: {error:#}"))),
        }
    }

    /// Closes `connection` from the server's side (API Gateway then sends `$disconnect`).
    pub async fn hang_up(&self, connection: &str) -> Result<(), StoreError> {
        match self.connections.delete(connection).await {
            Ok(()) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) => Err(StoreError::backend(format!("closing an agent's connection: {error:#}"))),
        }
    }
}

#[async_trait]
impl AgentLink for AgentGateway {
    async fn send(&self, agent: AgentId, message: ServerMessage) -> Result<bool, StoreError> {
        let Some(connection) = self.store.agent_gateway_connection(agent).await? else { return Ok(false) };
        if self.post(&connection, &message).await? {
            return Ok(true);
        }
        // Gone without a `$disconnect` we saw: nobody is on it any more.
        self.forget(&connection, Some(agent)).await?;
        Ok(false)
    }

    async fn disconnect(&self, agent: AgentId, reason: DisconnectReason) -> Result<(), StoreError> {
        let Some(connection) = self.store.agent_gateway_connection(agent).await? else { return Ok(()) };
        self.post(&connection, &ServerMessage::Goodbye(Goodbye { reason, detail: None })).await?;
        self.hang_up(&connection).await
    }
}
