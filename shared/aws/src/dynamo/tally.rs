//! Uptime tallies without a write per check. Raw results are the truth; an hour's tally is
//! materialised as a rollup item the first time a read covers it after the hour has closed (and
//! a grace period for late results has passed), so a repeated 30-day read costs at most 720
//! small rollups plus the raw results of the last hours, and a check costs nothing extra when it
//! is written.

use super::DynamoStore;
use super::history::result_from_item;
use super::keys::{EXPIRES_AT, SK, history_pk, result_sk, rollup_sk};
use super::toolkit::attributes::{Item, ItemExt, key_suffix, n, s};
use super::toolkit::batch::put_request;
use super::toolkit::errors::decode;
use super::toolkit::item::key;
use super::toolkit::query::KeyQuery;
use anyhow::Context;
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
        for hour_tally in self.closed_hours(tenant, monitor, first_hour, closed_before).await?.values() {
            tally.merge(hour_tally);
        }
        Ok(tally)
    }

    /// The tallies of the hours starting in `[from, to)` (`from` rounded down to its hour),
    /// each whole: closed hours from rollups, the others from raw results.
    pub(crate) async fn hourly_tallies(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<BTreeMap<i64, CheckTally>, StoreError> {
        let (from, to) = (from.as_millisecond().div_euclid(HOUR_MS) * HOUR_MS, to.as_millisecond());
        if from >= to {
            return Ok(BTreeMap::new());
        }
        let now = Timestamp::now().as_millisecond();
        let closed_before = ((to.min(now) - LATE_RESULTS_MS).div_euclid(HOUR_MS) * HOUR_MS).clamp(from, to);
        let mut hours = self.closed_hours(tenant, monitor, from, closed_before).await?;
        let open_end = (to + HOUR_MS - 1).div_euclid(HOUR_MS) * HOUR_MS;
        if closed_before < open_end {
            hours.extend(self.tally_raw_by_hour(tenant, monitor, closed_before, open_end).await?);
        }
        hours.retain(|_, tally| tally.up + tally.down + tally.errors > 0);
        Ok(hours)
    }

    /// The tallies of the closed hours in `[first_hour, closed_before)`: stored rollups, and
    /// the missing ones tallied from raw results (in contiguous runs, one query each) and
    /// stored for the next read.
    async fn closed_hours(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        first_hour: i64,
        closed_before: i64,
    ) -> Result<BTreeMap<i64, CheckTally>, StoreError> {
        if first_hour >= closed_before {
            return Ok(BTreeMap::new());
        }
        let mut stored = self.rollups(tenant, monitor, first_hour, closed_before).await?;
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
            self.store_rollups(tenant, monitor, &hours).await?;
            stored.extend(hours);
        }
        Ok(stored)
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
        let query = KeyQuery::partition(history_pk(tenant, monitor), "reading check results to tally")
            .between(result_sk((from - START_SLACK_MS).max(0)), result_sk(to - 1));
        let mut hours: BTreeMap<i64, CheckTally> = BTreeMap::new();
        for item in self.query_all(&query).await? {
            let result = result_from_item(&item, tenant, monitor).map_err(decode)?;
            let started = result.started_at.as_millisecond();
            if (from..to).contains(&started) {
                hours.entry(started.div_euclid(HOUR_MS) * HOUR_MS).or_default().record(&result);
            }
        }
        Ok(hours)
    }

    /// Stored rollups of hours in `[from, to)`.
    async fn rollups(&self, tenant: TenantId, monitor: MonitorId, from: i64, to: i64) -> Result<BTreeMap<i64, CheckTally>, StoreError> {
        let query = KeyQuery::partition(history_pk(tenant, monitor), "reading hourly rollups").between(rollup_sk(from), rollup_sk(to - 1));
        let read = |item: &Item| -> anyhow::Result<(i64, CheckTally)> {
            let hour: i64 = key_suffix(item, SK, "U#")?;
            Ok((hour, serde_json::from_str(item.string(TALLY)?).context("a stored rollup does not parse")?))
        };
        self.query_all(&query).await?.iter().map(read).collect::<anyhow::Result<_>>().map_err(decode)
    }

    /// Writes the rollups of closed hours (idempotent: the same hour always tallies the same).
    async fn store_rollups(&self, tenant: TenantId, monitor: MonitorId, hours: &BTreeMap<i64, CheckTally>) -> Result<(), StoreError> {
        let rollup_retention = self.retention * 4;
        let requests = hours
            .iter()
            .map(|(hour, tally)| {
                let expires = Timestamp::from_millisecond(*hour).unwrap_or_default() + rollup_retention + SignedDuration::from_hours(1);
                let mut item = key(history_pk(tenant, monitor), rollup_sk(*hour));
                item.insert(TALLY.to_owned(), s(serde_json::to_string(tally).context("encoding a rollup")?));
                item.insert(EXPIRES_AT.to_owned(), n(expires.as_second()));
                put_request(item)
            })
            .collect::<anyhow::Result<_>>()
            .map_err(decode)?;
        self.write_batch(requests, "storing hourly rollups").await
    }
}
