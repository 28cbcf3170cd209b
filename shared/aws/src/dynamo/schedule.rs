use super::DynamoStore;
use super::keys::{DUE_AT, DUE_SHARDS, MONITOR_DUE_SHARD_PREFIX, MONITOR_SK_PREFIX, PK, SK, TENANT_PK_PREFIX};
use super::monitor_item::{INTERVAL, monitor_key};
use super::toolkit::attributes::{ItemExt, key_suffix, n};
use super::toolkit::due_index::DueBy;
use super::toolkit::errors::decode;
use super::toolkit::update::Update;
use async_trait::async_trait;
use futures::StreamExt;
use jiff::Timestamp;
use vigil_domain::monitor::CheckInterval;
use vigil_domain::monitor::schedule::{Allotment, DueMonitor, allot_slots};
use vigil_domain::ports::{CheckSchedule, DueCheck, StoreError};

/// Claim writes in flight at once.
const CLAIM_CONCURRENCY: usize = 16;

impl DynamoStore {
    /// The earliest `limit` monitors of each shard due before `until`, earliest first.
    async fn due_monitors(&self, until: Timestamp, limit: usize) -> Result<Vec<DueMonitor>, StoreError> {
        let items = self.due_in_shards(MONITOR_DUE_SHARD_PREFIX, DUE_SHARDS, DueBy::Before(until), limit).await?;
        items
            .into_iter()
            .map(|(due_ms, item)| {
                Ok(DueMonitor {
                    tenant_id: key_suffix(&item, PK, TENANT_PK_PREFIX)?,
                    monitor_id: key_suffix(&item, SK, MONITOR_SK_PREFIX)?,
                    interval: CheckInterval::from_seconds(item.number(INTERVAL)?).map_err(anyhow::Error::msg)?,
                    due_at: Timestamp::from_millisecond(due_ms)?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(decode)
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
        // Slots are allotted before writing, earliest monitors first, so `limit` bounds the
        // claim as in the port; a monitor whose claim write loses yields nothing.
        let due = self.due_monitors(lead_until, limit).await?;
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
