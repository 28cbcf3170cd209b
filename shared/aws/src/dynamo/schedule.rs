use super::DynamoStore;
use super::keys::{DUE_AT, DUE_SHARDS, MONITOR_DUE_SHARD_PREFIX, MONITOR_SK_PREFIX, PK, SK, TENANT_PK_PREFIX};
use super::monitor_item::{INTERVAL, monitor_key};
use super::schedule_cursor::{CursorMark, JOINS_PER_TRANSACTION, Joins, cursor_tenant, is_cursor, may_join};
use super::toolkit::attributes::{ItemExt, key_suffix, n};
use super::toolkit::due_index::DueBy;
use super::toolkit::errors::decode;
use super::toolkit::update::Update;
use async_trait::async_trait;
use futures::StreamExt;
use jiff::Timestamp;
use std::collections::HashMap;
use vigil_domain::ids::TenantId;
use vigil_domain::monitor::CheckInterval;
use vigil_domain::monitor::schedule::{Allotment, DueMonitor, allot_slots};
use vigil_domain::ports::{CheckSchedule, DueCheck, StoreError};

/// Claim writes in flight at once.
const CLAIM_CONCURRENCY: usize = 16;

/// What the due-index shows due: monitors with a due time of their own, and tenants' cursors.
#[derive(Default)]
struct Due {
    monitors: Vec<DueMonitor>,
    cursors: Vec<TenantId>,
}

impl DynamoStore {
    /// The earliest `limit` monitors and cursors of each shard due before `until`, earliest first.
    async fn due(&self, until: Timestamp, limit: usize) -> Result<Due, StoreError> {
        let mut due = Due::default();
        for (due_ms, item) in self.due_in_shards(MONITOR_DUE_SHARD_PREFIX, DUE_SHARDS, DueBy::Before(until), limit).await? {
            if is_cursor(&item) {
                due.cursors.push(cursor_tenant(&item)?);
                continue;
            }
            let monitor = (|| {
                Ok::<_, anyhow::Error>(DueMonitor {
                    tenant_id: key_suffix(&item, PK, TENANT_PK_PREFIX)?,
                    monitor_id: key_suffix(&item, SK, MONITOR_SK_PREFIX)?,
                    interval: CheckInterval::from_seconds(item.number(INTERVAL)?).map_err(anyhow::Error::msg)?,
                    due_at: Timestamp::from_millisecond(due_ms)?,
                })
            })()
            .map_err(decode)?;
            due.monitors.push(monitor);
        }
        Ok(due)
    }

    /// The cursor of each tenant of `claims`, read once; a tenant without one gets one at the
    /// earliest slot its claims leave, so that they can all join it.
    async fn cursors_for(&self, claims: &[Allotment]) -> Result<HashMap<TenantId, CursorMark>, StoreError> {
        let mut earliest: HashMap<TenantId, Timestamp> = HashMap::new();
        for claim in claims {
            let at = earliest.entry(claim.monitor.tenant_id).or_insert(claim.next_due_at);
            *at = (*at).min(claim.next_due_at);
        }
        let mut marks = HashMap::new();
        for (tenant, at) in earliest {
            let mark = match self.schedule_cursor(tenant).await? {
                Some(mark) => mark,
                None => self.start_schedule_cursor(tenant, at).await?,
            };
            marks.insert(tenant, mark);
        }
        Ok(marks)
    }

    /// Claims a tenant's monitors, moving them onto the cursor at `mark` in the claims' writes:
    /// one transaction per [`JOINS_PER_TRANSACTION`], one after another (each bumps the
    /// cursor's version). A monitor that moved first is left out and the rest written again; if
    /// the cursor moved, the monitors are claimed on their own.
    async fn claim_onto_cursor(&self, claims: Vec<Allotment>, mark: CursorMark) -> Vec<Result<(Allotment, bool), StoreError>> {
        let mut outcomes = Vec::with_capacity(claims.len());
        for chunk in claims.chunks(JOINS_PER_TRANSACTION) {
            let mut batch = chunk.to_vec();
            while !batch.is_empty() {
                match self.claim_and_join(&batch, mark).await {
                    Ok(Joins::Joined) => outcomes.extend(batch.drain(..).map(|claim| Ok((claim, true)))),
                    Ok(Joins::Lost(lost)) => {
                        let (gone, rest): (Vec<_>, Vec<_>) = batch.drain(..).enumerate().partition(|(i, _)| lost.contains(i));
                        outcomes.extend(gone.into_iter().map(|(_, claim)| Ok((claim, false))));
                        batch = rest.into_iter().map(|(_, claim)| claim).collect();
                    }
                    Ok(Joins::CursorMoved) => {
                        for claim in batch.drain(..) {
                            let won = self.advance(&claim).await;
                            outcomes.push(won.map(|won| (claim, won)));
                        }
                    }
                    // Not handed out: the monitors stay due, unless the write landed and only its
                    // answer was lost, when their slots before the cursor are lost, as any claim's
                    // are whose answer is lost (see docs/aws.md, "Scheduling").
                    Err(error) => {
                        outcomes.push(Err(error));
                        outcomes.extend(batch.drain(..).map(|claim| Ok((claim, false))));
                    }
                }
            }
        }
        outcomes
    }

