//! The link to the server: one outbound WebSocket, opened again and again with backoff. Each
//! connection starts with `hello` (or `enrol` on the first start), then sends the backlog in
//! order, a window of batches ahead of the acknowledgements, and the new batches as they come;
//! it answers action requests and notices a server gone silent.

pub mod backoff;
pub mod connect;

use crate::actions::Actions;
use crate::credential::{self, Credential};
use crate::spool::Spool;
use anyhow::anyhow;
use backoff::Backoff;
use connect::Socket;
use futures::{SinkExt, StreamExt};
use jiff::Timestamp;
use rustls::ClientConfig;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as Frame;
use url::Url;
use vigil_domain::agent::EnrolmentToken;
use vigil_domain::agent::protocol::{
    AgentMessage, DisconnectNote, DisconnectReason, Enrol, Goodbye, Heartbeat, Hello, HostInfo, Message, ServerMessage,
};

/// Batches sent ahead of the server's acknowledgements.
const WINDOW: usize = 32;
/// How long the server has to answer `hello` or `enrol`, and to complete a connection.
const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(30);

/// Timings of the link (shorter in tests).
#[derive(Clone, Copy, Debug)]
pub struct Timings {
    /// Between heartbeats.
    pub heartbeat: Duration,
    /// Silence from the server after which the connection counts as lost.
    pub silence: Duration,
    /// The first reconnection delay.
    pub first_retry: Duration,
    /// The longest.
    pub most_retry: Duration,
}

impl Default for Timings {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(30),
            silence: Duration::from_secs(90),
            first_retry: Duration::from_secs(1),
            most_retry: Duration::from_secs(60),
        }
    }
}

/// What the link needs.
pub struct Link {
    /// The server's URL.
    pub server: Url,
    /// TLS client configuration.
    pub tls: Arc<ClientConfig>,
    /// Where the credential is stored.
    pub state_dir: PathBuf,
    /// The credential, once enrolled.
    pub credential: Option<Credential>,
    /// The token for the first enrolment.
    pub token: Option<EnrolmentToken>,
    /// What the agent says about its host.
    pub host: HostInfo,
    /// The backlog.
    pub spool: Arc<Mutex<Spool>>,
    /// Rung when a batch is added to the backlog.
    pub new_batch: Arc<Notify>,
    /// Remote actions.
    pub actions: Actions,
    /// Timings.
    pub timings: Timings,
}

/// How one connection ended.
#[derive(Debug)]
enum Ended {
    /// The agent is stopping.
    Stopping,
    /// The connection ended; the agent reconnects after a while.
    Lost { note: DisconnectNote, worked: bool, refused: bool },
}

fn note(reason: DisconnectReason, detail: impl Into<String>) -> DisconnectNote {
    DisconnectNote { at: Timestamp::now(), reason, detail: Some(detail.into()) }
}

fn lost(reason: DisconnectReason, detail: impl Into<String>, worked: bool) -> Ended {
    Ended::Lost { note: note(reason, detail), worked, refused: false }
}

fn spool_error(e: anyhow::Error) -> anyhow::Error {
    e.context("the backlog")
}

