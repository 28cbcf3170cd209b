//! Connections to one SQLite file: a single writer thread that commits queued writes in groups,
//! and a small pool of readers.
//!
//! SQLite allows one writer at a time, so instead of connections contending for the write lock,
//! every write is a job sent to the writer thread. The thread runs all jobs waiting in its queue
//! inside one transaction (each job in its own savepoint, so a failing job rolls back alone) and
//! commits once; jobs that may run twice ([`Database::write_repeatable`]) skip their savepoints
//! unless one of them fails. A syncer thread then fsyncs the write-ahead log and only then
//! answers each job: an acknowledged write is a committed and flushed write, and a burst of
//! writes shares one fsync. The flush of one group overlaps the execution of the next, so the
//! writer never sits idle waiting for the disk; several groups committed during one flush share
//! the next one.
//!
//! In a stream of writes the writer waits a bounded moment for company before it commits, but
//! only while such waits find some ([`Gathering`]): a paced stream from many clients then shares
//! commits and flushes, while a lone writer and a closed loop of clients, whose writes queue on
//! their own, are held back little (docs/benchmarks.md has the figures). Writes no one waits on
//! (scheduled checks that changed nothing but history) are held longer, up to [`HOLD`], so that
//! a trickle of them shares commits as well as flushes; while it holds them, the writer sleeps
//! through the arrival of more such writes ([`write_queue`](super::write_queue)). A group that
//! changed nothing (a claim that found nothing due) is not flushed, and the checkpointer
//! ([`checkpointer`](super::checkpointer)) sleeps while nothing is committed: an idle
//! installation does no disk work at all.

use anyhow::{Context, anyhow};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, oneshot};

use super::checkpointer::{Checkpointer, LogWatch, watch_the_log};
use super::gathering::Gathering;
use super::write_queue::{Ended, QueueReceiver, QueueSender, write_queue};

/// The most jobs committed together.
const MAX_GROUP: usize = 512;
/// The longest the writer waits for company, counted from the first job of the group, unless
/// `VIGIL_SQLITE_GATHER_US` says otherwise (0 never waits: for benchmarks comparing the two).
const GATHER: Duration = Duration::from_millis(2);
/// Writes closer together than this, from the end of one commit to the next job, are a stream.
const STREAM_GAP: Duration = Duration::from_millis(20);
/// Reader connections kept open.
const READERS: usize = 4;

type Completion = Box<dyn FnOnce(Option<&anyhow::Error>) + Send>;
/// A write that runs once: given the connection (or the reason there is none), it runs and
/// returns whether it succeeded and how to answer its caller once the group's fate is known.
type Once = Box<dyn FnOnce(Result<&Connection, &anyhow::Error>) -> (bool, Completion) + Send>;

/// A write that may run more than once (see [`Database::write_repeatable`]).
trait Repeatable: Send {
    /// Runs the write on the connection (or fails for the reason there is none) and says whether
    /// it succeeded. A later run's result replaces an earlier one's.
    fn run(&mut self, conn: Result<&Connection, &anyhow::Error>) -> bool;
    /// How to answer the caller with the last run's result once the group's fate is known.
    fn completion(self: Box<Self>) -> Completion;
}

/// A queued write's work.
enum Work {
    Once(Once),
    Repeatable(Box<dyn Repeatable>),
}

/// The answer to a write whose statements gave `result` and whose group's commit (and flush)
/// failed with `commit_error`, if it did.
fn outcome<R>(result: anyhow::Result<R>, commit_error: Option<&anyhow::Error>) -> anyhow::Result<R> {
    match (result, commit_error) {
        (Ok(value), None) => Ok(value),
        (Ok(_), Some(error)) => Err(anyhow!("committing failed: {error:#}")),
        (Err(error), _) => Err(error),
    }
}

/// Runs `write` on the connection, or fails for the reason there is none.
fn attempt<R>(conn: Result<&Connection, &anyhow::Error>, write: impl FnOnce(&Connection) -> anyhow::Result<R>) -> anyhow::Result<R> {
    match conn {
        Ok(conn) => write(conn),
        Err(error) => Err(anyhow!("the write could not start: {error:#}")),
    }
}

/// Answers the caller on `reply` with its write's `result` once the group's fate is known.
fn reply_with<R: Send + 'static>(reply: oneshot::Sender<anyhow::Result<R>>, result: anyhow::Result<R>) -> Completion {
    Box::new(move |commit_error| {
        let _ = reply.send(outcome(result, commit_error));
    })
}

/// A [`Repeatable`] made of a function and its caller's answer channel.
struct Rerun<F, R> {
    write: F,
    result: Option<anyhow::Result<R>>,
    reply: oneshot::Sender<anyhow::Result<R>>,
}

