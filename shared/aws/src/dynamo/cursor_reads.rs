//! The monitors on a schedule cursor as last read, kept for the rest of one scheduler run.
//!
//! A run caps each claim at a batch and calls the store again with the same `now` until nothing
//! is left, so a large tenant's cursor is advanced by many calls in a row. Without this each of
//! them would read all of the tenant's monitors again: for 10,000 monitors about 1,400 read units
//! a call, hundreds of calls a run. A read is reused only within the run (the same `now`) and
//! for the cursor's version it was made under. A monitor starts following a cursor only by
//! joining, which bumps the version, so a kept read has every member. A monitor that stopped
//! following since (paused, given another interval, deleted) may still be handed out for the
//! rest of the run; the prober skips its check, as it skips one claimed just before the change.

use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use vigil_domain::ids::TenantId;
use vigil_domain::monitor::schedule_cursor::CursorMember;

/// A cursor's members as read: the version and run they were read under, and the members.
type CursorRead = (u64, Timestamp, Arc<Vec<CursorMember>>);

/// Members read, by tenant.
#[derive(Clone, Debug, Default)]
pub(crate) struct CursorReads(Arc<Mutex<HashMap<TenantId, CursorRead>>>);

impl CursorReads {
    /// The members read for `tenant`'s cursor at `version` in the run at `now`, if any.
    pub(crate) fn get(&self, tenant: TenantId, version: u64, now: Timestamp) -> Option<Arc<Vec<CursorMember>>> {
        let reads = self.0.lock().ok()?;
        reads.get(&tenant).filter(|(v, run, _)| *v == version && *run == now).map(|(_, _, members)| members.clone())
    }

    /// Keeps a read for the rest of the run at `now`; reads of other runs are dropped.
    pub(crate) fn keep(&self, tenant: TenantId, version: u64, now: Timestamp, members: Arc<Vec<CursorMember>>) {
        let Ok(mut reads) = self.0.lock() else { return };
        reads.retain(|_, (_, run, _)| *run == now);
        reads.insert(tenant, (version, now, members));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_read_serves_its_run_and_version_only() {
        let reads = CursorReads::default();
        let (tenant, other) = (TenantId::from_uuid(Uuid::from_u128(1)), TenantId::from_uuid(Uuid::from_u128(2)));
        let run = |s| Timestamp::from_second(s).unwrap();
        reads.keep(tenant, 3, run(60), Arc::new(Vec::new()));
        assert!(reads.get(tenant, 3, run(60)).is_some(), "the same run and version");
        assert!(reads.get(tenant, 4, run(60)).is_none(), "a monitor joined since");
        assert!(reads.get(tenant, 3, run(120)).is_none(), "the next run reads again");
        assert!(reads.get(other, 3, run(60)).is_none());
        reads.keep(other, 1, run(120), Arc::new(Vec::new()));
        assert!(reads.get(tenant, 3, run(60)).is_none(), "a new run drops the last run's reads");
    }
}