impl Link {
    /// Connects and reconnects until `stop` turns true. Returns an error only when the agent
    /// cannot work at all (not enrolled and no token; a backlog it cannot write).
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        let mut backoff = Backoff::new(self.timings.first_retry, self.timings.most_retry);
        let (results_tx, mut results_rx) = mpsc::channel::<AgentMessage>(64);
        let mut previous: Option<DisconnectNote> = None;
        while !*stop.borrow() {
            let ended = self.connection(&results_tx, &mut results_rx, previous.take(), stop.clone()).await?;
            let Ended::Lost { note, worked, refused } = ended else { break };
            if worked {
                backoff.reset();
            }
            if refused {
                backoff.give_up_fast_retries();
            }
            let wait = backoff.next(random_u32());
            tracing::warn!(reason = ?note.reason, detail = note.detail.as_deref().unwrap_or(""), retry_in = ?wait, "disconnected");
            previous = Some(note);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => break,
            }
        }
        Ok(())
    }

    async fn connection(
        &mut self,
        results_tx: &mpsc::Sender<AgentMessage>,
        results_rx: &mut mpsc::Receiver<AgentMessage>,
        previous: Option<DisconnectNote>,
        mut stop: watch::Receiver<bool>,
    ) -> anyhow::Result<Ended> {
        let opened = tokio::select! {
            opened = async {
                let mut socket = match connect::open(&self.server, &self.tls, HANDSHAKE_DEADLINE).await {
                    Ok(socket) => socket,
                    Err(e) => return Ok(Err(lost(DisconnectReason::ConnectionLost, format!("{e:#}"), false))),
                };
                Ok::<_, anyhow::Error>(match self.handshake(&mut socket, previous).await? {
                    Some(ended) => Err(ended),
                    None => Ok(socket),
                })
            } => opened?,
            _ = stop.changed() => return Ok(Ended::Stopping),
        };
        let mut socket = match opened {
            Ok(socket) => socket,
            Err(ended) => return Ok(ended),
        };
        tracing::info!(server = %self.server, "connected");
        let ended = self.serve(&mut socket, results_tx, results_rx, &mut stop).await?;
        if let Ended::Stopping = ended {
            let goodbye = AgentMessage::Goodbye(Goodbye { reason: DisconnectReason::AgentStopping, detail: None });
            let _ = socket.send(Frame::text(goodbye.encode())).await;
            let _ = socket.close(None).await;
        }
        Ok(ended)
    }

    /// Sends `hello` or `enrol` and reads the answer; `Some` if the connection ended there.
    async fn handshake(&mut self, socket: &mut Socket, previous: Option<DisconnectNote>) -> anyhow::Result<Option<Ended>> {
        let opening = match (&self.credential, &self.token) {
            (Some(c), _) => AgentMessage::Hello(Hello {
                agent_id: c.agent_id,
                secret: c.secret.clone(),
                host: self.host.clone(),
                previous_disconnect: previous,
            }),
            (None, Some(token)) => AgentMessage::Enrol(Enrol { token: token.clone(), host: self.host.clone() }),
            (None, None) => {
                return Err(anyhow!("this agent is not enrolled: give it an enrolment token (enrolment_token, or VIGIL_AGENT_TOKEN)"));
            }
        };
        if let Err(e) = socket.send(Frame::text(opening.encode())).await {
            return Ok(Some(lost(DisconnectReason::ConnectionLost, e.to_string(), false)));
        }
        let answer = match tokio::time::timeout(HANDSHAKE_DEADLINE, next_message(socket)).await {
            Ok(Ok(message)) => message,
            Ok(Err(ended)) => return Ok(Some(ended)),
            Err(_) => return Ok(Some(lost(DisconnectReason::ConnectionLost, "no answer to hello", false))),
        };
        match answer {
            ServerMessage::Enrolled(enrolled) if self.credential.is_none() => {
                let credential = Credential { agent_id: enrolled.agent_id, secret: enrolled.secret };
                credential::store(&self.state_dir, &credential)?;
                tracing::info!(agent_id = %credential.agent_id, "enrolled");
                self.credential = Some(credential);
                Ok(None)
            }
            ServerMessage::Welcome(welcome) if self.credential.as_ref().is_some_and(|c| c.agent_id == welcome.agent_id) => {
                if let Some(through) = welcome.acked_through {
                    self.spool.lock().expect("spool lock").ack(through).map_err(spool_error)?;
                }
                Ok(None)
            }
            ServerMessage::Goodbye(goodbye) => {
                let refused = matches!(
                    goodbye.reason,
                    DisconnectReason::EnrolmentRefused | DisconnectReason::AuthenticationFailed | DisconnectReason::CredentialRevoked
                );
                if refused {
                    tracing::error!(reason = ?goodbye.reason, detail = goodbye.detail.as_deref().unwrap_or(""), "the server refused this agent");
                }
                let note = DisconnectNote { at: Timestamp::now(), reason: goodbye.reason, detail: goodbye.detail };
                Ok(Some(Ended::Lost { note, worked: false, refused }))
            }
            other => Ok(Some(protocol_error(socket, format!("unexpected answer to hello: {other:?}")).await)),
        }
    }

    async fn serve(
        &mut self,
        socket: &mut Socket,
        results_tx: &mpsc::Sender<AgentMessage>,
        results_rx: &mut mpsc::Receiver<AgentMessage>,
        stop: &mut watch::Receiver<bool>,
    ) -> anyhow::Result<Ended> {
        let mut in_flight: VecDeque<u64> = VecDeque::new();
        let mut sent_through = 0;
        let mut heartbeat = tokio::time::interval(self.timings.heartbeat);
        let mut heard = Instant::now();
        let new_batch = self.new_batch.clone();
        loop {
            while in_flight.len() < WINDOW {
                let batch = {
                    let mut spool = self.spool.lock().expect("spool lock");
                    let Some(seq) = spool.next_after(sent_through) else { break };
                    sent_through = seq;
                    spool.read(seq).map_err(spool_error)?
                };
                if let Some(batch) = batch {
                    in_flight.push_back(batch.seq);
                    if let Err(e) = socket.send(Frame::text(AgentMessage::Samples(batch).encode())).await {
                        return Ok(lost(DisconnectReason::ConnectionLost, e.to_string(), true));
                    }
                }
            }
            tokio::select! {
                _ = new_batch.notified() => {}
                frame = socket.next() => {
                    heard = Instant::now();
                    let message = match frame {
                        Some(Ok(Frame::Text(text))) => match ServerMessage::decode(&text) {
                            Ok(message) => message,
                            Err(e) => return Ok(protocol_error(socket, e.to_string()).await),
                        },
                        Some(Ok(Frame::Close(close))) => {
                            let detail = close.map(|c| c.reason.to_string()).unwrap_or_default();
                            return Ok(lost(DisconnectReason::ConnectionLost, format!("closed by the server {detail}"), true));
                        }
                        Some(Ok(Frame::Binary(_))) => return Ok(protocol_error(socket, "binary frames are not part of the protocol".into()).await),
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => return Ok(lost(DisconnectReason::ConnectionLost, e.to_string(), true)),
                        None => return Ok(lost(DisconnectReason::ConnectionLost, "the connection closed", true)),
                    };
                    match message {
                        ServerMessage::Ack(ack) => {
                            self.spool.lock().expect("spool lock").ack(ack.through).map_err(spool_error)?;
                            in_flight.retain(|seq| *seq > ack.through);
                        }
                        ServerMessage::Action(signed) => self.action(&signed, results_tx, socket).await?,
                        ServerMessage::Heartbeat(_) => {}
                        ServerMessage::Goodbye(goodbye) => {
                            let note = DisconnectNote { at: Timestamp::now(), reason: goodbye.reason, detail: goodbye.detail };
                            let refused = goodbye.reason == DisconnectReason::CredentialRevoked;
                            return Ok(Ended::Lost { note, worked: true, refused });
                        }
                        other @ (ServerMessage::Enrolled(_) | ServerMessage::Welcome(_)) => {
                            return Ok(protocol_error(socket, format!("unexpected {other:?} after the handshake")).await);
                        }
                    }
                }
                Some(result) = results_rx.recv() => {
                    if let Err(e) = socket.send(Frame::text(result.encode())).await {
                        // Not sent: lost with the connection (the server times the request out).
                        return Ok(lost(DisconnectReason::ConnectionLost, e.to_string(), true));
                    }
                }
                _ = heartbeat.tick() => {
                    if heard.elapsed() > self.timings.silence {
                        return Ok(lost(DisconnectReason::ConnectionLost, format!("nothing from the server in {:?}", self.timings.silence), true));
                    }
                    let beat = AgentMessage::Heartbeat(Heartbeat { at: Timestamp::now() });
                    if let Err(e) = socket.send(Frame::text(beat.encode())).await {
                        return Ok(lost(DisconnectReason::ConnectionLost, e.to_string(), true));
                    }
                }
                _ = stop.changed() => return Ok(Ended::Stopping),
            }
        }
    }

    /// Admits an action request and runs it in its own task, or reports its refusal at once.
    async fn action(
        &mut self,
        signed: &vigil_domain::agent::SignedActionRequest,
        results_tx: &mpsc::Sender<AgentMessage>,
        socket: &mut Socket,
    ) -> anyhow::Result<()> {
        let credential = self.credential.as_ref().ok_or_else(|| anyhow!("an action before enrolment"))?;
        match self.actions.admit(signed, credential.agent_id, &credential.secret.action_key(), Timestamp::now()) {
            Ok(admitted) => {
                tracing::info!(action = %signed.request.action, request = %signed.request.id, "running an action");
                let runner = self.actions.runner();
                let results = results_tx.clone();
                tokio::spawn(async move {
                    let _ = results.send(runner.run(admitted).await).await;
                });
            }
            Err(refusal) => {
                tracing::warn!(action = %refusal.action, request = %refusal.request_id, reason = %refusal.reason, "refused an action");
                let _ = socket.send(Frame::text(AgentMessage::ActionRefused(refusal).encode())).await;
            }
        }
        Ok(())
    }
}

