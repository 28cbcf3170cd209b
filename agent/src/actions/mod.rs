//! Remote actions, safe by construction: the server names an action, the agent's own config
//! says what it does. Before anything else the request's signature and validity are checked,
//! then its nonce, then that actions are on, that the name is allowed, that a slot is free,
//! and that it would not act on the agent itself. Every refusal is reported.

pub mod process;

use crate::config::{ActionKind, ActionsConfig, AllowedAction};
use crate::docker::identity::SelfIdentity;
use crate::docker::{self, DockerClient};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use vigil_domain::agent::protocol::AgentMessage;
use vigil_domain::agent::{ActionKey, ActionRefusal, ActionRequest, ActionResult, Refusal, SeenNonces, SignedActionRequest};
use vigil_domain::ids::AgentId;

/// A request that passed every check but the last (whether it acts on the agent), holding
/// its slot.
#[derive(Debug)]
pub struct Admitted {
    request: ActionRequest,
    action: AllowedAction,
    _slot: OwnedSemaphorePermit,
}

/// The gatekeeper and runner of actions.
#[derive(Debug)]
pub struct Actions {
    config: ActionsConfig,
    identity: SelfIdentity,
    docker: Option<DockerClient>,
    slots: Arc<Semaphore>,
    nonces: SeenNonces,
}

fn refusal(request: &ActionRequest, reason: Refusal) -> ActionRefusal {
    ActionRefusal { request_id: request.id, action: request.action.clone(), reason }
}

impl Actions {
    /// Actions as `config` allows them, for an agent that is `identity`.
    pub fn new(config: ActionsConfig, identity: SelfIdentity, docker: Option<DockerClient>) -> Self {
        let slots = Arc::new(Semaphore::new(config.max_running.max(1)));
        Self { config, identity, docker, slots, nonces: SeenNonces::default() }
    }

    /// Checks a request, in order: signature and validity, nonce, actions enabled, name
    /// allowed, a free slot.
    pub fn admit(
        &mut self,
        signed: &SignedActionRequest,
        agent: AgentId,
        key: &ActionKey,
        now: Timestamp,
    ) -> Result<Admitted, ActionRefusal> {
        let request = signed.verify(agent, key, now).map_err(|reason| refusal(&signed.request, reason))?;
        self.nonces.admit(request, now).map_err(|reason| refusal(request, reason))?;
        if !self.config.enabled {
            return Err(refusal(request, Refusal::ActionsDisabled));
        }
        let action = self.config.allow.iter().find(|a| a.name == request.action).ok_or_else(|| refusal(request, Refusal::NotAllowed))?;
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| refusal(request, Refusal::Busy))?;
        Ok(Admitted { request: request.clone(), action: action.clone(), _slot: slot })
    }

    /// What running an admitted action needs, detached from `self` so it can run in its own
    /// task.
    pub fn runner(&self) -> Runner {
        Runner { identity: self.identity.clone(), docker: self.docker.clone() }
    }
}

/// Runs admitted actions.
#[derive(Clone, Debug)]
pub struct Runner {
    identity: SelfIdentity,
    docker: Option<DockerClient>,
}

impl Runner {
    /// Runs the action, unless it would act on the agent itself; the message to report.
    pub async fn run(&self, admitted: Admitted) -> AgentMessage {
        let Admitted { request, action, _slot } = admitted;
        let started_at = Timestamp::now();
        let started = Instant::now();
        let result = |exit_code, timed_out, output_tail, output_dropped_bytes, duration: Duration| {
            AgentMessage::ActionResult(ActionResult {
                request_id: request.id,
                action: request.action.clone(),
                started_at,
                duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
                exit_code,
                timed_out,
                output_tail,
                output_dropped_bytes,
            })
        };
        match &action.kind {
            ActionKind::Program { program, args } => {
                if args.iter().any(|a| self.identity.is_named_by(a)) {
                    return AgentMessage::ActionRefused(refusal(&request, Refusal::ActsOnItself));
                }
                match process::run(program, args, action.timeout, action.output_cap_bytes).await {
                    Ok(ran) => {
                        let (tail, dropped) = ran.tail.finish();
                        result(ran.exit_code, ran.timed_out, tail, dropped, ran.duration)
                    }
                    Err(e) => result(None, false, format!("could not start {}: {e}", program.display()), 0, started.elapsed()),
                }
            }
            ActionKind::Container { container, operation } => {
                let Some(client) = &self.docker else {
                    return result(Some(1), false, "no Docker Engine API socket is configured".into(), 0, started.elapsed());
                };
                let outcome = tokio::time::timeout(action.timeout, async {
                    let id = docker::container_id(client, container).await?;
                    if self.identity.is_own_container(&id) {
                        return Ok(Err(Refusal::ActsOnItself));
                    }
                    docker::operate(client, container, *operation, action.timeout).await.map(Ok)
                })
                .await;
                match outcome {
                    Ok(Ok(Err(reason))) => AgentMessage::ActionRefused(refusal(&request, reason)),
                    Ok(Ok(Ok(()))) => {
                        result(Some(0), false, format!("{operation:?} {container}: done").to_lowercase(), 0, started.elapsed())
                    }
                    Ok(Err(e)) => result(Some(1), false, e.to_string(), 0, started.elapsed()),
                    Err(_) => result(None, true, format!("no answer from the engine within {:?}", action.timeout), 0, started.elapsed()),
                }
            }
        }
    }
}
