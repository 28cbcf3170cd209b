use crate::Deps;
use crate::tasks::TaskView;
use futures::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::digest::window_start;
use vigil_domain::heartbeat::StoredRun;
use vigil_domain::heartbeat::digest::{RECENT_RUNS, RunDigest};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::StoreError;
use vigil_domain::uptime::UptimeWindow;

/// Read every heartbeat task of an organisation with the digest of its runs, for lists.
#[derive(Clone, Debug)]
pub struct TaskDigests {
    /// Who asks, in which organisation.
    pub actor: Actor,
}

/// Why the tasks' digests could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TaskDigestsError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The most runs read of one task: enough for the whole month of a task that runs every few
/// hours, the week of an hourly one and the day of one every few minutes. Reading a month of
/// an hourly task (720 runs) for 200 such tasks made the overview of 1,000 items 115 ms slower
/// (vigil-bench dashboard, release), so the windows the runs read do not reach say they are
/// incomplete instead.
pub const RUNS_READ: usize = 200;

/// How many tasks' runs are read at once.
const CONCURRENT_READS: usize = 8;

/// Reads every task of the actor's organisation, oldest first, with its status now and the
/// digest of its runs: the newest runs (to the month's start, at most [`RUNS_READ`]) read
/// through the task history, a few tasks at a time.
#[tracing::instrument(name = "task_digests", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn task_digests(deps: &Deps, cmd: TaskDigests, now: Timestamp) -> Result<Vec<(TaskView, RunDigest)>, TaskDigestsError> {
    cmd.actor.require(Action::ReadTasks)?;
    let tenant = cmd.actor.tenant_id;
    let key = deps.stores.ping_keys.get(tenant).await?;
    let mut views = Vec::new();
    let mut page = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    loop {
        let listed = deps.stores.tasks.list(tenant, &page).await?;
        views.extend(listed.items.into_iter().map(|record| TaskView::new(record, key.clone(), now)));
        match listed.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    let digests = futures::stream::iter(views)
        .map(|view| async move {
            let (runs, exhausted) = runs_of(deps, &view, now).await?;
            let digest = RunDigest::of_runs(&view.record, &view.assessment, &runs, exhausted, now);
            Ok::<_, StoreError>((view, digest))
        })
        .buffered(CONCURRENT_READS)
        .try_collect()
        .await?;
    Ok(digests)
}

