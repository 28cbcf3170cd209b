//! The live agent connections of one `vigil serve`: the self-hosted [`AgentLink`]. Each
//! connection registers under its agent once the agent is known; a newer connection of the
//! same agent supersedes the older, which says goodbye. Stopping the hub ends every connection
//! with a goodbye, and [`AgentHub::stopped`] waits until they have ended.

use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, watch};
use vigil_domain::agent::protocol::{DisconnectReason, ServerMessage};
use vigil_domain::ids::AgentId;
use vigil_domain::ports::{AgentLink, StoreError};

/// What a connection is told to do.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// Send a message.
    Message(ServerMessage),
    /// Say goodbye with this reason and close.
    Close(DisconnectReason),
}

struct Registered {
    connection: u64,
    outbox: mpsc::UnboundedSender<Outgoing>,
}

#[derive(Default)]
struct Registry {
    agents: HashMap<AgentId, Registered>,
    next: u64,
}

/// The connections, shared by every clone.
#[derive(Clone)]
pub struct AgentHub {
    registry: Arc<Mutex<Registry>>,
    stopping: watch::Sender<bool>,
    live: watch::Sender<usize>,
}

impl Default for AgentHub {
    fn default() -> Self {
        Self { registry: Arc::default(), stopping: watch::channel(false).0, live: watch::channel(0).0 }
    }
}

impl std::fmt::Debug for AgentHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentHub").field("live", &*self.live.borrow()).finish_non_exhaustive()
    }
}

/// A connection's membership of the hub, for as long as the connection lives.
pub(crate) struct Membership {
    hub: AgentHub,
    agent: Option<(AgentId, u64)>,
}

impl Drop for Membership {
    fn drop(&mut self) {
        if let Some((agent, connection)) = self.agent.take() {
            let mut registry = self.hub.registry();
            if registry.agents.get(&agent).is_some_and(|r| r.connection == connection) {
                registry.agents.remove(&agent);
            }
        }
        self.hub.live.send_modify(|live| *live = live.saturating_sub(1));
    }
}

impl AgentHub {
    /// An empty hub.
    pub fn new() -> Self {
        Self::default()
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new connection; `None` while the hub is stopping.
    pub(crate) fn join(&self) -> Option<(Membership, watch::Receiver<bool>)> {
        if *self.stopping.borrow() {
            return None;
        }
        self.live.send_modify(|live| *live += 1);
        Some((Membership { hub: self.clone(), agent: None }, self.stopping.subscribe()))
    }

    /// Registers `membership`'s connection as `agent`'s; an older connection of the agent is
    /// told it is superseded. Returns what the hub has to send to it.
    pub(crate) fn register(&self, membership: &mut Membership, agent: AgentId) -> mpsc::UnboundedReceiver<Outgoing> {
        let (outbox, inbox) = mpsc::unbounded_channel();
        let mut registry = self.registry();
        registry.next += 1;
        let connection = registry.next;
        if let Some(older) = registry.agents.insert(agent, Registered { connection, outbox }) {
            let _ = older.outbox.send(Outgoing::Close(DisconnectReason::Superseded));
        }
        membership.agent = Some((agent, connection));
        inbox
    }

    /// The agents connected now.
    pub fn connected(&self) -> Vec<AgentId> {
        self.registry().agents.keys().copied().collect()
    }

    /// Ends every connection (each says goodbye: the server is stopping) and refuses new ones.
    pub fn stop(&self) {
        let _ = self.stopping.send(true);
    }

    /// Waits until every connection has ended.
    pub async fn stopped(&self) {
        let mut live = self.live.subscribe();
        let _ = live.wait_for(|n| *n == 0).await;
    }
}

#[async_trait]
impl AgentLink for AgentHub {
    async fn send(&self, agent: AgentId, message: ServerMessage) -> Result<bool, StoreError> {
        Ok(self.registry().agents.get(&agent).is_some_and(|r| r.outbox.send(Outgoing::Message(message)).is_ok()))
    }

    async fn disconnect(&self, agent: AgentId, reason: DisconnectReason) -> Result<(), StoreError> {
        if let Some(registered) = self.registry().agents.remove(&agent) {
            let _ = registered.outbox.send(Outgoing::Close(reason));
        }
        Ok(())
    }
}