/// The next protocol message, skipping control frames; `Err` when the connection ended.
async fn next_message(socket: &mut Socket) -> Result<ServerMessage, Ended> {
    loop {
        match socket.next().await {
            Some(Ok(Frame::Text(text))) => {
                return match ServerMessage::decode(&text) {
                    Ok(message) => Ok(message),
                    Err(e) => Err(protocol_error(socket, e.to_string()).await),
                };
            }
            Some(Ok(Frame::Close(_))) | None => return Err(lost(DisconnectReason::ConnectionLost, "closed during the handshake", false)),
            Some(Ok(Frame::Binary(_))) => return Err(protocol_error(socket, "binary frames are not part of the protocol".into()).await),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(lost(DisconnectReason::ConnectionLost, e.to_string(), false)),
        }
    }
}

/// Says goodbye with a protocol error and ends the connection.
async fn protocol_error(socket: &mut Socket, detail: String) -> Ended {
    tracing::error!(%detail, "protocol error from the server");
    let goodbye = AgentMessage::Goodbye(Goodbye { reason: DisconnectReason::ProtocolError, detail: Some(detail.clone()) });
    let _ = socket.send(Frame::text(goodbye.encode())).await;
    let _ = socket.close(None).await;
    lost(DisconnectReason::ProtocolError, detail, false)
}

fn random_u32() -> u32 {
    let mut bytes = [0u8; 4];
    // Jitter only: a failed read leaves the midpoint, which still works.
    let _ = getrandom::fill(&mut bytes);
    u32::from_le_bytes(bytes)
}
