//! Channels, alert rules, maintenance windows and mutes; deliveries with their attempts and
//! due-index; escalation and reminder timers.

use crate::MemoryStore;
use crate::cursor::{Order, page};
use crate::state::IndexedTimer;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::ids::{AlertRuleId, ChannelId, DeliveryId, IncidentId, MaintenanceWindowId, TenantId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::notify::{AlertRule, Channel, Delivery, DeliveryAttempt, DeliveryStatus, MaintenanceWindow, Mute, Timer};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{
    AlertRuleRepository, ChannelRepository, DeliveryDueIndex, DeliveryLog, EnqueueOutcome, SilenceRepository, StoreError, TimerIndex,
};
use vigil_domain::time::to_millis;

#[async_trait]
impl ChannelRepository for MemoryStore {
    async fn insert(&self, channel: &Channel) -> Result<(), StoreError> {
        self.state().channels.insert((channel.tenant_id, channel.id), channel.clone());
        Ok(())
    }

    async fn get(&self, tenant: TenantId, id: ChannelId) -> Result<Option<Channel>, StoreError> {
        Ok(self.state().channels.get(&(tenant, id)).cloned())
    }

    async fn list(&self, tenant: TenantId, request: &PageRequest) -> Result<Page<Channel>, StoreError> {
        let state = self.state();
        let channels = state.channels.values().filter(|c| c.tenant_id == tenant);
        page(channels.map(|c| ((c.created_at.as_millisecond(), c.id.as_uuid()), c.clone())), request, Order::Oldest)
    }

    async fn delete(&self, tenant: TenantId, id: ChannelId) -> Result<bool, StoreError> {
        Ok(self.state().channels.remove(&(tenant, id)).is_some())
    }
}

#[async_trait]
impl AlertRuleRepository for MemoryStore {
    async fn put(&self, rule: &AlertRule) -> Result<(), StoreError> {
        self.state().rules.insert((rule.tenant_id, rule.id), rule.clone());
        Ok(())
    }

    async fn get(&self, tenant: TenantId, id: AlertRuleId) -> Result<Option<AlertRule>, StoreError> {
        Ok(self.state().rules.get(&(tenant, id)).cloned())
    }

    async fn all(&self, tenant: TenantId) -> Result<Vec<AlertRule>, StoreError> {
        let mut rules: Vec<AlertRule> = self.state().rules.values().filter(|r| r.tenant_id == tenant).cloned().collect();
        rules.sort_by_key(|r| (r.created_at, r.id));
        Ok(rules)
    }

    async fn delete(&self, tenant: TenantId, id: AlertRuleId) -> Result<bool, StoreError> {
        Ok(self.state().rules.remove(&(tenant, id)).is_some())
    }
}

#[async_trait]
impl SilenceRepository for MemoryStore {
    async fn put_window(&self, window: &MaintenanceWindow) -> Result<(), StoreError> {
        self.state().windows.insert((window.tenant_id, window.id), window.clone());
        Ok(())
    }

    async fn windows(&self, tenant: TenantId) -> Result<Vec<MaintenanceWindow>, StoreError> {
        let mut windows: Vec<MaintenanceWindow> = self.state().windows.values().filter(|w| w.tenant_id == tenant).cloned().collect();
        windows.sort_by_key(|w| (w.created_at, w.id));
        Ok(windows)
    }

    async fn delete_window(&self, tenant: TenantId, id: MaintenanceWindowId) -> Result<bool, StoreError> {
        Ok(self.state().windows.remove(&(tenant, id)).is_some())
    }

    async fn put_mute(&self, mute: &Mute) -> Result<(), StoreError> {
        self.state().mutes.insert((mute.tenant_id, mute.subject), mute.clone());
        Ok(())
    }

    async fn delete_mute(&self, tenant: TenantId, subject: IncidentSubject) -> Result<bool, StoreError> {
        Ok(self.state().mutes.remove(&(tenant, subject)).is_some())
    }

    async fn mutes(&self, tenant: TenantId) -> Result<Vec<Mute>, StoreError> {
        Ok(self.state().mutes.values().filter(|m| m.tenant_id == tenant).cloned().collect())
    }
}

#[async_trait]
impl DeliveryLog for MemoryStore {
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        let mut state = self.state();
        let key = delivery.idempotency_key();
        let taken = state.deliveries.contains_key(&(delivery.tenant_id, delivery.id))
            || state.deliveries.values().any(|d| d.tenant_id == delivery.tenant_id && d.idempotency_key() == key);
        if taken {
            return Ok(EnqueueOutcome::Duplicate);
        }
        state.deliveries.insert((delivery.tenant_id, delivery.id), delivery.clone());
        Ok(EnqueueOutcome::Enqueued)
    }

    async fn get(&self, tenant: TenantId, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        Ok(self.state().deliveries.get(&(tenant, id)).cloned())
    }

    async fn record_attempt(&self, delivery: &Delivery, attempt: &DeliveryAttempt) -> Result<(), StoreError> {
        let mut state = self.state();
        let key = (delivery.tenant_id, delivery.id);
        match state.deliveries.get_mut(&key) {
            None => Err(StoreError::NotFound),
            Some(stored) if stored.attempts != delivery.attempts.saturating_sub(1) => Err(StoreError::Conflict),
            Some(stored) => {
                *stored = delivery.clone();
                state.attempts.insert((delivery.tenant_id, delivery.id, attempt.number), attempt.clone());
                Ok(())
            }
        }
    }

    async fn for_incident(&self, tenant: TenantId, incident: IncidentId) -> Result<Vec<Delivery>, StoreError> {
        let state = self.state();
        let mut deliveries: Vec<Delivery> =
            state.deliveries.values().filter(|d| d.tenant_id == tenant && d.about() == incident.as_uuid()).cloned().collect();
        deliveries.sort_by_key(|d| (d.created_at, d.id));
        Ok(deliveries)
    }

    async fn attempts(&self, tenant: TenantId, id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
        let state = self.state();
        Ok(state.attempts.iter().filter(|((t, d, _), _)| (*t, *d) == (tenant, id)).map(|(_, a)| a.clone()).collect())
    }

    async fn failed(&self, tenant: TenantId, request: &PageRequest) -> Result<Page<Delivery>, StoreError> {
        let state = self.state();
        let failed = state.deliveries.values().filter(|d| d.tenant_id == tenant && d.status == DeliveryStatus::Failed);
        page(failed.map(|d| ((d.created_at.as_millisecond(), d.id.as_uuid()), d.clone())), request, Order::Newest)
    }
}

