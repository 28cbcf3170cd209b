use super::DynamoStore;
use super::attributes::{ItemExt, key_suffix, n, s};
use super::errors::{backend, decode, is_condition_failure};
use super::keys::{DUE_AT, DUE_INDEX, DUE_SHARD, DUE_SHARDS, MONITOR_SK_PREFIX, PK, SK};
use super::monitor_item::INTERVAL;
use super::update::Update;
use async_trait::async_trait;
use futures::StreamExt;
use jiff::Timestamp;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::monitor::CheckInterval;
use vigil_domain::monitor::schedule::{Allotment, DueMonitor, allot_slots};
use vigil_domain::ports::{CheckSchedule, DueCheck, StoreError};

/// Claim writes in flight at once.
const CLAIM_CONCURRENCY: usize = 16;

/// A monitor found due in the index.
struct Candidate {
    tenant_id: TenantId,
    monitor_id: MonitorId,
    interval: CheckInterval,
    due_ms: i64,
}

impl DynamoStore {
    /// The earliest `limit` monitors of one shard due before `until`.
    async fn due_in_shard(&self, shard: u8, until: Timestamp, limit: usize) -> Result<Vec<Candidate>, StoreError> {
        let mut candidates = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(DUE_INDEX)
                .key_condition_expression("#shard = :shard AND #due < :until")
                .expression_attribute_names("#shard", DUE_SHARD)
                .expression_attribute_names("#due", DUE_AT)
                .expression_attribute_values(":shard", s(format!("D#{shard}")))
                .expression_attribute_values(":until", n(until.as_millisecond()))
                .limit((limit - candidates.len()) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| backend("reading the due-index", e))?;
            for item in output.items.unwrap_or_default() {
                let interval =
                    CheckInterval::from_seconds(item.number(INTERVAL).map_err(decode)?).map_err(|e| decode(anyhow::anyhow!(e)))?;
                candidates.push(Candidate {
                    tenant_id: key_suffix(&item, PK, "T#").map_err(decode)?,
                    monitor_id: key_suffix(&item, SK, MONITOR_SK_PREFIX).map_err(decode)?,
                    interval,
                    due_ms: item.number(DUE_AT).map_err(decode)?,
                });
            }
            start = output.last_evaluated_key;
            if start.is_none() || candidates.len() >= limit {
                return Ok(candidates);
            }
        }
    }

    /// Moves a monitor's due time from what the index showed to `claim.next_due_at`, only if it still
    /// is what the index showed (and the interval is unchanged): the write that makes a claim
    /// exclusive. `false` if another claimer, or an edit, got there first.
    async fn advance(&self, claim: &Allotment) -> Result<bool, StoreError> {
        let c = &claim.monitor;
        let mut update = Update::default();
        update.set(DUE_AT, n(claim.next_due_at.as_millisecond()));
        update.require_equal(DUE_AT, n(c.due_at.as_millisecond())).require_equal(INTERVAL, n(c.interval.seconds()));
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(self.monitor_key(c.tenant_id, c.monitor_id)))
            .update_expression(update.expression())
            .set_condition_expression(update.condition())
            .set_expression_attribute_names(Some(update.names))
            .set_expression_attribute_values(Some(update.values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if is_condition_failure(&error) => Ok(false),
            Err(error) => Err(backend("claiming a due check", error)),
        }
    }
}

#[async_trait]
impl CheckSchedule for DynamoStore {
    async fn claim_due(&self, now: Timestamp, until: Timestamp, limit: usize) -> Result<Vec<DueCheck>, StoreError> {
        self.claim_ahead(now, until, until, limit).await
    }

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
        // Every shard's earliest `limit` together hold the overall earliest `limit`.
        let mut candidates = Vec::new();
        for shard in 0..DUE_SHARDS {
            candidates.extend(self.due_in_shard(shard, lead_until, limit).await?);
        }
        candidates.sort_by_key(|c| (c.due_ms, c.monitor_id));

        // Slots are allotted before writing, earliest monitors first, so `limit` bounds the
        // claim as in the port; a monitor whose claim write loses yields nothing.
        let due = candidates
            .into_iter()
            .map(|c| {
                let due_at = Timestamp::from_millisecond(c.due_ms).map_err(|e| decode(e.into()))?;
                Ok(DueMonitor { tenant_id: c.tenant_id, monitor_id: c.monitor_id, interval: c.interval, due_at })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let claims = allot_slots(due, now, until, limit);

        let mut outcomes = futures::stream::iter(claims.into_iter().map(|claim| async move {
            let won = self.advance(&claim).await?;
            Ok::<_, StoreError>((claim, won))
        }))
        .buffer_unordered(CLAIM_CONCURRENCY);
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
        if claimed.is_empty()
            && let Some(error) = first_error
        {
            return Err(error);
        }
        claimed.sort_by_key(|c| (c.planned_at, c.monitor_id));
        Ok(claimed)
    }
}
