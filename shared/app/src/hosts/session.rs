//! One agent connection, message by message, whatever carries it (the self-hosted WebSocket,
//! or API Gateway's WebSocket API and its message function): what each message does and what
//! the server answers. The transport keeps an [`AgentSession`] per connection and sends the
//! answers.

use super::actions::{ActionAnswer, record_action_answer};
use super::authenticate::{AuthenticateAgent, authenticate_agent};
use super::connections::{RecordDisconnect, record_disconnect};
use super::enrol::{EnrolAgent, enrol_agent};
use super::ingest::{IngestBatch, ingest_batch};
use super::{AgentRefused, HostError};
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Actor, Origin};
use vigil_domain::agent::protocol::{AgentMessage, DisconnectReason, Enrolled, Goodbye, Heartbeat, ServerMessage, Welcome};
use vigil_domain::host::Side;
use vigil_domain::ids::AgentId;

/// Where a connection is.
#[derive(Clone, Debug, Default)]
pub enum AgentSession {
    /// Waiting for `enrol` or `hello`.
    #[default]
    Opening,
    /// The agent is known; it acts as `actor`.
    Open {
        /// The agent.
        actor: Actor,
    },
    /// The agent said goodbye (recorded already); nothing more is read.
    Closed,
}

impl AgentSession {
    /// The agent, once known.
    pub fn agent(&self) -> Option<AgentId> {
        match self {
            AgentSession::Open { actor } => actor.as_agent(),
            _ => None,
        }
    }

    /// The agent's actor, once known.
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            AgentSession::Open { actor } => Some(actor),
            _ => None,
        }
    }
}

/// What to do after a message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    /// Messages to send, in order.
    pub send: Vec<ServerMessage>,
    /// Close the connection after sending them (after a goodbye the server sends, the
    /// transport calls [`on_agent_gone`] with its reason).
    pub close: bool,
    /// The agent became known with this message (the transport registers the connection).
    pub opened: Option<AgentId>,
}

fn goodbye(reason: DisconnectReason, detail: impl Into<String>) -> Answer {
    Answer { send: vec![ServerMessage::Goodbye(Goodbye { reason, detail: Some(detail.into()) })], close: true, opened: None }
}

fn reply(message: ServerMessage) -> Answer {
    Answer { send: vec![message], ..Answer::default() }
}

/// Handles one message of the connection in `session`, from `origin`. A message the protocol
/// does not allow where it comes ends the connection with a protocol error; a storage failure
/// ends it too (the agent reconnects and sends again what was not acknowledged).
pub async fn on_agent_message(deps: &Deps, session: &mut AgentSession, message: AgentMessage, origin: &Origin, now: Timestamp) -> Answer {
    match (&*session, message) {
        (AgentSession::Closed, _) => Answer { close: true, ..Answer::default() },
        (AgentSession::Opening, AgentMessage::Enrol(enrol)) => {
            match enrol_agent(deps, EnrolAgent { token: enrol.token, host: enrol.host, origin: origin.clone() }, now).await {
                Ok(enrolled) => {
                    let answer = Answer {
                        send: vec![ServerMessage::Enrolled(Enrolled { agent_id: enrolled.host.id, secret: enrolled.secret })],
                        close: false,
                        opened: Some(enrolled.host.id),
                    };
                    *session = AgentSession::Open { actor: enrolled.actor };
                    answer
                }
                Err(refused) => refusal(refused),
            }
        }
        (AgentSession::Opening, AgentMessage::Hello(hello)) => {
            let cmd = AuthenticateAgent {
                agent_id: hello.agent_id,
                secret: hello.secret,
                host: hello.host,
                previous_disconnect: hello.previous_disconnect,
                origin: origin.clone(),
            };
            match authenticate_agent(deps, cmd, now).await {
                Ok((actor, host)) => {
                    let welcome = Welcome { agent_id: host.id, acked_through: host.progress.acked_through };
                    *session = AgentSession::Open { actor };
                    Answer { send: vec![ServerMessage::Welcome(welcome)], close: false, opened: Some(host.id) }
                }
                Err(refused) => refusal(refused),
            }
        }
        (AgentSession::Opening, _) => goodbye(DisconnectReason::ProtocolError, "the first message must be `enrol` or `hello`"),
        (AgentSession::Open { .. }, AgentMessage::Enrol(_) | AgentMessage::Hello(_)) => {
            goodbye(DisconnectReason::ProtocolError, "`enrol` and `hello` open a connection, once")
        }
        (AgentSession::Open { actor }, AgentMessage::Samples(batch)) => match ingest_batch(deps, actor, IngestBatch { batch }, now).await {
            Ok(ack) => reply(ServerMessage::Ack(ack)),
            Err(HostError::NotFound(_)) => goodbye(DisconnectReason::CredentialRevoked, "this agent's host no longer exists"),
            Err(error) => {
                tracing::error!(%error, "storing a batch failed; the agent will send it again");
                goodbye(DisconnectReason::ServerStopping, "the server could not store the batch; send it again later")
            }
        },
        (AgentSession::Open { actor }, AgentMessage::ActionResult(result)) => {
            answered(deps, actor, ActionAnswer::Result(result), now).await
        }
        (AgentSession::Open { actor }, AgentMessage::ActionRefused(refusal)) => {
            answered(deps, actor, ActionAnswer::Refused(refusal), now).await
        }
        (AgentSession::Open { .. }, AgentMessage::Heartbeat(_)) => reply(ServerMessage::Heartbeat(Heartbeat { at: now })),
        (AgentSession::Open { actor }, AgentMessage::Goodbye(bye)) => {
            let cmd = RecordDisconnect { reason: bye.reason, detail: bye.detail, seen_by: Side::Agent };
            if let Err(error) = record_disconnect(deps, actor, cmd, now).await {
                tracing::warn!(%error, "recording an agent's goodbye failed");
            }
            *session = AgentSession::Closed;
            Answer { close: true, ..Answer::default() }
        }
    }
}

fn refusal(refused: AgentRefused) -> Answer {
    match refused {
        AgentRefused::Refused { reason, detail } => goodbye(reason, detail),
        AgentRefused::Store(error) => {
            tracing::error!(%error, "an agent could not be let in; it will try again");
            goodbye(DisconnectReason::ServerStopping, "the server could not check the credential; try again later")
        }
    }
}

async fn answered(deps: &Deps, actor: &Actor, answer: ActionAnswer, now: Timestamp) -> Answer {
    match record_action_answer(deps, actor, answer, now).await {
        Ok(_) => Answer::default(),
        // An answer to nothing this agent was asked: noted, and the connection goes on.
        Err(HostError::NotFound(_)) => {
            tracing::warn!(agent = %actor.label, "an agent answered an action request it was not sent");
            Answer::default()
        }
        Err(error) => {
            tracing::error!(%error, "recording an action's outcome failed");
            goodbye(DisconnectReason::ServerStopping, "the server could not record the outcome; send it again later")
        }
    }
}

/// Records that the connection in `session` ended, as the server saw it (unless the agent
/// said goodbye first, which is recorded already).
pub async fn on_agent_gone(deps: &Deps, session: &AgentSession, reason: DisconnectReason, detail: Option<String>, now: Timestamp) {
    if let AgentSession::Open { actor } = session
        && let Err(error) = record_disconnect(deps, actor, RecordDisconnect { reason, detail, seen_by: Side::Server }, now).await
    {
        tracing::warn!(%error, "recording an agent's disconnection failed");
    }
}
