//! Opens the WebSocket: TCP (and TLS for `wss://`) by the agent's own means, then the
//! WebSocket handshake over it, each step under a deadline.

use anyhow::{Context, anyhow};
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use url::Url;
use vigil_domain::agent::protocol::MAX_MESSAGE_BYTES;

/// A plain or TLS stream.
pub trait Transport: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Transport for T {}

/// The open WebSocket.
pub type Socket = WebSocketStream<Box<dyn Transport>>;

/// Connects to `url` (`ws://` or `wss://`) within `deadline`.
pub async fn open(url: &Url, tls: &Arc<ClientConfig>, deadline: Duration) -> anyhow::Result<Socket> {
    tokio::time::timeout(deadline, async {
        let host = url.host_str().ok_or_else(|| anyhow!("{url} has no host"))?;
        let port = url.port_or_known_default().ok_or_else(|| anyhow!("{url} has no port"))?;
        let tcp = TcpStream::connect((host.trim_start_matches('[').trim_end_matches(']'), port))
            .await
            .with_context(|| format!("connecting to {host}:{port}"))?;
        tcp.set_nodelay(true)?;
        let stream: Box<dyn Transport> = if url.scheme() == "wss" {
            let name = ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']').to_owned())?;
            let connector = tokio_rustls::TlsConnector::from(tls.clone());
            Box::new(connector.connect(name, tcp).await.with_context(|| format!("TLS with {host}"))?)
        } else {
            Box::new(tcp)
        };
        let config = WebSocketConfig::default().max_message_size(Some(MAX_MESSAGE_BYTES)).max_frame_size(Some(MAX_MESSAGE_BYTES));
        let (socket, _response) =
            tokio_tungstenite::client_async_with_config(url.as_str(), stream, Some(config)).await.context("the WebSocket handshake")?;
        Ok(socket)
    })
    .await
    .map_err(|_| anyhow!("no connection to {url} within {deadline:?}"))?
}