/// Whether a delivery is pending and due at `now`.
fn due_at(delivery: &Delivery, now: Timestamp) -> bool {
    delivery.status == DeliveryStatus::Pending && delivery.next_attempt_at.is_some_and(|due| due <= now)
}

#[async_trait]
impl DeliveryDueIndex for MemoryStore {
    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let mut state = self.state();
        let mut due: Vec<(Timestamp, TenantId, DeliveryId)> =
            state.deliveries.values().filter(|d| due_at(d, now)).map(|d| (d.next_attempt_at.unwrap_or(now), d.tenant_id, d.id)).collect();
        due.sort();
        due.truncate(limit);
        let until = to_millis(now + lease);
        let mut claimed = Vec::with_capacity(due.len());
        for (_, tenant, id) in due {
            if let Some(delivery) = state.deliveries.get_mut(&(tenant, id)) {
                delivery.next_attempt_at = Some(until);
                claimed.push(delivery.clone());
            }
        }
        Ok(claimed)
    }

    async fn claim(&self, tenant: TenantId, id: DeliveryId, now: Timestamp, lease: SignedDuration) -> Result<Option<Delivery>, StoreError> {
        let mut state = self.state();
        let Some(delivery) = state.deliveries.get_mut(&(tenant, id)).filter(|d| due_at(d, now)) else { return Ok(None) };
        delivery.next_attempt_at = Some(to_millis(now + lease));
        Ok(Some(delivery.clone()))
    }
}

fn timer_key(timer: &Timer) -> crate::state::TimerKey {
    (timer.tenant_id, timer.incident_id, timer.rule_id, timer.slot())
}

#[async_trait]
impl TimerIndex for MemoryStore {
    async fn schedule(&self, timers: &[Timer]) -> Result<(), StoreError> {
        let mut state = self.state();
        for timer in timers {
            state.timers.insert(timer_key(timer), IndexedTimer { due_ms: timer.due_at.as_millisecond(), timer: timer.clone() });
        }
        Ok(())
    }

    async fn claim_due(&self, now: Timestamp, lease: SignedDuration, limit: usize) -> Result<Vec<Timer>, StoreError> {
        let mut state = self.state();
        let mut due: Vec<(i64, crate::state::TimerKey)> =
            state.timers.iter().filter(|(_, t)| t.due_ms <= now.as_millisecond()).map(|(key, t)| (t.due_ms, *key)).collect();
        due.sort();
        due.truncate(limit);
        let until = (now + lease).as_millisecond();
        let mut claimed = Vec::with_capacity(due.len());
        for (_, key) in due {
            if let Some(indexed) = state.timers.get_mut(&key) {
                // The index moves; the timer is returned, and kept, as it was.
                indexed.due_ms = until;
                claimed.push(indexed.timer.clone());
            }
        }
        Ok(claimed)
    }

    async fn complete(&self, claimed: &Timer, next: Option<&Timer>) -> Result<(), StoreError> {
        let mut state = self.state();
        state.timers.remove(&timer_key(claimed));
        if let Some(next) = next {
            state.timers.insert(timer_key(next), IndexedTimer { due_ms: next.due_at.as_millisecond(), timer: next.clone() });
        }
        Ok(())
    }
}
