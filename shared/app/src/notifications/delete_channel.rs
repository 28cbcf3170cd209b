use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::ChannelId;
use vigil_domain::ports::StoreError;

/// Delete a channel.
#[derive(Clone, Debug)]
pub struct DeleteChannel {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Channel.
    pub channel_id: ChannelId,
}

/// Why a channel could not be deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteChannelError {
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

/// Deletes a channel. Rules naming it skip it from then on; its pending deliveries fail.
#[tracing::instrument(name = "delete_channel", skip_all, fields(tenant = %cmd.actor.tenant_id, channel = %cmd.channel_id))]
pub async fn delete_channel(deps: &Deps, cmd: DeleteChannel, now: Timestamp) -> Result<(), DeleteChannelError> {
    cmd.actor.require(Action::EditAlerting)?;
    let name = deps.stores.channels.get(cmd.actor.tenant_id, cmd.channel_id).await?.map(|c| c.name);
    if !deps.stores.channels.delete(cmd.actor.tenant_id, cmd.channel_id).await? {
        return Err(DeleteChannelError::NotFound);
    }
    Ok(crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "channel.delete",
        "channel",
        cmd.channel_id,
        name.as_deref(),
        serde_json::Value::Null,
        serde_json::Value::Null,
        now,
    )
    .await?)
}
