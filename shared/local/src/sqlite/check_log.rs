use super::SqliteStore;
use super::codec::{at, backend, blob, decode_newest_first_cursor, ms, newest_first_page, uuid};
use super::digests::DIGEST_ROW;
use super::monitors::health_version;
use super::rollups::{HOUR_MS, hours_in};
use super::transitions::insert_transition;
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, Row, params};
use std::time::Duration;
use vigil_domain::check::{CheckOutcome, CheckResult};
use vigil_domain::digest::HistoryDigest;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{CheckLog, CheckRecord, RecordOutcome, StoreError};
use vigil_domain::probe::Timings;
use vigil_domain::uptime::CheckTally;

pub(super) const RESULT_COLUMNS: &str = "tenant_id, monitor_id, planned_at, started_at, outcome, status_code, total_us, dns_us, \
     connect_us, tls_us, first_byte_us, response_bytes, body_truncated, cert_expires_at, remote_ip, detail";

fn micros(d: Option<Duration>) -> Option<i64> {
    d.map(|d| d.as_micros() as i64)
}

fn duration(us: Option<i64>) -> Option<Duration> {
    us.map(|us| Duration::from_micros(us.max(0) as u64))
}

/// The outcome column and the JSON detail kept for failures and errors.
fn outcome_columns(outcome: &CheckOutcome) -> anyhow::Result<(&'static str, Option<String>)> {
    Ok(match outcome {
        CheckOutcome::Up => ("up", None),
        CheckOutcome::Down { .. } => ("down", Some(serde_json::to_string(outcome)?)),
        CheckOutcome::Error { .. } => ("error", Some(serde_json::to_string(outcome)?)),
    })
}

/// A result from a row of [`RESULT_COLUMNS`] starting at column `o`.
fn result_from_row_at(row: &Row<'_>, o: usize) -> anyhow::Result<CheckResult> {
    let monitor_id = MonitorId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1 + o)?)?);
    let planned_ms: i64 = row.get(2 + o)?;
    let outcome = match (row.get::<_, String>(4 + o)?.as_str(), row.get::<_, Option<String>>(15 + o)?) {
        ("up", _) => CheckOutcome::Up,
        (_, Some(detail)) => serde_json::from_str(&detail).context("a stored check outcome does not parse")?,
        (other, None) => anyhow::bail!("stored check outcome `{other}` has no detail"),
    };
    Ok(CheckResult {
        id: CheckId::for_planned_check(monitor_id, planned_ms),
        tenant_id: TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(o)?)?),
        monitor_id,
        planned_at: at(planned_ms)?,
        started_at: at(row.get(3 + o)?)?,
        timings: Timings {
            total: duration(row.get(6 + o)?).unwrap_or_default(),
            dns: duration(row.get(7 + o)?),
            connect: duration(row.get(8 + o)?),
            tls: duration(row.get(9 + o)?),
            first_byte: duration(row.get(10 + o)?),
        },
        status_code: row.get(5 + o)?,
        response_bytes: row.get::<_, Option<i64>>(11 + o)?.map(|b| b as u64),
        body_truncated: row.get(12 + o)?,
        certificate_expires_at: row.get::<_, Option<i64>>(13 + o)?.map(at).transpose()?,
        remote_ip: row.get::<_, Option<String>>(14 + o)?.and_then(|ip| ip.parse().ok()),
        outcome,
    })
}

pub(super) fn result_from_row(row: &Row<'_>) -> anyhow::Result<CheckResult> {
    result_from_row_at(row, 0)
}

/// Stores one record, in the caller's write.
fn record_one(conn: &Connection, record: &CheckRecord) -> anyhow::Result<RecordOutcome> {
    let r = &record.result;
    let Some(version) = health_version(conn, r.tenant_id, r.monitor_id)? else {
        return Ok(RecordOutcome::MonitorGone);
    };
    if record.health.as_ref().is_some_and(|update| update.expected_version != version) {
        return Ok(RecordOutcome::HealthConflict);
    }
    let (outcome, detail) = outcome_columns(&r.outcome)?;
    let inserted = conn
        .prepare_cached(&format!(
            "INSERT OR IGNORE INTO check_results ({RESULT_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        ))?
        .execute(params![
            blob(r.tenant_id.as_uuid()),
            blob(r.monitor_id.as_uuid()),
            ms(r.planned_at),
            ms(r.started_at),
            outcome,
            r.status_code,
            r.timings.total.as_micros() as i64,
            micros(r.timings.dns),
            micros(r.timings.connect),
            micros(r.timings.tls),
            micros(r.timings.first_byte),
            r.response_bytes.map(|b| b as i64),
            r.body_truncated,
            r.certificate_expires_at.map(ms),
            r.remote_ip.map(|ip| ip.to_string()),
            detail,
        ])?;
    if inserted == 0 {
        return Ok(RecordOutcome::Duplicate);
    }
    super::digests::add_to_digest(conn, r)?;
    if let Some(update) = &record.health {
        let h = &update.health;
        conn.prepare_cached(
            "UPDATE monitors SET status = ?3, status_since = ?4, failure_streak = ?5, success_streak = ?6, health_version = ?7 \
             WHERE tenant_id = ?1 AND id = ?2",
        )?
        .execute(params![
            blob(r.tenant_id.as_uuid()),
            blob(r.monitor_id.as_uuid()),
            h.status.as_str(),
            ms(h.since),
            h.failure_streak,
            h.success_streak,
            h.version as i64
        ])?;
        if let Some(transition) = &update.transition {
            insert_transition(conn, transition, Some(ms(r.planned_at)))?;
        }
    }
    Ok(RecordOutcome::Recorded)
}

/// Tallies raw results of a monitor started in `[from, to)`.
pub(super) fn tally_raw(
    conn: &Connection,
    tenant: &[u8; 16],
    monitor: &[u8; 16],
    from: i64,
    to: i64,
    tally: &mut CheckTally,
) -> anyhow::Result<()> {
    if from >= to {
        return Ok(());
    }
    // started_at is within one timeout of planned_at, so the primary key range bounds the scan.
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {RESULT_COLUMNS} FROM check_results WHERE tenant_id = ?1 AND monitor_id = ?2 \
         AND planned_at >= ?3 AND planned_at < ?4 AND started_at >= ?5 AND started_at < ?6"
    ))?;
    let slack = 2 * HOUR_MS;
    let mut rows = statement.query(params![tenant, monitor, from - slack, to, from, to])?;
    while let Some(row) = rows.next()? {
        tally.record(&result_from_row(row)?);
    }
    Ok(())
}

