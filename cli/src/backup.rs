//! `vigil backup` and `vigil restore`: the self-hosted store copied while it runs, and put back
//! while nothing runs.

use anyhow::Context;
use std::io::Write;
use std::path::Path;
use vigil_local::DataDirLock;
use vigil_local::sqlite::{BackupSummary, backup_database, restore_database};

/// The database file inside a data directory.
pub fn database_in(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("vigil.db")
}

/// Copies the database of `data_dir` to `file` while `vigil serve` may be running, showing
/// progress on stderr.
pub fn backup(data_dir: &Path, file: &Path) -> anyhow::Result<BackupSummary> {
    let summary = backup_database(&database_in(data_dir), file, |written, total| {
        let percent = (written.min(total) * 100).checked_div(total).unwrap_or(100);
        eprint!("\rcopying {} of {} ({percent} %)", megabytes(written.min(total)), megabytes(total));
        let _ = std::io::stderr().flush();
    })
    .with_context(|| format!("backing up {}", data_dir.display()))?;
    eprintln!();
    Ok(summary)
}

/// Puts `file` back as the database of `data_dir`, keeping the database it replaces. Refused
/// while a server uses the directory.
pub fn restore(data_dir: &Path, file: &Path) -> anyhow::Result<(Option<std::path::PathBuf>, BackupSummary)> {
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let _lock = DataDirLock::acquire(data_dir)?;
    restore_database(file, &database_in(data_dir)).with_context(|| format!("restoring {} into {}", file.display(), data_dir.display()))
}

/// What a summary says to a person.
pub fn describe(summary: &BackupSummary) -> String {
    let counts: Vec<String> = summary.counts.iter().map(|(table, n)| counted(*n, table)).collect();
    format!("{}, schema {}: {}", megabytes(summary.bytes), summary.schema_version, counts.join(", "))
}

/// `1 monitor`, `2 check results`: tables are named in the plural.
fn counted(n: u64, table: &str) -> String {
    let noun = table.replace('_', " ");
    match noun.strip_suffix('s') {
        Some(singular) if n == 1 => format!("{n} {singular}"),
        _ => format!("{n} {noun}"),
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}
