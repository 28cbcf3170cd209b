use crate::Deps;
use crate::monitors::target_policy::vet_target;
use jiff::Timestamp;
use vigil_domain::ids::{ChannelId, TenantId};
use vigil_domain::notify::{Channel, ChannelConfig, ChannelDraft, InvalidInput};
use vigil_domain::ports::StoreError;

/// Create a notification channel.
#[derive(Clone, Debug)]
pub struct CreateChannel {
    /// Owner.
    pub tenant_id: TenantId,
    /// What the client sent.
    pub draft: ChannelDraft,
}

/// Why a channel could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateChannelError {
    /// The draft broke validation rules.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates and stores a channel; a webhook without a secret gets a random 256-bit one. Under
/// the `public-only` network policy, a URL naming a private address is refused, as for monitors.
#[tracing::instrument(name = "create_channel", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn create_channel(deps: &Deps, cmd: CreateChannel, now: Timestamp) -> Result<Channel, CreateChannelError> {
    let (name, config) = cmd.draft.validate(deps.random.secret_bytes())?;
    vet_channel_target(deps, &config)?;
    let id = ChannelId::from_uuid(deps.random.new_id(now));
    let channel = Channel { id, tenant_id: cmd.tenant_id, name, config, created_at: now, managed: cmd.draft.managed };
    deps.stores.channels.insert(&channel).await?;
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
