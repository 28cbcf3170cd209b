//! Uptime tallies without a write per check. Raw results are the truth; an hour's tally is
//! materialised as a rollup item the first time a read covers it after the hour has closed (and
//! a grace period for late results has passed), so a repeated 30-day read costs at most 720
//! small rollups plus the raw results of the last hours, and a check costs nothing extra when it
//! is written.

use super::DynamoStore;
use super::attributes::{Item, ItemExt, key_suffix, n, s};
use super::errors::{backend, decode};
use super::history::result_from_item;
use super::keys::{EXPIRES_AT, PK, SK, history_pk, result_sk, rollup_sk};
use anyhow::Context;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::ports::StoreError;
use vigil_domain::uptime::CheckTally;

const HOUR_MS: i64 = 3_600_000;
/// How long after an hour ends its results may still arrive (a check's timeout, queue retries,
/// a redelivery after a failed batch); its rollup is written only after this.
const LATE_RESULTS_MS: i64 = HOUR_MS;
/// Results are keyed by planned time and tallied by start time, which is at most this later
/// (a job released late, retried deliveries).
const START_SLACK_MS: i64 = 2 * HOUR_MS;
const TALLY: &str = "tally";

impl DynamoStore {
    pub(crate) async fn tally_window(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<CheckTally, StoreError> {
        let (from, to) = (from.as_millisecond(), to.as_millisecond());
        let mut tally = CheckTally::default();
        if from >= to {
            return Ok(tally);
        }
        let first_hour = (from + HOUR_MS - 1).div_euclid(HOUR_MS) * HOUR_MS;
        // Rollups only for hours closed long enough ago, by the window and by the clock: an
        // adapter may read the clock, and a window ending in the future must not freeze hours
        // that are still filling.
        let now = Timestamp::now().as_millisecond();
        let closed_before = (to.min(now) - LATE_RESULTS_MS).div_euclid(HOUR_MS) * HOUR_MS;
        if closed_before <= first_hour {
            self.tally_raw(tenant, monitor, from, to, &mut tally).await?;
            return Ok(tally);
        }
        self.tally_raw(tenant, monitor, from, first_hour, &mut tally).await?;
        self.tally_raw(tenant, monitor, closed_before, to, &mut tally).await?;
        let stored = self.rollups(tenant, monitor, first_hour, closed_before).await?;
        for hour_tally in stored.values() {
            tally.merge(hour_tally);
        }
        // Hours without a rollup, in contiguous runs, each run read raw in one query.
        let missing: Vec<i64> = (first_hour..closed_before).step_by(HOUR_MS as usize).filter(|h| !stored.contains_key(h)).collect();
        let mut runs: Vec<(i64, i64)> = Vec::new();
        for hour in missing {
            match runs.last_mut() {
                Some((_, end)) if *end == hour => *end = hour + HOUR_MS,
                _ => runs.push((hour, hour + HOUR_MS)),
            }
        }
        for (start, end) in runs {
            let hours = self.tally_raw_by_hour(tenant, monitor, start, end).await?;
            for hour_tally in hours.values() {
                tally.merge(hour_tally);
            }
            self.store_rollups(tenant, monitor, &hours).await?;
        }
        Ok(tally)
    }

    /// Results of a monitor started in `[from, to)`, added to `tally`.
    async fn tally_raw(&self, tenant: TenantId, monitor: MonitorId, from: i64, to: i64, tally: &mut CheckTally) -> Result<(), StoreError> {
        if from < to {
            for hour in self.tally_raw_by_hour(tenant, monitor, from, to).await?.values() {
                tally.merge(hour);
            }
        }
        Ok(())
    }

    /// Results started in `[from, to)`, tallied per hour of their start.
    async fn tally_raw_by_hour(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        from: i64,
        to: i64,
    ) -> Result<BTreeMap<i64, CheckTally>, StoreError> {
        let mut hours: BTreeMap<i64, CheckTally> = BTreeMap::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(history_pk(tenant, monitor)))
                .expression_attribute_values(":low", s(result_sk((from - START_SLACK_MS).max(0))))
                .expression_attribute_values(":high", s(result_sk(to - 1)))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| backend("reading check results to tally", e))?;
            for item in output.items.unwrap_or_default() {
                let result = result_from_item(&item, tenant, monitor).map_err(decode)?;
                let started = result.started_at.as_millisecond();
                if (from..to).contains(&started) {
                    hours.entry(started.div_euclid(HOUR_MS) * HOUR_MS).or_default().record(&result);
                }
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(hours);
            }
        }
    }

    /// Stored rollups of hours in `[from, to)`.
    async fn rollups(&self, tenant: TenantId, monitor: MonitorId, from: i64, to: i64) -> Result<BTreeMap<i64, CheckTally>, StoreError> {
        let mut rollups = BTreeMap::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(history_pk(tenant, monitor)))
                .expression_attribute_values(":low", s(rollup_sk(from)))
                .expression_attribute_values(":high", s(rollup_sk(to - 1)))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| backend("reading hourly rollups", e))?;
            for item in output.items.unwrap_or_default() {
                let hour: i64 = key_suffix(&item, SK, "U#").map_err(decode)?;
                let tally: CheckTally =
                    serde_json::from_str(item.string(TALLY).map_err(decode)?).context("a stored rollup does not parse").map_err(decode)?;
                rollups.insert(hour, tally);
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(rollups);
            }
        }
    }

    /// Writes the rollups of closed hours (idempotent: the same hour always tallies the same).
    async fn store_rollups(&self, tenant: TenantId, monitor: MonitorId, hours: &BTreeMap<i64, CheckTally>) -> Result<(), StoreError> {
        let rollup_retention = self.retention * 4;
        let items: Vec<Item> = hours
            .iter()
            .map(|(hour, tally)| {
                let expires = Timestamp::from_millisecond(*hour).unwrap_or_default() + rollup_retention + SignedDuration::from_hours(1);
                Ok(Item::from([
                    (PK.to_owned(), s(history_pk(tenant, monitor))),
                    (SK.to_owned(), s(rollup_sk(*hour))),
                    (TALLY.to_owned(), s(serde_json::to_string(tally).context("encoding a rollup")?)),
                    (EXPIRES_AT.to_owned(), n(expires.as_second())),
                ]))
            })
            .collect::<anyhow::Result<_>>()
            .map_err(decode)?;
        for chunk in items.chunks(25) {
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    Ok(WriteRequest::builder()
                        .put_request(PutRequest::builder().set_item(Some(item.clone())).build().map_err(StoreError::backend)?)
                        .build())
                })
                .collect::<Result<_, StoreError>>()?;
            while !requests.is_empty() {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await
                    .map_err(|e| backend("storing hourly rollups", e))?;
                requests = output.unprocessed_items.unwrap_or_default().remove(&self.table).unwrap_or_default();
            }
        }
        Ok(())
    }
}
