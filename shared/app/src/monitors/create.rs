use super::target_policy::vet_target;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::MonitorId;
use vigil_domain::monitor::{HttpMonitor, HttpMonitorSpec, MonitorDraft, MonitorHealth, MonitorRecord, SpecErrors};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::StoreError;

/// Create a monitor from a client's draft.
#[derive(Clone, Debug)]
pub struct CreateMonitor {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// What the client sent.
    pub draft: MonitorDraft,
}

/// Why a monitor could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateMonitorError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// The draft broke validation rules.
    #[error(transparent)]
    Invalid(#[from] SpecErrors),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates and stores a new monitor. Its first check is due within a few seconds (spread by its
/// id, so that a bulk import does not come due in one burst), later ones on its phase.
#[tracing::instrument(name = "create_monitor", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn create_monitor(deps: &Deps, cmd: CreateMonitor, now: Timestamp) -> Result<MonitorRecord, CreateMonitorError> {
    cmd.actor.require(Action::EditMonitors)?;
    let spec = HttpMonitorSpec::from_draft(&cmd.draft)?;
    vet_target(deps.settings.network_policy, &spec.url).map_err(|e| SpecErrors(vec![e]))?;
    let monitor = HttpMonitor {
        id: MonitorId::from_uuid(deps.random.new_id(now)),
        tenant_id: cmd.actor.tenant_id,
        spec,
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    let first_check = monitor.spec.interval.first_check_at(monitor.id, now, deps.settings.first_check_within);
    let record = MonitorRecord { monitor, health: MonitorHealth::pending(now), next_due_at: Some(first_check) };
    deps.stores.monitors.insert(&record).await?;
    deps.notify(cmd.actor.tenant_id, LiveNotice::Monitor(record.monitor.id));
    let after = crate::accounts::audit_trail::snapshot(&record.monitor.spec.to_draft());
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "monitor.create",
        "monitor",
        record.monitor.id,
        Some(&record.monitor.spec.name),
        serde_json::Value::Null,
        after,
        now,
    )
    .await?;
    Ok(record)
}
