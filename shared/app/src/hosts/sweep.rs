//! Hosts that stopped reporting: the silence rules, judged as time passes (by the sweeper,
//! self-hosted every few seconds, on AWS every minute).

use super::HostError;
use super::alerts::announce;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::host::{Which, judge};

/// What a sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweptHosts {
    /// Hosts watched by a silence rule.
    pub watched: usize,
    /// Rules that opened or resolved.
    pub changed: usize,
}

/// Judges every silence rule on every host of every organisation at `now`: a host silent for
/// longer than a rule allows opens an incident, one reporting again resolves it.
#[tracing::instrument(name = "sweep_silent_hosts", skip_all)]
pub async fn sweep_silent_hosts(deps: &Deps, now: Timestamp) -> Result<SweptHosts, HostError> {
    let mut swept = SweptHosts::default();
    for tenant in deps.stores.organisations.tenants().await? {
        let rules: Vec<_> = deps.stores.host_rules.rules(tenant.id).await?.into_iter().filter(|r| r.is_silence()).collect();
        if rules.is_empty() {
            continue;
        }
        let watches = deps.stores.host_rules.watches(tenant.id).await?;
        for host in deps.stores.hosts.hosts(tenant.id).await?.into_iter().filter(|h| h.revoked_at.is_none()) {
            if !rules.iter().any(|r| r.watches(&host)) {
                continue;
            }
            swept.watched += 1;
            let judged = judge(&host, &rules, &watches, &[], Which::Silences, now);
            swept.changed += announce(deps, &host, judged, now).await?;
        }
    }
    Ok(swept)
}
