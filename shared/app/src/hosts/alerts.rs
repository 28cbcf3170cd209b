//! What a rule that opens or resolves on a host sets in motion: the event that opens or
//! resolves its incident through the incident path, then its new state.

use crate::Deps;
use jiff::Timestamp;
use vigil_domain::events::{DomainEvent, HostAlertChange, HostAlertChanged};
use vigil_domain::host::{Host, HostRule, Judged};
use vigil_domain::ports::StoreError;

/// The event of `rule` on `host` changing as `change` at `at`, for `reason`.
pub(crate) fn alert_event(host: &Host, rule: &HostRule, change: HostAlertChange, at: Timestamp, reason: String) -> DomainEvent {
    DomainEvent::HostAlertChanged(HostAlertChanged {
        tenant_id: host.tenant_id,
        watch_id: rule.watch_id(host.id),
        agent_id: host.id,
        rule_id: rule.id,
        subject_name: rule.subject_name(host),
        tags: host.tags.clone(),
        change,
        at,
        reason,
    })
}

/// Publishes the events of `judged` (rules of `host` judged at `at`), then stores their new
/// states. In that order: if storing fails, the next judgement finds the old state and
/// publishes again, which the incident path takes as a redelivery; a state stored without
/// its event would leave an outage without an incident.
pub(crate) async fn announce(deps: &Deps, host: &Host, judged: Vec<Judged>, at: Timestamp) -> Result<usize, StoreError> {
    if judged.is_empty() {
        return Ok(0);
    }
    let events: Vec<DomainEvent> = judged
        .iter()
        .map(|j| {
            let change = if j.opens() { HostAlertChange::Firing } else { HostAlertChange::Clear };
            alert_event(host, &j.rule, change, at, j.reason.clone())
        })
        .collect();
    deps.events.publish(&events).await?;
    for j in &judged {
        tracing::info!(host = %host.name, rule = %j.rule.name, firing = j.opens(), reason = %j.reason, "a host rule changed");
        deps.stores.host_rules.put_watch(&j.watch).await?;
    }
    Ok(judged.len())
}