impl<F, R> Repeatable for Rerun<F, R>
where
    F: Fn(&Connection) -> anyhow::Result<R> + Send,
    R: Send + 'static,
{
    fn run(&mut self, conn: Result<&Connection, &anyhow::Error>) -> bool {
        let result = attempt(conn, &self.write);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn completion(self: Box<Self>) -> Completion {
        let Rerun { result, reply, .. } = *self;
        reply_with(reply, result.unwrap_or_else(|| Err(anyhow!("the write was never run"))))
    }
}

/// A queued write.
struct Job {
    work: Work,
    /// No one waits on its flush (see [`Database::write_repeatable_patient`]).
    patient: bool,
}

/// A committed group on its way to the syncer.
struct Committed {
    completions: Vec<Completion>,
    /// Whether it changed any row, and so wrote to the log.
    wrote: bool,
    /// Whether every job in it was patient.
    patient: bool,
    /// When the writer took its first job: a patient group's patience counts from there, so the
    /// writer's hold and the syncer's wait together stay within it.
    since: Instant,
}

impl Committed {
    fn absorb(&mut self, more: Committed) {
        self.completions.extend(more.completions);
        self.wrote |= more.wrote;
        self.patient &= more.patient;
        self.since = self.since.min(more.since);
    }
}

/// The longest a patient write waits for a flush someone else needs before the syncer flushes
/// for it alone, unless `VIGIL_SQLITE_PATIENCE_MS` says otherwise (0: patient writes are flushed
/// like any other).
const PATIENCE: Duration = Duration::from_millis(1000);

/// The longest the writer holds a group of patient writes for more before it commits them,
/// unless `VIGIL_SQLITE_HOLD_MS` says otherwise (0: committed like any other). Each commit
/// writes every page it changed to the log, and writes that arrive apart (a check every tenth
/// of a second) otherwise change the same index and rollup pages once each; held together they
/// write those pages once. A write someone waits on ends the hold at once.
const HOLD: Duration = Duration::from_millis(500);

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub(crate) struct Database {
    writer: QueueSender<Job>,
    readers: Arc<ReaderPool>,
    /// Dropped with the last handle, which stops the checkpointer.
    _checkpointer: Arc<Checkpointer>,
    /// Flushes of the log so far, for the tests of when the syncer flushes.
    #[cfg(test)]
    flushes: Arc<AtomicU64>,
    /// Commits so far, for the tests of when the writer commits.
    #[cfg(test)]
    log: Arc<LogWatch>,
}

struct ReaderPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

/// How long a connection waits for a lock another holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

fn configure(conn: &Connection) -> anyhow::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Without the planner's stability guarantee, SQLite marks a statement to be compiled again
    // whenever a new value is bound to a parameter the planner looked at (one compared with a
    // column that an ORDER BY walks, a LIMIT), so every run of such a cached statement parsed
    // and planned its SQL anew: the prune of a task's pings (every tenth ping by default), a
    // monitor's newest checks. Plans that depend on bound values need STAT4 samples, which
    // Vigil never gathers (no ANALYZE), so nothing is lost.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

impl Database {
    /// Opens (creating if needed) the database at `path`, applies `migrate` on the writer
    /// connection, and starts the writer thread.
    pub(crate) fn open(path: &Path, migrate: impl FnOnce(&mut Connection) -> anyhow::Result<()>) -> anyhow::Result<Self> {
        Self::open_with(path, migrate, LOG_KEPT_BYTES, LOG_IDLE)
    }

    /// [`Database::open`], cutting the log back to nothing once it is over `log_kept` bytes and
    /// the writer has been idle for `log_idle`.
    fn open_with(
        path: &Path,
        migrate: impl FnOnce(&mut Connection) -> anyhow::Result<()>,
        log_kept: u64,
        log_idle: Duration,
    ) -> anyhow::Result<Self> {
        let mut conn = Connection::open(path).with_context(|| format!("opening the database {}", path.display()))?;
        configure(&conn)?;
        // WAL lets readers run while the writer commits; FULL makes each commit durable.
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(anyhow!("the database {} cannot use write-ahead logging (mode {mode})", path.display()));
        }
        // NORMAL: SQLite does not flush the log at each commit; the syncer thread does, before
        // any job is answered (see `run_syncer`), which is what FULL would do, but off the
        // writer's path. Checkpoints still flush the log before copying it and the database
        // after.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Heartbeat pings update random rows at a high rate: a larger page cache keeps the
        // B-tree pages they touch in memory, statement journals stay off the file system, and a
        // larger checkpoint threshold writes a hot page back to the database file once per
        // checkpoint rather than once every few commits. Durability is unchanged: every commit
        // is still fsynced in the WAL.
        conn.pragma_update(None, "cache_size", -16_384)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Under load the log keeps its high-water mark: once checkpointed, SQLite restarts it
        // from its beginning, and writing over pages the file already has costs far less than
        // growing it again (cutting it back at each restart was a fifth of the writer's time at
        // 14,000 pings/s). The writer cuts it back once idle instead (`LogShrink`).
        conn.pragma_update(None, "journal_size_limit", -1)?;
        migrate(&mut conn).with_context(|| format!("migrating the database {}", path.display()))?;

        let wal = PathBuf::from(format!("{}-wal", path.display()));
        let (synced, to_sync) = mpsc::channel::<Committed>();
        let flushes = Arc::new(AtomicU64::new(0));
        let syncer = Syncer {
            wal: wal.clone(),
            patience: tuned("VIGIL_SQLITE_PATIENCE_MS", PATIENCE, Duration::from_millis),
            flushes: Arc::clone(&flushes),
        };
        std::thread::Builder::new()
            .name("vigil-sqlite-sync".into())
            .spawn(move || syncer.run(to_sync))
            .context("starting the database syncer thread")?;
        let (sender, receiver) = write_queue::<Job>();
        let log = Arc::new(LogWatch::default());
        watch_the_log(&mut conn, Arc::clone(&log))?;
        #[cfg(test)]
        let commits = Arc::clone(&log);
        let writer = Writer {
            gathering: Gathering::new(tuned("VIGIL_SQLITE_GATHER_US", GATHER, Duration::from_micros)),
            hold: tuned("VIGIL_SQLITE_HOLD_MS", HOLD, Duration::from_millis),
            shrink: LogShrink { wal, kept: log_kept, idle: log_idle },
        };
        std::thread::Builder::new()
            .name("vigil-sqlite-writer".into())
            .spawn(move || writer.run(conn, receiver, synced))
            .context("starting the database writer thread")?;
        let checkpointer = Connection::open(path).with_context(|| format!("opening the checkpointer on {}", path.display()))?;
        configure(&checkpointer)?;
        let checkpointer = Checkpointer::start(checkpointer, log)?;
        Ok(Self {
            writer: sender,
            readers: Arc::new(ReaderPool { path: path.to_owned(), idle: Mutex::new(Vec::new()), permits: Semaphore::new(READERS) }),
            _checkpointer: Arc::new(checkpointer),
            #[cfg(test)]
            flushes,
            #[cfg(test)]
            log: commits,
        })
    }

    /// Runs `f` in the writer's transaction and returns its result once committed and flushed.
    /// If `f` fails, its changes are rolled back and the other writes of the group still commit.
    pub(crate) async fn write<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> anyhow::Result<R> + Send + 'static,
    ) -> anyhow::Result<R> {
        self.submit(f).await
    }

    /// [`Database::write`] for a write that may run more than once: `f` has no effect but its
    /// statements, and running it again after a rollback does the same. SQLite copies every page
    /// a savepoint changes into a journal (a tenth of the writer's time at 12,000 pings/s), so
    /// the repeatable writes of a group run first, without savepoints; only if one of them fails
    /// are they all rolled back and run again, each in a savepoint of its own, so that it fails
    /// alone.
    pub(crate) async fn write_repeatable<R: Send + 'static>(
        &self,
        f: impl Fn(&Connection) -> anyhow::Result<R> + Send + 'static,
    ) -> anyhow::Result<R> {
        self.submit_repeatable(f, false).await
    }

    /// [`Database::write_repeatable`] for a write no one waits on: the writer holds it for
    /// company for up to [`HOLD`] (a write someone waits on ends the hold) and then commits it,
    /// so that it is readable within that time; it is answered with the next flush that another
    /// write needs, or [`PATIENCE`] after the writer took it, instead of costing a commit and a
    /// flush of its own. A steady trickle of such writes then shares two commits and one fsync a
    /// second.
    pub(crate) async fn write_repeatable_patient<R: Send + 'static>(
        &self,
        f: impl Fn(&Connection) -> anyhow::Result<R> + Send + 'static,
    ) -> anyhow::Result<R> {
        self.submit_repeatable(f, true).await
    }

    async fn submit_repeatable<R: Send + 'static>(
        &self,
        f: impl Fn(&Connection) -> anyhow::Result<R> + Send + 'static,
        patient: bool,
    ) -> anyhow::Result<R> {
        let (reply, answer) = oneshot::channel();
        let work = Work::Repeatable(Box::new(Rerun { write: f, result: None, reply }));
        self.send(Job { work, patient }, answer).await
    }

    async fn submit<R: Send + 'static>(&self, f: impl FnOnce(&Connection) -> anyhow::Result<R> + Send + 'static) -> anyhow::Result<R> {
        let (reply, answer) = oneshot::channel();
        let work = Work::Once(Box::new(move |conn| {
            let result = attempt(conn, f);
            (result.is_ok(), reply_with(reply, result))
        }));
        self.send(Job { work, patient: false }, answer).await
    }

    async fn send<R>(&self, job: Job, answer: oneshot::Receiver<anyhow::Result<R>>) -> anyhow::Result<R> {
        let urgent = !job.patient;
        self.writer.send(job, urgent).map_err(|_| anyhow!("the database writer has stopped"))?;
        answer.await.map_err(|_| anyhow!("the database writer stopped before answering"))?
    }

    /// Runs `f` on a reader connection, off the async threads.
    pub(crate) async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> anyhow::Result<R> + Send + 'static,
    ) -> anyhow::Result<R> {
        let pool = Arc::clone(&self.readers);
        let _permit = pool.permits.acquire().await.context("the reader pool is closed")?;
        let pool_for_task = Arc::clone(&pool);
        tokio::task::spawn_blocking(move || {
            let pool = pool_for_task;
            let conn = match pool.idle.lock().map_err(|_| anyhow!("reader pool poisoned"))?.pop() {
                Some(conn) => conn,
                None => {
                    let conn = Connection::open_with_flags(&pool.path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                        .with_context(|| format!("opening a reader on {}", pool.path.display()))?;
                    configure(&conn)?;
                    conn
                }
            };
            let result = f(&conn);
            if let Ok(mut idle) = pool.idle.lock() {
                idle.push(conn);
            }
            result
        })
        .await
        .context("a database read panicked")?
    }
}

