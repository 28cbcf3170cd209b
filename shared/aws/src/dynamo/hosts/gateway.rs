//! Agents' connections to API Gateway's WebSocket API: which agent each open connection carries
//! (read by the agents function on every message, since a Lambda keeps nothing between them),
//! and which connection an agent is on now (read by the api function to send it an action
//! request). Both items carry the TTL attribute: API Gateway ends a connection after two
//! hours at most, and a `$disconnect` that never came leaves nothing behind for long.

use super::super::DynamoStore;
use super::super::toolkit::attributes::{Item, ItemExt, s};
use super::super::toolkit::errors::decode;
use super::super::toolkit::item::{Read, key};
use super::expiry;
use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::ids::{AgentId, TenantId};
use vigil_domain::ports::StoreError;

/// How long a connection's items are kept at most: longer than API Gateway's two hours.
const CONNECTION_KEPT: SignedDuration = SignedDuration::from_hours(3);
const TENANT: &str = "tenant";
const AGENT: &str = "agent";
const LABEL: &str = "label";
const CONNECTION: &str = "connection";

fn connection_key(connection: &str) -> Item {
    key(format!("WSCONN#{connection}"), "-")
}

fn agent_key(agent: AgentId) -> Item {
    key(format!("WSAGENT#{agent}"), "-")
}

/// The agent an open connection carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectedAgent {
    /// Its organisation.
    pub tenant: TenantId,
    /// The agent.
    pub agent: AgentId,
    /// Its actor's label (the host's name).
    pub label: String,
}

impl DynamoStore {
    /// Records that `connection` carries `agent` from `now`, and that the agent is on it (a
    /// newer connection of the same agent takes its place).
    pub async fn open_gateway_connection(&self, connection: &str, agent: &ConnectedAgent, now: Timestamp) -> Result<(), StoreError> {
        let mut item = connection_key(connection);
        item.extend([
            (TENANT.to_owned(), s(agent.tenant.to_string())),
            (AGENT.to_owned(), s(agent.agent.to_string())),
            (LABEL.to_owned(), s(agent.label.clone())),
            expiry(now, CONNECTION_KEPT),
        ]);
        self.put_item(item, "recording an agent's connection").await?;
        let mut pointer = agent_key(agent.agent);
        pointer.extend([(CONNECTION.to_owned(), s(connection)), expiry(now, CONNECTION_KEPT)]);
        self.put_item(pointer, "pointing an agent at its connection").await
    }

    /// The agent `connection` carries, if one is known on it.
    pub async fn gateway_connection(&self, connection: &str) -> Result<Option<ConnectedAgent>, StoreError> {
        let Some(item) = self.get_item(connection_key(connection), Read::Strong, &[], "reading an agent's connection").await? else {
            return Ok(None);
        };
        let parsed = || -> anyhow::Result<ConnectedAgent> {
            Ok(ConnectedAgent {
                tenant: item.string(TENANT)?.parse().context("a stored tenant id")?,
                agent: item.string(AGENT)?.parse().context("a stored agent id")?,
                label: item.string(LABEL)?.to_owned(),
            })
        };
        parsed().map(Some).map_err(decode)
    }

    /// The connection `agent` is on now, if any.
    pub async fn agent_gateway_connection(&self, agent: AgentId) -> Result<Option<String>, StoreError> {
        let item = self.get_item(agent_key(agent), Read::Strong, &[], "reading an agent's connection").await?;
        item.map(|item| item.string(CONNECTION).map(str::to_owned)).transpose().map_err(decode)
    }

    /// Forgets `connection`, and the agent's pointer if it still names this connection.
    pub async fn close_gateway_connection(&self, connection: &str, agent: Option<AgentId>) -> Result<(), StoreError> {
        self.delete_item(connection_key(connection), "forgetting an agent's connection").await?;
        if let Some(agent) = agent
            && self.agent_gateway_connection(agent).await?.as_deref() == Some(connection)
        {
            self.delete_item(agent_key(agent), "forgetting an agent's pointer").await?;
        }
        Ok(())
    }
}
