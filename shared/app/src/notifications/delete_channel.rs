use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{ChannelId, TenantId};
use vigil_domain::ports::StoreError;

/// Delete a channel.
#[derive(Clone, Copy, Debug)]
pub struct DeleteChannel {
    /// Owner.
    pub tenant_id: TenantId,
    /// Channel.
    pub channel_id: ChannelId,
}

/// Why a channel could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteChannelError {
    /// No such channel for this tenant.
    #[error("channel not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Deletes a channel. Rules naming it skip it from then on; its pending deliveries fail.
#[tracing::instrument(name = "delete_channel", skip_all, fields(tenant = %cmd.tenant_id, channel = %cmd.channel_id))]
pub async fn delete_channel(deps: &Deps, cmd: DeleteChannel, _now: Timestamp) -> Result<(), DeleteChannelError> {
    if deps.stores.channels.delete(cmd.tenant_id, cmd.channel_id).await? { Ok(()) } else { Err(DeleteChannelError::NotFound) }
}
