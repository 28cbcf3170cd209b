//! Monitors, their check history and status transitions, as the SQLite store keeps them: a
//! result is refused when its monitor is gone, then when the health it was computed from is
//! stale, then when it was stored already.

use crate::MemoryStore;
use crate::cursor::{Order, page};
use crate::state::{State, StoredTransition};
use async_trait::async_trait;
use jiff::Timestamp;
use std::collections::BTreeMap;
use vigil_domain::check::CheckResult;
use vigil_domain::digest::HistoryDigest;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::monitor::{HttpMonitor, MonitorHealth, MonitorRecord, MonitorStatus, StatusTransition};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{CheckLog, CheckRecord, MonitorQuery, MonitorRepository, RecordOutcome, StoreError, TransitionLog};
use vigil_domain::uptime::CheckTally;

impl State {
    fn push_transition(&mut self, transition: &StatusTransition, check_planned_ms: Option<i64>) {
        self.next_seq += 1;
        let stored = StoredTransition { seq: self.next_seq, check_planned_ms, transition: transition.clone() };
        self.transitions.entry((transition.tenant_id, transition.monitor_id)).or_default().push(stored);
    }

    /// A lost condition on a monitor: [`StoreError::Conflict`] if it exists,
    /// [`StoreError::NotFound`] if not.
    fn lost(&self, tenant: TenantId, id: MonitorId) -> StoreError {
        if self.monitors.contains_key(&(tenant, id)) { StoreError::Conflict } else { StoreError::NotFound }
    }

    fn record_one(&mut self, record: &CheckRecord) -> RecordOutcome {
        let r = &record.result;
        let Some(stored) = self.monitors.get_mut(&(r.tenant_id, r.monitor_id)) else { return RecordOutcome::MonitorGone };
        if record.health.as_ref().is_some_and(|update| update.expected_version != stored.health.version) {
            return RecordOutcome::HealthConflict;
        }
        let key = (r.tenant_id, r.monitor_id, r.planned_at.as_millisecond());
        if self.results.contains_key(&key) {
            return RecordOutcome::Duplicate;
        }
        self.results.insert(key, r.clone());
        if let Some(update) = &record.health {
            stored.health = update.health;
            if let Some(transition) = &update.transition {
                self.push_transition(transition, Some(key.2));
            }
        }
        RecordOutcome::Recorded
    }
}

#[async_trait]
impl MonitorRepository for MemoryStore {
    async fn insert(&self, record: &MonitorRecord) -> Result<(), StoreError> {
        let mut state = self.state();
        let key = (record.monitor.tenant_id, record.monitor.id);
        if state.monitors.contains_key(&key) {
            return Err(StoreError::backend(format!("inserting a monitor: monitor {} exists", record.monitor.id)));
        }
        state.monitors.insert(key, record.clone());
        Ok(())
    }

    async fn get(&self, tenant: TenantId, id: MonitorId) -> Result<Option<MonitorRecord>, StoreError> {
        Ok(self.state().monitors.get(&(tenant, id)).cloned())
    }

    async fn list(&self, tenant: TenantId, query: &MonitorQuery) -> Result<Page<MonitorRecord>, StoreError> {
        let state = self.state();
        let matching = state.monitors.values().filter(|r| r.monitor.tenant_id == tenant).filter(|r| {
            query.tag.as_ref().is_none_or(|tag| r.monitor.spec.tags.contains(tag)) && query.status.is_none_or(|s| r.health.status == s)
        });
        page(matching.map(|r| ((r.monitor.created_at.as_millisecond(), r.monitor.id.as_uuid()), r.clone())), &query.page, Order::Oldest)
    }

    async fn update_spec(&self, monitor: &HttpMonitor, expected_revision: u64, next_due_at: Option<Timestamp>) -> Result<(), StoreError> {
        let mut state = self.state();
        match state.monitors.get_mut(&(monitor.tenant_id, monitor.id)) {
            Some(stored) if stored.monitor.revision == expected_revision => {
                // The creation time is not the spec's to change.
                stored.monitor = HttpMonitor { created_at: stored.monitor.created_at, ..monitor.clone() };
                stored.next_due_at = next_due_at;
                Ok(())
            }
            _ => Err(state.lost(monitor.tenant_id, monitor.id)),
        }
    }

    async fn change_health(
        &self,
        tenant: TenantId,
        id: MonitorId,
        expected_version: u64,
        health: &MonitorHealth,
        next_due_at: Option<Timestamp>,
        transition: Option<&StatusTransition>,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        match state.monitors.get_mut(&(tenant, id)) {
            Some(stored) if stored.health.version == expected_version => {
                stored.health = *health;
                stored.next_due_at = next_due_at;
                if let Some(transition) = transition {
                    state.push_transition(transition, None);
                }
                Ok(())
            }
            _ => Err(state.lost(tenant, id)),
        }
    }

