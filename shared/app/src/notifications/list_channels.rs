use crate::Deps;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::notify::Channel;
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

/// List a tenant's channels.
#[derive(Clone, Debug)]
pub struct ListChannels {
    /// Owner.
    pub tenant_id: TenantId,
    /// Which page.
    pub page: PageRequest,
}

/// Why channels could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ListChannelsError {
    /// Storage failed (including a bad cursor).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists channels, oldest first.
#[tracing::instrument(name = "list_channels", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn list_channels(deps: &Deps, cmd: ListChannels, _now: Timestamp) -> Result<Page<Channel>, ListChannelsError> {
    Ok(deps.stores.channels.list(cmd.tenant_id, &cmd.page).await?)
}