    /// Moves a monitor's due time from what the index showed to `claim.next_due_at`, only if it still
    /// is what the index showed (and the interval is unchanged): the write that makes a claim
    /// exclusive. `false` if another claimer, or an edit, got there first.
    async fn advance(&self, claim: &Allotment) -> Result<bool, StoreError> {
        let c = &claim.monitor;
        let mut update = Update::default();
        update.set(DUE_AT, n(claim.next_due_at.as_millisecond()));
        update.require_equal(DUE_AT, n(c.due_at.as_millisecond())).require_equal(INTERVAL, n(c.interval.seconds()));
        self.update_item(monitor_key(c.tenant_id, c.monitor_id), update, "claiming a due check").await
    }
}

/// Splits claims into those that join their tenant's cursor (with the cursor's mark) and those
/// claimed on their own this time.
fn joins(claims: Vec<Allotment>, marks: &HashMap<TenantId, CursorMark>) -> (Vec<(CursorMark, Vec<Allotment>)>, Vec<Allotment>) {
    let mut joining: HashMap<TenantId, (CursorMark, Vec<Allotment>)> = HashMap::new();
    let mut alone = Vec::new();
    for claim in claims {
        let tenant = claim.monitor.tenant_id;
        match marks.get(&tenant) {
            Some(mark) if may_join(*mark, claim.next_due_at) => {
                joining.entry(tenant).or_insert_with(|| (*mark, Vec::new())).1.push(claim);
            }
            _ => alone.push(claim),
        }
    }
    (joining.into_values().collect(), alone)
}

#[async_trait]
impl CheckSchedule for DynamoStore {
    async fn claim_due(&self, now: Timestamp, until: Timestamp, limit: usize) -> Result<Vec<DueCheck>, StoreError> {
        self.claim_ahead(now, until, until, limit).await
    }

    /// Monitors with a due time of their own are claimed first, each moving onto its tenant's
    /// cursor in the claim's write where it may; then the cursors due are advanced with what is
    /// left of `limit`.
    async fn claim_ahead(
        &self,
        now: Timestamp,
        lead_until: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<DueCheck>, StoreError> {
        let lead_until = lead_until.min(until);
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Slots are allotted before writing, earliest monitors first, so `limit` bounds the
        // claim as in the port; a monitor whose claim write loses yields nothing.
        let due = self.due(lead_until, limit).await?;
        let claims = allot_slots(due.monitors, now, until, limit);
        let marks = self.cursors_for(&claims).await?;
        let (joining, alone) = joins(claims, &marks);

        let chains = futures::stream::iter(joining.into_iter().map(|(mark, chain)| self.claim_onto_cursor(chain, mark)))
            .buffer_unordered(CLAIM_CONCURRENCY)
            .flat_map(futures::stream::iter);
        let singles = futures::stream::iter(alone.into_iter().map(|claim| async move {
            let won = self.advance(&claim).await?;
            Ok::<_, StoreError>((claim, won))
        }))
        .buffer_unordered(CLAIM_CONCURRENCY);
        let mut outcomes = std::pin::pin!(chains.chain(singles));
        let mut claimed = Vec::new();
        let mut first_error = None;
        while let Some(outcome) = outcomes.next().await {
            match outcome {
                Ok((claim, true)) => claimed.extend(claim.checks()),
                Ok((_, false)) => {}
                // Checks already won must still be handed out: they are claimed and nobody
                // else will run them. The error is reported only if nothing was won.
                Err(error) => {
                    tracing::error!(%error, "a claim write failed; the monitor stays due");
                    first_error.get_or_insert(error);
                }
            }
        }
        for tenant in due.cursors {
            let left = limit.saturating_sub(claimed.len());
            if left == 0 {
                break;
            }
            match self.advance_schedule_cursor(tenant, now, lead_until, until, left).await {
                Ok(checks) => claimed.extend(checks),
                Err(error) => {
                    tracing::error!(%error, %tenant, "advancing a schedule cursor failed; it stays due");
                    first_error.get_or_insert(error);
                }
            }
        }
        if claimed.is_empty()
            && let Some(error) = first_error
        {
            return Err(error);
        }
        claimed.sort_by_key(|c| (c.planned_at, c.monitor_id));
        Ok(claimed)
    }
}
