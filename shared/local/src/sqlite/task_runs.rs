//! Heartbeat runs as rows: one column per fact (schema 8), keyed by their task alone (schema 9),
//! with the end of their log (schema 10).

use super::codec::{at, blob, ms, uuid};
use anyhow::{Context, anyhow};
use rusqlite::{Connection, Row, params};
use vigil_domain::heartbeat::StoredRun;
use vigil_domain::heartbeat::run::{Completed, Failed, RunState, Running};
use vigil_domain::ids::{PingId, RunId, TaskId, TenantId};

/// The columns of `task_runs` in the order [`run_from_row`] reads them.
pub(crate) const RUN_COLUMNS: &str =
    "task_id, id, state, started_at, finished_at, exit_status, rid, start_ping, finish_ping, reason, log_tail";

/// The state column's value of running runs, which pruning keeps whatever their age.
pub(crate) const RUNNING: i64 = 0;
const COMPLETED: i64 = 1;
const FAILED: i64 = 2;

/// Writes a run, replacing the stored one of the same id.
pub(crate) fn upsert_run(conn: &Connection, run: &StoredRun) -> anyhow::Result<()> {
    let (state, reason) = match &run.state {
        RunState::Running(_) => (RUNNING, None),
        RunState::Completed(_) => (COMPLETED, None),
        RunState::Failed(failed) => (FAILED, Some(failed.reason.as_str())),
    };
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
