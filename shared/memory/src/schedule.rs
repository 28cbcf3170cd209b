//! The due-index of checks: monitors by due time, claimed through the domain's slot allotment
//! as every store claims them.

use crate::MemoryStore;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::monitor::schedule::{DueMonitor, allot_slots};
use vigil_domain::ports::{CheckSchedule, DueCheck, StoreError};

#[async_trait]
impl CheckSchedule for MemoryStore {
    async fn claim_due(&self, now: Timestamp, until: Timestamp, limit: usize) -> Result<Vec<DueCheck>, StoreError> {
        self.claim_ahead(now, until, until, limit).await
    }

    async fn claim_ahead(
        &self,
        now: Timestamp,
        lead_until: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<DueCheck>, StoreError> {
        let lead_until = lead_until.min(until);
        let mut state = self.state();
        let mut due: Vec<DueMonitor> = state
            .monitors
            .values()
            .filter_map(|r| {
                let due_at = r.next_due_at.filter(|due| *due < lead_until)?;
                Some(DueMonitor { tenant_id: r.monitor.tenant_id, monitor_id: r.monitor.id, interval: r.monitor.spec.interval, due_at })
            })
            .collect();
        due.sort_by_key(|m| (m.due_at, m.monitor_id));
        due.truncate(limit);
        let allotments = allot_slots(due, now, until, limit);
        for allotment in &allotments {
            let m = &allotment.monitor;
            if let Some(record) = state.monitors.get_mut(&(m.tenant_id, m.monitor_id)) {
                record.next_due_at = Some(allotment.next_due_at);
            }
        }
        Ok(allotments.iter().flat_map(|a| a.checks()).collect())
    }
}
