//! One `vigil serve` per data directory: two would share one SQLite file with two writers and
//! two schedulers, and a restore must not swap the file under a running server.

use anyhow::Context;
use std::fs::{File, TryLockError};
use std::path::Path;

/// An exclusive lock on a data directory, held until dropped. The operating system releases it
/// when the process ends, however it ends, so a crash leaves no stale lock behind.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Takes the lock of `dir` (creating `dir/vigil.lock`), or says why it cannot.
    pub fn acquire(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join("vigil.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => anyhow::bail!(
                "another vigil process is using the data directory {} (vigil serve or vigil restore); stop it first",
                dir.display()
            ),
            Err(TryLockError::Error(error)) => Err(error).with_context(|| format!("locking {}", path.display())),
        }
    }
}
