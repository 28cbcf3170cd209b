use crate::Deps;
use jiff::Timestamp;
use serde::Serialize;
use vigil_domain::access::{Action, Actor};
use vigil_domain::check::{CheckResult, FailureArtefact};
use vigil_domain::ids::{CheckId, MonitorId};
use vigil_domain::ports::StoreError;

/// Read one check with its failure artefact.
#[derive(Clone, Debug)]
pub struct GetCheck {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Check.
    pub check_id: CheckId,
}

/// A check and what its failing response looked like.
#[derive(Clone, Debug, Serialize)]
pub struct CheckDetail {
    /// The result.
    pub result: CheckResult,
    /// The failing response, if one was kept.
    pub artefact: Option<FailureArtefact>,
}

/// Why a check could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetCheckError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such check.
    #[error("check not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a check and its artefact.
#[tracing::instrument(name = "get_check", skip_all, fields(tenant = %cmd.actor.tenant_id, monitor = %cmd.monitor_id, check = %cmd.check_id))]
pub async fn get_check(deps: &Deps, cmd: GetCheck, _now: Timestamp) -> Result<CheckDetail, GetCheckError> {
    cmd.actor.require(Action::Read)?;
    let result = deps.stores.checks.get(cmd.actor.tenant_id, cmd.monitor_id, cmd.check_id).await?.ok_or(GetCheckError::NotFound)?;
    let artefact = deps.stores.artefacts.get(cmd.actor.tenant_id, cmd.monitor_id, cmd.check_id).await?;
    Ok(CheckDetail { result, artefact })
}
