//! A link to agents that keeps what it is given, for the agents a test says are connected.

use async_trait::async_trait;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use vigil_domain::agent::protocol::{DisconnectReason, ServerMessage};
use vigil_domain::ids::AgentId;
use vigil_domain::ports::{AgentLink, StoreError};

#[derive(Debug, Default)]
struct Links {
    connected: BTreeSet<AgentId>,
    sent: Vec<(AgentId, ServerMessage)>,
    disconnected: Vec<(AgentId, DisconnectReason)>,
}

/// Agents "connected" by the test; every message sent to one is kept, in order. Clones share
/// their state.
#[derive(Clone, Debug, Default)]
pub struct RecordingLink {
    links: Arc<Mutex<Links>>,
}

impl RecordingLink {
    /// A link to no agent.
    pub fn new() -> Self {
        Self::default()
    }

    fn links(&self) -> std::sync::MutexGuard<'_, Links> {
        self.links.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `agent` is connected from now on.
    pub fn connect(&self, agent: AgentId) {
        self.links().connected.insert(agent);
    }

    /// Every message sent so far, to whom.
    pub fn sent(&self) -> Vec<(AgentId, ServerMessage)> {
        self.links().sent.clone()
    }

    /// Every connection ended so far, and why.
    pub fn disconnected(&self) -> Vec<(AgentId, DisconnectReason)> {
        self.links().disconnected.clone()
    }
}

#[async_trait]
impl AgentLink for RecordingLink {
    async fn send(&self, agent: AgentId, message: ServerMessage) -> Result<bool, StoreError> {
        let mut links = self.links();
        if !links.connected.contains(&agent) {
            return Ok(false);
        }
        links.sent.push((agent, message));
        Ok(true)
    }

    async fn disconnect(&self, agent: AgentId, reason: DisconnectReason) -> Result<(), StoreError> {
        let mut links = self.links();
        if links.connected.remove(&agent) {
            links.disconnected.push((agent, reason));
        }
        Ok(())
    }
}