/// A tuning knob for benchmarks: the environment variable `var` in the unit `unit`, or `default`.
fn tuned(var: &str, default: Duration, unit: fn(u64) -> Duration) -> Duration {
    std::env::var(var).ok().and_then(|value| value.parse().ok()).map_or(default, unit)
}

/// A log past this size (64 MiB) is cut back once the writer is idle.
const LOG_KEPT_BYTES: u64 = 64 * 1024 * 1024;
/// How long the writer waits with nothing to do before it looks at the log's size.
const LOG_IDLE: Duration = Duration::from_secs(10);

/// Cutting the write-ahead log back after a burst. While writes come, the log keeps its
/// high-water mark (see `journal_size_limit` in [`Database::open`]). Once the writer has had
/// nothing to do for `idle`, a log over `kept` bytes is checkpointed and truncated to nothing,
/// so a burst does not hold its disk space for good.
struct LogShrink {
    wal: PathBuf,
    kept: u64,
    idle: Duration,
}

impl LogShrink {
    /// Runs on the writer's own connection, between its transactions, so that no write can
    /// race the truncation. `false` if the log is still to be cut back (a reader held it).
    fn after_idle(&self, conn: &Connection) -> bool {
        let size = std::fs::metadata(&self.wal).map_or(0, |m| m.len());
        if size <= self.kept {
            return true;
        }
        // A reader that holds the log back (a backup, say) must not keep jobs queued behind
        // this for the usual busy timeout: the writer tries again after another idle spell.
        let truncated = conn
            .busy_timeout(Duration::from_millis(100))
            .and_then(|()| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0)).map(|busy| busy == 0));
        if let Err(error) = conn.busy_timeout(BUSY_TIMEOUT) {
            tracing::warn!(%error, "restoring the writer's busy timeout failed");
        }
        match truncated {
            Ok(true) => {
                tracing::debug!(bytes = size, "cut the write-ahead log back after a burst");
                true
            }
            Ok(false) => {
                tracing::debug!(bytes = size, "the write-ahead log is still in use; cutting it back later");
                false
            }
            Err(error) => {
                tracing::warn!(%error, "cutting the write-ahead log back failed");
                false
            }
        }
    }
}

