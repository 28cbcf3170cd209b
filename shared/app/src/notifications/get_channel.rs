use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{ChannelId, TenantId};
use vigil_domain::notify::Channel;
use vigil_domain::ports::StoreError;

/// Read one channel.
#[derive(Clone, Copy, Debug)]
pub struct GetChannel {
    /// Owner.
    pub tenant_id: TenantId,
    /// Channel.
    pub channel_id: ChannelId,
}

/// Why a channel could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetChannelError {
    /// No such channel for this tenant.
    #[error("channel not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a channel.
#[tracing::instrument(name = "get_channel", skip_all, fields(tenant = %cmd.tenant_id, channel = %cmd.channel_id))]
pub async fn get_channel(deps: &Deps, cmd: GetChannel, _now: Timestamp) -> Result<Channel, GetChannelError> {
    deps.stores.channels.get(cmd.tenant_id, cmd.channel_id).await?.ok_or(GetChannelError::NotFound)
}
