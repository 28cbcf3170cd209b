//! A small agent server for the agent's tests and benchmark: it speaks the agent protocol over
//! WebSocket on a loopback port, enrols with one token, authenticates the secret it issued,
//! acknowledges every batch, and reports everything it sees. It can be stopped (listener and
//! connections dropped, as a crashed server would) and started again on the same port, and it
//! can send signed action requests.

use futures::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message as Frame;
use vigil_domain::agent::protocol::{Ack, AgentMessage, DisconnectReason, Enrolled, Goodbye, Message, ServerMessage, Welcome};
use vigil_domain::agent::{AgentSecret, EnrolmentToken};
use vigil_domain::ids::AgentId;

/// What the server saw.
#[derive(Clone, Debug, PartialEq)]
pub enum Seen {
    /// A connection opened (numbered from 1).
    Connected(u64),
    /// A message on a connection.
    Message(u64, AgentMessage),
    /// A message that did not decode.
    Invalid(u64, String),
    /// A connection ended.
    Disconnected(u64),
}

struct Shared {
    token: EnrolmentToken,
    agent_id: AgentId,
    secret: AgentSecret,
    acked_through: Option<u64>,
    connections: u64,
    current: Option<mpsc::UnboundedSender<ServerMessage>>,
}

/// The server.
pub struct AgentServer {
    address: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    seen_tx: mpsc::UnboundedSender<Seen>,
    seen: mpsc::UnboundedReceiver<Seen>,
    stop: Option<watch::Sender<bool>>,
}

impl AgentServer {
    /// A server on a free loopback port that enrols `token` as `agent_id` with `secret`.
    pub async fn start(token: EnrolmentToken, agent_id: AgentId, secret: AgentSecret) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let address = listener.local_addr().expect("its address");
        let shared = Arc::new(Mutex::new(Shared { token, agent_id, secret, acked_through: None, connections: 0, current: None }));
        let (seen_tx, seen) = mpsc::unbounded_channel();
        let mut server = Self { address, shared, seen_tx, seen, stop: None };
        server.serve(listener);
        server
    }

    fn serve(&mut self, listener: TcpListener) {
        let (stop_tx, stop) = watch::channel(false);
        self.stop = Some(stop_tx);
        let (shared, seen) = (self.shared.clone(), self.seen_tx.clone());
        tokio::spawn(async move {
            let mut stop_accepting = stop.clone();
            loop {
                let tcp = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((tcp, _)) => tcp,
                        Err(_) => continue,
                    },
                    _ = stop_accepting.changed() => return,
                };
                tokio::spawn(connection(tcp, shared.clone(), seen.clone(), stop.clone()));
            }
        });
    }

    /// The agent's URL for this server.
    pub fn url(&self) -> String {
        format!("ws://{}/v1/agent", self.address)
    }

    /// The port.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops listening and drops every connection without a goodbye.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) {
        self.stop();
        let listener = TcpListener::bind(self.address).await.expect("the same port again");
        self.serve(listener);
    }

    /// The next thing seen, within `timeout`.
    pub async fn next(&mut self, timeout: std::time::Duration) -> Option<Seen> {
        tokio::time::timeout(timeout, self.seen.recv()).await.ok().flatten()
    }

    /// Sends a message to the agent on its current connection; false if none is open.
    pub fn send(&self, message: ServerMessage) -> bool {
        let shared = self.shared.lock().expect("lock");
        shared.current.as_ref().is_some_and(|c| c.send(message).is_ok())
    }
}

impl Drop for AgentServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn connection(
    tcp: tokio::net::TcpStream,
    shared: Arc<Mutex<Shared>>,
    seen: mpsc::UnboundedSender<Seen>,
    mut stop: watch::Receiver<bool>,
) {
    let Ok(mut socket) = tokio_tungstenite::accept_async(tcp).await else { return };
    let (number, mut outbox) = {
        let mut s = shared.lock().expect("lock");
        s.connections += 1;
        let (tx, rx) = mpsc::unbounded_channel();
        s.current = Some(tx);
        (s.connections, rx)
    };
    let _ = seen.send(Seen::Connected(number));
    let mut authenticated = false;
    loop {
        let frame = tokio::select! {
            frame = socket.next() => frame,
            Some(message) = outbox.recv() => {
                if socket.send(Frame::text(message.encode())).await.is_err() { break }
                continue;
            }
            _ = stop.changed() => break,
        };
        let text = match frame {
            Some(Ok(Frame::Text(text))) => text,
            Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(_)) => continue,
        };
        let message = match AgentMessage::decode(&text) {
            Ok(message) => message,
            Err(e) => {
                let _ = seen.send(Seen::Invalid(number, e.to_string()));
                continue;
            }
        };
        let answer = answer(&shared, &message, &mut authenticated);
        let _ = seen.send(Seen::Message(number, message));
        let closing = matches!(answer, Some(ServerMessage::Goodbye(_)));
        if let Some(answer) = answer
            && socket.send(Frame::text(answer.encode())).await.is_err()
        {
            break;
        }
        if closing {
            let _ = socket.close(None).await;
            break;
        }
    }
    let _ = seen.send(Seen::Disconnected(number));
}

fn answer(shared: &Mutex<Shared>, message: &AgentMessage, authenticated: &mut bool) -> Option<ServerMessage> {
    let mut s = shared.lock().expect("lock");
    let refuse = |reason| Some(ServerMessage::Goodbye(Goodbye { reason, detail: None }));
    match message {
        AgentMessage::Enrol(enrol) if enrol.token == s.token => {
            *authenticated = true;
            Some(ServerMessage::Enrolled(Enrolled { agent_id: s.agent_id, secret: s.secret.clone() }))
        }
        AgentMessage::Enrol(_) => refuse(DisconnectReason::EnrolmentRefused),
        AgentMessage::Hello(hello) if hello.agent_id == s.agent_id && hello.secret == s.secret => {
            *authenticated = true;
            Some(ServerMessage::Welcome(Welcome { agent_id: s.agent_id, acked_through: s.acked_through }))
        }
        AgentMessage::Hello(_) => refuse(DisconnectReason::AuthenticationFailed),
        _ if !*authenticated => refuse(DisconnectReason::ProtocolError),
        AgentMessage::Samples(batch) => {
            s.acked_through = s.acked_through.max(Some(batch.seq));
            Some(ServerMessage::Ack(Ack { through: batch.seq }))
        }
        _ => None,
    }
}