/// The writer thread's state.
struct Writer {
    gathering: Gathering,
    /// How long a group of patient writes is held for more (see [`HOLD`]).
    hold: Duration,
    shrink: LogShrink,
}

impl Writer {
    fn run(mut self, mut conn: Connection, jobs: QueueReceiver<Job>, syncer: mpsc::Sender<Committed>) {
        let mut last_commit: Option<Instant> = None;
        // Whether the log may need cutting back (a commit came since it was last looked at, or
        // cutting it back failed): otherwise an idle writer sleeps until the next job, with no
        // timer.
        let mut shrink_due = false;
        loop {
            let first = match jobs.recv_until(shrink_due.then(|| Instant::now() + self.shrink.idle)) {
                Ok(job) => job,
                Err(Ended::Timeout) => {
                    shrink_due = !self.shrink.after_idle(&conn);
                    continue;
                }
                Err(Ended::Disconnected) => break,
            };
            shrink_due = true;
            let streaming = last_commit.is_some_and(|at| at.elapsed() < STREAM_GAP);
            let since = Instant::now();
            let group = self.gather(first, &jobs, streaming);
            let patient = group.iter().all(|job| job.patient);
            let changes_before = conn.total_changes();
            let outcome = commit_group(&mut conn, group);
            let wrote = conn.total_changes() != changes_before;
            last_commit = Some(Instant::now());
            match outcome {
                // Committed: answered once the log is flushed.
                Ok(completions) => {
                    if let Err(mpsc::SendError(committed)) = syncer.send(Committed { completions, wrote, patient, since }) {
                        let error = anyhow!("the database syncer has stopped");
                        for complete in committed.completions {
                            complete(Some(&error));
                        }
                    }
                }
                Err((completions, error)) => {
                    tracing::error!(error = %format!("{error:#}"), "a database commit failed");
                    for complete in completions {
                        complete(Some(&error));
                    }
                }
            }
        }
    }