#[async_trait]
impl CheckLog for SqliteStore {
    async fn record(&self, records: &[CheckRecord]) -> Result<Vec<RecordOutcome>, StoreError> {
        let patient = records.iter().all(|record| record.patient);
        let records = records.to_vec();
        // A record refused half-way fails the whole write, which the writer rolls back: nothing
        // of it is left behind. It has no effect but its statements, so it may run again.
        let write = move |conn: &Connection| records.iter().map(|record| record_one(conn, record)).collect::<anyhow::Result<Vec<_>>>();
        let written = if patient { self.db.write_repeatable_patient(write).await } else { self.db.write_repeatable(write).await };
        written.context("recording checks").map_err(backend)
    }

    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<CheckResult>, StoreError> {
        let before = decode_newest_first_cursor(page.cursor.as_ref())?;
        let limit = page.limit;
        self.db
            .read(move |conn| {
                let sql = format!(
                    "SELECT planned_at, {RESULT_COLUMNS} FROM check_results WHERE tenant_id = ?1 AND monitor_id = ?2 \
                     AND planned_at < ?3 ORDER BY planned_at DESC LIMIT ?4"
                );
                newest_first_page(conn, &sql, (tenant.as_uuid(), monitor.as_uuid()), before, limit, |row| result_from_row_at(row, 1))
            })
            .await
            .map_err(backend)
    }

    async fn get(&self, tenant: TenantId, monitor: MonitorId, id: CheckId) -> Result<Option<CheckResult>, StoreError> {
        let planned = id.planned_ms();
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(&format!(
                    "SELECT {RESULT_COLUMNS} FROM check_results WHERE tenant_id = ?1 AND monitor_id = ?2 AND planned_at = ?3 \
                     AND planned_at < ?4"
                ))?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(monitor.as_uuid()), planned, DIGEST_ROW])?;
                let result = rows.next()?.map(result_from_row).transpose()?;
                // The id also encodes the monitor; a forged id with the right time must not match.
                Ok(result.filter(|r| r.id == id))
            })
            .await
            .map_err(backend)
    }

    async fn tally(&self, tenant: TenantId, monitor: MonitorId, from: Timestamp, to: Timestamp) -> Result<CheckTally, StoreError> {
        let (from, to) = (ms(from), ms(to));
        self.db
            .read(move |conn| {
                let (tenant_key, monitor_key) = (blob(tenant.as_uuid()), blob(monitor.as_uuid()));
                // Whole hours inside the window come from rollups; the partial hours at either
                // edge from raw results.
                let first_hour = (from + HOUR_MS - 1).div_euclid(HOUR_MS) * HOUR_MS;
                let last_hour = to.div_euclid(HOUR_MS) * HOUR_MS;
                let mut tally = CheckTally::default();
                if first_hour >= last_hour {
                    tally_raw(conn, &tenant_key, &monitor_key, from, to, &mut tally)?;
                    return Ok(tally);
                }
                tally_raw(conn, &tenant_key, &monitor_key, from, first_hour, &mut tally)?;
                tally_raw(conn, &tenant_key, &monitor_key, last_hour, to, &mut tally)?;
                for (_, hour) in hours_in(conn, tenant, monitor, first_hour, last_hour)? {
                    tally.merge(&hour);
                }
                Ok(tally)
            })
            .await
            .map_err(backend)
    }

    async fn hourly(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Timestamp, CheckTally)>, StoreError> {
        let (from, to) = (ms(from).div_euclid(HOUR_MS) * HOUR_MS, ms(to));
        self.db
            .read(move |conn| {
                hours_in(conn, tenant, monitor, from, to)?
                    .into_iter()
                    .map(|(hour, tally)| Ok((at(hour)?, tally)))
                    .collect::<anyhow::Result<Vec<_>>>()
            })
            .await
            .map_err(backend)
    }

    async fn digests(&self, tenant: TenantId, monitors: &[MonitorId], now: Timestamp) -> Result<Vec<HistoryDigest>, StoreError> {
        let monitors = monitors.to_vec();
        self.db
            .read(move |conn| super::digests::read_digests(conn, tenant, &monitors, now))
            .await
            .context("reading history digests")
            .map_err(backend)
    }
}
