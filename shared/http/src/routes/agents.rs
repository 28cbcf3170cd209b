//! The agents' WebSocket: one connection per agent, speaking the agent protocol. Each text
//! frame is one message, handed to the transport-free session of vigil-app; what it answers is
//! sent back; what the hub has for the agent (action requests, a goodbye) is sent as it comes.

use crate::agent_hub::{AgentHub, Outgoing};
use crate::auth::ClientOrigin;
use crate::problem::ApiError;
use axum::Extension;
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message as Frame, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use vigil_app::hosts::{AgentSession, on_agent_gone, on_agent_message};
use vigil_app::{Deps, SystemClock};
use vigil_domain::access::Origin;
use vigil_domain::agent::protocol::{AgentMessage, DisconnectReason, Goodbye, MAX_MESSAGE_BYTES, Message, ServerMessage};

/// How long a connection may stay silent: the agent sends a heartbeat every 30 s.
const IDLE: Duration = Duration::from_secs(120);

/// Connect a host agent: a WebSocket speaking the agent protocol (docs/agent.md), opened by
/// `enrol` with a one-time token or `hello` with the agent's credential; needs no key.
#[utoipa::path(get, path = "/agents/connect", tag = "hosts", operation_id = "connect_agent", security(()),
    responses(
        (status = 101, description = "Switching to the agent protocol over WebSocket"),
        (status = 426, description = "Not a WebSocket upgrade", body = vigil_api::Problem, content_type = "application/problem+json"),
        (status = 503, description = "This server takes no agent connections (now)", body = vigil_api::Problem, content_type = "application/problem+json")))]
pub(crate) async fn connect(
    State(deps): State<Deps>,
    hub: Option<Extension<AgentHub>>,
    ClientOrigin(origin): ClientOrigin,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let unavailable = |detail: &str| {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "no-agent-socket", "No agent connections here", detail).into_response()
    };
    let Some(Extension(hub)) = hub else { return unavailable("this deployment takes agent connections elsewhere (docs/agent.md)") };
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            let detail = format!("connect with a WebSocket client (an agent): {}", rejection.body_text());
            return ApiError::new(StatusCode::UPGRADE_REQUIRED, "websocket-required", "A WebSocket upgrade is required", detail)
                .into_response();
        }
    };
    let Some((membership, stopping)) = hub.join() else { return unavailable("the server is stopping") };
    upgrade.max_message_size(MAX_MESSAGE_BYTES).max_frame_size(MAX_MESSAGE_BYTES).on_upgrade(move |socket| async move {
        Connection { deps, hub, membership, origin, socket, session: AgentSession::default() }.run(stopping).await
    })
}

struct Connection {
    deps: Deps,
    hub: AgentHub,
    membership: crate::agent_hub::Membership,
    origin: Origin,
    socket: WebSocket,
    session: AgentSession,
}

/// How a connection ended.
type Ended = (DisconnectReason, Option<String>);

async fn next_outgoing(inbox: &mut Option<mpsc::UnboundedReceiver<Outgoing>>) -> Option<Outgoing> {
    match inbox {
        Some(inbox) => inbox.recv().await,
        None => std::future::pending().await,
    }
}

impl Connection {
    async fn run(mut self, mut stopping: watch::Receiver<bool>) {
        let mut inbox = None;
        let (reason, detail) = loop {
            let ended = tokio::select! {
                frame = tokio::time::timeout(IDLE, self.socket.recv()) => match frame {
                    Err(_) => Some((DisconnectReason::ConnectionLost, Some(format!("nothing from the agent in {} s", IDLE.as_secs())))),
                    Ok(frame) => self.on_frame(frame, &mut inbox).await,
                },
                Some(outgoing) = next_outgoing(&mut inbox) => match outgoing {
                    Outgoing::Message(message) => self.send(&message).await.err(),
                    Outgoing::Close(reason) => Some(self.goodbye(reason, None).await),
                },
                _ = stopping.changed() => Some(self.goodbye(DisconnectReason::ServerStopping, None).await),
            };
            if let Some(ended) = ended {
                break ended;
            }
        };
        on_agent_gone(&self.deps, &self.session, reason, detail, SystemClock::now()).await;
    }

    async fn on_frame(
        &mut self,
        frame: Option<Result<Frame, axum::Error>>,
        inbox: &mut Option<mpsc::UnboundedReceiver<Outgoing>>,
    ) -> Option<Ended> {
        let text = match frame {
            Some(Ok(Frame::Text(text))) => text,
            Some(Ok(Frame::Binary(_))) => {
                return Some(
                    self.goodbye(DisconnectReason::ProtocolError, Some("binary frames are not part of the protocol".into())).await,
                );
            }
            Some(Ok(Frame::Ping(_) | Frame::Pong(_))) => return None,
            Some(Ok(Frame::Close(_))) | None => return Some((DisconnectReason::ConnectionLost, Some("closed without a goodbye".into()))),
            Some(Err(error)) => return Some((DisconnectReason::ConnectionLost, Some(error.to_string()))),
        };
        let message = match AgentMessage::decode(text.as_str()) {
            Ok(message) => message,
            Err(error) => return Some(self.goodbye(DisconnectReason::ProtocolError, Some(error.to_string())).await),
        };
        let answer = on_agent_message(&self.deps, &mut self.session, message, &self.origin, SystemClock::now()).await;
        if let Some(agent) = answer.opened {
            *inbox = Some(self.hub.register(&mut self.membership, agent));
        }
        let goodbye = answer.send.iter().find_map(|m| match m {
            ServerMessage::Goodbye(g) => Some((g.reason, g.detail.clone())),
            _ => None,
        });
        for message in &answer.send {
            if let Err(ended) = self.send(message).await {
                return Some(ended);
            }
        }
        if answer.close {
            let _ = self.socket.send(Frame::Close(None)).await;
            // After the agent's own goodbye the session recorded it; `on_agent_gone` adds nothing.
            return Some(goodbye.unwrap_or((DisconnectReason::AgentStopping, None)));
        }
        None
    }

    async fn send(&mut self, message: &ServerMessage) -> Result<(), Ended> {
        self.socket.send(Frame::Text(message.encode().into())).await.map_err(|e| (DisconnectReason::ConnectionLost, Some(e.to_string())))
    }

    async fn goodbye(&mut self, reason: DisconnectReason, detail: Option<String>) -> Ended {
        let _ = self.send(&ServerMessage::Goodbye(Goodbye { reason, detail: detail.clone() })).await;
        let _ = self.socket.send(Frame::Close(None)).await;
        (reason, detail)
    }
}