    /// The jobs to commit with `first`: those already queued and, when [`Gathering`] says a
    /// wait pays, those that arrive within its window.
    fn gather(&mut self, first: Job, jobs: &QueueReceiver<Job>, streaming: bool) -> Vec<Job> {
        let started = Instant::now();
        let mut group = vec![first];
        jobs.take_into(&mut group, MAX_GROUP);
        if let Some(window) = self.gathering.wait_for(group.len(), streaming) {
            let companion = jobs.recv_until(Some(started + window));
            self.gathering.waited(companion.is_ok());
            if let Ok(job) = companion {
                group.push(job);
                jobs.take_into(&mut group, MAX_GROUP);
            }
        }
        self.hold_patient(&mut group, jobs, started);
        group
    }

    /// Holds a group of only patient writes, until [`HOLD`] after `started`, for more writes:
    /// up to a full group, and only until a write someone waits on is queued. Patient writes
    /// that arrive meanwhile wait in the queue without waking the writer. A stopped queue ends
    /// the hold too, so that what is held is committed before the writer stops.
    fn hold_patient(&self, group: &mut Vec<Job>, jobs: &QueueReceiver<Job>, started: Instant) {
        if self.hold.is_zero() || group.len() >= MAX_GROUP || !group.iter().all(|job| job.patient) {
            return;
        }
        jobs.wait_for_urgent(started + self.hold, MAX_GROUP - group.len());
        jobs.take_into(group, MAX_GROUP);
    }
}

/// The syncer thread: it flushes the write-ahead log after each committed group and then answers
/// its jobs. Groups committed while a flush runs are answered together after the next one: an
/// fsync flushes everything written to the file before it. Groups of patient writes are held,
/// for up to `patience`, until a group that someone waits on comes to share their flush.
struct Syncer {
    wal: PathBuf,
    patience: Duration,
    flushes: Arc<AtomicU64>,
}

impl Syncer {
    fn run(self, groups: mpsc::Receiver<Committed>) {
        let mut file: Option<(std::fs::File, u64)> = None;
        while let Ok(mut batch) = groups.recv() {
            while let Ok(more) = groups.try_recv() {
                batch.absorb(more);
            }
            if batch.wrote && batch.patient && !self.patience.is_zero() {
                let deadline = batch.since + self.patience;
                while batch.patient {
                    match groups.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                        Ok(more) => batch.absorb(more),
                        Err(_) => break,
                    }
                }
            }
            // A group that changed nothing has nothing to flush, and everything committed before
            // it was flushed when its own group was answered, or is in this batch.
            let flushed = if batch.wrote {
                self.flushes.fetch_add(1, Ordering::Relaxed);
                flush(&self.wal, &mut file)
            } else {
                Ok(())
            };
            if let Err(error) = &flushed {
                tracing::error!(error = %format!("{error:#}"), "flushing the database log failed");
            }
            for complete in batch.completions {
                complete(flushed.as_ref().err());
            }
        }
    }
}

/// fsyncs the log, reopening it if SQLite replaced the file since it was last opened.
fn flush(wal: &Path, file: &mut Option<(std::fs::File, u64)>) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(wal).with_context(|| format!("reading {}", wal.display()))?.ino();
    if file.as_ref().is_none_or(|(_, open)| *open != inode) {
        let opened = std::fs::OpenOptions::new().write(true).open(wal).with_context(|| format!("opening {}", wal.display()))?;
        *file = Some((opened, inode));
    }
    if let Some((open, _)) = file {
        open.sync_data().with_context(|| format!("flushing {}", wal.display()))?;
    }
    Ok(())
}

