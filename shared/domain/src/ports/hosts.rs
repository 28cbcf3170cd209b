//! The ports of hosts: enrolments and hosts, their samples and rollups, connection events,
//! rules and their states, the action history; and the link to connected agents.

use super::StoreError;
use crate::agent::protocol::{DisconnectReason, SampleBatch, ServerMessage};
use crate::agent::rollup::{Resolution, Rollup};
use crate::agent::sample::HostSample;
use crate::host::{ActionRecord, ConnectionEvent, Enrolment, Host, HostProgress, HostRule, RuleWatch};
use crate::ids::{ActionRequestId, AgentId, EnrolmentId, HostRuleId, TenantId};
use crate::page::{Page, PageRequest};
use async_trait::async_trait;
use jiff::Timestamp;

/// Enrolments and enrolled hosts.
#[async_trait]
pub trait HostDirectory: Send + Sync {
    /// Stores a new enrolment.
    async fn insert_enrolment(&self, enrolment: &Enrolment) -> Result<(), StoreError>;
    /// Every enrolment of `tenant` not yet spent or withdrawn (expired ones too), oldest first.
    async fn enrolments(&self, tenant: TenantId) -> Result<Vec<Enrolment>, StoreError>;
    /// Withdraws an enrolment; false if there was none.
    async fn delete_enrolment(&self, tenant: TenantId, id: EnrolmentId) -> Result<bool, StoreError>;
    /// Takes the enrolment whose token has the digest `token_digest`: returns it and deletes it
    /// in one step, so that a token enrols one agent however many race with it. Expired
    /// enrolments are returned too (the use case says it expired).
    async fn take_enrolment(&self, token_digest: &str) -> Result<Option<Enrolment>, StoreError>;
    /// Stores a newly enrolled host; `Conflict` if its id is taken.
    async fn insert_host(&self, host: &Host) -> Result<(), StoreError>;
    /// The host of `tenant` with this agent id.
    async fn host(&self, tenant: TenantId, id: AgentId) -> Result<Option<Host>, StoreError>;
    /// The host with this agent id, whatever its organisation (an agent's `hello` names only
    /// itself).
    async fn host_by_agent(&self, id: AgentId) -> Result<Option<Host>, StoreError>;
    /// Every host of `tenant`, oldest first.
    async fn hosts(&self, tenant: TenantId) -> Result<Vec<Host>, StoreError>;
    /// Replaces a host's name, tags, host information and revocation; its progress is the
    /// store's (see [`HostMetrics::append_batch`]) and is left as it is. `NotFound` if there
    /// is no such host.
    async fn update_host(&self, host: &Host) -> Result<(), StoreError>;
}

/// What storing a batch did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    /// Stored; the host's progress before it.
    Stored {
        /// The progress before this batch.
        before: HostProgress,
    },
    /// The store already held a batch of that number: nothing changed.
    Duplicate {
        /// The progress as it is.
        progress: HostProgress,
    },
}

