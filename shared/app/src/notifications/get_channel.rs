use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::ChannelId;
use vigil_domain::notify::Channel;
use vigil_domain::ports::StoreError;

/// Read one channel.
#[derive(Clone, Debug)]
pub struct GetChannel {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Channel.
    pub channel_id: ChannelId,
}

/// Why a channel could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetChannelError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such channel for this tenant.
    #[error("channel not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a channel.
#[tracing::instrument(name = "get_channel", skip_all, fields(tenant = %cmd.actor.tenant_id, channel = %cmd.channel_id))]
pub async fn get_channel(deps: &Deps, cmd: GetChannel, _now: Timestamp) -> Result<Channel, GetChannelError> {
    cmd.actor.require(Action::Read)?;
    deps.stores.channels.get(cmd.actor.tenant_id, cmd.channel_id).await?.ok_or(GetChannelError::NotFound)
}