    async fn delete(&self, tenant: TenantId, id: MonitorId) -> Result<bool, StoreError> {
        let mut state = self.state();
        let existed = state.monitors.remove(&(tenant, id)).is_some();
        state.results.retain(|(t, m, _), _| (*t, *m) != (tenant, id));
        state.transitions.remove(&(tenant, id));
        Ok(existed)
    }

    async fn count_by_status(&self, tenant: TenantId) -> Result<BTreeMap<MonitorStatus, u64>, StoreError> {
        let mut counts = BTreeMap::new();
        for record in self.state().monitors.values().filter(|r| r.monitor.tenant_id == tenant) {
            *counts.entry(record.health.status).or_default() += 1;
        }
        Ok(counts)
    }
}

#[async_trait]
impl CheckLog for MemoryStore {
    async fn record(&self, records: &[CheckRecord]) -> Result<Vec<RecordOutcome>, StoreError> {
        let mut state = self.state();
        Ok(records.iter().map(|record| state.record_one(record)).collect())
    }

    async fn list(&self, tenant: TenantId, monitor: MonitorId, request: &PageRequest) -> Result<Page<CheckResult>, StoreError> {
        let state = self.state();
        let results = state.results.iter().filter(|((t, m, _), _)| (*t, *m) == (tenant, monitor));
        page(results.map(|(key, result)| (key.2, result.clone())), request, Order::Newest)
    }

    async fn get(&self, tenant: TenantId, monitor: MonitorId, id: CheckId) -> Result<Option<CheckResult>, StoreError> {
        // The id also encodes the monitor: an id of another monitor with the right time must not match.
        Ok(self.state().results.get(&(tenant, monitor, id.planned_ms())).filter(|r| r.id == id).cloned())
    }

    async fn tally(&self, tenant: TenantId, monitor: MonitorId, from: Timestamp, to: Timestamp) -> Result<CheckTally, StoreError> {
        let mut tally = CheckTally::default();
        let state = self.state();
        for result in state.results.values().filter(|r| (r.tenant_id, r.monitor_id) == (tenant, monitor)) {
            if (from..to).contains(&result.started_at) {
                tally.record(result);
            }
        }
        Ok(tally)
    }

    async fn hourly(
        &self,
        tenant: TenantId,
        monitor: MonitorId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Timestamp, CheckTally)>, StoreError> {
        let (from, to) = (from.as_millisecond().div_euclid(HOUR_MS) * HOUR_MS, to.as_millisecond());
        let mut hours: BTreeMap<i64, CheckTally> = BTreeMap::new();
        let state = self.state();
        for result in state.results.range((tenant, monitor, i64::MIN)..=(tenant, monitor, i64::MAX)).map(|(_, r)| r) {
            let hour = result.started_at.as_millisecond().div_euclid(HOUR_MS) * HOUR_MS;
            if (from..to).contains(&hour) {
                hours.entry(hour).or_default().record(result);
            }
        }
        Ok(hours.into_iter().map(|(hour, tally)| (Timestamp::from_millisecond(hour).unwrap_or_default(), tally)).collect())
    }

    async fn digests(&self, tenant: TenantId, monitors: &[MonitorId], now: Timestamp) -> Result<Vec<HistoryDigest>, StoreError> {
        let state = self.state();
        Ok(monitors
            .iter()
            .map(|monitor| {
                let checks = state.results.range((tenant, *monitor, i64::MIN)..=(tenant, *monitor, i64::MAX)).map(|(_, r)| r);
                HistoryDigest::of_checks(checks, now)
            })
            .collect())
    }
}

const HOUR_MS: i64 = 3_600_000;

#[async_trait]
impl TransitionLog for MemoryStore {
    async fn list(&self, tenant: TenantId, monitor: MonitorId, request: &PageRequest) -> Result<Page<StatusTransition>, StoreError> {
        let state = self.state();
        let stored = state.transitions.get(&(tenant, monitor)).into_iter().flatten();
        page(stored.map(|s| (s.seq, s.transition.clone())), request, Order::Newest)
    }

    async fn caused_by(&self, tenant: TenantId, monitor: MonitorId, check: CheckId) -> Result<Option<StatusTransition>, StoreError> {
        let state = self.state();
        let mut stored = state.transitions.get(&(tenant, monitor)).into_iter().flatten();
        Ok(stored.find(|s| s.check_planned_ms == Some(check.planned_ms())).map(|s| s.transition.clone()))
    }
}