/// Hosts' samples and their minute and hour rollups. Raw samples and rollups expire after
/// their retention (DynamoDB's TTL, or the self-hosted store's periodic pruning).
#[async_trait]
pub trait HostMetrics: Send + Sync {
    /// Stores a batch of `agent`'s samples, received at `received_at`, and advances its
    /// progress ([`HostProgress::after`]) with it. A batch numbered at or below what the host's
    /// progress holds is a `Duplicate` and changes nothing. `NotFound` if there is no such host.
    async fn append_batch(
        &self,
        tenant: TenantId,
        agent: AgentId,
        batch: &SampleBatch,
        received_at: Timestamp,
    ) -> Result<Appended, StoreError>;
    /// The samples of `agent` taken in `[from, to)`, oldest first.
    async fn samples(&self, tenant: TenantId, agent: AgentId, from: Timestamp, to: Timestamp) -> Result<Vec<HostSample>, StoreError>;
    /// Stores rollups of `agent`, each replacing any of the same resolution and start.
    async fn put_rollups(&self, tenant: TenantId, agent: AgentId, rollups: &[Rollup]) -> Result<(), StoreError>;
    /// The stored rollups of `agent` at `resolution` whose buckets start in `[from, to)`, oldest
    /// first.
    async fn rollups(
        &self,
        tenant: TenantId,
        agent: AgentId,
        resolution: Resolution,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Rollup>, StoreError>;
}

/// Agents' connection events.
#[async_trait]
pub trait ConnectionLog: Send + Sync {
    /// Appends an event (idempotent on its id).
    async fn append_connection(&self, event: &ConnectionEvent) -> Result<(), StoreError>;
    /// A page of `agent`'s events, newest first.
    async fn connections(&self, tenant: TenantId, agent: AgentId, page: &PageRequest) -> Result<Page<ConnectionEvent>, StoreError>;
}

/// Rules on hosts, and each rule's state per host.
#[async_trait]
pub trait HostRules: Send + Sync {
    /// Stores a rule, replacing one with its id.
    async fn put_rule(&self, rule: &HostRule) -> Result<(), StoreError>;
    /// A rule of `tenant`.
    async fn rule(&self, tenant: TenantId, id: HostRuleId) -> Result<Option<HostRule>, StoreError>;
    /// Every rule of `tenant`, oldest first.
    async fn rules(&self, tenant: TenantId) -> Result<Vec<HostRule>, StoreError>;
    /// The rules of `tenant` that may watch `agent`'s host: those for every host and the host's
    /// own, oldest first. A batch reads these, so its cost does not grow with the other hosts'
    /// rules; an adapter without an index by host may filter [`HostRules::rules`].
    async fn rules_of(&self, tenant: TenantId, agent: AgentId) -> Result<Vec<HostRule>, StoreError> {
        Ok(self.rules(tenant).await?.into_iter().filter(|r| r.host.is_none_or(|h| h == agent)).collect())
    }
    /// Deletes a rule and its states on every host; false if there was none.
    async fn delete_rule(&self, tenant: TenantId, id: HostRuleId) -> Result<bool, StoreError>;
    /// Stores a rule's state on a host, replacing the previous one.
    async fn put_watch(&self, watch: &RuleWatch) -> Result<(), StoreError>;
    /// The stored states of every rule on `agent`.
    async fn watches_of(&self, tenant: TenantId, agent: AgentId) -> Result<Vec<RuleWatch>, StoreError>;
    /// The stored states of every rule on every host of `tenant`.
    async fn watches(&self, tenant: TenantId) -> Result<Vec<RuleWatch>, StoreError>;
}

/// The history of remote actions.
#[async_trait]
pub trait ActionHistory: Send + Sync {
    /// Stores a new request; `Conflict` if its id is taken.
    async fn insert_action(&self, record: &ActionRecord) -> Result<(), StoreError>;
    /// A request of `tenant`.
    async fn action(&self, tenant: TenantId, id: ActionRequestId) -> Result<Option<ActionRecord>, StoreError>;
    /// Replaces a request whose stored outcome is still `expected` (its `as_str`); `Conflict`
    /// if it changed meanwhile, `NotFound` if there is none.
    async fn update_action(&self, record: &ActionRecord, expected: &str) -> Result<(), StoreError>;
    /// A page of `tenant`'s requests (of `agent` only, if given), newest first.
    async fn actions(&self, tenant: TenantId, agent: Option<AgentId>, page: &PageRequest) -> Result<Page<ActionRecord>, StoreError>;
}

/// The link to connected agents: self-hosted, the WebSocket connections `vigil serve` holds;
/// on AWS, API Gateway's connections.
#[async_trait]
pub trait AgentLink: Send + Sync {
    /// Hands `message` to `agent`'s open connection; false if it has none.
    async fn send(&self, agent: AgentId, message: ServerMessage) -> Result<bool, StoreError>;
    /// Ends `agent`'s open connection, if any, with a goodbye giving `reason`.
    async fn disconnect(&self, agent: AgentId, reason: DisconnectReason) -> Result<(), StoreError>;
}