type GroupResult = Result<Vec<Completion>, (Vec<Completion>, anyhow::Error)>;

/// Runs a group in one transaction: its repeatable writes first, without savepoints (all of them
/// again, each in its own, if one fails), then the others, each in its own savepoint. Writes in
/// one group were in the queue together, so no caller waits on their order.
fn commit_group(conn: &mut Connection, group: Vec<Job>) -> GroupResult {
    let mut repeatable = Vec::new();
    let mut once = Vec::new();
    for job in group {
        match job.work {
            Work::Repeatable(work) => repeatable.push(work),
            Work::Once(work) => once.push(work),
        }
    }
    let tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(error) => return Err(fail_all(repeatable, once, anyhow::Error::from(error).context("starting a transaction"))),
    };
    let repeatable_done = repeatable.iter_mut().all(|work| work.run(Ok(&tx)));
    let mut tx = if repeatable_done {
        tx
    } else {
        // One failed: undo them all, to run each in a savepoint of its own below. A failed
        // statement may have ended the transaction already (SQLite rolls back on some errors);
        // starting the next one says whether the connection is usable.
        let _ = tx.rollback();
        match conn.transaction() {
            Ok(tx) => tx,
            Err(error) => return Err(fail_all(repeatable, once, anyhow::Error::from(error).context("starting a transaction again"))),
        }
    };
    let mut completions = Vec::with_capacity(repeatable.len() + once.len());
    for mut work in repeatable {
        if !repeatable_done {
            in_savepoint(&mut tx, |conn| (work.run(conn), ()));
        }
        completions.push(work.completion());
    }
    for work in once {
        completions.push(in_savepoint(&mut tx, work));
    }
    match tx.commit() {
        Ok(()) => Ok(completions),
        Err(error) => Err((completions, anyhow::Error::from(error).context("committing a transaction"))),
    }
}

/// Every write of a group that could not run, failed with `error` (a repeatable write's earlier
/// run was rolled back with it).
fn fail_all(repeatable: Vec<Box<dyn Repeatable>>, once: Vec<Once>, error: anyhow::Error) -> (Vec<Completion>, anyhow::Error) {
    let mut completions = Vec::with_capacity(repeatable.len() + once.len());
    for mut work in repeatable {
        work.run(Err(&error));
        completions.push(work.completion());
    }
    for work in once {
        let (_, complete) = work(Err(&error));
        completions.push(complete);
    }
    (completions, error)
}

