use super::create_channel::vet_channel_target;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::{ChannelId, TenantId};
use vigil_domain::notify::{Channel, ChannelConfig, ChannelDraft, InvalidInput};
use vigil_domain::ports::StoreError;

/// Replace a notification channel, keeping its id (so the alert rules naming it still do).
#[derive(Clone, Debug)]
pub struct ReplaceChannel {
    /// Owner.
    pub tenant_id: TenantId,
    /// The channel replaced.
    pub channel_id: ChannelId,
    /// What the client sent: the whole channel.
    pub draft: ChannelDraft,
}

/// Why a channel could not be replaced.
#[derive(Debug, thiserror::Error)]
pub enum ReplaceChannelError {
    /// No such channel for this tenant.
    #[error("channel not found")]
    NotFound,
    /// The draft broke validation rules.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates the draft and stores it in place of the channel. A webhook replaced by a webhook
/// without a `secret` keeps its signing secret, so receivers keep verifying its messages; the
/// creation time is kept too.
#[tracing::instrument(name = "replace_channel", skip_all, fields(tenant = %cmd.tenant_id, channel = %cmd.channel_id))]
pub async fn replace_channel(deps: &Deps, cmd: ReplaceChannel, _now: Timestamp) -> Result<Channel, ReplaceChannelError> {
    let current = deps.stores.channels.get(cmd.tenant_id, cmd.channel_id).await?.ok_or(ReplaceChannelError::NotFound)?;
    let (name, mut config) = cmd.draft.validate(deps.random.secret_bytes())?;
    if cmd.draft.secret.is_none()
        && let (ChannelConfig::Webhook { secret, .. }, ChannelConfig::Webhook { secret: kept, .. }) = (&mut config, &current.config)
    {
        *secret = kept.clone();
    }
    vet_channel_target(deps, &config)?;
    let channel = Channel { name, config, managed: cmd.draft.managed, ..current };
    deps.stores.channels.insert(&channel).await?;
    Ok(channel)
}
