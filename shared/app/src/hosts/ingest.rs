//! A batch of samples from an agent: stored once, acknowledged, rolled up as minutes and
//! hours close, and judged by the threshold rules watching the host.

use super::HostError;
use super::alerts::announce;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::Actor;
use vigil_domain::agent::protocol::{Ack, SampleBatch};
use vigil_domain::agent::rollup::{Resolution, coarsen, roll_up};
use vigil_domain::agent::rule::RuleCondition;
use vigil_domain::host::{Which, judge, samples_needed};
use vigil_domain::ids::{AgentId, TenantId};
use vigil_domain::ports::LiveNotice;
use vigil_domain::ports::{Appended, StoreError};

/// A batch from the actor (an agent).
#[derive(Clone, Debug)]
pub struct IngestBatch {
    /// The batch.
    pub batch: SampleBatch,
}

/// Stores the batch unless it is held already (an agent resends what it has not seen
/// acknowledged), and acknowledges every batch up to the highest held. A stored batch whose
/// samples reach a new minute closes the minutes before it: they are rolled up, and the hours
/// closed with them. The threshold rules watching the host are judged at its newest sample, so
/// that a backlog sent after an outage opens and resolves incidents when things happened.
#[tracing::instrument(name = "ingest_batch", skip_all, fields(tenant = %actor.tenant_id, seq = cmd.batch.seq))]
pub async fn ingest_batch(deps: &Deps, actor: &Actor, cmd: IngestBatch, now: Timestamp) -> Result<Ack, HostError> {
    let agent = actor.as_agent().ok_or_else(|| HostError::Conflict("only an agent sends samples".into()))?;
    let tenant = actor.tenant_id;
    let batch = cmd.batch;
    let before = match deps.stores.host_metrics.append_batch(tenant, agent, &batch, now).await {
        Ok(Appended::Stored { before }) => before,
        Ok(Appended::Duplicate { progress }) => return Ok(Ack { through: progress.acked_through.unwrap_or(batch.seq).max(batch.seq) }),
        Err(StoreError::NotFound) => return Err(HostError::NotFound("host")),
        Err(error) => return Err(error.into()),
    };
    let Some(newest) = batch.samples.iter().map(|s| s.at).max() else { return Ok(Ack { through: batch.seq }) };
    if let Some(previous) = before.last_sample_at {
        roll_up_closed(deps, tenant, agent, previous, newest).await?;
    }
    judge_thresholds(deps, tenant, agent, newest.min(now)).await?;
    deps.notify(tenant, LiveNotice::Host(agent));
    Ok(Ack { through: batch.seq })
}

/// Rolls up the minutes from the one holding `previous` (the newest sample before the batch)
/// up to the one holding `newest`, which is still open; and the hours closed with them.
async fn roll_up_closed(deps: &Deps, tenant: TenantId, agent: AgentId, previous: Timestamp, newest: Timestamp) -> Result<(), StoreError> {
    let (from, to) = (Resolution::Minute.bucket_start(previous), Resolution::Minute.bucket_start(newest));
    if from >= to {
        return Ok(());
    }
    let samples = deps.stores.host_metrics.samples(tenant, agent, from, to).await?;
    let minutes = roll_up(&samples, Resolution::Minute);
    deps.stores.host_metrics.put_rollups(tenant, agent, &minutes).await?;
    let (hour_from, hour_to) = (Resolution::Hour.bucket_start(previous), Resolution::Hour.bucket_start(newest));
    if hour_from < hour_to {
        let stored = deps.stores.host_metrics.rollups(tenant, agent, Resolution::Minute, hour_from, hour_to).await?;
        deps.stores.host_metrics.put_rollups(tenant, agent, &coarsen(&stored, Resolution::Hour)).await?;
    }
    Ok(())
}

/// Judges the threshold rules watching the agent's host at `at`, if any does.
async fn judge_thresholds(deps: &Deps, tenant: TenantId, agent: AgentId, at: Timestamp) -> Result<(), HostError> {
    let rules = deps.stores.host_rules.rules_of(tenant, agent).await?;
    if !rules.iter().any(|r| matches!(r.condition, RuleCondition::Threshold(_))) {
        return Ok(());
    }
    let host = deps.stores.hosts.host(tenant, agent).await?.ok_or(HostError::NotFound("host"))?;
    let Some(since) = samples_needed(&host, &rules, at) else { return Ok(()) };
    // Samples at exactly `since` fall outside every window, which is open at its start.
    let samples = deps.stores.host_metrics.samples(tenant, agent, since, at + jiff::SignedDuration::from_millis(1)).await?;
    let watches = deps.stores.host_rules.watches_of(tenant, agent).await?;
    let judged = judge(&host, &rules, &watches, &samples, Which::Thresholds, at);
    announce(deps, &host, judged, at).await?;
    Ok(())
}
