//! The Docker Engine API (or Podman's compatible one) over its unix socket: containers'
//! state and use, their start/stop/restart, and the agent's own container.

pub mod client;
pub mod containers;
pub mod identity;

pub use client::{DockerClient, DockerError};
pub use containers::ContainerCollector;

use http::Method;
use std::time::Duration;

/// What an action may do to a container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerOperation {
    /// Start it.
    Start,
    /// Stop it.
    Stop,
    /// Restart it.
    Restart,
}

impl ContainerOperation {
    fn path(self, name: &str, stop_seconds: u64) -> String {
        match self {
            ContainerOperation::Start => format!("/containers/{name}/start"),
            ContainerOperation::Stop => format!("/containers/{name}/stop?t={stop_seconds}"),
            ContainerOperation::Restart => format!("/containers/{name}/restart?t={stop_seconds}"),
        }
    }
}

/// The full id of the container named `name` (or with that id).
pub async fn container_id(client: &DockerClient, name: &str) -> Result<String, DockerError> {
    #[derive(serde::Deserialize)]
    struct Id {
        #[serde(rename = "Id")]
        id: String,
    }
    Ok(client.get::<Id>(&format!("/containers/{name}/json")).await?.id)
}

/// Starts, stops or restarts a container within `deadline`; a stop gives the container half of
/// it (ten seconds at most, Docker's default) before the engine kills it. Starting a running
/// container or stopping a stopped one (the engine's 304) is done.
pub async fn operate(client: &DockerClient, name: &str, operation: ContainerOperation, deadline: Duration) -> Result<(), DockerError> {
    let stop_seconds = (deadline.as_secs() / 2).clamp(1, 10);
    match client.call_within(Method::POST, &operation.path(name, stop_seconds), deadline).await {
        Ok(_) => Ok(()),
        Err(DockerError::Status { status, .. }) if status == http::StatusCode::NOT_MODIFIED => Ok(()),
        Err(e) => Err(e),
    }
}
