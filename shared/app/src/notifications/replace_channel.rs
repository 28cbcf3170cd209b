use super::create_channel::vet_channel_target;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::ChannelId;
use vigil_domain::notify::{Channel, ChannelDraft, InvalidInput};
use vigil_domain::ports::StoreError;

/// Replace a notification channel, keeping its id (so the alert rules naming it still do).
#[derive(Clone, Debug)]
pub struct ReplaceChannel {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The channel replaced.
    pub channel_id: ChannelId,
    /// What the client sent: the whole channel.
    pub draft: ChannelDraft,
}

/// Why a channel could not be replaced.
#[derive(Debug, thiserror::Error)]
pub enum ReplaceChannelError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
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

/// Validates the draft and stores it in place of the channel. A replacement of the same type
/// that leaves the secret out (the signing secret, credential URL, routing key or phone number,
/// all masked when read) keeps the stored one, so receivers keep verifying a webhook's messages;
/// the creation time is kept too.
#[tracing::instrument(name = "replace_channel", skip_all, fields(tenant = %cmd.actor.tenant_id, channel = %cmd.channel_id))]
pub async fn replace_channel(deps: &Deps, cmd: ReplaceChannel, now: Timestamp) -> Result<Channel, ReplaceChannelError> {
    cmd.actor.require(Action::EditAlerting)?;
    let current = deps.stores.channels.get(cmd.actor.tenant_id, cmd.channel_id).await?.ok_or(ReplaceChannelError::NotFound)?;
    let mut draft = cmd.draft;
    current.config.keep_secret_in(&mut draft);
    let (name, config) = draft.validate(deps.random.secret_bytes())?;
    vet_channel_target(deps, &config)?;
    let before = serde_json::json!({"name": current.name, "config": current.config});
    let channel = Channel { name, config, managed: draft.managed, ..current };
    deps.stores.channels.insert(&channel).await?;
    let after = serde_json::json!({"name": channel.name, "config": channel.config});
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "channel.update",
        "channel",
        channel.id,
        Some(&channel.name),
        before,
        after,
        now,
    )
    .await?;
    Ok(channel)
}
