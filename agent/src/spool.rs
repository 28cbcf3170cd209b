//! The on-disk backlog of unsent batches: one file per batch, named by its number, written
//! whole (temporary file, fsync, rename, fsync of the directory) before it is sent, and deleted
//! once the server acknowledges it. Bounded by a number of batches: beyond it the oldest is
//! dropped and counted, and the count travels with every batch.
//!
//! A small state file holds the next batch number, the floor (every batch at or below it is
//! gone for good: acknowledged, or dropped and already counted) and the dropped count. It is
//! written before the files it accounts for are deleted, so a crash at any point neither loses
//! a batch within the bound, nor counts a drop twice, nor reuses a number.

use anyhow::{Context, anyhow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use vigil_domain::agent::HostSample;
use vigil_domain::agent::protocol::SampleBatch;

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct State {
    next_seq: u64,
    floor: u64,
    dropped_total: u64,
}

/// The backlog in one directory.
#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    max_batches: usize,
    held: BTreeSet<u64>,
    state: State,
}

const STATE_FILE: &str = "state.json";

fn batch_name(seq: u64) -> String {
    format!("{seq:020}.json")
}

/// Writes `bytes` to `path` whole or not at all, and durably.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let temporary = dir.join(format!("{name}.tmp"));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temporary)
        .with_context(|| format!("creating {}", temporary.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, dir.join(name))?;
    File::open(dir)?.sync_all().with_context(|| format!("syncing {}", dir.display()))
}

impl Spool {
    /// Opens (or creates) the backlog in `dir`, holding at most `max_batches` batches.
    pub fn open(dir: &Path, max_batches: usize) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let state = match std::fs::read(dir.join(STATE_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| format!("reading {}", dir.join(STATE_FILE).display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State { next_seq: 1, floor: 0, dropped_total: 0 },
            Err(e) => return Err(e).context("reading the backlog's state"),
        };
        let mut spool = Self { dir: dir.to_owned(), max_batches: max_batches.max(1), held: BTreeSet::new(), state };
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                // A write that never completed: its batch was never handed to the link.
                std::fs::remove_file(dir.join(&name))?;
            } else if let Some(seq) = name.strip_suffix(".json").and_then(|n| n.parse::<u64>().ok()) {
                if seq <= spool.state.floor {
                    std::fs::remove_file(dir.join(&name))?;
                } else {
                    spool.held.insert(seq);
                }
            }
        }
        if let Some(last) = spool.held.last() {
            spool.state.next_seq = spool.state.next_seq.max(last + 1);
        }
        spool.enforce_bound()?;
        Ok(spool)
    }

    fn save_state(&self) -> anyhow::Result<()> {
        write_atomically(&self.dir, STATE_FILE, &serde_json::to_vec(&self.state)?)
    }

    /// Deletes held batches at or below the floor (the state saying so is written first).
    fn delete_below_floor(&mut self) -> anyhow::Result<()> {
        self.save_state()?;
        while let Some(&seq) = self.held.first().filter(|s| **s <= self.state.floor) {
            match std::fs::remove_file(self.dir.join(batch_name(seq))) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
            self.held.remove(&seq);
        }
        Ok(())
    }

    fn enforce_bound(&mut self) -> anyhow::Result<()> {
        let excess = self.held.len().saturating_sub(self.max_batches);
        if excess == 0 {
            return Ok(());
        }
        let newest_dropped = *self.held.iter().nth(excess - 1).ok_or_else(|| anyhow!("the backlog's index is inconsistent"))?;
        self.state.dropped_total += excess as u64;
        self.state.floor = newest_dropped;
        tracing::warn!(dropped = excess, dropped_total = self.state.dropped_total, "backlog full: dropped the oldest batches");
        self.delete_below_floor()
    }

    /// Stores a batch of `samples` under the next number, durably, and returns the number.
    pub fn push(&mut self, samples: &[HostSample]) -> anyhow::Result<u64> {
        let seq = self.state.next_seq;
        write_atomically(&self.dir, &batch_name(seq), &serde_json::to_vec(samples)?)?;
        self.held.insert(seq);
        self.state.next_seq = seq + 1;
        if self.held.len() > self.max_batches { self.enforce_bound() } else { self.save_state() }.map(|()| seq)
    }

    /// The server holds every batch up to `through`: they are deleted. A `through` at or past
    /// the next number (the server knew this agent before its backlog was lost) moves the
    /// numbering past it, so no number is used twice.
    pub fn ack(&mut self, through: u64) -> anyhow::Result<()> {
        if through <= self.state.floor {
            return Ok(());
        }
        self.state.floor = through;
        self.state.next_seq = self.state.next_seq.max(through + 1);
        self.delete_below_floor()
    }

    /// The oldest held batch numbered above `seq`.
    pub fn next_after(&self, seq: u64) -> Option<u64> {
        self.held.range(seq + 1..).next().copied()
    }

    /// The oldest held batch.
    pub fn oldest(&self) -> Option<u64> {
        self.held.first().copied()
    }

    /// Reads batch `seq`. A batch whose file cannot be read back is dropped and counted.
    pub fn read(&mut self, seq: u64) -> anyhow::Result<Option<SampleBatch>> {
        let path = self.dir.join(batch_name(seq));
        let samples = std::fs::read(&path).map_err(anyhow::Error::from).and_then(|b| Ok(serde_json::from_slice::<Vec<HostSample>>(&b)?));
        match samples {
            Ok(samples) => Ok(Some(SampleBatch { seq, dropped_total: self.state.dropped_total, samples })),
            Err(e) => {
                tracing::error!(seq, error = %format!("{e:#}"), "unreadable batch in the backlog: dropped");
                self.state.dropped_total += 1;
                self.save_state()?;
                let _ = std::fs::remove_file(&path);
                self.held.remove(&seq);
                Ok(None)
            }
        }
    }

    /// Batches held.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Batches dropped since the backlog was created.
    pub fn dropped_total(&self) -> u64 {
        self.state.dropped_total
    }

    /// The number the next batch will get.
    pub fn next_seq(&self) -> u64 {
        self.state.next_seq
    }
}
