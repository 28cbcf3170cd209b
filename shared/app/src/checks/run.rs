use crate::Deps;
use crate::monitors::status_event;
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use vigil_domain::check::{CheckResult, FailureArtefact};
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::{MonitorHealth, MonitorRecord, MonitorStatus, StatusTransition, TransitionCause};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::{CheckRecord, ClaimedCheck, HealthUpdate, RecordOutcome, StoreError};
use vigil_domain::probe::ProbeRequest;

/// Run one check of one monitor.
#[derive(Clone, Copy, Debug)]
pub struct RunCheck {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// When the check was planned to start; with the monitor it identifies the check, so a
    /// redelivered job is recognised.
    pub planned_at: Timestamp,
    /// A scheduled check skips a paused monitor; a manual one runs it but leaves it paused.
    pub manual: bool,
}

/// What running a check did.
#[derive(Clone, Debug, PartialEq)]
pub enum RunCheckOutcome {
    /// The check ran and was stored (or had already been stored by an earlier delivery).
    Ran(Box<CheckRun>),
    /// The monitor no longer exists.
    MonitorGone,
    /// The monitor is paused and the check was scheduled.
    MonitorPaused,
}

/// A check that ran.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckRun {
    /// The result.
    pub result: CheckResult,
    /// The monitor's health afterwards.
    pub health: MonitorHealth,
    /// The status change it caused, if any.
    pub transition: Option<StatusTransition>,
    /// Whether this delivery stored it or an earlier one had.
    pub duplicate: bool,
    /// Whether the status change's event, if there is one, was accepted by the event transport.
    /// `false` means it must be published again: delivering the same check again does that.
    pub event_published: bool,
}

