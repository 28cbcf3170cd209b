//! The checkpointer thread: it copies committed log frames into the database file, on its own
//! connection, so that a commit never waits for one.
//!
//! It sleeps until a checkpoint is due rather than looking on a clock: with nothing committed
//! since its last complete checkpoint it sleeps until the next commit; otherwise until the log
//! holds [`CHECKPOINT_AFTER_PAGES`] or [`CHECKPOINT_AT_LEAST_EVERY`] has passed. The writer's
//! commit hook wakes it, and only when it asked to be woken, so an idle installation has no
//! checkpointer waking up twice a second for nothing, as it had with a 500 ms clock.

use anyhow::Context;
use rusqlite::Connection;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// Pages in the log that make a checkpoint worth its cost (about 4 MB).
const CHECKPOINT_AFTER_PAGES: u64 = 1000;
/// Otherwise, a checkpoint at least this often while anything was committed.
const CHECKPOINT_AT_LEAST_EVERY: Duration = Duration::from_secs(10);
/// The shortest time between two attempts: a checkpoint that a reader held back is tried again
/// after this, not at once.
const RETRY_GAP: Duration = Duration::from_millis(500);
/// Pages in the log past which the writer checkpoints itself (about 200 MB), should the
/// checkpointer fall behind.
const CHECKPOINT_BACKSTOP_PAGES: i32 = 50_000;

/// What the writer's commits did to the log, shared with the checkpointer.
#[derive(Default)]
pub(super) struct LogWatch {
    /// Commits that wrote to the log.
    pub(super) commits: AtomicU64,
    /// Pages in the log after the last of them.
    pages: AtomicU64,
    /// Checkpoints that copied the whole log.
    pub(super) checkpoints: AtomicU64,
    /// Times the checkpointer looked whether a checkpoint is due.
    pub(super) looks: AtomicU64,
    /// The checkpointer sleeps until the next commit.
    wake_on_commit: AtomicBool,
    /// The checkpointer sleeps until the log holds [`CHECKPOINT_AFTER_PAGES`] (or its timeout).
    wake_on_pages: AtomicBool,
    stopped: AtomicBool,
    thread: OnceLock<Thread>,
}

impl LogWatch {
    fn wake(&self) {
        if let Some(thread) = self.thread.get() {
            thread.unpark();
        }
    }
}

/// Keeps `log` up to date after each commit on `conn` that wrote to the log, wakes the
/// checkpointer when it waits for that commit, and checkpoints on the writer itself past
/// [`CHECKPOINT_BACKSTOP_PAGES`] (what SQLite's `wal_autocheckpoint` does, which this hook
/// replaces).
pub(super) fn watch_the_log(conn: &mut Connection, log: Arc<LogWatch>) -> anyhow::Result<()> {
    conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: std::ffi::c_int| {
        let pages_now = u64::try_from(pages).unwrap_or(0);
        log.pages.store(pages_now, Ordering::SeqCst);
        log.commits.fetch_add(1, Ordering::SeqCst);
        let waited_for = (log.wake_on_commit.load(Ordering::SeqCst) && log.wake_on_commit.swap(false, Ordering::SeqCst))
            || (pages_now >= CHECKPOINT_AFTER_PAGES
                && log.wake_on_pages.load(Ordering::SeqCst)
                && log.wake_on_pages.swap(false, Ordering::SeqCst));
        if waited_for {
            log.wake();
        }
        if pages >= CHECKPOINT_BACKSTOP_PAGES {
            // An error returned from here would fail the statement whose commit has already
            // happened, so its callers would be told their committed write failed. A checkpoint
            // that fails (busy with the checkpointer's own) is simply tried at the next commit,
            // as SQLite's own hook does.
            let _ = wal.checkpoint();
        }
        Ok(())
    }))
    .context("watching the write-ahead log")
}

/// Whether to checkpoint now, with `commits` committed groups since the last complete
/// checkpoint, `pages` in the log and `since` the last attempt. A checkpoint copies pages into
/// the database file and flushes it: at a trickle of writes, one every 500 ms cost a fifth of
/// the CPU (docs/benchmarks.md).
fn checkpoint_due(commits: u64, pages: u64, since: Duration) -> bool {
    commits > 0 && since >= RETRY_GAP && (pages >= CHECKPOINT_AFTER_PAGES || since >= CHECKPOINT_AT_LEAST_EVERY)
}

/// The running checkpointer; dropping it stops the thread.
pub(super) struct Checkpointer {
    log: Arc<LogWatch>,
}

impl Checkpointer {
    /// Starts the thread on `conn`, fed by `log`.
    pub(super) fn start(conn: Connection, log: Arc<LogWatch>) -> anyhow::Result<Self> {
        let watched = Arc::clone(&log);
        std::thread::Builder::new()
            .name("vigil-sqlite-checkpoint".into())
            .spawn(move || {
                let _ = watched.thread.set(std::thread::current());
                run(&conn, &watched);
            })
            .context("starting the database checkpointer thread")?;
        Ok(Self { log })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.log.stopped.store(true, Ordering::SeqCst);
        self.log.wake();
    }
}

