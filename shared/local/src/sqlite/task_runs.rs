//! Heartbeat runs as rows: one column per fact (schema 8), keyed by their task alone (schema 9),
//! with the end of their log (schema 10).
//!
//! A run made by one ping alone (a finish without a start: what most cron jobs send) rides on
//! that ping's row (schema 11) until the per-task cap prunes the ping, and only then gets a row
//! of its own, together with the others pruned at the same time. A task's runs and pings both
//! grow in the middle of their tables (keyed by task, then time), so each row a ping writes
//! there is a page of its own to log, often with a split of its neighbours; one row instead of
//! two saves about a third of the pages a ping writes (docs/benchmarks.md).

use super::codec::{at, blob, ms, uuid};
use anyhow::{Context, anyhow};
use rusqlite::{Connection, Row, params};
use vigil_domain::heartbeat::StoredRun;
use vigil_domain::heartbeat::run::{Completed, Failed, RunState, Running};
use vigil_domain::ids::{PingId, RunId, TaskId, TenantId};
use vigil_domain::ports::StoredPing;

/// The columns of `task_runs` in the order [`run_from_row`] reads them.
pub(crate) const RUN_COLUMNS: &str =
    "task_id, id, state, started_at, finished_at, exit_status, rid, start_ping, finish_ping, reason, log_tail";

/// The state column's value of running runs, which pruning keeps whatever their age.
pub(crate) const RUNNING: i64 = 0;
const COMPLETED: i64 = 1;
const FAILED: i64 = 2;

/// The columns of `task_pings` that give a riding run in the order of [`RUN_COLUMNS`], so that
/// [`run_from_row`] reads either.
pub(crate) const RIDING_RUN_COLUMNS: &str =
    "task_id, run_id, run_state, NULL, at, run_exit_status, rid, NULL, id, run_reason, run_log_tail";

/// The state column's value and the failure's reason.
fn state_columns(run: &StoredRun) -> (i64, Option<&str>) {
    match &run.state {
        RunState::Running(_) => (RUNNING, None),
        RunState::Completed(_) => (COMPLETED, None),
        RunState::Failed(failed) => (FAILED, Some(failed.reason.as_str())),
    }
}

/// Whether `run` can ride on `ping`'s row: it began and ended with this ping, so the ping's
/// row already holds its id, its time and its client's run id. Such a run is never written
/// again (only open runs change). Its id must be of the ping's millisecond, as the ping path
/// mints them, for the pings' key order to be the runs' but for ties within a millisecond
/// (see `task_history::newest_riding_runs`).
pub(crate) fn rides_on(run: &StoredRun, ping: &StoredPing) -> bool {
    run.id.as_uuid().as_bytes()[..6] == ping.id.as_uuid().as_bytes()[..6]
        && run.task_id == ping.task_id
        && ping.run_id == Some(run.id)
        && run.finish_ping == Some(ping.id)
        && run.start_ping.is_none()
        && run.started_at().is_none()
        && run.finished_at() == Some(ping.at)
        && run.rid == ping.rid
}

/// The riding run's own columns of its ping's row (`run_state`, `run_exit_status`,
/// `run_reason`, `run_log_tail`); all `NULL` for a ping that carries none.
pub(crate) fn riding_columns(run: Option<&StoredRun>) -> (Option<i64>, Option<u8>, Option<&str>, Option<&str>) {
    match run {
        Some(run) => {
            let (state, reason) = state_columns(run);
            (Some(state), run.exit_status(), reason, run.log_tail.as_deref())
        }
        None => (None, None, None, None),
    }
}

/// Gives the runs riding on `task`'s pings below `below` (about to be deleted) rows of their own.
/// A riding run never has a row already; if one ever did, the riding copy replaces it rather
/// than failing every later ping of the task.
pub(crate) fn settle_riding_runs(conn: &Connection, task: &[u8; 16], below: &[u8]) -> anyhow::Result<()> {
    conn.prepare_cached(&format!(
        "INSERT OR REPLACE INTO task_runs ({RUN_COLUMNS}) SELECT {RIDING_RUN_COLUMNS} FROM task_pings \
         WHERE task_id = ?1 AND id < ?2 AND run_state IS NOT NULL"
    ))?
    .execute(params![task, below])
    .context("giving the runs of pruned pings rows of their own")?;
    Ok(())
}

/// Writes a run, replacing the stored one of the same id.
pub(crate) fn upsert_run(conn: &Connection, run: &StoredRun) -> anyhow::Result<()> {
    let (state, reason) = state_columns(run);
    conn.prepare_cached(&format!(
        "INSERT OR REPLACE INTO task_runs ({RUN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    ))?
    .execute(params![
        blob(run.task_id.as_uuid()),
        blob(run.id.as_uuid()),
        state,
        run.started_at().map(ms),
        run.finished_at().map(ms),
        run.exit_status(),
        run.rid.map(blob),
        run.start_ping.map(|p| blob(p.as_uuid())),
        run.finish_ping.map(|p| blob(p.as_uuid())),
        reason,
        run.log_tail,
    ])
    .context("writing a run")?;
    Ok(())
}

/// A run of `tenant` from a row of [`RUN_COLUMNS`].
pub(crate) fn run_from_row(row: &Row<'_>, tenant: TenantId) -> anyhow::Result<StoredRun> {
    let optional_uuid =
        |i: usize| -> anyhow::Result<Option<uuid::Uuid>> { row.get::<_, Option<Vec<u8>>>(i)?.as_deref().map(uuid).transpose() };
    let started_at = row.get::<_, Option<i64>>(3)?.map(at).transpose()?;
    let finished_at = row.get::<_, Option<i64>>(4)?.map(at).transpose()?;
    let exit_status: Option<u8> = row.get(5)?;
    let ended = || finished_at.ok_or_else(|| anyhow!("a stored finished run has no finishing time"));
    let state = match row.get::<_, i64>(2)? {
        RUNNING => RunState::Running(Running { started_at: started_at.ok_or_else(|| anyhow!("a stored running run has no start"))? }),
        COMPLETED => RunState::Completed(Completed { started_at, finished_at: ended()?, exit_status }),
        FAILED => RunState::Failed(Failed { started_at, finished_at: ended()?, exit_status, reason: row.get(9)? }),
        other => return Err(anyhow!("unknown stored run state {other}")),
    };
    Ok(StoredRun {
        tenant_id: tenant,
        task_id: TaskId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
        id: RunId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?),
        rid: optional_uuid(6)?,
        start_ping: optional_uuid(7)?.map(PingId::from_uuid),
        finish_ping: optional_uuid(8)?.map(PingId::from_uuid),
        state,
        log_tail: row.get(10)?,
    })
}