/// Why a check could not be completed.
#[derive(Debug, thiserror::Error)]
pub enum RunCheckError {
    /// Storage failed; the check should be retried.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The probe of a monitor's check, within this deployment's limits.
pub(crate) fn probe_request(deps: &Deps, spec: &vigil_domain::monitor::HttpMonitorSpec) -> ProbeRequest {
    ProbeRequest {
        url: spec.url.clone(),
        method: spec.method,
        headers: spec.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        body: spec.body.clone(),
        timeout: spec.timeout,
        follow_redirects: spec.follow_redirects,
        verify_tls: spec.verify_tls,
        body_cap: deps.settings.body_cap,
        network_policy: deps.settings.network_policy,
    }
}

/// Probes the monitor, judges the response, computes its next health and stores the result and
/// the health change together; publishes the status change, if any, and keeps an artefact of a
/// failing response that changed the monitor's health.
///
/// `now` is when the check starts. Idempotent: running the same (monitor, planned time) twice
/// stores one result and one transition, and publishes the transition again (consumers dedupe
/// by the event's idempotency key), so an event lost between the write and the publish is
/// recovered by redelivery.
#[tracing::instrument(name = "run_check", skip_all, fields(tenant = %cmd.tenant_id, monitor = %cmd.monitor_id))]
pub async fn run_check(deps: &Deps, cmd: RunCheck, now: Timestamp) -> Result<RunCheckOutcome, RunCheckError> {
    let Some(record) = deps.stores.monitors.get(cmd.tenant_id, cmd.monitor_id).await? else {
        return Ok(RunCheckOutcome::MonitorGone);
    };
    run_check_on(deps, record, cmd, now).await
}

/// [`run_check`] of a check a scheduler claimed: on the monitor the claim read, if it did
/// (saving a read per check), else on a fresh read. `manual` is false.
pub async fn run_claimed_check(deps: &Deps, claimed: ClaimedCheck, now: Timestamp) -> Result<RunCheckOutcome, RunCheckError> {
    let check = claimed.check;
    let cmd = RunCheck { tenant_id: check.tenant_id, monitor_id: check.monitor_id, planned_at: check.planned_at, manual: false };
    match claimed.monitor {
        Some(record) => run_check_on(deps, Arc::unwrap_or_clone(record), cmd, now).await,
        None => run_check(deps, cmd, now).await,
    }
}

/// [`run_check`] on a monitor the caller has just read, so that a caller that needed the record
/// first (a prober vetting a queued job entry) does not read it twice.
pub(crate) async fn run_check_on(
    deps: &Deps,
    mut record: MonitorRecord,
    cmd: RunCheck,
    now: Timestamp,
) -> Result<RunCheckOutcome, RunCheckError> {
    if record.health.status == MonitorStatus::Paused && !cmd.manual {
        return Ok(RunCheckOutcome::MonitorPaused);
    }
    let spec = &record.monitor.spec;
    let report = deps.prober.probe(&probe_request(deps, spec)).await;
    let result = CheckResult::from_report(cmd.tenant_id, cmd.monitor_id, spec, cmd.planned_at, now, &report);
    let finished_at = vigil_domain::time::to_millis(now + SignedDuration::try_from(result.timings.total).unwrap_or_default());
    let artefact = FailureArtefact::of(&result, spec, &report);

    for _ in 0..crate::CONFLICT_ATTEMPTS {
        let health_update = health_update(&record, &result, finished_at);
        if let (Some(artefact), Some(_)) = (&artefact, &health_update) {
            // An artefact is best effort: losing it must not lose the check.
            if let Err(error) = deps.stores.artefacts.put(artefact).await {
                tracing::warn!(%error, "storing a failure artefact failed");
            }
        }
        // A scheduled check that changed nothing but history has no one waiting on its flush.
        let patient = !cmd.manual && health_update.is_none();
        let check_record = CheckRecord { result: result.clone(), health: health_update.clone(), patient };
        let outcome = deps.stores.checks.record(std::slice::from_ref(&check_record)).await?;
        match outcome.first().copied().unwrap_or(RecordOutcome::Recorded) {
            RecordOutcome::Recorded => {
                deps.notify(cmd.tenant_id, LiveNotice::Checked(cmd.monitor_id));
                let health = health_update.as_ref().map_or(record.health, |u| u.health);
                let transition = health_update.and_then(|u| u.transition);
                let published = publish_transition(deps, &record, transition.as_ref(), &result).await;
                return Ok(ran(result, health, transition, false, published));
            }
            RecordOutcome::Duplicate => {
                let transition = deps.stores.transitions.caused_by(cmd.tenant_id, cmd.monitor_id, result.id).await?;
                let published = match &transition {
                    // The event describes the check as first stored, not this rerun of it.
                    Some(_) => {
                        let stored = deps.stores.checks.get(cmd.tenant_id, cmd.monitor_id, result.id).await?;
                        publish_transition(deps, &record, transition.as_ref(), stored.as_ref().unwrap_or(&result)).await
                    }
                    None => true,
                };
                let health = deps.stores.monitors.get(cmd.tenant_id, cmd.monitor_id).await?.map_or(record.health, |r| r.health);
                return Ok(ran(result, health, transition, true, published));
            }
            RecordOutcome::MonitorGone => return Ok(RunCheckOutcome::MonitorGone),
            RecordOutcome::HealthConflict => match deps.stores.monitors.get(cmd.tenant_id, cmd.monitor_id).await? {
                Some(fresh) => record = fresh,
                None => return Ok(RunCheckOutcome::MonitorGone),
            },
        }
    }
    Err(StoreError::Conflict.into())
}

fn ran(
    result: CheckResult,
    health: MonitorHealth,
    transition: Option<StatusTransition>,
    duplicate: bool,
    event_published: bool,
) -> RunCheckOutcome {
    RunCheckOutcome::Ran(Box::new(CheckRun { result, health, transition, duplicate, event_published }))
}

/// The health change the result causes, if any. A probe error changes nothing.
fn health_update(record: &MonitorRecord, result: &CheckResult, at: Timestamp) -> Option<HealthUpdate> {
    let verdict = result.outcome.verdict()?;
    let change = record.health.apply(verdict, record.monitor.spec.thresholds, at);
    if !change.is_change(&record.health) {
        return None;
    }
    let transition = change.transitioned_from.map(|from| StatusTransition {
        tenant_id: result.tenant_id,
        monitor_id: result.monitor_id,
        from,
        to: change.next.status,
        at,
        cause: TransitionCause::Check { check_id: result.id, outcome: result.outcome.clone() },
    });
    Some(HealthUpdate { expected_version: record.health.version, health: change.next, transition })
}

/// Publishes the transition's event, caused by `check`; `false` if that failed.
async fn publish_transition(deps: &Deps, record: &MonitorRecord, transition: Option<&StatusTransition>, check: &CheckResult) -> bool {
    let Some(transition) = transition else { return true };
    // The transition is stored; a failed publish is logged and reported, and a redelivery of the
    // same check publishes it again.
    match deps.events.publish(&[status_event(record, transition, Some(check))]).await {
        Ok(()) => true,
        Err(error) => {
            tracing::error!(%error, "publishing a status change failed");
            false
        }
    }
}
