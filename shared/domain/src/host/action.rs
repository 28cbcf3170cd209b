//! The history of remote actions: who asked which host to run what, and how it ended.
//!
//! A request is pending until the agent answers; then it is completed (with the exit code,
//! duration and the tail of the output) or refused (with the agent's reason), and stays so.
//! A request the server could not hand to the agent (not connected) is undelivered.

use crate::access::ActorId;
use crate::agent::{ActionName, ActionRefusal, ActionResult, Refusal};
use crate::ids::{ActionRequestId, AgentId, TenantId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One action request and its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// The request's id (the signed request carries it; the agent's answer names it).
    pub id: ActionRequestId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The host's agent.
    pub agent_id: AgentId,
    /// The host's name when asked.
    pub host_name: String,
    /// The action, by the name the agent's config gives it.
    pub action: ActionName,
    /// Who asked.
    pub requested_by: ActorId,
    /// Who asked, as the audit log names them.
    pub requested_by_label: String,
    /// When.
    pub requested_at: Timestamp,
    /// When the signed request stops being valid.
    pub expires_at: Timestamp,
    /// How it ended, so far.
    pub outcome: ActionOutcome,
}

/// How a request ended, so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ActionOutcome {
    /// Sent; no answer yet.
    Pending,
    /// The agent was not connected: nothing was sent.
    Undelivered,
    /// The agent ran it.
    Completed {
        /// When the server received the result.
        received_at: Timestamp,
        /// When it started (the agent's clock).
        started_at: Timestamp,
        /// How long it ran, in milliseconds.
        duration_ms: u64,
        /// The exit code (0/1 for a container operation); absent when it was killed.
        exit_code: Option<i32>,
        /// Killed at its timeout.
        timed_out: bool,
        /// The end of its output.
        output_tail: String,
        /// Bytes of output before the tail that were not kept.
        output_dropped_bytes: u64,
    },
    /// The agent refused it.
    Refused {
        /// When the server received the refusal.
        received_at: Timestamp,
        /// Why.
        reason: Refusal,
    },
}

impl ActionOutcome {
    /// `pending`, `undelivered`, `completed` or `refused`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            ActionOutcome::Pending => "pending",
            ActionOutcome::Undelivered => "undelivered",
            ActionOutcome::Completed { .. } => "completed",
            ActionOutcome::Refused { .. } => "refused",
        }
    }

    /// The outcome of a result the agent sent, received at `at`.
    pub fn of_result(result: &ActionResult, at: Timestamp) -> Self {
        ActionOutcome::Completed {
            received_at: at,
            started_at: result.started_at,
            duration_ms: result.duration_ms,
            exit_code: result.exit_code,
            timed_out: result.timed_out,
            output_tail: result.output_tail.clone(),
            output_dropped_bytes: result.output_dropped_bytes,
        }
    }

    /// The outcome of a refusal the agent sent, received at `at`.
    pub fn of_refusal(refusal: &ActionRefusal, at: Timestamp) -> Self {
        ActionOutcome::Refused { received_at: at, reason: refusal.reason }
    }
}

/// The request already has its outcome: an answer cannot change it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("action request {0} already ended ({1})")]
pub struct AlreadyFinished(pub ActionRequestId, pub &'static str);

impl ActionRecord {
    /// The record with its final `outcome`; refused unless it is pending. An undelivered
    /// request can still be answered: an agent that reconnected may have had it after all.
    pub fn finish(self, outcome: ActionOutcome) -> Result<Self, AlreadyFinished> {
        match self.outcome {
            ActionOutcome::Pending | ActionOutcome::Undelivered => Ok(Self { outcome, ..self }),
            ref done => Err(AlreadyFinished(self.id, done.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn record(outcome: ActionOutcome) -> ActionRecord {
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        ActionRecord {
            id: ActionRequestId::from_uuid(Uuid::from_u128(1)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(2)),
            agent_id: AgentId::from_uuid(Uuid::from_u128(3)),
            host_name: "web-1".into(),
            action: ActionName::parse("restart-nginx").unwrap(),
            requested_by: ActorId::System,
            requested_by_label: "system".into(),
            requested_at: at,
            expires_at: at,
            outcome,
        }
    }

    #[test]
    fn an_outcome_is_final() {
        let at = Timestamp::from_second(1_800_000_001).unwrap();
        let refused = ActionOutcome::Refused { received_at: at, reason: Refusal::NotAllowed };
        for start in [ActionOutcome::Pending, ActionOutcome::Undelivered] {
            assert_eq!(record(start).finish(refused.clone()).unwrap().outcome, refused);
        }
        let error = record(refused.clone()).finish(ActionOutcome::Pending).unwrap_err();
        assert_eq!(error.1, "refused");
        let json = serde_json::to_value(record(refused)).unwrap();
        assert_eq!(json["outcome"]["status"], "refused");
        assert_eq!(json["outcome"]["reason"], "not_allowed");
    }
}
