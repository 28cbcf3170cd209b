//! Backups of the store while it runs, and restoring one.
//!
//! A backup is SQLite's online backup of the whole file in one step: the source is read inside
//! one read transaction, so the copy is a consistent snapshot even while `vigil serve` keeps
//! writing (in WAL mode the reader blocks no writer; a chunked backup would restart at every
//! write of the server and might never end). The copy is written beside its destination and
//! renamed into place once verified, so a failed backup leaves no half file that looks whole.

use super::digests::DIGEST_ROW;
use super::schema;
use anyhow::{Context, bail, ensure};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What a backup or a restore holds, for the person who ran it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    /// The file's size in bytes.
    pub bytes: u64,
    /// Its schema version.
    pub schema_version: usize,
    /// Rows of the main tables: monitors, check results, tasks, incidents, channels.
    pub counts: Vec<(&'static str, u64)>,
}

/// The tables counted in a summary.
const COUNTED: [&str; 5] = ["monitors", "check_results", "tasks", "incidents", "channels"];

/// Copies the database at `source` to `destination`, which must not exist. `progress` is called
/// about five times a second with the bytes written so far and the size of the source.
pub fn backup_database(
    source: &Path,
    destination: &Path,
    progress: impl Fn(u64, u64) + Send + Sync + 'static,
) -> anyhow::Result<BackupSummary> {
    ensure!(source.exists(), "there is no database at {}", source.display());
    ensure!(!destination.exists(), "{} already exists; choose a new file name, a backup never overwrites", destination.display());
    let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening the database {}", source.display()))?;
    src.busy_timeout(Duration::from_secs(30))?;
    let version = vigil_schema_version(&src, source)?;
    let total =
        src.query_row("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", [], |r| r.get::<_, i64>(0))? as u64;
    let partial = partial_path(destination);
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        let mut dst = Connection::open(&partial).with_context(|| format!("creating {}", partial.display()))?;
        let done = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (done, partial) = (done.clone(), partial.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    progress(std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0), total);
                    std::thread::sleep(Duration::from_millis(200));
                }
                progress(total, total);
            })
        };
        let copied = Backup::new(&src, &mut dst).and_then(|backup| backup.step(-1));
        done.store(true, Ordering::Relaxed);
        let _ = watcher.join();
        copied.context("copying the database")?;
        // A single file that needs no -wal beside it.
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        let summary = verify(&dst, &partial)?;
        drop(dst);
        ensure!(summary.schema_version == version, "the copy has schema {}, the source {version}", summary.schema_version);
        Ok(summary)
    })();
    match result {
        Ok(summary) => {
            std::fs::rename(&partial, destination).with_context(|| format!("moving the backup to {}", destination.display()))?;
            Ok(summary)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}

/// Replaces the database at `database` with the backup `backup`, after checking that the
/// backup is a whole Vigil database this build can open. The database it replaces (with its
/// log) is kept beside it as `<name>.before-restore-<unix seconds>`; returns that path, if there
/// was one, and what the restored database holds. The caller makes sure no server uses
/// `database`.
pub fn restore_database(backup: &Path, database: &Path) -> anyhow::Result<(Option<PathBuf>, BackupSummary)> {
    ensure!(backup.exists(), "there is no backup at {}", backup.display());
    let summary = {
        let conn = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening the backup {}", backup.display()))?;
        verify(&conn, backup)?
    };
    let staged = partial_path(database);
    std::fs::copy(backup, &staged).with_context(|| format!("copying the backup to {}", staged.display()))?;
    std::fs::File::open(&staged)?.sync_all()?;
    let kept = if database.exists() {
        let stamp = jiff::Timestamp::now().as_second();
        let aside = PathBuf::from(format!("{}.before-restore-{stamp}", database.display()));
        std::fs::rename(database, &aside).with_context(|| format!("keeping the current database as {}", aside.display()))?;
        for suffix in ["-wal", "-shm"] {
            let log = PathBuf::from(format!("{}{suffix}", database.display()));
            if log.exists() {
                std::fs::rename(&log, format!("{}{suffix}", aside.display()))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&staged, database).with_context(|| format!("moving the restored database to {}", database.display()))?;
    Ok((kept, summary))
}

fn partial_path(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.partial", path.display()))
}

/// The schema version of a Vigil database this build can open.
fn vigil_schema_version(conn: &Connection, path: &Path) -> anyhow::Result<usize> {
    let version = conn
        .pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))
        .with_context(|| format!("{} is not an SQLite database", path.display()))? as usize;
    if version == 0 {
        bail!("{} is not a Vigil database (it has no Vigil schema)", path.display());
    }
    if version > schema::latest_version() {
        bail!(
            "{} was written by a newer Vigil (schema {version}, this build knows {}); use that version",
            path.display(),
            schema::latest_version()
        );
    }
    Ok(version)
}

/// Checks every page of the file and counts what it holds.
fn verify(conn: &Connection, path: &Path) -> anyhow::Result<BackupSummary> {
    let version = vigil_schema_version(conn, path)?;
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    ensure!(check == "ok", "{} is damaged: {check}", path.display());
    let mut counts = Vec::new();
    for table in COUNTED {
        let exists: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)", [table], |r| r.get(0))?;
        if exists {
            // Each monitor's digest is a row of `check_results` but no check (schema 15).
            let only_checks = if table == "check_results" { format!(" WHERE planned_at < {DIGEST_ROW}") } else { String::new() };
            let sql = format!("SELECT count(*) FROM {table}{only_checks}");
            counts.push((table, conn.query_row(&sql, [], |r| r.get::<_, i64>(0))? as u64));
        }
    }
    Ok(BackupSummary { bytes: std::fs::metadata(path)?.len(), schema_version: version, counts })
}