/// Runs `run` in a savepoint of `tx`, kept if it says it succeeded and rolled back if not;
/// without a savepoint, `run` fails for that reason. Returns what `run` returned beside that.
fn in_savepoint<T>(tx: &mut rusqlite::Transaction<'_>, run: impl FnOnce(Result<&Connection, &anyhow::Error>) -> (bool, T)) -> T {
    match tx.savepoint() {
        Ok(mut savepoint) => {
            let (ok, value) = run(Ok(&savepoint));
            if ok {
                if let Err(error) = savepoint.commit() {
                    tracing::error!(%error, "releasing a savepoint failed");
                }
            } else {
                let _ = savepoint.rollback();
            }
            value
        }
        Err(error) => {
            let error = anyhow::Error::from(error).context("opening a savepoint");
            run(Err(&error)).1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &tempfile::TempDir) -> Database {
        Database::open(&dir.path().join("test.db"), |conn| Ok(conn.execute_batch("CREATE TABLE t (x INTEGER)")?)).unwrap()
    }

    fn insert(x: i64) -> impl Fn(&Connection) -> anyhow::Result<()> + Send + 'static {
        move |conn| Ok(conn.execute("INSERT INTO t (x) VALUES (?1)", [x]).map(drop)?)
    }

    /// A patient insert of `x`, running on its own.
    fn spawn_patient(db: &Database, x: i64) -> tokio::task::JoinHandle<anyhow::Result<()>> {
        let db = db.clone();
        tokio::spawn(async move { db.write_repeatable_patient(insert(x)).await })
    }

    async fn rows(db: &Database) -> i64 {
        db.read(|conn| Ok(conn.query_row("SELECT count(*) FROM t", [], |row| row.get(0))?)).await.unwrap()
    }

    /// An insert of `x` that then fails if `fails` says so, counting its runs in `runs`.
    fn repeatable_insert(x: i64, fails: bool, runs: &Arc<AtomicU64>) -> (Job, oneshot::Receiver<anyhow::Result<()>>) {
        let (reply, answer) = oneshot::channel();
        let runs = Arc::clone(runs);
        let write = move |conn: &Connection| {
            runs.fetch_add(1, Ordering::Relaxed);
            conn.execute("INSERT INTO t (x) VALUES (?1)", [x])?;
            anyhow::ensure!(!fails, "refused {x}");
            Ok(())
        };
        (Job { work: Work::Repeatable(Box::new(Rerun { write, result: None, reply })), patient: false }, answer)
    }

    /// The same as a write that runs once.
    fn once_insert(x: i64, fails: bool) -> (Job, oneshot::Receiver<anyhow::Result<()>>) {
        let (reply, answer) = oneshot::channel();
        let work: Once = Box::new(move |conn| {
            let result = conn.map_err(|e| anyhow!("{e}")).and_then(|conn| {
                conn.execute("INSERT INTO t (x) VALUES (?1)", [x])?;
                anyhow::ensure!(!fails, "refused {x}");
                Ok(())
            });
            (result.is_ok(), reply_with(reply, result))
        });
        (Job { work: Work::Once(work), patient: false }, answer)
    }

    /// Commits `group` on a fresh table and answers its writes; what each was answered, in the
    /// order of `answers`, and the rows committed.
    fn commit(group: Vec<Job>, answers: Vec<oneshot::Receiver<anyhow::Result<()>>>) -> (Vec<Result<(), String>>, Vec<i64>) {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
        for complete in commit_group(&mut conn, group).map_err(|(_, error)| error).unwrap() {
            complete(None);
        }
        let answered = answers.into_iter().map(|mut answer| answer.try_recv().unwrap().map_err(|e| e.to_string())).collect();
        let mut statement = conn.prepare("SELECT x FROM t ORDER BY x").unwrap();
        let rows = statement.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
        (answered, rows)
    }

    #[test]
    fn repeatable_writes_run_once_without_savepoints_when_none_fails() {
        let runs = Arc::new(AtomicU64::new(0));
        let (jobs, answers): (Vec<_>, Vec<_>) =
            [repeatable_insert(1, false, &runs), once_insert(2, false), repeatable_insert(3, false, &runs)].into_iter().unzip();
        let (answered, rows) = commit(jobs, answers);
        assert_eq!(answered, vec![Ok(()), Ok(()), Ok(())]);
        assert_eq!(rows, vec![1, 2, 3]);
        assert_eq!(runs.load(Ordering::Relaxed), 2, "each repeatable write ran once");
    }

    #[test]
    fn a_failing_repeatable_write_rolls_back_alone_and_the_others_run_again_once() {
        let runs = Arc::new(AtomicU64::new(0));
        let (jobs, answers): (Vec<_>, Vec<_>) = [
            repeatable_insert(1, false, &runs),
            repeatable_insert(2, true, &runs),
            once_insert(3, false),
            repeatable_insert(4, false, &runs),
            once_insert(5, true),
        ]
        .into_iter()
        .unzip();
        let (answered, rows) = commit(jobs, answers);
        assert_eq!(answered, vec![Ok(()), Err("refused 2".into()), Ok(()), Ok(()), Err("refused 5".into())]);
        assert_eq!(rows, vec![1, 3, 4], "the failed writes' rows were rolled back, the others' kept once");
        // 1 and 2 ran without savepoints until 2 failed; then 1, 2 and 4 ran in savepoints.
        assert_eq!(runs.load(Ordering::Relaxed), 5);
    }

    #[tokio::test]
    async fn an_idle_writer_cuts_a_big_log_back_and_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        let tables = |conn: &mut Connection| Ok(conn.execute_batch("CREATE TABLE t (x INTEGER); CREATE TABLE pad (b BLOB)")?);
        let db = Database::open_with(&path, tables, 64 * 1024, Duration::from_millis(300)).unwrap();
        let wal_size = || std::fs::metadata(dir.path().join("test.db-wal")).unwrap().len();
        for _ in 0..50 {
            db.write(|conn| Ok(conn.execute("INSERT INTO pad (b) VALUES (zeroblob(8192))", []).map(drop)?)).await.unwrap();
        }
        assert!(wal_size() > 400 * 1024, "the log holds the writes: {} bytes", wal_size());

        tokio::time::sleep(Duration::from_millis(900)).await;
        assert_eq!(wal_size(), 0, "cut back once the writer was idle");
        let padded: i64 = db.read(|conn| Ok(conn.query_row("SELECT count(*) FROM pad", [], |row| row.get(0))?)).await.unwrap();
        assert_eq!(padded, 50);
        db.write(insert(7)).await.unwrap();
        assert_eq!(rows(&db).await, 1, "the log takes writes again");
        assert!(wal_size() > 0);
    }

    #[tokio::test]
    async fn patient_writes_share_one_flush() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir);
        let writes: Vec<_> = (0..20).map(|x| spawn_patient(&db, x)).collect();
        for write in writes {
            write.await.unwrap().unwrap();
        }
        assert_eq!(rows(&db).await, 20);
        assert_eq!(db.flushes.load(Ordering::Relaxed), 1, "twenty patient writes, one flush");
    }

    #[tokio::test]
    async fn a_write_someone_waits_on_carries_the_patient_ones_and_they_are_readable_before() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir);
        let patient = spawn_patient(&db, 1);
        // Committed, readable, and not yet answered: it waits for a flush.
        while rows(&db).await == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(!patient.is_finished(), "answered before any flush");
        assert_eq!(db.flushes.load(Ordering::Relaxed), 0);
        db.write(insert(2)).await.unwrap();
        patient.await.unwrap().unwrap();
        assert_eq!(db.flushes.load(Ordering::Relaxed), 1, "the waited-on write's flush answered both");
        assert_eq!(rows(&db).await, 2);
    }

    #[tokio::test]
    async fn patient_writes_that_arrive_apart_are_held_into_one_commit() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir);
        let started = Instant::now();
        let mut writes = Vec::new();
        for x in 0..5 {
            writes.push(spawn_patient(&db, x));
            // Apart by more than the gathering window, as scheduled checks come.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for write in writes {
            write.await.unwrap().unwrap();
        }
        assert_eq!(rows(&db).await, 5);
        assert_eq!(db.log.commits.load(Ordering::Relaxed), 1, "five writes 20 ms apart, one commit");
        assert_eq!(db.flushes.load(Ordering::Relaxed), 1);
        assert!(started.elapsed() < PATIENCE + Duration::from_millis(500), "answered within their patience: {:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_write_someone_waits_on_ends_the_hold_of_patient_ones() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir);
        let patient = spawn_patient(&db, 1);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(rows(&db).await, 0, "held for company");
        let waited_on = Instant::now();
        db.write(insert(2)).await.unwrap();
        assert!(waited_on.elapsed() < HOLD / 2, "not held: answered after {:?}", waited_on.elapsed());
        patient.await.unwrap().unwrap();
        assert_eq!(db.log.commits.load(Ordering::Relaxed), 1, "committed together");
        assert_eq!(rows(&db).await, 2);
    }

    /// The id of `k` that `?2` of its ids are newer than: a parameter whose equality lets the
    /// ORDER BY walk the key, and one in the LIMIT clause.
    const NEWEST_BUT: &str = "SELECT id FROM p WHERE k = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2";

    /// Runs [`NEWEST_BUT`] for every `k` in `ks`, cached, and says how often SQLite compiled it
    /// again since it was first prepared on `conn`.
    fn recompiled(conn: &Connection, ks: std::ops::Range<i64>) -> anyhow::Result<i32> {
        use rusqlite::OptionalExtension as _;
        for k in ks {
            let _: Option<i64> = conn.prepare_cached(NEWEST_BUT)?.query_row([k, k % 3], |row| row.get(0)).optional()?;
        }
        Ok(conn.prepare_cached(NEWEST_BUT)?.get_status(rusqlite::StatementStatus::RePrepare))
    }

    #[tokio::test]
    async fn cached_statements_are_not_compiled_again_for_new_values() {
        let dir = tempfile::tempdir().unwrap();
        let schema = "CREATE TABLE p (k INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (k, id)) WITHOUT ROWID";
        let db = Database::open(&dir.path().join("test.db"), |conn| Ok(conn.execute_batch(schema)?)).unwrap();
        db.write(|conn| {
            Ok(conn.execute_batch(
                "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 200) INSERT INTO p SELECT v % 10, v FROM n",
            )?)
        })
        .await
        .unwrap();
        // Each run of the writer and of a reader binds new values to the same cached statement.
        assert_eq!(db.write(|conn| recompiled(conn, 0..10)).await.unwrap(), 0, "the writer compiled it again");
        assert_eq!(db.read(|conn| recompiled(conn, 0..10)).await.unwrap(), 0, "a reader compiled it again");
    }

    #[tokio::test]
    async fn a_patient_write_alone_is_flushed_after_its_patience() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir);
        db.write_repeatable_patient(insert(1)).await.unwrap();
        assert_eq!(db.flushes.load(Ordering::Relaxed), 1);
    }
}
