//! The on-disk backlog: order, the bound and its drop count, acknowledgements, and what
//! survives a reopen (a restart, or a crash halfway through a write).

use jiff::Timestamp;
use std::path::Path;
use vigil_agent::spool::Spool;
use vigil_domain::agent::HostSample;
use vigil_domain::agent::sample::MemoryUsage;

fn sample(second: i64) -> HostSample {
    HostSample {
        at: Timestamp::from_second(1_800_000_000 + second).unwrap(),
        uptime_seconds: second as u64,
        cpu: None,
        load: None,
        memory: MemoryUsage { total_bytes: 100, available_bytes: 50, swap_total_bytes: 0, swap_used_bytes: 0 },
        disks: vec![],
        disk_io: vec![],
        network: vec![],
        temperatures: vec![],
        containers: None,
    }
}

/// Every held batch, in the order the link reads them: (seq, uptime of its sample, dropped).
fn drain_order(spool: &mut Spool) -> Vec<(u64, u64, u64)> {
    let mut out = Vec::new();
    let mut after = 0;
    while let Some(seq) = spool.next_after(after) {
        let batch = spool.read(seq).unwrap().unwrap();
        out.push((batch.seq, batch.samples[0].uptime_seconds, batch.dropped_total));
        after = seq;
    }
    out
}

/// The numbers of the held batches, in the order the link reads them.
fn seqs(spool: &mut Spool) -> Vec<u64> {
    drain_order(spool).into_iter().map(|b| b.0).collect()
}

/// A backlog in `dir` bounded at `bound`, with batches 1 to `count` pushed.
fn filled(dir: &Path, bound: usize, count: i64) -> Spool {
    let mut spool = Spool::open(dir, bound).unwrap();
    for i in 1..=count {
        assert_eq!(spool.push(&[sample(i)]).unwrap(), i as u64);
    }
    spool
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn batches_come_back_in_order_and_acknowledged_ones_go() {
    let dir = tempfile::tempdir().unwrap();
    let mut spool = filled(dir.path(), 100, 5);
    assert_eq!(drain_order(&mut spool), vec![(1, 1, 0), (2, 2, 0), (3, 3, 0), (4, 4, 0), (5, 5, 0)]);
    spool.ack(3).unwrap();
    assert_eq!(seqs(&mut spool), vec![4, 5]);
    assert_eq!(files(dir.path()), vec!["00000000000000000004.json", "00000000000000000005.json", "state.json"]);
    spool.ack(2).unwrap();
    assert_eq!(spool.len(), 2, "an older acknowledgement changes nothing");
}

#[test]
fn beyond_the_bound_the_oldest_are_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut spool = filled(dir.path(), 3, 7);
    assert_eq!(spool.len(), 3);
    assert_eq!(spool.dropped_total(), 4);
    assert_eq!(drain_order(&mut spool), vec![(5, 5, 4), (6, 6, 4), (7, 7, 4)], "the newest are kept, and carry the count");
}

#[test]
fn everything_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut spool = filled(dir.path(), 3, 5);
        spool.ack(3).unwrap();
    }
    let mut spool = Spool::open(dir.path(), 3).unwrap();
    assert_eq!(spool.dropped_total(), 2);
    assert_eq!(spool.next_seq(), 6);
    assert_eq!(drain_order(&mut spool), vec![(4, 4, 2), (5, 5, 2)]);
    spool.ack(5).unwrap();
    drop(spool);
    let spool = Spool::open(dir.path(), 3).unwrap();
    assert!(spool.is_empty());
    assert_eq!(spool.next_seq(), 6, "numbers are never reused, even once everything is acknowledged");
}

#[test]
fn a_smaller_bound_on_reopen_drops_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let spool = filled(dir.path(), 10, 6);
    drop(spool);
    let mut spool = Spool::open(dir.path(), 4).unwrap();
    assert_eq!(spool.dropped_total(), 2);
    assert_eq!(seqs(&mut spool), vec![3, 4, 5, 6]);
}

#[test]
fn a_crash_at_any_step_loses_nothing_within_the_bound_and_counts_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let spool = filled(dir.path(), 3, 3);
    let state_before = std::fs::read(dir.path().join("state.json")).unwrap();
    drop(spool);

    // A crash after a batch file was renamed into place, before the state was written: the
    // batch is there, over the bound.
    std::fs::write(dir.path().join("00000000000000000004.json"), serde_json::to_vec(&[sample(4)]).unwrap()).unwrap();
    // A crash halfway through writing the next: only its temporary file.
    std::fs::write(dir.path().join("00000000000000000005.json.tmp"), b"[{\"at\":").unwrap();
    let mut spool = Spool::open(dir.path(), 3).unwrap();
    assert_eq!(spool.dropped_total(), 1, "the bound is enforced on reopen");
    assert_eq!(seqs(&mut spool), vec![2, 3, 4]);
    assert_eq!(spool.next_seq(), 5);
    assert!(!files(dir.path()).iter().any(|f| f.ends_with(".tmp")), "the half-written file is gone");
    drop(spool);

    // A crash after the state said batch 2 was dropped (floor 2, one more drop counted), before
    // its file was deleted: reopening deletes it without counting it again.
    let mut state: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("state.json")).unwrap()).unwrap();
    assert_ne!(serde_json::to_vec(&state).unwrap(), state_before);
    state["floor"] = 2.into();
    state["dropped_total"] = 2.into();
    std::fs::write(dir.path().join("state.json"), serde_json::to_vec(&state).unwrap()).unwrap();
    let mut spool = Spool::open(dir.path(), 3).unwrap();
    assert_eq!(spool.dropped_total(), 2);
    assert_eq!(seqs(&mut spool), vec![3, 4]);
}

#[test]
fn an_acknowledgement_past_the_numbering_moves_it_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut spool = Spool::open(dir.path(), 10).unwrap();
    spool.push(&[sample(1)]).unwrap();
    // The server already holds batches up to 500 from this agent (its backlog was wiped).
    spool.ack(500).unwrap();
    assert!(spool.is_empty());
    assert_eq!(spool.push(&[sample(2)]).unwrap(), 501);
}

#[test]
fn an_unreadable_batch_is_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut spool = filled(dir.path(), 10, 3);
    std::fs::write(dir.path().join("00000000000000000002.json"), b"garbage").unwrap();
    assert!(spool.read(2).unwrap().is_none());
    assert_eq!(spool.dropped_total(), 1);
    assert_eq!(drain_order(&mut spool), vec![(1, 1, 1), (3, 3, 1)]);
}