/// The task's newest runs, reaching back past the month's start (one more than the bar shows,
/// so that its oldest run's lateness is known), and whether they are all it has.
async fn runs_of(deps: &Deps, view: &TaskView, now: Timestamp) -> Result<(Vec<StoredRun>, bool), StoreError> {
    let task = &view.record.task;
    let month = window_start(UptimeWindow::Month, now);
    let mut runs: Vec<StoredRun> = Vec::new();
    let mut page = PageRequest { cursor: None, limit: (RECENT_RUNS as u32 + 1) * 2 };
    loop {
        let listed = deps.stores.task_history.list_runs(task.tenant_id, task.id, &page).await?;
        runs.extend(listed.items);
        let Some(cursor) = listed.next_cursor else { return Ok((runs, true)) };
        let reached = runs.last().and_then(|r| r.finished_at().or(r.started_at())).is_some_and(|at| at < month);
        if (reached && runs.len() > RECENT_RUNS) || runs.len() >= RUNS_READ {
            return Ok((runs, false));
        }
        page = PageRequest { cursor: Some(cursor), limit: (RUNS_READ - runs.len()) as u32 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heartbeats::{RecordPing, record_ping};
    use crate::tasks::{CreateTask, create_task};
    use crate::world::{World, at, from_json};
    use serde_json::json;
    use vigil_domain::heartbeat::digest::{RunCounts, RunOutcome};
    use vigil_domain::heartbeat::{PingBody, PingKind, PingTarget, Task};

    /// A task expected every hour, with 5 minutes of grace.
    async fn task(world: &World, slug: &str) -> Task {
        let draft = from_json(json!({"name": slug, "slug": slug, "period_seconds": 3600, "grace_seconds": 300}));
        create_task(&world.deps, CreateTask { actor: world.actor(), draft }, at(0)).await.unwrap().task
    }

    async fn ping(world: &World, task: &Task, kind: PingKind, second: i64) {
        let body = PingBody { bytes: Vec::new(), received: 0, truncated: false };
        let ping = RecordPing { target: PingTarget::Token(task.token), kind, rid: None, method: "POST".into(), body };
        record_ping(&world.deps, ping, at(second)).await.unwrap();
    }

    #[tokio::test]
    async fn each_task_comes_with_its_runs_in_brief_and_its_uptime() {
        use PingKind::{Fail, Start, Success};
        use RunOutcome::{Failed, Late, Missed, Ok, Running};
        type Case = (&'static str, Vec<(PingKind, i64)>, i64, Vec<RunOutcome>, RunCounts);
        let hour = 3600;
        let cases: Vec<Case> = vec![
            ("no runs yet", vec![], 60, vec![], RunCounts::default()),
            ("a run timed", vec![(Start, 10), (Success, 70)], 100, vec![Ok], RunCounts { ok: 1, failed: 0 }),
            ("a failure", vec![(Success, 10), (Fail, 20)], 100, vec![Failed, Ok], RunCounts { ok: 1, failed: 1 }),
            ("one running", vec![(Success, 10), (Start, 20)], 100, vec![Running, Ok], RunCounts { ok: 1, failed: 0 }),
            (
                "late after the grace time",
                vec![(Success, 10), (Success, 10 + hour + 400)],
                hour + 500,
                vec![Late, Ok],
                RunCounts { ok: 1, failed: 1 },
            ),
            ("missing now", vec![(Success, 10)], 10 + hour + 300, vec![Missed, Ok], RunCounts { ok: 1, failed: 1 }),
        ];
        for (name, pings, now, outcomes, day) in cases {
            let world = World::new();
            let backup = task(&world, "backup").await;
            for (kind, second) in pings {
                ping(&world, &backup, kind, second).await;
            }
            let listed = task_digests(&world.deps, TaskDigests { actor: world.actor() }, at(now)).await.unwrap();
            assert_eq!(listed.len(), 1, "{name}");
            let (view, digest) = &listed[0];
            assert_eq!(view.record.task.id, backup.id, "{name}");
            assert_eq!(digest.recent.iter().map(|b| b.outcome).collect::<Vec<_>>(), outcomes, "{name}");
            assert_eq!(digest.counts(UptimeWindow::Day), day, "{name}");
            assert!(digest.covers(UptimeWindow::Month), "{name}: every run read");
        }
    }

    #[tokio::test]
    async fn an_hourly_task_is_read_back_a_week_and_its_month_says_it_is_incomplete() {
        let world = World::new();
        let backup = task(&world, "backup").await;
        let hours = RUNS_READ as i64 + 50;
        for h in 0..hours {
            ping(&world, &backup, PingKind::Success, h * 3600).await;
        }
        let listed = task_digests(&world.deps, TaskDigests { actor: world.actor() }, at(hours * 3600 - 1800)).await.unwrap();
        let digest = &listed[0].1;
        assert_eq!(digest.recent.len(), vigil_domain::heartbeat::digest::RECENT_RUNS);
        assert_eq!(digest.complete, [true, true, false], "a day and a week read whole, the month not");
        assert_eq!(digest.counts(UptimeWindow::Month).ok, RUNS_READ as u64, "the month counts the runs read");
    }

    #[tokio::test]
    async fn durations_come_with_timed_runs_and_readers_without_the_right_are_refused() {
        let world = World::new();
        let backup = task(&world, "backup").await;
        ping(&world, &backup, PingKind::Start, 10).await;
        ping(&world, &backup, PingKind::Success, 55).await;
        let listed = task_digests(&world.deps, TaskDigests { actor: world.actor() }, at(100)).await.unwrap();
        assert_eq!(listed[0].1.recent[0].duration, Some(jiff::SignedDuration::from_secs(45)));
        let mut stranger = world.actor();
        // A host agent reads nothing of the organisation.
        stranger.grant = vigil_domain::access::Grant::Agent;
        assert!(matches!(task_digests(&world.deps, TaskDigests { actor: stranger }, at(100)).await, Err(TaskDigestsError::Forbidden(_))));
    }
}
