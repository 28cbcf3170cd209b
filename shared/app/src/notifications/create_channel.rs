use crate::Deps;
use crate::monitors::target_policy::vet_target;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::ChannelId;
use vigil_domain::notify::{Channel, ChannelConfig, ChannelDraft, InvalidInput};
use vigil_domain::ports::StoreError;

/// Create a notification channel.
#[derive(Clone, Debug)]
pub struct CreateChannel {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// What the client sent.
    pub draft: ChannelDraft,
}

/// Why a channel could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateChannelError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// The draft broke validation rules.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates and stores a channel; a webhook without a secret gets a random 256-bit one. Under
/// the `public-only` network policy, a URL naming a private address is refused, as for monitors.
#[tracing::instrument(name = "create_channel", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn create_channel(deps: &Deps, cmd: CreateChannel, now: Timestamp) -> Result<Channel, CreateChannelError> {
    cmd.actor.require(Action::EditAlerting)?;
    let (name, config) = cmd.draft.validate(deps.random.secret_bytes())?;
    vet_channel_target(deps, &config)?;
    let id = ChannelId::from_uuid(deps.random.new_id(now));
    let channel = Channel { id, tenant_id: cmd.actor.tenant_id, name, config, created_at: now, managed: cmd.draft.managed };
    deps.stores.channels.insert(&channel).await?;
    let after = crate::accounts::audit_trail::snapshot(&channel.config);
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "channel.create",
        "channel",
        id,
        Some(&channel.name),
        serde_json::Value::Null,
        after,
        now,
    )
    .await?;
    Ok(channel)
}

/// Refuses a channel URL the network policy forbids.
pub(super) fn vet_channel_target(deps: &Deps, config: &ChannelConfig) -> Result<(), InvalidInput> {
    let url = match config {
        ChannelConfig::Webhook { url, .. } => Some(url.clone()),
        ChannelConfig::Slack { url } | ChannelConfig::Discord { url } | ChannelConfig::Teams { url } => url::Url::parse(&url.0).ok(),
        _ => None,
    };
    match url {
        Some(url) => vet_target(deps.settings.network_policy, &url).map_err(|e| InvalidInput(vec![e])),
        None => Ok(()),
    }
}
