use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::notify::Channel;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List a tenant's channels.
#[derive(Clone, Debug)]
pub struct ListChannels {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Which page.
    pub page: PageRequest,
}

/// Why channels could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListChannelsError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists channels, oldest first.
#[tracing::instrument(name = "list_channels", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn list_channels(deps: &Deps, cmd: ListChannels, _now: Timestamp) -> Result<Page<Channel>, ListChannelsError> {
    cmd.actor.require(Action::Read)?;
    Ok(deps.stores.channels.list(cmd.actor.tenant_id, &cmd.page).await?)
}
