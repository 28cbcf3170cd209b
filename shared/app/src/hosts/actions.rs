//! Remote actions: an admin asks a host's agent to run one action its own config names; the
//! request is signed with the agent's action key, recorded in the history and the audit log,
//! and handed to the agent's connection; the agent's result or refusal is recorded as it comes.

use super::HostError;
use crate::Deps;
use crate::accounts::audit_trail::{self, Change};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Action, Actor};
use vigil_domain::agent::protocol::ServerMessage;
use vigil_domain::agent::{ActionName, ActionRefusal, ActionRequest, ActionResult};
use vigil_domain::host::{ActionOutcome, ActionRecord};
use vigil_domain::ids::{ActionRequestId, AgentId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::{AgentLink, StoreError};

/// Ask a host to run an action.
#[derive(Clone, Debug)]
pub struct RequestAction {
    /// The host.
    pub agent: AgentId,
    /// The action's name in the agent's config.
    pub action: String,
}

/// Signs, records and sends the request (admins). An agent that is not connected gets
/// nothing: the request is recorded as undelivered and the answer says so.
#[tracing::instrument(name = "request_action", skip_all, fields(tenant = %actor.tenant_id, agent = %cmd.agent))]
pub async fn request_action(
    deps: &Deps,
    link: &dyn AgentLink,
    actor: &Actor,
    cmd: RequestAction,
    now: Timestamp,
) -> Result<ActionRecord, HostError> {
    actor.require(Action::ManageHosts)?;
    let action = ActionName::parse(cmd.action.trim()).map_err(|e| HostError::invalid("action", e.to_string()))?;
    let host = deps.stores.hosts.host(actor.tenant_id, cmd.agent).await?.ok_or(HostError::NotFound("host"))?;
    if host.revoked_at.is_some() {
        return Err(HostError::Conflict(format!("{} was revoked: it runs nothing", host.name)));
    }
    let key =
        host.credential.action_key().ok_or_else(|| StoreError::backend(format!("the stored action key of {} is damaged", host.id)))?;
    let request = ActionRequest {
        id: ActionRequestId::from_uuid(deps.random.new_id(now)),
        agent_id: host.id,
        action: action.clone(),
        issued_at: now,
        expires_at: now + deps.settings.hosts.action_lifetime,
        nonce: URL_SAFE_NO_PAD.encode(&deps.random.secret_bytes()[..16]),
    };
    let mut record = ActionRecord {
        id: request.id,
        tenant_id: actor.tenant_id,
        agent_id: host.id,
        host_name: host.name.clone(),
        action: action.clone(),
        requested_by: actor.id,
        requested_by_label: actor.label.clone(),
        requested_at: now,
        expires_at: request.expires_at,
        outcome: ActionOutcome::Pending,
    };
    // Recorded before it is sent, so that an answer never arrives before its request.
    deps.stores.actions.insert_action(&record).await?;
    let after = json!({"action": action, "expires_at": request.expires_at});
    let change = Change {
        action: "host.action_request",
        kind: "host",
        id: host.id.to_string(),
        name: Some(host.name.clone()),
        before: serde_json::Value::Null,
        after,
    };
    audit_trail::record(deps, actor, change, now).await?;
    if link.send(host.id, ServerMessage::Action(request.sign(&key))).await? {
        return Ok(record);
    }
    let pending = record.outcome.as_str();
    record.outcome = ActionOutcome::Undelivered;
    deps.stores.actions.update_action(&record, pending).await?;
    Err(HostError::NotConnected(format!("{} is not connected: the request {} was not sent", host.name, record.id)))
}

/// An agent's answer to a request.
#[derive(Clone, Debug)]
pub enum ActionAnswer {
    /// It ran.
    Result(ActionResult),
    /// It refused.
    Refused(ActionRefusal),
}

/// Records the actor's (an agent's) answer: the outcome in the history and an entry in the
/// audit log in the agent's name. An answer to another agent's request is refused; a second
/// answer to the same request changes nothing.
#[tracing::instrument(name = "record_action_answer", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn record_action_answer(deps: &Deps, actor: &Actor, answer: ActionAnswer, now: Timestamp) -> Result<ActionRecord, HostError> {
    let agent = actor.as_agent().ok_or_else(|| HostError::Conflict("only an agent answers an action request".into()))?;
    let (id, outcome) = match &answer {
        ActionAnswer::Result(result) => (result.request_id, ActionOutcome::of_result(result, now)),
        ActionAnswer::Refused(refusal) => (refusal.request_id, ActionOutcome::of_refusal(refusal, now)),
    };
    let stored = deps
        .stores
        .actions
        .action(actor.tenant_id, id)
        .await?
        .filter(|r| r.agent_id == agent)
        .ok_or(HostError::NotFound("action request"))?;
    let expected = stored.outcome.as_str();
    let record = match stored.clone().finish(outcome) {
        Ok(record) => record,
        Err(_) => return Ok(stored),
    };
    match deps.stores.actions.update_action(&record, expected).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Ok(deps.stores.actions.action(actor.tenant_id, id).await?.unwrap_or(stored)),
        Err(error) => return Err(error.into()),
    }
    let after = match &record.outcome {
        ActionOutcome::Completed { exit_code, duration_ms, timed_out, output_dropped_bytes, .. } => {
            json!({"action": record.action, "request": record.id, "exit_code": exit_code, "duration_ms": duration_ms, "timed_out": timed_out, "output_dropped_bytes": output_dropped_bytes})
        }
        ActionOutcome::Refused { reason, .. } => json!({"action": record.action, "request": record.id, "refused": reason}),
        _ => json!({}),
    };
    let verb = if matches!(record.outcome, ActionOutcome::Refused { .. }) { "host.action_refused" } else { "host.action_completed" };
    let change = Change {
        action: verb,
        kind: "host",
        id: agent.to_string(),
        name: Some(record.host_name.clone()),
        before: serde_json::Value::Null,
        after,
    };
    audit_trail::record(deps, actor, change, now).await?;
    tracing::info!(request = %record.id, action = %record.action, outcome = record.outcome.as_str(), "an action request was answered");
    deps.notify(actor.tenant_id, LiveNotice::Host(agent));
    Ok(record)
}

/// A page of the action history (of one host, if given), newest first.
#[tracing::instrument(name = "list_actions", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn list_actions(deps: &Deps, actor: &Actor, agent: Option<AgentId>, page: PageRequest) -> Result<Page<ActionRecord>, HostError> {
    actor.require(Action::Read)?;
    if let Some(agent) = agent {
        deps.stores.hosts.host(actor.tenant_id, agent).await?.ok_or(HostError::NotFound("host"))?;
    }
    Ok(deps.stores.actions.actions(actor.tenant_id, agent, &page).await?)
}

/// One request and its outcome.
#[tracing::instrument(name = "get_action", skip_all, fields(tenant = %actor.tenant_id, request = %id))]
pub async fn get_action(deps: &Deps, actor: &Actor, id: ActionRequestId) -> Result<ActionRecord, HostError> {
    actor.require(Action::Read)?;
    deps.stores.actions.action(actor.tenant_id, id).await?.ok_or(HostError::NotFound("action request"))
}