/// Copies committed log frames into the database file (a PASSIVE checkpoint: it never blocks
/// the writer or readers) when [`checkpoint_due`] says so, until stopped. A complete checkpoint
/// lets the writer restart the log from its beginning.
fn run(conn: &Connection, log: &LogWatch) {
    let mut checkpointed = 0;
    // The first checkpoint comes no sooner than a full interval after the start.
    let mut attempted = Instant::now();
    while !log.stopped.load(Ordering::SeqCst) {
        log.looks.fetch_add(1, Ordering::Relaxed);
        let committed = log.commits.load(Ordering::SeqCst);
        let pages = log.pages.load(Ordering::SeqCst);
        let since = attempted.elapsed();
        if checkpoint_due(committed - checkpointed, pages, since) {
            attempted = Instant::now();
            match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))) {
                // Frames still in the log (a reader held them back) are copied next time.
                Ok((logged, copied)) if logged == copied => {
                    checkpointed = committed;
                    log.checkpoints.fetch_add(1, Ordering::Relaxed);
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "a WAL checkpoint failed; retrying"),
            }
            continue;
        }
        // Each flag is set before the state it waits on is read again, and the hook changes that
        // state before it reads the flag, so a commit cannot slip between the two unseen; an
        // unpark that comes before the park makes the park return at once.
        if committed == checkpointed {
            log.wake_on_commit.store(true, Ordering::SeqCst);
            if log.commits.load(Ordering::SeqCst) == committed && !log.stopped.load(Ordering::SeqCst) {
                std::thread::park();
            }
            log.wake_on_commit.store(false, Ordering::SeqCst);
        } else if pages >= CHECKPOINT_AFTER_PAGES {
            std::thread::park_timeout(RETRY_GAP.saturating_sub(since));
        } else {
            log.wake_on_pages.store(true, Ordering::SeqCst);
            if log.pages.load(Ordering::SeqCst) < CHECKPOINT_AFTER_PAGES && !log.stopped.load(Ordering::SeqCst) {
                std::thread::park_timeout(CHECKPOINT_AT_LEAST_EVERY.saturating_sub(since));
            }
            log.wake_on_pages.store(false, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_the_checkpointer_checkpoints() {
        let second = Duration::from_secs(1);
        // (commits since the last checkpoint, pages in the log, time since the last attempt, due)
        let cases = [
            (0, 0, 60 * second, false),
            (0, 5000, 60 * second, false),
            (1, 10, second, false),
            (1, 10, 10 * second, true),
            (300, 999, 9 * second, false),
            (3, 1000, second, true),
            (200, 40_000, second, true),
            (3, 1000, Duration::from_millis(100), false),
        ];
        for (commits, pages, since, due) in cases {
            assert_eq!(checkpoint_due(commits, pages, since), due, "{commits} commits, {pages} pages, {since:?}");
        }
    }

    fn open(dir: &tempfile::TempDir) -> (Connection, Arc<LogWatch>, Checkpointer) {
        let path = dir.path().join("test.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE pad (b BLOB)").unwrap();
        let log = Arc::new(LogWatch::default());
        watch_the_log(&mut conn, Arc::clone(&log)).unwrap();
        let checkpointer = Checkpointer::start(Connection::open(&path).unwrap(), Arc::clone(&log)).unwrap();
        (conn, log, checkpointer)
    }

    fn wait_for(what: impl Fn() -> bool) -> bool {
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if what() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn an_idle_checkpointer_sleeps_and_a_full_log_wakes_it() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, log, _checkpointer) = open(&dir);
        std::thread::sleep(Duration::from_millis(1200));
        assert_eq!(log.looks.load(Ordering::Relaxed), 1, "with nothing committed it looked once and slept");

        // A small commit wakes it, but a checkpoint is not due yet: it sleeps again.
        conn.execute("INSERT INTO pad VALUES (zeroblob(100))", []).unwrap();
        assert!(wait_for(|| log.looks.load(Ordering::Relaxed) == 2));
        std::thread::sleep(Duration::from_millis(600));
        assert_eq!(log.looks.load(Ordering::Relaxed), 2, "no clock wakes it before its interval");
        assert_eq!(log.checkpoints.load(Ordering::Relaxed), 0);

        // A commit that fills the log past the threshold is checkpointed without waiting 10 s.
        conn.execute("INSERT INTO pad VALUES (zeroblob(5000000))", []).unwrap();
        assert!(wait_for(|| log.checkpoints.load(Ordering::Relaxed) == 1), "checkpointed once the log was full");
    }

    #[test]
    fn dropping_the_checkpointer_stops_its_thread() {
        let dir = tempfile::tempdir().unwrap();
        let (_conn, log, checkpointer) = open(&dir);
        assert!(wait_for(|| log.thread.get().is_some()));
        drop(checkpointer);
        // The thread holds the only other reference to the log; it drops it when it ends.
        assert!(wait_for(|| Arc::strong_count(&log) == 2), "the hook's and this test's references are left");
    }
}
