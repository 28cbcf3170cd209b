use crate::Deps;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use vigil_domain::access::{Action, Actor};
use vigil_domain::monitor::MonitorStatus;
use vigil_domain::ports::StoreError;

/// Counts of a tenant's monitors by status.
#[derive(Clone, Debug)]
pub struct TenantSummary {
    /// Who asks, in which organisation.
    pub actor: Actor,
}

/// The counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TenantSummaryView {
    /// All monitors.
    pub total: u64,
    /// Per status, every status present (zero when none).
    pub by_status: BTreeMap<&'static str, u64>,
}

/// Why the summary could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum TenantSummaryError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Counts monitors by status.
#[tracing::instrument(name = "tenant_summary", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn tenant_summary(deps: &Deps, cmd: TenantSummary, _now: Timestamp) -> Result<TenantSummaryView, TenantSummaryError> {
    cmd.actor.require(Action::Read)?;
    let counts = deps.stores.monitors.count_by_status(cmd.actor.tenant_id).await?;
    let by_status: BTreeMap<_, _> = MonitorStatus::ALL.iter().map(|s| (s.as_str(), counts.get(s).copied().unwrap_or(0))).collect();
    Ok(TenantSummaryView { total: by_status.values().sum(), by_status })
}
