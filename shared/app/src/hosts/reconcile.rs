//! After a crash: incidents of host rules that a lost event left open or never opened.

use super::alerts::alert_event;
use crate::Deps;
use crate::incidents::{HandleEvent, HandleEventError, handle_event};
use jiff::Timestamp;
use vigil_domain::agent::rule::RuleStatus;
use vigil_domain::events::HostAlertChange;
use vigil_domain::incident::IncidentSubject;

/// Every host rule whose stored state disagrees with its incidents (firing without an ongoing
/// incident, clear with one) has its last change handled again, through the incident path.
/// Self-hosted, where events travel in memory, this runs at start; returns how many it fixed.
#[tracing::instrument(name = "reconcile_host_alerts", skip_all)]
pub async fn reconcile_host_alerts(deps: &Deps, now: Timestamp) -> Result<usize, HandleEventError> {
    let mut fixed = 0;
    for tenant in deps.stores.organisations.tenants().await? {
        let watches = deps.stores.host_rules.watches(tenant.id).await?;
        if watches.is_empty() {
            continue;
        }
        let rules = deps.stores.host_rules.rules(tenant.id).await?;
        for watch in watches {
            let (Some(rule), Some(host)) =
                (rules.iter().find(|r| r.id == watch.rule_id), deps.stores.hosts.host(tenant.id, watch.agent_id).await?)
            else {
                continue;
            };
            let ongoing = deps.stores.incidents.ongoing(tenant.id, IncidentSubject::Host(rule.watch_id(host.id))).await?.is_some();
            let change = match (watch.state.status, ongoing) {
                (RuleStatus::Firing, false) if host.revoked_at.is_none() => HostAlertChange::Firing,
                (RuleStatus::Clear, true) => HostAlertChange::Clear,
                _ => continue,
            };
            let event = alert_event(&host, rule, change, watch.state.since, "as stored before Vigil restarted".into());
            handle_event(deps, HandleEvent { event }, now).await?;
            fixed += 1;
        }
    }
    Ok(fixed)
}
