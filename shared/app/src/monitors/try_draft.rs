use super::target_policy::vet_target;
use crate::Deps;
use crate::checks::probe_request;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::check::{CheckOutcome, judge};
use vigil_domain::monitor::{HttpMonitorSpec, MonitorDraft, SpecErrors};
use vigil_domain::probe::ProbeReport;
use vigil_domain::trial::{AssertionTrial, judge_each};

/// Run one check of a monitor that is not saved, as the form shows it.
#[derive(Clone, Debug)]
pub struct TryMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The monitor as typed so far.
    pub draft: MonitorDraft,
}

/// What one check of the draft found.
#[derive(Clone, Debug)]
pub struct MonitorTrial {
    /// How the check would have ended.
    pub outcome: CheckOutcome,
    /// The response's status, if one came back.
    pub status_code: Option<u16>,
    /// The whole check's time.
    pub response_time: std::time::Duration,
    /// Each assertion judged on its own.
    pub assertions: Vec<AssertionTrial>,
}

/// Why the draft could not be tried.
#[derive(Debug, thiserror::Error)]
pub enum TryMonitorError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// The draft is not a valid monitor (every field's error).
    #[error(transparent)]
    Invalid(#[from] SpecErrors),
}

/// Probes the draft's target once and judges the answer as a scheduled check would, each
/// assertion on its own; nothing is stored.
#[tracing::instrument(name = "try_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn try_monitor(deps: &Deps, cmd: TryMonitor, _now: Timestamp) -> Result<MonitorTrial, TryMonitorError> {
    // Trying sends requests from this deployment, as saving a monitor would.
    cmd.actor.require(Action::EditMonitors)?;
    let spec = HttpMonitorSpec::from_draft(&cmd.draft)?;
    vet_target(deps.settings.network_policy, &spec.url).map_err(|e| SpecErrors(vec![e]))?;
    let report = deps.prober.probe(&probe_request(deps, &spec)).await;
    let (status_code, response_time) = match &report {
        ProbeReport::Responded { response, timings, .. } => (Some(response.status), timings.total),
        ProbeReport::Unreachable { timings, .. } => (None, timings.total),
        ProbeReport::ProbeError { .. } => (None, std::time::Duration::ZERO),
    };
    Ok(MonitorTrial { outcome: judge(&spec, &report), status_code, response_time, assertions: judge_each(&spec, &report) })
}
